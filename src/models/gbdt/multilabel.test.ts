// Multi-label boosted trees: one ensemble per label over one binning of X. Each label's ensemble is
// exactly the binary classifier fitted on that label alone; label sets and 0/1 rows come back in
// their own form; contributions, importance, saving and evaluate() work; bad targets are clear errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { denseSplit, textSplit } from "../../../tests/fixtures/modelData";
import { InvalidInputError } from "../../errors";
import { MIME } from "../../display";
import { evaluate } from "../../evaluate";
import type { Label } from "../../labels";
import { f1 } from "../../metrics";
import { HistGradientBoostingClassifier, modelFromJSON } from "../index";

/** Wine as label sets: its class, and whether alcohol (column 0) is above 13. */
const wine = denseSplit("wine");
const wineSets = (X: number[][], y: readonly Label[]) => y.map((c, i) => [...(c === 0 ? ["first"] : []), ...(c === 2 ? ["third"] : []), ...(X[i][0] > 13 ? ["strong"] : [])]);
const column = (rows: number[][], k: number) => rows.map((r) => r[k]);

test("each label's ensemble is the binary classifier fitted on that label alone (dense and sparse, weights, subsampled rows)", () => {
  const cases = [
    { X: wine.Xtrain, Xtest: wine.Xtest, y: wineSets(wine.Xtrain, wine.ytrain), params: { maxIter: 12, maxDepth: 3, lambda: 1, minSamplesLeaf: 5 } },
    { X: wine.Xtrain, Xtest: wine.Xtest, y: wineSets(wine.Xtrain, wine.ytrain), params: { maxIter: 8, classWeight: "balanced" as const, scalePosWeight: 2 }, sampleWeight: wine.Xtrain.map((_, i) => 1 + (i % 3)) },
  ];
  const text = textSplit("tfidf");
  const gnu = (y: readonly Label[]) => y.map((l) => [...(/^(GPL|LGPL|GFDL)/.test(String(l)) ? ["gnu"] : []), ...(/^(GPL|LGPL|GFDL|MPL)/.test(String(l)) ? ["copyleft"] : [])]);
  cases.push({ X: text.Xtrain as any, Xtest: text.Xtest as any, y: gnu(text.ytrain), params: { maxIter: 10, subsample: 0.7, randomState: 3 } as any });
  for (const c of cases) {
    const model = new HistGradientBoostingClassifier({ ...c.params, earlyStopping: false }).fit(c.X, c.y, { sampleWeight: c.sampleWeight });
    assert.ok(model.multiLabel);
    const margins = model.decisionFunction(c.Xtest);
    const proba = model.predictProba(c.Xtest);
    model.classes.forEach((label, k) => {
      const binary = new HistGradientBoostingClassifier({ ...c.params, earlyStopping: false, nThreads: 1 }).fit(c.X, c.y.map((s) => (s.includes(label as string) ? 1 : 0)), { sampleWeight: c.sampleWeight });
      assert.deepEqual(column(margins, k), binary.decisionFunction(c.Xtest).map((r) => r[0]), `label ${label}: margins`);
      assert.deepEqual(column(proba, k), binary.predictProba(c.Xtest).map((r) => r[1]), `label ${label}: probabilities`);
    });
  }
});

test("label sets in, label sets out; 0/1 rows in, 0/1 rows out; contributions, importance, JSON round trip, evaluate()", async () => {
  const ytrain = wineSets(wine.Xtrain, wine.ytrain);
  const ytest = wineSets(wine.Xtest, wine.ytest);
  const model = new HistGradientBoostingClassifier({ maxIter: 20, earlyStopping: false }).fit(wine.Xtrain, ytrain);
  assert.deepEqual(model.classes, ["first", "strong", "third"]);
  const predicted = model.predict(wine.Xtest) as unknown as Label[][];
  const margins = model.decisionFunction(wine.Xtest);
  predicted.forEach((set, i) => assert.deepEqual(set, model.classes.filter((_, k) => margins[i][k] > 0)));
  assert.ok(f1(ytest, predicted, { average: "micro" }) > 0.85);
  assert.match(model[MIME]()["text/plain"] as string, /fitted: 3 labels, 13 features, 20 iterations, 60 trees/);

  // TreeSHAP per label: each row's values sum to that label's margin.
  const phi = model.contributions(wine.Xtest.slice(0, 5));
  phi.forEach((perLabel, i) => perLabel.forEach((p, k) => assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - margins[i][k]) < 1e-9)));
  assert.equal(phi[0].length, 3);
  const top = model.featureImportances("totalGain", { top: 3 });
  assert.ok(top.some((f) => f.feature === 0), "alcohol decides the 'strong' label");

  const again = modelFromJSON(JSON.parse(JSON.stringify(model))) as HistGradientBoostingClassifier;
  assert.deepEqual(again.predict(wine.Xtest), model.predict(wine.Xtest));
  assert.deepEqual(again.predictProba(wine.Xtest), model.predictProba(wine.Xtest));
  assert.ok(again.multiLabel);

  const result = await evaluate(model, wine.Xtest, ytest, { log: false });
  assert.equal(result.task, "multilabel");
  assert.equal(result.metrics.example_count, wine.Xtest.length);

  // 0/1 rows: the labels are the columns, and predictions are 0/1 rows.
  const rows = ytrain.map((s) => model.classes.map((l) => (s.includes(l as string) ? 1 : 0)));
  const ind = new HistGradientBoostingClassifier({ maxIter: 20, earlyStopping: false }).fit(wine.Xtrain, rows);
  assert.deepEqual(ind.classes, [0, 1, 2]);
  assert.deepEqual(ind.decisionFunction(wine.Xtest), margins);
  assert.deepEqual(ind.predict(wine.Xtest), predicted.map((s) => model.classes.map((l) => (s.includes(l) ? 1 : 0))));
});

test("multi-label early stopping on a validation set or a held-out share", () => {
  const y = wineSets(wine.Xtrain, wine.ytrain);
  const withVal = new HistGradientBoostingClassifier({ maxIter: 200, nIterNoChange: 3 }).fit(wine.Xtrain, y, { Xval: wine.Xtest, yval: wineSets(wine.Xtest, wine.ytest) });
  assert.equal(withVal.validationLoss.length, withVal.nIter + 1);
  assert.ok(withVal.nIter < 200);
  const held = new HistGradientBoostingClassifier({ maxIter: 200, earlyStopping: true, nIterNoChange: 3, randomState: 0 }).fit(wine.Xtrain, y);
  assert.ok(held.nIter < 200 && held.validationLoss.length === held.nIter + 1);
});

test("bad multi-label targets are clear errors", () => {
  const check = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InvalidInputError && message.test((e as Error).message));
  const X = wine.Xtrain;
  const sets = wineSets(X, wine.ytrain);
  const model = () => new HistGradientBoostingClassifier({ maxIter: 2, earlyStopping: false });
  check(() => model().fit(X, sets.map((s, i) => (i === 4 ? "first" : s)) as any), /y\[4\] is "first" but y\[0\] is a label set/);
  check(() => model().fit(X, sets.map(() => [])), /every label set in y is empty/);
  check(() => model().fit(X, sets.slice(1)), /but y has/);
  check(() => new HistGradientBoostingClassifier({ classWeight: { first: 2 } }).fit(X, sets), /with label sets use "balanced" or scalePosWeight/);
  check(() => model().fit(X, sets, { Xval: wine.Xtest, yval: wine.ytest }), /yval does not/);
  const rows = sets.map((s) => [s.includes("first") ? 1 : 0, s.includes("third") ? 1 : 0]);
  check(() => model().fit(X, rows, { Xval: wine.Xtest, yval: wine.Xtest.map(() => [0, 1, 0]) }), /has 3 indicator columns; the model has 2/);
});
