// k-nearest neighbours against scikit-learn's brute force on its digits and diabetes data
// (tests/fixtures/make_neighbors_fixtures.py): the same votes, ties broken the same way, the same
// probabilities and means, uniform and distance weights, Euclidean and Manhattan; saving; bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { KNeighborsClassifier, KNeighborsRegressor } from "./neighbors";
import { modelFromJSON } from "./serialize";

const ROOT = path.resolve(__dirname, "../../..");
const F = JSON.parse(fs.readFileSync(path.join(ROOT, "tests", "fixtures", "sklearn", "neighbors.json"), "utf8"));
const [Xfit, Xq] = [F.digits.X.slice(0, 300), F.digits.X.slice(300)];
const yfit = F.digits.y.slice(0, 300);
const [Rfit, Rq] = [F.diabetes.X.slice(0, 300), F.diabetes.X.slice(300)];
const rfit = F.diabetes.y.slice(0, 300);

/**
 * Queries whose k-th and (k+1)-th nearest rows are at the same distance: which of them is a
 * neighbour is the implementation's choice (scikit-learn's documentation says so), so those are
 * left out of the exact comparison.
 */
function tiedAtK(X: number[][], Q: number[][], k: number, p: 1 | 2): Set<number> {
  const out = new Set<number>();
  Q.forEach((q, i) => {
    const d = X.map((x) => x.reduce((a, v, j) => a + (p === 2 ? (v - q[j]) ** 2 : Math.abs(v - q[j])), 0)).sort((a, b) => a - b);
    if (d[k - 1] === d[k]) out.add(i);
  });
  return out;
}

test("the classifier predicts scikit-learn's classes and probabilities for every k, weighting and metric (ties at the k-th neighbour aside)", () => {
  for (const c of F.cases) {
    const m = new KNeighborsClassifier({ nNeighbors: c.k, weights: c.weights, p: c.p }).fit(Xfit, yfit);
    const label = `k=${c.k} ${c.weights} p=${c.p}`;
    const tied = tiedAtK(Xfit, Xq, c.k, c.p);
    assert.ok(tied.size <= 25, `${label}: ${tied.size} of 100 queries tie at the k-th neighbour`);
    const pred = m.predict(Xq);
    const proba = m.predictProba(Xq);
    for (let i = 0; i < Xq.length; i++) {
      if (tied.has(i)) continue;
      assert.equal(pred[i], c.predict[i], `${label} predict[${i}]`);
      proba[i].forEach((v, j) => assert.ok(Math.abs(v - c.proba[i][j]) < 1e-12, `${label} proba[${i}][${j}] ${v} vs ${c.proba[i][j]}`));
    }
  }
});

test("the regressor predicts scikit-learn's means", () => {
  for (const c of F.cases) {
    const m = new KNeighborsRegressor({ nNeighbors: c.k, weights: c.weights, p: c.p }).fit(Rfit, rfit);
    assert.equal(tiedAtK(Rfit, Rq, c.k, c.p).size, 0, "real-valued features: no ties");
    m.predict(Rq).forEach((v, i) => assert.ok(Math.abs(v - c.regress[i]) < 1e-9, `k=${c.k} ${c.weights} p=${c.p} [${i}] ${v} vs ${c.regress[i]}`));
  }
});

test("a saved model predicts as the fitted one", () => {
  const m = new KNeighborsClassifier({ nNeighbors: 3, weights: "distance" }).fit(Xfit, yfit);
  const back = modelFromJSON(JSON.parse(JSON.stringify(m.toJSON()))) as KNeighborsClassifier;
  assert.deepEqual(back.predict(Xq), m.predict(Xq));
  const r = new KNeighborsRegressor({ nNeighbors: 4 }).fit(Rfit, rfit);
  assert.deepEqual((modelFromJSON(JSON.parse(JSON.stringify(r.toJSON()))) as KNeighborsRegressor).predict(Rq), r.predict(Rq));
});

test("bad input says what to change", () => {
  assert.throws(() => new KNeighborsClassifier({ nNeighbors: 0 }), /nNeighbors/);
  assert.throws(() => new KNeighborsClassifier({ weights: "gaussian" as any }), /weights is "uniform" or "distance"/);
  assert.throws(() => new KNeighborsClassifier({ p: 3 as any }), /p is 1 \(Manhattan\) or 2 \(Euclidean\)/);
  assert.throws(() => new KNeighborsClassifier({ nNeighbors: 10 }).fit([[0], [1]], ["a", "b"]), /needs at least that many training rows, got 2: lower nNeighbors/);
  assert.throws(() => new KNeighborsClassifier().predict([[0]]), /not fitted/);
  assert.throws(() => new KNeighborsClassifier({ nNeighbors: 1 }).fit([[0, 1]], ["a"]).predict([[0]]), /X has 1 features/);
});
