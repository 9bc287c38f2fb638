// The runtime: a child process that runs cells with tslab's executor. The protocol process sends
// it one execute at a time and may SIGINT it; it reports outputs over the IPC channel. This module
// only wires the parts together; starting happens when it is run, not when it is imported.
import { registerTableDisplays } from "../../src/data/render";
import { setCodeProvider } from "../../src/track";
import { fireInterrupt } from "../../src/runtime/interrupt";
import { defaultMagics } from "../magics";
import { Channel } from "./channel";
import { CellContext } from "./context";
import { CellExecutor } from "./executor";
import { CellRunner } from "./cell";
import { ChildDebugger, installDebugHelpers } from "./debugging";
import { Dispatcher } from "./dispatch";
import { fromThrown } from "./errors";
import { installGlobals } from "./globals";
import { Interrupts } from "./interrupts";
import { NotebookCapture } from "./notebook";
import type { ToChild } from "../ipc";

export function startRuntime(proc: NodeJS.Process = process): void {
  const channel = new Channel(proc);
  channel.captureStreams();
  const interrupts = new Interrupts();
  // First of all: without a SIGINT handler, an interrupt kills the process.
  proc.on("SIGINT", () => interrupts.fire());
  interrupts.onInterrupt(fireInterrupt); // helpers that run long (sweeps, training loops) stop cleanly
  const debug = new ChildDebugger(channel);
  const executor = new CellExecutor(proc.cwd(), interrupts, debug);
  const context = new CellContext(channel, interrupts);
  context.install();
  registerTableDisplays(); // arquero tables and danfo DataFrames display as HTML tables
  const notebook = new NotebookCapture(proc.env, () => proc.cwd(), () => executor.modules.snapshot());
  setCodeProvider(() => notebook.context());
  const globals = installGlobals(executor.locals, { input: context.input });
  const runner = new CellRunner({ channel, interrupts, executor, context, magics: defaultMagics(), notebook, globals, debug });
  installDebugHelpers(() => runner.magicContext.locals());
  const dispatcher = new Dispatcher(channel, runner, context, debug);
  proc.on("message", (msg: ToChild) => dispatcher.handle(msg));

  const report = (what: string) => (e: unknown) => {
    process.stderr.write(`${what}: ${fromThrown(e).traceback.join("\n")}\n`);
  };
  proc.on("uncaughtException", report("Uncaught exception (after its cell finished)"));
  proc.on("unhandledRejection", report("Unhandled promise rejection"));
  proc.on("disconnect", () => proc.exit(0));

  channel.send({ type: "ready" });
  // Build the TypeScript program now, while the user is still typing, not on the first cell.
  setImmediate(() => {
    executor.warm();
    channel.send({ type: "warmed" });
  });
}

if (require.main === module) startRuntime();
