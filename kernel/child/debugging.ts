// The runtime's side of the debugger. While the protocol process debugs (debug_attach), a worker
// relays the inspector to it, and every compiled cell is named after the file JupyterLab dumps it to
// and announced with its source map before it runs, so breakpoints are set on it in time.
import * as path from "path";
import { Worker } from "worker_threads";
import type { ToChild } from "../ipc";
import type { ConvertResult } from "../language";
import { cellFile, type CellFiles } from "../debug/cells";
import { LineMap, takeInlineMap } from "../debug/sourceMap";
import { toDisplayOutput } from "../../src/display";
import type { Channel } from "./channel";

/** How long a cell waits for the protocol process to set its breakpoints before running without. */
const READY_TIMEOUT_MS = 5000;

type Attach = Extract<ToChild, { type: "debug_attach" }>;

export class ChildDebugger {
  private worker: Worker | null = null;
  private files: CellFiles | null = null;
  private runs = 0;
  private waiting = new Map<string, () => void>();
  /** The whole source of the execute being run (its file name is its hash). */
  cellSource: string | null = null;

  constructor(private readonly channel: Channel) {}

  get attached(): boolean {
    return this.worker !== null;
  }

  attach(msg: Attach): void {
    this.detach();
    this.files = msg.files;
    const worker = new Worker(path.join(__dirname, "inspectorRelay.js"), { workerData: { socket: msg.socket } });
    this.worker = worker;
    worker.on("error", (e) => {
      process.stderr.write(`debugger: the inspector relay failed: ${e.message}\n`);
      if (this.worker === worker) this.detach();
    });
    worker.on("exit", () => {
      if (this.worker === worker) this.worker = null;
    });
  }

  detach(): void {
    const worker = this.worker;
    this.worker = null;
    this.files = null;
    for (const go of this.waiting.values()) go();
    this.waiting.clear();
    void worker?.terminate();
  }

  /** The protocol process has set the breakpoints of the script at `url`. */
  ready(url: string): void {
    this.waiting.get(url)?.();
    this.waiting.delete(url);
  }

  /**
   * While debugging: names a compiled piece of the cell (its script URL) and waits until the
   * protocol process has put the breakpoints on it. `code` is the piece, `result` its compile.
   */
  async beforeRun(result: ConvertResult, code: string, lineOffset: number): Promise<void> {
    if (!this.worker || !this.files || !result.output) return;
    const source = this.cellSource ?? code;
    const at = source.indexOf(code);
    const offset = at >= 0 ? source.slice(0, at).split("\n").length - 1 : lineOffset;
    const file = cellFile(this.files, source);
    const url = `${file.slice(0, -path.extname(file).length)}.run${++this.runs}.js`;
    const { mappings } = takeInlineMap(result.output);
    const map = mappings === null ? null : LineMap.decode(mappings).within(code.split("\n").length);
    result.output += `\n//# sourceURL=${url}`;
    if (!map) return;
    const ready = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        process.stderr.write("debugger: no answer from the kernel about this cell's breakpoints; running it without them\n");
        resolve();
      }, READY_TIMEOUT_MS);
      this.waiting.set(url, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    // tslab runs the cell's code behind a one-line function prefix: its first line's columns shift.
    const prefix = result.hasToplevelAwait ? "(async function(exports, require) { " : "(function(exports, require) { ";
    this.channel.send({ type: "debug_script", url, path: file, lineOffset: offset, firstLineShift: prefix.length, mappings: map.mappings });
    await ready;
  }
}

/**
 * What the debug adapter asks of the runtime by evaluating in it (a rich view of a value, the
 * user's variables, the loaded local modules): one global object, looked up only while debugging.
 */
export function installDebugHelpers(userVariables: () => Record<string, unknown>): void {
  Object.defineProperty(globalThis, "__modelbench_debug__", {
    configurable: true,
    enumerable: false,
    value: {
      rich: (value: unknown) => JSON.stringify(toDisplayOutput(value)),
      user: userVariables,
      modules: () =>
        Object.keys(require.cache)
          .filter((f) => !f.includes(`${path.sep}node_modules${path.sep}`) && !f.startsWith(path.resolve(__dirname, "..", "..")))
          .map((f) => ({ id: f, name: path.basename(f), path: f })),
    },
  });
}
