// Runs side by side, the way a person scans them: metrics first, each with its delta against the
// first run and the best value marked (by the metric's goal); then only the params that differ
// (a toggle shows the rest; blank vs blank is no difference); long values cut with a way to
// expand; a bar chart of the metrics across runs; the curves of each metric overlaid (smoothed,
// log y, x by step or time; grouped: each group's mean with a ± std band); the media the runs
// share, side by side at their last step or a chosen one (a table also stacked across runs); each
// run's code diffed against the first one's. The kernel computes the rows (src/track/views.ts).
import { Widget } from "@lumino/widgets";
import { elideMiddle } from "../../src/track/columns";
import { formatNumber } from "../../src/track/format";
import { COMPARE_X, colourOf, groupCurvesFigure, runCurvesFigure, usedX, type CompareX, type CurveOptions, type RunCurve } from "./compareCharts";
import { mediaRows, stackTables, stepFor, type MediaRow, type TablePart } from "./compareMedia";
import { diffBlock, h, section } from "./dom";
import { formatStat, groupFields, groupRuns, meanStd } from "./grouping";
import type { RunsModel } from "./model";
import { drawFigure, purgeFigure, resizeFigure } from "./plotly";
import { MAX_SMOOTHING } from "./smoothing";
import type { CompareMetricRow, CompareParamRow, CompareResult, MediaContent } from "./wire";

/** A value longer than this shows its start and a button for the rest. */
export const LONG_VALUE = 60;
/** Rows of each run's table that Compare shows (the run detail pages through all of them). */
export const TABLE_ROWS = 50;

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

/** A small HTML table of rows (a logged table's page, or several stacked). */
function dataTable(columns: string[], rows: unknown[][]): HTMLElement {
  return h("table", { class: "mb-table mb-media-table" },
    h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", {}, c)))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((v) => h("td", { class: typeof v === "number" ? "mb-num" : null }, formatNumber(v)))))));
}

/** The curves' controls, kept for the next comparison (and the next session). */
const CURVES_KEY = "modelbench:compare-curves";
function savedCurveOptions(): CurveOptions {
  try {
    const saved = JSON.parse(localStorage.getItem(CURVES_KEY) ?? "null");
    if (saved && typeof saved === "object") {
      return {
        smoothing: Math.min(MAX_SMOOTHING, Math.max(0, Number(saved.smoothing) || 0)),
        logY: saved.logY === true,
        x: COMPARE_X.some(([v]) => v === saved.x) ? saved.x : "step",
      };
    }
  } catch {
    /* nothing saved, or another version's */
  }
  return { smoothing: 0, logY: false, x: "step" };
}

export class CompareView extends Widget {
  private head = h("div", { class: "mb-compare-head" });
  private tables = h("div", { class: "mb-compare-tables" });
  private groups = h("div", { class: "mb-compare-groups" });
  private bars = h("div", { class: "mb-plot mb-compare-bars" });
  private plots = h("div", { class: "mb-compare-plot" });
  private media = h("div", { class: "mb-compare-media" });
  private barsSection: HTMLElement;
  private curvesSection: HTMLElement;
  private mediaSection: HTMLElement;
  private diffs = h("div", { class: "mb-compare-diffs" });
  private onlyDiffs = h("input", { type: "checkbox", class: "mb-only-diffs", checked: true });
  private groupBy = h("select", { class: "mb-select jp-mod-styled mb-group-by", "aria-label": "Group runs by" });
  private smoothing = h("input", { type: "range", class: "mb-smoothing", min: 0, max: MAX_SMOOTHING, step: 0.01, "aria-label": "Smoothing (exponential moving average)" });
  private smoothingValue = h("output", { class: "mb-smoothing-value" });
  private logY = h("input", { type: "checkbox", class: "mb-log-y" });
  private xAxis = h("select", { class: "mb-select jp-mod-styled mb-compare-x", "aria-label": "x axis" });
  private options = savedCurveOptions();
  private plotEls = new Map<string, HTMLElement>();
  private frame = 0;
  /** Bumped per comparison: media answers for an older one are dropped. */
  private generation = 0;

  constructor(private readonly model: RunsModel) {
    super();
    this.addClass("mb-compare");
    this.title.label = "Compare runs";
    this.onlyDiffs.addEventListener("change", () => this.renderTables());
    this.smoothing.value = String(this.options.smoothing);
    this.logY.checked = this.options.logY;
    this.xAxis.append(...COMPARE_X.map(([v, label]) => h("option", { value: v }, label)));
    this.xAxis.value = this.options.x;
    const changed = () => {
      this.options = { smoothing: Number(this.smoothing.value), logY: this.logY.checked, x: this.xAxis.value as CompareX };
      try {
        localStorage.setItem(CURVES_KEY, JSON.stringify(this.options));
      } catch {
        /* private mode: the choice lasts this view */
      }
      this.scheduleCurves();
    };
    this.smoothing.addEventListener("input", changed);
    this.logY.addEventListener("change", changed);
    this.xAxis.addEventListener("change", changed);
    this.groupBy.addEventListener("change", () => model.setGroupBy(this.groupBy.value));
    this.barsSection = section("Metrics across runs", this.bars)!;
    this.curvesSection = h("section", { class: "mb-section mb-compare-curves" },
      h("div", { class: "mb-section-head" }, h("h3", {}, "Learning curves"),
        h("div", { class: "mb-curve-controls" },
          h("label", { title: "Draw each group's mean with a ± std band (seeds of one model, say)" }, "group by ", this.groupBy),
          h("label", { title: "Exponential moving average, debiased as W&B does it: 0 is the raw curve (drawn faint behind the smoothed one)" }, "smoothing ", this.smoothing, this.smoothingValue),
          h("label", { class: "mb-toggle", title: "A logarithmic y axis" }, this.logY, " log y"),
          this.xAxis)),
      this.groups, this.plots);
    this.mediaSection = section("Media", this.media)!;
    this.node.append(this.head, this.tables, this.barsSection, this.curvesSection, this.mediaSection, this.diffs);
    model.comparisonChanged.connect(this.render, this);
    model.groupByChanged.connect(this.scheduleCurves, this);
    this.render();
  }

  private render(): void {
    const c = this.model.comparison;
    this.generation++;
    if (!c) {
      this.head.replaceChildren();
      this.tables.replaceChildren(h("p", { class: "mb-empty" }, "Select two or more runs in the Runs panel or the Runs table, then Compare."));
      this.barsSection.hidden = this.curvesSection.hidden = this.mediaSection.hidden = true;
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
    const hasBars = c.bars.data.length > 0;
    this.barsSection.hidden = !hasBars;
    if (hasBars) void drawFigure(this.bars, c.bars);
    else purgeFigure(this.bars);
    this.scheduleCurves();
    this.renderMedia(c);
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

  // ---- curves ----------------------------------------------------------------------------------

  private scheduleCurves(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      void this.drawCurves();
    });
  }

  /** The group-by choices for these runs; the model's choice when it applies to them, else none. */
  private renderGroupBy(c: CompareResult): string {
    const fields = groupFields(c.runs);
    const want = [["", "none"], ...fields.map((f) => [f.field, f.label])];
    const key = want.map(([v, l]) => `${v}\u0000${l}`).join("\u0001");
    if (this.groupBy.dataset.options !== key) {
      this.groupBy.replaceChildren(...want.map(([value, label]) => h("option", { value }, label)));
      this.groupBy.dataset.options = key;
    }
    const field = fields.some((f) => f.field === this.model.groupBy) ? this.model.groupBy : "";
    this.groupBy.value = field;
    return field;
  }

  /** One plot per metric: the runs overlaid, or each group's mean and band; drawn again in place as the controls change. */
  private async drawCurves(): Promise<void> {
    const c = this.model.comparison;
    if (!c || !this.isVisible) return;
    const o = this.options;
    this.smoothingValue.textContent = o.smoothing ? o.smoothing.toFixed(2) : "off";
    const field = this.renderGroupBy(c);
    const keys = [...new Set(c.curves.flatMap((byKey) => Object.keys(byKey)))].sort();
    this.curvesSection.hidden = !keys.length;
    const labels = c.labels ?? c.runs.map((r) => r.name);
    const curveOf = (i: number, key: string): RunCurve | null => {
      const curve = c.curves[i]?.[key];
      return curve ? { label: labels[i], color: colourOf(i), startedAt: c.runs[i].startedAt, curve } : null;
    };
    const indexed = c.runs.map((r, i) => ({ ...r, i }));
    const groups = field ? groupRuns(indexed, field) : null;
    this.renderGroups(c, groups);
    this.plots.dataset.groupBy = field;
    for (const [key, el] of this.plotEls) {
      if (!keys.includes(key)) {
        purgeFigure(el);
        el.remove();
        this.plotEls.delete(key);
      }
    }
    let previous: Element | null = null;
    for (const key of keys) {
      let el = this.plotEls.get(key);
      if (!el) {
        el = h("div", { class: "mb-plot", "data-metric": key });
        this.plotEls.set(key, el);
      }
      // In key order; a plot already in its place is not moved (plotly would lay it out again).
      if (el.parentElement !== this.plots || el.previousElementSibling !== previous) this.plots.insertBefore(el, previous ? previous.nextSibling : this.plots.firstChild);
      previous = el;
      const present = (curves: Array<RunCurve | null>) => curves.filter((x): x is RunCurve => x !== null);
      const runs = present(c.runs.map((_, i) => curveOf(i, key)));
      const figure = groups
        ? groupCurvesFigure(key, groups.map((g, j) => ({ label: g.label, color: colourOf(j), members: present(g.runs.map((r) => curveOf(r.i, key))) })).filter((g) => g.members.length), o)
        : runCurvesFigure(key, runs, o);
      el.dataset.smoothing = String(o.smoothing);
      el.dataset.x = usedX(runs, o.x);
      await drawFigure(el, figure);
    }
  }

  /** Grouped: each group's runs and the mean ± std of every metric across them. */
  private renderGroups(c: CompareResult, groups: Array<{ label: string; runs: Array<{ i: number }> }> | null): void {
    this.groups.hidden = !groups;
    if (!groups) return this.groups.replaceChildren();
    this.groups.replaceChildren(h("table", { class: "mb-table mb-compare-group-stats" },
      h("thead", {}, h("tr", {}, h("th", {}, "group"), h("th", { class: "mb-num" }, "runs"), ...c.metrics.map((m) => h("th", { class: "mb-num" }, m.key, goalMark(m.goal))))),
      h("tbody", {}, ...groups.map((g, j) => h("tr", { "data-group": g.label },
        h("th", {}, h("span", { class: "mb-group-swatch", style: `background:${colourOf(j)}` }), g.label),
        h("td", { class: "mb-num" }, String(g.runs.length)),
        ...c.metrics.map((m) => {
          const stat = meanStd(g.runs.map((r) => m.shown[r.i] ?? NaN));
          return h("td", { class: "mb-num", "data-key": m.key, title: stat ? `${m.key} over ${stat.n} run${stat.n === 1 ? "" : "s"}: mean ± sample std` : null }, formatStat(stat));
        }))))));
  }

  // ---- media -----------------------------------------------------------------------------------

  /** One row per media key two runs or more logged: each run's item side by side, at the row's step. */
  private renderMedia(c: CompareResult): void {
    const rows = mediaRows(c.media);
    this.mediaSection.hidden = !rows.length;
    this.media.querySelectorAll<HTMLElement>(".mb-plot").forEach((el) => purgeFigure(el));
    this.media.replaceChildren(...rows.map((row) => this.mediaRow(c, row)));
  }

  private mediaRow(c: CompareResult, row: MediaRow): HTMLElement {
    const labels = c.labels ?? c.runs.map((r) => r.name);
    const step = h("select", { class: "mb-select jp-mod-styled mb-media-step", "aria-label": `Step of ${row.key}` },
      h("option", { value: "" }, "last step"), ...row.allSteps.map((s) => h("option", { value: String(s) }, `step ${s}`)));
    const mode = row.kind === "table"
      ? h("select", { class: "mb-select jp-mod-styled mb-media-table-mode", "aria-label": `Show ${row.key}` }, h("option", { value: "stacked" }, "stacked, with a run column"), h("option", { value: "side" }, "side by side"))
      : null;
    const body = h("div", { class: `mb-media-items mb-media-${row.kind}` });
    const el = h("div", { class: "mb-media-row", "data-media-key": row.key, "data-kind": row.kind },
      h("div", { class: "mb-media-head" }, h("strong", {}, row.key), h("span", { class: "mb-hint" }, row.kind), step, mode),
      body);
    const load = () => void this.loadRow(c, row, body, step.value === "" ? null : Number(step.value), mode?.value === "side" ? "side" : "stacked", labels);
    step.addEventListener("change", load);
    mode?.addEventListener("change", load);
    load();
    return el;
  }

  private async loadRow(c: CompareResult, row: MediaRow, body: HTMLElement, chosen: number | null, tableMode: "stacked" | "side", labels: string[]): Promise<void> {
    const generation = this.generation;
    body.dataset.loading = "true";
    const items = await Promise.all(c.runs.map(async (run, i) => {
      const s = stepFor(row.steps[i], chosen);
      if (s === null) return { run, i, step: null, content: null, error: null };
      try {
        const reply = (await this.model.ask("media", { runId: run.id, key: row.key, step: s, ...(row.kind === "table" ? { table: { limit: TABLE_ROWS } } : {}) })) as MediaContent;
        return { run, i, step: s, content: reply, error: null };
      } catch (e) {
        return { run, i, step: s, content: null, error: e instanceof Error ? e.message : String(e) };
      }
    }));
    if (generation !== this.generation || !body.isConnected) return;
    body.querySelectorAll<HTMLElement>(".mb-plot").forEach((el) => purgeFigure(el));
    delete body.dataset.loading;
    body.dataset.step = chosen === null ? "last" : String(chosen);
    const missing = (i: number) => (row.steps[i].length ? `no ${row.key} by step ${chosen}` : `${labels[i]} did not log ${row.key}`);
    if (row.kind === "table" && tableMode === "stacked") {
      const parts: Array<TablePart | null> = items.map((it) => (it.content?.table ? { run: labels[it.i], columns: it.content.table.columns, rows: it.content.table.rows } : null));
      const stacked = stackTables(parts);
      const cut = items.filter((it) => it.content?.table && it.content.table.total > it.content.table.rows.length);
      body.className = "mb-media-items mb-media-table mb-media-stacked";
      body.replaceChildren(
        dataTable(stacked.columns, stacked.rows),
        ...items.filter((it) => !it.content).map((it) => h("p", { class: "mb-empty" }, it.error ?? missing(it.i))),
        ...(cut.length ? [h("p", { class: "mb-hint" }, `the first ${TABLE_ROWS} rows of each run's table (${cut.map((it) => `${labels[it.i]}: ${it.content!.table!.total} rows`).join(", ")}); the run's detail pages through them all`)] : []),
      );
      return;
    }
    body.className = `mb-media-items mb-media-${row.kind} mb-media-side`;
    body.style.setProperty("--mb-media-columns", String(c.runs.length));
    const cells = items.map((it) => {
      const cell = h("div", { class: "mb-media-cell", "data-run-id": it.run.id, "data-step": it.step === null ? "" : String(it.step) },
        h("div", { class: "mb-media-run", title: `${it.run.name} (${it.run.id.slice(0, 8)})` }, h("span", { class: "mb-group-swatch", style: `background:${colourOf(it.i)}` }), elideMiddle(labels[it.i], 40), it.step !== null ? h("span", { class: "mb-hint" }, ` step ${it.step}`) : null));
      const content = it.content;
      if (!content) cell.append(h("p", { class: "mb-empty" }, it.error ?? missing(it.i)));
      else if (content.kind === "figure" && content.json) {
        const plot = h("div", { class: "mb-plot" });
        cell.append(plot);
        const layout = { ...(content.json.layout ?? {}), height: 320, width: undefined, autosize: true };
        void drawFigure(plot, { data: content.json.data, layout });
      } else if (content.kind === "image" && content.base64) cell.append(h("img", { class: "mb-media-image", src: `data:${content.mime};base64,${content.base64}`, alt: `${row.key} of ${labels[it.i]}` }));
      else if (content.kind === "text") cell.append(h("pre", { class: "mb-code mb-media-text" }, content.text ?? ""));
      else if (content.kind === "table" && content.table) {
        const t = content.table;
        cell.append(dataTable(t.columns, t.rows));
        if (t.total > t.rows.length) cell.append(h("p", { class: "mb-hint" }, `the first ${t.rows.length} of ${t.total} rows`));
      }
      return cell;
    });
    body.replaceChildren(...cells);
  }

  protected onAfterShow(): void {
    this.scheduleCurves();
  }

  protected onResize(): void {
    for (const el of this.plotEls.values()) void resizeFigure(el);
    void resizeFigure(this.bars);
    this.media.querySelectorAll<HTMLElement>(".mb-plot").forEach((el) => void resizeFigure(el));
  }

  dispose(): void {
    if (this.isDisposed) return;
    if (this.frame) cancelAnimationFrame(this.frame);
    for (const el of this.plotEls.values()) purgeFigure(el);
    purgeFigure(this.bars);
    this.media.querySelectorAll<HTMLElement>(".mb-plot").forEach((el) => purgeFigure(el));
    super.dispose();
  }
}
