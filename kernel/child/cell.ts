// Running one execute: the cell's code and magics in order, its result, the hooks after it, its
// user expressions, and the `done` message with what the protocol process needs to know.
import { isCompleteCode } from "../language";
import { formatHelp } from "../magics/spec";
import { MagicUsageError, parseArgs, splitCell } from "../magics/parse";
import type { MagicContext, MagicRegistry } from "../magics/contract";
import type { Segment } from "../magics/parse";
import type { ErrorContent, ToChild, UserExpressionResult } from "../ipc";
import { isQuiet, toDisplayOutput, display } from "../../src/display";
import { openedStore } from "../../src/track";
import { CellError, fromThrown } from "./errors";
import type { Channel } from "./channel";
import type { CellContext } from "./context";
import type { CellExecutor } from "./executor";
import type { Interrupts } from "./interrupts";
import type { NotebookCapture } from "./notebook";
import type { ChildDebugger } from "./debugging";
import type { CapturedItem } from "../../src/display/capture";
import { NO_DECLARATIONS, updateFrom, type Declarations } from "../declarations";

type ExecuteRequest = Extract<ToChild, { type: "execute" }>;

const NOTHING = Symbol("nothing");

/** The state of one execute: its last value and the payload of its reply. */
class Cell {
  lastValue: unknown = NOTHING;
  readonly payload: Array<Record<string, unknown>> = [];
  constructor(readonly request: ExecuteRequest) {}
}

export interface CellRunnerParts {
  channel: Channel;
  interrupts: Interrupts;
  executor: CellExecutor;
  context: CellContext;
  magics: MagicRegistry;
  notebook: NotebookCapture;
  /** The kernel's globals, which %who leaves out of the user's variables. */
  globals: Record<string, unknown>;
  debug?: ChildDebugger;
}

export function toError(e: unknown): ErrorContent {
  if (e instanceof CellError) return e.content;
  if (e instanceof MagicUsageError) return { ename: "UsageError", evalue: e.message, traceback: [`UsageError: ${e.message}`] };
  return fromThrown(e);
}

export class CellRunner {
  private cell: Cell | null = null;
  private sentDecl: Declarations = NO_DECLARATIONS;
  private reportedStore: string | null = null;
  /** What magics may do while a cell runs. */
  readonly magicContext: MagicContext;

  constructor(private readonly parts: CellRunnerParts) {
    const { executor, interrupts, magics, globals } = parts;
    const cell = () => {
      if (!this.cell) throw new Error("no cell is running");
      return this.cell;
    };
    this.magicContext = {
      runCode: (code) => this.runSegments(code),
      compile: (code) => executor.compile(code),
      print(text) {
        process.stdout.write(text.endsWith("\n") ? text : text + "\n");
      },
      page(text) {
        cell().payload.push({ source: "page", data: { "text/plain": text }, start: 0 });
      },
      locals: () => {
        const own: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(executor.locals)) if (globals[k] !== v) own[k] = v;
        return own;
      },
      checkInterrupt: () => interrupts.throwIfInterrupted(),
      race: (p) => interrupts.race(p),
      capture: async (fn, which = { stdout: true, stderr: true, display: true }) => {
        const items: CapturedItem[] = [];
        const value = await parts.channel.divert((m) => {
          if (m.type === "stream") {
            if (!which[m.name]) return false;
            const last = items[items.length - 1];
            if (last?.kind === "stream" && last.name === m.name) last.text += m.text;
            else items.push({ kind: "stream", name: m.name, text: m.text });
            return true;
          }
          if (!which.display) return false;
          if (m.type === "display") items.push({ kind: "display", data: m.data, metadata: m.metadata });
          return true;
        }, fn);
        return { value, items };
      },
      modules: () => executor.modules,
      setNextInput(text, replace) {
        cell().payload.push({ source: "set_next_input", text, replace });
      },
      magics: () => magics.all(),
      display: (value) => void display(value),
      setResult(value) {
        cell().lastValue = value;
      },
      takeResult() {
        const c = cell();
        const v = c.lastValue;
        c.lastValue = NOTHING;
        return v === NOTHING ? undefined : v;
      },
      describeError: (e) => toError(e),
    };
  }

  async execute(msg: ExecuteRequest): Promise<void> {
    const { channel, interrupts, executor, context, magics, notebook } = this.parts;
    const cell = (this.cell = new Cell(msg));
    channel.req = msg.req;
    context.execute = msg;
    interrupts.cellStarted();
    notebook.cellStarted(msg.code);
    if (this.parts.debug) this.parts.debug.cellSource = msg.code;
    let error: ErrorContent | undefined;
    let resultText: string | undefined;
    try {
      await this.runCell(msg.code);
    } catch (e) {
      error = toError(e);
    }
    if (!error && cell.lastValue !== NOTHING && !isQuiet(cell.lastValue)) {
      try {
        const out = toDisplayOutput(cell.lastValue);
        resultText = String(out.data["text/plain"]);
        channel.send({ type: "execute_result", req: msg.req, data: out.data, metadata: out.metadata });
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
    notebook.cellEnded(msg.code);
    const userExpressions: Record<string, UserExpressionResult> = {};
    if (!error) for (const [k, expr] of Object.entries(msg.userExpressions ?? {})) userExpressions[k] = await executor.evaluate(expr);
    context.execute = null;
    this.reportStore();
    // The declarations grow with every cell: only what changed travels (the tail, new chunks).
    const changed = updateFrom(this.sentDecl, executor.decl);
    this.sentDecl = executor.decl;
    channel.send({ type: "done", req: msg.req, status: error ? "error" : "ok", error, payload: cell.payload, userExpressions, decl: changed, resultText });
  }

  private split(code: string) {
    return splitCell(code, { isLineMagic: this.parts.magics.isLineMagic, isComplete: (c) => isCompleteCode(c).completed });
  }

  private async runCell(code: string): Promise<void> {
    const split = this.split(code);
    if (split.cellMagic) return this.runMagic(split.cellMagic.name, split.cellMagic.args, split.cellMagic.body);
    if (split.pinfo !== undefined) return await this.pinfo(split.pinfo);
    await this.runSegments(code, split.segments);
  }

  /** Runs code and line magics in order (a cell's body); the last code's value becomes the result. */
  private async runSegments(code: string, segments?: Segment[]): Promise<{ ok: true; compileMs: number; runMs: number }> {
    const segs = segments ?? this.split(code).segments;
    let compile = 0, runTime = 0;
    for (const seg of segs) {
      if (seg.kind === "code") {
        const r = await this.parts.executor.run(seg.code, seg.line, code);
        if (!r.ok) throw new CellError(r.error!);
        this.cell!.lastValue = r.has ? r.value : NOTHING;
        compile += r.compileMs;
        runTime += r.runMs;
      } else {
        this.cell!.lastValue = NOTHING;
        await this.runMagic(seg.name, seg.args, undefined, seg.raw);
      }
    }
    return { ok: true, compileMs: compile, runMs: runTime };
  }

  private async runMagic(name: string, args: string, body: string | undefined, raw = false): Promise<void> {
    const isCell = body !== undefined;
    const def = this.parts.magics.get(name);
    if (!def || !(isCell ? def.spec.cell : def.spec.line)) {
      const other = def ? (isCell ? ` (%${name} is a line magic)` : ` (%%${name} is a cell magic: put it on the cell's first line)`) : "";
      throw new MagicUsageError(`unknown ${isCell ? "cell" : "line"} magic ${isCell ? "%%" : "%"}${name}${other}; %lsmagic lists the magics`);
    }
    const parsed = raw ? { options: {}, positional: [], rest: args, help: false } : parseArgs(def.spec, args);
    if (parsed.help) {
      this.magicContext.print(formatHelp(def.spec));
      return;
    }
    await def.run(this.magicContext, parsed, body);
  }

  /** `name?` and `%magic?`: help in the pager. */
  private async pinfo(target: string): Promise<void> {
    const magic = /^%%?(\w+)$/.exec(target);
    if (magic) {
      const def = this.parts.magics.get(magic[1]);
      if (!def) throw new MagicUsageError(`unknown magic ${target}; %lsmagic lists the magics`);
      this.magicContext.page(formatHelp(def.spec));
      return;
    }
    // The protocol process's program has the documentation comments; the runtime's own answer
    // (its signature only) if that one cannot.
    const asked = await this.parts.interrupts.race(this.parts.channel.inspect(target, target.length));
    const text = asked === undefined ? this.parts.executor.inspect(target) : asked;
    // A name nothing declares has the quick info `any`, without a kind or a name.
    if (text && text !== "any") this.magicContext.page(text);
    else this.magicContext.print(`Object \`${target}\` not found.`);
  }

  /** Tells the protocol process when the cells' store changed, so the Runs panel shows that one. */
  private reportStore(): void {
    const uri = openedStore()?.uri ?? null;
    if (uri === null || uri === this.reportedStore) return;
    this.reportedStore = uri;
    this.parts.channel.send({ type: "store", uri });
  }
}
