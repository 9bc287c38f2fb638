// MLflow for the interop tests and the tracking benchmark, in its own virtual environment
// (.venv-bench, from requirements-bench.txt: about 850 MB), so JupyterLab's .venv keeps its own
// pins. Installed once per change of requirements-bench.txt (a stamp holds its hash).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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
  const reqFile = join(root, "requirements-bench.txt");
  const info = { venv, created: false, installed: false, installSeconds: null, sizeMB: null, error: null };
  if (!existsSync(reqFile)) return { ...info, error: `${reqFile} is missing` };
  const want = createHash("sha256").update(readFileSync(reqFile)).digest("hex");
  const stamp = join(venv, ".modelbench-requirements-bench");
  const t0 = performance.now();
  if (!existsSync(python)) {
    const system = ["python3", "python"].find((p) => spawnSync(p, ["--version"], { stdio: "ignore" }).status === 0);
    if (!system) return { ...info, error: "no python3 on PATH: install Python 3.11 (apt-get install python3 python3-venv)" };
    log(`creating ${venv} with ${system}`);
    const r = spawnSync(system, ["-m", "venv", venv], { encoding: "utf8" });
    if (r.status !== 0) return { ...info, error: `python -m venv failed: ${(r.stderr || r.stdout || r.error?.message || "").trim().split("\n").slice(-3).join(" / ")}` };
    info.created = true;
  }
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== want) {
    log("installing requirements-bench.txt into .venv-bench (MLflow: a few minutes and 850 MB the first time)");
    const r = spawnSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--progress-bar", "off", "-r", reqFile], {
      encoding: "utf8", maxBuffer: 64 * 2 ** 20,
    });
    if (r.status !== 0) {
      process.stderr.write(r.stdout + r.stderr);
      const why = (r.stderr || r.error?.message || "").trim().split("\n").filter((l) => /error/i.test(l)).slice(-3).join(" / ")
        .replace(/ \(from versions:[^)]*\)/g, "");
      return { ...info, error: `pip install -r requirements-bench.txt failed (exit ${r.status}): ${why || "see the output above"}` };
    }
    writeFileSync(stamp, want);
    info.installed = true;
    info.installSeconds = (performance.now() - t0) / 1000;
  }
  info.sizeMB = dirMB(venv);
  return info;
}
