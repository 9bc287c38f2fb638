// automl() end to end on small tables: the budget, an interrupt, a seeded search, grouped folds,
// text columns, regression, the registered winner, and every bad input the issue names.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../track";
import { Random } from "../random";
import { fireInterrupt } from "../runtime/interrupt";
import { automl, planColumns, columnSource } from "./index";
import { makeFolds } from "./automl";
import { makeTable } from "../data/table";

before(async () => {
  await track.useStore(`sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-automl-")), "store.db")}`);
});

/** Two informative numeric columns, a categorical one, noise and a few missing values. */
function tabular(n: number, seed = 1) {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, i) => {
    const a = rng.float() * 4 - 2, b = rng.float() * 4 - 2, c = ["x", "y", "z"][rng.int(3)];
    const s = 1.5 * a - b + (c === "z" ? 1 : 0) + (rng.float() - 0.5);
    return { a: i % 17 === 0 ? null : a, b, c, noise: rng.float(), group: `g${i % 12}`, label: s > 0.3 ? "pos" : "neg" };
  });
}

/** Short "documents" whose words depend on the class. */
function texts(n: number, seed = 2) {
  const rng = new Random(seed);
  const words: Record<string, string[]> = {
    sport: ["match", "goal", "team", "score", "coach", "league", "season", "player"],
    money: ["bank", "stock", "market", "price", "trade", "profit", "loan", "bond"],
    food: ["recipe", "bake", "sugar", "flour", "oven", "taste", "dinner", "salt"],
  };
  const common = ["the", "day", "people", "city", "said", "new", "time", "year", "report", "today"];
  const classes = Object.keys(words);
  return Array.from({ length: n }, () => {
    const label = classes[rng.int(3)];
    const doc = Array.from({ length: 30 }, () => (rng.float() < 0.35 ? words[label][rng.int(8)] : common[rng.int(common.length)])).join(" ");
    return { body: doc, label };
  });
}

test("tabular classification: every family scored, the winner refitted and beating the baseline on held-out rows, registered and loadable", async () => {
  const data = tabular(500);
  const result = await automl(data.slice(0, 380), { target: "label", timeBudget: 6, test: data.slice(380), register: "toy", families: ["lr", "tree", "gbdt"], ignore: ["group"] });
  const r = result.r;
  assert.equal(r.task, "classification");
  assert.equal(r.metric, "f1_macro");
  assert.deepEqual(r.families.map((f) => f.family).sort(), ["gbdt", "lr", "tree"]);
  assert.ok(r.families.every((f) => f.scored >= 1 && f.best !== null && f.fitSeconds! >= 0 && f.latencyMs! >= 0 && f.bytes! > 0), JSON.stringify(r.families));
  assert.ok(r.best.score > r.baseline.score + 0.3, `${r.best.score} vs baseline ${r.baseline.score}`);
  assert.ok(result.testScore! > 0.8, `held-out f1 ${result.testScore}`);
  assert.ok(r.evaluation, "the winner is evaluated on the held-out rows");
  assert.deepEqual(r.registered, { name: "toy", version: 1 });
  const { value } = await track.loadModel("toy@automl");
  assert.deepEqual((value as any).predict(data.slice(380)), result.model.predict(data.slice(380)), "the registered model predicts as the refitted winner");
  const run = await track.store().getRun(r.runId!);
  assert.equal(run.params.winner, r.best.family);
  assert.equal(run.metrics.cv_f1_macro.last, r.best.score);
  const trials = (await track.listRuns({ where: `tags contains trial` })).runs;
  assert.ok(trials.length >= r.trials.length, "every trial is a tracked run");
  assert.match(result.explanation(), /won with cross-validated f1_macro .* against .* for the most frequent class baseline/);
});

test("the time budget is kept: the search ends within 10% of it or within one trial", async () => {
  const data = tabular(800);
  const budget = 4;
  const result = await automl(data, { target: "label", timeBudget: budget, ignore: ["group"], track: false });
  const longest = Math.max(...result.trials.map((t) => ((t.endedAt ?? t.startedAt) - t.startedAt) / 1000));
  assert.ok(result.r.searchSeconds <= budget * 1.1 || result.r.searchSeconds <= budget + longest + 0.5, `searched ${result.r.searchSeconds} s for a ${budget} s budget (longest trial ${longest} s)`);
  assert.ok(result.r.searchSeconds >= budget * 0.5, `it used the budget: ${result.r.searchSeconds} s`);
});

test("an interrupt stops the search and keeps the best so far, refitted", async () => {
  const data = tabular(600);
  const timer = setTimeout(() => fireInterrupt(), 2500);
  const result = await automl(data.slice(0, 450), { target: "label", timeBudget: 60, ignore: ["group"], families: ["lr", "tree", "gbdt"], track: false });
  clearTimeout(timer);
  assert.equal(result.interrupted, true);
  assert.ok(result.r.searchSeconds < 15, `stopped soon after the interrupt: ${result.r.searchSeconds} s`);
  assert.ok(result.best.score > 0.8);
  assert.equal(result.model.predict(data.slice(450)).length, 150);
});

test("the same seed with one worker and maxTrials gives the same trials and leaderboard", async () => {
  const data = tabular(300, 5);
  const run = (seed: number) => automl(data, { target: "label", maxTrials: 14, seed, ignore: ["group"], families: ["lr", "tree", "gbdt"], track: false });
  const [a, b, c] = [await run(3), await run(3), await run(4)];
  const shape = (r: typeof a) => r.trials.map((t) => [t.params, t.value]);
  assert.equal(a.trials.length, 14);
  assert.deepEqual(shape(a), shape(b));
  assert.deepEqual(a.leaderboard.map((f) => [f.family, f.best, f.trials]), b.leaderboard.map((f) => [f.family, f.best, f.trials]));
  assert.notDeepEqual(shape(a), shape(c), "another seed searches differently");
});

test("on 4,000 rows or more, new candidates start on a quarter of the rows and the best of every three is promoted to half, then to all", async () => {
  const data = tabular(4400, 7);
  const result = await automl(data, { target: "label", maxTrials: 24, seed: 1, ignore: ["group"], families: ["lr", "tree"], cv: 3, track: false });
  const fraction = (t: { params: Record<string, unknown> }) => t.params.sample as number;
  const key = (t: { params: Record<string, unknown> }) => JSON.stringify(Object.entries(t.params).filter(([k]) => k !== "sample").sort());
  const at = (f: number) => result.trials.filter((t) => fraction(t) === f);
  assert.ok(at(0.25).length >= 9, `new candidates on a quarter: ${at(0.25).length}`);
  assert.ok(at(0.5).length >= 2 && at(1).length >= 1, `promoted: ${at(0.5).length} to half, ${at(1).length} to all`);
  for (const t of [...at(0.5), ...at(1)]) {
    const below = fraction(t) === 0.5 ? 0.25 : 0.5;
    const earlier = result.trials.filter((u) => u.number < t.number && fraction(u) === below);
    assert.ok(earlier.some((u) => key(u) === key(t)), `trial #${t.number} at ${fraction(t)} was scored at ${below} first`);
    // The promoted one was the best of its rung among those not promoted yet.
    const promotedBefore = new Set(result.trials.filter((u) => u.number < t.number && fraction(u) === fraction(t)).map(key));
    const candidates = earlier.filter((u) => !promotedBefore.has(key(u)));
    assert.equal(key(t), key(candidates.reduce((a, b) => (b.value! > a.value! ? b : a))));
  }
  assert.ok(result.leaderboard.every((f) => f.scored === result.trials.filter((t) => t.params.family === f.family && fraction(t) === 1).length));
});

test("grouped folds never put one group on both sides", () => {
  const data = tabular(240);
  const cols = columnSource(data);
  const plan = planColumns(cols, { target: "label", groups: "group" });
  const groups = cols.get("group");
  const folds = makeFolds(cols.n, plan, cols, { target: "label", groups: "group" }, 4, 0);
  assert.equal(folds.length, 4);
  for (const f of folds) {
    const train = new Set(f.train.map((i) => groups[i]));
    assert.ok(f.test.every((i) => !train.has(groups[i])), "a test group also in training");
  }
  assert.deepEqual(folds.flatMap((f) => f.test).sort((x, y) => x - y), Array.from({ length: 240 }, (_, i) => i), "every row is tested once");
});

test("a text column becomes TF-IDF (recognised without being named), searched with the families that take sparse input", async () => {
  const data = texts(400);
  // Arquero tables, as loadBrown and groupSplit give them (held-out rows too: evaluate() runs on them).
  const table = (rows: typeof data) => makeTable({ body: rows.map((r) => r.body), label: rows.map((r) => r.label) });
  const result = await automl(table(data.slice(0, 300)), { target: "label", timeBudget: 5, test: table(data.slice(300)), families: ["nb", "lr", "gbdt"], cv: 3 });
  assert.ok(result.r.evaluation, "evaluated on the held-out table");
  assert.deepEqual(result.r.notes, ["'body' is read as text (long, mostly distinct strings): TF-IDF features"]);
  assert.ok(result.testScore! > 0.85, `held-out f1 ${result.testScore}`);
  assert.ok(result.trials.some((t) => "tfidf.maxFeatures" in t.params));
  const plan = planColumns(columnSource(data), { target: "label" });
  assert.equal(plan.columns.text, "body");
  await assert.rejects(() => automl(data, { target: "label", families: ["tree"], timeBudget: 2, track: false }), /none of tree can learn from this data \(text needs a family that takes sparse input: nb, lr, gbdt or mlp\)/);
});

test("regression: a numeric target is predicted with r2; the linear truth is found", async () => {
  const rng = new Random(9);
  const data = Array.from({ length: 300 }, () => {
    const x1 = rng.float() * 10, x2 = rng.float() * 10;
    return { x1, x2, y: 3 * x1 - 2 * x2 + rng.float() };
  });
  const result = await automl(data.slice(0, 240), { target: "y", timeBudget: 4, test: data.slice(240), track: false });
  assert.equal(result.r.task, "regression");
  assert.equal(result.r.metric, "r2");
  assert.ok(["ridge", "lasso"].includes(result.best.family), result.best.family);
  assert.ok(result.testScore! > 0.98, `r2 ${result.testScore}`);
  assert.equal(result.r.baseline.name, "mean");
});

test("bad input: each refused with what to do", async () => {
  const data = tabular(60);
  const cases: Array<[Record<string, unknown>, RegExp, unknown?]> = [
    [{ target: "genre" }, /no target column 'genre': the data has 'a', 'b', 'c', 'noise', 'group', 'label'/],
    [{ target: "label", families: ["lr", "xgboost"] }, /unknown family 'xgboost' for classification: use nb, lr, knn, tree, gbdt, mlp/],
    [{ target: "label", timeBudget: 0.2 }, /a budget of 200 ms is too small for any fit: give at least 1 s/],
    [{ target: "label", metric: "f2" }, /unknown metric 'f2': use one of accuracy/],
    [{ target: "label", groups: "nope" }, /no groups column 'nope'/],
    [{ target: "label" }, /'label' has one class \(neg\): there is nothing to learn/, data.map((d) => ({ ...d, label: "neg" }))],
    [{ target: "label" }, /column 'empty' has no values \(all missing\): drop it or pass ignore: \["empty"\]/, data.map((d) => ({ ...d, empty: NaN }))],
    [{ target: "label" }, /3 of 60 rows have no 'label': drop them first/, data.map((d, i) => ({ ...d, label: i < 3 ? null : d.label }))],
    [{ target: "label", maxTrials: 0 }, /maxTrials must be a whole number ≥ 1/],
  ];
  for (const [options, message, rows] of cases) {
    await assert.rejects(() => automl(rows ?? data, { track: false, ...options } as any), message, JSON.stringify(options));
  }
  // A study name already taken: refused, and the automl run it had started ends as failed.
  await automl(data, { target: "label", maxTrials: 2, families: ["lr"], name: "taken", ignore: ["group"] });
  await assert.rejects(() => automl(data, { target: "label", maxTrials: 2, families: ["lr"], name: "taken", ignore: ["group"] }), /a study named 'taken' already exists: choose another name/);
  const runs = (await track.listRuns({ where: "name = 'taken' and tags contains automl" })).runs;
  assert.deepEqual(runs.map((r) => r.status).sort(), ["failed", "finished"]);
});
