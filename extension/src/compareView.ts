// Runs side by side: params and metrics with the differing rows highlighted, the learning curves
// overlaid, and each run's code diffed against the first one's (all computed by the kernel).
import { Widget } from "@lumino/widgets";
import { formatNumber } from "../../src/track/format";
import { diffBlock, h, section } from "./dom";
import type { RunsModel } from "./model";
import { drawFigure, purgeFigure, resizeFigure } from "./plotly";

export class CompareView extends Widget {
  private tables = h("div", { class: "mb-compare-tables" });
  private plot = h("div", { class: "mb-plot mb-compare-plot" });
  private diffs = h("div", { class: "mb-compare-diffs" });

  constructor(private readonly model: RunsModel) {
    super();
    this.addClass("mb-compare");
    this.title.label = "Compare runs";
    this.node.append(this.tables, section("Learning curves", this.plot)!, this.diffs);
    model.comparisonChanged.connect(this.render, this);
    this.render();
  }

  private render(): void {
    const c = this.model.comparison;
    if (!c) {
      this.tables.replaceChildren(h("p", { class: "mb-empty" }, "Select two or more runs in the Runs panel, then Compare."));
      return;
    }
    this.title.label = `Compare: ${c.runs.map((r) => r.name).join(" · ")}`;
    const head = h("thead", {}, h("tr", {}, h("th", {}, ""), ...c.runs.map((r) => h("th", { title: r.id }, r.name, h("br", {}), h("code", {}, r.id.slice(0, 8))))));
    const row = (label: string, differs: boolean, cells: string[]) =>
      h("tr", { class: differs ? "mb-differs" : null, "data-key": label }, h("th", {}, label, differs ? h("span", { class: "mb-differs-mark", title: "differs" }, " ≠") : ""), ...cells.map((v) => h("td", { class: "mb-num" }, v)));
    const params = c.params.map((p) => row(p.key, p.differs, p.values.map((v) => formatNumber(v))));
    const metrics = c.metrics.map((m) => row(m.key, m.differs, m.values.map((v) => (v ? formatNumber(v.last) : "—"))));
    this.tables.replaceChildren(
      ...[
        section("Params", params.length ? h("table", { class: "mb-table mb-compare-params" }, head.cloneNode(true), h("tbody", {}, ...params)) : h("p", { class: "mb-empty" }, "No params logged.")),
        section("Metrics (last value)", metrics.length ? h("table", { class: "mb-table mb-compare-metrics" }, head.cloneNode(true), h("tbody", {}, ...metrics)) : null),
      ].filter((x): x is HTMLElement => x !== null),
    );
    const name = (id: string) => c.runs.find((r) => r.id === id)?.name ?? id.slice(0, 8);
    this.diffs.replaceChildren(
      ...c.diffs.map((d) => section(`Code: ${name(d.against)} → ${name(d.run)}`, d.diff ? diffBlock(d.diff) : h("p", { class: "mb-empty" }, "Identical code."))!),
    );
    if (c.figure.data.length) {
      this.plot.querySelector(":scope > .mb-empty")?.remove();
      void drawFigure(this.plot, c.figure);
    }
    else {
      purgeFigure(this.plot);
      this.plot.replaceChildren(h("p", { class: "mb-empty" }, "No curves with two or more points."));
    }
  }

  protected onResize(): void {
    void resizeFigure(this.plot);
  }

  dispose(): void {
    if (this.isDisposed) return;
    purgeFigure(this.plot);
    super.dispose();
  }
}
