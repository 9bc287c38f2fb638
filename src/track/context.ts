// What a run records without being asked: git state, the environment, and hashes of data files.
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../store/location";
import { packageRoot } from "../runtime/packageRoot";
import type { DataRecord, GitInfo } from "./types";

const MAX_DIFF = 1 << 20;

function git(cwd: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000, maxBuffer: 8 * MAX_DIFF });
  } catch {
    return null;
  }
}

/** Commit, branch and the uncommitted diff of the repository around `cwd`; null outside git. */
export function captureGit(cwd = process.cwd()): GitInfo | null {
  const commit = git(cwd, ["rev-parse", "HEAD"])?.trim() ?? null;
  if (commit === null && git(cwd, ["rev-parse", "--git-dir"]) === null) return null;
  const branch = git(cwd, ["rev-parse", "--abbrev-ref", "HEAD"])?.trim() ?? null;
  const status = git(cwd, ["status", "--porcelain"]) ?? "";
  let diff = commit ? git(cwd, ["diff", "HEAD"]) : null;
  const untracked = status.split("\n").filter((l) => l.startsWith("?? ")).map((l) => l.slice(3));
  if (untracked.length) diff = (diff ?? "") + untracked.map((f) => `# untracked: ${f}\n`).join("");
  if (diff && diff.length > MAX_DIFF) diff = diff.slice(0, MAX_DIFF) + `\n# … diff cut at ${MAX_DIFF} bytes\n`;
  return { commit, branch, dirty: status.trim() !== "", diff: diff || null };
}

/** The lock files of a project: the Python locks (scripts/lock.mjs) and npm's. */
const LOCK_FILE = /^requirements[\w.-]*\.lock$|^package-lock\.json$/;

/** sha256 of each lock file at the project's root (and the extension's npm lock), by file name. */
export function lockHashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  let names: string[] = [];
  try {
    names = fs.readdirSync(root).filter((n) => LOCK_FILE.test(n)).sort();
  } catch {
    return out;
  }
  for (const name of [...names, "extension/package-lock.json"]) {
    try {
      out[name] = hashFile(path.join(root, name)).hash;
    } catch {
      /* absent */
    }
  }
  return out;
}

/** The project's locks, and those of the modelbench install (prefixed `modelbench/`) when that is elsewhere. */
function allLocks(root: string): Record<string, string> {
  const own = lockHashes(root);
  const install = packageRoot();
  if (path.resolve(install) === path.resolve(root)) return own;
  for (const [file, hash] of Object.entries(lockHashes(install))) own[`modelbench/${file}`] = hash;
  return own;
}

/** The Python of the project's .venv (what runs JupyterLab and the test peers), from its pyvenv.cfg. */
function venvPython(root: string): string | null {
  try {
    const cfg = fs.readFileSync(path.join(root, ".venv", "pyvenv.cfg"), "utf8");
    return /^version(?:_info)?\s*=\s*(\S+)/m.exec(cfg)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** The version of a package as Node would load it from `dir`: its node_modules, else a parent's. */
function installedVersion(dir: string, name: string): string | null {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      return JSON.parse(fs.readFileSync(path.join(d, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      if (path.dirname(d) === d) return null;
    }
  }
}

/** Node, Python, OS, machine, the installed versions of the project's packages and the hashes of its locks. */
export function captureEnvironment(cwd = process.cwd()): Record<string, unknown> {
  const root = projectRoot(cwd);
  const packages: Record<string, string> = {};
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies })) {
      packages[name] = installedVersion(root, name) ?? "not installed";
    }
  } catch {
    /* no package.json: nothing to list */
  }
  return {
    node: process.version,
    // The project's .venv, else the one of the modelbench install that runs this (the image's /opt/modelbench).
    python: venvPython(root) ?? venvPython(packageRoot()),
    platform: process.platform,
    arch: process.arch,
    os: `${os.type()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cwd,
    argv: process.argv.slice(1),
    packages,
    locks: allLocks(root),
  };
}

const hashCache = new Map<string, { mtimeMs: number; size: number; hash: string }>();

/** Content hash (sha256) of a data file, cached by path, size and mtime. Paths are kept relative to the project. */
export function hashFile(file: string): DataRecord {
  const abs = path.resolve(file);
  const st = fs.statSync(abs);
  const cached = hashCache.get(abs);
  let hash: string;
  if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) hash = cached.hash;
  else {
    const h = createHash("sha256");
    const fd = fs.openSync(abs, "r");
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      let n: number;
      while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
    hash = h.digest("hex");
    hashCache.set(abs, { mtimeMs: st.mtimeMs, size: st.size, hash });
  }
  const rel = path.relative(projectRoot(path.dirname(abs)), abs);
  return { path: rel.startsWith("..") ? abs : rel, hash, bytes: st.size };
}
