// A logged table in a panel, a page at a time: a click on a header sorts by that column (again: the
// other way; a third time: as logged), the box filters rows by text, and the pager moves through
// the rest. The kernel sorts, filters and pages (src/track/tablePage.ts), so a big table never
// crosses the wire whole.
import { formatNumber } from "../../src/track/format";
import { h } from "./dom";
import type { TablePage, TableQuery } from "./wire";

export const PAGE_ROWS = 50;

/** Fetches a page of the table shown (the panel's step decides which table). */
export type PageSource = (query: TableQuery) => Promise<TablePage>;

export class MediaTable {
  readonly node = h("div", { class: "mb-media-table" });
  private filter = h("input", { class: "jp-mod-styled mb-media-table-filter", type: "search", placeholder: "filter rows", "aria-label": "Filter rows", spellcheck: "false" });
  private status = h("span", { class: "mb-hint mb-media-table-status", "aria-live": "polite" });
  private prev = h("button", { class: "jp-mod-styled mb-media-table-prev", type: "button", "aria-label": "Previous page" }, "‹");
  private next = h("button", { class: "jp-mod-styled mb-media-table-next", type: "button", "aria-label": "Next page" }, "›");
  private scroll = h("div", { class: "mb-media-table-scroll" });
  private error = h("div", { class: "mb-error", role: "alert", hidden: true });
  private query: TableQuery = { offset: 0, limit: PAGE_ROWS, sort: null, desc: false, filter: "" };
  private page: TablePage | null = null;
  private source: PageSource | null = null;
  /** Bumped per request: an answer to an older one is dropped. */
  private generation = 0;
  private filterTimer = 0;

  constructor() {
    this.filter.addEventListener("input", () => {
      window.clearTimeout(this.filterTimer);
      this.filterTimer = window.setTimeout(() => void this.load({ filter: this.filter.value, offset: 0 }), 200);
    });
    this.filter.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      window.clearTimeout(this.filterTimer);
      void this.load({ filter: this.filter.value, offset: 0 });
    });
    this.prev.addEventListener("click", () => void this.load({ offset: Math.max(0, (this.query.offset ?? 0) - PAGE_ROWS) }));
    this.next.addEventListener("click", () => void this.load({ offset: (this.query.offset ?? 0) + PAGE_ROWS }));
    this.node.append(h("div", { class: "mb-media-table-toolbar" }, this.filter, this.status, h("span", { class: "mb-media-table-pager" }, this.prev, this.next)), this.error, this.scroll);
  }

  /** Shows another table (another step): its first page, sorted and filtered as the last one was. */
  show(source: PageSource): Promise<void> {
    this.source = source;
    return this.load({ offset: 0 });
  }

  private async load(change: Partial<TableQuery>): Promise<void> {
    if (!this.source) return;
    const query = { ...this.query, ...change };
    const generation = ++this.generation;
    this.node.setAttribute("aria-busy", "true");
    try {
      const page = await this.source(query);
      if (generation !== this.generation) return;
      this.query = { ...query, offset: page.offset, sort: page.sort, desc: page.desc };
      this.page = page;
      this.error.hidden = true;
      this.render();
    } catch (e) {
      if (generation !== this.generation) return;
      this.error.textContent = e instanceof Error ? e.message : String(e);
      this.error.hidden = false;
    } finally {
      if (generation === this.generation) this.node.removeAttribute("aria-busy");
    }
  }

  /** Ascending, descending, then as logged. */
  private sortBy(column: string): void {
    const { sort, desc } = this.query;
    const next = sort !== column ? { sort: column, desc: false } : !desc ? { sort: column, desc: true } : { sort: null, desc: false };
    void this.load({ ...next, offset: 0 });
  }

  private render(): void {
    const p = this.page!;
    const first = p.total ? p.offset + 1 : 0;
    const last = p.offset + p.rows.length;
    const n = (x: number) => x.toLocaleString();
    const filtered = p.total !== p.rowCount;
    this.status.textContent = p.total > p.rows.length
      ? `rows ${n(first)}–${n(last)} of ${n(p.total)}${filtered ? ` matching (${n(p.rowCount)} in all)` : ""}`
      : filtered ? `${n(p.total)} of ${n(p.rowCount)} rows match` : `${n(p.total)} row${p.total === 1 ? "" : "s"}`;
    this.prev.disabled = p.offset === 0;
    this.next.disabled = last >= p.total;
    this.prev.hidden = this.next.hidden = p.total <= PAGE_ROWS;
    this.node.dataset.total = String(p.total);
    const header = h("tr", {}, ...p.columns.map((c) => {
      const sorted = p.sort === c ? (p.desc ? "descending" : "ascending") : "none";
      const th = h("th", { "aria-sort": sorted, "data-column": c },
        h("button", { class: "mb-media-table-sort", type: "button", title: `Sort by ${c}`, onclick: () => this.sortBy(c) }, c, sorted === "none" ? "" : sorted === "ascending" ? " ▲" : " ▼"));
      return th;
    }));
    const rows = p.rows.map((r) => h("tr", {}, ...r.map((v) => h("td", { class: typeof v === "number" ? "mb-num" : null }, formatNumber(v)))));
    this.scroll.replaceChildren(
      h("table", { class: "mb-table mb-media-table-grid" }, h("thead", {}, header), h("tbody", {}, ...rows)),
      p.total ? "" : h("p", { class: "mb-empty" }, p.filter ? `No row contains “${p.filter}”.` : "The table has no rows."),
    );
  }

  dispose(): void {
    window.clearTimeout(this.filterTimer);
    this.source = null;
  }
}
