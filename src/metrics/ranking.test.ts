import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture, assertClose, warningsOf } from "../../tests/fixtures/sklearn";
import { InvalidInputError } from "../errors";
import { auc, averagePrecision, logLoss, precisionRecallCurve, rocAuc, rocCurve } from "./index";

const { ranking } = loadFixture("metrics");
const orUndefined = <T>(v: T | null | undefined) => (v === null ? undefined : v);

for (const c of ranking.binary) {
  test(`ROC and precision-recall curves match sklearn: ${c.name}`, () => {
    for (const r of c.roc_curve) {
      const got = rocCurve(c.y_true, c.y_score, { posLabel: orUndefined(r.pos_label), dropIntermediate: r.drop_intermediate });
      assertClose([got.fpr, got.tpr, got.thresholds], r.curve, `roc pos=${r.pos_label} drop=${r.drop_intermediate}`);
    }
    for (const r of c.pr_curve) {
      const got = precisionRecallCurve(c.y_true, c.y_score, { posLabel: orUndefined(r.pos_label), dropIntermediate: r.drop_intermediate });
      assertClose([got.precision, got.recall, got.thresholds], r.curve, `pr pos=${r.pos_label} drop=${r.drop_intermediate}`);
    }
    assertClose(rocAuc(c.y_true, c.y_score), c.roc_auc, "roc auc");
    for (const m of c.roc_auc_max_fpr) assertClose(rocAuc(c.y_true, c.y_score, { maxFpr: m.max_fpr }), m.value, `maxFpr ${m.max_fpr}`);
    for (const a of c.average_precision) assertClose(averagePrecision(c.y_true, c.y_score, { posLabel: a.pos_label }), a.value, `AP pos ${a.pos_label}`);
    const roc = rocCurve(c.y_true, c.y_score);
    assertClose(auc(roc.fpr, roc.tpr), c.roc_auc, "auc of the curve");
  });
}

test("string labels: positive class is the greater label for ROC-AUC, named by posLabel for curves", () => {
  const s = ranking.binary_strings;
  assertClose(rocAuc(s.y_true, s.y_score), s.roc_auc);
  const roc = rocCurve(s.y_true, s.y_score, { posLabel: "malignant" });
  assertClose([roc.fpr, roc.tpr, roc.thresholds], s.roc_curve_malignant);
  assertClose(averagePrecision(s.y_true, s.y_score, { posLabel: "malignant" }), s.average_precision_malignant);
  assert.throws(() => rocCurve(s.y_true, s.y_score), /posLabel/);
});

for (const c of [...ranking.multiclass, ...ranking.multilabel]) {
  test(`ROC-AUC and average precision match sklearn: ${c.name}`, () => {
    for (const r of c.roc_auc) {
      const where = `roc_auc multi_class=${r.multi_class} average=${r.average}`;
      const run = () => rocAuc(c.y_true, c.y_score, { multiClass: r.multi_class ?? undefined, average: r.average } as any);
      if (r.error !== undefined) assert.throws(run, InvalidInputError, where);
      else {
        const { result, warnings } = warningsOf((onWarning) => rocAuc(c.y_true, c.y_score, { multiClass: r.multi_class ?? undefined, average: r.average, onWarning } as any));
        assertClose(result, r.result, where);
        assert.equal(warnings.length > 0, r.warnings.length > 0, `${where}: warned`);
      }
    }
    for (const r of c.average_precision) {
      const where = `average_precision average=${r.average}`;
      if (r.error !== undefined) assert.throws(() => averagePrecision(c.y_true, c.y_score, { average: r.average } as any), InvalidInputError, where);
      else assertClose(averagePrecision(c.y_true, c.y_score, { average: r.average, onWarning: () => {} } as any), r.result, where);
    }
  });
}

for (const c of ranking.log_loss) {
  test(`log loss matches sklearn: ${c.name}`, () => {
    const { result, warnings } = warningsOf((onWarning) => logLoss(c.y_true, c.y_proba, { labels: c.labels, onWarning }));
    assertClose(result, c.value);
    if (c.sum !== undefined) assertClose(logLoss(c.y_true, c.y_proba, { normalize: false }), c.sum);
    assert.deepEqual(warnings, c.warnings ?? []);
  });
}

test("bad scores and targets are refused with a clear error", () => {
  assert.throws(() => rocAuc([0, 1, 1], [0.1, NaN, 0.3]), /y_score\[1\] is NaN/);
  assert.throws(() => rocCurve([0, 1], [0.1, 0.2, 0.3]), /2 samples but y_score has 3/);
  assert.throws(() => rocAuc([], []), /empty/);
  assert.throws(() => rocAuc([0, 1, 2], [[0.5, 0.5, 0], [0, 1, 0], [0, 0, 1]]), /multiClass 'ovr'/);
  assert.throws(() => rocAuc([0, 1, 2], [[0.5, 0.6, 0], [0, 1, 0], [0, 0, 1]], { multiClass: "ovr" }), /sum to 1/);
  assert.throws(() => rocAuc([0, 1, 2], [[0.5, 0.5, 0], [0, 1, 0], [0, 0, 1]], { multiClass: "ovo", average: "micro" }), /not available/);
  assert.throws(() => rocAuc([0, 1], [0.2, 0.4], { average: "median" as any }), InvalidInputError);
  assert.throws(() => rocAuc([0, 1], [0.2, 0.4], { maxFpr: 0 }), /maxFpr/);
  assert.throws(() => averagePrecision([0, 1], [0.2, 0.4], { posLabel: 2 }), /posLabel 2 is not a valid label/);
  assert.throws(() => auc([0, 2, 1], [0, 1, 1]), /neither increasing nor decreasing/);
  assert.throws(() => logLoss([0, 1], [[0.5, 0.5], [1.2, -0.2]]), /greater than 1/);
  assert.throws(() => logLoss([1, 1], [0.2, 0.9]), /only one label/);
  assert.throws(() => logLoss([0, 1, 2], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]), /3 classes but y_proba has 2 columns/);
});

test("ROC-AUC with a single class in y_true is NaN and warns, as in sklearn", () => {
  const { result, warnings } = warningsOf((onWarning) => rocAuc([1, 1, 1], [0.2, 0.5, 0.9], { onWarning }));
  assert.ok(Number.isNaN(result));
  assert.equal(warnings[0].category, "UndefinedMetricWarning");
});
