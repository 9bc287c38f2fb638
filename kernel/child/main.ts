// The runtime: a child process that runs cells with tslab's executor. The protocol process sends
// it one execute at a time and may SIGINT it; it reports outputs over the IPC channel.
import * as util from "util";
import * as vm from "vm";
import { performance } from "perf_hooks";
import { createConverter, isCompleteCode, quickInfoText, type ConvertResult } from "../language";
import { defaultMagics, formatHelp, MagicUsageError, parseArgs, splitCell, type Compiled, type MagicContext } from "../magics";
import type { Segment } from "../magics/parse";
import type { ErrorContent, FromChild, ToChild, UserExpressionResult } from "../ipc";
import { fromDiagnostics, fromThrown, isInterrupt, keyboardInterrupt } from "./errors";
import * as fs from "fs";
import * as path from "path";
import * as displayApi from "../../src/display";
import "../../src/data/render"; // arquero tables and danfo DataFrames display as HTML tables
import { comms } from "../../src/comm";
import * as track from "../../src/track";
import * as tune from "../../src/tune";
import { fireInterrupt } from "../../src/runtime/interrupt";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { createExecutor } = require("tslab/dist/executor");

function send(msg: FromChild): void {
  if (process.connected) process.send!(msg);
}

/** The request whose outputs we are producing (an execute, or a comm message being handled). */
let currentReq: string | null = null;
let currentExec: Extract<ToChild, { type: "execute" }> | null = null;

// ---- stdout/stderr go to the frontend in order with everything else.
for (const name of ["stdout", "stderr"] as const) {
  const stream = process[name];
  stream.write = ((chunk: any, encoding?: any, cb?: any) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
    send({ type: "stream", req: currentReq, name, text });
    const done = typeof encoding === "function" ? encoding : cb;
    if (typeof done === "function") process.nextTick(done);
    return true;
  }) as typeof stream.write;
}

class CellError extends Error {
  constructor(readonly content: ErrorContent) {
    super(content.evalue);
  }
}

// ---- interrupts: SIGINT stops synchronous code (breakOnSigint) and rejects whatever awaits.
let interruptCount = 0;
/** interruptCount when the running cell started: a SIGINT that lands while the cell is still being
 * compiled (before breakOnSigint code runs) must still stop it, not be spent on nothing. */
let cellInterruptBase = 0;

function interruptedSinceCellStart(): boolean {
  return interruptCount !== cellInterruptBase;
}

function throwIfInterrupted(): void {
  if (interruptedSinceCellStart()) throw new CellError(keyboardInterrupt());
}
/** Resolves once a SIGINT that arrived during synchronous work has run its JS handler. Two loop
 * turns: the first ends the iteration we are in (its poll phase is over, so a signal that came
 * since is not read yet); the second's poll reads it. */
async function signalsSettled(): Promise<void> {
  await new Promise<void>((r) => setImmediate(r));
  await new Promise<void>((r) => setImmediate(r));
}
const interruptWaiters = new Set<() => void>();
process.on("SIGINT", () => {
  interruptCount++;
  fireInterrupt(); // helpers that run long (sweeps, training loops) stop cleanly
  executor.interrupt();
  for (const w of interruptWaiters) w();
});

function raceInterrupt<T>(p: Promise<T>): Promise<T> {
  let waiter!: () => void;
  const interrupted = new Promise<never>((_, reject) => {
    waiter = () => reject(new CellError(keyboardInterrupt()));
    interruptWaiters.add(waiter);
  });
  return Promise.race([p, interrupted]).finally(() => interruptWaiters.delete(waiter));
}

// ---- the executor, with the converter watched so we know declarations, diagnostics and timings.
const converter = createConverter();
let lastConvert: ConvertResult | null = null;
let compileMs = 0;
let decl = "";
let captured: { has: boolean; value: unknown; errors: unknown[] } = { has: false, value: undefined, errors: [] };

/** runTs compiles a cell before handing it to the executor (see there); the executor's own
 * convert of the same source against the same declarations then takes this result. */
let preconverted: { prev: string; src: string; result: ConvertResult; ms: number } | null = null;

const watched = {
  ...converter,
  convert(prev: string, src: string) {
    const hit = preconverted && preconverted.prev === prev && preconverted.src === src ? preconverted : null;
    preconverted = null;
    const t0 = performance.now();
    lastConvert = hit ? hit.result : converter.convert(prev, src);
    compileMs += hit ? hit.ms : performance.now() - t0;
    return lastConvert;
  },
};
const executor = createExecutor(
  process.cwd(),
  { node: watched, browser: null, close: () => converter.close() },
  {
    log: (value: unknown) => {
      captured.has = true;
      captured.value = value;
    },
    error: (...args: unknown[]) => {
      captured.errors.push(args.length === 1 ? args[0] : util.format(...(args as [any, ...any[]])));
    },
  },
);

interface RunOutcome {
  ok: boolean;
  error?: ErrorContent;
  has: boolean;
  value: unknown;
  compileMs: number;
  runMs: number;
}

/** Runs one piece of TypeScript as a cell; `lineOffset` places diagnostics within the whole cell. */
async function runTs(code: string, lineOffset = 0, fullSource = code): Promise<RunOutcome> {
  lastConvert = null;
  compileMs = 0;
  captured = { has: false, value: undefined, errors: [] };
  // Compile, then let the event loop turn before the code runs: a SIGINT that arrived during the
  // (synchronous) compile was taken by node's signal handler and would be lost to the
  // breakOnSigint watch of the run, leaving a `while (true) {}` to spin until the runtime is
  // replaced. Its JS handler runs in those turns, and the cell ends as interrupted instead.
  const t0 = performance.now();
  const result = converter.convert(decl, code);
  preconverted = { prev: decl, src: code, result, ms: performance.now() - t0 };
  await signalsSettled();
  if (interruptedSinceCellStart()) {
    preconverted = null;
    return { ok: false, error: keyboardInterrupt(), has: false, value: undefined, compileMs: performance.now() - t0, runMs: 0 };
  }
  let ok: boolean;
  try {
    ok = await executor.execute(code);
  } catch (e) {
    ok = false;
    captured.errors.push(e);
  }
  const runMs = performance.now() - t0 - compileMs;
  const convertResult = lastConvert as ConvertResult | null;
  if (ok) {
    if (convertResult && convertResult.diagnostics.length === 0) decl = convertResult.declOutput ?? "";
    return { ok, has: captured.has, value: captured.value, compileMs, runMs };
  }
  let error: ErrorContent;
  if (convertResult && convertResult.diagnostics.length > 0) {
    const shifted = convertResult.diagnostics.map((d) => ({ ...d, start: { ...d.start, line: d.start.line + lineOffset } }));
    error = fromDiagnostics(shifted, fullSource);
  } else {
    error = fromThrown(captured.errors[0] ?? new Error("the cell failed without an error message"));
  }
  return { ok: false, error, has: false, value: undefined, compileMs, runMs };
}

interface CompiledCell {
  fn: (exports: unknown, require: unknown) => unknown;
  isAsync: boolean;
  lastVar?: string;
}

/** Type-checks and compiles code against the current declarations without running it. */
function compileCell(code: string): CompiledCell {
  const r = converter.convert(decl, code);
  if (r.diagnostics.length) throw new CellError(fromDiagnostics(r.diagnostics, code));
  throwIfInterrupted();
  const prefix = r.hasToplevelAwait ? "(async function(exports, require) { " : "(function(exports, require) { ";
  const fn = vm.runInThisContext(prefix + (r.output ?? "") + "\n})") as CompiledCell["fn"];
  return { fn, isAsync: !!r.hasToplevelAwait, lastVar: r.lastExpressionVar };
}

const tslabGlobals = () => (globalThis as any).__tslab__ as { exports: Record<string, unknown>; require: unknown };

/** Loops run inside one breakOnSigint script so an interrupt stops even a tight synchronous loop. */
const loopScript = new vm.Script("(() => { const j = globalThis.__modelbench_loop__; for (let i = 0; i < j.n; i++) j.fn(j.exports, j.require); })()");

function compileForLoops(code: string): Compiled {
  const c = compileCell(code);
  const g = tslabGlobals();
  return {
    isAsync: c.isAsync,
    run: () => c.fn(g.exports, g.require),
    loop: async (n: number) => {
      if (c.isAsync) {
        for (let i = 0; i < n; i++) await raceInterrupt(c.fn(g.exports, g.require) as Promise<unknown>);
        return;
      }
      await signalsSettled(); // an interrupt during the compile would be lost to breakOnSigint
      throwIfInterrupted();
      (globalThis as any).__modelbench_loop__ = { n, fn: c.fn, exports: g.exports, require: g.require };
      try {
        loopScript.runInThisContext({ breakOnSigint: true });
      } catch (e) {
        throw isInterrupt(e) ? new CellError(keyboardInterrupt()) : e;
      } finally {
        delete (globalThis as any).__modelbench_loop__;
      }
    },
  };
}

async function evaluate(expr: string): Promise<UserExpressionResult> {
  try {
    const c = compileCell(expr);
    const g = tslabGlobals();
    let v = c.fn(g.exports, g.require);
    if (c.isAsync) v = await raceInterrupt(v as Promise<unknown>);
    const value = c.lastVar ? g.exports[c.lastVar] : undefined;
    if (c.lastVar) delete g.exports[c.lastVar];
    const out = displayApi.toDisplayOutput(value);
    return { status: "ok", data: out.data, metadata: out.metadata };
  } catch (e) {
    const err = e instanceof CellError ? e.content : fromThrown(e);
    return { status: "error", ...err };
  }
}

// ---- magics
const magics = defaultMagics();
const NOTHING = Symbol("nothing");
let lastValue: unknown = NOTHING;
let payload: Array<Record<string, unknown>> = [];

const ctx: MagicContext = {
  runCode: (code) => runSegments(code),
  compile: compileForLoops,
  print(text) {
    process.stdout.write(text.endsWith("\n") ? text : text + "\n");
  },
  page(text) {
    payload.push({ source: "page", data: { "text/plain": text }, start: 0 });
  },
  locals: () => {
    const own: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(executor.locals as Record<string, unknown>)) {
      if (KERNEL_GLOBALS[k] !== v) own[k] = v;
    }
    return own;
  },
  checkInterrupt() {
    throwIfInterrupted();
  },
  magics: () => magics.all(),
  display: (value) => void displayApi.display(value),
  setResult(value) {
    lastValue = value;
  },
  takeResult() {
    const v = lastValue;
    lastValue = NOTHING;
    return v === NOTHING ? undefined : v;
  },
  describeError: (e) => toError(e),
};

// ---- what a tracked run records as its code: the cell, and the notebook around it.
let cellCode: string | null = null;
const sessionInputs: string[] = [];

/** The notebook's file: JupyterLab tells the kernel its session path in JPY_SESSION_NAME. */
function notebookFile(): string | null {
  const name = process.env.JPY_SESSION_NAME;
  if (!name || !name.endsWith(".ipynb")) return null;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const candidate = path.isAbsolute(name) ? name : path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
    if (path.isAbsolute(name) || path.dirname(dir) === dir) return null;
  }
}

function notebookCode(): { notebook: string; notebookPath: string | null } {
  const file = notebookFile();
  if (file) {
    try {
      const nb = JSON.parse(fs.readFileSync(file, "utf8"));
      const cells = (nb.cells ?? []).filter((c: any) => c.cell_type === "code")
        .map((c: any) => (Array.isArray(c.source) ? c.source.join("") : String(c.source ?? "")));
      return { notebook: cells.map((c: string) => `// %%\n${c}`).join("\n\n"), notebookPath: file };
    } catch {
      /* unreadable: fall back to what ran */
    }
  }
  const ran = [...sessionInputs, ...(cellCode !== null ? [cellCode] : [])];
  return { notebook: ran.map((c, i) => `// %% In[${i + 1}]\n${c}`).join("\n\n"), notebookPath: null };
}

track.setCodeProvider(() => ({ source: cellCode, ...notebookCode() }));

async function runMagic(name: string, args: string, body: string | undefined): Promise<void> {
  const isCell = body !== undefined;
  const def = magics.get(name);
  if (!def || !(isCell ? def.spec.cell : def.spec.line)) {
    const other = def ? (isCell ? ` (%${name} is a line magic)` : ` (%%${name} is a cell magic: put it on the cell's first line)`) : "";
    throw new MagicUsageError(`unknown ${isCell ? "cell" : "line"} magic ${isCell ? "%%" : "%"}${name}${other}; %lsmagic lists the magics`);
  }
  const parsed = parseArgs(def.spec, args);
  if (parsed.help) {
    ctx.print(formatHelp(def.spec));
    return;
  }
  await def.run(ctx, parsed, body);
}

function pinfo(target: string): void {
  const magic = /^%%?(\w+)$/.exec(target);
  if (magic) {
    const def = magics.get(magic[1]);
    if (!def) throw new MagicUsageError(`unknown magic ${target}; %lsmagic lists the magics`);
    ctx.page(formatHelp(def.spec));
    return;
  }
  const text = quickInfoText(converter.inspect(decl, target, Math.max(0, target.length - 1)));
  if (text) ctx.page(text);
  else ctx.print(`Object \`${target}\` not found.`);
}

async function runCell(code: string): Promise<void> {
  const split = splitCell(code, { isLineMagic: magics.isLineMagic, isComplete: (c) => isCompleteCode(c).completed });
  if (split.cellMagic) return runMagic(split.cellMagic.name, split.cellMagic.args, split.cellMagic.body);
  if (split.pinfo !== undefined) return pinfo(split.pinfo);
  await runSegments(code, split.segments);
}

/** Runs code and line magics in order (a cell's body); the last code's value becomes the result. */
async function runSegments(code: string, segments?: Segment[]): Promise<{ ok: true; compileMs: number; runMs: number }> {
  const segs = segments ?? splitCell(code, { isLineMagic: magics.isLineMagic, isComplete: (c) => isCompleteCode(c).completed }).segments;
  let compile = 0, runTime = 0;
  for (const seg of segs) {
    if (seg.kind === "code") {
      const r = await runTs(seg.code, seg.line, code);
      if (!r.ok) throw new CellError(r.error!);
      lastValue = r.has ? r.value : NOTHING;
      compile += r.compileMs;
      runTime += r.runMs;
    } else {
      lastValue = NOTHING;
      await runMagic(seg.name, seg.args, undefined);
    }
  }
  return { ok: true, compileMs: compile, runMs: runTime };
}

function toError(e: unknown): ErrorContent {
  if (e instanceof CellError) return e.content;
  if (e instanceof MagicUsageError) return { ename: "UsageError", evalue: e.message, traceback: [`UsageError: ${e.message}`] };
  return fromThrown(e);
}

let sentDecl = "";
let reportedStore: string | null = null;

/** Tells the protocol process when the cells' store changed, so the Runs panel shows that one. */
function reportStore(): void {
  const uri = track.openedStore()?.uri ?? null;
  if (uri === null || uri === reportedStore) return;
  reportedStore = uri;
  send({ type: "store", uri });
}

async function handleExecute(msg: Extract<ToChild, { type: "execute" }>): Promise<void> {
  currentReq = msg.req;
  currentExec = msg;
  cellInterruptBase = interruptCount;
  cellCode = msg.code;
  lastValue = NOTHING;
  payload = [];
  let error: ErrorContent | undefined;
  let resultText: string | undefined;
  try {
    await runCell(msg.code);
  } catch (e) {
    error = toError(e);
  }
  if (!error && lastValue !== NOTHING && !displayApi.isQuiet(lastValue)) {
    try {
      const out = displayApi.toDisplayOutput(lastValue);
      resultText = String(out.data["text/plain"]);
      send({ type: "execute_result", req: msg.req, data: out.data, metadata: out.metadata });
    } catch (e) {
      error = fromThrown(e);
    }
  }
  for (const def of magics.all()) {
    try {
      await def.afterCell?.(msg.code, error);
    } catch (e) {
      process.stderr.write(`%${def.spec.name}: ${toError(e).evalue}\n`);
    }
  }
  sessionInputs.push(msg.code);
  const userExpressions: Record<string, UserExpressionResult> = {};
  if (!error) for (const [k, expr] of Object.entries(msg.userExpressions ?? {})) userExpressions[k] = await evaluate(expr);
  currentExec = null;
  reportStore();
  // The declarations grow with every cell: they travel only when they changed.
  const changed = decl !== sentDecl ? (sentDecl = decl) : undefined;
  send({ type: "done", req: msg.req, status: error ? "error" : "ok", error, payload, userExpressions, decl: changed, resultText });
}

// ---- input(): a Jupyter input_request answered on the stdin channel.
let pendingInput: { resolve(v: string): void } | null = null;

async function input(prompt = "", options: { password?: boolean } = {}): Promise<string> {
  if (!currentExec) throw new Error("input() works only while a cell is running");
  if (!currentExec.allowStdin) {
    const e = new Error("this frontend does not accept input requests (allow_stdin is false)");
    e.name = "StdinNotImplementedError";
    throw e;
  }
  if (pendingInput) throw new Error("another input() is already waiting for an answer");
  const answer = new Promise<string>((resolve) => (pendingInput = { resolve }));
  send({ type: "input_request", req: currentExec.req, prompt: String(prompt), password: !!options.password });
  try {
    return await raceInterrupt(answer);
  } finally {
    pendingInput = null;
  }
}

// ---- display and comms reach the frontend through the IPC channel.
displayApi.setDisplaySink({
  display(out, displayId, update) {
    send({ type: "display", req: currentReq, data: out.data, metadata: out.metadata, displayId, update });
  },
  clear(wait) {
    send({ type: "clear_output", req: currentReq, wait });
  },
});

const registry = comms();
registry.setTransport({
  open: (c, data, metadata) => send({ type: "comm_open", req: currentReq, commId: c.id, target: c.target, data, metadata }),
  send: (c, data, metadata, buffers) => send({ type: "comm_msg", req: currentReq, commId: c.id, data, metadata, buffers: buffers ?? [] }),
  close: (c, data) => send({ type: "comm_close", req: currentReq, commId: c.id, data }),
});
registry.onTargetsChanged = (targets) => send({ type: "comm_targets", targets });

/**
 * The kernel's globals. tslab rewrites names declared before a cell to `exports.name`, so they live
 * in the executor's locals as well as on globalThis (for code outside cells).
 */
export const KERNEL_GLOBALS: Record<string, unknown> = {
  display: displayApi.display,
  clearOutput: displayApi.clearOutput,
  html: displayApi.html,
  markdown: displayApi.markdown,
  mime: displayApi.mime,
  MIME: displayApi.MIME,
  comms,
  input,
  log: track.log,
  param: track.param,
  artifact: track.artifact,
  startRun: track.startRun,
  endRun: track.endRun,
  activeRun: track.activeRun,
  listRuns: track.listRuns,
  compareRuns: track.compareRuns,
  loadModel: track.loadModel,
  uniform: tune.uniform,
  logUniform: tune.logUniform,
  int: tune.int,
  choice: tune.choice,
  createStudy: tune.createStudy,
  TrialPruned: tune.TrialPruned,
};
Object.assign(globalThis, KERNEL_GLOBALS);
Object.assign(executor.locals, KERNEL_GLOBALS);

/** Runs `fn` with outputs attributed to request `req`, then restores the running cell's. */
function within(req: string, fn: () => void): void {
  const saved = currentReq;
  currentReq = req;
  try {
    fn();
  } catch (e) {
    const err = fromThrown(e);
    process.stderr.write(`error in comm handler: ${err.traceback.join("\n")}\n`);
  } finally {
    currentReq = saved;
    send({ type: "handled", req });
  }
}

let queue = Promise.resolve();
process.on("message", (msg: ToChild) => {
  switch (msg.type) {
    case "execute":
      queue = queue.then(() => handleExecute(msg));
      break;
    case "input_reply":
      pendingInput?.resolve(msg.value);
      break;
    case "comm_open":
      within(msg.req, () => {
        if (!registry.acceptOpen(msg.commId, msg.target, msg.data ?? {})) {
          send({ type: "comm_close", req: msg.req, commId: msg.commId, data: {} });
          process.stderr.write(`no comm target '${msg.target}' is registered in this kernel\n`);
        }
      });
      break;
    case "comm_msg":
      within(msg.req, () => registry.get(msg.commId)?.deliver(msg.data ?? {}, (msg.buffers ?? []).map((b) => Buffer.from(b))));
      break;
    case "comm_close":
      within(msg.req, () => registry.get(msg.commId)?.remoteClose(msg.data ?? {}));
      break;
  }
});

const report = (what: string) => (e: unknown) => {
  const err = fromThrown(e);
  process.stderr.write(`${what}: ${err.traceback.join("\n")}\n`);
};
process.on("uncaughtException", report("Uncaught exception (after its cell finished)"));
process.on("unhandledRejection", report("Unhandled promise rejection"));
process.on("disconnect", () => process.exit(0));

send({ type: "ready" });
// Build the TypeScript program now, while the user is still typing, not on the first cell.
setImmediate(() => {
  try {
    converter.convert("", "0");
  } catch {
    /* the first real cell will report it */
  }
  send({ type: "warmed" });
});
