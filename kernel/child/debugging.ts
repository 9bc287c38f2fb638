// The runtime's side of the debugger. While the protocol process debugs (debug_attach), a worker
// relays the inspector to it, and every compiled cell is named after the file JupyterLab dumps it to
// and announced with its source map before it runs, so breakpoints are set on it in time; so is
// every local module the cells import (tslab compiles those too), under its own file.
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { Worker } from "worker_threads";
import type { ToChild } from "../ipc";
import type { ConvertResult, SourceMaps } from "../language";
import { cellFile, type CellFiles } from "../debug/cells";
import { LineMap, takeInlineMap, type Mapping } from "../debug/sourceMap";
import { toDisplayOutput } from "../../src/display";
import type { Channel } from "./channel";

/** How long a cell waits for the protocol process to set its breakpoints before running without. */
const READY_TIMEOUT_MS = 5000;

type Attach = Extract<ToChild, { type: "debug_attach" }>;
type ModuleOutput = NonNullable<ConvertResult["sideOutputs"]>[number];

export class ChildDebugger {
  private worker: Worker | null = null;
  private files: CellFiles | null = null;
  private runs = 0;
  private waiting = new Map<string, () => void>();
  /** The compiled code of every local module so far, by the file it runs as. tslab emits a module
   * once (again when its file changes), so one imported before the debugger attached is announced
   * at attach from here. The strings are tslab's own, kept for its require. */
  private readonly modules = new Map<string, string>();
  /** The whole source of the execute being run (its file name is its hash). */
  cellSource: string | null = null;
  /** Cells are compiled with source maps only while attached (the runtime's converter reads this). */
  readonly sourceMaps: SourceMaps = { cells: false };

  constructor(private readonly channel: Channel) {}

  get attached(): boolean {
    return this.worker !== null;
  }

  attach(msg: Attach): void {
    this.detach();
    this.files = msg.files;
    const worker = new Worker(path.join(__dirname, "inspectorRelay.js"), { workerData: { socket: msg.socket } });
    this.worker = worker;
    this.sourceMaps.cells = true;
    worker.on("error", (e) => {
      process.stderr.write(`debugger: the inspector relay failed: ${e.message}\n`);
      if (this.worker === worker) this.detach();
    });
    worker.on("exit", () => {
      if (this.worker === worker) {
        this.worker = null;
        this.sourceMaps.cells = false;
      }
    });
    for (const [file, code] of this.modules) void this.announceModule({ path: file, data: code });
  }

  detach(): void {
    const worker = this.worker;
    this.worker = null;
    this.files = null;
    this.sourceMaps.cells = false;
    for (const go of this.waiting.values()) go();
    this.waiting.clear();
    void worker?.terminate();
  }

  /** The protocol process has set the breakpoints of the script at `url`. */
  ready(url: string): void {
    this.waiting.get(url)?.();
    this.waiting.delete(url);
  }

  /** A cell's compile emitted these local modules (debugging or not). */
  modulesCompiled(outputs: ModuleOutput[] | undefined): void {
    for (const o of outputs ?? []) this.modules.set(o.path, o.data);
  }

  /**
   * While debugging: names a compiled piece of the cell (its script URL), announces the local
   * modules its compile emitted, and waits until the protocol process has put the breakpoints on
   * them. `code` is the piece, `result` its compile.
   */
  async beforeRun(result: ConvertResult, code: string, lineOffset: number): Promise<void> {
    if (!this.worker || !this.files) return;
    const announced = (result.sideOutputs ?? []).map((o) => this.announceModule(o));
    if (result.output) announced.push(this.announceCell(result, code, lineOffset, this.files));
    await Promise.all(announced);
  }

  private announceCell(result: ConvertResult, code: string, lineOffset: number, files: CellFiles): Promise<void> {
    const source = this.cellSource ?? code;
    const at = source.indexOf(code);
    const offset = at >= 0 ? source.slice(0, at).split("\n").length - 1 : lineOffset;
    const file = cellFile(files, source);
    const url = `${file.slice(0, -path.extname(file).length)}.run${++this.runs}.js`;
    const { mappings } = takeInlineMap(result.output!);
    const map = mappings === null ? null : LineMap.decode(mappings).within(code.split("\n").length);
    result.output += `\n//# sourceURL=${url}`;
    if (!map) return Promise.resolve();
    // tslab runs the cell's code behind a one-line function prefix: its first line's columns shift.
    const prefix = result.hasToplevelAwait ? "(async function(exports, require) { " : "(function(exports, require) { ";
    return this.announce(url, file, offset, prefix.length, map.mappings);
  }

  /** A local module runs as the file tslab names (`helpers.js` beside `helpers.ts`, as node's
   * require loads it: no prefix) and is debugged in its source file. */
  private announceModule(output: ModuleOutput): Promise<void> {
    const { mappings, source } = takeInlineMap(output.data);
    if (mappings === null || source === null) return Promise.resolve();
    // tslab mirrors the notebook's folder into its output folder: the source sits beside its output.
    const file = path.join(path.dirname(output.path), path.basename(source));
    if (!fs.existsSync(file)) return Promise.resolve(); // a module declared in a cell (`//%module`)
    return this.announce(pathToFileURL(output.path).href, file, 0, 0, LineMap.decode(mappings).mappings);
  }

  /** Sends a script's map to the protocol process; resolves once its breakpoints are set. */
  private announce(url: string, file: string, lineOffset: number, firstLineShift: number, mappings: Mapping[]): Promise<void> {
    const ready = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(url);
        process.stderr.write(`debugger: no answer from the kernel about the breakpoints of ${path.basename(file)}; running it without them\n`);
        resolve();
      }, READY_TIMEOUT_MS);
      this.waiting.set(url, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.channel.send({ type: "debug_script", url, path: file, lineOffset, firstLineShift, mappings });
    return ready;
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
