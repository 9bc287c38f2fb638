// The Sweeps view in the main area: a study of the store (picked from a list, newest activity
// first) with its summary, its trials as a sortable table (state, value or values, params, steps
// reported, duration, its run), and its figures — optimisation history, intermediate values,
// parallel coordinates, fANOVA importance, the Pareto front for several objectives, PBT's lineage
// — redrawn in place as trials start, report and finish in any process writing to the store.
import { Widget } from "@lumino/widgets";
import { formatDuration, formatNumber } from "../../src/track/format";
import { h } from "./dom";
import { drawFigure, purgeFigure, resizeFigure } from "./plotly";
import { describeListing, type SweepsModel } from "./sweeps";
import type { StudyFigureKey, StudyReport, TrialOverview } from "./wire";

export interface SweepActions {
  openRun(runId: string): void;
}

const FIGURE_ORDER: StudyFigureKey[] = ["lineage", "pareto", "history", "intermediate", "parallel", "importance"];
const FIGURE_LABELS: Record<StudyFigureKey, string> = {
  history: "Optimization history", intermediate: "Intermediate values", parallel: "Parallel coordinates",
  importance: "Parameter importance", pareto: "Pareto front", lineage: "PBT lineage",
};

type SortKey = { column: string; desc: boolean };

export class SweepView extends Widget {
  private picker = h("select", { class: "mb-select jp-mod-styled mb-study-picker", "aria-label": "Study" });
  private status = h("div", { class: "mb-error", role: "alert", hidden: true });
  private summary = h("div", { class: "mb-sweep-summary" });
  private notes = h("div", { class: "mb-sweep-notes" });
  private table = h("div", { class: "mb-sweep-trials" });
  private figures = h("div", { class: "mb-sweep-figures" });
  private figureEls = new Map<StudyFigureKey, HTMLElement>();
  private sort: SortKey = { column: "#", desc: true };
  private resizer = new ResizeObserver(() => this.figureEls.forEach((el) => void resizeFigure(el)));

  constructor(private readonly sweeps: SweepsModel, private readonly actions: SweepActions) {
    super();
    this.addClass("mb-sweeps");
    this.node.tabIndex = -1;
    this.title.label = "Sweeps";
    this.picker.addEventListener("change", () => void sweeps.select(this.picker.value));
    const refresh = h("button", { class: "jp-mod-styled mb-refresh", type: "button", onclick: () => void sweeps.load() }, "Refresh");
    this.node.append(
      h("header", { class: "mb-detail-header" }, h("h2", {}, "Sweeps"), this.picker, refresh),
      this.status, this.summary, this.notes,
      h("section", { class: "mb-section" }, h("h3", {}, "Trials"), this.table),
      this.figures,
    );
    sweeps.changed.connect(this.render, this);
    this.resizer.observe(this.node);
    this.render();
    void sweeps.load();
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.resizer.disconnect();
    this.sweeps.changed.disconnect(this.render, this);
    this.figureEls.forEach((el) => purgeFigure(el));
    this.sweeps.dispose();
    super.dispose();
  }

  private render(): void {
    const { studies, unsupported, error, report, selected } = this.sweeps;
    this.status.hidden = !error;
    this.status.textContent = error ?? "";
    this.renderPicker();
    if (studies === null) {
      this.summary.replaceChildren(h("p", { class: "mb-empty" }, error ? "" : "Loading…"));
      return;
    }
    if (!studies.length) {
      this.summary.replaceChildren(h("p", { class: "mb-empty" }, unsupported ?? "No sweeps in this store yet. In a notebook: ", unsupported ? null : h("code", {}, "%%sweep --trials 20 …"), unsupported ? null : ", or npx modelbench sweep from a terminal."));
      this.clearStudy();
      return;
    }
    if (!report || report.study.name !== selected) {
      this.summary.replaceChildren(h("p", { class: "mb-empty" }, "Loading…"));
      return;
    }
    this.renderSummary(report);
    this.renderTrials(report);
    this.renderFigures(report);
  }

  private clearStudy(): void {
    this.notes.replaceChildren();
    this.table.replaceChildren();
    this.figureEls.forEach((el) => purgeFigure(el));
    this.figureEls.clear();
    this.figures.replaceChildren();
  }

  private renderPicker(): void {
    const studies = this.sweeps.studies ?? [];
    const options = studies.map((l) => h("option", { value: l.study.name, selected: l.study.name === this.sweeps.selected }, describeListing(l)));
    const same = this.picker.options.length === options.length && options.every((o, i) => this.picker.options[i].value === o.value && this.picker.options[i].textContent === o.textContent);
    if (!same) this.picker.replaceChildren(...options);
    if (this.sweeps.selected !== null) this.picker.value = this.sweeps.selected;
    this.picker.disabled = studies.length < 2;
  }

  private renderSummary(r: StudyReport): void {
    const s = r.study;
    const c = r.counts;
    const objectives = s.metrics.map((m, i) => `${s.directions[i]} ${m}`).join(", ");
    const counts = (["complete", "pruned", "failed", "running"] as const).filter((k) => c[k] > 0).map((k) => h("span", { class: `mb-count-${k}`, "data-state": k }, `${c[k]} ${k}`));
    const total = c.complete + c.pruned + c.failed + c.running;
    const best = r.trials.filter((t) => r.best.includes(t.number));
    const bestText = !best.length ? "no trial complete yet"
      : s.metrics.length > 1 ? `Pareto front: ${best.length} trial${best.length === 1 ? "" : "s"} (${best.map((t) => `#${t.number}`).join(", ")})`
      : `best: trial #${best[0].number}, ${s.metric} = ${formatNumber(best[0].value)}`;
    this.summary.dataset.study = s.name;
    this.summary.dataset.trials = String(total);
    this.summary.dataset.complete = String(c.complete);
    this.summary.dataset.running = String(c.running);
    this.summary.replaceChildren(
      h("p", {}, h("b", {}, r.kind === "pbt" ? "Population-based training" : `${s.sampler} sampler`), r.kind === "pbt" ? "" : s.pruner && s.pruner !== "none" ? `, ${s.pruner} pruner` : ", no pruner", ` · ${objectives} · `, `${total} trial${total === 1 ? "" : "s"}: `, ...counts.flatMap((el, i) => (i ? [", ", el] : [el]))),
      h("p", { class: "mb-sweep-best" }, bestText),
    );
    this.notes.replaceChildren(...r.notes.map((n) => h("p", { class: "mb-hint" }, n)));
  }

  private renderTrials(r: StudyReport): void {
    const multi = r.study.metrics.length > 1;
    const params = [...new Set([...r.study.space.map((s) => s.name), ...r.trials.flatMap((t) => Object.keys(t.params))])];
    const valueCols = multi ? r.study.metrics : [r.study.metric];
    const columns = ["#", "state", ...valueCols, ...params, r.kind === "pbt" ? "step" : "reports", "duration", "run"];
    const now = Date.now();
    const cell = (t: TrialOverview, col: string): unknown => {
      if (col === "#") return t.number;
      if (col === "state") return t.state;
      const vi = valueCols.indexOf(col);
      if (vi >= 0 && !params.includes(col)) return multi ? (t.values?.[vi] ?? null) : t.value;
      if (col === "reports") return t.reports;
      if (col === "step") return t.lastStep;
      if (col === "duration") return (t.endedAt ?? now) - t.startedAt;
      if (col === "run") return t.runId;
      return t.params[col];
    };
    const { column, desc } = this.sort;
    const key = columns.includes(column) ? column : "#";
    const sorted = [...r.trials].sort((a, b) => {
      const x = cell(a, key), y = cell(b, key);
      const missing = (v: unknown) => v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
      if (missing(x) !== missing(y)) return missing(x) ? 1 : -1;
      const d = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return desc ? -d : d;
    });
    const best = new Set(r.best);
    const head = columns.map((c) =>
      h("th", { "data-column": c, class: c === key ? `mb-sorted ${desc ? "mb-desc" : "mb-asc"}` : null, title: "Sort by this column", onclick: () => this.sortBy(c) }, c, c === key ? (desc ? " ▾" : " ▴") : ""),
    );
    const rows = sorted.map((t) =>
      h("tr", { "data-trial": t.number, "data-state": t.state, class: best.has(t.number) ? "mb-best-trial" : null, title: t.error ?? "" },
        ...columns.map((c) => {
          const v = cell(t, c);
          if (c === "run") return h("td", {}, t.runId ? h("button", { class: "mb-link", type: "button", title: "Open this trial's run", onclick: () => this.actions.openRun(t.runId!) }, t.runId.slice(0, 8)) : "—");
          if (c === "state") return h("td", {}, h("span", { class: `mb-trial-state mb-state-${t.state}` }, t.state));
          if (c === "duration") return h("td", { class: "mb-num" }, formatDuration(v as number));
          const numeric = typeof v === "number";
          return h("td", { class: numeric ? "mb-num" : null }, v === null || v === undefined ? "—" : formatNumber(v));
        }),
      ),
    );
    this.table.replaceChildren(r.trials.length
      ? h("table", { class: "mb-table mb-trials-table" }, h("thead", {}, h("tr", {}, ...head)), h("tbody", {}, ...rows))
      : h("p", { class: "mb-empty" }, "No trial has started yet."));
  }

  private sortBy(column: string): void {
    this.sort = { column, desc: this.sort.column === column ? !this.sort.desc : column === "#" || column === "duration" };
    if (this.sweeps.report) this.renderTrials(this.sweeps.report);
  }

  /** Figures drawn in place (plotly.react keeps zoom); one that is gone is removed. */
  private renderFigures(r: StudyReport): void {
    const byKey = new Map(r.figures.map((f) => [f.key, f.figure]));
    for (const [key, el] of [...this.figureEls]) {
      if (!byKey.has(key)) {
        purgeFigure(el);
        el.parentElement?.remove();
        this.figureEls.delete(key);
      }
    }
    const ordered = FIGURE_ORDER.filter((k) => byKey.has(k));
    const sections = ordered.map((key) => {
      let el = this.figureEls.get(key);
      if (!el) {
        el = h("div", { class: "mb-figure", "data-figure": key });
        this.figureEls.set(key, el);
      }
      // The section's heading names it: the figure's own title would say it twice.
      const { title: _title, ...layout } = byKey.get(key)!.layout as Record<string, unknown>;
      void drawFigure(el, { data: byKey.get(key)!.data, layout });
      return el.parentElement ?? h("section", { class: "mb-section mb-sweep-figure", "data-figure": key }, h("h3", {}, FIGURE_LABELS[key]), el);
    });
    const same = sections.length === this.figures.children.length && sections.every((s, i) => this.figures.children[i] === s);
    if (!same) this.figures.replaceChildren(...sections);
  }
}
