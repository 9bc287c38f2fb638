// A logged table (MediaRecord kind "table": `{ columns, data }`) as a reader pages through it:
// rows filtered by text, sorted by a column, one page at a time. Pure, and free of Node, so the
// kernel answers the Runs panel with it and the panel shares its types.

/** What a reader asks of a table: a page of rows, optionally filtered and sorted. */
export interface TableQuery {
  /** First row of the page (after filtering and sorting). */
  offset?: number;
  /** Rows in the page (at most MAX_PAGE_ROWS). */
  limit?: number;
  /** The column to sort by; null or absent keeps the logged order. */
  sort?: string | null;
  desc?: boolean;
  /** Rows with a cell containing this text (case-insensitive). */
  filter?: string;
}

/** One page of a table, and where it sits in the whole. */
export interface TablePage {
  columns: string[];
  rows: unknown[][];
  offset: number;
  /** Rows that pass the filter. */
  total: number;
  /** Rows in the table. */
  rowCount: number;
  sort: string | null;
  desc: boolean;
  filter: string;
}

export interface LoggedTable {
  columns: string[];
  data: unknown[][];
}

export const DEFAULT_PAGE_ROWS = 100;
export const MAX_PAGE_ROWS = 1000;

/** A cell as text, for filtering and showing: numbers as JS prints them, objects as JSON. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Sort classes: numbers (and non-finite numbers, which JSON carries as strings), then text, then the rest; missing last. */
function sortKey(v: unknown): [number, number | string] {
  if (typeof v === "number") return Number.isNaN(v) ? [3, 0] : [0, v];
  if (typeof v === "boolean") return [0, v ? 1 : 0];
  if (v === "Infinity") return [0, Infinity];
  if (v === "-Infinity") return [0, -Infinity];
  if (v === null || v === undefined || v === "NaN" || v === "") return [3, 0];
  if (typeof v === "string") return [1, v];
  return [2, JSON.stringify(v)];
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/**
 * The order of `rows` (indices) filtered by `filter` and sorted by column `col` (stable; missing
 * values last whichever the direction).
 */
export function tableOrder(table: LoggedTable, query: Pick<TableQuery, "sort" | "desc" | "filter">): number[] {
  const { columns, data } = table;
  const needle = (query.filter ?? "").trim().toLowerCase();
  let order: number[] = [];
  for (let r = 0; r < data.length; r++) {
    if (!needle || data[r].some((c) => cellText(c).toLowerCase().includes(needle))) order.push(r);
  }
  if (query.sort !== null && query.sort !== undefined && query.sort !== "") {
    const col = columns.indexOf(query.sort);
    if (col < 0) throw new Error(`the table has no column '${query.sort}': it has ${columns.join(", ")}`);
    const keys = data.map((row) => sortKey(row[col]));
    const dir = query.desc ? -1 : 1;
    order = order.sort((a, b) => {
      const [ca, va] = keys[a];
      const [cb, vb] = keys[b];
      if (ca !== cb) return ca === 3 || cb === 3 ? ca - cb : dir * (ca - cb);
      if (ca === 3) return a - b;
      const c = ca === 0 ? (va as number) - (vb as number) || 0 : collator.compare(va as string, vb as string);
      return dir * c || a - b;
    });
  }
  return order;
}

/** One page of `table` for `query`; `order` (from tableOrder with the same sort and filter) saves sorting again. */
export function tablePage(table: LoggedTable, query: TableQuery, order = tableOrder(table, query)): TablePage {
  const limit = Math.max(1, Math.min(MAX_PAGE_ROWS, Math.floor(query.limit ?? DEFAULT_PAGE_ROWS)));
  const offset = Math.max(0, Math.min(Math.floor(query.offset ?? 0), Math.max(0, order.length - 1)));
  return {
    columns: table.columns,
    rows: order.slice(offset, offset + limit).map((r) => table.data[r]),
    offset,
    total: order.length,
    rowCount: table.data.length,
    sort: query.sort || null,
    desc: !!query.desc && !!query.sort,
    filter: query.filter ?? "",
  };
}
