// What the set-up (setup.mjs) decides before it acts: whether TypeScript needs building and whether
// .venv was made for another folder. Plain functions of a folder, apart from the doing, so its test
// (setup-checks.test.mjs, beside it) can check them; Node's built-ins only (they run before npm ci).
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

/** Newest modification time of the files below `paths` (directories are walked) that `keep` accepts. */
export function newest(paths, keep = () => true) {
  let t = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    if (st.isDirectory()) t = Math.max(t, newest(readdirSync(p).map((n) => join(p, n)), keep));
    else if (keep(p)) t = Math.max(t, st.mtimeMs);
  }
  return t;
}

const buildStamp = (root) => join(root, "dist", ".modelbench-build");

/**
 * Whether tsc has to run: no build yet, or a .ts that tsconfig.json compiles (under src/, kernel/,
 * tests/: tests/ holds browser artifacts too, only its .ts count), tsconfig.json or the lock
 * (the compiler's version) changed since the last build started.
 */
export function buildNeeded(root) {
  const sources = newest(["src", "kernel", "tests"].map((p) => join(root, p)), (f) => f.endsWith(".ts"));
  const config = newest(["tsconfig.json", "package-lock.json"].map((p) => join(root, p)));
  return !(mtime(buildStamp(root)) >= Math.max(sources, config) && existsSync(join(root, "dist", "kernel", "main.js")));
}

/** Records a build that started at `startedMs`: a file saved while tsc ran is newer, so built again next time. */
export function markBuilt(root, startedMs) {
  const stamp = buildStamp(root);
  writeFileSync(stamp, "");
  utimesSync(stamp, startedMs / 1000, startedMs / 1000);
}

/**
 * The Python a pip-installed script starts. Its first line names it (`#!/x/.venv/bin/python`),
 * except where that path is too long for a shebang or has a space: then pip writes a shell
 * trampoline, `#!/bin/sh` and `'''exec' "/x y/.venv/bin/python" "$0" "$@"`, and the second line
 * names it.
 */
export function scriptInterpreter(text) {
  const [first = "", second = ""] = text.split("\n", 2);
  const shebang = first.replace(/^#!\s*/, "").trim();
  const trampoline = /^'''exec' +(?:"([^"]+)"|(\S+))/.exec(second);
  if (/^\/bin\/sh\b/.test(shebang) && trampoline) return trampoline[1] ?? trampoline[2];
  const quoted = /^"([^"]+)"/.exec(shebang);
  return quoted ? quoted[1] : shebang.split(/\s+/)[0];
}

/**
 * The folder a .venv was made for when it is not `venv` (copied or moved: its scripts still start
 * that folder's Python, or none), else null. Any python of its own bin/ (python, python3,
 * python3.11) is at home.
 */
export function venvMovedFrom(venv) {
  const jupyter = join(venv, "bin", "jupyter");
  if (!existsSync(join(venv, "bin", "python")) || !existsSync(jupyter)) return null;
  const interpreter = scriptInterpreter(readFileSync(jupyter, "utf8"));
  return dirname(interpreter) === join(venv, "bin") ? null : dirname(dirname(interpreter));
}
