// Evaluating a classifier with one label per sample, as mlflow.evaluate's classifier evaluator
// does: accuracy, precision/recall/F1 (binary for the positive class, and macro/micro/weighted),
// log loss and ROC-AUC where there are probabilities, the per-class report, the confusion matrix
// in counts and normalised over the true labels, curves per class, and the most confident mistakes.
import type { Label } from "../labels";
import {
  accuracy,
  averagePrecision,
  classificationReport,
  confusionMatrix,
  logLoss,
  precisionRecallFscoreSupport,
  rocAuc,
  type ClassificationReport,
  type ConfusionMatrix,
  type MetricWarning,
} from "../metrics";
import { confusionMatrixFigure } from "../display/figures";
import { binaryCurves, type LabelCurves } from "./curves";
import { byScoreDescending, emptyFindings, worstTable, type ExampleColumns, type Findings } from "./findings";

export interface ClassificationInput {
  y: readonly Label[];
  pred: readonly Label[];
  /** One row per sample, a column per class in `classes` order; null without predictProba. */
  proba: readonly (readonly number[])[] | null;
  /** Sorted; the columns of proba. */
  classes: readonly Label[];
  posLabel: Label | undefined;
  nBins: number;
  maxCurveClasses: number;
  worst: number;
  examples: ExampleColumns;
}

export interface ClassificationFindings extends Findings {
  report: ClassificationReport;
  confusion: ConfusionMatrix;
  confusionNormalized: ConfusionMatrix;
  curves: LabelCurves[];
}

export function evaluateClassifier(input: ClassificationInput): ClassificationFindings {
  const { y, pred, proba, classes } = input;
  const found = emptyFindings();
  const onWarning = (w: MetricWarning) => void (found.notes.includes(w.message) || found.notes.push(w.message));
  const m = found.metrics;
  const binary = classes.length === 2;
  const posLabel = input.posLabel ?? classes[classes.length - 1];

  m.accuracy = accuracy(y, pred);
  if (binary) {
    const s = precisionRecallFscoreSupport(y, pred, { average: "binary", posLabel, labels: classes, zeroDivision: 0, onWarning });
    Object.assign(m, { precision: s.precision, recall: s.recall, f1: s.fScore });
  }
  for (const average of ["macro", "micro", "weighted"] as const) {
    const s = precisionRecallFscoreSupport(y, pred, { average, zeroDivision: 0, onWarning });
    Object.assign(m, { [`${average}_precision`]: s.precision, [`${average}_recall`]: s.recall, [`${average}_f1`]: s.fScore });
  }

  const confusion = confusionMatrix(y, pred, { labels: classes });
  const confusionNormalized = confusionMatrix(y, pred, { labels: classes, normalize: "true" });
  if (binary) {
    const [[tn, fp], [fn, tp]] = classes[1] === posLabel ? confusion.matrix : confusion.matrix.map((r) => [...r].reverse()).reverse();
    Object.assign(m, { true_negatives: tn, false_positives: fp, false_negatives: fn, true_positives: tp });
  }
  found.figures.confusion_matrix = confusionMatrixFigure(confusion);
  found.figures.confusion_matrix_normalized = confusionMatrixFigure(confusionNormalized, { title: "Confusion matrix (each true label's row sums to 1)" });


  let curves: LabelCurves[] = [];
  if (proba) {
    const column = new Map(classes.map((c, k) => [c, k]));
    m.log_loss = logLoss(y, proba, { labels: classes, onWarning });
    const problems = (binary ? [posLabel] : classes).map((label) => ({
      label,
      positive: y.map((v) => (v === label ? 1 : 0)),
      score: proba.map((r) => r[column.get(label)!]),
    }));
    curves = binaryCurves(problems, { nBins: input.nBins, maxCurves: input.maxCurveClasses }, found);
    if (binary) {
      if (curves.length) {
        m.roc_auc = curves[0].roc.auc;
        m.average_precision = curves[0].pr.averagePrecision;
        m.expected_calibration_error = curves[0].calibration.expectedCalibrationError;
      }
    } else if (curves.length === classes.length) {
      // One-vs-rest, as sklearn's roc_auc_score(multi_class="ovr") and average_precision_score on the binarised labels.
      m.roc_auc = rocAuc(y, proba, { multiClass: "ovr", average: "macro", labels: classes, onWarning });
      m.roc_auc_weighted = rocAuc(y, proba, { multiClass: "ovr", average: "weighted", labels: classes, onWarning });
      m.average_precision = averagePrecision(y.map((v) => classes.map((c) => (v === c ? 1 : 0))), proba, { average: "macro", onWarning });
    } else {
      found.notes.push("roc_auc and average_precision need every class in y (one-vs-rest): left out");
    }
  }

  const report = classificationReport(y, pred, { zeroDivision: 0, onWarning });
  found.texts.classification_report = report.toString();
  const curveOf = new Map(curves.map((c) => [String(c.label), c]));
  const withCurves = proba !== null && !binary && curves.length > 0;
  found.tables.per_class = {
    columns: ["label", "precision", "recall", "f1", "support", ...(withCurves ? ["roc_auc", "average_precision"] : [])],
    data: report.rows.map((r) => [r.name, r.precision, r.recall, r.f1Score, r.support,
      ...(withCurves ? [curveOf.get(r.name)?.roc.auc ?? null, curveOf.get(r.name)?.pr.averagePrecision ?? null] : [])]),
  };

  // The most confident mistakes first: a model sure of a wrong answer is the one to look at.
  const wrong = y.flatMap((v, i) => (v !== pred[i] ? [i] : []));
  if (proba) {
    const column = new Map(classes.map((c, k) => [c, k]));
    const confidence = (i: number) => proba[i][column.get(pred[i])!] ?? NaN;
    found.tables.worst_errors = worstTable(byScoreDescending(wrong, confidence), input.worst, (i) => ({
      true: y[i], predicted: pred[i], confidence: confidence(i), p_true: proba[i][column.get(y[i])!] ?? null,
    }), input.examples);
  } else {
    found.tables.worst_errors = worstTable(wrong, input.worst, (i) => ({ true: y[i], predicted: pred[i] }), input.examples);
  }
  return { ...found, report, confusion, confusionNormalized, curves };
}
