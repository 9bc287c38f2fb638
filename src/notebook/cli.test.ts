// bin/modelbench.mjs, spawned as a user would run it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../../..");
const BIN = path.join(ROOT, "bin", "modelbench.mjs");

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-cli-"));
  fs.copyFileSync(path.join(ROOT, "jupytext.toml"), path.join(dir, "jupytext.toml"));
  fs.mkdirSync(path.join(dir, "notebooks"));
  fs.copyFileSync(path.join(ROOT, "notebooks/00-welcome.ipynb"), path.join(dir, "notebooks/00-welcome.ipynb"));
  return dir;
}

test("--help and no arguments print usage; unknown commands and options are usage errors (exit 2)", () => {
  const dir = os.tmpdir();
  const help = run(["--help"], dir);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: modelbench <command>/);
  assert.match(help.stdout, /sync \[--prefer ipynb\|text\] \[paths\.\.\.\]/);
  assert.equal(run(["sync", "--help"], dir).code, 0);
  assert.equal(run([], dir).code, 2);
  const bad = run(["frobnicate"], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown command 'frobnicate'/);
  assert.equal(run(["sync", "--prefer", "both", "x.ipynb"], dir).code, 2);
  assert.equal(run(["sync", "--force"], dir).code, 2);
  const oneArg = run(["diff", "a.ipynb"], dir);
  assert.equal(oneArg.code, 2);
  assert.match(oneArg.stderr, /diff needs two notebooks/);
});

test("sync without paths pairs every notebook under notebooks/, reproducing the committed .ts", () => {
  const dir = project();
  const r = run(["sync"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /notebooks\/00-welcome\.ipynb ⇄ notebooks\/00-welcome\.ts: wrote notebooks\/00-welcome\.ts/);
  assert.equal(fs.readFileSync(path.join(dir, "notebooks/00-welcome.ts"), "utf8"), fs.readFileSync(path.join(ROOT, "notebooks/00-welcome.ts"), "utf8"));
  const again = run(["sync"], dir);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /: in sync$/m);
});

test("a conflict exits 1, prints the diff and what to do, and writes nothing", () => {
  const dir = project();
  assert.equal(run(["sync"], dir).code, 0);
  const ipynb = path.join(dir, "notebooks/00-welcome.ipynb");
  const ts = path.join(dir, "notebooks/00-welcome.ts");
  fs.writeFileSync(ipynb, fs.readFileSync(ipynb, "utf8").replace("const best = Math.max", "const top = Math.max"));
  fs.writeFileSync(ts, fs.readFileSync(ts, "utf8").replace("scores.map((s) => s.toFixed(2))", "scores.map((s) => s.toFixed(3))"));
  const before = [ipynb, ts].map((f) => [fs.readFileSync(f, "utf8"), fs.statSync(f).mtimeMs]);
  const r = run(["sync", "notebooks/00-welcome.ipynb"], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /both changed since they were last synced; nothing was written/);
  assert.match(r.stderr, /^-const top = Math\.max/m);
  assert.match(r.stderr, /^\+scores\.map\(\(s\) => s\.toFixed\(3\)\)/m);
  assert.deepEqual([ipynb, ts].map((f) => [fs.readFileSync(f, "utf8"), fs.statSync(f).mtimeMs]), before);
  const resolved = run(["sync", "--prefer", "text", "notebooks/00-welcome.ts"], dir);
  assert.equal(resolved.code, 0, resolved.stderr);
  assert.match(fs.readFileSync(ipynb, "utf8"), /toFixed\(3\)/);
});

test("an unreadable notebook exits 1 with a message naming the file", () => {
  const dir = project();
  fs.writeFileSync(path.join(dir, "notebooks/broken.ipynb"), "{");
  const r = run(["sync"], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /notebooks\/broken\.ipynb is not valid JSON/);
  assert.ok(fs.existsSync(path.join(dir, "notebooks/00-welcome.ts")), "the good pair was still synced");
});

test("diff shows cell-level changes between a notebook and a script", () => {
  const dir = project();
  run(["sync"], dir);
  const ts = path.join(dir, "notebooks/00-welcome.ts");
  fs.writeFileSync(ts, fs.readFileSync(ts, "utf8").replace("// %%\n// %lsmagic", "// %%\nconst extra = 1;\n\n// %%\n// %lsmagic"));
  const r = run(["diff", "notebooks/00-welcome.ipynb", "notebooks/00-welcome.ts"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "--- notebooks/00-welcome.ipynb\n+++ notebooks/00-welcome.ts\n@@ cell 7 added (code) @@\n+const extra = 1;\n");
  const missing = run(["diff", "notebooks/00-welcome.ipynb", "nope.txt"], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.txt does not exist/);
});
