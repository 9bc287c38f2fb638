// Loads a large CommonJS file (TypeScript's 8 MB bundle) with V8's code cache, so a new kernel does
// not parse and compile it from nothing: node 20 has no `module.enableCompileCache` (node 22 has).
// The cache is written after the kernel's first TypeScript program is built, so it also holds the
// parser's and checker's functions compiled by then. It lives in the user's cache folder, one file
// per source (named by its path, size and modification time, and node's version); a cache V8
// rejects, or that cannot be read or written, only means the file is compiled as usual.
import * as crypto from "crypto";
import * as fs from "fs";
import Module from "module";
import * as os from "os";
import * as path from "path";
import * as vm from "vm";

interface Loaded {
  script: vm.Script;
  cacheFile: string;
  /** The cache on disk was used (and accepted): nothing to write. */
  fresh: boolean;
}

const loaded = new Map<string, Loaded>();

/** Where the caches are kept: $MODELBENCH_COMPILE_CACHE, else $XDG_CACHE_HOME or ~/.cache, in modelbench/v8. "off" disables them. */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const own = env.MODELBENCH_COMPILE_CACHE;
  if (own === "off") return null;
  if (own) return own;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "modelbench", "v8");
}

function cacheFileFor(dir: string, file: string, stat: fs.Stats): string {
  const key = crypto.createHash("sha256").update(`${file}\0${stat.size}\0${stat.mtimeMs}\0${process.version}\0${process.arch}`).digest("hex").slice(0, 24);
  return path.join(dir, `${path.basename(file)}.${key}.bin`);
}

/**
 * `require(file)` through V8's code cache: the module is registered in require.cache under `file`
 * (an absolute, resolved path) as node would, and loaded once. Falls back to plain `require` when
 * caching is off.
 */
export function requireWithCodeCache(file: string): unknown {
  const cached = require.cache[file];
  if (cached) return cached.exports;
  const dir = compileCacheDir();
  if (!dir) return require(file);
  const stat = fs.statSync(file);
  const cacheFile = cacheFileFor(dir, file, stat);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = fs.readFileSync(file, "utf8");
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  require.cache[file] = mod;
  try {
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  } catch (e) {
    delete require.cache[file];
    throw e;
  }
  mod.loaded = true;
  loaded.set(file, { script, cacheFile, fresh: cachedData !== undefined && !script.cachedDataRejected });
  return mod.exports;
}

/** Writes the code cache of every file loaded without a usable one (call it once the code has run
 * its first real work, so the functions compiled for it are in the cache too). */
export function saveCodeCaches(): void {
  for (const entry of loaded.values()) {
    if (entry.fresh) continue;
    entry.fresh = true;
    try {
      const data = entry.script.createCachedData();
      fs.mkdirSync(path.dirname(entry.cacheFile), { recursive: true });
      // Another kernel may write the same file at once: each writes its own, then renames.
      const tmp = `${entry.cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, entry.cacheFile);
      // Caches of earlier versions of the same file (an upgrade, another node) are left behind otherwise.
      const prefix = entry.cacheFile.slice(0, entry.cacheFile.lastIndexOf(".", entry.cacheFile.length - 5) + 1);
      for (const name of fs.readdirSync(path.dirname(entry.cacheFile))) {
        const other = path.join(path.dirname(entry.cacheFile), name);
        if (other !== entry.cacheFile && other.startsWith(prefix) && other.endsWith(".bin")) fs.rmSync(other, { force: true });
      }
    } catch {
      /* a read-only or full disk: the next kernel compiles as this one did */
    }
  }
}
