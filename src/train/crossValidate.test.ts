import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { crossValidate, crossValidateTrial, CrossValidation } from "./crossValidate";
import { GroupKFold, KFold } from "../data/split";
import { LinearRegression, MultinomialNB } from "../models";
import { InvalidInputError } from "../errors";
import { MIME } from "../display";
import * as track from "../track";
import { createStudy, int } from "../tune";
import { assertClose } from "../../tests/fixtures/sklearn";

// tests/fixtures/make_cv_fixtures.py: scikit-learn's cross_validate on the same data and folds.
const fx = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../tests/fixtures/sklearn/cv.json"), "utf8"));
const { X, y, groups } = fx.counts as { X: number[][]; y: string[]; groups: number[] };
const reg = fx.regression as { X: number[][]; y: number[] };

function checkAgainst(cv: CrossValidation, expected: Record<string, unknown>, where: string) {
  for (const m of cv.metrics) {
    assertClose(cv.scores(m), expected[`test_${m}`], `${where} test_${m}`);
    if (expected[`train_${m}`]) assertClose(cv.toJSON()[`train_${m}`], expected[`train_${m}`], `${where} train_${m}`);
  }
}

test("cv=5 on a classifier is scikit-learn's StratifiedKFold(5): same folds, same scores as cross_validate", async () => {
  const seen: number[][] = [];
  const cv = await crossValidate(() => new MultinomialNB({ alpha: 0.5 }), X, y, {
    metrics: ["accuracy", "f1_macro", "neg_log_loss"],
    returnTrainScore: true,
    onFold: (_f, k) => void seen.push([k]),
  });
  assert.deepEqual(seen, [[0], [1], [2], [3], [4]]);
  checkAgainst(cv, fx.nb_stratified, "nb stratified");
  assert.equal(cv.folds.length, 5);
  assert.ok(cv.folds.every((f) => f.fitTime >= 0 && f.scoreTime >= 0));
  const acc = fx.nb_stratified.test_accuracy as number[];
  const m = acc.reduce((a, b) => a + b, 0) / acc.length;
  assertClose(cv.mean("accuracy"), m, "mean");
  assertClose(cv.std("accuracy"), Math.sqrt(acc.reduce((a, b) => a + (b - m) ** 2, 0) / acc.length), "std (ddof 0)");
  assert.match(String(cv[MIME]()["text/plain"]), /accuracy .* ± /);
});

test("groups with a fold count is GroupKFold: scikit-learn's folds and scores", async () => {
  const cv = await crossValidate(() => new MultinomialNB({ alpha: 0.5 }), X, y, { cv: 4, groups, metrics: ["accuracy", "f1_macro", "neg_log_loss"] });
  checkAgainst(cv, fx.nb_group, "nb group");
  const folds = new GroupKFold({ nSplits: 4 }).split(X, groups);
  assert.deepEqual(folds.map((f) => f.test), fx.nb_group.folds);
  // No group on both sides of any fold.
  for (const f of folds) {
    const test = new Set(f.test.map((i) => groups[i]));
    assert.ok(f.train.every((i) => !test.has(groups[i])));
  }
  // The same by splitter and by explicit folds.
  const bySplitter = await crossValidate(() => new MultinomialNB({ alpha: 0.5 }), X, y, { cv: new GroupKFold({ nSplits: 4 }), groups, metrics: "accuracy" });
  const byFolds = await crossValidate(() => new MultinomialNB({ alpha: 0.5 }), X, y, { cv: folds, metrics: "accuracy" });
  assert.deepEqual(bySplitter.scores(), cv.scores("accuracy"));
  assert.deepEqual(byFolds.scores(), cv.scores("accuracy"));
});

test("cv=5 on a regressor is KFold(5): r2 and negated errors as cross_validate gives them", async () => {
  const cv = await crossValidate(() => new LinearRegression(), reg.X, reg.y, { metrics: ["r2", "neg_mean_squared_error", "neg_mean_absolute_error"], returnTrainScore: true });
  checkAgainst(cv, fx.linear_kfold, "linear kfold");
  assert.deepEqual(new KFold({ nSplits: 5 }).split(reg.X).map((f) => f.test), fx.linear_kfold.folds);
  const byDefault = await crossValidate(() => new LinearRegression(), reg.X, reg.y);
  assert.deepEqual(byDefault.metrics, ["r2"]);
  assert.deepEqual(byDefault.scores(), cv.scores("r2"));
  const custom = await crossValidate(() => new LinearRegression(), reg.X, reg.y, { metrics: { half: (m, Xs, ys) => m.predict(Xs).length / ys.length / 2 } });
  assert.deepEqual(custom.scores("half"), [0.5, 0.5, 0.5, 0.5, 0.5]);
});

test("bad input is a clear error", async () => {
  const nb = () => new MultinomialNB();
  await assert.rejects(crossValidate(nb, X, y.slice(1)), /X has 90 samples but y has 89/);
  await assert.rejects(crossValidate(nb, X, y, { metrics: "acuracy" }), (e: Error) => e instanceof InvalidInputError && /unknown metric "acuracy": use one of accuracy/.test(e.message));
  await assert.rejects(crossValidate(nb, X, y, { cv: 1 }), /cv must be a number of folds ≥ 2/);
  await assert.rejects(crossValidate(nb, X, y, { cv: new GroupKFold({ nSplits: 3 }) }), /GroupKFold needs groups/);
  await assert.rejects(crossValidate(nb, X, y, { groups: groups.slice(2) }), /groups has 88 values for 90 rows/);
  await assert.rejects(crossValidate(() => new LinearRegression(), reg.X, reg.y, { metrics: "neg_log_loss" }), /neg_log_loss needs predictProba/);
  await assert.rejects(crossValidate(new MultinomialNB() as any, X, y), /takes a function that makes a fresh estimator/);
});

test("a cross-validated sweep objective reports each fold, and the pruner stops a poor trial after fold k", async () => {
  await track.useStore(`sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-cv-")), "store.db")}`);
  // alpha = 1000 flattens MultinomialNB into guessing; the median pruner stops it once it has
  // seen other trials at the same fold.
  const study = await createStudy({ name: "cv", space: { alpha: int(0, 1) }, direction: "max", metric: "accuracy", pruner: "median", prunerOptions: { nStartupTrials: 2, nWarmupSteps: 0 }, track: false });
  for (const a of [0, 0, 1]) await study.enqueue({ alpha: a });
  await study.optimize((p, trial) => crossValidateTrial(trial, () => new MultinomialNB({ alpha: p.alpha ? 1000 : 0.5 }), X, y, { cv: 5 }), { trials: 3 });
  const [good, again, poor] = study.trials;
  assert.equal(good.state, "complete");
  assert.deepEqual([...good.intermediate.keys()], [0, 1, 2, 3, 4]);
  const acc = fx.nb_stratified.test_accuracy as number[];
  // Step k holds the mean of folds 0..k; the last one is the trial's value.
  assertClose(good.intermediate.get(1), (acc[0] + acc[1]) / 2, "running mean");
  assertClose(good.value, acc.reduce((a, b) => a + b, 0) / 5, "value");
  assert.equal(again.state, "complete");
  assert.equal(poor.state, "pruned");
  assert.deepEqual([...poor.intermediate.keys()], [0], "stopped after the first fold");
});
