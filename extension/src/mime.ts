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

export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PLOTLY_MIME],
  defaultRank: 50,
  createRenderer: (options) => new PlotlyRenderer(options),
};

const extension: IRenderMime.IExtension = {
  id: "modelbench-labextension:plotly",
  description: "Renders plotly figures (application/vnd.plotly.v1+json) with plotly.js.",
  rendererFactory,
  rank: 50,
  dataType: "json",
};

export default extension;
