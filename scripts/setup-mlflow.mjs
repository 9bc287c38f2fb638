// MLflow for the interop tests and the tracking benchmark, in its own virtual environment
// (.venv-bench, from requirements-bench.lock: about 850 MB), so JupyterLab's .venv keeps its own
// pins. Installed once per change of the lock (a stamp holds its hash).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { installLock } from "./locks.mjs";

function dirMB(dir) {
  const r = spawnSync("du", ["-sk", dir], { encoding: "utf8" });
  return r.status === 0 ? Math.round(Number(r.stdout.split(/\s/)[0]) / 1024) : null;
}

/**
 * Creates or updates `<root>/.venv-bench`. Returns what it did ({ venv, created, installed,
 * installSeconds, sizeMB, error }); never throws, so a caller decides how bad a failure is.
 */
export function setupMlflow(root, log = (m) => console.log(`[setup] ${m}`)) {
  const venv = join(root, ".venv-bench");
  const python = join(venv, "bin", "python");
  const info = { venv, created: false, installed: false, installSeconds: null, sizeMB: null, error: null };
  const t0 = performance.now();
  if (!existsSync(python)) {
    const system = ["python3", "python"].find((p) => spawnSync(p, ["--version"], { stdio: "ignore" }).status === 0);
    if (!system) return { ...info, error: "no python3 on PATH: install Python 3.11 (apt-get install python3 python3-venv)" };
    log(`creating ${venv} with ${system}`);
    const r = spawnSync(system, ["-m", "venv", venv], { encoding: "utf8" });
    if (r.status !== 0) return { ...info, error: `python -m venv failed: ${(r.stderr || r.stdout || r.error?.message || "").trim().split("\n").slice(-3).join(" / ")}` };
    info.created = true;
  }
  const r = installLock(root, python, "requirements-bench.lock", {
    stampName: ".modelbench-requirements-bench",
    before: () => log("installing requirements-bench.lock into .venv-bench (MLflow: a few minutes and 850 MB the first time)"),
  });
  if (r.error) return { ...info, error: r.error };
  if (r.installed) {
    info.installed = true;
    info.installSeconds = (performance.now() - t0) / 1000;
  }
  info.sizeMB = dirMB(venv);
  return info;
}
