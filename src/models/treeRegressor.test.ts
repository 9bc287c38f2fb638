// DecisionTreeRegressor against scikit-learn's on the diabetes data (fixtures from
// tests/fixtures/make_gbdt_fixtures.py): depth-limited trees, squared or absolute error, predict the same to 1e-6 (with and
// without sample weights; the script checks that no seed-broken tie decides them), the unlimited
// tree scores the same mean R² over seeds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture } from "../../tests/fixtures/sklearn";
import { camelParams } from "../../tests/fixtures/modelData";
import { InvalidInputError } from "../errors";
import { r2 } from "../metrics";
import { DecisionTreeRegressor } from "./index";

const gbdt = loadFixture("gbdt");
const d = gbdt.datasets.diabetes;
const Xtrain: number[][] = d.train.map((i: number) => d.X[i]);
const ytrain: number[] = d.train.map((i: number) => d.y[i]);
const Xtest: number[][] = d.test.map((i: number) => d.X[i]);
const ytest: number[] = d.test.map((i: number) => d.y[i]);
// The fixture's weights: 1, 2, 3, 1, 2, 3, … over the training rows.
const weights = ytrain.map((_, i) => 1 + (i % 3));

for (const c of gbdt.tree) {
  test(`DecisionTreeRegressor ${JSON.stringify(c.params)}${c.weighted ? " with sample weights" : ""} predicts as sklearn's to 1e-6`, () => {
    const model = new DecisionTreeRegressor({ ...camelParams(c.params), randomState: 0 }).fit(Xtrain, ytrain, { sampleWeight: c.weighted ? weights : null });
    assert.equal(model.nodeCount, c.node_count);
    assert.equal(model.depth, c.depth);
    const predicted = model.predict(Xtest);
    const worst = Math.max(...predicted.map((v, i) => Math.abs(v - c.predict[i]) / Math.max(1, Math.abs(c.predict[i]))));
    assert.ok(worst < 1e-6, `predictions differ by ${worst}`);
  });
}

test(`an unlimited DecisionTreeRegressor scores sklearn's mean test R² over ${gbdt.tree_unlimited.n_seeds} seeds (within 0.03)`, () => {
  // Small nodes tie between features, and each side breaks ties by its own seeded feature order;
  // one fit's R² varies by ~0.03 over seeds, so the mean of 10 is within 0.01 to one standard error.
  const { n_seeds, mean_r2 } = gbdt.tree_unlimited;
  let mean = 0;
  for (let seed = 0; seed < n_seeds; seed++) mean += r2(ytest, new DecisionTreeRegressor({ randomState: seed }).fit(Xtrain, ytrain).predict(Xtest)) / n_seeds;
  assert.ok(Math.abs(mean - mean_r2) <= 0.03, `mean R² ${mean} vs sklearn ${mean_r2}`);
});

test("an unlimited tree fits its training targets exactly; limits are respected; a leaf predicts its samples' mean", () => {
  const full = new DecisionTreeRegressor({ randomState: 0 }).fit(Xtrain, ytrain);
  assert.deepEqual(full.predict(Xtrain), ytrain);
  assert.equal(full.leafCount, (full.nodeCount + 1) / 2, "a binary tree");
  assert.equal(new DecisionTreeRegressor({ maxDepth: 0 }).fit(Xtrain, ytrain).predict([Xtest[0]])[0], ytrain.reduce((a, b) => a + b, 0) / ytrain.length);
  const leafy = new DecisionTreeRegressor({ minSamplesLeaf: 20, randomState: 0 }).fit(Xtrain, ytrain);
  const members = new Map<number, number[]>();
  leafy.apply(Xtrain).forEach((leaf, i) => members.set(leaf, [...(members.get(leaf) ?? []), ytrain[i]]));
  for (const [leaf, ys] of members) {
    assert.ok(ys.length >= 20, "every leaf holds ≥ minSamplesLeaf training samples");
    assert.ok(Math.abs(leafy.predict([Xtrain[leafy.apply(Xtrain).indexOf(leaf)]])[0] - ys.reduce((a, b) => a + b, 0) / ys.length) < 1e-9);
  }
});

test("absolute_error: a leaf predicts its samples' median (the middle two's mean for an even count), an unlimited tree fits its targets, JSON round trip", () => {
  const model = new DecisionTreeRegressor({ criterion: "absolute_error", minSamplesLeaf: 15, randomState: 0 }).fit(Xtrain, ytrain);
  const leaves = model.apply(Xtrain);
  const members = new Map<number, number[]>();
  leaves.forEach((leaf, i) => members.set(leaf, [...(members.get(leaf) ?? []), ytrain[i]]));
  for (const [leaf, ys] of members) {
    const sorted = [...ys].sort((a, b) => a - b);
    const m = sorted.length;
    const median = m % 2 ? sorted[(m - 1) / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
    assert.equal(model.predict([Xtrain[leaves.indexOf(leaf)]])[0], median);
  }
  const full = new DecisionTreeRegressor({ criterion: "absolute_error", randomState: 0 }).fit(Xtrain.slice(0, 120), ytrain.slice(0, 120));
  assert.deepEqual(full.predict(Xtrain.slice(0, 120)), ytrain.slice(0, 120));
  const revived = DecisionTreeRegressor.fromJSON(JSON.stringify(model));
  assert.equal(revived.params().criterion, "absolute_error");
  assert.deepEqual(revived.predict(Xtest), model.predict(Xtest));
});

test("DecisionTreeRegressor: bad input is a typed error that says what to do", () => {
  const check = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InvalidInputError && message.test((e as Error).message), String(message));
  check(() => new DecisionTreeRegressor({ criterion: "poisson" as any }), /unknown criterion "poisson": use one of "squared_error", "absolute_error"/);
  check(() => new DecisionTreeRegressor({ minSamplesSplit: 1 }), /minSamplesSplit must be ≥ 2/);
  check(() => new DecisionTreeRegressor().fit(Xtrain, ytrain.map((v, i) => (i === 3 ? NaN : v))), /y\[3\] is NaN: DecisionTreeRegressor needs a finite number per sample \(drop or impute rows/);
  check(() => new DecisionTreeRegressor().fit(Xtrain.map((r, i) => (i === 5 ? r.map(() => NaN) : r)), ytrain), /X\[5\]\[0\] is NaN: .* impute missing values/);
  check(() => new DecisionTreeRegressor().fit(Xtrain, ytrain, { sampleWeight: ytrain.map(() => 0) }), /every sampleWeight is 0/);
});
