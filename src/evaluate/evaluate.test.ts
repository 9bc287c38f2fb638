// evaluate(): its numbers and curves against scikit-learn's on held-out predictions
// (make_evaluate_fixtures.py), real models (coefficients, TreeSHAP importance), everything logged
// to the active run under a prefix and nothing without one, the display, and bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertClose } from "../../tests/fixtures/sklearn";
import { denseSplit, textSplit } from "../../tests/fixtures/modelData";
import { InvalidInputError, NotFittedError } from "../errors";
import { MIME } from "../display";
import { PLOTLY_MIME } from "../display/figures";
import { TfidfVectorizer } from "../features";
import { HistGradientBoostingClassifier, LinearRegression, LogisticRegression } from "../models";
import * as track from "../track";
import { calibrationCurve, evaluate } from "./index";

const FIXTURE = path.resolve(__dirname, "..", "..", "..", "tests", "fixtures", "sklearn", "evaluate.json");
if (!fs.existsSync(FIXTURE)) throw new Error(`missing fixture ${FIXTURE}: run .venv/bin/python tests/fixtures/make_evaluate_fixtures.py`);
const fixture = JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
const caseOf = (task: string) => fixture.cases.find((c: { task: string }) => c.task === task);

/** A model that answers with the fixture's predictions (scikit-learn's GaussianNB / LinearRegression on the same rows). */
function standIn(c: any) {
  return {
    ...(c.classes ? { classes: c.classes, predictProba: () => c.y_proba } : {}),
    predict: () => c.y_pred,
    toJSON: () => ({ format: "stand-in", predictions: c.y_pred }),
  };
}
const rowsOf = (c: any) => c.y_true.map((_: unknown, i: number) => [i]);

function curvesMatch(actual: any, expected: any, where: string) {
  assertClose(actual.roc.fpr, expected.roc.fpr, `${where} roc fpr`);
  assertClose(actual.roc.tpr, expected.roc.tpr, `${where} roc tpr`);
  assertClose(actual.roc.thresholds, expected.roc.thresholds, `${where} roc thresholds`);
  assertClose(actual.roc.auc, expected.roc_auc, `${where} roc auc`);
  assertClose(actual.pr.precision, expected.pr.precision, `${where} precision`);
  assertClose(actual.pr.recall, expected.pr.recall, `${where} recall`);
  assertClose(actual.pr.thresholds, expected.pr.thresholds, `${where} pr thresholds`);
  assertClose(actual.pr.averagePrecision, expected.average_precision, `${where} average precision`);
  assertClose(actual.calibration.probTrue, expected.calibration.prob_true, `${where} calibration prob_true`);
  assertClose(actual.calibration.probPred, expected.calibration.prob_pred, `${where} calibration prob_pred`);
}

test("binary: metrics, report, confusion matrices and curves of the positive class as scikit-learn's", async () => {
  const c = caseOf("binary");
  const r = await evaluate(standIn(c), rowsOf(c), c.y_true, { log: false });
  assert.equal(r.task, "binary");
  const m = r.metrics;
  assertClose(m.accuracy, c.accuracy, "accuracy");
  assertClose([m.precision, m.recall, m.f1], [c.binary.precision, c.binary.recall, c.binary.f1], "binary scores");
  for (const avg of ["macro", "micro", "weighted"]) {
    assertClose([m[`${avg}_precision`], m[`${avg}_recall`], m[`${avg}_f1`]], [c.averages[avg].precision, c.averages[avg].recall, c.averages[avg].f1], avg);
  }
  assertClose(m.log_loss, c.log_loss, "log loss");
  assertClose(m.roc_auc, c.positive.roc_auc, "roc auc");
  assertClose(m.average_precision, c.positive.average_precision, "average precision");
  assertClose(r.confusion!.matrix, c.confusion_matrix, "confusion matrix");
  assertClose(r.confusionNormalized!.matrix, c.confusion_matrix_normalized, "normalised confusion matrix");
  const [[tn, fp], [fn, tp]] = c.confusion_matrix;
  assert.deepEqual([m.true_negatives, m.false_positives, m.false_negatives, m.true_positives], [tn, fp, fn, tp]);
  assertClose(r.report!.toDict(), c.report, "classification report");
  assert.equal(r.texts.classification_report, c.report_text);
  assert.equal(r.curves.length, 1);
  assert.equal(r.curves[0].label, c.pos_label);
  curvesMatch(r.curves[0], c.positive, "positive class");
  assert.deepEqual(Object.keys(r.figures).sort(), ["calibration_curve", "confusion_matrix", "confusion_matrix_normalized", "pr_curve", "roc_curve"]);
  // Stated the other way round, the positive class's numbers swap places.
  const other = await evaluate(standIn(c), rowsOf(c), c.y_true, { log: false, posLabel: c.classes[0] });
  assert.deepEqual([other.metrics.true_positives, other.metrics.true_negatives], [tn, tp]);
});

test("multi-class: one-vs-rest ROC-AUC, average precision and every class's curves as scikit-learn's", async () => {
  const c = caseOf("multiclass");
  const r = await evaluate(standIn(c), rowsOf(c), c.y_true, { log: false });
  assert.equal(r.task, "multiclass");
  assertClose(r.metrics.accuracy, c.accuracy, "accuracy");
  for (const avg of ["macro", "micro", "weighted"]) {
    assertClose([r.metrics[`${avg}_precision`], r.metrics[`${avg}_recall`], r.metrics[`${avg}_f1`]], [c.averages[avg].precision, c.averages[avg].recall, c.averages[avg].f1], avg);
  }
  assertClose(r.metrics.log_loss, c.log_loss, "log loss");
  assertClose(r.metrics.roc_auc, c.roc_auc_ovr_macro, "roc auc macro");
  assertClose(r.metrics.roc_auc_weighted, c.roc_auc_ovr_weighted, "roc auc weighted");
  assertClose(r.metrics.average_precision, c.average_precision_macro, "average precision");
  assertClose(r.confusion!.matrix, c.confusion_matrix, "confusion matrix");
  assertClose(r.confusionNormalized!.matrix, c.confusion_matrix_normalized, "normalised confusion matrix");
  assertClose(r.report!.toDict(), c.report, "classification report");
  assert.deepEqual(r.curves.map((k) => k.label), c.classes);
  r.curves.forEach((k, i) => curvesMatch(k, c.per_class[i], String(k.label)));
  assert.deepEqual(r.tables.per_class.columns, ["label", "precision", "recall", "f1", "support", "roc_auc", "average_precision"]);
  assert.equal((r.figures.roc_curve.spec.data as unknown[]).length, 4); // a line per class and chance
});

test("multi-label: per-label and averaged scores, Hamming loss, subset accuracy and per-label curves as scikit-learn's", async () => {
  const c = caseOf("multilabel");
  const r = await evaluate(standIn(c), rowsOf(c), c.y_true, { log: false });
  assert.equal(r.task, "multilabel");
  assertClose(r.metrics.subset_accuracy, c.subset_accuracy, "subset accuracy");
  assertClose(r.metrics.hamming_loss, c.hamming_loss, "hamming loss");
  for (const avg of ["macro", "micro", "weighted", "samples"]) {
    assertClose([r.metrics[`${avg}_precision`], r.metrics[`${avg}_recall`], r.metrics[`${avg}_f1`]], [c.averages[avg].precision, c.averages[avg].recall, c.averages[avg].f1], avg);
  }
  assertClose(r.metrics.roc_auc, c.roc_auc_macro, "roc auc macro");
  assertClose(r.metrics.roc_auc_micro, c.roc_auc_micro, "roc auc micro");
  assertClose(r.metrics.average_precision, c.average_precision_macro, "average precision");
  const t = r.tables.per_label;
  const column = (name: string) => t.data.map((row) => row[t.columns.indexOf(name)]);
  assert.deepEqual(column("label"), c.classes);
  assertClose([column("precision"), column("recall"), column("f1"), column("support")], [c.per_label.precision, c.per_label.recall, c.per_label.f1, c.per_label.support], "per label");
  assertClose(t.data.map((row) => row.slice(5, 9)), c.multilabel_confusion_matrix.map((m: number[][]) => m.flat()), "per-label confusion counts");
  r.curves.forEach((k, i) => curvesMatch(k, c.per_label_curves[i], String(k.label)));
  // The worst errors are the surest wrong decisions, with the labels that were wrong.
  const w = r.tables.worst_errors;
  const conf = w.data.map((row) => row[w.columns.indexOf("confidence")] as number);
  assert.deepEqual(conf, [...conf].sort((a, b) => b - a));
  assert.ok(conf[0] > 0.99, `the surest mistake is almost certain (${conf[0]})`);
});

test("regression: MAE, MSE, RMSE, R², max error and MAPE as scikit-learn's; residuals and predicted-vs-true", async () => {
  const c = caseOf("regression");
  const r = await evaluate(standIn(c), rowsOf(c), c.y_true, { log: false });
  assert.equal(r.task, "regression");
  for (const k of ["mae", "mse", "rmse", "r2", "max_error", "mape"]) assertClose(r.metrics[k], c[k], k);
  assert.deepEqual(Object.keys(r.figures).sort(), ["predicted_vs_true", "residuals"]);
  const residuals = r.figures.residuals.spec.data[0] as { x: number[]; y: number[] };
  assertClose(residuals.y, c.y_true.map((v: number, i: number) => v - c.y_pred[i]), "residuals");
  const w = r.tables.worst_errors;
  assert.deepEqual(w.columns, ["row", "true", "predicted", "error"]);
  assertClose(Math.abs(w.data[0][3] as number), c.max_error, "the worst row is the max error");
  // A zero target makes MAPE undefined: left out, and said why.
  const zero = await evaluate({ predict: () => [1, 2] }, [[0], [1]], [0, 2], { log: false });
  assert.equal(zero.metrics.mape, undefined);
  assert.ok(zero.notes.some((n) => /mape is left out/.test(n)));
});

test("calibrationCurve bins like scikit-learn's uniform strategy: an edge value falls in the lower bin, empty bins are dropped", () => {
  const c = calibrationCurve([0, 1, 1, 0, 1], [0.1, 0.1000001, 0.3, 0.95, 1], { nBins: 10 });
  assert.deepEqual(c.counts, [1, 1, 1, 2]);
  assertClose(c.probPred, [0.1, 0.1000001, 0.3, 0.975], "mean predicted");
  assertClose(c.probTrue, [0, 1, 1, 0.5], "fraction positive");
  assert.throws(() => calibrationCurve([1], [1.5]), /outside \[0, 1\]: pass probabilities/);
});

test("real models: coefficients named by the vectoriser, TreeSHAP importance, model size, latency and the most confident mistakes with their texts", async () => {
  const s = denseSplit("breast_cancer", "standardised");
  const lr = new LogisticRegression({ C: 0.1 }).fit(s.Xtrain, s.ytrain);
  const names = s.Xtrain[0].map((_, j) => `x${j}`);
  const r = await evaluate(lr, s.Xtest, s.ytest, { log: false, featureNames: names, ids: s.ytest.map((_, i) => `id-${i}`) });
  assert.equal(r.model, "LogisticRegression");
  assert.equal(r.importance!.kind, "coefficient");
  const top = r.importance!.features[0];
  assert.equal(top.name, names[top.feature]);
  assert.equal(top.value, lr.coef[0][top.feature]);
  assert.equal(r.metrics.model_size, Buffer.byteLength(JSON.stringify(lr.toJSON())));
  assert.ok(r.metrics.latency_ms_per_row > 0 && r.metrics.latency_ms_per_row < 50);
  const w = r.tables.worst_errors;
  assert.deepEqual(w.columns, ["row", "id", "true", "predicted", "confidence", "p_true"]);
  const proba = lr.predictProba(s.Xtest);
  for (const [row, id, truth, predicted, confidence] of w.data as [number, string, number, number, number][]) {
    assert.equal(id, `id-${row}`);
    assert.notEqual(truth, predicted);
    assert.equal(confidence, proba[row][lr.classes.indexOf(predicted)]);
  }
  const confidences = w.data.map((row) => row[4] as number);
  assert.deepEqual(confidences, [...confidences].sort((a, b) => b - a));

  const gb = new HistGradientBoostingClassifier({ maxIter: 15, earlyStopping: false }).fit(s.Xtrain, s.ytrain);
  const g = await evaluate(gb, s.Xtest, s.ytest, { log: false, shapSamples: 40 });
  assert.equal(g.importance!.kind, "mean |SHAP|");
  // Mean |SHAP| over 40 rows spread evenly over X.
  const spread = Array.from({ length: 40 }, (_, k) => s.Xtest[Math.floor((k * s.Xtest.length) / 40)]);
  const shap = gb.contributions(spread);
  for (const f of g.importance!.features.slice(0, 5)) assertClose(f.value, shap.reduce((a, row) => a + Math.abs(row[0][f.feature]), 0) / 40, `mean |SHAP| of ${f.name}`);
  assert.equal((await evaluate(gb, s.Xtest, s.ytest, { log: false, shapSamples: 0 })).importance!.kind, "gain");

  // Text through a vectoriser: the feature names are its vocabulary, the texts sit beside the errors.
  const t = textSplit("tfidf");
  const vec = new TfidfVectorizer().fit(fixtureDocs());
  const text = new LogisticRegression({ C: 10 }).fit(t.Xtrain, t.ytrain);
  const texts = t.ytest.map((_, i) => `passage ${i}`);
  const tr = await evaluate(text, t.Xtest, t.ytest, { log: false, texts, featureNames: vec });
  assert.equal(tr.task, "multiclass");
  assert.equal(tr.importance!.kind, "mean |coefficient|");
  assert.ok(tr.importance!.features.slice(0, 5).every((f) => vec.vocabulary.get(f.name) === f.feature));
  assert.equal(tr.tables.worst_errors.columns.at(-1), "text");
});

/** The training paragraphs the text split's vectoriser was fitted on. */
function fixtureDocs(): string[] {
  const m = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "tests", "fixtures", "sklearn", "models.json"), "utf8"));
  return m.text.train.map((i: number) => m.text.docs[i]);
}

test("inside a run everything is logged under the prefix (two datasets in one run); outside a run, or with log: false, nothing is", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-evaluate-"));
  const st = await track.useStore(`sqlite://${path.join(dir, "store.db")}`);
  const c = caseOf("multiclass");
  const outside = await evaluate(standIn(c), rowsOf(c), c.y_true);
  assert.equal(outside.logged, null);
  assert.equal((await st.listRuns({})).length, 0);

  const run = await track.startRun({ name: "eval" });
  const test = await evaluate(standIn(c), rowsOf(c), c.y_true, { prefix: "test/" });
  const reg = caseOf("regression");
  await evaluate(standIn(reg), rowsOf(reg), reg.y_true, { prefix: "val/" });
  await evaluate(standIn(reg), rowsOf(reg), reg.y_true, { prefix: "quiet/", log: false });
  const s = denseSplit("iris");
  const lr = new LogisticRegression().fit(s.Xtrain, s.ytrain);
  await evaluate(lr, s.Xtest, s.ytest, { prefix: "lr/", step: 3, featureNames: ["sepal length", "sepal width", "petal length", "petal width"] });
  await run.end();
  assert.deepEqual(test.logged, { runId: run.id, runName: "eval", prefix: "test/" });

  const detail = await st.getRun(run.id);
  for (const [k, v] of Object.entries(test.metrics)) assert.equal(detail.metrics[`test/${k}`]?.last, v, `test/${k}`);
  assertClose(detail.metrics["val/rmse"].last, reg.rmse, "val/rmse");
  assert.ok(!Object.keys(detail.metrics).some((k) => k.startsWith("quiet/")));
  const media = (await st.listMedia(run.id)).filter((m) => !m.key.startsWith("lr/")).map((m) => `${m.kind} ${m.key}`).sort();
  const lrMedia = (await st.listMedia(run.id)).filter((m) => m.key.startsWith("lr/"));
  assert.ok(lrMedia.every((m) => m.step === 3));
  assert.deepEqual(lrMedia.filter((m) => m.key.includes("importance")).map((m) => `${m.kind} ${m.key}`).sort(), ["figure lr/feature_importance", "table lr/feature_importance_values"]);
  assert.equal(detail.metrics["lr/accuracy"].count, 1);
  assert.deepEqual(media, [
    "figure test/calibration_curve", "figure test/confusion_matrix", "figure test/confusion_matrix_normalized", "figure test/pr_curve", "figure test/roc_curve",
    "figure val/predicted_vs_true", "figure val/residuals",
    "table test/per_class", "table test/worst_errors", "table val/worst_errors",
    "text test/classification_report",
  ]);
  const [cm] = await track.loadMedia(run.id, "test/confusion_matrix");
  assert.deepEqual((cm.value as any).data[0].z, c.confusion_matrix);
  const [worst] = await track.loadMedia(run.id, "test/worst_errors");
  assert.deepEqual((worst.value as any).columns, test.tables.worst_errors.columns);
});

test("displays inline: one plotly dashboard (metrics as a table panel, each figure a panel), HTML tables and a text summary", async () => {
  const c = caseOf("binary");
  const r = await evaluate(standIn(c), rowsOf(c), c.y_true, { log: false, texts: c.y_true.map((_: unknown, i: number) => `sample ${i}`) });
  const bundle = r[MIME]();
  const dash = bundle[PLOTLY_MIME] as { data: any[]; layout: any };
  const tables = dash.data.filter((t) => t.type === "table");
  assert.equal(tables.length, 2); // metrics and worst errors
  assert.ok(tables[0].cells.values[0].includes("roc_auc"));
  assert.ok(dash.data.some((t) => t.type === "heatmap" && t.xaxis === "x"));
  assert.ok(dash.layout.xaxis4 && dash.layout.yaxis4.domain[1] <= 1);
  assert.match(String(dash.layout.title.text), /Evaluation of model: binary classification, 284 rows, 2 classes; not logged/);
  const html = String(bundle["text/html"]);
  assert.match(html, /<h4[^>]*>Metrics<\/h4>/);
  assert.match(html, /sample \d+/);
  assert.match(String(bundle["text/plain"]), /accuracy\s+0\.88/);
});

test("bad input is a clear error that says what to do", async () => {
  const c = caseOf("multiclass");
  const rejects = (p: Promise<unknown>, message: RegExp) => assert.rejects(p, (e: unknown) => e instanceof InvalidInputError && message.test((e as Error).message), String(message));
  await rejects(evaluate({ fit() {} }, [[1]], [1]), /evaluate needs a fitted model with predict\(X\), got a Object without predict\(\): pass the estimator itself after fit\(\)/);
  await rejects(evaluate(null, [[1]], [1]), /got null/);
  await rejects(evaluate(standIn(c), rowsOf(c), c.y_true.slice(1)), /X has 75 rows but y has 74: pass the targets of the same rows/);
  await rejects(evaluate(standIn(c), rowsOf(c), c.y_true.map((v: string, i: number) => (i === 3 ? "daisy" : v))), /y holds a label the model never saw in fit: "daisy" \(1 row\)\. Its classes are \["setosa","versicolor","virginica"\]: evaluate on rows whose labels it knows, or refit/);
  const reg = caseOf("regression");
  await rejects(evaluate(standIn(reg), rowsOf(reg), reg.y_true.map((v: number, i: number) => (i === 5 ? NaN : v))), /y\[5\] is NaN: a regressor is scored on rows with a finite target; drop or fill those rows first/);
  await rejects(evaluate({ predict: () => [1, NaN] }, [[0], [1]], [1, 2]), /the model predicted NaN for row 1/);
  await rejects(evaluate(standIn(c), rowsOf(c), c.y_true, { ids: [1, 2] }), /X has 75 rows but ids has 2: give one id per row/);
  await rejects(evaluate(standIn(c), rowsOf(c), c.y_true, { posLabel: "rose" }), /posLabel "rose" is not one of the classes/);
  await rejects(evaluate({ ...standIn(c), predictProba: () => c.y_proba.map((r: number[]) => r.slice(1)) }, rowsOf(c), c.y_true), /predictProba gave 2 columns in row 0 but the model has 3 classes/);
  const iris = denseSplit("iris");
  const lr = new LogisticRegression().fit(iris.Xtrain, iris.ytrain);
  await rejects(evaluate(lr, iris.Xtest, iris.ytest, { featureNames: ["a"] }), /featureNames has 1 names but the model has 4 features: pass the names of the columns it was fitted on/);
  // An unfitted model says so itself (NotFittedError) before anything is scored.
  await assert.rejects(evaluate(new LinearRegression(), [[1], [2]], [1, 2]), (e: unknown) => e instanceof NotFittedError && /not fitted yet: call fit\(X, y\) first/.test((e as Error).message));
  const multi = caseOf("multilabel");
  await rejects(evaluate(standIn(multi), rowsOf(multi), multi.y_true.map((s: string[], i: number) => (i === 0 ? [...s, "odd"] : s))), /never saw in fit: "odd"/);
  await rejects(evaluate({ predict: () => ["a"] }, [[1]], [["a"]]), /the model predicted "a" for row 0, not a label set: is it a multi-label model/);
});
