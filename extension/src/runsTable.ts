// The runs table in the main area, like W&B's runs table or MLflow's experiment view: every run of
// the panel's query (up to TABLE_LIMIT), columns chosen, ordered, resized and pinned by the user
// (saved in the browser), sorted by a header click, the selection shared with the Runs panel and
// Compare; grouped by a param or tags, a row per group with its count and each metric's mean ± std,
// its runs under it when opened. Only the rows in view exist in the DOM (kept while they stay in
// view, so a scroll draws only the rows it brings in), and 10,000 runs scroll like 10; the model
// fetches the rows ahead (when the page is idle after a connect), so opening the table only draws,
// and a filter typed here is answered from those rows at once.
import { Widget } from "@lumino/widgets";
import { compactTime } from "../../src/track/columns";
import { formatDuration, formatNumber, formatTime } from "../../src/track/format";
import { sortRuns } from "../../src/track/query";
import { h } from "./dom";
import { formatStat, groupFields, groupRuns, meanStd, type RunGroup } from "./grouping";
import { mergePushed, newestRuns, TABLE_LIMIT, type RunList, type RunsModel } from "./model";
import {
  allColumns, cellText, emptyState, isShown, moveColumn, nextSort, orderedColumns, setPinned, setShown, sortSpecOf, visibleColumns, visibleRange, widthOf, MIN_WIDTH,
  type Column, type ColumnState,
} from "./tableColumns";
import type { RunRow, RunSummary } from "./wire";

/** A row of the table: a run (under its group when grouped), or a group. */
type Item = { kind: "run"; run: RunRow; member: boolean } | { kind: "group"; group: RunGroup<RunRow>; open: boolean };

const ROW_HEIGHT = 28;
const CHECK_WIDTH = 32;
const STATE_KEY = "modelbench:runs-table";
const GROUP_KEY = "modelbench:runs-table-group-by";

/** What a group's row shows in a column: its runs' metric as mean ± std, a param they share, counts. */
export function groupCell(group: RunGroup<RunRow>, c: Column, now = Date.now()): { text: string; full?: string } {
  const runs = group.runs;
  switch (c.kind) {
    case "name":
      return { text: `${group.label} · ${runs.length} run${runs.length === 1 ? "" : "s"}` };
    case "status": {
      const counts = new Map<string, number>();
      for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      return { text: [...counts].map(([status, n]) => `${n} ${status}`).join(" · ") };
    }
    case "started": {
      const newest = Math.max(...runs.map((r) => r.startedAt));
      return { text: compactTime(newest, now), full: `newest: ${formatTime(newest)}` };
    }
    case "duration": {
      const d = meanStd(runs.map((r) => r.durationMs ?? NaN));
      return d ? { text: formatDuration(d.mean), full: `mean of ${d.n}` } : { text: "" };
    }
    case "tags": {
      const common = runs[0].tags.filter((t) => runs.every((r) => r.tags.includes(t)));
      return { text: common.join(", ") };
    }
    case "metric": {
      const stat = meanStd(runs.map((r) => r.metrics[c.key!]?.last ?? NaN));
      return { text: formatStat(stat), full: stat ? `${c.key}: mean ± std of the last values of ${stat.n} run${stat.n === 1 ? "" : "s"}` : undefined };
    }
    case "param": {
      const values = new Set(runs.map((r) => formatNumber(r.params[c.key!])));
      return values.size === 1 ? { text: [...values][0] } : { text: `${values.size} values`, full: [...values].join(", ") };
    }
  }
}

export interface RunsTableActions {
  openRun(runId: string): void;
  /** Compare these runs (the selection, in the table's order). */
  compare(runIds: string[]): void;
}

function loadState(): ColumnState {
  try {
    const saved = JSON.parse(localStorage.getItem(STATE_KEY) ?? "null");
    if (saved && typeof saved === "object") return { ...emptyState(), ...saved };
  } catch {
    /* no saved state, or another version's */
  }
  return emptyState();
}

export class RunsTableView extends Widget {
  private runs: RunRow[] = [];
  private sorted: RunRow[] = [];
  /** What the rows show: the sorted runs, or groups and the runs of the open ones. */
  private items: Item[] = [];
  private openGroups = new Set<string>();
  /** Whether the group-by menu lists every field of the runs held (see renderGroupBy). */
  private groupByFull = false;
  /** Drawn rows by item index: kept while in view, so a scroll adds only the rows it brings in. */
  private drawn = new Map<number, HTMLElement>();
  private total = 0;
  private columns: Column[] = [];
  private shown: Column[] = [];
  private state = loadState();
  private sort = "";
  private generation = 0;
  private queryKey = "";
  private frame = 0;

  private count = h("span", { class: "mb-count" });
  private status = h("span", { class: "mb-table-status", role: "status" });
  private search = h("input", { class: "mb-search jp-mod-styled", type: "search", placeholder: "Filter: name, or metrics.f1 > 0.6", "aria-label": "Filter runs", spellcheck: "false" });
  private compareButton = h("button", { class: "jp-mod-styled jp-mod-accept mb-compare-button", type: "button", disabled: true }, "Compare");
  private groupBy = h("select", { class: "mb-select jp-mod-styled mb-group-by", "aria-label": "Group runs by" });
  private columnsButton = h("button", { class: "jp-mod-styled mb-columns-button", type: "button", "aria-haspopup": "true" }, "Columns");
  private chooser = h("div", { class: "mb-column-chooser", hidden: true, role: "dialog", "aria-label": "Columns" });
  private scroller = h("div", { class: "mb-table-scroll", tabindex: 0 });
  private header = h("div", { class: "mb-table-header", role: "row" });
  private body = h("div", { class: "mb-table-body", role: "rowgroup" });

  constructor(private readonly model: RunsModel, private readonly actions: RunsTableActions) {
    super();
    this.id = "modelbench-runs-table";
    this.addClass("mb-runs-table");
    this.title.label = "Runs table";
    this.node.setAttribute("role", "grid");
    this.search.value = model.query.search;
    let timer = 0;
    this.search.addEventListener("input", () => {
      // Answered here at once from the rows at hand; the panel's list (the kernel) after a pause in the typing.
      this.filterNow();
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void model.setQuery({ search: this.search.value }), 250);
    });
    try {
      const saved = localStorage.getItem(GROUP_KEY);
      if (saved && !model.groupBy) model.setGroupBy(saved);
    } catch {
      /* private mode */
    }
    this.groupBy.addEventListener("change", () => model.setGroupBy(this.groupBy.value));
    for (const event of ["mousedown", "focus", "keydown"]) this.groupBy.addEventListener(event, () => this.groupByFull || this.renderGroupBy(true));
    this.compareButton.addEventListener("click", () => {
      const inTable = this.sorted.filter((r) => model.selection.has(r.id)).map((r) => r.id);
      actions.compare([...inTable, ...[...model.selection].filter((id) => !inTable.includes(id))]);
    });
    this.columnsButton.addEventListener("click", () => this.toggleChooser());
    this.scroller.addEventListener("scroll", () => {
      this.scroller.classList.toggle("mb-scrolled-x", this.scroller.scrollLeft > 0);
      this.scheduleRows();
    });
    this.scroller.append(this.header, this.body);
    this.node.append(
      h("div", { class: "mb-table-toolbar" }, h("strong", {}, "Runs"), this.count, this.search,
        h("label", { class: "mb-group-by-label", title: "A row per value of a param (or per set of tags): its runs' count and each metric's mean ± std" }, "group by ", this.groupBy),
        this.columnsButton, this.compareButton, this.status),
      this.chooser,
      this.scroller,
    );
    model.runsChanged.connect(this.onRunsChanged, this);
    model.runsPushed.connect((_, runs) => this.merge(runs), this);
    model.selectionChanged.connect(() => this.renderSelection(), this);
    model.connectionChanged.connect(() => void this.reload(), this);
    model.groupByChanged.connect(this.onGroupByChanged, this);
    void this.reload();
  }

  private onGroupByChanged(): void {
    this.openGroups.clear();
    try {
      localStorage.setItem(GROUP_KEY, this.model.groupBy);
    } catch {
      /* private mode: the grouping lasts this session */
    }
    this.applySort();
    this.renderAll();
  }

  /** The filter typed here, answered from the model's rows when it holds them all (else the kernel answers after the pause). */
  private filterNow(): void {
    const search = this.search.value;
    const rows = this.model.rowsFor({ ...this.model.query, search });
    if (!rows) return;
    this.queryKey = JSON.stringify({ ...this.model.query, search, sort: "" });
    this.generation++;
    // The same runs (a first letter that every name has): nothing to draw again.
    if (rows.runs.length === this.runs.length && rows.total === this.total && rows.runs.every((r, i) => r === this.runs[i])) return;
    this.take(rows);
  }

  /** The runs the table holds now (sorted), for tests and the bench. */
  get rows(): readonly RunRow[] {
    return this.sorted;
  }

  private onRunsChanged(): void {
    // Typing here, ahead of the model's query (the kernel is asked after a pause): the typed filter stands.
    if (document.activeElement === this.search && this.search.value !== this.model.query.search) return this.filterNow();
    // The panel's query changed (a filter typed here or there): list again; a push alone does not.
    const key = JSON.stringify({ ...this.model.query, sort: "" });
    if (key !== this.queryKey) void this.reload();
    if (document.activeElement !== this.search) this.search.value = this.model.query.search;
  }

  /** Lists every run of the panel's query (filter, status, tag), up to TABLE_LIMIT. */
  async reload(): Promise<void> {
    if (!this.model.connected) {
      this.status.textContent = this.model.connection.label || "no modelbench kernel";
      return;
    }
    const generation = ++this.generation;
    const queryKey = JSON.stringify({ ...this.model.query, sort: "" });
    const ready = this.model.tableRows();
    if (ready) {
      this.queryKey = queryKey;
      return this.take(ready);
    }
    // Asked first; the panel's runs (the newest of the same query) are drawn while the reply is on its way.
    const loading = this.model.loadTableRows();
    if (queryKey !== this.queryKey || !this.runs.length) {
      this.runs = [...this.model.runs];
      this.total = this.model.total;
      this.refreshColumns();
    }
    this.queryKey = queryKey;
    this.status.textContent = this.total > this.runs.length ? `loading all ${this.total} runs…` : "";
    try {
      const rows = await loading;
      if (generation === this.generation) this.take(rows);
    } catch (e) {
      if (generation === this.generation) this.status.textContent = e instanceof Error ? e.message : String(e);
    }
  }

  private take({ runs, total }: RunList<RunRow>): void {
    this.runs = runs;
    this.total = total;
    this.status.textContent = total > runs.length ? `the newest ${runs.length} of ${total} runs (filter to narrow them down)` : "";
    this.refreshColumns();
  }

  /** Runs the kernel pushed: the model's rows when it holds them, else merged here (new ones that match added). */
  private merge(changed: RunSummary[]): void {
    const held = this.model.tableRows();
    if (held) return this.take(held);
    const merged = mergePushed<RunRow>({ runs: this.runs, total: this.total }, changed, (run) => this.model.matches(run));
    this.runs = merged.runs.length > TABLE_LIMIT ? newestRuns(merged.runs, TABLE_LIMIT) : merged.runs;
    this.total = merged.total;
    if (changed.length) this.refreshColumns();
  }

  private refreshColumns(): void {
    this.columns = allColumns(this.runs);
    this.renderGroupBy(document.activeElement === this.groupBy);
    this.applySort();
    this.renderAll();
  }

  /**
   * The fields the runs can be grouped by (the model's choice kept even when these runs lack it).
   * Reading every run's params takes a while for 10,000 of them, so until the menu is opened it
   * holds only "none" and the current choice.
   */
  private renderGroupBy(full = false): void {
    this.groupByFull = full;
    const fields = full ? groupFields(this.runs) : [];
    const current = this.model.groupBy;
    const want: Array<[string, string]> = [["", "none"], ...fields.map((f): [string, string] => [f.field, f.label])];
    if (current && !want.some(([v]) => v === current)) want.push([current, current.replace(/^params\./, "")]);
    const key = want.map(([v, l]) => `${v}\u0000${l}`).join("\u0001");
    if (this.groupBy.dataset.options !== key) {
      this.groupBy.replaceChildren(...want.map(([value, label]) => h("option", { value }, label)));
      this.groupBy.dataset.options = key;
    }
    this.groupBy.value = current;
  }

  private applySort(): void {
    // The sort reads no field a row lacks (metrics, params and the run's own fields).
    this.sorted = this.sort ? sortRuns(this.runs as RunSummary[], this.sort) : [...this.runs].sort((a, b) => b.startedAt - a.startedAt);
    this.items = this.buildItems();
  }

  /** The rows: every run, or each group (ordered by its mean when a metric sorts) with its runs when open. */
  private buildItems(): Item[] {
    const field = this.model.groupBy;
    if (!field) return this.sorted.map((run) => ({ kind: "run", run, member: false }));
    const groups = groupRuns(this.sorted, field);
    const m = /^(-?)metrics\.(.+)$/.exec(this.sort);
    if (m) {
      const mean = new Map(groups.map((g) => [g, meanStd(g.runs.map((r) => r.metrics[m[2]]?.last ?? NaN))?.mean ?? NaN]));
      const sign = m[1] ? -1 : 1;
      groups.sort((a, b) => {
        const x = mean.get(a)!;
        const y = mean.get(b)!;
        return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : Number.isNaN(y) ? -1 : sign * (x - y);
      });
    }
    const items: Item[] = [];
    for (const group of groups) {
      const open = this.openGroups.has(group.key);
      items.push({ kind: "group", group, open });
      if (open) for (const run of group.runs) items.push({ kind: "run", run, member: true });
    }
    return items;
  }

  private toggleGroup(key: string): void {
    if (!this.openGroups.delete(key)) this.openGroups.add(key);
    this.items = this.buildItems();
    this.renderAll();
  }

  private saveState(): void {
    try {
      localStorage.setItem(STATE_KEY, JSON.stringify(this.state));
    } catch {
      /* private mode: the layout lasts this session */
    }
  }

  private setState(state: ColumnState): void {
    this.state = state;
    this.saveState();
    this.renderAll();
    if (!this.chooser.hidden) this.renderChooser();
  }

  // ---- rendering -------------------------------------------------------------------------------

  private template(): string {
    return `${CHECK_WIDTH}px ${this.shown.map((c) => `${widthOf(c, this.state)}px`).join(" ")}`;
  }

  /** Left offsets of pinned columns (they stick while the rest scrolls sideways). */
  private pinOffsets(): Map<string, number> {
    const out = new Map<string, number>();
    let left = CHECK_WIDTH;
    for (const c of this.shown) {
      if (!this.state.pinned.includes(c.id)) break;
      out.set(c.id, left);
      left += widthOf(c, this.state);
    }
    return out;
  }

  private renderAll(): void {
    this.shown = visibleColumns(this.columns, this.state);
    this.count.textContent = this.total > this.runs.length ? `${this.runs.length} of ${this.total}` : String(this.runs.length);
    const template = this.template();
    const width = CHECK_WIDTH + this.shown.reduce((n, c) => n + widthOf(c, this.state), 0);
    this.header.style.gridTemplateColumns = template;
    this.header.style.width = this.body.style.width = `${width}px`;
    this.body.style.height = `${this.items.length * ROW_HEIGHT}px`;
    this.node.style.setProperty("--mb-table-template", template);
    const pins = this.pinOffsets();
    const [field, desc] = this.sort.startsWith("-") ? [this.sort.slice(1), true] : [this.sort, false];
    this.header.replaceChildren(
      h("div", { class: "mb-th mb-th-check mb-pinned", style: "left:0" }, ""),
      ...this.shown.map((c) => {
        const sorted = sortSpecOf(c, false) === field;
        const th = h("div", {
          class: `mb-th${c.numeric ? " mb-num" : ""}${pins.has(c.id) ? " mb-pinned" : ""}`, role: "columnheader", "data-column": c.id, draggable: "true",
          title: `${c.kind === "param" ? "params." : c.kind === "metric" ? "metrics." : ""}${c.label}: click to sort, drag to move, drag the edge to resize`,
          "aria-sort": sorted ? (desc ? "descending" : "ascending") : "none",
          style: pins.has(c.id) ? `left:${pins.get(c.id)}px` : null,
        }, h("span", { class: "mb-th-label" }, c.label), sorted ? h("span", { class: "mb-sort-mark" }, desc ? " ▼" : " ▲") : null);
        const grip = h("span", { class: "mb-resize", title: "Drag to resize" });
        grip.addEventListener("pointerdown", (e) => this.startResize(e, c));
        grip.addEventListener("click", (e) => e.stopPropagation());
        th.append(grip);
        th.addEventListener("click", () => this.sortBy(c));
        th.addEventListener("dragstart", (e) => e.dataTransfer?.setData("text/x-modelbench-column", c.id));
        th.addEventListener("dragover", (e) => e.preventDefault());
        th.addEventListener("drop", (e) => {
          e.preventDefault();
          const id = e.dataTransfer?.getData("text/x-modelbench-column");
          if (id && id !== c.id) this.setState(moveColumn(this.columns, this.state, id, c.id));
        });
        return th;
      }),
    );
    this.body.replaceChildren();
    this.drawn.clear();
    this.renderRows();
    this.renderSelection();
  }

  private scheduleRows(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderRows();
    });
  }

  /** The rows in view (and a few around), positioned absolutely; others are not in the DOM. Rows still in view stay as they are. */
  private renderRows(): void {
    const viewport = this.scroller.clientHeight || 600;
    const top = Math.max(0, this.scroller.scrollTop - this.header.offsetHeight);
    const [first, end] = visibleRange(top, viewport, ROW_HEIGHT, this.items.length);
    for (const [i, el] of this.drawn) {
      if (i < first || i >= end) {
        el.remove();
        this.drawn.delete(i);
      }
    }
    let pins: Map<string, number> | null = null;
    const now = Date.now();
    const added: HTMLElement[] = [];
    for (let i = first; i < end; i++) {
      if (this.drawn.has(i)) continue;
      pins ??= this.pinOffsets();
      const item = this.items[i];
      const el = item.kind === "group" ? this.groupRow(item.group, item.open, i, pins, now) : this.row(item.run, i, pins, now, item.member);
      this.drawn.set(i, el);
      added.push(el);
    }
    if (added.length) this.body.append(...added);
  }

  /** A group's row: a check for all its runs, its name and count, each metric's mean ± std; a click opens or folds it. */
  private groupRow(group: RunGroup<RunRow>, open: boolean, index: number, pins: Map<string, number>, now: number): HTMLElement {
    const all = group.runs.every((r) => this.model.selection.has(r.id));
    const check = h("input", { type: "checkbox", class: "mb-check", "aria-label": `Select the ${group.runs.length} runs of ${group.label} for comparison`, checked: all });
    check.addEventListener("click", (e) => {
      e.stopPropagation();
      for (const r of group.runs) this.model.toggleSelected(r.id, check.checked);
    });
    const el = h("div", {
      class: "mb-tr mb-group-row", role: "row", "data-group": group.label, "data-index": index, "aria-expanded": String(open),
      style: `top:${index * ROW_HEIGHT}px;grid-template-columns:${this.template()}`,
    }, h("div", { class: "mb-td mb-td-check mb-pinned", style: "left:0" }, check));
    for (const c of this.shown) {
      const { text, full } = groupCell(group, c, now);
      el.append(h("div", {
        class: `mb-td${c.numeric ? " mb-num" : ""}${pins.has(c.id) ? " mb-pinned" : ""}`, "data-column": c.id, title: full ?? (text.length > 12 ? text : null),
        style: pins.has(c.id) ? `left:${pins.get(c.id)}px` : null,
      }, c.kind === "name" ? h("span", { class: "mb-group-toggle", "aria-hidden": "true" }, open ? "▾" : "▸") : null, text));
    }
    el.addEventListener("click", () => this.toggleGroup(group.key));
    return el;
  }

  private row(run: RunRow, index: number, pins: Map<string, number>, now: number, member = false): HTMLElement {
    const selected = this.model.selection.has(run.id);
    const check = h("input", { type: "checkbox", class: "mb-check", "aria-label": `Select ${run.name} for comparison`, checked: selected });
    check.addEventListener("click", (e) => {
      e.stopPropagation();
      this.model.toggleSelected(run.id, check.checked);
    });
    const el = h("div", {
      class: `mb-tr${selected ? " mb-selected" : ""}${member ? " mb-group-member" : ""}`, role: "row", "data-run-id": run.id, "data-status": run.status, "data-index": index,
      style: `top:${index * ROW_HEIGHT}px;grid-template-columns:${this.template()}`,
    }, h("div", { class: "mb-td mb-td-check mb-pinned", style: "left:0" }, check));
    for (const c of this.shown) {
      const { text, full } = cellText(run, c, now);
      const cell = h("div", {
        class: `mb-td${c.numeric ? " mb-num" : ""}${pins.has(c.id) ? " mb-pinned" : ""}${c.kind === "status" ? ` mb-status-text-${run.status}` : ""}`,
        "data-column": c.id, title: full && full !== text ? full : text.length > 12 ? text : null,
        style: pins.has(c.id) ? `left:${pins.get(c.id)}px` : null,
      }, c.kind === "name" ? h("span", { class: `mb-status-dot mb-status-${run.status}` }) : null, text);
      el.append(cell);
    }
    el.addEventListener("click", () => this.actions.openRun(run.id));
    return el;
  }

  private renderSelection(): void {
    const n = this.model.selection.size;
    this.compareButton.disabled = n < 2;
    this.compareButton.textContent = n ? `Compare ${n}` : "Compare";
    for (const el of Array.from(this.body.children) as HTMLElement[]) {
      if (!el.dataset.runId) {
        const item = this.items[Number(el.dataset.index)];
        const check = el.querySelector<HTMLInputElement>(".mb-check");
        if (item?.kind === "group" && check) check.checked = item.group.runs.every((r) => this.model.selection.has(r.id));
        continue;
      }
      const on = this.model.selection.has(el.dataset.runId!);
      el.classList.toggle("mb-selected", on);
      const check = el.querySelector<HTMLInputElement>(".mb-check");
      if (check) check.checked = on;
    }
  }

  // ---- sort, resize, choose ------------------------------------------------------------------

  /** A click sorts best first (by the metric's goal; descending for other columns), again the other way, a third time back to newest first. */
  private sortBy(c: Column): void {
    this.sort = nextSort(c, this.sort);
    this.applySort();
    this.renderAll();
  }

  private startResize(e: PointerEvent, c: Column): void {
    e.preventDefault();
    e.stopPropagation();
    const startX = e.clientX;
    const start = widthOf(c, this.state);
    const move = (ev: PointerEvent) => {
      this.state = { ...this.state, widths: { ...this.state.widths, [c.id]: Math.max(MIN_WIDTH, Math.round(start + ev.clientX - startX)) } };
      const template = this.template();
      this.header.style.gridTemplateColumns = template;
      for (const row of Array.from(this.body.children) as HTMLElement[]) row.style.gridTemplateColumns = template;
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      this.setState(this.state);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }

  private toggleChooser(): void {
    this.chooser.hidden = !this.chooser.hidden;
    this.columnsButton.setAttribute("aria-expanded", String(!this.chooser.hidden));
    if (!this.chooser.hidden) this.renderChooser();
  }

  /** Every column with show / pin / move: metrics, params (varying first) and the run's own fields. */
  private renderChooser(): void {
    const ordered = orderedColumns(this.columns, this.state);
    this.chooser.replaceChildren(
      h("div", { class: "mb-chooser-head" }, h("strong", {}, "Columns"), h("button", { type: "button", class: "mb-link-button", onclick: () => this.setState({ ...emptyState() }) }, "reset"),
        h("button", { type: "button", class: "mb-link-button", onclick: () => this.toggleChooser() }, "close")),
      h("ul", {}, ...ordered.map((c, i) => {
        const shown = isShown(c, this.state);
        const pinned = this.state.pinned.includes(c.id);
        const show = h("input", { type: "checkbox", checked: shown, "aria-label": `Show ${c.label}` });
        show.addEventListener("change", () => this.setState(setShown(this.state, c.id, show.checked)));
        return h("li", { "data-column": c.id },
          h("label", {}, show, " ", h("span", { class: "mb-chooser-kind" }, c.kind === "metric" ? "metric" : c.kind === "param" ? "param" : "run"), " ", c.label),
          h("span", { class: "mb-chooser-actions" },
            h("button", { type: "button", class: `mb-link-button mb-pin${pinned ? " mb-on" : ""}`, title: pinned ? "Unpin" : "Pin to the left", onclick: () => this.setState(setPinned(this.state, c.id, !pinned)) }, pinned ? "unpin" : "pin"),
            h("button", { type: "button", class: "mb-link-button", title: "Move up", disabled: i === 0, onclick: () => this.setState(moveColumn(this.columns, this.state, c.id, ordered[i - 1].id)) }, "↑"),
            h("button", { type: "button", class: "mb-link-button", title: "Move down", disabled: i === ordered.length - 1, onclick: () => this.setState(moveColumn(this.columns, this.state, c.id, ordered[i + 2]?.id ?? null)) }, "↓")));
      })),
    );
  }

  protected onResize(): void {
    this.scheduleRows();
  }

  protected onAfterShow(): void {
    this.scheduleRows();
  }

  dispose(): void {
    if (this.isDisposed) return;
    if (this.frame) cancelAnimationFrame(this.frame);
    super.dispose();
  }
}
