import { test } from "node:test";
import assert from "node:assert/strict";
import { accuracy, f1 } from "../metrics";
import { caseSplit, denseSplit, models } from "../../tests/fixtures/modelData";
import { LogisticRegression, OneVsRestClassifier, modelFromJSON } from "./index";
import { minimizeLbfgs } from "./lbfgs";
import type { Label } from "../labels";

/** ‖a − b‖ / ‖b‖ over all entries. */
function relativeError(a: number[][], b: number[][]): number {
  let num = 0;
  let den = 0;
  a.forEach((row, i) => row.forEach((v, j) => ((num += (v - b[i][j]) ** 2), (den += b[i][j] ** 2))));
  return Math.sqrt(num / den);
}

function agreement(a: readonly unknown[], b: readonly unknown[]): number {
  return a.filter((v, i) => v === b[i]).length / a.length;
}

/** The case's target, turned into "label vs other" when the fixture asked for it. */
function target(y: Label[], vsRest: string | null): Label[] {
  return vsRest ? y.map((v) => (v === vsRest ? vsRest : "other")) : y;
}

for (const c of models.logistic) {
  test(`LogisticRegression lands on sklearn's lbfgs solution: ${c.name}`, () => {
    const s = caseSplit(c);
    const [ytrain, ytest] = [target(s.ytrain, c.vs_rest), target(s.ytest, c.vs_rest)];
    const params = { C: c.params.C, fitIntercept: c.params.fit_intercept ?? true };
    const model = new LogisticRegression({ ...params, tol: 1e-10, maxIter: 100000 }).fit(s.Xtrain, ytrain);
    assert.deepEqual(model.classes, c.classes);
    // Both minimise the same strictly convex objective, so they must find the same point.
    const coefError = relativeError(model.coef, c.coef);
    assert.ok(coefError < 1e-4, `coefficients: relative error ${coefError}`);
    if (params.fitIntercept) {
      const interceptError = relativeError([model.intercept], [c.intercept]);
      assert.ok(interceptError < 1e-4, `intercepts: relative error ${interceptError}`);
    } else {
      assert.ok(model.intercept.every((b) => b === 0));
    }
    const proba = model.predictProba(s.Xtest);
    const maxDiff = Math.max(...proba.flatMap((r, i) => r.map((p, k) => Math.abs(p - c.predict_proba[i][k]))));
    assert.ok(maxDiff < 1e-4, `probabilities differ by up to ${maxDiff}`);
    const predicted = model.predict(s.Xtest);
    assert.ok(agreement(predicted, c.predict) >= 0.99, `predictions agree on ${agreement(predicted, c.predict)}`);
    assert.ok(Math.abs(accuracy(ytest, predicted) - c.scores.accuracy) <= 0.01);
    assert.ok(Math.abs(f1(ytest, predicted, { average: "macro" }) - c.scores.macro_f1) <= 0.01);
    // With the default tol (1e-4) the scores match sklearn's default-tol fit within the 0.01.
    const quick = new LogisticRegression(params).fit(s.Xtrain, ytrain).predict(s.Xtest);
    assert.ok(Math.abs(accuracy(ytest, quick) - c.default_tol_scores.accuracy) <= 0.01, "default tol accuracy");
    assert.ok(Math.abs(f1(ytest, quick, { average: "macro" }) - c.default_tol_scores.macro_f1) <= 0.01, "default tol macro-F1");
  });
}

test("decisionFunction: one column (classes[1]'s log-odds) for two classes, one per class otherwise; predict follows it", () => {
  const bc = denseSplit("breast_cancer", "standardised");
  const binary = new LogisticRegression().fit(bc.Xtrain, bc.ytrain);
  const scores = binary.decisionFunction(bc.Xtest);
  assert.equal(scores[0].length, 1);
  assert.deepEqual(binary.predict(bc.Xtest), scores.map(([z]) => binary.classes[z > 0 ? 1 : 0]));
  binary.predictProba(bc.Xtest).forEach((p, i) => assert.ok(Math.abs(p[1] - 1 / (1 + Math.exp(-scores[i][0]))) < 1e-12));
  const iris = denseSplit("iris", "standardised");
  const multi = new LogisticRegression().fit(iris.Xtrain, iris.ytrain);
  const z = multi.decisionFunction(iris.Xtest);
  assert.equal(z[0].length, 3);
  multi.predictProba(iris.Xtest).forEach((row) => assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12));
});

test("a fit that runs out of iterations says so", () => {
  const bc = denseSplit("breast_cancer");
  const model = new LogisticRegression({ maxIter: 3 }).fit(bc.Xtrain, bc.ytrain);
  assert.equal(model.converged, false);
  assert.equal(model.nIter, 3);
  const done = new LogisticRegression().fit(denseSplit("iris", "standardised").Xtrain, denseSplit("iris").ytrain);
  assert.equal(done.converged, true);
});

test("L-BFGS minimises the Rosenbrock function from the textbook start", () => {
  const result = minimizeLbfgs(
    (x, g) => {
      const [a, b] = [x[0], x[1]];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    },
    Float64Array.of(-1.2, 1),
    { maxIter: 200, gtol: 1e-10, ftol: 0 },
  );
  assert.ok(result.converged, result.message);
  assert.ok(Math.abs(result.x[0] - 1) < 1e-6 && Math.abs(result.x[1] - 1) < 1e-6, `ended at ${result.x}`);
});

test("OneVsRestClassifier on label sets matches sklearn's per-label models", () => {
  const c = models.one_vs_rest;
  const s = denseSplit("digits", "standardised");
  const sets = (digits: Label[]) =>
    digits.map((d) => {
      const n = Number(d);
      return [...(n % 2 === 0 ? ["even"] : []), ...([2, 3, 5, 7].includes(n) ? ["prime"] : []), ...([0, 6, 8, 9].includes(n) ? ["round"] : [])];
    });
  const model = new OneVsRestClassifier(new LogisticRegression({ C: c.params.C, tol: 1e-10, maxIter: 100000 })).fit(s.Xtrain, sets(s.ytrain));
  assert.deepEqual(model.classes, c.classes);
  const coef = model.estimators.map((e) => (e as LogisticRegression).coef[0]);
  assert.ok(relativeError(coef, c.coef) < 1e-4, `coefficients: relative error ${relativeError(coef, c.coef)}`);
  const predicted = model.predict(s.Xtest);
  assert.ok(agreement(predicted.map((r) => r.join()), c.predict.map((r: string[]) => r.join())) >= 0.99);
  const micro = f1(sets(s.ytest), predicted, { average: "micro" });
  assert.ok(Math.abs(micro - c.micro_f1) <= 0.01, `micro-F1 ${micro} vs ${c.micro_f1}`);
  const proba = model.predictProba(s.Xtest);
  assert.ok(proba.every((r, i) => r.every((p, j) => Math.abs(p - c.predict_proba[i][j]) < 1e-4)));

  // Indicator rows come back as indicator rows; a label present everywhere is predicted everywhere.
  const rows = sets(s.ytrain).map((set) => ["even", "prime", "round"].map((l) => (set.includes(l) ? 1 : 0)).concat([1]));
  const ind = new OneVsRestClassifier(new LogisticRegression({ C: 0.1 })).fit(s.Xtrain, rows);
  assert.deepEqual(ind.classes, [0, 1, 2, 3]);
  assert.equal(ind.estimators[3], null);
  const out = ind.predict(s.Xtest.slice(0, 5));
  assert.ok(out.every((r) => r.length === 4 && r[3] === 1));
  const again = modelFromJSON(JSON.parse(JSON.stringify(ind))) as OneVsRestClassifier;
  assert.deepEqual(again.predictProba(s.Xtest), ind.predictProba(s.Xtest));
});
