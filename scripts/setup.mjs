// Installs whatever is missing, then builds: npm packages (and a check that the native ones load),
// the Python virtual environment .venv from requirements.lock (pinned, hash-checked), the TypeScript
// build, the kernelspec.
// Uses only Node's built-ins, since it runs before node_modules exists. Safe to run again: each
// step is skipped when its inputs have not changed.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installKernelspec } from "./kernelspec.mjs";
import { installLock } from "./locks.mjs";
import { buildNeeded, markBuilt, mtime, newest, venvMovedFrom } from "./setup-checks.mjs";
import { setupMlflow } from "./setup-mlflow.mjs";
import { setupPostgres } from "./setup-postgres.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const venv = join(root, ".venv");
const py = join(venv, "bin", "python");
const quiet = process.argv.includes("--quiet");

function step(message) {
  if (!quiet) console.log(`[setup] ${message}`);
}

function fail(message) {
  console.error(`[setup] ${message}`);
  process.exit(1);
}

function run(cmd, args, what, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, stdio: "inherit", env: process.env });
  if (r.error) fail(`${what} could not start: ${r.error.message}`);
  if (r.status !== 0) fail(`${what} failed (exit code ${r.status}); see the output above`);
}

/** npm ci on a fresh clone, npm install when package.json or the lock changed since the last one. */
function npmPackagesIn(dir, label) {
  const marker = join(dir, "node_modules", ".package-lock.json");
  const stale = !existsSync(marker) || mtime(join(dir, "package.json")) > mtime(marker) ||
    mtime(join(dir, "package-lock.json")) > mtime(marker);
  if (!stale) return;
  const clean = !existsSync(join(dir, "node_modules")) && existsSync(join(dir, "package-lock.json"));
  step(`installing ${label} npm packages (npm ${clean ? "ci" : "install"})`);
  run("npm", [clean ? "ci" : "install", "--no-audit", "--no-fund"], `npm install (${label})`, dir);
}

function npmPackages() {
  npmPackagesIn(root, "the project's");
  nativeModulesLoad();
}

/** The JupyterLab extension: its own npm packages, then a build into .venv when its sources changed. */
function extension() {
  const ext = join(root, "extension");
  npmPackagesIn(ext, "the JupyterLab extension's");
  const pkg = JSON.parse(readFileSync(join(ext, "package.json"), "utf8"));
  const installed = join(venv, "share", "jupyter", "labextensions", pkg.name, "package.json");
  // The extension also compiles the library's filter language (src/track) into its bundle.
  const sources = ["src", "style", "package.json", "tsconfig.json", "build.mjs"].map((p) => join(ext, p));
  if (mtime(installed) >= newest([...sources, join(root, "src", "track")])) return;
  step("building the JupyterLab extension into .venv");
  run(process.execPath, [join(ext, "build.mjs")], "the extension build");
}

/** Browser tests drive Debian's Chromium; as root (CI, these machines) it is installed when absent. */
function chromium() {
  if (existsSync("/usr/bin/chromium")) return;
  if (process.getuid?.() !== 0) {
    console.warn("[setup] /usr/bin/chromium is missing: the browser tests need it (sudo apt-get install chromium)");
    return;
  }
  step("installing Debian's chromium for the browser tests (apt-get)");
  run("apt-get", ["update", "-qq"], "apt-get update");
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], "apt-get install chromium");
}

/** npm 11 may skip install scripts it was not told to allow: make sure the native modules load. */
function nativeModulesLoad() {
  const probe = "const D=require('better-sqlite3'); new D(':memory:').close(); require('zeromq');";
  const ok = () => spawnSync(process.execPath, ["-e", probe], { cwd: root, stdio: "ignore" }).status === 0;
  if (ok()) return;
  step("native modules did not load: rebuilding better-sqlite3 and zeromq");
  run("npm", ["rebuild", "better-sqlite3", "zeromq"], "npm rebuild");
  if (!ok()) fail("better-sqlite3 or zeromq still does not load after a rebuild: check that g++ and make are installed (apt-get install build-essential)");
}

function pythonEnvironment() {
  // A .venv copied or moved from another folder still starts that folder's Python (or none).
  const movedFrom = venvMovedFrom(venv);
  if (movedFrom) {
    step(`.venv was made for ${movedFrom}, not ${venv}: making it again here (pip's cache makes this quick)`);
    rmSync(venv, { recursive: true, force: true });
  }
  if (!existsSync(py)) {
    const python = ["python3", "python"].find((p) => spawnSync(p, ["--version"], { stdio: "ignore" }).status === 0);
    if (!python) fail("no python3 found: install Python 3.9 or newer (apt-get install python3 python3-venv)");
    step(`creating the Python environment .venv with ${python}`);
    run(python, ["-m", "venv", venv], "python -m venv");
  }
  // A requirements.txt edited without `node scripts/lock.mjs` fails here, before anything installs.
  const r = installLock(root, py, "requirements.lock", {
    stampName: ".modelbench-requirements",
    before: () => step("installing Python packages into .venv from requirements.lock (JupyterLab, jupytext, test peers; pinned, hash-checked)"),
  });
  if (r.error) fail(r.error);
}

/** tsc when a source changed since the last build (an unchanged tree starts JupyterLab at once). */
function build() {
  if (!buildNeeded(root)) return;
  step("building TypeScript (tsc)");
  const started = Date.now();
  run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], "the TypeScript build");
  markBuilt(root, started);
}

/**
 * `import … from "modelbench"` in notebooks and scripts of this project: TypeScript's node10
 * resolution (what tslab uses) only looks in node_modules, so the package links to itself there.
 */
function selfLink() {
  const link = join(root, "node_modules", "modelbench");
  try {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === "..") return;
    rmSync(link, { recursive: true, force: true });
  } catch {
    /* absent */
  }
  symlinkSync("..", link, "dir");
}

function kernelspec() {
  const dir = installKernelspec(venv);
  step(`kernelspec 'modelbench' installed in ${dir}`);
}

const nodeMajor = Number(process.versions.node.split(".")[0]);
if (nodeMajor < 20) fail(`Node.js ${process.versions.node} is too old: modelbench needs Node.js 20 or newer`);
npmPackages();
pythonEnvironment();
build();
selfLink();
kernelspec();
extension();
// --no-data (the container image): no corpora, no native TensorFlow (tfjs runs on WebAssembly), no MiniLM.
if (!process.argv.includes("--no-data")) {
  (await import("./setup-corpora.mjs")).setupCorpora(root, step);
  await (await import("./setup-transformers.mjs")).setupTransformers(root, py, step);
}
if (process.argv.includes("--for-tests")) chromium();
if (process.argv.includes("--for-tests")) setupPostgres();
if (process.argv.includes("--for-tests")) {
  const mlflow = setupMlflow(root, step);
  if (mlflow.error) fail(`MLflow for the interop tests: ${mlflow.error}`);
}
