// The process-wide tracking state: which store, which runs are active. Everything here works from a
// plain Node script; the kernel adds the cell's and the notebook's code through setCodeProvider().
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot, storeUri } from "../store/location";
import { openStore as openByUri } from "../store/registry";
import { NoActiveRunError, TrackingError } from "./errors";
import { captureEnvironment, captureGit, hashFile } from "./context";
import { Run } from "./run";
import { globalSeed } from "../random";
import { installConsoleCapture } from "./console";
import type { MediaRecord, Store } from "./types";

export interface CodeContext {
  source: string | null;
  notebook: string | null;
  notebookPath: string | null;
}

export interface StartOptions {
  name?: string;
  tags?: string[];
  project?: string;
  notes?: string;
  params?: Record<string, unknown>;
  /** A run id (or Run) to nest under; defaults to the innermost active run. `null` forces a top-level run. */
  parent?: string | Run | null;
  /** The code this run executes; defaults to what the code provider says (the cell), or the main script. */
  source?: string;
  seed?: number | null;
  /** Which direction is better for some metrics: `{ f1: "max" }`. */
  goals?: Record<string, "min" | "max">;
  /** Keep the process's stdout/stderr with the run (default true; MODELBENCH_CAPTURE_OUTPUT=0 turns it off everywhere). */
  captureOutput?: boolean;
}

/** The tag that links a rerun to the run it re-executed (`tags contains rerun_of:ID` finds them). */
export const RERUN_TAG = "rerun_of:";
/** Set by a rerun (rerun.ts) for the process that executes the cells: its top-level runs get the tag. */
export const RERUN_ENV = "MODELBENCH_RERUN_OF";

const G = globalThis as any;
const STATE = Symbol.for("modelbench.tracker");

interface State {
  store: Store | null;
  active: Run[];
  codeProvider: () => CodeContext;
  exitHook: boolean;
  implicit?: boolean;
}

function state(): State {
  return (G[STATE] ??= { store: null, active: [], codeProvider: scriptCode, exitHook: false });
}

function scriptCode(): CodeContext {
  const main = process.argv[1];
  let source: string | null = null;
  try {
    if (main && fs.statSync(main).isFile()) source = fs.readFileSync(main, "utf8");
  } catch {
    /* no readable script */
  }
  return { source, notebook: null, notebookPath: null };
}

/** Opens a store by URI: `sqlite:///path`, `postgres://user@host:port/db` or `mlflow+http://host:port`. */
export function openStore(uri = storeUri()): Store {
  return openByUri(uri);
}

/** The current store, opened on first use; runs left 'running' by dead processes are marked crashed then. */
export function store(): Store {
  const s = state();
  if (!s.store) {
    s.store = openStore();
    s.store.markCrashed().catch(() => {}); // an unreachable store says so on first real use
  }
  return s.store;
}

/** The store cells write to if it has been opened, else null (unlike store(), opens nothing). */
export function openedStore(): Store | null {
  return state().store ?? null;
}

/** Switches the store (ends nothing: runs already started keep writing where they began). */
export async function useStore(uri: string): Promise<Store> {
  const next = openStore(uri);
  await next.markCrashed();
  state().store = next;
  return next;
}

export function setCodeProvider(provider: (() => CodeContext) | null): void {
  state().codeProvider = provider ?? scriptCode;
}

export function activeRun(): Run | null {
  const a = state().active;
  return a.length ? a[a.length - 1] : null;
}

/** The innermost active run that keeps console output. */
function capturingRun(): Run | null {
  const a = state().active;
  for (let i = a.length - 1; i >= 0; i--) if (a[i].captureOutput) return a[i];
  return null;
}

export function activeRuns(): readonly Run[] {
  return state().active;
}


function defaultProject(): string {
  return process.env.MODELBENCH_PROJECT || path.basename(projectRoot());
}

/** Starts a run and makes it the active one; log(), param() and artifact() then attach to it. */
export async function startRun(options: StartOptions = {}): Promise<Run> {
  const { run, created } = beginRun(options);
  try {
    await created;
  } catch (e) {
    run.abandon();
    throw e;
  }
  if (options.goals) await run.goal(options.goals);
  return run;
}

/** The synchronous part of starting a run; the store write it starts is `created`. */
function beginRun(options: StartOptions): { run: Run; created: Promise<void> } {
  const s = state();
  const st = store();
  const parent = options.parent === undefined ? activeRun() : options.parent;
  const parentId = parent === null ? null : typeof parent === "string" ? parent : parent.id;
  if (options.name !== undefined && (options.name.trim() === "" || options.name.length > 200)) {
    throw new TrackingError("a run name must be 1 to 200 characters");
  }
  const tags = (options.tags ?? []).map((t) => String(t).trim()).filter(Boolean);
  const rerunOf = parentId === null ? process.env[RERUN_ENV] : undefined;
  if (rerunOf && !tags.some((t) => t.startsWith(RERUN_TAG))) tags.push(`${RERUN_TAG}${rerunOf}`);
  const id = randomUUID();
  const code = s.codeProvider();
  const name = options.name?.trim() || `run-${id.slice(0, 6)}`;
  const created = st.createRun({
    id,
    name,
    project: options.project ?? defaultProject(),
    parentId,
    tags,
    notes: options.notes ?? null,
    startedAt: Date.now(),
    pid: process.pid,
    host: os.hostname(),
    seed: options.seed ?? globalSeed(),
    source: options.source ?? code.source,
    notebook: code.notebook,
    notebookPath: code.notebookPath,
    git: captureGit(),
    env: captureEnvironment(),
  });
  const run = new Run(id, name, st, parentId, created, (r) => {
    const i = s.active.indexOf(r);
    if (i >= 0) s.active.splice(i, 1);
  });
  s.active.push(run);
  if (options.captureOutput === false) run.captureOutput = false;
  installConsoleCapture(capturingRun);
  installExitHook();
  if (options.params) run.param(options.params);
  return { run, created };
}

/**
 * With implicit runs on (setImplicitRuns(true) or MODELBENCH_IMPLICIT_RUNS=1), log() and param()
 * outside any run start one instead of failing; it ends when the process does.
 */
export function setImplicitRuns(on: boolean): void {
  state().implicit = on;
}

function need(what: string): Run {
  const r = activeRun();
  if (r) return r;
  const s = state();
  if (s.implicit ?? process.env.MODELBENCH_IMPLICIT_RUNS === "1") {
    return beginRun({ name: `implicit-${new Date().toISOString().slice(0, 19)}`, tags: ["implicit"] }).run;
  }
  throw new NoActiveRunError(what);
}

/** Logs metrics to the active run. */
export function log(metrics: Record<string, number | boolean>, options?: { step?: number }): void {
  need("log()").log(metrics, options);
}

/** Records params of the active run. */
export function param(params: Record<string, unknown>): void {
  need("param()").param(params);
}

/** Logs a plotly figure to the active run (see Run.logFigure). */
export function logFigure(name: string, figure: unknown, options?: { step?: number }): Promise<MediaRecord> {
  return need("logFigure()").logFigure(name, figure, options);
}

/** Logs a table to the active run: rows, an arquero table, a danfo DataFrame or { columns, data }. */
export function logTable(name: string, table: unknown, options?: { step?: number }): Promise<MediaRecord> {
  return need("logTable()").logTable(name, table, options);
}

/** Logs a PNG or SVG image to the active run. */
export function logImage(name: string, image: Buffer | Uint8Array | string, options?: { step?: number }): Promise<MediaRecord> {
  return need("logImage()").logImage(name, image, options);
}

/** Logs text to the active run. */
export function logText(name: string, text: string, options?: { step?: number }): Promise<MediaRecord> {
  return need("logText()").logText(name, text, options);
}

/** Saves an artifact with the active run. */
export function artifact(name: string, value: unknown, kind?: string) {
  return need("artifact()").artifact(name, value, kind);
}

/** Records a data file's content hash with every active run, so runs on different data differ. */
export async function recordData(file: string): Promise<void> {
  const runs = state().active;
  if (!runs.length) return;
  const rec = hashFile(file);
  for (const r of runs) await r.store.recordData(r.id, rec);
}

/** Ends the active run. */
export async function endRun(status: "finished" | "failed" | "killed" = "finished", error: string | null = null): Promise<void> {
  await need("endRun()").end(status, error);
}

/** A script that exits with runs open: finished on a clean exit, failed otherwise; points are written first. */
function installExitHook(): void {
  const s = state();
  if (s.exitHook) return;
  s.exitHook = true;
  process.on("exit", (code) => {
    for (const r of [...s.active].reverse()) {
      try {
        r.endSync(code === 0 ? "finished" : "failed", code === 0 ? null : `the process exited with code ${code}`);
      } catch (e) {
        process.stderr.write(`modelbench: could not close run ${r.name}: ${(e as Error).message}\n`);
      }
    }
  });
}
