// Reads columns out of whatever table a user holds: an arquero table, a danfojs DataFrame, or an
// array of row objects. Duck-typed, so neither library is loaded unless the user loaded it.
import { InvalidInputError } from "../errors";

/** An arquero table (`columnNames()`, `array(name)`). */
export interface ColumnTable {
  columnNames(): string[];
  array(name: string): ArrayLike<unknown>;
}

/** A danfojs DataFrame (`columns`, `column(name).values`). */
export interface DataFrameLike {
  columns: string[];
  column(name: string): { values: ArrayLike<unknown> };
}

export type TableLike = ColumnTable | DataFrameLike | readonly Record<string, unknown>[];

const TABLE_HELP = "give an arquero table, a danfojs DataFrame, or an array of row objects ([{ text: …, genre: … }, …])";

function isColumnTable(t: unknown): t is ColumnTable {
  return t != null && typeof (t as ColumnTable).columnNames === "function" && typeof (t as ColumnTable).array === "function";
}

function isDataFrame(t: unknown): t is DataFrameLike {
  return t != null && Array.isArray((t as DataFrameLike).columns) && typeof (t as DataFrameLike).column === "function";
}

function isRows(t: unknown): t is readonly Record<string, unknown>[] {
  return Array.isArray(t);
}

export function isTableLike(t: unknown): t is TableLike {
  return isColumnTable(t) || isDataFrame(t) || isRows(t);
}

/** Column names in table order (for rows: every key, in order of first appearance). */
export function columnNames(table: TableLike): string[] {
  if (isColumnTable(table)) return table.columnNames();
  if (isDataFrame(table)) return [...table.columns];
  if (isRows(table)) {
    const names = new Set<string>();
    table.forEach((row, i) => {
      if (row === null || typeof row !== "object" || Array.isArray(row)) {
        throw new InvalidInputError(`row ${i} is ${Array.isArray(row) ? "an array" : JSON.stringify(row)}: an array table holds one object per row, e.g. { text: "…", genre: "news" }`);
      }
      for (const k of Object.keys(row)) names.add(k);
    });
    return [...names];
  }
  throw new InvalidInputError(`not a table: ${TABLE_HELP}`);
}

export function rowCount(table: TableLike): number {
  if (isRows(table)) return table.length;
  const names = columnNames(table);
  return names.length ? column(table, names[0]).length : 0;
}

/** A column's values as a plain array; an unknown name is an error listing the columns there are. */
export function column(table: TableLike, name: string): unknown[] {
  const names = columnNames(table);
  if (!names.includes(name)) {
    const close = names.filter((n) => n.toLowerCase() === name.toLowerCase());
    throw new InvalidInputError(
      `no column '${name}' in the table${close.length ? ` (did you mean '${close[0]}'?)` : ""}: its columns are ${names.map((n) => `'${n}'`).join(", ") || "none"}`,
    );
  }
  if (isColumnTable(table)) return Array.from(table.array(name));
  if (isDataFrame(table)) return Array.from(table.column(name).values);
  return (table as readonly Record<string, unknown>[]).map((row) => row[name]);
}
