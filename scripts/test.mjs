// `npm test`: unit tests (node's test runner, beside the code), the extension's model tests,
// protocol, conformance and notebook tests (pytest, against the real kernel through
// jupyter_client), and browser tests (a real JupyterLab in Debian's Chromium), ending with one
// line that counts them all. A skipped test is listed at the end with its reason (a suite that
// skips because its set-up is missing must not pass unnoticed), and fails the run under CI=true.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Built test files whose source still exists: tsc leaves the output of a moved or deleted test behind. */
function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith(".test.js") && existsSync(join(root, relative(join(root, "dist"), p)).replace(/\.js$/, ".ts"))) out.push(relative(root, p));
  }
  return out.sort();
}

/** Runs a command with output shown live; resolves with its exit code and everything it printed. */
function run(cmd, args, env = {}, cwd = root) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (d) => {
      text += d;
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      text += d;
      process.stderr.write(d);
    });
    child.on("close", (code) => done({ code: code ?? 1, text }));
  });
}

const count = (text, re) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
let passed = 0;
let failed = 0;
let exit = 0;
/** Every skipped test: which suite, its name and the reason it gave. */
const skips = [];

/** A node:test run: its pass/fail/skipped lines are added to the totals. */
async function nodeTests(label, cmd, args, cwd = root, env = {}) {
  console.log(`\n== ${label}`);
  const r = await run(cmd, args, env, cwd);
  passed += count(r.text, /^(?:ℹ|#) pass (\d+)$/gm);
  failed += count(r.text, /^(?:ℹ|#) fail (\d+)$/gm);
  const skipped = count(r.text, /^(?:ℹ|#) skipped (\d+)$/gm);
  // The spec reporter marks each: "﹣ name (1.2ms) # reason"; the tap one "ok 3 - name # SKIP reason".
  const named = [...r.text.matchAll(/^\s*(?:﹣ (.+?) \([\d.]+m?s\) # (.*)|ok \d+ - (.+?) # SKIP ?(.*))$/gm)]
    .map((m) => ({ suite: label, name: m[1] ?? m[3], reason: m[2] ?? m[4] ?? "" }));
  skips.push(...named.slice(0, skipped));
  for (let i = named.length; i < skipped; i++) skips.push({ suite: label, name: "(a test the reporter did not name)", reason: "" });
  if (r.code !== 0) exit = 1;
}

const unit = findTests(join(root, "dist"));
await nodeTests(`unit tests (node --test, ${unit.length} files)`, process.execPath, ["--test", "--test-reporter=spec", ...unit]);
// The suite runs on native TensorFlow when the set-up built it; the tests whose numbers depend on
// the backend run once more on WebAssembly, the fallback, so both stay correct.
const backendSensitive = ["neural/neural", "train/train", "debug/debug", "transformers/transformers", "transformers/classifier"].map((t) => join("dist", "src", `${t}.test.js`)).filter((f) => unit.includes(f));
await nodeTests("backend-sensitive unit tests again on WASM (MODELBENCH_BACKEND=wasm)", process.execPath, ["--test", "--test-reporter=spec", ...backendSensitive], root, { MODELBENCH_BACKEND: "wasm" });
await nodeTests("extension model tests", "npm", ["test", "--silent"], join(root, "extension"));

console.log("\n== protocol, conformance and notebook tests (pytest)");
const py = await run(join(root, ".venv", "bin", "python"), ["-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests"], {
  PYTHONDONTWRITEBYTECODE: "1",
});
const summary = py.text.trim().split("\n").pop() ?? "";
passed += count(summary, /(\d+) passed/g);
failed += count(summary, /(\d+) failed/g) + count(summary, /(\d+) errors?\b/g);
// -rs lists each skip: "SKIPPED [1] tests/protocol/test_x.py:12: reason".
for (const m of py.text.matchAll(/^SKIPPED \[(\d+)\] ([^:]+:\d+): (.*)$/gm)) {
  for (let i = 0; i < Number(m[1]); i++) skips.push({ suite: "pytest", name: m[2], reason: m[3] });
}
if (py.code !== 0) exit = 1;

const browser = readdirSync(join(root, "tests", "browser")).filter((f) => f.endsWith(".test.mjs")).map((f) => join("tests", "browser", f));
await nodeTests("browser tests (JupyterLab in Chromium)", process.execPath, ["--test", "--test-reporter=spec", ...browser]);
if (exit !== 0 && failed === 0) failed = 1; // a runner that crashed without counting still failed

if (skips.length) {
  const ci = process.env.CI === "true";
  console.log(`\n!! ${skips.length} test(s) SKIPPED${ci ? " (CI=true: a skip fails the run)" : ""}: each one is a check that did not run`);
  for (const s of skips) console.log(`!!   [${s.suite}] ${s.name}${s.reason ? ` — ${s.reason}` : ""}`);
  if (ci) exit = 1;
}
console.log(`\n${passed} passed, ${failed} failed${skips.length ? `, ${skips.length} skipped` : ""}`);
process.exit(exit);
