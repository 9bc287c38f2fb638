// Columns → tables, and the few table operations the splitters and describe() need, for both
// arquero tables and danfojs DataFrames. Both libraries load lazily: danfojs-node pulls in
// TensorFlow and takes seconds, so nobody pays for it unless they ask for a DataFrame.
import type { ColumnTable } from "arquero";
import { InvalidInputError } from "../errors";
import { CsrMatrix } from "../features/sparse";

export type Value = string | number | boolean | null | unknown[] | Record<string, unknown>;
export type Columns = Record<string, Value[]>;

/** `"arquero"` (default): an arquero ColumnTable; `"danfo"`: a danfojs-node DataFrame. */
export type TableKind = "arquero" | "danfo";

/** A danfojs-node DataFrame (a type only: importing it does not load danfo). */
export type DanfoFrame = import("danfojs-node").DataFrame;

export function arquero(): typeof import("arquero") {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require("arquero");
}

export function danfo(): any {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require("danfojs-node");
}

export function isArqueroTable(x: unknown): x is ColumnTable {
  const t = x as any;
  return t != null && typeof t === "object" && typeof t.numRows === "function" && typeof t.columnNames === "function" &&
    typeof t.array === "function";
}

export function isDanfoFrame(x: unknown): x is DanfoFrame {
  const t = x as any;
  return t != null && typeof t === "object" && t.constructor?.name === "DataFrame" && Array.isArray(t.shape) &&
    Array.isArray(t.columns) && typeof t.column === "function";
}

export function makeTable(columns: Columns, kind: TableKind = "arquero"): any {
  if (kind === "arquero") return arquero().table(columns);
  if (kind === "danfo") {
    const names = Object.keys(columns);
    // danfo marks missing numbers with NaN and cannot hold arrays in a cell.
    const data: Record<string, unknown[]> = {};
    for (const name of names) {
      const col = columns[name];
      const numeric = col.every((v) => v === null || typeof v === "number");
      data[name] = col.map((v) => (v === null ? (numeric ? NaN : null) : typeof v === "object" ? JSON.stringify(v) : v));
    }
    const D = danfo();
    return names.length ? new D.DataFrame(data) : new D.DataFrame([]);
  }
  throw new InvalidInputError(`unknown table kind ${JSON.stringify(kind)}: use "arquero" or "danfo"`);
}

/** Column names, for either kind of table. */
export function columnNames(table: ColumnTable | DanfoFrame): string[] {
  return isArqueroTable(table) ? table.columnNames() : [...table.columns];
}

export function numRows(table: ColumnTable | DanfoFrame): number {
  return isArqueroTable(table) ? table.numRows() : table.shape[0];
}

/** One column's values as a plain array. */
export function columnValues(table: ColumnTable | DanfoFrame, name: string): unknown[] {
  const names = columnNames(table);
  if (!names.includes(name)) {
    throw new InvalidInputError(`no column ${JSON.stringify(name)}: the table has ${names.map((n) => JSON.stringify(n)).join(", ")}`);
  }
  return isArqueroTable(table) ? Array.from(table.array(name) as ArrayLike<unknown>) : [...table.column(name).values];
}

/** The rows at `indices`, in that order, as a new value of the same kind (array, arquero table, DataFrame). */
export function takeRows<T>(data: T, indices: readonly number[]): T {
  if (Array.isArray(data)) return indices.map((i) => data[i]) as unknown as T;
  if (data instanceof CsrMatrix) return data.selectRows(indices) as unknown as T;
  if (isArqueroTable(data)) {
    const out: Columns = {};
    for (const name of data.columnNames()) {
      const col = data.array(name) as ArrayLike<Value>;
      out[name] = indices.map((i) => col[i]);
    }
    return arquero().table(out) as unknown as T;
  }
  if (isDanfoFrame(data)) return (data as any).iloc({ rows: [...indices] }).resetIndex() as T;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const a = data as unknown as { constructor: new (n: number) => any; [i: number]: number };
    const out = new a.constructor(indices.length);
    indices.forEach((i, k) => (out[k] = a[i]));
    return out as T;
  }
  throw new InvalidInputError("expected an array, a typed array, a CsrMatrix, an arquero table or a danfo DataFrame");
}

/** How many rows `data` has, for any kind takeRows accepts. */
export function rowCount(data: unknown): number {
  if (Array.isArray(data)) return data.length;
  if (data instanceof CsrMatrix) return data.nRows;
  if (isArqueroTable(data)) return data.numRows();
  if (isDanfoFrame(data)) return data.shape[0];
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return (data as unknown as ArrayLike<number>).length;
  throw new InvalidInputError("expected an array, a typed array, a CsrMatrix, an arquero table or a danfo DataFrame");
}
