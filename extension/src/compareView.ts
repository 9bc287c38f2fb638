// Runs side by side, the way a person scans them: metrics first, each with its delta against the
// first run and the best value marked (by the metric's goal); then only the params that differ
// (a toggle shows the rest; blank vs blank is no difference); long values cut with a way to
// expand; a bar chart of the metrics across runs; curves overlaid when there are any; each run's
// code diffed against the first one's. The kernel computes the rows (src/track/views.ts).
import { Widget } from "@lumino/widgets";
import { elideMiddle } from "../../src/track/columns";
import { formatNumber } from "../../src/track/format";
import { diffBlock, h, section } from "./dom";
import type { RunsModel } from "./model";
import { drawFigure, purgeFigure, resizeFigure } from "./plotly";
import type { CompareMetricRow, CompareParamRow, CompareResult } from "./wire";

/** A value longer than this shows its start and a button for the rest. */
export const LONG_VALUE = 60;

const goalMark = (goal: string | null) => (goal === "max" ? " ↑" : goal === "min" ? " ↓" : "");

function signed(d: number): string {
  return `${d > 0 ? "+" : d < 0 ? "−" : "±"}${formatNumber(Math.abs(d))}`;
}

/** A cell for a value that may be long: its start, and "more" to see it whole. */
function valueCell(v: unknown): HTMLElement {
  const text = formatNumber(v);
  if (text.length <= LONG_VALUE) return h("td", { class: "mb-value" }, text || h("span", { class: "mb-blank" }, "—"));
  const short = h("span", {}, `${text.slice(0, LONG_VALUE - 1)}…`);
  const button = h("button", { type: "button", class: "mb-link-button mb-expand", title: "Show the whole value" }, "more");
  const td = h("td", { class: "mb-value mb-long" }, short, " ", button);
  button.addEventListener("click", () => {
    const open = td.classList.toggle("mb-expanded");
    short.textContent = open ? text : `${text.slice(0, LONG_VALUE - 1)}…`;
    button.textContent = open ? "less" : "more";
  });
  return td;
}

export class CompareView extends Widget {
  private head = h("div", { class: "mb-compare-head" });
  private tables = h("div", { class: "mb-compare-tables" });
  private bars = h("div", { class: "mb-plot mb-compare-bars" });
  private plot = h("div", { class: "mb-plot mb-compare-plot" });
  private barsSection: HTMLElement;
  private curvesSection: HTMLElement;
  private diffs = h("div", { class: "mb-compare-diffs" });
  private onlyDiffs = h("input", { type: "checkbox", class: "mb-only-diffs", checked: true });

  constructor(private readonly model: RunsModel) {
    super();
    this.addClass("mb-compare");
    this.title.label = "Compare runs";
    this.onlyDiffs.addEventListener("change", () => this.renderTables());
    this.barsSection = section("Metrics across runs", this.bars)!;
    this.curvesSection = section("Learning curves", this.plot)!;
    this.node.append(this.head, this.tables, this.barsSection, this.curvesSection, this.diffs);
    model.comparisonChanged.connect(this.render, this);
    this.render();
  }

  private render(): void {
    const c = this.model.comparison;
    if (!c) {
      this.head.replaceChildren();
      this.tables.replaceChildren(h("p", { class: "mb-empty" }, "Select two or more runs in the Runs panel or the Runs table, then Compare."));
      this.barsSection.hidden = this.curvesSection.hidden = true;
      return;
    }
    this.title.label = `Compare: ${c.runs.map((r) => elideMiddle(r.name, 20)).join(" · ")}`;
    this.title.caption = c.runs.map((r) => `${r.name} (${r.id.slice(0, 8)})`).join("\n");
    this.head.replaceChildren(
      h("label", { class: "mb-toggle", title: "Hide the params whose value is the same in every run" }, this.onlyDiffs, " only differences"),
      h("span", { class: "mb-hint" }, `deltas against ${c.labels?.[0] ?? c.runs[0].name}; best value by each metric's goal`),
    );
    this.renderTables();
    const name = (id: string) => c.runs.find((r) => r.id === id)?.name ?? id.slice(0, 8);
    this.diffs.replaceChildren(
      ...c.diffs.map((d) => section(`Code: ${name(d.against)} → ${name(d.run)}`, d.diff ? diffBlock(d.diff) : h("p", { class: "mb-empty" }, "Identical code."))!),
    );
    this.drawOrHide(this.barsSection, this.bars, c.bars);
    this.drawOrHide(this.curvesSection, this.plot, c.figure);
  }

  /** A figure with data is drawn; without, its section goes away (no empty box). */
  private drawOrHide(sectionEl: HTMLElement, el: HTMLElement, figure: { data: unknown[]; layout: Record<string, unknown> } | undefined): void {
    const has = !!figure && figure.data.length > 0;
    sectionEl.hidden = !has;
    if (has) void drawFigure(el, figure!);
    else purgeFigure(el);
  }

  private header(c: CompareResult): HTMLElement {
    const labels = c.labels ?? c.runs.map((r) => r.name);
    return h("thead", {}, h("tr", {}, h("th", {}, ""), ...c.runs.map((r, i) =>
      h("th", { title: `${r.name} (${r.id})`, class: "mb-run-head" }, elideMiddle(labels[i], 28), h("br", {}), h("code", {}, r.id.slice(0, 8))))));
  }

  private metricRow(m: CompareMetricRow): HTMLElement {
    // No row colour for "differs" here: nearly every metric differs; the best cell is what stands out.
    return h("tr", { "data-key": m.key },
      h("th", { title: m.goal ? `${m.key}: ${m.goal === "max" ? "higher" : "lower"} is better` : m.key }, m.key, goalMark(m.goal)),
      ...m.values.map((v, i) => {
        if (!v) return h("td", { class: "mb-num mb-blank" }, "—");
        const shown = m.shown[i];
        const d = m.deltas[i];
        const best = m.best.includes(i);
        return h("td", { class: `mb-num${best ? " mb-best" : ""}`, title: best ? "best" : null },
          shown === null ? "—" : formatNumber(shown),
          d !== null && d !== 0 ? h("span", { class: `mb-delta ${(m.goal === "max" ? d > 0 : m.goal === "min" ? d < 0 : false) ? "mb-better" : m.goal ? "mb-worse" : ""}` }, ` ${signed(d)}`) : null,
          v.count > 1 ? h("div", { class: "mb-range" }, `min ${formatNumber(v.min)} · max ${formatNumber(v.max)} · last ${formatNumber(v.last)}`) : null);
      }));
  }

  private paramRow(p: CompareParamRow): HTMLElement {
    return h("tr", { class: p.differs ? "mb-differs" : null, "data-key": p.key },
      h("th", {}, p.key, p.differs ? h("span", { class: "mb-differs-mark", title: "differs" }, " ≠") : ""),
      ...p.values.map(valueCell));
  }

  private renderTables(): void {
    const c = this.model.comparison;
    if (!c) return;
    const only = this.onlyDiffs.checked;
    const params = only ? c.params.filter((p) => p.differs) : c.params;
    const hidden = c.params.length - params.length;
    const table = (cls: string, rows: HTMLElement[]) => h("table", { class: `mb-table ${cls}` }, this.header(c), h("tbody", {}, ...rows));
    this.tables.replaceChildren(
      ...[
        section("Metrics", c.metrics.length ? table("mb-compare-metrics", c.metrics.map((m) => this.metricRow(m))) : h("p", { class: "mb-empty" }, "No metrics logged.")),
        section(
          only ? `Params that differ (${params.length} of ${c.params.length})` : `Params (${c.params.length})`,
          params.length ? table("mb-compare-params", params.map((p) => this.paramRow(p))) : null,
          hidden ? h("p", { class: "mb-empty mb-hidden-params" }, `${hidden} param${hidden === 1 ? " is" : "s are"} the same in every run.`) : null,
          !c.params.length ? h("p", { class: "mb-empty" }, "No params logged.") : null,
        ),
      ].filter((x): x is HTMLElement => x !== null),
    );
  }

  protected onResize(): void {
    void resizeFigure(this.plot);
    void resizeFigure(this.bars);
  }

  dispose(): void {
    if (this.isDisposed) return;
    purgeFigure(this.plot);
    purgeFigure(this.bars);
    super.dispose();
  }
}
