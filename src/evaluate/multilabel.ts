// Evaluating a multi-label classifier (a label set per sample): subset accuracy and Hamming loss,
// precision/recall/F1 per label and averaged (micro, macro, weighted, samples), each label's 2×2
// confusion counts, ROC-AUC and average precision, curves per label, and the surest mistakes.
import type { Label } from "../labels";
import {
  averagePrecision,
  classificationReport,
  hammingLoss,
  multilabelConfusionMatrix,
  precisionRecallFscoreSupport,
  rocAuc,
  subsetAccuracy,
  type MetricWarning,
} from "../metrics";
import { isIndicator } from "../metrics/targets";
import { binaryCurves, type LabelCurves } from "./curves";
import { byScoreDescending, emptyFindings, worstTable, type ExampleColumns, type Findings } from "./findings";

export interface MultilabelInput {
  /** Label sets, or 0/1 rows with a column per class. */
  y: readonly (readonly Label[])[];
  pred: readonly (readonly Label[])[];
  /** A probability per label, columns in `classes` order; null without predictProba. */
  proba: readonly (readonly number[])[] | null;
  classes: readonly Label[];
  nBins: number;
  maxCurveClasses: number;
  worst: number;
  examples: ExampleColumns;
}

export interface MultilabelFindings extends Findings {
  curves: LabelCurves[];
}

/** 0/1 rows with a column per class, from label sets or from 0/1 rows already. */
export function indicatorRows(y: readonly (readonly Label[])[], classes: readonly Label[]): number[][] {
  if (isIndicator(y) && y[0].length === classes.length) return y.map((r) => r.map(Number));
  return y.map((set) => classes.map((c) => (set.includes(c) ? 1 : 0)));
}

export function evaluateMultilabel(input: MultilabelInput): MultilabelFindings {
  const { classes, proba } = input;
  const Y = indicatorRows(input.y, classes);
  const P = indicatorRows(input.pred, classes);
  const found = emptyFindings();
  const onWarning = (w: MetricWarning) => void (found.notes.includes(w.message) || found.notes.push(w.message));
  const m = found.metrics;
  m.subset_accuracy = subsetAccuracy(Y, P);
  m.hamming_loss = hammingLoss(Y, P);
  for (const average of ["micro", "macro", "weighted", "samples"] as const) {
    const s = precisionRecallFscoreSupport(Y, P, { average, zeroDivision: 0, onWarning });
    Object.assign(m, { [`${average}_precision`]: s.precision, [`${average}_recall`]: s.recall, [`${average}_f1`]: s.fScore });
  }
  const per = precisionRecallFscoreSupport(Y, P, { zeroDivision: 0, onWarning });
  const counts = multilabelConfusionMatrix(Y, P).matrices;

  let curves: LabelCurves[] = [];
  if (proba) {
    const problems = classes.map((label, j) => ({ label, positive: Y.map((r) => r[j]), score: proba.map((r) => r[j]) }));
    curves = binaryCurves(problems, { nBins: input.nBins, maxCurves: input.maxCurveClasses }, found);
    if (curves.length === classes.length) {
      m.roc_auc = rocAuc(Y, proba, { average: "macro", onWarning });
      m.roc_auc_micro = rocAuc(Y, proba, { average: "micro", onWarning });
      m.average_precision = averagePrecision(Y, proba, { average: "macro", onWarning });
    } else {
      found.notes.push("roc_auc and average_precision need every label both present and absent somewhere in y: left out");
    }
  }
  const curveOf = new Map(curves.map((c) => [c.label, c]));
  found.tables.per_label = {
    columns: ["label", "precision", "recall", "f1", "support", "true_negatives", "false_positives", "false_negatives", "true_positives", ...(proba ? ["roc_auc", "average_precision"] : [])],
    data: classes.map((label, j) => [
      String(label), per.precision[j], per.recall[j], per.fScore[j], per.support[j], ...counts[j].flat(),
      ...(proba ? [curveOf.get(label)?.roc.auc ?? null, curveOf.get(label)?.pr.averagePrecision ?? null] : []),
    ]),
  };
  found.texts.classification_report = classificationReport(Y, P, { targetNames: classes.map(String), zeroDivision: 0, onWarning }).toString();

  // A mistake's confidence: how sure the model was of its surest wrong decision on one label.
  const names = (row: readonly number[]) => classes.filter((_, j) => row[j] === 1);
  const wrongLabels = (i: number) => classes.filter((_, j) => Y[i][j] !== P[i][j]);
  const wrong = Y.flatMap((r, i) => (r.some((v, j) => v !== P[i][j]) ? [i] : []));
  const confidence = (i: number) => Math.max(...Y[i].map((v, j) => (v === P[i][j] ? -Infinity : P[i][j] === 1 ? proba![i][j] : 1 - proba![i][j])));
  const order = proba ? byScoreDescending(wrong, confidence) : byScoreDescending(wrong, (i) => wrongLabels(i).length);
  found.tables.worst_errors = worstTable(order, input.worst, (i) => ({
    true: names(Y[i]), predicted: names(P[i]), wrong_labels: wrongLabels(i), ...(proba ? { confidence: confidence(i) } : {}),
  }), input.examples);
  return { ...found, curves };
}
