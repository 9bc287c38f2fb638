// Renders application/vnd.plotly.v1+json outputs (what src/ emits for figures) with plotly.js,
// so notebooks show plots without the Python plotly package.
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { PLOTLY_MIME, drawFigure, purgeFigure, resizeFigure, type Figure } from "./plotly";

export class PlotlyRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(private readonly options: IRenderMime.IRendererOptions) {
    super();
    this.addClass("mb-plotly-output");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const figure = model.data[this.options.mimeType] as unknown as Figure;
    try {
      await drawFigure(this.node, { ...figure, layout: { height: 360, ...figure.layout } });
    } catch (e) {
      this.node.textContent = `Could not draw this plotly figure: ${e instanceof Error ? e.message : e}`;
    }
  }

  protected onResize(): void {
    void resizeFigure(this.node);
  }

  protected onAfterShow(): void {
    void resizeFigure(this.node);
  }

  dispose(): void {
    if (!this.isDisposed) purgeFigure(this.node);
    super.dispose();
  }
}

// JupyterLab shows the bundle's MIME type of lowest rank; its HTML renderer has 50, so at an equal
// rank a figure that also carries HTML (for other frontends) would show as its table. Below it,
// as jupyterlab-plotly does, the plot wins and the HTML stays in the notebook for nbviewer & co.
export const PLOTLY_RANK = 0;

export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PLOTLY_MIME],
  defaultRank: PLOTLY_RANK,
  createRenderer: (options) => new PlotlyRenderer(options),
};

const extension: IRenderMime.IExtension = {
  id: "modelbench-labextension:plotly",
  description: "Renders plotly figures (application/vnd.plotly.v1+json) with plotly.js.",
  rendererFactory,
  rank: PLOTLY_RANK,
  dataType: "json",
};

/** What a tracked cell's closing line carries (src/track/views.ts RunLink). */
export const RUN_LINK_MIME = "application/vnd.modelbench.run+json";
/** The event a run link sends; the sidebar plugin opens the run (a renderer has no app to ask). */
export const OPEN_RUN_EVENT = "modelbench:open-run";

/** `run NAME (id) finished in 2.1s — …` with the run's name a link that opens its detail. */
export class RunLinkRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(private readonly options: IRenderMime.IRendererOptions) {
    super();
    this.addClass("mb-run-link-output");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const link = model.data[this.options.mimeType] as { id?: string; name?: string; text?: string };
    const text = String(link?.text ?? model.data["text/plain"] ?? "");
    const id = String(link?.id ?? "");
    const pre = document.createElement("pre");
    const a = document.createElement("a");
    a.href = "#";
    a.className = "mb-run-link";
    a.dataset.runId = id;
    a.title = `Open run ${link?.name ?? ""} (${id.slice(0, 8)}) in the Runs view`;
    // The line reads as before; the `run NAME (id)` part is the link.
    const head = /^run .*? \([0-9a-f]{8}\)/.exec(text)?.[0] ?? text;
    a.textContent = head;
    a.addEventListener("click", (e) => {
      e.preventDefault();
      document.dispatchEvent(new CustomEvent(OPEN_RUN_EVENT, { detail: { runId: id } }));
    });
    pre.append(a, document.createTextNode(text.slice(head.length)));
    this.node.replaceChildren(pre);
  }
}

const runLink: IRenderMime.IExtension = {
  id: "modelbench-labextension:run-link",
  description: "Shows a tracked cell's run line as a link to the run.",
  rendererFactory: { safe: true, mimeTypes: [RUN_LINK_MIME], defaultRank: PLOTLY_RANK, createRenderer: (options) => new RunLinkRenderer(options) },
  rank: PLOTLY_RANK,
  dataType: "json",
};

export default [extension, runLink];
