import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aq from "arquero";
import * as track from "../track";
import { MIME } from "../display";
import { f1 } from "../metrics";
import { Random } from "../random";
import { holdOut, inferTask, runBaselines } from "./suite";
import { humanReference, leaderboard } from "./leaderboard";
import { column, columnNames } from "./table";
import { loadFixture } from "../../tests/fixtures/sklearn";

async function freshStore(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-baseline-"));
  await track.useStore(`sqlite://${path.join(dir, "store.db")}`);
}

// 60 short "plots": the genre decides a keyword, with noise, so rules beat chance but are not perfect.
function plots(n = 60, seed = 3) {
  const rng = new Random(seed);
  const genres = ["science_fiction", "romance", "mystery"];
  const words: Record<string, string> = { science_fiction: "space ship", romance: "love", mystery: "detective" };
  const rows = [];
  for (let i = 0; i < n; i++) {
    const genre = genres[rng.categorical([0.5, 0.3, 0.2])];
    const cue = rng.float() < 0.7 ? words[genre] : words[genres[rng.int(3)]];
    rows.push({ text: `a story about ${cue} and other things`, genre, year: 1950 + rng.int(50) + rng.float() });
  }
  return rows;
}

test("holdOut is seeded, disjoint and covers every row", () => {
  const a = holdOut(10, 0.3, 1);
  assert.deepEqual(a, holdOut(10, 0.3, 1));
  assert.equal(a.test.length, 3);
  assert.deepEqual([...a.train, ...a.test].sort((x, y) => x - y), [...Array(10).keys()]);
  assert.notDeepEqual(holdOut(10, 0.3, 2).test, a.test);
  assert.throws(() => holdOut(10, 1.5, 0), /between 0 and 1/);
  assert.throws(() => holdOut(1, 0.5, 0), /at least 2/);
});

test("inferTask reads labels, label sets and numbers, and names the bad row", () => {
  assert.equal(inferTask(["a", "b"], "y"), "classification");
  assert.equal(inferTask([0, 1, 1], "y"), "classification");
  assert.equal(inferTask([0.5, 1.25], "y"), "regression");
  assert.equal(inferTask([["a"], []], "y"), "multilabel");
  assert.throws(() => inferTask(["a", null], "genre"), /missing in row 1/);
  assert.throws(() => inferTask([["a"], "b"], "genre"), /mixes label sets and single labels \(row 1/);
});

test("%baseline's core on an arquero table: every classifier baseline tracked, scored on held-out rows, ranked", async () => {
  await freshStore();
  const rows = plots();
  const table = aq.from(rows);
  const rules = '"space" & "ship" -> science_fiction\nlove -> romance\ndetective -> mystery';
  const report = await runBaselines(table, { target: "genre", text: "text", rules, seed: 5 });
  assert.equal(report.task, "classification");
  assert.equal(report.metric, "macro_f1");
  assert.deepEqual(report.results.map((r) => r.name), ["most_frequent", "prior", "stratified", "uniform", "keyword_rules"]);
  // The metrics are those of the held-out rows: recompute most_frequent's by hand.
  const { train, test } = holdOut(rows.length, 0.25, 5);
  const counts = new Map<string, number>();
  for (const i of train) counts.set(rows[i].genre, (counts.get(rows[i].genre) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  const truth = test.map((i) => rows[i].genre);
  const mf = report.results[0].metrics;
  assert.equal(mf.accuracy, truth.filter((g) => g === top).length / truth.length);
  assert.equal(mf.macro_f1, f1(truth, truth.map(() => top), { average: "macro", zeroDivision: 0 }));
  // prior's log loss is the cross-entropy of the training class shares on the held-out labels.
  const share = (g: string) => (counts.get(g) ?? 0) / train.length;
  const crossEntropy = -truth.reduce((a, g) => a + Math.log(share(g)), 0) / truth.length;
  assert.ok(Math.abs(report.results[1].metrics.log_loss - crossEntropy) < 1e-12);
  assert.ok(mf.log_loss > 5 * crossEntropy, "certainty about the commonest class is punished");
  const rulesScore = report.results[4].metrics.macro_f1;
  assert.ok(rulesScore > mf.macro_f1, `rules ${rulesScore} beat the zero rule ${mf.macro_f1}`);
  // Each is a finished run tagged baseline with its params and metrics.
  const runs = (await track.listRuns({ tags: ["baseline"] })).runs;
  assert.equal(runs.length, 5);
  const ruleRun = runs.find((r) => r.name === "baseline/keyword_rules")!;
  assert.equal(ruleRun.status, "finished");
  assert.equal(ruleRun.params.n_test, test.length);
  assert.equal(ruleRun.params.model, "KeywordRuleClassifier");
  assert.equal(ruleRun.metrics.macro_f1.last, rulesScore);
  // The leaderboard is sorted by the metric, best first.
  const scores = report.leaderboard.rows.map((r) => r.metrics.macro_f1);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  assert.equal(report.leaderboard.rows[0].name, "baseline/keyword_rules");
  assert.match(String(report[MIME]()["text/plain"]), /5 baselines for a classification target, trained on 45 rows, scored on 15/);
});

test("a human reference is a tracked run with metrics and no model, and shows in baseline leaderboards", async () => {
  await freshStore();
  const ref = await humanReference({ name: "human (2 annotators)", metrics: { macro_f1: 0.97 }, note: "two people labelled 40 plots" });
  const detail = await ref.store.getRun(ref.id);
  assert.deepEqual(detail.tags, ["reference", "human"]);
  assert.equal(detail.status, "finished");
  assert.equal(detail.metrics.macro_f1.last, 0.97);
  assert.equal(detail.notes, "two people labelled 40 plots");
  const report = await runBaselines(plots(), { target: "genre", seed: 1 });
  assert.equal(report.leaderboard.rows[0].name, "human (2 annotators)");
  assert.equal(report.leaderboard.rows[0].kind, "reference");
  assert.match(String(report.leaderboard[MIME]()["text/plain"]), /human \(2 annotators\)\s+reference\s+0\.97/);
  // In HTML the name reads from the left (JupyterLab right-aligns cells unless told), numbers from the right.
  assert.match(String(report.leaderboard[MIME]()["text/html"]), /<td style="text-align:right">1<\/td><td style="text-align:left">human \(2 annotators\)<\/td>/);
  // Recorded again (a notebook run twice), the newest reference of a name is the one shown.
  await humanReference({ name: "human (2 annotators)", metrics: { macro_f1: 0.95 } });
  const again = await runBaselines(plots(), { target: "genre", seed: 1 });
  assert.deepEqual(again.leaderboard.rows.filter((r) => r.kind === "reference").map((r) => r.metrics.macro_f1), [0.95]);
  // leaderboard() ranks any runs of the store the same way, newest run of each name.
  const all = await leaderboard({ metric: "macro_f1" });
  assert.equal(all.rows.length, 5);
  assert.equal(all.rows.find((r) => r.kind === "reference")?.metrics.macro_f1, 0.95);
  assert.equal((await leaderboard({ metric: "macro_f1", latestPerName: false })).rows.length, 10);
  assert.equal(all.bestBaseline?.kind, "baseline");
  assert.deepEqual((all.figure().spec.data[0] as { y: string[] }).y.at(-1), "human (2 annotators)");
  await assert.rejects(humanReference({ metrics: {} }), /needs the metrics people reached/);
  await assert.rejects(humanReference({ metrics: { macro_f1: NaN } }), /finite number/);
});

test("multi-label targets (label sets) and a test table", async () => {
  await freshStore();
  const rng = new Random(11);
  const make = (n: number) => Array.from({ length: n }, () => {
    const labels = ["grain", "corn", "wheat"].filter((_, k) => rng.float() < [0.8, 0.3, 0.1][k]);
    return { text: labels.includes("corn") ? "corn prices rise" : "grain exports", topics: labels };
  });
  const train = make(40), test = make(20);
  const report = await runBaselines(train, { target: "topics", test, text: "text", rules: [{ when: ["corn"], then: "corn" }, { when: ["grain"], then: "grain" }], metric: "micro_f1" });
  assert.equal(report.task, "multilabel");
  const mf = report.results.find((r) => r.name === "most_frequent")!;
  // grain is present in most training rows, the others in few: most_frequent predicts {grain} for every row.
  const truth = test.map((r) => r.topics);
  assert.equal(mf.metrics.micro_f1, f1(truth, truth.map(() => ["grain"]), { average: "micro", zeroDivision: 0 }));
  assert.equal(mf.params.n_test, 20);
  const rules = report.results.find((r) => r.name === "keyword_rules")!;
  assert.ok(rules.metrics.micro_f1 > mf.metrics.micro_f1);
});

test("regression targets get mean, median and quantile baselines", async () => {
  const rows = plots(40);
  const report = await runBaselines(rows, { target: "year", metric: "mae", track: false, seed: 2 });
  assert.equal(report.task, "regression");
  assert.deepEqual(report.results.map((r) => r.name), ["mean", "median", "quantile_0.9"]);
  const { train, test } = holdOut(40, 0.25, 2);
  const mean = train.reduce((a, i) => a + rows[i].year, 0) / train.length;
  const mae = test.reduce((a, i) => a + Math.abs(rows[i].year - mean), 0) / test.length;
  assert.ok(Math.abs(report.results[0].metrics.mae - mae) < 1e-9);
  assert.equal(report.leaderboard.goal, "min");
});

// scikit-learn's diabetes data (tests/fixtures/make_gbdt_fixtures.py) as row objects: ten numeric
// columns and the disease progression a year later, which they predict in part (R² ≈ 0.4).
function diabetesRows(): Record<string, number>[] {
  const d = loadFixture("gbdt").datasets.diabetes;
  const names = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"];
  return (d.X as number[][]).map((x, i) => ({ ...Object.fromEntries(names.map((n, j) => [n, x[j]])), progression: d.y[i] as number }));
}

test("a numeric target with numeric columns ranks the simple regressors beside the dummies by rmse, each a tracked run, and they beat the mean", async () => {
  await freshStore();
  const rows = diabetesRows();
  const report = await runBaselines(rows, { target: "progression", seed: 0 });
  assert.equal(report.metric, "rmse");
  const regressors = ["linear_regression", "ridge", "decision_tree", "hist_gradient_boosting"];
  assert.deepEqual(report.results.map((r) => r.name), ["mean", "median", "quantile_0.9", ...regressors]);
  assert.deepEqual(report.results.map((r) => r.model), ["DummyRegressor", "DummyRegressor", "DummyRegressor", "LinearRegression", "Ridge", "DecisionTreeRegressor", "HistGradientBoostingRegressor"]);
  assert.deepEqual(report.results[3].params.features, ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]);
  // Ranked on the leaderboard by rmse, lowest first; every row is a finished, tracked run.
  const board = report.leaderboard.rows;
  assert.deepEqual(board.map((r) => r.name).sort(), report.results.map((r) => `baseline/${r.name}`).sort());
  board.slice(1).forEach((r, i) => assert.ok(r.metrics.rmse >= board[i].metrics.rmse));
  assert.ok(board.every((r) => r.kind === "baseline" && r.runId));
  assert.ok((await track.listRuns({ tags: ["baseline"], status: ["finished"] })).runs.length >= 7);
  const mean = report.results[0].metrics.rmse;
  for (const name of regressors) {
    const r = report.results.find((x) => x.name === name)!;
    assert.ok(r.metrics.rmse < mean, `${name}: rmse ${r.metrics.rmse} vs the mean's ${mean}`);
    assert.ok(r.metrics.r2 > 0.1, `${name}: R² ${r.metrics.r2}`);
  }
  assert.ok(!board[0].name.startsWith("baseline/mean") && !board[0].name.startsWith("baseline/median"), "a regressor leads");
});

test("the simple regressors: chosen features, missing values, a model that does not apply, and clear errors", async () => {
  const rows = diabetesRows();
  const opts = { target: "progression", track: false, seed: 0 };
  const chosen = await runBaselines(rows, { ...opts, features: ["bmi", "s5"] });
  assert.deepEqual(chosen.results.find((r) => r.name === "ridge")!.params.features, ["bmi", "s5"]);
  // A missing value is imputed with its column's training mean; a text column is not a feature.
  const holes = rows.map((r, i) => ({ ...r, bmi: i % 7 === 0 ? null : r.bmi, note: "patient" }));
  assert.equal((await runBaselines(holes, opts)).results.length, 7);
  // Linearly dependent columns leave LinearRegression out, with its reason; the others still run.
  const twice = rows.map((r) => ({ ...r, bmi2: r.bmi * 2 }));
  const report = await runBaselines(twice, opts);
  assert.deepEqual(report.leftOut.map((l) => l.name), ["linear_regression"]);
  assert.match(report.leftOut[0].reason, /linearly dependent .* use Ridge/);
  assert.ok(report.results.some((r) => r.name === "ridge"));
  assert.match(String(report[MIME]()["text/plain"]), /left out linear_regression: /);
  await assert.rejects(runBaselines(rows, { ...opts, features: ["bmj"] }), /no column 'bmj'/);
  await assert.rejects(runBaselines(holes, { ...opts, features: ["note"] }), /feature column 'note' holds "patient" in row 0: features are numbers/);
  await assert.rejects(runBaselines(rows, { ...opts, features: ["progression"] }), /is the target or the text column/);
  await assert.rejects(runBaselines(plots(20), { target: "genre", track: false, features: ["year"] }), /features feed the simple regressors, which run on a numeric target/);
});

test("wrong arguments are clear errors that say what to do", async () => {
  const rows = plots(20);
  const opts = { track: false };
  await assert.rejects(runBaselines(rows, { ...opts, target: "genre_" }), /no column 'genre_'.*columns are 'text', 'genre', 'year'/);
  await assert.rejects(runBaselines(rows, { ...opts, target: "genre", metric: "rmse" }), /metric 'rmse' does not apply to classification: use one of accuracy, macro_f1/);
  await assert.rejects(runBaselines(rows, { ...opts, target: "genre", rules: "love -> romance" }), /give text as well/);
  await assert.rejects(runBaselines(rows, { ...opts, target: "genre", split: 0 }), /between 0 and 1/);
  await assert.rejects(runBaselines({ nope: 1 } as never, { ...opts, target: "genre" }), /needs a table/);
  await assert.rejects(runBaselines(rows, { ...opts, target: "year", text: "text", rules: "love -> romance" }), /numeric \(regression\)/);
});

test("danfojs DataFrames and arquero tables read the same columns as row objects", async () => {
  const rows = plots(8);
  const dfd = await import("danfojs-node");
  const df = new dfd.DataFrame(rows);
  for (const t of [df as never, aq.from(rows) as never, rows]) {
    assert.deepEqual(columnNames(t), ["text", "genre", "year"]);
    assert.deepEqual(column(t, "genre"), rows.map((r) => r.genre));
  }
  const a = await runBaselines(df as never, { target: "genre", track: false, seed: 4 });
  const b = await runBaselines(rows, { target: "genre", track: false, seed: 4 });
  assert.deepEqual(a.results.map((r) => r.metrics), b.results.map((r) => r.metrics));
});
