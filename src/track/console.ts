// A run keeps its console: what the process writes to stdout and stderr while a run is active goes
// to the innermost active run as well as to the terminal (W&B's Logs tab). The streams are wrapped
// once, on the first run, and pass everything through unchanged.
import type { Run } from "./run";

const HOOK = Symbol.for("modelbench.consoleCapture");

interface Hook {
  /** Who to give output to right now (null: nobody). */
  target: () => Run | null;
  /** Re-entrancy guard: output written while storing output is not captured again. */
  busy: boolean;
}

/** Wraps process.stdout/stderr (once per process) so that writes also reach `target()`'s run. */
export function installConsoleCapture(target: () => Run | null): void {
  const g = globalThis as any;
  const existing: Hook | undefined = g[HOOK];
  if (existing) {
    existing.target = target;
    return;
  }
  const hook: Hook = { target, busy: false };
  g[HOOK] = hook;
  if (process.env.MODELBENCH_CAPTURE_OUTPUT === "0") return;
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    const original = stream.write;
    stream.write = function (this: any, chunk: any, encoding?: any, cb?: any) {
      if (!hook.busy) {
        const run = hook.target();
        if (run) {
          hook.busy = true;
          try {
            const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
            run.appendOutput(name, text);
          } catch {
            // Capturing must never break printing.
          } finally {
            hook.busy = false;
          }
        }
      }
      return original.call(this, chunk, encoding, cb);
    } as typeof stream.write;
  }
}
