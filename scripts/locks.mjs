// The Python locks: which lock each environment installs from, what it was made from, and the one
// way to install one (pip --require-hashes). Node's built-ins only: the set-up runs before npm ci.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Each lock, the requirements files it resolves (what people edit) and the locks it is constrained
 * by (requirements-dev.lock goes into .venv on top of requirements.lock, so it keeps its versions).
 */
export const LOCKS = [
  { lock: "requirements.lock", inputs: ["requirements.txt"], constraints: [] },
  { lock: "requirements-dev.lock", inputs: ["requirements.txt", "requirements-dev.txt"], constraints: ["requirements.lock"] },
  { lock: "requirements-bench.lock", inputs: ["requirements-bench.txt"], constraints: [] },
];

/** The oldest Python the locks resolve for (the pinned pandas 3.1 and numpy 2.4 need 3.11, Debian 12's); newer ones get their own markers. */
export const LOCK_PYTHON = "3.11";
/** uv, the tool that writes the locks, pinned like everything else (installed by lock.mjs into .data/tools/uv). */
export const UV_VERSION = "0.13.10";

const HEADER = "# inputs sha256: ";
const sha = (text) => createHash("sha256").update(text).digest("hex");

/** One hash over a lock's inputs (names and contents), written into the lock's first line. */
export function inputsHash(root, spec) {
  return sha(spec.inputs.map((f) => `${f}\0${readFileSync(join(root, f), "utf8")}`).join("\0"));
}

export const headerLine = (root, spec) => `${HEADER}${inputsHash(root, spec)} (${spec.inputs.join(" + ")}); regenerate with \`node scripts/lock.mjs\``;

/** Why a lock cannot be used as it is (missing, or made from other requirements), null when it can. */
export function lockProblem(root, spec) {
  const file = join(root, spec.lock);
  if (!existsSync(file)) return `${spec.lock} is missing: run \`node scripts/lock.mjs\` to make it from ${spec.inputs.join(" and ")}`;
  const first = readFileSync(file, "utf8").split("\n", 1)[0];
  if (!first.startsWith(HEADER)) return `${spec.lock} has no '${HEADER.trim()}' first line: it was not made by scripts/lock.mjs; run \`node scripts/lock.mjs\``;
  const recorded = first.slice(HEADER.length).split(" ")[0];
  if (recorded !== inputsHash(root, spec)) {
    return `${spec.inputs.join(" or ")} changed since ${spec.lock} was made (the lock and its requirements disagree): ` +
      "run `node scripts/lock.mjs` and commit the new lock";
  }
  return null;
}

export const lockSpec = (lock) => LOCKS.find((l) => l.lock === lock);

/**
 * Installs a lock into the virtual environment of `python` when the lock changed since the last
 * install (a stamp in the environment holds its hash). Every package comes pinned and hash-checked:
 * anything not in the lock, or whose download does not match, fails the install.
 * Returns { installed, error }; never throws, so each caller decides how bad a failure is.
 */
export function installLock(root, python, lock, { stampName, quiet = true, stdio = "inherit", before = () => {} } = {}) {
  const spec = lockSpec(lock);
  const problem = lockProblem(root, spec);
  if (problem) return { installed: false, error: problem };
  const file = join(root, lock);
  const want = sha(readFileSync(file));
  const stamp = join(python, "..", "..", stampName ?? `.modelbench-${lock}`);
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === want) return { installed: false, error: null };
  before();
  const args = ["-m", "pip", "install", "--require-hashes", "--disable-pip-version-check", "--progress-bar", "off", ...(quiet ? ["--quiet"] : []), "-r", file];
  const r = spawnSync(python, args, { cwd: root, stdio, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  if (r.error) return { installed: false, error: `pip could not start: ${r.error.message}` };
  if (r.status !== 0) {
    const why = `${r.stderr ?? ""}`.trim().split("\n").filter((l) => /error/i.test(l)).slice(-3).join(" / ");
    return { installed: false, error: `pip install --require-hashes -r ${lock} failed (exit ${r.status}): ${why || "see the output above"}` };
  }
  writeFileSync(stamp, want);
  return { installed: true, error: null };
}
