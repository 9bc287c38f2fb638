// The Runs panel in the right sidebar: filters, sort, and one row per run (status, duration,
// tags, its key metric and sparkline, the name cut in the middle to fit). Rows are updated in
// place as the model announces changes. Every run of the query is listed (all of the store's,
// up to 10,000, once the model holds them; else the kernel's newest page), but only the rows in
// view are in the page: the list is a tall box the rows are placed in, so 10,000 scroll like 10,
// and a filter typed here is answered from the runs at hand before the kernel is asked.
import { Widget } from "@lumino/widgets";
import { formatDuration, formatNumber } from "../../src/track/format";
import { sortRuns } from "../../src/track/query";
import { h, measureIn, svg } from "./dom";
import { fitMiddle } from "./elide";
import { RunsModel, displayValue, newestRuns } from "./model";
import { rowsInView, rowTops } from "./rowWindow";
import { sparklinePath } from "./series";
import { RUN_STATUSES, type RunRow, type RunSummary } from "./wire";

const SPARK_W = 64;
const SPARK_H = 18;
/** A row's height (name, then status and key metric), and with its tags under them. */
export const ROW_HEIGHT = 50;
export const TAGGED_ROW_HEIGHT = 70;


export interface RunsPanelActions {
  openRun(runId: string): void;
  compare(): void;
  showModels?(): void;
  showTable?(): void;
  showSweeps?(): void;
}

interface Row {
  el: HTMLLIElement;
  index: number;
  check: HTMLInputElement;
  name: HTMLElement;
  status: HTMLElement;
  meta: HTMLElement;
  tags: HTMLElement;
  value: HTMLElement;
  path: SVGElement;
  run: RunRow | null;
  key: string | null;
}

export class RunsPanel extends Widget {
  /** The rows in the page (those in view), by run id. */
  private rows = new Map<string, Row>();
  /** Every run listed, in order, and where each row starts. */
  private listed: RunRow[] = [];
  private tops: Float64Array = new Float64Array(1);
  private frame = 0;
  private curvesTimer = 0;
  private list = h("ul", { class: "mb-run-list", role: "listbox", "aria-label": "Runs", "aria-multiselectable": "true" });
  private search = h("input", { class: "mb-search jp-mod-styled", type: "search", placeholder: "name, or params.lr < 0.1", title: "Filter runs: part of a name or id, or an expression such as metrics.f1 > 0.6 and params.C < 10", "aria-label": "Filter runs", spellcheck: "false" });
  private status = h("select", { class: "mb-select jp-mod-styled", "aria-label": "Status" });
  private tag = h("select", { class: "mb-select jp-mod-styled", "aria-label": "Tag" });
  private sort = h("select", { class: "mb-select jp-mod-styled", "aria-label": "Sort by" });
  private archived = h("input", { type: "checkbox", class: "mb-show-archived", "aria-label": "Show archived runs" });
  private compareButton = h("button", { class: "jp-mod-styled jp-mod-accept mb-compare-button", type: "button", disabled: true }, "Compare");
  private connection = h("div", { class: "mb-connection" });
  private count = h("span", { class: "mb-count" });
  private error = h("div", { class: "mb-error", role: "alert", hidden: true });
  private empty = h("div", { class: "mb-empty", hidden: true });
  private searchTimer = 0;
  private nameWidth = 0;
  private resizer = new ResizeObserver(() => this.fitNames());

  constructor(readonly model: RunsModel, private readonly actions: RunsPanelActions) {
    super();
    this.id = "modelbench-runs";
    this.addClass("mb-runs-panel");
    this.title.caption = "Runs (modelbench)";
    this.status.append(h("option", { value: "" }, "any status"), ...RUN_STATUSES.map((s) => h("option", { value: s }, s)));
    this.search.addEventListener("input", () => {
      // Answered from the runs at hand at once (when the model holds them all); the kernel after a pause in the typing.
      if (model.rowsFor({ ...model.query, search: this.search.value })) this.renderRuns();
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => void model.setQuery({ search: this.search.value }), 250);
    });
    this.search.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        window.clearTimeout(this.searchTimer);
        void model.setQuery({ search: this.search.value });
      } else if (e.key === "ArrowDown") this.focusRow(0, e);
    });
    this.status.addEventListener("change", () => void model.setQuery({ status: this.status.value as RunSummary["status"] | "" }));
    this.tag.addEventListener("change", () => void model.setQuery({ tag: this.tag.value }));
    this.sort.addEventListener("change", () => void model.setQuery({ sort: this.sort.value }));
    this.archived.addEventListener("change", () => void model.setQuery({ archived: this.archived.checked }));
    this.compareButton.addEventListener("click", () => actions.compare());
    this.list.addEventListener("keydown", (e) => this.onListKey(e));
    this.list.addEventListener("scroll", () => this.scheduleRows());

    this.node.append(
      h("header", { class: "mb-header" }, h("h2", {}, "Runs"), this.count,
        actions.showTable ? h("button", { class: "jp-mod-styled mb-table-button", type: "button", title: "All runs as a table: columns, sort, pin (in the main area)", onclick: () => actions.showTable!() }, "Table") : null,
        actions.showSweeps ? h("button", { class: "jp-mod-styled mb-sweeps-button", type: "button", title: "Studies of %%sweep and PBT: trials, history, importance (in the main area)", onclick: () => actions.showSweeps!() }, "Sweeps") : null,
        actions.showModels ? h("button", { class: "jp-mod-styled mb-models-button", type: "button", title: "The model registry: versions and aliases", onclick: () => actions.showModels!() }, "Models") : null),
      this.connection,
      h("div", { class: "mb-filters" }, this.search, h("div", { class: "mb-filter-row" }, this.status, this.tag, this.sort, h("label", { class: "mb-archived-toggle", title: "List archived runs too" }, this.archived, "archived"))),
      h("div", { class: "mb-actions" }, this.compareButton, h("span", { class: "mb-hint" }, "Enter: open · Space: select")),
      this.error,
      this.empty,
      this.list,
    );
    // Also after a push (new runs, new points, ended): the model's rows of every run change with it.
    model.runsChanged.connect(this.renderRuns, this);
    model.curvesChanged.connect((_, id) => this.renderSparkline(id), this);
    model.selectionChanged.connect(this.renderSelection, this);
    model.connectionChanged.connect(this.renderConnection, this);
    this.renderConnection();
    this.renderRuns();
    this.resizer.observe(this.list);
  }

  /** Names cut in the middle to the width the rows have now (on every resize of the panel); rows the resize brought into view drawn. */
  private fitNames(): void {
    this.scheduleRows();
    const first = this.rows.values().next().value as Row | undefined;
    if (!first) return;
    const width = first.name.parentElement!.clientWidth - 16; // the status dot and the gap
    if (width <= 0) return;
    this.nameWidth = width;
    const measure = measureIn(first.name);
    for (const row of this.rows.values()) if (row.run) this.fitName(row, measure);
  }

  private fitName(row: Row, measure = measureIn(row.name)): void {
    const name = row.run!.name;
    const shown = this.nameWidth ? fitMiddle(name, this.nameWidth, measure) : name;
    if (row.name.textContent !== shown) row.name.textContent = shown;
    row.name.title = shown === name ? "" : name;
  }

  dispose(): void {
    this.resizer.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    window.clearTimeout(this.curvesTimer);
    super.dispose();
  }

  private renderConnection(): void {
    const c = this.model.connection;
    this.connection.textContent =
      c.state === "connected" ? `from ${c.label}${this.model.store ? ` · ${this.model.store}` : ""}` : c.state === "connecting" ? `connecting${c.label ? ` to ${c.label}` : ""}…` : c.label || "no modelbench kernel";
    this.connection.dataset.state = c.state;
  }

  private renderOptions(select: HTMLSelectElement, options: Array<[string, string]>, current: string): void {
    const want = options.map(([v, l]) => `${v}\u0000${l}`).join("\u0001");
    if (select.dataset.options !== want) {
      select.replaceChildren(...options.map(([value, label]) => h("option", { value }, label)));
      select.dataset.options = want;
    }
    select.value = current;
  }

  private renderRuns(): void {
    const m = this.model;
    this.renderOptions(this.tag, [["", "all tags"], ...m.tags.map((t): [string, string] => [t, `#${t}`])], m.query.tag);
    const sorts: Array<[string, string]> = [["", "newest first"]];
    for (const k of m.metricKeys) sorts.push([`-metrics.${k}`, `${k} ↓`], [`metrics.${k}`, `${k} ↑`]);
    if (m.query.sort && !sorts.some(([v]) => v === m.query.sort)) sorts.push([m.query.sort, m.query.sort]);
    this.renderOptions(this.sort, sorts, m.query.sort);

    const { runs, total } = this.listedRuns();
    this.listed = runs;
    this.tops = rowTops(runs.map((r) => (r.tags.length ? TAGGED_ROW_HEIGHT : ROW_HEIGHT)));
    this.error.hidden = !m.error;
    this.error.textContent = m.error ?? "";
    this.count.textContent = total > runs.length ? `${runs.length} of ${total}` : String(runs.length);
    this.empty.hidden = runs.length > 0 || !m.connected;
    this.empty.textContent = this.search.value.trim() || m.query.status || m.query.tag ? "No runs match." : "No runs yet: run a cell with %%track.";
    this.list.style.setProperty("--mb-list-height", `${this.tops[runs.length]}px`);
    this.renderRows(true);
    this.renderSelection();
  }

  /**
   * What the panel lists: every run of the query (the filter as typed so far) when the model holds
   * the store's runs, in the query's order (newest first without a sort); else the kernel's page.
   */
  private listedRuns(): { runs: RunRow[]; total: number } {
    const m = this.model;
    const all = m.rowsFor({ ...m.query, search: this.search.value });
    if (!all) return { runs: m.runs, total: m.total };
    let runs = all.runs;
    try {
      runs = m.query.sort ? (sortRuns(runs as RunSummary[], m.query.sort) as RunRow[]) : newestRuns(runs, runs.length);
    } catch {
      runs = newestRuns(runs, runs.length); // a sort the model refused is reported by the model
    }
    return { runs, total: all.total };
  }

  private scheduleRows(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderRows(false);
    });
  }

  /**
   * The rows in view, placed at their tops; rows that left the view leave the page. `all` updates
   * every row in view from its run (after the list changed); else only rows new to the view are
   * made (a scroll). A focused row keeps the focus when its run moves.
   */
  private renderRows(all: boolean): void {
    const viewport = this.list.clientHeight || 600;
    const [first, end] = rowsInView(this.tops, this.list.scrollTop, viewport);
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.closest<HTMLElement>(".mb-run")?.dataset.runId : undefined;
    const want = new Map<string, number>();
    for (let i = first; i < end; i++) want.set(this.listed[i].id, i);
    for (const [id, row] of this.rows) {
      if (!want.has(id)) {
        row.el.remove();
        this.rows.delete(id);
      }
    }
    let added = 0;
    let moved = false;
    for (const [id, i] of want) {
      let row = this.rows.get(id);
      const fresh = !row;
      if (!row) {
        row = this.createRow(id);
        added++;
      }
      if (fresh || all) this.updateRow(row, this.listed[i]);
      if (fresh || row.index !== i) {
        this.place(row, i);
        moved = true;
      }
    }
    // The page's order is the list's (what a screen reader reads, and Tab follows).
    if (moved) {
      let child = this.list.firstElementChild;
      for (const row of [...this.rows.values()].sort((a, b) => a.index - b.index)) {
        if (child === row.el) child = child.nextElementSibling;
        else this.list.insertBefore(row.el, child);
      }
    }
    if (focused && want.has(focused) && document.activeElement !== this.rows.get(focused)?.el) this.rows.get(focused)?.el.focus({ preventScroll: true });
    if (added) {
      this.renderSelection();
      this.wantCurves();
    }
  }

  private place(row: Row, index: number): void {
    row.index = index;
    row.el.dataset.index = String(index);
    row.el.style.top = `${this.tops[index]}px`;
    row.el.style.height = `${this.tops[index + 1] - this.tops[index]}px`;
  }

  /** The sparklines of the rows in view, once the scrolling stops (each needs the run's history once). */
  private wantCurves(): void {
    window.clearTimeout(this.curvesTimer);
    this.curvesTimer = window.setTimeout(() => this.model.loadCurvesOf([...this.rows.keys()]), 150);
  }

  private createRow(runId: string): Row {
    const check = h("input", { type: "checkbox", class: "mb-check", tabindex: -1, "aria-label": "Select for comparison" });
    check.addEventListener("click", (e) => {
      e.stopPropagation();
      this.model.toggleSelected(runId, check.checked);
    });
    const path = svg("path", { d: "", class: "mb-spark-line" });
    const spark = svg("svg", { class: "mb-spark", width: SPARK_W, height: SPARK_H, viewBox: `0 0 ${SPARK_W} ${SPARK_H}`, "aria-hidden": "true" });
    spark.appendChild(path);
    const row: Row = {
      el: h("li", { class: "mb-run", tabindex: 0, role: "option", "data-run-id": runId }),
      index: -1,
      check,
      status: h("span", { class: "mb-status-dot" }),
      name: h("span", { class: "mb-run-name" }),
      meta: h("span", { class: "mb-run-meta" }),
      tags: h("span", { class: "mb-tags" }),
      value: h("span", { class: "mb-run-value" }),
      path,
      run: null,
      key: null,
    };
    row.el.append(
      check,
      // The name has the row's whole width; the key metric and its sparkline sit under it.
      h("div", { class: "mb-run-main" },
        h("div", { class: "mb-run-line" }, row.status, row.name),
        h("div", { class: "mb-run-line mb-run-sub" }, row.meta, h("span", { class: "mb-run-side" }, row.value, spark)),
        row.tags),
    );
    row.el.addEventListener("click", () => this.actions.openRun(runId));
    this.rows.set(runId, row);
    return row;
  }

  private updateRow(row: Row, run: RunRow): void {
    const key = this.model.keyMetricOf(run);
    if (row.run === run && row.key === key) return;
    row.run = run;
    row.key = key;
    row.el.dataset.status = run.status;
    row.el.dataset.runName = run.name;
    row.el.classList.toggle("mb-archived", !!run.archived);
    row.el.title = `${run.name} (${run.id.slice(0, 8)}) — ${run.status}${run.error ? `: ${run.error}` : ""}`;
    row.status.className = `mb-status-dot mb-status-${run.status}`;
    row.status.title = run.status;
    this.fitName(row);
    const duration = run.durationMs ?? (run.status === "running" ? Date.now() - run.startedAt : null);
    row.meta.textContent = `${run.status} · ${formatDuration(duration)}`;
    row.tags.replaceChildren(...run.tags.map((t) => h("span", { class: "mb-tag" }, t)));
    row.tags.hidden = !run.tags.length;
    const v = displayValue(run, key);
    row.value.textContent = v === undefined ? "" : `${key} ${formatNumber(v)}`;
    const m = key ? run.metrics[key] : undefined;
    row.value.title = m ? `${key}: ${m.goal ? `best value (${m.goal === "max" ? "higher" : "lower"} is better)` : "last value"}, ${m.count} point${m.count === 1 ? "" : "s"}` : "";
    row.el.dataset.key = key ?? "";
    this.renderSparkline(run.id);
  }

  /** The key metric's curve; a single value has no line to draw, so no sparkline. */
  private renderSparkline(runId: string): void {
    const row = this.rows.get(runId);
    if (!row || !row.run) return;
    const key = row.key;
    const curve = key ? this.model.curve(runId, key) : undefined;
    const d = curve && curve.steps.length >= 2 ? sparklinePath(curve, SPARK_W, SPARK_H) : "";
    row.path.setAttribute("d", d);
    (row.path.parentNode as SVGElement).style.visibility = d ? "" : "hidden";
    row.el.dataset.points = String(curve?.steps.length ?? 0);
  }

  private renderSelection(): void {
    const n = this.model.selection.size;
    for (const [id, row] of this.rows) {
      const on = this.model.selection.has(id);
      row.check.checked = on;
      row.el.setAttribute("aria-selected", String(on));
      row.el.classList.toggle("mb-selected", on);
    }
    this.compareButton.disabled = n < 2;
    this.compareButton.textContent = n ? `Compare ${n}` : "Compare";
  }

  /** Focuses the row at `index` of the whole list, scrolled into view (and drawn) first when it is not. */
  private focusRow(index: number, e?: Event): void {
    e?.preventDefault();
    if (!this.listed.length) return;
    const i = Math.max(0, Math.min(this.listed.length - 1, index));
    const top = this.tops[i];
    const bottom = this.tops[i + 1];
    if (top < this.list.scrollTop) this.list.scrollTop = top;
    else if (bottom > this.list.scrollTop + this.list.clientHeight) this.list.scrollTop = bottom - this.list.clientHeight;
    this.renderRows(false);
    this.rows.get(this.listed[i].id)?.el.focus({ preventScroll: true });
  }

  private onListKey(e: KeyboardEvent): void {
    const row = (e.target as HTMLElement).closest<HTMLElement>(".mb-run");
    if (!row) return;
    const index = Number(row.dataset.index);
    const id = row.dataset.runId!;
    switch (e.key) {
      case "Enter":
        e.preventDefault();
        return this.actions.openRun(id);
      case " ":
        e.preventDefault();
        return this.model.toggleSelected(id);
      case "ArrowDown":
        return this.focusRow(index + 1, e);
      case "ArrowUp":
        return index === 0 ? (this.search.focus(), e.preventDefault()) : this.focusRow(index - 1, e);
      case "Home":
        return this.focusRow(0, e);
      case "End":
        return this.focusRow(this.listed.length - 1, e);
    }
  }
}
