// Checks for dense tables (arrays of rows) shared by the column transformers.
import { InvalidInputError } from "../errors";

/** Throws unless X is a non-empty array of equally long rows; returns the row width. */
export function tableWidth(X: readonly (readonly unknown[])[], what: string): number {
  if (!Array.isArray(X)) throw new InvalidInputError(`${what} expects an array of rows`);
  if (X.length === 0) throw new InvalidInputError(`${what} got no rows: pass at least one sample`);
  const width = Array.isArray(X[0]) ? X[0].length : -1;
  X.forEach((row, i) => {
    if (!Array.isArray(row)) throw new InvalidInputError(`row ${i} is not an array: ${what} expects an array of rows (one array per sample)`);
    if (row.length !== width) throw new InvalidInputError(`row ${i} has ${row.length} columns but row 0 has ${width}: every row needs the same columns`);
  });
  return width;
}

export function checkWidth(width: number, expected: number, who: string): void {
  if (width !== expected) {
    throw new InvalidInputError(`X has ${width} features, but ${who} was fitted with ${expected}: pass the same columns as in fit`);
  }
}
