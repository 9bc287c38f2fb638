// One run in full: params, metric summaries, live curves, system metrics, code, git, data,
// artifacts, registry versions and the error of a failed run. The curves are redrawn in place
// (plotly.react) as points stream in; the rest re-renders when the run's record changes.
import { Widget } from "@lumino/widgets";
import { formatDuration, formatNumber, formatTime } from "../../src/track/format";
import { diffBlock, h, keyValueTable, section } from "./dom";
import type { RunsModel } from "./model";
import { drawFigure, purgeFigure, resizeFigure, type Figure } from "./plotly";
import type { Curve } from "./wire";

const isSystem = (k: string) => k.startsWith("system/");

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

function curvesFigure(curves: Array<[string, Curve]>, title: string): Figure {
  return {
    data: curves.map(([key, c]) => ({
      type: "scatter", mode: c.steps.length > 1 ? "lines" : "markers", name: key,
      x: c.steps, y: c.values.map((v) => (Number.isFinite(v) ? v : null)),
    })),
    layout: { title: { text: title, font: { size: 12 } }, height: 260, xaxis: { title: { text: "step" } }, showlegend: curves.length > 1 },
  };
}

export interface RunDetailActions {
  openArtifact(runId: string, name: string): void;
  downloadArtifact(runId: string, name: string): void;
}

export class RunDetailView extends Widget {
  private info = h("div", { class: "mb-detail-info" });
  private plots = h("div", { class: "mb-plots" });
  private plotEls = new Map<string, HTMLElement>();
  private rest = h("div", { class: "mb-detail-rest" });
  private frame = 0;

  constructor(private readonly model: RunsModel, private readonly actions: RunDetailActions | null = null) {
    super();
    this.addClass("mb-detail");
    this.node.tabIndex = -1;
    this.node.append(this.info, section("Curves", this.plots)!, this.rest);
    model.detailChanged.connect(this.render, this);
    model.curvesChanged.connect((_, id) => id === model.detailId && this.scheduleCurves(), this);
    this.render();
  }

  /** The run shown (for the tab's title). */
  get runName(): string {
    return this.model.detail?.run.name ?? "Run";
  }

  private render(): void {
    const d = this.model.detail;
    this.title.label = d ? `Run: ${d.run.name}` : "Run";
    if (!d) {
      this.info.replaceChildren(h("p", { class: "mb-empty" }, this.model.detailId ? "Loading…" : "No run open."));
      this.rest.replaceChildren();
      return;
    }
    const r = d.run;
    const duration = r.durationMs ?? (r.status === "running" ? Date.now() - r.startedAt : null);
    this.info.replaceChildren(
      h("header", { class: "mb-detail-header" },
        h("span", { class: `mb-status-dot mb-status-${r.status}`, title: r.status }),
        h("h2", {}, r.name),
        h("span", { class: `mb-badge mb-status-text-${r.status}` }, r.status),
        ...r.tags.map((t) => h("span", { class: "mb-tag" }, t)),
      ),
      keyValueTable([
        ["id", h("code", {}, r.id)],
        ["started", formatTime(r.startedAt)],
        ["duration", formatDuration(duration)],
        ["project", r.project],
        ...(r.parentId ? [["parent", h("code", {}, r.parentId)] as [string, Node]] : []),
        ...(r.seed !== null ? [["seed", String(r.seed)] as [string, string]] : []),
        ["host", `${r.host} (pid ${r.pid})`],
        ...(r.notebookPath ? [["notebook", r.notebookPath] as [string, string]] : []),
        ...(r.notes ? [["notes", r.notes] as [string, string]] : []),
      ])!,
      r.error ? h("div", { class: "mb-run-error", role: "alert" }, h("strong", {}, `This run ${r.status}: `), h("pre", {}, r.error)) : "",
    );
    const metrics = Object.values(r.metrics).filter((m) => !isSystem(m.key));
    const system = Object.values(r.metrics).filter((m) => isSystem(m.key));
    const metricTable = (ms: typeof metrics) =>
      ms.length
        ? h("table", { class: "mb-table" },
            h("thead", {}, h("tr", {}, ...["metric", "last", "best", "min", "max", "steps", "goal"].map((c) => h("th", {}, c)))),
            h("tbody", {}, ...ms.map((m) => h("tr", {}, h("td", {}, m.key), ...[m.last, m.best, m.min, m.max, m.count].map((v) => h("td", { class: "mb-num" }, formatNumber(v))), h("td", {}, m.goal ?? "")))))
        : null;
    this.rest.replaceChildren(
      ...[
        section("Params", keyValueTable(Object.entries(r.params).map(([k, v]) => [k, formatNumber(v)]))),
        section("Metrics", metricTable(metrics)),
        section("System metrics", metricTable(system)),
        section("Code", r.source ? h("pre", { class: "mb-code mb-source" }, r.source) : null),
        section("Git",
          r.gitCommit ? keyValueTable([["commit", h("code", {}, r.gitCommit)], ["branch", r.gitBranch ?? ""], ["dirty", r.gitDirty ? "yes — the diff below was not committed" : "no"]]) : null,
          r.gitDiff ? h("details", {}, h("summary", {}, "Uncommitted changes (git diff HEAD)"), diffBlock(r.gitDiff)) : null),
        section("Data", r.data.length ? h("table", { class: "mb-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "path"), h("th", {}, "sha256"), h("th", {}, "size"))),
          h("tbody", {}, ...r.data.map((x) => h("tr", {}, h("td", {}, x.path), h("td", {}, h("code", {}, x.hash.slice(0, 16))), h("td", { class: "mb-num" }, bytes(x.bytes)))))) : null),
        section("Artifacts", r.artifacts.length ? h("table", { class: "mb-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "name"), h("th", {}, "kind"), h("th", {}, "size"), h("th", {}, "hash"), this.actions ? h("th", {}, "") : null)),
          h("tbody", {}, ...r.artifacts.map((a) => h("tr", { "data-artifact": a.name },
            h("td", {}, a.name), h("td", {}, a.kind), h("td", { class: "mb-num" }, bytes(a.bytes)), h("td", {}, h("code", { title: a.hash }, a.hash.slice(0, 12))),
            this.actions ? h("td", { class: "mb-artifact-actions" },
              h("button", { class: "jp-mod-styled mb-open-artifact", type: "button", title: `Open ${a.name}`, onclick: () => this.actions!.openArtifact(r.id, a.name) }, "Open"),
              h("button", { class: "jp-mod-styled mb-download-artifact", type: "button", title: `Download ${a.name}`, onclick: () => this.actions!.downloadArtifact(r.id, a.name) }, "Download")) : null)))) : null),
        section("Registry", d.versions.length ? h("ul", { class: "mb-versions" },
          ...d.versions.map((v) => h("li", {}, h("strong", {}, `${v.name} v${v.version}`), v.aliases.length ? ` @${v.aliases.join(" @")}` : "", v.description ? ` — ${v.description}` : ""))) : null),
        section("Environment", Object.keys(r.env).length ? h("details", {}, h("summary", {}, "env"), h("pre", { class: "mb-code" }, JSON.stringify(r.env, null, 2))) : null),
      ].filter((x): x is HTMLElement => x !== null),
    );
    this.scheduleCurves();
  }

  private scheduleCurves(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      void this.drawCurves();
    });
  }

  /** One plot per metric, one for all system metrics; existing plots are updated, not rebuilt. */
  private async drawCurves(): Promise<void> {
    const id = this.model.detailId;
    if (!id || !this.isVisible) return;
    const curves = [...this.model.curvesOf(id).entries()].sort((a, b) => a[0].localeCompare(b[0]));
    const figures = new Map<string, Figure>();
    for (const [k, c] of curves) if (!isSystem(k)) figures.set(k, curvesFigure([[k, c]], k));
    const system = curves.filter(([k]) => isSystem(k));
    if (system.length) figures.set("system", curvesFigure(system, "system metrics"));
    for (const [key, el] of this.plotEls) {
      if (!figures.has(key)) {
        purgeFigure(el);
        el.remove();
        this.plotEls.delete(key);
      }
    }
    for (const [key, fig] of figures) {
      let el = this.plotEls.get(key);
      if (!el) {
        el = h("div", { class: "mb-plot", "data-metric": key });
        this.plots.appendChild(el);
        this.plotEls.set(key, el);
      }
      el.dataset.points = String(key === "system" ? system.reduce((n, [, c]) => n + c.steps.length, 0) : this.model.curve(id, key)!.steps.length);
      await drawFigure(el, fig);
    }
    if (!figures.size) this.plots.replaceChildren(h("p", { class: "mb-empty" }, "No metrics logged yet."));
    else this.plots.querySelector(":scope > .mb-empty")?.remove();
  }

  protected onAfterShow(): void {
    this.scheduleCurves();
  }

  protected onResize(): void {
    for (const el of this.plotEls.values()) void resizeFigure(el);
  }

  dispose(): void {
    if (this.isDisposed) return;
    for (const el of this.plotEls.values()) purgeFigure(el);
    if (this.frame) cancelAnimationFrame(this.frame);
    super.dispose();
  }
}
