// Autolog: a fit inside an active run records params, fit_time, model_size and its per-iteration
// losses; nested fits log once, for the outer estimator; autolog(false) and no run record nothing.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { denseSplit } from "../../tests/fixtures/modelData";
import * as track from "../track";
import type { Store } from "../track";
import { learningCurve } from "../train/learningCurve";
import { HistGradientBoostingClassifier, LinearRegression, LogisticRegression, MultinomialNB, OneVsRestClassifier, autolog } from "./index";
import { flattenParams } from "./autolog";
import { recorded as record } from "../../tests/support/recorded";

let st: Store;
const iris = denseSplit("iris", "standardised");

before(async () => {
  st = await track.useStore(`sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-autolog-")), "store.db")}`);
});

/** Runs `fn` in a fresh run and returns what the run recorded. */
const recorded = (fn: () => unknown) => record(st, fn, "autolog");

test("LogisticRegression: params, fit_time, model_size and the L-BFGS objective per iteration", async () => {
  let model!: LogisticRegression;
  const { detail, history } = await recorded(() => (model = new LogisticRegression({ C: 0.5, maxIter: 50 }).fit(iris.Xtrain, iris.ytrain)));
  assert.deepEqual(detail.params, { estimator_name: "LogisticRegression", C: 0.5, fitIntercept: true, maxIter: 50, tol: 1e-4 });
  assert.ok(detail.metrics.fit_time.last > 0 && detail.metrics.fit_time.last < 30);
  assert.equal(detail.metrics.model_size.last, Buffer.byteLength(JSON.stringify(model.toJSON())));
  const loss = model.lossCurve;
  assert.equal(loss.length, model.nIter + 1);
  assert.ok(loss.every((v, i) => i === 0 || v <= loss[i - 1]), "L-BFGS never raises the objective");
  assert.deepEqual(await history("loss"), loss.map((v, i) => [i, v]));
});

test("a boosted model: its rounds' loss and val_loss as they are made, once, with params and size", async () => {
  const s = denseSplit("wine");
  let model!: HistGradientBoostingClassifier;
  const { detail, history } = await recorded(() => (model = new HistGradientBoostingClassifier({ maxIter: 8, earlyStopping: false }).fit(s.Xtrain, s.ytrain, { Xval: s.Xtest, yval: s.ytest })));
  assert.equal(detail.params.estimator_name, "HistGradientBoostingClassifier");
  assert.equal(detail.params.maxIter, 8);
  assert.equal(detail.metrics.fit_time.count, 1);
  assert.equal(detail.metrics.model_size.last, Buffer.byteLength(JSON.stringify(model.toJSON())));
  assert.deepEqual(await history("loss"), model.trainLoss.slice(1).map((v, i) => [i + 1, v]));
  assert.deepEqual((await history("val_loss")).map(([, v]) => v), model.validationLoss.slice(1));
});

test("two families in one run: the first logs plain names, the second under its own, so neither overwrites the other", async () => {
  const s = denseSplit("wine");
  let lr!: LogisticRegression;
  let hgb!: HistGradientBoostingClassifier;
  const { detail, history } = await recorded(() => {
    hgb = new HistGradientBoostingClassifier({ maxIter: 5, earlyStopping: false }).fit(s.Xtrain, s.ytrain);
    lr = new LogisticRegression({ C: 2, maxIter: 20 }).fit(s.Xtrain, s.ytrain);
    new HistGradientBoostingClassifier({ maxIter: 3, earlyStopping: false }).fit(s.Xtrain, s.ytrain); // the first family again: plain names
  });
  assert.equal(detail.params.estimator_name, "HistGradientBoostingClassifier");
  assert.equal(detail.params["LogisticRegression.estimator_name"], "LogisticRegression");
  assert.equal(detail.params["LogisticRegression.C"], 2);
  assert.equal(detail.params.maxIter, 3, "a refit of the first family updates its params");
  assert.equal(detail.metrics.fit_time.count, 2);
  assert.equal(detail.metrics["LogisticRegression/fit_time"].count, 1);
  assert.equal(detail.metrics["LogisticRegression/model_size"].last, Buffer.byteLength(JSON.stringify(lr.toJSON())));
  assert.deepEqual(await history("LogisticRegression/loss"), lr.lossCurve.map((v, i) => [i, v]));
  // The trees' loss curve holds only the trees' rounds (5, then 3 more of the refit).
  assert.equal((await history("loss")).length, 5 + 3);
  const values = (await history("loss")).map(([, v]) => v);
  for (const v of hgb.trainLoss.slice(1)) assert.ok(values.includes(v), `round loss ${v} of the first fit is in the curve`);
});

test("autolog(false) records nothing, autolog(true) turns it back on; { iterations: false } keeps all but the per-iteration losses", async () => {
  try {
    assert.deepEqual(autolog(false), { enabled: false, iterations: true });
    const off = await recorded(() => new LogisticRegression().fit(iris.Xtrain, iris.ytrain));
    assert.deepEqual(off.detail.params, {});
    assert.deepEqual(off.detail.metrics, {});
    const boostedOff = await recorded(() => new HistGradientBoostingClassifier({ maxIter: 3, earlyStopping: false }).fit(iris.Xtrain, iris.ytrain));
    assert.deepEqual(boostedOff.detail.metrics, {});

    assert.deepEqual(autolog({ enabled: true, iterations: false }), { enabled: true, iterations: false });
    const quiet = await recorded(() => new HistGradientBoostingClassifier({ maxIter: 3, earlyStopping: false }).fit(iris.Xtrain, iris.ytrain));
    assert.deepEqual(Object.keys(quiet.detail.metrics).sort(), ["fit_time", "model_size"]);
    assert.equal(quiet.detail.params.maxIter, 3);
  } finally {
    autolog({ enabled: true, iterations: true });
  }
  assert.deepEqual(autolog(), { enabled: true, iterations: true });
  const on = await recorded(() => new MultinomialNB({ alpha: 0.5 }).fit(iris.Xtrain.map((r) => r.map(Math.abs)), iris.ytrain));
  assert.deepEqual(on.detail.params, { estimator_name: "MultinomialNB", alpha: 0.5, fitPrior: true, classPrior: null });
  assert.throws(() => autolog({ iteration: false } as never), /unknown autolog setting 'iteration': use enabled or iterations/);
});

test("outside a run nothing is logged and nothing fails", async () => {
  const before = await st.countRuns({});
  const model = new LogisticRegression().fit(iris.Xtrain, iris.ytrain);
  new LinearRegression().fit(iris.Xtrain, iris.Xtrain.map((r) => r[0]));
  new HistGradientBoostingClassifier({ maxIter: 2, earlyStopping: false }).fit(iris.Xtrain, iris.ytrain);
  assert.ok(model.lossCurve.length > 1);
  assert.equal(await st.countRuns({}), before);
});

test("a fit inside another logs once, for the outer estimator, its inner settings as estimator.* params", async () => {
  const sets = iris.ytrain.map((c) => (c === 0 ? ["setosa"] : c === 1 ? ["versicolor", "coloured"] : ["virginica", "coloured"]));
  const ovr = await recorded(() => new OneVsRestClassifier(new LogisticRegression({ C: 3 })).fit(iris.Xtrain, sets));
  assert.deepEqual(ovr.detail.params, { estimator_name: "OneVsRestClassifier", estimator: "LogisticRegression", "estimator.C": 3, "estimator.fitIntercept": true, "estimator.maxIter": 100, "estimator.tol": 1e-4 });
  assert.equal(ovr.detail.metrics.fit_time.count, 1);
  assert.equal(ovr.detail.metrics.loss, undefined, "the per-label models' iterations are not the outer fit's");
  const boosted = await recorded(() => new OneVsRestClassifier(new HistGradientBoostingClassifier({ maxIter: 3, earlyStopping: false })).fit(iris.Xtrain, sets));
  assert.deepEqual(Object.keys(boosted.detail.metrics).sort(), ["fit_time", "model_size"]);
  assert.equal(boosted.detail.params["estimator.maxIter"], 3);
  // A learning curve's refits are not fits of the run's model.
  const curve = await recorded(() => learningCurve(() => new LogisticRegression(), iris.Xtrain, iris.ytrain, { cv: 3, sizes: [0.5, 1] }));
  assert.deepEqual(curve.detail.metrics, {});
  assert.deepEqual(curve.detail.params, {});
});

test("flattenParams: a nested saved model's kind under its key and its settings under key.name; plain values as they are", () => {
  const inner = new LogisticRegression({ C: 2 }).toJSON();
  assert.deepEqual(flattenParams({ estimator: inner, classWeight: { a: 2 }, hidden: [8, 4], skip: undefined }), {
    estimator: "LogisticRegression", "estimator.C": 2, "estimator.fitIntercept": true, "estimator.maxIter": 100, "estimator.tol": 1e-4, classWeight: { a: 2 }, hidden: [8, 4],
  });
});
