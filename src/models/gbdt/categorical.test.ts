// Categorical features in the boosted trees (categoricalFeatures) against scikit-learn's
// categorical_features, on synthetic data where categories matter (tests/fixtures/make_gbdt_fixtures.py):
// the split search is sklearn's (categories sorted by G / (H + 10), scanned from both ends), so test
// predictions agree to 1e-6, and declaring the columns categorical beats reading their codes as
// numbers or one-hot encoding them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture } from "../../../tests/fixtures/sklearn";
import { camelParams } from "../../../tests/fixtures/modelData";
import { InvalidInputError } from "../../errors";
import { CsrMatrix } from "../../features";
import { accuracy, r2 } from "../../metrics";
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor, modelFromJSON } from "../index";

const gbdt = loadFixture("gbdt");
const d = gbdt.datasets.categorical;
const X: number[][] = d.X.map((r: (number | null)[]) => r.map((v) => (v === null ? NaN : v)));
const pick = <T>(a: readonly T[], idx: readonly number[]) => idx.map((i) => a[i]);
const Xtrain = pick(X, d.train);
const Xtest = pick(X, d.test);
const ytrain: number[] = pick(d.y, d.train);
const ytest: number[] = pick(d.y, d.test);
const ctrain: number[] = pick(d.y_class, d.train);
const ctest: number[] = pick(d.y_class, d.test);
const worst = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))));

/** The two categorical columns one-hot encoded (a missing or unseen category: all zeros), the numeric ones kept. */
function oneHot(rows: number[][]): number[][] {
  const levels = [0, 1].map((j) => [...new Set(Xtrain.map((r) => r[j]).filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b));
  return rows.map((r) => [...levels.flatMap((ls, j) => ls.map((v) => (r[j] === v ? 1 : 0))), r[2], r[3]]);
}

for (const c of gbdt.categorical) {
  const params = { ...camelParams(c.params), randomState: 0 };

  test(`HistGradientBoostingRegressor with categoricalFeatures predicts as sklearn's to 1e-6, and beats codes read as numbers and one-hot: ${JSON.stringify(c.params)}`, () => {
    const model = new HistGradientBoostingRegressor({ ...params, categoricalFeatures: [0, 1] }).fit(Xtrain, ytrain);
    const predicted = model.predict(Xtest);
    assert.ok(worst(predicted, c.regressor.predict) < 1e-6, `predictions differ by ${worst(predicted, c.regressor.predict)}`);
    const score = r2(ytest, predicted);
    const ordinal = r2(ytest, new HistGradientBoostingRegressor(params).fit(Xtrain, ytrain).predict(Xtest));
    const onehot = r2(ytest, new HistGradientBoostingRegressor(params).fit(oneHot(Xtrain), ytrain).predict(oneHot(Xtest)));
    assert.ok(Math.abs(ordinal - c.regressor.ordinal_r2) < 1e-6, "codes read as numbers score as sklearn's do");
    // Deterministic on both sides: the margins are the measured gaps (≈0.06 and ≈0.01), rounded down.
    assert.ok(score > ordinal + 0.05 && score > onehot + 0.005, `R² categorical ${score}, codes as numbers ${ordinal}, one-hot ${onehot}`);
  });

  test(`HistGradientBoostingClassifier with categoricalFeatures gives sklearn's probabilities to 1e-6, on any number of threads: ${JSON.stringify(c.params)}`, () => {
    // As one boolean per column, the other way to name them.
    const fit = (nThreads: number) => new HistGradientBoostingClassifier({ ...params, nThreads, categoricalFeatures: [true, true, false, false] }).fit(Xtrain, ctrain);
    const model = fit(1);
    const proba = model.predictProba(Xtest);
    const diff = Math.max(...proba.map((row, i) => worst(row, c.classifier.predict_proba[i])));
    assert.ok(diff < 1e-6, `probabilities differ by ${diff}`);
    assert.deepEqual(fit(2).predictProba(Xtest), proba);
    const acc = accuracy(ctest, model.predict(Xtest));
    assert.equal(acc, c.classifier.accuracy);
    assert.ok(acc > c.classifier.ordinal_accuracy, `accuracy ${acc} vs codes read as numbers ${c.classifier.ordinal_accuracy}`);
  });
}

test("a categorical model: unseen categories read as missing, contributions sum to the margin, importance, JSON round trip", () => {
  const model = new HistGradientBoostingRegressor({ maxIter: 20, randomState: 0, categoricalFeatures: [0, 1] }).fit(Xtrain, ytrain);
  // Category 99 never occurs in training: it goes where a missing value goes.
  const unseen = Xtest.map((r) => [99, ...r.slice(1)]);
  const missing = Xtest.map((r) => [NaN, ...r.slice(1)]);
  assert.deepEqual(model.predict(unseen), model.predict(missing));
  const margins = model.predict(Xtest.slice(0, 30));
  model.contributions(Xtest.slice(0, 30)).forEach((row, i) => {
    const sum = row[0].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - margins[i]) < 1e-9, `row ${i}: contributions sum to ${sum}, margin ${margins[i]}`);
  });
  const importance = model.featureImportances("gain");
  assert.equal(importance[0].feature, 0, "the 30-category column matters most");
  const revived = modelFromJSON(JSON.parse(JSON.stringify(model))) as HistGradientBoostingRegressor;
  assert.deepEqual(revived.predict(Xtest), model.predict(Xtest));
  assert.deepEqual(revived.predict(unseen), model.predict(unseen));
  // XGBoost's JSON holds the categorical splits (checked against real xgboost in xgboost.test.ts).
  assert.ok(JSON.parse(model.toXGBoost()).learner.gradient_booster.model.trees[0].split_type.includes(1));
});

test("categoricalFeatures: bad settings and inputs are clear errors that say what to do", () => {
  const check = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InvalidInputError && message.test((e as Error).message), String(message));
  check(() => new HistGradientBoostingRegressor({ categoricalFeatures: [0, -1] }), /categoricalFeatures must be column indices \(whole numbers ≥ 0\) or one boolean per column/);
  check(() => new HistGradientBoostingRegressor({ categoricalFeatures: ["colour"] as any }), /categoricalFeatures must be column indices/);
  check(() => new HistGradientBoostingRegressor({ categoricalFeatures: [1, 1] }), /names a column twice/);
  check(() => new HistGradientBoostingRegressor({ categoricalFeatures: [7] }).fit(Xtrain, ytrain), /categoricalFeatures names column 7, but X has 4 features \(columns 0 to 3\)/);
  check(() => new HistGradientBoostingClassifier({ categoricalFeatures: [true, false] }).fit(Xtrain, ctrain), /categoricalFeatures has 2 booleans but X has 4 features: give one per column/);
  check(() => new HistGradientBoostingRegressor({ maxBins: 16, categoricalFeatures: [0] }).fit(Xtrain, ytrain), /categorical feature 0 has 30 categories, more than maxBins \(16\): group the rare ones/);
  check(() => new HistGradientBoostingRegressor({ categoricalFeatures: [0] }).fit(CsrMatrix.fromDense(Xtrain.map((r) => r.map((v) => (Number.isNaN(v) ? 0 : v)))), ytrain), /categoricalFeatures needs dense X/);
});
