import { test } from "node:test";
import assert from "node:assert/strict";
import { accuracy, f1, logLoss } from "../metrics";
import { camelParams, denseSplit, models } from "../../tests/fixtures/modelData";
import { HistGradientBoostingClassifier } from "./index";

for (const c of models.boosting) {
  const seeds = c.seed_scores.length;
  test(`HistGradientBoostingClassifier scores like sklearn's (within 0.01${seeds > 1 ? `, mean of ${seeds} seeds` : ""}): ${c.name}`, () => {
    const s = denseSplit(c.data);
    let acc = 0;
    let macro = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const model = new HistGradientBoostingClassifier({ ...camelParams(c.params), randomState: seed }).fit(s.Xtrain, s.ytrain);
      const predicted = model.predict(s.Xtest);
      acc += accuracy(s.ytest, predicted) / seeds;
      macro += f1(s.ytest, predicted, { average: "macro" }) / seeds;
      if (c.predict_proba) {
        // Nothing is random here: the same bins, splits and leaf values give sklearn's model.
        // With λ > 0 every split clears rounding noise and the probabilities agree closely. With
        // λ = 0 a pure node's best split gains 0 ± rounding, and whether it is taken depends on
        // the last bit of sums (and of exp, which differs between libms); such no-op splits are
        // harmless, but after many iterations they can tip a real near-tie the other way.
        const proba = model.predictProba(s.Xtest);
        const diff = Math.max(...proba.flatMap((r, i) => r.map((p, k) => Math.abs(p - c.predict_proba[i][k]))));
        if (c.params.l2_regularization) assert.ok(diff < 1e-6, `probabilities differ from sklearn's by up to ${diff}`);
        const sklearnPredicted = c.predict_proba.map((r: number[]) => model.classes[r.indexOf(Math.max(...r))]);
        const agree = predicted.filter((v, i) => v === sklearnPredicted[i]).length / predicted.length;
        assert.ok(agree >= 0.97, `predictions agree with sklearn's on ${agree} of the test rows`);
        assert.equal(model.nIter, c.n_iter[0]);
      }
    }
    assert.ok(Math.abs(acc - c.mean_scores.accuracy) <= 0.01, `accuracy ${acc} vs sklearn ${c.mean_scores.accuracy}`);
    assert.ok(Math.abs(macro - c.mean_scores.macro_f1) <= 0.01, `macro-F1 ${macro} vs sklearn ${c.mean_scores.macro_f1}`);
  });
}

test("early stopping stops once the validation loss stalls, and keeps the record", () => {
  const s = denseSplit("breast_cancer");
  const model = new HistGradientBoostingClassifier({ earlyStopping: true, maxIter: 500, learningRate: 0.3, randomState: 1 }).fit(s.Xtrain, s.ytrain);
  assert.ok(model.nIter < 500, `stopped at ${model.nIter}`);
  const v = model.validationLoss;
  assert.equal(v.length, model.nIter + 1);
  // The last nIterNoChange iterations did not beat the loss before them by more than tol.
  const reference = v[v.length - 11];
  assert.ok(v.slice(-10).every((l) => l >= reference - 1e-7));
  assert.equal(model.trainLoss.length, model.nIter + 1);
  assert.ok(model.trainLoss[model.nIter] < model.trainLoss[0]);
  // Off: every iteration runs and no validation loss is kept.
  const off = new HistGradientBoostingClassifier({ earlyStopping: false, maxIter: 30 }).fit(s.Xtrain, s.ytrain);
  assert.equal(off.nIter, 30);
  assert.deepEqual(off.validationLoss, []);
});

test("an explicit validation set drives early stopping", () => {
  const s = denseSplit("digits");
  const model = new HistGradientBoostingClassifier({ maxIter: 300, learningRate: 0.5, randomState: 0 }).fit(s.Xtrain, s.ytrain, { Xval: s.Xtest, yval: s.ytest });
  assert.ok(model.nIter < 300);
  // The recorded validation loss is the log loss of the model's own probabilities on that set.
  const last = model.validationLoss[model.nIter];
  assert.ok(Math.abs(last - logLoss(s.ytest, model.predictProba(s.Xtest), { labels: model.classes })) < 1e-9);
});

test("the same seed gives the same model; another seed other validation rows", () => {
  const s = denseSplit("wine");
  const fit = (seed: number) => new HistGradientBoostingClassifier({ earlyStopping: true, randomState: seed, maxIter: 40 }).fit(s.Xtrain, s.ytrain);
  assert.deepEqual(fit(5).toJSON(), fit(5).toJSON());
  assert.notDeepEqual(fit(5).validationLoss, fit(6).validationLoss);
});

test("maxDepth and maxLeafNodes bound every tree", () => {
  const s = denseSplit("digits");
  const model = new HistGradientBoostingClassifier({ maxIter: 5, maxLeafNodes: 7, maxDepth: 3, earlyStopping: false }).fit(s.Xtrain, s.ytrain);
  const json = model.toJSON().state as any;
  const { feature, left, right, roots } = json.forest;
  assert.equal(roots.length, 5 * 10, "one tree per class per iteration");
  for (const root of roots) {
    let leaves = 0;
    const walk = (node: number, depth: number): number => {
      if (feature[node] < 0) return leaves++, depth;
      return Math.max(walk(left[node], depth + 1), walk(right[node], depth + 1));
    };
    assert.ok(walk(root, 0) <= 3);
    assert.ok(leaves <= 7);
  }
});
