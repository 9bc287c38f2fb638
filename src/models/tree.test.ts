import { test } from "node:test";
import assert from "node:assert/strict";
import { accuracy, f1 } from "../metrics";
import { camelParams, denseSplit, models } from "../../tests/fixtures/modelData";
import { DecisionTreeClassifier } from "./index";

for (const c of models.tree) {
  test(`DecisionTreeClassifier scores like sklearn's (mean of ${c.n_seeds} seeds, within 0.01): ${c.name}`, () => {
    // Both break ties between equally good splits by a seeded feature order, so single fits can
    // differ by a sample or two on these small test sets; averaged over seeds they must agree.
    const s = denseSplit(c.data);
    let acc = 0;
    let macro = 0;
    for (let seed = 0; seed < c.n_seeds; seed++) {
      const predicted = new DecisionTreeClassifier({ ...camelParams(c.params), randomState: seed }).fit(s.Xtrain, s.ytrain).predict(s.Xtest);
      acc += accuracy(s.ytest, predicted) / c.n_seeds;
      macro += f1(s.ytest, predicted, { average: "macro" }) / c.n_seeds;
    }
    assert.ok(Math.abs(acc - c.mean_scores.accuracy) <= 0.01, `accuracy ${acc} vs sklearn ${c.mean_scores.accuracy}`);
    assert.ok(Math.abs(macro - c.mean_scores.macro_f1) <= 0.01, `macro-F1 ${macro} vs sklearn ${c.mean_scores.macro_f1}`);
  });
}

test("an unlimited tree fits its training data exactly; limits are respected", () => {
  const s = denseSplit("wine");
  const full = new DecisionTreeClassifier({ randomState: 0 }).fit(s.Xtrain, s.ytrain);
  assert.equal(accuracy(s.ytrain, full.predict(s.Xtrain)), 1);
  assert.equal(full.leafCount, (full.nodeCount + 1) / 2, "a binary tree");
  const shallow = new DecisionTreeClassifier({ maxDepth: 2, randomState: 0 }).fit(s.Xtrain, s.ytrain);
  assert.ok(shallow.depth <= 2 && shallow.leafCount <= 4);
  const stump = new DecisionTreeClassifier({ maxDepth: 0 }).fit(s.Xtrain, s.ytrain);
  assert.equal(stump.nodeCount, 1);
  const leafy = new DecisionTreeClassifier({ minSamplesLeaf: 10, randomState: 0 }).fit(s.Xtrain, s.ytrain);
  const counts = new Map<number, number>();
  for (const leaf of leafy.apply(s.Xtrain)) counts.set(leaf, (counts.get(leaf) ?? 0) + 1);
  assert.ok([...counts.values()].every((n) => n >= 10), "every leaf holds ≥ minSamplesLeaf training samples");
  // Probabilities are the class shares of the leaf's training samples.
  leafy.predictProba(s.Xtest).forEach((row) => assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12));
});

test("maxFeatures draws features per node from randomState: same seed, same tree", () => {
  const s = denseSplit("digits");
  const fit = (seed: number) => new DecisionTreeClassifier({ maxFeatures: "sqrt", randomState: seed }).fit(s.Xtrain, s.ytrain);
  assert.deepEqual(fit(3).toJSON(), fit(3).toJSON());
  assert.notDeepEqual(fit(3).toJSON(), fit(4).toJSON());
  const acc = accuracy(s.ytest, fit(3).predict(s.Xtest));
  assert.ok(acc > 0.6, `a sqrt-features tree still learns digits (accuracy ${acc})`);
});
