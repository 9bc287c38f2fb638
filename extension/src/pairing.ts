// Paired notebooks in the frontend, without DOM or JupyterLab services: the kernel's pairing
// replies, turning each diff source (editor ⇄ paired script, script ⇄ git HEAD, run ⇄ run) into two
// notebooks, and the diff view's state (layout, toggles, collapsed groups) announced by a Signal.
// The percent reader and the cell diff are src/notebook's own, bundled, so the view shows exactly
// what `modelbench diff` computes.
import { Signal } from "@lumino/signaling";
import type { DiffOp } from "../../src/diff";
import { CellDiff, NotebookDiff, diffNotebooks } from "../../src/notebook/diff";
import { BinaryFileError, UnsupportedFormatError } from "../../src/notebook/errors";
import { Notebook, emptyNotebook, parseIpynb } from "../../src/notebook/ipynb";
import { FormatOptions, checkPercentText, isCellMarker, readPercent, withoutTextRepresentation } from "../../src/notebook/percent";

// ---- the kernel's replies (kernel/pairing.ts) ------------------------------------------------

export interface PairInfo {
  ipynb: string;
  text: string;
  extension: string;
  format: FormatOptions;
  /** Whether the script is on disk (a notebook paired by jupytext.toml whose script is not written yet: false). */
  textExists?: boolean;
}

export type SyncReply =
  | { ok: true; inputsFrom: "ipynb" | "text"; reason: string; written: string[]; warnings: string[]; ipynb: string; text: string }
  | { ok: false; conflict: true; message: string; diff: string };

export interface GitHeadReply {
  path: string;
  commit: string | null;
  head: string | null;
  working: string | null;
}

/** Sends one request to a modelbench kernel and resolves with its reply (RunsModel.ask). */
export type Ask = (op: string, payload: Record<string, unknown>) => Promise<unknown>;

const base = (p: string) => p.slice(p.lastIndexOf("/") + 1);

/** One line for a finished sync: which side gave the inputs, why, and what was written. */
export function describeSync(reply: Extract<SyncReply, { ok: true }>): string {
  const from = reply.inputsFrom === "ipynb" ? base(reply.ipynb) : base(reply.text);
  const why: Record<string, string> = {
    created: "the other file did not exist",
    "changed-since-sync": "it changed since the last sync",
    newer: "it is the newer file",
    "in-sync": "both already had the same inputs",
    preferred: "you chose it",
  };
  const wrote = reply.written.length ? `wrote ${reply.written.map(base).join(" and ")}` : "nothing to write";
  return `${base(reply.ipynb)} ⇄ ${base(reply.text)}: inputs from ${from} (${why[reply.reason] ?? reply.reason}); ${wrote}.`;
}

// ---- the two notebooks of each source ----------------------------------------------------------

/** Reads a percent script's text as the sync would, with its error for a malformed one. */
export function notebookFromScript(text: string, where: string, extension = ".ts", format: FormatOptions = {}): Notebook {
  if (text.includes("\u0000")) throw new BinaryFileError(`${where} is a binary file, not a notebook script`);
  checkPercentText(text, where, extension);
  return withoutTextRepresentation(readPercent(text, { extension, format, where, cellId: (i) => `cell-${i + 1}` }));
}

/** A notebook from .ipynb text (the file on disk) or from the editor's model (already JSON). */
export function notebookFromIpynb(content: string | object, where: string): Notebook {
  const text = typeof content === "string" ? content : JSON.stringify(content);
  if (typeof content === "string" && content.includes("\u0000")) throw new BinaryFileError(`${where} is a binary file, not a notebook`);
  return parseIpynb(text, where);
}

/**
 * A run's code snapshot as a notebook: percent-format code reads as its cells; a `%%track` cell
 * (or cells joined by the store) stays one code cell, so two runs still diff line by line.
 */
export function notebookFromRunSource(source: string | null): Notebook {
  const nb = emptyNotebook();
  if (!source) return nb;
  if (source.split(/\r?\n/).some(isCellMarker)) {
    try {
      return notebookFromScript(source, "run code");
    } catch {
      // not a script after all: one cell
    }
  }
  nb.cells = [{ cell_type: "code", id: "cell-1", metadata: {}, execution_count: null, outputs: [], source }];
  return nb;
}

/** Which kind of file a path names, for a clear error before anything is read. */
export function notebookKind(path: string, extensions: string[] = [".ts", ".js"]): "ipynb" | "script" {
  const dot = path.lastIndexOf(".");
  const ext = dot > path.lastIndexOf("/") ? path.slice(dot) : "";
  if (ext === ".ipynb") return "ipynb";
  if (extensions.includes(ext)) return "script";
  throw new UnsupportedFormatError(`${path}: unknown notebook format '${ext || "(no extension)"}'; use a .ipynb or its paired percent script (${extensions.join(", ")})`);
}

/** The Contents API's complaint about a file that is not UTF-8, as our error. */
export function contentsError(e: unknown, path: string): Error {
  const message = e instanceof Error ? e.message : String(e);
  if (/UTF-8|utf-8|not UTF|decode/i.test(message)) return new BinaryFileError(`${path} is a binary file (not UTF-8 text), not a notebook`);
  if (/404|No such file|not found/i.test(message)) return new Error(`${path} does not exist: sync the notebook to create it (Sync Paired Notebook)`);
  return e instanceof Error ? e : new Error(message);
}

/** The server's jupytext contents manager, told apart by how it answers for a script as a notebook. */
export type JupytextPresence = "present" | "absent" | "unknown";

/**
 * Reads a probe: GET <script> with type=notebook. Jupytext's contents manager turns a percent script
 * into a notebook (200, type "notebook"); the plain one refuses, since a script is not notebook JSON
 * (400). Anything else (a 500 from a malformed script, a network error) says nothing.
 */
export function jupytextFromProbe(status: number, type?: string): JupytextPresence {
  if (status === 200) return type === "notebook" ? "present" : "absent";
  if (status === 400) return "absent";
  return "unknown";
}

// ---- the diff view's state ----------------------------------------------------------------------

export type DiffSourceKind = "drift" | "head" | "runs";

/** What the view compares: two notebooks with their names, and where they came from. */
export interface DiffDocument {
  kind: DiffSourceKind;
  title: string;
  labels: [string, string];
  a: Notebook;
  b: Notebook;
  /** A note above the cells (e.g. "not in HEAD yet"). */
  note?: string;
}

export interface DiffOptions {
  layout: "side-by-side" | "inline";
  markdown: "rendered" | "raw";
  outputs: boolean;
  metadata: boolean;
}

/** A run of unchanged cells shown as one collapsed row, or one cell that differs. */
export type DiffBlock = { kind: "unchanged"; start: number; cells: CellDiff[] } | { kind: "cell"; index: number; cell: CellDiff };

/** Groups the cells: every differing cell on its own, each run of unchanged cells as one block. */
export function diffBlocks(diff: NotebookDiff): DiffBlock[] {
  const blocks: DiffBlock[] = [];
  diff.cells.forEach((cell, index) => {
    const last = blocks[blocks.length - 1];
    if (cell.op !== "equal") blocks.push({ kind: "cell", index, cell });
    else if (last?.kind === "unchanged") last.cells.push(cell);
    else blocks.push({ kind: "unchanged", start: index, cells: [cell] });
  });
  return blocks;
}

/** One row of a side-by-side diff: a line on the left, on the right, or both (1-based numbers). */
export interface SideRow {
  left?: { n: number; text: string; op: "equal" | "delete" };
  right?: { n: number; text: string; op: "equal" | "insert" };
}

/** Lines side by side: unchanged lines face each other, and each run of removed lines faces the added ones. */
export function sideBySideRows(ops: DiffOp[]): SideRow[] {
  const rows: SideRow[] = [];
  let dels: DiffOp[] = [], ins: DiffOp[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, ins.length); i++) {
      const row: SideRow = {};
      if (dels[i]) row.left = { n: dels[i].a + 1, text: dels[i].line, op: "delete" };
      if (ins[i]) row.right = { n: ins[i].b + 1, text: ins[i].line, op: "insert" };
      rows.push(row);
    }
    dels = [];
    ins = [];
  };
  for (const o of ops) {
    if (o.op === "delete") dels.push(o);
    else if (o.op === "insert") ins.push(o);
    else {
      flush();
      rows.push({ left: { n: o.a + 1, text: o.line, op: "equal" }, right: { n: o.b + 1, text: o.line, op: "equal" } });
    }
  }
  flush();
  return rows;
}

/** Counts for the header: "2 changed, 1 added, 0 removed, 5 unchanged". */
export function diffSummary(diff: NotebookDiff): Record<CellDiff["op"], number> {
  const n = { equal: 0, changed: 0, added: 0, removed: 0 };
  for (const c of diff.cells) n[c.op]++;
  return n;
}

export class DiffModel {
  readonly changed = new Signal<this, void>(this);
  document: DiffDocument | null = null;
  error: string | null = null;
  loading = false;
  diff: NotebookDiff | null = null;
  options: DiffOptions = { layout: "side-by-side", markdown: "rendered", outputs: false, metadata: false };
  /** Unchanged blocks the user opened, by their first cell's index. */
  readonly expanded = new Set<number>();

  constructor(private readonly load: () => Promise<DiffDocument>) {}

  /** (Re)reads both sides; an error is kept for the view to show, and nothing is written anywhere. */
  async refresh(): Promise<void> {
    this.loading = true;
    this.changed.emit();
    try {
      this.document = await this.load();
      this.error = null;
    } catch (e) {
      this.document = null;
      this.error = e instanceof Error ? e.message : String(e);
    }
    this.loading = false;
    this.recompute();
  }

  setOptions(change: Partial<DiffOptions>): void {
    const before = this.options;
    this.options = { ...before, ...change };
    if (before.outputs !== this.options.outputs || before.metadata !== this.options.metadata) this.recompute();
    else this.changed.emit();
  }

  toggleExpanded(start: number): void {
    if (!this.expanded.delete(start)) this.expanded.add(start);
    this.changed.emit();
  }

  get blocks(): DiffBlock[] {
    return this.diff ? diffBlocks(this.diff) : [];
  }

  private recompute(): void {
    const d = this.document;
    this.diff = d ? diffNotebooks(d.a, d.b, { outputs: this.options.outputs, metadata: this.options.metadata }) : null;
    this.expanded.clear();
    this.changed.emit();
  }
}
