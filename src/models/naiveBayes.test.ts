import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../../tests/fixtures/sklearn";
import { accuracy, f1 } from "../metrics";
import { caseSplit, camelParams, models } from "../../tests/fixtures/modelData";
import { CsrMatrix } from "../features";
import { MultinomialNB } from "./index";

for (const c of models.naive_bayes) {
  test(`MultinomialNB matches sklearn to 1e-9: ${c.name}`, () => {
    const s = caseSplit(c);
    const model = new MultinomialNB(camelParams(c.params)).fit(s.Xtrain, s.ytrain);
    assert.deepEqual(model.classes, c.classes);
    assertClose(model.classLogPrior, c.class_log_prior, "class_log_prior");
    assertClose(model.featureLogProb.map((r) => r.slice(0, 10)), c.feature_log_prob_head, "feature_log_prob");
    assertClose(model.predictProba(s.Xtest), c.predict_proba, "predict_proba");
    assertClose(model.predictLogProba(s.Xtest), c.predict_log_proba, "predict_log_proba");
    const predicted = model.predict(s.Xtest);
    assert.deepEqual(predicted, c.predict);
    assertClose(accuracy(s.ytest, predicted), c.scores.accuracy);
    assertClose(f1(s.ytest, predicted, { average: "macro" }), c.scores.macro_f1);
  });
}

test("MultinomialNB gives the same model on dense rows and on the same matrix as CSR", () => {
  const s = caseSplit({ data: "digits", features: "raw" }) as { Xtrain: number[][]; ytrain: number[]; Xtest: number[][] };
  const dense = new MultinomialNB({ alpha: 0.5 }).fit(s.Xtrain, s.ytrain);
  const sparse = new MultinomialNB({ alpha: 0.5 }).fit(CsrMatrix.fromDense(s.Xtrain), s.ytrain);
  assertClose(sparse.predictProba(CsrMatrix.fromDense(s.Xtest)), dense.predictProba(s.Xtest));
});
