// `npm test`: unit tests (node's test runner, beside the code), the extension's model tests,
// protocol, conformance and notebook tests (pytest, against the real kernel through
// jupyter_client), and browser tests (a real JupyterLab in Debian's Chromium), ending with one
// line that counts them all. A skipped test is listed at the end with its reason (a suite that
// skips because its set-up is missing must not pass unnoticed), and fails the run under CI=true.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeSkips, pytestSkips, skipVerdict } from "./skips.mjs";

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
  skips.push(...nodeSkips(label, r.text));
  if (r.code !== 0) exit = 1;
}

// The scripts' own tests (the runner's skip rules, the set-up's decisions) sit beside them in
// scripts/, which is not compiled: they are found here.
const scriptTests = readdirSync(join(root, "scripts")).filter((f) => f.endsWith(".test.mjs")).sort().map((f) => join("scripts", f));
const unit = [...findTests(join(root, "dist")), ...scriptTests];
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
skips.push(...pytestSkips(py.text));
if (py.code !== 0) exit = 1;

const browser = readdirSync(join(root, "tests", "browser")).filter((f) => f.endsWith(".test.mjs")).map((f) => join("tests", "browser", f));
await nodeTests("browser tests (JupyterLab in Chromium)", process.execPath, ["--test", "--test-reporter=spec", ...browser]);
if (exit !== 0 && failed === 0) failed = 1; // a runner that crashed without counting still failed

const verdict = skipVerdict(skips);
for (const line of verdict.lines) console.log(line);
if (verdict.fails) exit = 1;
console.log(`\n${passed} passed, ${failed} failed${skips.length ? `, ${skips.length} skipped` : ""}`);
process.exit(exit);
