// What every model promises whatever its algorithm: the estimator contract, clear typed errors
// for bad input, seeded determinism, and a JSON round trip that predicts the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { denseSplit, textSplit } from "../../tests/fixtures/modelData";
import { InvalidInputError, NotFittedError } from "../errors";
import { MIME } from "../display";
import { CsrMatrix } from "../features";
import { loadFixture } from "../../tests/fixtures/sklearn";
import {
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  HistGradientBoostingClassifier,
  HistGradientBoostingRegressor,
  Lasso,
  LinearRegression,
  LogisticRegression,
  MultinomialNB,
  OneVsRestClassifier,
  Ridge,
  modelFromJSON,
} from "./index";

const wine = denseSplit("wine");
const scaled = denseSplit("wine", "standardised");

const makers = {
  LogisticRegression: () => new LogisticRegression({ C: 0.5 }),
  MultinomialNB: () => new MultinomialNB({ alpha: 0.5 }),
  DecisionTreeClassifier: () => new DecisionTreeClassifier({ maxDepth: 4, randomState: 1 }),
  HistGradientBoostingClassifier: () => new HistGradientBoostingClassifier({ maxIter: 15, randomState: 1 }),
};
type Maker = (typeof makers)[keyof typeof makers];
// Logistic regression wants standardised features; naive Bayes non-negative ones (raw wine is).
const dataFor = (name: string) => (name === "LogisticRegression" ? scaled : wine);

for (const [name, make] of Object.entries(makers) as [string, Maker][]) {
  const data = dataFor(name);

  test(`${name}: fit returns the model, classes are sorted, probabilities are rows summing to 1`, () => {
    const model = make();
    assert.equal(model.fit(data.Xtrain, data.ytrain), model);
    assert.deepEqual(model.classes, [0, 1, 2]);
    const proba = model.predictProba(data.Xtest);
    assert.equal(proba.length, data.Xtest.length);
    proba.forEach((row) => {
      assert.equal(row.length, 3);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    });
    // predict is the most probable class.
    assert.deepEqual(model.predict(data.Xtest), proba.map((r) => model.classes[r.indexOf(Math.max(...r))]));
  });

  test(`${name}: string labels come back as given`, () => {
    const names = ["class_0", "class_1", "class_2"];
    const y = data.ytrain.map((k) => names[k as number]);
    const model = make().fit(data.Xtrain, y);
    assert.deepEqual(model.classes, names);
    assert.ok(model.predict(data.Xtest).every((p) => names.includes(p as string)));
  });

  test(`${name}: params() rebuilds the same model, and the JSON round trip predicts the same`, () => {
    const model = make().fit(data.Xtrain, data.ytrain);
    const Ctor = model.constructor as new (p: object) => typeof model;
    const twin = new Ctor(model.params()).fit(data.Xtrain, data.ytrain);
    assert.deepEqual(twin.predictProba(data.Xtest), model.predictProba(data.Xtest));
    const text = JSON.stringify(model);
    const revived = (Ctor as any).fromJSON(text);
    assert.deepEqual(revived.predictProba(data.Xtest), model.predictProba(data.Xtest));
    assert.deepEqual((modelFromJSON(JSON.parse(text)) as typeof model).predict(data.Xtest), model.predict(data.Xtest));
    assert.deepEqual(revived.params(), model.params());
    // An unfitted model saves its settings and stays unfitted.
    assert.throws(() => (Ctor as any).fromJSON(JSON.stringify(make())).predict(data.Xtest), NotFittedError);
  });

  test(`${name}: used before fit, it says to call fit`, () => {
    assert.throws(() => make().predict(data.Xtest), NotFittedError);
    assert.throws(() => make().predictProba(data.Xtest), /not fitted yet: call fit\(X, y\) first/);
    assert.throws(() => make().classes, NotFittedError);
  });

  test(`${name}: bad input is a typed error that says what to do`, () => {
    const check = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InvalidInputError && message.test((e as Error).message));
    check(() => make().fit([], []), /X is empty/);
    check(() => make().fit(data.Xtrain, data.ytrain.slice(1)), /X has 133 samples but y has 132/);
    check(() => make().fit([[1, 2], [3]], [0, 1]), /X\[1\] has 1 features but X\[0\] has 2/);
    const withNaN = data.Xtrain.map((r, i) => (i === 7 ? r.map((v, j) => (j === 2 ? NaN : v)) : r));
    // HistGradientBoosting takes NaN as a missing value, as scikit-learn's does (inputs.test.ts).
    if (name === "HistGradientBoostingClassifier") assert.doesNotThrow(() => make().fit(withNaN, data.ytrain));
    else check(() => make().fit(withNaN, data.ytrain), /X\[7\]\[2\] is NaN: .* impute missing values/);
    check(() => make().fit(data.Xtrain.map((r) => r.map(String)) as any, data.ytrain), /features must be numbers/);
    check(() => make().fit(data.Xtrain, data.ytrain.map((v) => Number(v) + 0.5)), /looks like a continuous value/);
    // The boosted trees take label sets themselves (multilabel.test.ts); the others point to OneVsRestClassifier.
    if (name === "HistGradientBoostingClassifier") assert.doesNotThrow(() => make().fit(data.Xtrain, data.ytrain.map((v) => [v]) as any));
    else check(() => make().fit(data.Xtrain, data.ytrain.map((v) => [v]) as any), /OneVsRestClassifier/);
    const model = make().fit(data.Xtrain, data.ytrain);
    check(() => model.predict(data.Xtest.map((r) => r.slice(1))), /X has 12 features but the model was fitted on 13/);
    check(() => (model.constructor as any).fromJSON({ format: "modelbench.model", version: 1, model: "Other", params: {}, state: null }), /holds a Other/);
    check(() => (model.constructor as any).fromJSON("{oops"), /not valid JSON/);
  });

  test(`${name}: shows a one-line summary in a notebook`, () => {
    const model = make();
    assert.match(model[MIME]()["text/plain"] as string, new RegExp(`^${name}\\(\\{.*\\}\\)\\n  not fitted$`));
    model.fit(data.Xtrain, data.ytrain);
    assert.match(model[MIME]()["text/plain"] as string, /fitted: 3 classes/);
    assert.match(model[MIME]()["text/html"] as string, new RegExp(`<b>${name}</b>`));
  });
}

// Regressors: the same promises on the diabetes data (tests/fixtures/make_gbdt_fixtures.py).
const diabetes = loadFixture("gbdt").datasets.diabetes;
const reg = {
  Xtrain: diabetes.train.map((i: number) => diabetes.X[i]) as number[][],
  ytrain: diabetes.train.map((i: number) => diabetes.y[i]) as number[],
  Xtest: diabetes.test.map((i: number) => diabetes.X[i]) as number[][],
};
const regressors = {
  LinearRegression: () => new LinearRegression(),
  Ridge: () => new Ridge({ alpha: 0.5 }),
  Lasso: () => new Lasso({ alpha: 0.1 }),
  DecisionTreeRegressor: () => new DecisionTreeRegressor({ maxDepth: 4, randomState: 1 }),
  HistGradientBoostingRegressor: () => new HistGradientBoostingRegressor({ maxIter: 15, randomState: 1 }),
};
type RegressorMaker = (typeof regressors)[keyof typeof regressors];

for (const [name, make] of Object.entries(regressors) as [string, RegressorMaker][]) {
  test(`${name}: fit returns the model and predict gives one finite number per sample`, () => {
    const model = make();
    assert.equal(model.fit(reg.Xtrain, reg.ytrain), model);
    const predicted = model.predict(reg.Xtest);
    assert.equal(predicted.length, reg.Xtest.length);
    assert.ok(predicted.every((v) => typeof v === "number" && Number.isFinite(v)));
  });

  test(`${name}: params() rebuilds the same model, and the JSON round trip predicts the same`, () => {
    const model = make().fit(reg.Xtrain, reg.ytrain);
    const Ctor = model.constructor as new (p: object) => typeof model;
    assert.deepEqual(new Ctor(model.params()).fit(reg.Xtrain, reg.ytrain).predict(reg.Xtest), model.predict(reg.Xtest));
    const text = JSON.stringify(model);
    const revived = (Ctor as any).fromJSON(text);
    assert.deepEqual(revived.predict(reg.Xtest), model.predict(reg.Xtest));
    assert.deepEqual((modelFromJSON(JSON.parse(text)) as typeof model).predict(reg.Xtest), model.predict(reg.Xtest));
    assert.deepEqual(revived.params(), model.params());
    assert.throws(() => (Ctor as any).fromJSON(JSON.stringify(make())).predict(reg.Xtest), NotFittedError);
  });

  test(`${name}: used before fit, it says to call fit`, () => {
    assert.throws(() => make().predict(reg.Xtest), /not fitted yet: call fit\(X, y\) first/);
  });

  test(`${name}: bad input is a typed error that says what to do`, () => {
    const check = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InvalidInputError && message.test((e as Error).message), String(message));
    check(() => make().fit([], []), /X is empty/);
    check(() => make().fit(reg.Xtrain, reg.ytrain.slice(1)), /X has 331 samples but y has 330/);
    check(() => make().fit([[1, 2], [3]], [0, 1]), /X\[1\] has 1 features but X\[0\] has 2/);
    const withNaN = reg.Xtrain.map((r, i) => (i === 7 ? r.map((v, j) => (j === 2 ? NaN : v)) : r));
    // HistGradientBoosting takes NaN as a missing value, as scikit-learn's does.
    if (name === "HistGradientBoostingRegressor") assert.doesNotThrow(() => make().fit(withNaN, reg.ytrain));
    else check(() => make().fit(withNaN, reg.ytrain), /X\[7\]\[2\] is NaN: .* impute missing values/);
    check(() => make().fit(reg.Xtrain.map((r) => r.map(String)) as any, reg.ytrain), /features must be numbers/);
    check(() => make().fit(reg.Xtrain, reg.ytrain.map((v, i) => (i === 3 ? NaN : v))), new RegExp(`y\\[3\\] is NaN: ${name} needs a finite number per sample`));
    check(() => make().fit(reg.Xtrain, reg.ytrain.map(String) as any), /y\[0\] is "151": .* needs a finite number per sample/);
    const model = make().fit(reg.Xtrain, reg.ytrain);
    check(() => model.predict(reg.Xtest.map((r) => r.slice(1))), /X has 9 features but the model was fitted on 10/);
    check(() => (model.constructor as any).fromJSON({ format: "modelbench.model", version: 1, model: "Other", params: {}, state: null }), /holds a Other/);
    check(() => (model.constructor as any).fromJSON("{oops"), /not valid JSON/);
  });

  test(`${name}: shows a one-line summary in a notebook`, () => {
    const model = make();
    assert.match(model[MIME]()["text/plain"] as string, new RegExp(`^${name}\\(\\{.*\\}\\)\\n  not fitted$`));
    model.fit(reg.Xtrain, reg.ytrain);
    assert.match(model[MIME]()["text/plain"] as string, /fitted: /);
    assert.match(model[MIME]()["text/html"] as string, new RegExp(`<b>${name}</b>`));
  });
}

test("unknown or out-of-range options are refused at construction, naming the allowed values", () => {
  const bad: [() => unknown, RegExp][] = [
    [() => new DecisionTreeClassifier({ criterion: "mse" as any }), /unknown criterion "mse": use one of "gini", "entropy"/],
    [() => new DecisionTreeClassifier({ maxFeatures: 1.5 }), /maxFeatures must be/],
    [() => new DecisionTreeClassifier({ minSamplesLeaf: 0 }), /minSamplesLeaf must be ≥ 1/],
    [() => new HistGradientBoostingClassifier({ scoring: "accuracy" as any }), /unknown scoring "accuracy"/],
    [() => new HistGradientBoostingClassifier({ earlyStopping: "yes" as any }), /unknown earlyStopping "yes"/],
    [() => new HistGradientBoostingClassifier({ maxBins: 256 }), /maxBins must be ≤ 255/],
    [() => new HistGradientBoostingClassifier({ maxLeafNodes: null, maxDepth: null }), /set at least one/],
    [() => new LogisticRegression({ C: 0 }), /C must be > 0/],
    [() => new LogisticRegression({ maxIter: 2.5 }), /maxIter must be a whole number/],
    [() => new MultinomialNB({ alpha: -1 }), /alpha must be ≥ 0/],
  ];
  for (const [fn, message] of bad) assert.throws(fn, (e: unknown) => e instanceof InvalidInputError && message.test((e as Error).message), String(message));
});

test("model-specific input errors", () => {
  const oneClass = wine.ytrain.map(() => 1);
  assert.throws(() => new LogisticRegression().fit(scaled.Xtrain, oneClass), /only 1 class .* at least 2 classes/);
  assert.throws(() => new HistGradientBoostingClassifier().fit(wine.Xtrain, oneClass), /at least 2 classes/);
  assert.throws(() => new MultinomialNB().fit(scaled.Xtrain, scaled.ytrain), /needs non-negative features/);
  assert.throws(() => new MultinomialNB({ classPrior: [0.5, 0.5] }).fit(wine.Xtrain, wine.ytrain), /classPrior has 2 entries but y has 3 classes/);
  assert.throws(() => new DecisionTreeClassifier().fit(CsrMatrix.fromDense(wine.Xtrain) as any, wine.ytrain), /needs dense X .* toDense\(\)/);
  assert.throws(() => new HistGradientBoostingClassifier().fit(wine.Xtrain, wine.ytrain, { Xval: wine.Xtest, yval: wine.ytest.map(() => 9) }), /yval holds 9, a class not in y/);
  assert.throws(() => new HistGradientBoostingClassifier().fit(wine.Xtrain, wine.ytrain, { Xval: wine.Xtest }), /pass both Xval and yval/);
  const text = textSplit("tfidf");
  const withInf = new CsrMatrix(text.Xtrain.nRows, text.Xtrain.nCols, text.Xtrain.indptr, text.Xtrain.indices, Float64Array.from(text.Xtrain.data, (v, k) => (k === 3 ? Infinity : v)));
  assert.throws(() => new LogisticRegression().fit(withInf, text.ytrain), /X\[0\]\[351\] is Infinity/);
  assert.throws(() => new OneVsRestClassifier(new LogisticRegression()).fit(scaled.Xtrain, scaled.ytrain as any), /takes a label set \(array\) per sample/);
  assert.throws(() => new OneVsRestClassifier(new LogisticRegression()).fit(scaled.Xtrain, scaled.ytrain.map(() => [])), /every label set in y is empty/);
  assert.throws(() => modelFromJSON({ format: "modelbench.model", version: 2, model: "MultinomialNB", params: {}, state: null }), /format version 2/);
});

test("seeded models are reproducible; unseeded trees still fit", () => {
  const digits = denseSplit("digits");
  const tree = (seed: number | null) => new DecisionTreeClassifier({ randomState: seed }).fit(digits.Xtrain, digits.ytrain);
  assert.deepEqual(tree(11).toJSON(), tree(11).toJSON());
  assert.ok(tree(null).nodeCount > 1);
  const boost = (seed: number) => new HistGradientBoostingClassifier({ maxIter: 20, earlyStopping: true, randomState: seed }).fit(wine.Xtrain, wine.ytrain);
  assert.deepEqual(boost(2).predictProba(wine.Xtest), boost(2).predictProba(wine.Xtest));
});
