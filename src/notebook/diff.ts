// Cell-by-cell differences between two notebooks, for the diff view and `modelbench diff`. Cells are
// paired by content similarity, so inserting a cell shows one added cell, not every later cell changed.
import { DiffOp, diffLines, splitLines } from "../diff";
import { Cell, CellType, Notebook } from "./ipynb";
import { dumpJson, Json, jsonEqual } from "./pyjson";

export interface NotebookDiffOptions {
  /** Compare outputs too (default false: inputs only). */
  outputs?: boolean;
  /** Compare cell and notebook metadata too (default false). */
  metadata?: boolean;
  /** How similar (0..1) two cells must be to count as one changed cell (default 0.5). */
  threshold?: number;
}

/** A side-by-side line diff of one part of a cell (its source, outputs as text, or metadata as JSON). */
export interface PartDiff {
  a: string;
  b: string;
  lines: DiffOp[];
}

export interface CellDiff {
  op: "equal" | "changed" | "added" | "removed";
  /** Index of the cell in notebook a (absent for added cells). */
  a?: number;
  /** Index of the cell in notebook b (absent for removed cells). */
  b?: number;
  cellType: CellType;
  source: PartDiff;
  outputs?: PartDiff;
  metadata?: PartDiff;
}

export interface NotebookDiff {
  cells: CellDiff[];
  /** Notebook metadata, when options.metadata and it differs. */
  metadata?: PartDiff;
  /** True when nothing compared differs. */
  equal: boolean;
}

const cellKey = (c: Cell) => `${c.cell_type}\u0000${c.source}`;

/** Line similarity of two texts (Ratcliff/Obershelp-like 2·matches/total), by characters for short ones. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const la = splitLines(a), lb = splitLines(b);
  const ratio = (x: string[], y: string[]) => (x.length + y.length ? (2 * diffLines(x, y).filter((o) => o.op === "equal").length) / (x.length + y.length) : 1);
  let score = ratio(la, lb);
  // one-line edits score 0 by lines; characters see that "x = 1" and "x = 2" are the same cell
  if (a.length + b.length <= 4000) score = Math.max(score, ratio(Array.from(a), Array.from(b)));
  return score;
}

function outputsText(cell: Cell): string {
  return (cell.outputs ?? []).map((o) => dumpJson(o as Json, { indent: 1, sortKeys: true, ensureAscii: false })).join("\n");
}

function part(a: string, b: string): PartDiff {
  return { a, b, lines: diffLines(splitLines(a), splitLines(b)) };
}

/** Per-cell operations turning notebook `a` into `b`. */
export function diffNotebooks(a: Notebook, b: Notebook, options: NotebookDiffOptions = {}): NotebookDiff {
  const threshold = options.threshold ?? 0.5;
  const ops = diffLines(a.cells.map(cellKey), b.cells.map(cellKey));
  const pairs: { a?: number; b?: number }[] = [];
  // Between runs of identical cells, pair removed and added cells by similarity (order kept).
  let removed: number[] = [], added: number[] = [];
  const flush = () => {
    pairs.push(...alignBySimilarity(removed, added, a.cells, b.cells, threshold));
    removed = [];
    added = [];
  };
  for (const op of ops) {
    if (op.op === "delete") removed.push(op.a);
    else if (op.op === "insert") added.push(op.b);
    else {
      flush();
      pairs.push({ a: op.a, b: op.b });
    }
  }
  flush();

  const cells: CellDiff[] = pairs.map(({ a: i, b: j }) => {
    const ca = i === undefined ? undefined : a.cells[i];
    const cb = j === undefined ? undefined : b.cells[j];
    const cellType = (cb ?? ca)!.cell_type;
    const d: CellDiff = { op: "equal", cellType, source: part(ca?.source ?? "", cb?.source ?? "") };
    if (i !== undefined) d.a = i;
    if (j !== undefined) d.b = j;
    if (options.outputs && (ca?.cell_type === "code" || cb?.cell_type === "code")) d.outputs = part(ca ? outputsText(ca) : "", cb ? outputsText(cb) : "");
    if (options.metadata) d.metadata = part(ca ? dumpJson(ca.metadata, { indent: 1, sortKeys: true, ensureAscii: false }) : "", cb ? dumpJson(cb.metadata, { indent: 1, sortKeys: true, ensureAscii: false }) : "");
    if (!ca) d.op = "added";
    else if (!cb) d.op = "removed";
    else if (ca.source !== cb.source || (d.outputs && d.outputs.a !== d.outputs.b) || (d.metadata && d.metadata.a !== d.metadata.b)) d.op = "changed";
    return d;
  });
  const result: NotebookDiff = { cells, equal: cells.every((c) => c.op === "equal") };
  if (options.metadata && !jsonEqual(a.metadata, b.metadata)) {
    result.metadata = part(dumpJson(a.metadata, { indent: 1, sortKeys: true, ensureAscii: false }), dumpJson(b.metadata, { indent: 1, sortKeys: true, ensureAscii: false }));
    result.equal = false;
  }
  return result;
}

// The order-preserving pairing of removed with added cells that maximises total similarity
// (a weighted LCS); unpaired cells stay removed/added, listed where they sat.
function alignBySimilarity(removed: number[], added: number[], ca: Cell[], cb: Cell[], threshold: number): { a?: number; b?: number }[] {
  const n = removed.length, m = added.length;
  if (!n || !m) return [...removed.map((a) => ({ a })), ...added.map((b) => ({ b }))];
  const sim = removed.map((i) => added.map((j) => (ca[i].cell_type === cb[j].cell_type ? similarity(ca[i].source, cb[j].source) : 0)));
  const best = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  for (let x = n - 1; x >= 0; x--) {
    for (let y = m - 1; y >= 0; y--) {
      const take = sim[x][y] >= threshold ? sim[x][y] + best[x + 1][y + 1] : -1;
      best[x][y] = Math.max(take, best[x + 1][y], best[x][y + 1]);
    }
  }
  const out: { a?: number; b?: number }[] = [];
  let x = 0, y = 0;
  while (x < n && y < m) {
    if (sim[x][y] >= threshold && best[x][y] === sim[x][y] + best[x + 1][y + 1]) out.push({ a: removed[x++], b: added[y++] });
    else if (best[x][y] === best[x + 1][y]) out.push({ a: removed[x++] });
    else out.push({ b: added[y++] });
  }
  while (x < n) out.push({ a: removed[x++] });
  while (y < m) out.push({ b: added[y++] });
  return out;
}

/** The diff as text: one `@@ cell …` section per cell that differs, with its line changes. */
export function formatNotebookDiff(diff: NotebookDiff, names: [string, string] = ["a", "b"], context = 3): string {
  if (diff.equal) return "";
  const out = [`--- ${names[0]}`, `+++ ${names[1]}`];
  for (const c of diff.cells) {
    if (c.op === "equal") continue;
    const where = c.op === "added" ? `cell ${c.b! + 1} added` : c.op === "removed" ? `cell ${c.a! + 1} removed` : c.a === c.b ? `cell ${c.a! + 1} changed` : `cell ${c.a! + 1} → ${c.b! + 1} changed`;
    out.push(`@@ ${where} (${c.cellType}) @@`);
    for (const [label, p] of [["", c.source], ["outputs", c.outputs], ["metadata", c.metadata]] as const) {
      if (!p || p.a === p.b) continue;
      if (label) out.push(`  (${label})`);
      out.push(...hunks(p.lines, context));
    }
  }
  if (diff.metadata) {
    out.push("@@ notebook metadata @@");
    out.push(...hunks(diff.metadata.lines, context));
  }
  return out.join("\n") + "\n";
}

// Changed lines with `context` unchanged lines around them; "…" marks skipped lines.
function hunks(ops: DiffOp[], context: number): string[] {
  const keep = ops.map(() => false);
  ops.forEach((o, i) => {
    if (o.op === "equal") return;
    for (let k = Math.max(0, i - context); k <= Math.min(ops.length - 1, i + context); k++) keep[k] = true;
  });
  const out: string[] = [];
  let skipped = false;
  ops.forEach((o, i) => {
    if (!keep[i]) {
      if (!skipped) out.push(" …");
      skipped = true;
      return;
    }
    skipped = false;
    out.push((o.op === "equal" ? " " : o.op === "delete" ? "-" : "+") + o.line);
  });
  return out;
}
