// Executes the cells of a rerun (src/track/rerun.ts) in a fresh runtime process: no variable of the
// session that asked leaks in, the cells run where the rerun says (a worktree at the recorded commit)
// with its environment, and the printed output is passed on as it comes.
import { Runtime } from "./runtime";
import type { CellExecutor } from "../src/track/rerun";

export function runtimeExecutor(print: (text: string) => void = () => {}): CellExecutor {
  return async ({ cells, cwd, env }) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    // The runtime would otherwise record the asking notebook's file as the rerun's notebook.
    delete childEnv.JPY_SESSION_NAME;
    const runtime = new Runtime(cwd, childEnv);
    runtime.on("message", (m: any) => {
      if (m.type === "stream") print(m.text);
    });
    runtime.start();
    try {
      for (let i = 0; i < cells.length; i++) {
        const done = await runtime.execute({ type: "execute", req: `rerun-${i}`, code: cells[i], silent: false, allowStdin: false, userExpressions: {} });
        if (done.status !== "ok") {
          const where = i === cells.length - 1 ? "the run's cell" : `replayed cell ${i + 1} of ${cells.length} (${cells[i].split("\n", 1)[0].slice(0, 60)})`;
          return { ok: false, error: `${where} failed: ${done.error?.ename}: ${done.error?.evalue}` };
        }
      }
      return { ok: true };
    } finally {
      await runtime.stop();
    }
  };
}
