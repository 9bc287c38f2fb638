// `modelbench sweep`, spawned as CI would run it: exit codes, the printed summary and the JSON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gateOf, SweepUsageError } from "./headless";

const ROOT = path.resolve(__dirname, "../../..");
const BIN = path.join(ROOT, "bin", "modelbench.mjs");

/** A project folder with a store, `modelbench` resolvable from it (as an installed dependency would be). */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-sweep-cli-"));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(ROOT, path.join(dir, "node_modules", "modelbench"), "dir");
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function sweep(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, "sweep", ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, MODELBENCH_STORE: `sqlite://${path.join(dir, "store.db")}` } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Plain objects for the space, so the module needs nothing installed.
const SPACE = `exports.space = { x: { dist: { kind: "float", low: -3, high: 3, log: false } }, k: { dist: { kind: "categorical", choices: ["a", "b"] } } };\n`;
const JS = `${SPACE}exports.objective = (p) => (p.x - 1) ** 2 + (p.k === "a" ? 0 : 1);\n`;
/** An objective that takes `ms` per trial. */
const slow = (ms: number) => `${SPACE}exports.objective = async (p) => { await new Promise((r) => setTimeout(r, ${ms})); return 10 - (p.x - 1) ** 2; };\n`;

test("a .ts module importing modelbench and a helper: the summary, the JSON, exit 0 when the gate holds and 1 when it does not", () => {
  const dir = project({
    "objective.ts": `import { uniform, choice, type Trial } from "modelbench";
import { penalty } from "./penalty";
export const space = { x: uniform(-3, 3), k: choice(["a", "b"]) };
export async function objective(p: { x: number; k: string }, trial: Trial): Promise<number> {
  trial.log({ seen: 1 });
  return (p.x - 1) ** 2 + penalty(p.k);
}
`,
    "penalty.ts": `export const penalty = (k: string): number => (k === "a" ? 0 : 1);\n`,
  });
  const ok = sweep(dir, ["--module", "objective.ts", "--trials", "15", "--sampler", "random", "--seed", "0", "--study", "ci", "--direction", "min", "--fail-over", "5", "--json", "out.json"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^sweep ci: minimize value with random — 15 trials \(15 complete, 0 pruned, 0 failed; 15 this run\)/);
  assert.match(ok.stdout, /best: trial #\d+ value = [\d.]+ \(x=[-\d.]+, k=[ab]\)/);
  assert.match(ok.stdout, /importance \(fANOVA\): x [\d.]+ · k [\d.]+|importance \(fANOVA\): k [\d.]+ · x [\d.]+/);
  assert.match(ok.stdout, /gate --fail-over 5: passed \(best [\d.]+ ≤ 5\)/);
  assert.equal(ok.stderr.split("\n").filter((l) => /^trial #\d+ complete value=/.test(l)).length, 15, "each trial on stderr as it ends");
  const report = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"));
  assert.deepEqual(report.trials, { requested: 15, total: 15, complete: 15, pruned: 0, failed: 0, thisRun: 15 });
  assert.equal(report.direction, "minimize");
  assert.equal(report.passed, true);
  assert.deepEqual(report.gate, { option: "fail-over", threshold: 5, passed: true });
  assert.ok(Math.abs(Object.values(report.importance as Record<string, number>).reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.equal(report.best.value, Math.min(report.best.value, 5));
  // The same study, resumed to 18 trials, against a gate no value can meet.
  const missed = sweep(dir, ["--module", "objective.ts", "--trials", "18", "--study", "ci", "--resume", "--direction", "min", "--fail-over", "-1", "--json", "out.json"]);
  assert.equal(missed.code, 1, missed.stderr);
  assert.match(missed.stdout, /18 trials \(18 complete, 0 pruned, 0 failed; 3 this run, resumed\)/);
  assert.match(missed.stdout, /gate --fail-over -1: FAILED \(best [\d.]+ is not ≤ -1\)/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")).passed, false);
  // Without --resume, a study name already used is refused rather than silently continued.
  const taken = sweep(dir, ["--module", "objective.ts", "--trials", "20", "--study", "ci"]);
  assert.equal(taken.code, 2);
  assert.match(taken.stderr, /study 'ci' already has 18 trials in sqlite:\/\/.*store\.db: pass --resume to continue it, or choose another --study/);
});

test("worker processes and a timeout; a maximised metric gated with --fail-under", () => {
  const dir = project({ "slow.js": slow(150) });
  const r = sweep(dir, ["--module", "slow.js", "--trials", "200", "--processes", "2", "--timeout", "1.5", "--sampler", "random", "--direction", "max", "--metric", "score", "--fail-under", "0", "--study", "slow"]);
  assert.equal(r.code, 0, r.stderr);
  const n = Number(/— (\d+) trials/.exec(r.stdout)![1]);
  assert.ok(n >= 4 && n < 60, `the timeout stopped the workers after ${n} trials`);
  assert.match(r.stdout, /maximize score/);
  assert.match(r.stdout, /gate --fail-under 0: passed/);
});

test("bad input: each a clear message and exit code 2", () => {
  const dir = project({ "objective.js": JS, "noexport.js": "exports.space = {};\nexports.f = () => 1;\n", "nospace.js": "exports.objective = () => 1;\n", "broken.ts": "export const space = {};\nthrow new Error('cannot load data');\n" });
  const cases: Array<[string[], RegExp]> = [
    [["--module", "objective.js", "--trials", "3", "--fail-under", "0.9"], /--fail-under 0\.9 needs --direction max: the gate fails the sweep when the best value is below 0\.9, which is only a failure for a value to maximize/],
    [["--module", "objective.js", "--trials", "3", "--fail-over", "0.2"], /--fail-over 0\.2 needs --direction min/],
    [["--module", "objective.js", "--trials", "3", "--direction", "min", "--fail-under", "0.9"], /--fail-under goes with --direction max: for a value to minimize, gate it with --fail-over 0\.9/],
    [["--module", "objective.js", "--trials", "3", "--direction", "max", "--fail-under", "1", "--fail-over", "2"], /give one gate/],
    [["--module", "missing.ts", "--trials", "3"], /no objective module at .*missing\.ts: write a \.js or \.ts module that exports objective\(params, trial\)/],
    [["--module", "noexport.js", "--trials", "3"], /noexport\.js exports no objective function: export objective\(params, trial\) \(it exports space, f\)/],
    [["--module", "nospace.js", "--trials", "3"], /nospace\.js exports no search space: export const space = /],
    [["--module", "broken.ts", "--trials", "3"], /loading .*broken\.ts failed: Error: cannot load data/],
    [["--module", "objective.js", "--trials", "3", "--sampler", "annealing"], /unknown sampler "annealing": use one of/],
    [["--module", "objective.js", "--trials", "0"], /--trials must be a whole number ≥ 1, not '0'/],
    [["--module", "objective.js", "--trials", "many"], /--trials must be a whole number ≥ 1, not 'many'/],
    [["--module", "objective.js", "--trials", "3", "--resume"], /--resume continues a study by name: give --study NAME/],
    [["--module", "objective.js", "--trials", "3", "--direction", "up"], /--direction must be one of min, max, minimize, maximize, not 'up'/],
    [["--module", "objective.js"], /sweep needs --trials N/],
    [["--trials", "3"], /sweep needs --module FILE/],
    [["--module", "objective.js", "--trials", "3", "--frobnicate"], /unknown option --frobnicate/],
  ];
  for (const [args, message] of cases) {
    const r = sweep(dir, args);
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}, ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
  }
});

test("every trial failing exits 1 and says so", () => {
  const dir = project({ "fails.js": `${SPACE}exports.objective = () => { throw new Error("no data"); };\n` });
  const r = sweep(dir, ["--module", "fails.js", "--trials", "3", "--sampler", "random"]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /3 trials \(0 complete, 0 pruned, 3 failed/);
  assert.match(r.stdout, /FAILED: no trial completed/);
  assert.match(r.stderr, /trial #0 failed .*: Error: no data/);
});

test("an interrupt (Ctrl-C) ends the sweep with exit 130 and the study can be resumed", async () => {
  const dir = project({ "slow.js": slow(200) });
  const child = spawn(process.execPath, [BIN, "sweep", "--module", "slow.js", "--trials", "50", "--study", "stop", "--sampler", "random"], { cwd: dir, env: { ...process.env, MODELBENCH_STORE: `sqlite://${path.join(dir, "store.db")}` } });
  let stderr = "";
  let pressed = false;
  child.stderr.on("data", (d) => {
    stderr += d;
    if (!pressed && /trial #1 complete/.test(stderr)) pressed = child.kill("SIGINT"); // once: a second Ctrl-C would kill it outright
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(code, 130);
  assert.match(stderr, /sweep 'stop' \(run it again to resume\) was interrupted; run it again with --study NAME --resume to continue/);
  const again = sweep(dir, ["--module", "slow.js", "--trials", "4", "--study", "stop", "--resume", "--sampler", "random"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /resumed/);
});

test("gateOf: a threshold belongs to one direction", () => {
  assert.equal(gateOf({}), null);
  assert.deepEqual(gateOf({ failUnder: 0.8, direction: "max" }), { option: "fail-under", threshold: 0.8 });
  assert.deepEqual(gateOf({ failOver: 0.3, direction: "minimize" }), { option: "fail-over", threshold: 0.3 });
  assert.throws(() => gateOf({ failOver: 0.3 }), SweepUsageError);
});
