// The Runs panel in the right sidebar: filters, sort, and one row per run (status, duration,
// tags, its key metric and sparkline, the name cut in the middle to fit). Rows are updated in
// place as the model announces changes.
import { Widget } from "@lumino/widgets";
import { formatDuration, formatNumber } from "../../src/track/format";
import { h, measureIn, svg } from "./dom";
import { fitMiddle } from "./elide";
import { RunsModel, displayValue } from "./model";
import { sparklinePath } from "./series";
import { RUN_STATUSES, type RunSummary } from "./wire";

const SPARK_W = 64;
const SPARK_H = 18;

export interface RunsPanelActions {
  openRun(runId: string): void;
  compare(): void;
  showModels?(): void;
  showTable?(): void;
}

interface Row {
  el: HTMLLIElement;
  check: HTMLInputElement;
  name: HTMLElement;
  status: HTMLElement;
  meta: HTMLElement;
  tags: HTMLElement;
  value: HTMLElement;
  path: SVGElement;
  run: RunSummary | null;
  key: string | null;
}

export class RunsPanel extends Widget {
  private rows = new Map<string, Row>();
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

    this.node.append(
      h("header", { class: "mb-header" }, h("h2", {}, "Runs"), this.count,
        actions.showTable ? h("button", { class: "jp-mod-styled mb-table-button", type: "button", title: "All runs as a table: columns, sort, pin (in the main area)", onclick: () => actions.showTable!() }, "Table") : null,
        actions.showModels ? h("button", { class: "jp-mod-styled mb-models-button", type: "button", title: "The model registry: versions and aliases", onclick: () => actions.showModels!() }, "Models") : null),
      this.connection,
      h("div", { class: "mb-filters" }, this.search, h("div", { class: "mb-filter-row" }, this.status, this.tag, this.sort, h("label", { class: "mb-archived-toggle", title: "List archived runs too" }, this.archived, "archived"))),
      h("div", { class: "mb-actions" }, this.compareButton, h("span", { class: "mb-hint" }, "Enter: open · Space: select")),
      this.error,
      this.empty,
      this.list,
    );
    model.runsChanged.connect(this.renderRuns, this);
    model.curvesChanged.connect((_, id) => this.renderSparkline(id), this);
    model.selectionChanged.connect(this.renderSelection, this);
    model.connectionChanged.connect(this.renderConnection, this);
    this.renderConnection();
    this.renderRuns();
    this.resizer.observe(this.list);
  }

  /** Names cut in the middle to the width the rows have now (on every resize of the panel). */
  private fitNames(): void {
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

    this.error.hidden = !m.error;
    this.error.textContent = m.error ?? "";
    this.count.textContent = m.total > m.runs.length ? `${m.runs.length} of ${m.total}` : String(m.runs.length);
    this.empty.hidden = m.runs.length > 0 || !m.connected;
    this.empty.textContent = m.query.search || m.query.status || m.query.tag ? "No runs match." : "No runs yet: run a cell with %%track.";

    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.closest<HTMLElement>(".mb-run")?.dataset.runId : undefined;
    const keep = new Set(m.runs.map((r) => r.id));
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        row.el.remove();
        this.rows.delete(id);
      }
    }
    let moved = false;
    m.runs.forEach((run, i) => {
      const row = this.rows.get(run.id) ?? this.createRow(run.id);
      this.updateRow(row, run);
      if (this.list.children[i] !== row.el) {
        this.list.insertBefore(row.el, this.list.children[i] ?? null);
        moved = true;
      }
    });
    if (moved && focused) this.rows.get(focused)?.el.focus();
    this.renderSelection();
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

  private updateRow(row: Row, run: RunSummary): void {
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

  private focusRow(index: number, e?: Event): void {
    const rows = this.list.children;
    if (!rows.length) return;
    (rows[Math.max(0, Math.min(rows.length - 1, index))] as HTMLElement).focus();
    e?.preventDefault();
  }

  private onListKey(e: KeyboardEvent): void {
    const row = (e.target as HTMLElement).closest<HTMLElement>(".mb-run");
    if (!row) return;
    const index = Array.prototype.indexOf.call(this.list.children, row);
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
        return this.focusRow(this.list.children.length - 1, e);
    }
  }
}
