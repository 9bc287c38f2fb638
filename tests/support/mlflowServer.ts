// Starts a real `mlflow server` on 127.0.0.1 for tests (MLflow lives in .venv-bench, made by
// `node scripts/setup.mjs --for-tests`); the caller stops it.
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import { freePort } from "./ports";
import * as path from "path";

export const repoRoot = path.join(__dirname, "..", "..", "..");
export const mlflowBin = [path.join(repoRoot, ".venv-bench", "bin"), path.join(repoRoot, ".venv", "bin")].find((d) => fs.existsSync(path.join(d, "mlflow")));
export const NO_MLFLOW = "MLflow is not installed: `node scripts/setup.mjs --for-tests` (run by `npm test`) puts it in .venv-bench";

export { freePort };

export async function startMlflow(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  if (!mlflowBin) throw new Error(NO_MLFLOW);
  const port = await freePort();
  const child: ChildProcess = spawn(path.join(mlflowBin, "mlflow"), [
    "server", "--host", "127.0.0.1", "--port", String(port), "--workers", "1",
    "--backend-store-uri", `sqlite:///${path.join(dir, "mlflow.db")}`, "--artifacts-destination", path.join(dir, "artifacts"),
  ], { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let log = "";
  child.stderr!.on("data", (d) => (log = (log + d).slice(-3000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGTERM"); // the server and its workers
      await exited;
    }
  };
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited (${child.exitCode}): ${log}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, stop };
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mlflow server did not answer within 180 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
