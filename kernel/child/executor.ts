// Compiling and running TypeScript in the runtime: tslab's executor, with its converter watched so
// the runtime knows each cell's declarations, diagnostics and compile time.
import * as util from "util";
import * as vm from "vm";
import { performance } from "perf_hooks";
import { createConverter, quickInfoText, type Converter, type ConvertResult } from "../language";
import { projectRoot } from "../project";
import { NO_DECLARATIONS, withTail, type Declarations } from "../declarations";
import { LocalModules, shown, sourceOf } from "./modules";
import type { Compiled } from "../magics/contract";
import type { ErrorContent, UserExpressionResult } from "../ipc";
import { toDisplayOutput } from "../../src/display";
import { CellError, fromDiagnostics, fromThrown, isInterrupt, keyboardInterrupt } from "./errors";
import { signalsSettled, type Interrupts } from "./interrupts";
import type { ChildDebugger } from "./debugging";

import { saveCodeCaches } from "../compileCache";

export interface RunOutcome {
  ok: boolean;
  error?: ErrorContent;
  has: boolean;
  value: unknown;
  compileMs: number;
  runMs: number;
}

interface CompiledCell {
  fn: (exports: unknown, require: unknown) => unknown;
  isAsync: boolean;
  lastVar?: string;
}

/** Loops run inside one breakOnSigint script so an interrupt stops even a tight synchronous loop. */
const loopScript = new vm.Script("(() => { const j = globalThis.__modelbench_loop__; for (let i = 0; i < j.n; i++) j.fn(j.exports, j.require); })()");

const tslabGlobals = () => (globalThis as any).__tslab__ as { exports: Record<string, unknown>; require: unknown };

export class CellExecutor {
  /** Declarations of every cell so far (what the next cell is type-checked against). */
  decl: Declarations = NO_DECLARATIONS;
  private readonly converter: Converter;
  private readonly executor: any;
  /** The project's own modules that cells import (reloaded when edited). */
  readonly modules: LocalModules;
  private lastConvert: ConvertResult | null = null;
  private compileMs = 0;
  private captured: { has: boolean; value: unknown; errors: unknown[] } = { has: false, value: undefined, errors: [] };
  /** runTs compiles a cell before handing it to the executor (see there); the executor's own
   * convert of the same source against the same declarations then takes this result. */
  private preconverted: { prev: Declarations; src: string; result: ConvertResult; ms: number } | null = null;

  /** `cwd`: the notebook's folder; cells compile and import as files of its project (kernel/project.ts). */
  constructor(cwd: string, private readonly interrupts: Interrupts, private readonly debug: ChildDebugger | null = null) {
    const root = projectRoot(cwd);
    this.modules = new LocalModules(root, cwd);
    // No documentation comments: `name?` asks the protocol process, whose program has them.
    const converter = (this.converter = createConverter({ root, cellDir: cwd, maps: debug?.sourceMaps, docs: false }));
    // tslab's executor passes its own copy of the declarations (the tail alone): the chunks are ours.
    const watched = {
      ...converter,
      convert: (_tslabPrev: string, src: string) => {
        const p = this.preconverted;
        const hit = p && p.prev === this.decl && p.src === src ? p : null;
        this.preconverted = null;
        const t0 = performance.now();
        this.lastConvert = this.withModules(hit ? hit.result : converter.convert(this.decl, src));
        this.compileMs += hit ? hit.ms : performance.now() - t0;
        return this.lastConvert;
      },
    };
    // Required after the converter: it loads TypeScript (through the code cache) before tslab does.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { createExecutor } = require("tslab/dist/executor");
    this.executor = createExecutor(
      root,
      { node: watched, browser: null, close: () => converter.close() },
      {
        log: (value: unknown) => {
          this.captured.has = true;
          this.captured.value = value;
        },
        error: (...args: unknown[]) => {
          this.captured.errors.push(args.length === 1 ? args[0] : util.format(...(args as [any, ...any[]])));
        },
      },
    );
    interrupts.onInterrupt(() => this.executor.interrupt());
  }

  /** The modules a cell's program compiled, as the executor is to load them; a reload is noted in the cell. */
  private withModules(r: ConvertResult): ConvertResult {
    if (r.diagnostics.length) return r;
    const { outs, reloaded } = this.modules.take(r.sideOutputs);
    if (!reloaded.length) return { ...r, sideOutputs: outs };
    process.stdout.write(`reloaded ${reloaded.map((p) => shown(sourceOf(p))).join(", ")}\n`);
    return { ...r, sideOutputs: outs, output: this.modules.rebindCall() + (r.output ?? "") };
  }

  /** Variables cells defined (tslab keeps them as the executor's exports). */
  get locals(): Record<string, unknown> {
    return this.executor.locals;
  }

  /** Runs one piece of TypeScript as a cell; `lineOffset` places diagnostics within the whole cell. */
  async run(code: string, lineOffset = 0, fullSource = code): Promise<RunOutcome> {
    this.lastConvert = null;
    this.compileMs = 0;
    this.captured = { has: false, value: undefined, errors: [] };
    // Compile, then let the event loop turn before the code runs: a SIGINT that arrived during the
    // (synchronous) compile was taken by node's signal handler and would be lost to the
    // breakOnSigint watch of the run, leaving a `while (true) {}` to spin until the runtime is
    // replaced. Its JS handler runs in those turns, and the cell ends as interrupted instead.
    const t0 = performance.now();
    // An edited module this cell does not import is imported too (on its first line), so that it is
    // compiled and reloaded now rather than by the next cell that happens to import it.
    const prefix = this.modules.importsOfEdited();
    const src = prefix + code;
    const result = this.converter.convert(this.decl, src);
    this.preconverted = { prev: this.decl, src, result, ms: performance.now() - t0 };
    this.debug?.modulesCompiled(result.sideOutputs);
    if (this.debug?.attached && result.diagnostics.length === 0) await this.debug.beforeRun(result, code, lineOffset);
    await signalsSettled();
    if (this.interrupts.sinceCellStart()) {
      this.preconverted = null;
      return { ok: false, error: keyboardInterrupt(), has: false, value: undefined, compileMs: performance.now() - t0, runMs: 0 };
    }
    let ok: boolean;
    try {
      ok = await this.executor.execute(src);
    } catch (e) {
      ok = false;
      this.captured.errors.push(e);
    }
    const runMs = performance.now() - t0 - this.compileMs;
    const convertResult = this.lastConvert as ConvertResult | null;
    // tslab deletes its last-expression variable only when the value is not null or undefined:
    // left behind, it would show up among the user's variables (%who).
    const lastVar = convertResult?.lastExpressionVar;
    if (lastVar && lastVar in this.locals) delete this.locals[lastVar];
    if (ok) {
      if (convertResult && convertResult.diagnostics.length === 0) this.decl = withTail(this.decl, convertResult.declOutput ?? "");
      this.modules.recordCell(code);
      return { ok, has: this.captured.has, value: this.captured.value, compileMs: this.compileMs, runMs };
    }
    let error: ErrorContent;
    if (convertResult && convertResult.diagnostics.length > 0) {
      const shifted = convertResult.diagnostics.map((d) =>
        d.fileName ? d : { ...d, start: { line: d.start.line + lineOffset, character: d.start.character - (d.start.line === 0 ? prefix.length : 0) } },
      );
      error = fromDiagnostics(shifted, fullSource);
    } else {
      error = fromThrown(this.captured.errors[0] ?? new Error("the cell failed without an error message"));
    }
    return { ok: false, error, has: false, value: undefined, compileMs: this.compileMs, runMs };
  }

  /** Type-checks and compiles code against the current declarations without running it. */
  private compileCell(code: string): CompiledCell {
    const r = this.converter.convert(this.decl, code);
    if (r.diagnostics.length) throw new CellError(fromDiagnostics(r.diagnostics, code));
    this.interrupts.throwIfInterrupted();
    const prefix = r.hasToplevelAwait ? "(async function(exports, require) { " : "(function(exports, require) { ";
    const fn = vm.runInThisContext(prefix + (r.output ?? "") + "\n})") as CompiledCell["fn"];
    return { fn, isAsync: !!r.hasToplevelAwait, lastVar: r.lastExpressionVar };
  }

  /** Compiles once for repeated runs (%timeit); an interrupt stops even a tight synchronous loop. */
  compile(code: string): Compiled {
    const c = this.compileCell(code);
    const g = tslabGlobals();
    return {
      isAsync: c.isAsync,
      run: () => c.fn(g.exports, g.require),
      loop: async (n: number) => {
        if (c.isAsync) {
          for (let i = 0; i < n; i++) await this.interrupts.race(c.fn(g.exports, g.require) as Promise<unknown>);
          return;
        }
        await signalsSettled(); // an interrupt during the compile would be lost to breakOnSigint
        this.interrupts.throwIfInterrupted();
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

  /** A user expression of an execute_request, evaluated after its cell. */
  async evaluate(expr: string): Promise<UserExpressionResult> {
    try {
      const c = this.compileCell(expr);
      const g = tslabGlobals();
      let v = c.fn(g.exports, g.require);
      if (c.isAsync) v = await this.interrupts.race(v as Promise<unknown>);
      const value = c.lastVar ? g.exports[c.lastVar] : undefined;
      if (c.lastVar) delete g.exports[c.lastVar];
      const out = toDisplayOutput(value);
      return { status: "ok", data: out.data, metadata: out.metadata };
    } catch (e) {
      const err = e instanceof CellError ? e.content : fromThrown(e);
      return { status: "error", ...err };
    }
  }

  /** TypeScript's quick info for a name (`name?`), or null. */
  inspect(target: string): string | null {
    return quickInfoText(this.converter.inspect(this.decl, target, Math.max(0, target.length - 1)));
  }

  /** Stops watching the program's files (a runtime ends without it; tests call it). */
  close(): void {
    this.executor.close();
  }

  /** Builds the TypeScript program now, while the user is still typing, not on the first cell. */
  warm(): void {
    try {
      this.converter.convert("", "0");
    } catch {
      /* the first real cell will report it */
    }
    saveCodeCaches();
  }
}
