// Regenerates the Python locks (requirements*.lock) from the requirements files people edit, with
// uv: exact versions and the sha256 of every wheel and sdist on PyPI, for every Python from 3.11 up
// and every platform (one lock serves this machine, CI and the image). Needs PyPI.
//   node scripts/lock.mjs            all locks
//   node scripts/lock.mjs --check    only says whether each lock still matches its requirements
//   node scripts/lock.mjs --upgrade  also moves unpinned packages to their newest versions
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LOCKS, LOCK_PYTHON, UV_VERSION, headerLine, lockProblem } from "./locks.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function fail(message) {
  console.error(`[lock] ${message}`);
  process.exit(1);
}

if (process.argv.includes("--check")) {
  const problems = LOCKS.map((l) => lockProblem(root, l)).filter(Boolean);
  for (const p of problems) console.error(`[lock] ${p}`);
  if (!problems.length) console.log(`[lock] ${LOCKS.map((l) => l.lock).join(", ")} match their requirements`);
  process.exit(problems.length ? 1 : 0);
}

/** uv from PyPI into a tool environment of its own (never the project's .venv). */
function uv() {
  if (process.env.UV) return process.env.UV; // a uv already at hand (its version is then yours to match)
  const tools = join(root, ".data", "tools", "uv");
  const bin = join(tools, "bin", "uv");
  const version = existsSync(bin) ? spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout ?? "" : "";
  if (version.split(" ")[1] === UV_VERSION) return bin;
  const python = ["python3", "python"].find((p) => spawnSync(p, ["--version"], { stdio: "ignore" }).status === 0);
  if (!python) fail("no python3 found: install Python 3.10 or newer");
  console.log(`[lock] installing uv ${UV_VERSION} into ${tools}`);
  for (const [cmd, args] of [[python, ["-m", "venv", tools]], [join(tools, "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `uv==${UV_VERSION}`]]]) {
    const r = spawnSync(cmd, args, { stdio: "inherit" });
    if (r.status !== 0) fail(`${cmd} ${args.join(" ")} failed`);
  }
  return bin;
}

const bin = uv();
for (const spec of LOCKS) {
  const out = join(root, spec.lock);
  const before = existsSync(out) ? readFileSync(out, "utf8") : "";
  // uv keeps the versions already in --output-file unless told to --upgrade, so a new requirement moves only what it must.
  const args = ["pip", "compile", "--quiet", "--universal", "--python-version", LOCK_PYTHON, "--generate-hashes",
    "--no-header", "--index-url", "https://pypi.org/simple", ...spec.inputs,
    ...spec.constraints.flatMap((c) => ["--constraint", c]), "--output-file", spec.lock,
    ...(process.argv.includes("--upgrade") ? ["--upgrade"] : [])];
  const r = spawnSync(bin, args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) {
    if (before) writeFileSync(out, before);
    fail(`uv pip compile for ${spec.lock} failed:\n${r.stderr}`);
  }
  const pins = readFileSync(out, "utf8").split("\n").filter((l, i) => !(i < 2 && l.startsWith("#"))).join("\n");
  const body = `${headerLine(root, spec)}\n# Made by uv ${UV_VERSION} (uv pip compile --universal --python-version ${LOCK_PYTHON} --generate-hashes ${spec.inputs.join(" ")}` +
    `${spec.constraints.map((c) => ` --constraint ${c}`).join("")}); installed with pip install --require-hashes -r ${spec.lock}.\n${pins}`;
  writeFileSync(out, body);
  const count = (pins.match(/^\S+==/gm) ?? []).length;
  console.log(`[lock] ${spec.lock}: ${count} pinned requirement lines${before === body ? " (unchanged)" : ""}`);
}
