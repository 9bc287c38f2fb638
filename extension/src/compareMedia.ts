// Compare's media: for every key two or more of the runs logged, one row with each run's item (at
// its last step, or at a step chosen for the row), and a logged table across runs (stacked with a
// run column, or side by side). Pure: which items to fetch and how tables combine.
import type { MediaKind, MediaRecord } from "../../src/track/types";

/** A media record as Compare lists it (without the content hash: content is fetched by run, key and step). */
export type MediaEntry = Omit<MediaRecord, "hash">;

export interface MediaRow {
  key: string;
  kind: MediaKind;
  /** Per run (in the comparison's order): the steps it logged this key at, sorted; empty when it did not. */
  steps: number[][];
  /** Every step any run logged the key at, sorted: the choices of the row's step. */
  allSteps: number[];
}

const KIND_ORDER: MediaKind[] = ["figure", "table", "image", "text"];

/**
 * The rows of the comparison's media: keys logged by at least two runs (of one kind: the first
 * run's where runs disagree), figures first, then tables, images and text, by key within each.
 */
export function mediaRows(perRun: ReadonlyArray<readonly MediaEntry[]>): MediaRow[] {
  const byKey = new Map<string, { kind: MediaKind; steps: Array<Set<number>> }>();
  perRun.forEach((entries, i) => {
    for (const e of entries) {
      let row = byKey.get(e.key);
      if (!row) byKey.set(e.key, (row = { kind: e.kind, steps: perRun.map(() => new Set<number>()) }));
      if (e.kind === row.kind) row.steps[i].add(e.step);
    }
  });
  const rows: MediaRow[] = [];
  for (const [key, { kind, steps }] of byKey) {
    if (steps.filter((s) => s.size).length < 2) continue;
    const sorted = steps.map((s) => [...s].sort((a, b) => a - b));
    rows.push({ key, kind, steps: sorted, allSteps: [...new Set(sorted.flat())].sort((a, b) => a - b) });
  }
  return rows.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.key.localeCompare(b.key));
}

/**
 * The step of a run's item to show: its last one, or with a step chosen, its last at or before
 * that step (what the run had logged by then); null when it had none by then.
 */
export function stepFor(steps: readonly number[], chosen: number | null): number | null {
  if (!steps.length) return null;
  if (chosen === null) return steps[steps.length - 1];
  let found: number | null = null;
  for (const s of steps) if (s <= chosen) found = s;
  return found;
}

/** One run's table (or a page of it) for combining. */
export interface TablePart {
  run: string;
  columns: string[];
  rows: unknown[][];
}

/**
 * The runs' tables as one: a run column first, then every column any of them has (in the order
 * first seen); a table without a column gets an empty cell there. A table that already has a
 * "run" column keeps it, and the added one is called "compared run".
 */
export function stackTables(parts: ReadonlyArray<TablePart | null>): { columns: string[]; rows: unknown[][] } {
  const present = parts.filter((p): p is TablePart => p !== null);
  const columns: string[] = [];
  for (const p of present) for (const c of p.columns) if (!columns.includes(c)) columns.push(c);
  const runColumn = columns.includes("run") ? "compared run" : "run";
  const rows: unknown[][] = [];
  for (const p of present) {
    const at = columns.map((c) => p.columns.indexOf(c));
    for (const r of p.rows) rows.push([p.run, ...at.map((i) => (i >= 0 ? r[i] : null))]);
  }
  return { columns: [runColumn, ...columns], rows };
}
