import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture, assertClose } from "../../tests/fixtures/sklearn";
import { InvalidInputError, NotFittedError } from "../errors";
import { DummyClassifier, DummyRegressor } from "./index";
import type { Label } from "../labels";

const fx = loadFixture("baselines");
// Dummy models never look at the features; an array of the right length stands in for X.
const rows = (n: number) => Array.from({ length: n }, () => [0]);

for (const c of fx.classifiers) {
  test(`DummyClassifier matches sklearn: ${c.name}`, () => {
    const X = rows(c.y.length);
    const multi = Array.isArray(c.y[0]);
    for (const s of c.strategies) {
      const clf = new DummyClassifier({ strategy: s.strategy, constant: s.constant, randomState: 0 });
      assert.equal(clf.fit(X, c.y), clf, "fit returns the model");
      const where = `strategy ${s.strategy}`;
      assert.equal(clf.nOutputs, s.n_outputs);
      if (multi) {
        assert.deepEqual(clf.outputClasses, s.classes, where);
        assertClose(clf.outputClassPriors, s.class_prior, where);
        if (s.predict) assert.deepEqual(clf.predictMultiOutput(rows(c.n_predict)), s.predict, where);
        if (s.predict_proba) assertClose(clf.predictProbaMultiOutput(rows(c.n_predict)), s.predict_proba, where);
      } else {
        assert.deepEqual(clf.classes, s.classes, where);
        assertClose(clf.classPrior, s.class_prior, where);
        if (s.predict) assert.deepEqual(clf.predict(rows(c.n_predict)), s.predict, where);
        if (s.predict_proba) assertClose(clf.predictProba(rows(c.n_predict)), s.predict_proba, where);
      }
    }
  });
}

/** Share of each class among predictions. */
function frequencies(labels: Label[], classes: readonly Label[]): number[] {
  return classes.map((k) => labels.filter((v) => v === k).length / labels.length);
}

test("stratified and uniform draw classes at the right rates (20,000 draws, within 0.015)", () => {
  const wine = fx.classifiers.find((c: any) => c.name === "wine");
  const n = 20000;
  const stratified = new DummyClassifier({ strategy: "stratified", randomState: 42 }).fit(rows(wine.y.length), wine.y);
  const prior = stratified.classPrior;
  frequencies(stratified.predict(rows(n)), stratified.classes).forEach((f, k) => assert.ok(Math.abs(f - prior[k]) < 0.015, `stratified class ${k}: ${f} vs ${prior[k]}`));
  const proba = stratified.predictProba(rows(n));
  assert.ok(proba.every((r) => r.reduce((a, b) => a + b, 0) === 1 && r.every((v) => v === 0 || v === 1)), "stratified probabilities are one-hot");
  prior.forEach((p, k) => assert.ok(Math.abs(proba.reduce((a, r) => a + r[k], 0) / n - p) < 0.015));
  const uniform = new DummyClassifier({ strategy: "uniform", randomState: 7 }).fit(rows(wine.y.length), wine.y);
  frequencies(uniform.predict(rows(n)), uniform.classes).forEach((f) => assert.ok(Math.abs(f - 1 / 3) < 0.015, `uniform: ${f}`));
  // Several outputs: each output keeps its own class rates.
  const mo = fx.classifiers.find((c: any) => Array.isArray(c.y[0]));
  const multi = new DummyClassifier({ strategy: "stratified", randomState: 3 }).fit(rows(mo.y.length), mo.y);
  const predicted = multi.predictMultiOutput(rows(n));
  multi.outputClasses.forEach((cls, j) =>
    frequencies(predicted.map((r) => r[j]), cls).forEach((f, k) => assert.ok(Math.abs(f - multi.outputClassPriors[j][k]) < 0.015)),
  );
});

test("the same seed gives the same predictions; another seed does not", () => {
  const y = fx.classifiers[0].y;
  const make = (seed: number, strategy: "stratified" | "uniform") => new DummyClassifier({ strategy, randomState: seed }).fit(rows(y.length), y);
  for (const strategy of ["stratified", "uniform"] as const) {
    const a = make(1, strategy).predict(rows(500));
    assert.deepEqual(make(1, strategy).predict(rows(500)), a);
    assert.deepEqual(make(1, strategy).predict(rows(500)), make(1, strategy).predict(rows(500)));
    assert.notDeepEqual(make(2, strategy).predict(rows(500)), a);
  }
  assert.deepEqual(make(5, "stratified").predictProba(rows(50)), make(5, "stratified").predictProba(rows(50)));
});

for (const c of fx.regressors) {
  test(`DummyRegressor matches sklearn: ${c.name}`, () => {
    const multi = Array.isArray(c.y[0]);
    for (const r of c.results) {
      const reg = new DummyRegressor({ strategy: r.strategy, quantile: r.quantile, constant: r.constant }).fit(rows(c.y.length), c.y);
      const where = `strategy ${r.strategy} quantile ${r.quantile}`;
      assertClose(reg.constants, r.constant_, where);
      if (r.predict) assertClose(multi ? reg.predictMultiOutput(rows(5)) : reg.predict(rows(5)), r.predict, where);
    }
  });
}

test("estimators follow the contract: params() gives the hyperparameters back", () => {
  assert.deepEqual(new DummyClassifier().params(), { strategy: "prior", randomState: null, constant: null });
  assert.deepEqual(new DummyRegressor({ strategy: "quantile", quantile: 0.9 }).params(), { strategy: "quantile", quantile: 0.9, constant: null });
  const clf = new DummyClassifier({ strategy: "most_frequent" });
  const copy = new DummyClassifier(clf.params());
  assert.deepEqual(copy.fit(rows(3), ["a", "b", "b"]).predict(rows(2)), ["b", "b"]);
});

test("baselines refuse bad input with a clear, typed error", () => {
  assert.ok(fx.classifier_errors["constant missing"].error && fx.classifier_errors["constant not in y"].error);
  assert.throws(() => new DummyClassifier({ strategy: "constant" }).fit(rows(3), [0, 1, 2]), /needs the class to predict: pass constant/);
  assert.throws(() => new DummyClassifier({ strategy: "constant", constant: 7 }).fit(rows(3), [0, 1, 2]), /constant 7 never occurs in the training data: use one of \[0,1,2\]/);
  assert.throws(() => new DummyClassifier({ strategy: "constant", constant: [1] }).fit(rows(2), [[0, 1], [1, 1]]), /one per output/);
  assert.throws(() => new DummyClassifier({ strategy: "best" as any }), /unknown strategy "best"/);
  assert.throws(() => new DummyClassifier().fit(rows(3), [0, 1]), /X has 3 samples but y has 2/);
  assert.throws(() => new DummyClassifier().fit([], []), /y is empty/);
  assert.throws(() => new DummyClassifier().fit(rows(2), ["a", 1]), /mixes string and number labels/);
  assert.throws(() => new DummyClassifier().predict(rows(2)), NotFittedError);
  assert.throws(() => new DummyClassifier().fit(rows(2), [[0, 1], [1, 0]]).predict(rows(1)), /use predictMultiOutput/);
  assert.throws(() => new DummyClassifier().fit(rows(2), [0, 1]).predictMultiOutput(rows(1)), /use predict/);
  assert.throws(() => new DummyRegressor({ strategy: "quantile" }).fit(rows(2), [1, 2]), /quantile in \[0, 1\]/);
  assert.throws(() => new DummyRegressor({ strategy: "quantile", quantile: 1.5 }).fit(rows(2), [1, 2]), InvalidInputError);
  assert.throws(() => new DummyRegressor({ strategy: "constant" }).fit(rows(2), [1, 2]), /pass constant/);
  assert.throws(() => new DummyRegressor().fit(rows(2), [1, NaN]), /y\[1\] is NaN/);
  assert.throws(() => new DummyRegressor().fit(rows(2), [[1, 2], [3]]), /y\[1\] must have 2 outputs/);
});
