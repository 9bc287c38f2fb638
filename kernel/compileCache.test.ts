import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compileCacheDir } from "./compileCache";

/** Loads `file` through the code cache in a fresh node, as a kernel's runtime does; what it reports. */
function load(file: string, cacheDir: string): { rejected: boolean | undefined; fresh: boolean; value: unknown } {
  const script = `
    const cc = require(${JSON.stringify(path.join(__dirname, "compileCache.js"))});
    const m = cc.requireWithCodeCache(${JSON.stringify(file)});
    const again = require(${JSON.stringify(file)});
    const value = m.answer(20);
    cc.saveCodeCaches();
    process.stdout.write(JSON.stringify({ value, same: m === again }));`;
  const r = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, MODELBENCH_COMPILE_CACHE: cacheDir }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.same, true, "require() of the same file gets the module the cache loaded");
  return out;
}

test("a file loaded through the code cache runs as with require, and its cache is written once and reused", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-compile-cache-"));
  try {
    const file = path.join(dir, "big.js");
    fs.writeFileSync(file, `const path = require("path");\nexports.answer = (n) => n * 2 + path.sep.length + (typeof module.exports === "object" ? 1 : 0) + (__filename.endsWith("big.js") ? 0 : 100);\n`);
    const cache = path.join(dir, "cache");
    assert.equal(load(file, cache).value, 42);
    const written = fs.readdirSync(cache);
    assert.equal(written.length, 1);
    assert.match(written[0], /^big\.js\.[0-9a-f]{24}\.bin$/);
    const stamp = fs.statSync(path.join(cache, written[0])).mtimeMs;
    assert.equal(load(file, cache).value, 42);
    assert.equal(fs.statSync(path.join(cache, written[0])).mtimeMs, stamp, "an accepted cache is not written again");
    // A corrupt cache is rejected by V8: the file still loads, and the cache is written anew.
    fs.writeFileSync(path.join(cache, written[0]), "not a code cache");
    assert.equal(load(file, cache).value, 42);
    assert.notEqual(fs.readFileSync(path.join(cache, written[0]), "utf8"), "not a code cache");
    // An edited file gets a new cache, and the old one is removed.
    fs.appendFileSync(file, "exports.more = 1;\n");
    assert.equal(load(file, cache).value, 42);
    const now = fs.readdirSync(cache);
    assert.equal(now.length, 1);
    assert.notEqual(now[0], written[0]);
    // A cache folder that cannot be written only means no cache.
    const blocked = path.join(dir, "a-file");
    fs.writeFileSync(blocked, "");
    assert.equal(load(file, path.join(blocked, "cache")).value, 42);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("where the caches go: MODELBENCH_COMPILE_CACHE, XDG_CACHE_HOME, ~/.cache; off disables them", () => {
  assert.equal(compileCacheDir({ MODELBENCH_COMPILE_CACHE: "/x/y" }), "/x/y");
  assert.equal(compileCacheDir({ MODELBENCH_COMPILE_CACHE: "off" }), null);
  assert.equal(compileCacheDir({ XDG_CACHE_HOME: "/c" }), path.join("/c", "modelbench", "v8"));
  assert.equal(compileCacheDir({}), path.join(os.homedir(), ".cache", "modelbench", "v8"));
});
