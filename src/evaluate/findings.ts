// What each part of an evaluation hands back (numbers, figures, tables, texts and notes, keyed by
// the names they are logged under), and the table of worst errors every task builds the same way.
import type { Figure } from "../display/figures";

/** A table as logTable takes it and as `result.tables` gives it. */
export interface TableValue {
  columns: string[];
  data: unknown[][];
}

export interface Findings {
  metrics: Record<string, number>;
  figures: Record<string, Figure>;
  tables: Record<string, TableValue>;
  texts: Record<string, string>;
  /** What was left out and why (e.g. no ROC curve for a class absent from y), and metric warnings. */
  notes: string[];
}

export function emptyFindings(): Findings {
  return { metrics: {}, figures: {}, tables: {}, texts: {}, notes: [] };
}

/** Columns shown beside each example: its id and its text, when the caller gave them. */
export interface ExampleColumns {
  ids?: readonly unknown[];
  texts?: readonly unknown[];
}

/**
 * The worst `limit` rows as a table: `order` lists row indices worst first, `cells` gives each
 * row's task-specific columns (true, predicted, confidence, …); the id leads and the text ends.
 */
export function worstTable(order: readonly number[], limit: number, cells: (i: number) => Record<string, unknown>, extra: ExampleColumns): TableValue {
  const rows = order.slice(0, limit);
  const sample = rows.length ? Object.keys(cells(rows[0])) : [];
  const columns = ["row", ...(extra.ids ? ["id"] : []), ...sample, ...(extra.texts ? ["text"] : [])];
  const data = rows.map((i) => {
    const c = cells(i);
    return [i, ...(extra.ids ? [extra.ids[i]] : []), ...sample.map((k) => c[k]), ...(extra.texts ? [extra.texts[i]] : [])];
  });
  return { columns, data };
}

/** Indices sorted by a score, highest first; ties keep row order. */
export function byScoreDescending(indices: readonly number[], score: (i: number) => number): number[] {
  return [...indices].sort((a, b) => score(b) - score(a) || a - b);
}
