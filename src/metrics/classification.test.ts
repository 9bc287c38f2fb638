import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture, assertClose, warningsOf } from "../../tests/fixtures/sklearn";
import { InvalidInputError } from "../errors";
import {
  accuracy,
  classificationReport,
  confusionMatrix,
  f1,
  hammingLoss,
  multilabelConfusionMatrix,
  precision,
  precisionRecallFscoreSupport,
  recall,
  subsetAccuracy,
  type ZeroDivision,
} from "./index";
import { MIME } from "../display";

const fixture = loadFixture("metrics");
const zeroDivisionOf = (z: string | number): ZeroDivision => (z === "nan" ? NaN : (z as ZeroDivision));
const orUndefined = <T>(v: T | null | undefined) => (v === null ? undefined : v);

for (const c of fixture.classification) {
  test(`precision/recall/F-beta match sklearn: ${c.name}`, () => {
    let checked = 0;
    for (const s of c.scores) {
      const where = `${s.fn} average=${s.average} zero_division=${s.zero_division} beta=${s.beta} pos_label=${s.pos_label} labels=${JSON.stringify(s.labels)}`;
      const options = {
        average: s.average,
        zeroDivision: zeroDivisionOf(s.zero_division),
        posLabel: orUndefined(s.pos_label),
        labels: orUndefined(s.labels),
      };
      const run = (onWarning: any) => {
        const o = { ...options, onWarning };
        if (s.fn === "prfs") {
          const r: any = precisionRecallFscoreSupport(c.y_true, c.y_pred, { ...o, beta: s.beta });
          return s.average === null ? [r.precision, r.recall, r.fScore, r.support] : [r.precision, r.recall, r.fScore, null];
        }
        const fn = { precision, recall, f1 }[s.fn as "precision" | "recall" | "f1"] as any;
        return fn(c.y_true, c.y_pred, o);
      };
      if (s.error !== undefined) {
        assert.throws(() => run(() => {}), InvalidInputError, where);
      } else {
        const { result, warnings } = warningsOf(run);
        assertClose(result, s.result, where);
        assert.deepEqual(warnings, s.warnings, `${where}: warnings`);
      }
      checked++;
    }
    assert.ok(checked > 50);
  });

  test(`accuracy, Hamming loss and confusion matrices match sklearn: ${c.name}`, () => {
    assertClose(accuracy(c.y_true, c.y_pred), c.accuracy, "accuracy");
    assertClose(accuracy(c.y_true, c.y_pred, { normalize: false }), c.accuracy_count, "accuracy count");
    assertClose(hammingLoss(c.y_true, c.y_pred), c.hamming_loss, "hamming loss");
    assertClose(multilabelConfusionMatrix(c.y_true, c.y_pred).matrices, c.multilabel_confusion_matrix, "multilabel confusion matrix");
    if (c.multilabel) {
      assertClose(subsetAccuracy(c.y_true, c.y_pred), c.accuracy, "subset accuracy");
      assertClose(
        multilabelConfusionMatrix(c.y_true, c.y_pred, { samplewise: true }).matrices,
        c.multilabel_confusion_matrix_samplewise,
        "samplewise",
      );
      return;
    }
    for (const cm of c.confusion_matrices) {
      const got = confusionMatrix(c.y_true, c.y_pred, { labels: orUndefined(cm.labels), normalize: cm.normalize });
      assertClose(got.matrix, cm.matrix, `confusion matrix labels=${JSON.stringify(cm.labels)} normalize=${cm.normalize}`);
    }
  });

  test(`classification report matches sklearn's dict and text: ${c.name}`, () => {
    for (const r of c.reports) {
      // sklearn's report was made from indicator rows, so its rows are named by column index.
      const targetNames = r.target_names ?? (c.label_order ? c.label_order.map((_: string, i: number) => String(i)) : undefined);
      const report = classificationReport(c.y_true, c.y_pred, {
        digits: r.digits,
        zeroDivision: zeroDivisionOf(r.zero_division),
        targetNames,
        labels: r.labels,
        onWarning: () => {},
      });
      assertClose(report.toDict(), r.dict, `report dict digits=${r.digits}`);
      assert.equal(report.toString(), r.text);
      const bundle = report[MIME]();
      assert.equal(bundle["text/plain"], r.text);
      assert.match(String(bundle["text/html"]), /<table[^]*precision[^]*<\/table>/);
    }
  });
}

test("a label set and its indicator rows give the same scores", () => {
  const [sets, indicator] = fixture.classification.filter((c: any) => c.multilabel);
  for (const average of ["micro", "macro", "weighted", "samples"] as const) {
    const a = precisionRecallFscoreSupport(sets.y_true, sets.y_pred, { average, zeroDivision: 0 });
    const b = precisionRecallFscoreSupport(indicator.y_true, indicator.y_pred, { average, zeroDivision: 0 });
    assert.deepEqual(a, b);
  }
});

test("bad classification input is refused with a clear, typed error", () => {
  const t = ["a", "b", "a"];
  assert.throws(() => accuracy(t, ["a", "b"]), { name: "InvalidInputError", message: /y_true has 3 samples but y_pred has 2/ });
  assert.throws(() => accuracy([], []), /y_true is empty/);
  assert.throws(() => f1(t, t, { average: "mean" as any }), /unknown average "mean": use one of/);
  assert.throws(() => f1([1, 2, 3], [1, 2, 3]), /target is multiclass but average is 'binary'/);
  assert.throws(() => f1(t, t), /posLabel 1 is not a valid label/);
  assert.throws(() => f1(["a", 1], ["a", 1], { average: "macro" }), /mixes string and number labels/);
  assert.throws(() => accuracy([0.5, 1.5], [0.5, 1.5]), /continuous value/);
  assert.throws(() => accuracy([NaN, 1], [1, 1]), /must be finite/);
  assert.throws(() => f1(t, t, { average: "macro", zeroDivision: 0.5 }), /unknown zeroDivision/);
  assert.throws(() => f1(t, t, { average: "samples" }), /need multi-label targets/);
  assert.throws(() => accuracy([["a"], ["b"]], ["a", "b"]), /pass both in the same form/);
  assert.throws(() => confusionMatrix(t, t, { labels: [] }), /labels is empty/);
  assert.throws(() => confusionMatrix(t, t, { labels: ["z"] }), /at least one must/);
  assert.throws(() => confusionMatrix(t, t, { normalize: "rows" as any }), /unknown normalize/);
  assert.throws(() => confusionMatrix([["a"]] as any, [["a"]] as any), /multilabelConfusionMatrix/);
  assert.throws(() => subsetAccuracy(t, t), /needs multi-label targets/);
  assert.throws(() => precision([[1, 0], [0, 1]], [[1, 0, 0], [0, 1, 0]], { average: "micro" }), /2 indicator columns but y_pred has 3/);
  assert.throws(() => classificationReport(t, t, { targetNames: ["only one"] }), /2 classes but 1 target names/);
});

test("zeroDivision 'warn' gives 0 and reports through the hook; NaN drops the label from the average", () => {
  const yTrue = [0, 1, 2, 2];
  const yPred = [0, 1, 1, 1];
  const { result, warnings } = warningsOf((onWarning) => precision(yTrue, yPred, { average: null, onWarning }));
  assert.deepEqual(result, [1, 1 / 3, 0]);
  assert.equal(warnings.length, 1);
  assert.equal(precision(yTrue, yPred, { average: "macro", zeroDivision: NaN }), (1 + 1 / 3) / 2);
  assert.equal(precision(yTrue, yPred, { average: "macro", zeroDivision: 1 }), (1 + 1 / 3 + 1) / 3);
});

test("Python's rounding of exact ties shows in the text report", async () => {
  const { formatFixed } = await import("./render");
  assert.equal(formatFixed(0.125, 2), "0.12");
  assert.equal(formatFixed(0.375, 2), "0.38");
  assert.equal(formatFixed(2.5, 0), "2");
  assert.equal(formatFixed(0.15, 1), "0.1"); // 0.15 is really 0.1499999…
  assert.equal(formatFixed(NaN, 2), "nan");
});

test("a confusion matrix shows as an HTML table and as text", () => {
  const cm = confusionMatrix(["cat", "dog", "cat"], ["cat", "cat", "cat"]);
  assert.deepEqual(cm.labels, ["cat", "dog"]);
  const bundle = cm[MIME]();
  assert.match(String(bundle["text/html"]), /<table/);
  assert.match(String(bundle["text/plain"]), /cat\s+2\s+0/);
});
