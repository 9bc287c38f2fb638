// Installs whatever is missing, then builds: npm packages (and a check that the native ones load),
// the Python virtual environment .venv from requirements.txt, the TypeScript build, the kernelspec.
// Uses only Node's built-ins, since it runs before node_modules exists. Safe to run again: each
// step is skipped when its inputs have not changed.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installKernelspec } from "./kernelspec.mjs";

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

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env });
  if (r.error) fail(`${what} could not start: ${r.error.message}`);
  if (r.status !== 0) fail(`${what} failed (exit code ${r.status}); see the output above`);
}

const sha = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

function npmPackages() {
  const marker = join(root, "node_modules", ".package-lock.json");
  const stale = !existsSync(marker) || mtime(join(root, "package.json")) > mtime(marker) ||
    mtime(join(root, "package-lock.json")) > mtime(marker);
  if (stale) {
    const clean = !existsSync(join(root, "node_modules")) && existsSync(join(root, "package-lock.json"));
    step(clean ? "installing npm packages (npm ci)" : "installing npm packages (npm install)");
    run("npm", [clean ? "ci" : "install", "--no-audit", "--no-fund"], "npm install");
  }
  nativeModulesLoad();
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
  if (!existsSync(py)) {
    const python = ["python3", "python"].find((p) => spawnSync(p, ["--version"], { stdio: "ignore" }).status === 0);
    if (!python) fail("no python3 found: install Python 3.9 or newer (apt-get install python3 python3-venv)");
    step(`creating the Python environment .venv with ${python}`);
    run(python, ["-m", "venv", venv], "python -m venv");
  }
  const stamp = join(venv, ".modelbench-requirements");
  const want = sha(join(root, "requirements.txt"));
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== want) {
    step("installing Python packages into .venv (JupyterLab, jupytext, test peers)");
    run(py, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt"], "pip install");
    writeFileSync(stamp, want);
  }
}

function build() {
  step("building TypeScript (tsc)");
  run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], "the TypeScript build");
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
