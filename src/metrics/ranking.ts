// Metrics on scores rather than hard labels: ROC and precision-recall curves, their areas
// (ROC-AUC, average precision) and the trapezoidal `auc`. Definitions follow sklearn.metrics
// (roc_curve, precision_recall_curve, roc_auc_score, average_precision_score).
import { InvalidInputError, checkOption } from "../errors";
import { type Label, compareLabels, uniqueLabels } from "../labels";
import { type LabelVector, type MultilabelTarget, checkNonEmpty, checkSameLength, isMultilabelTarget, labelVectorClasses } from "./targets";
import { type WarningHook, warn } from "./warnings";

export type Scores = readonly number[] | Float64Array;
export type ScoreMatrix = readonly (readonly number[])[];

function checkScores(y: Scores, name = "y_score"): void {
  for (let i = 0; i < y.length; i++) {
    if (typeof y[i] !== "number" || !Number.isFinite(y[i])) {
      throw new InvalidInputError(`${name}[${i}] is ${y[i]}: scores must be finite numbers (fill or drop missing predictions first)`);
    }
  }
}

function checkScoreMatrix(s: ScoreMatrix, n: number, width: number | undefined, why: string): number {
  checkSameLength(s, { length: n }, "y_score", "y_true");
  const w = width ?? (Array.isArray(s[0]) ? s[0].length : 0);
  s.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== w) {
      throw new InvalidInputError(`y_score[${i}] must be an array of ${w} scores (${why})`);
    }
    checkScores(row, `y_score[${i}]`);
  });
  return w;
}

/** Which class is "positive" when the caller did not say: 1 for {0,1} or {-1,1} labels, otherwise they must say. */
function resolvePosLabel(classes: Label[], posLabel: Label | undefined): Label {
  if (posLabel !== undefined) return posLabel;
  const ok = [[0, 1], [-1, 1], [0], [-1], [1]].some((set) => classes.every((c) => set.includes(c as number)));
  if (!ok || classes.some((c) => typeof c === "string")) {
    throw new InvalidInputError(
      `y_true takes values ${JSON.stringify(classes)} and posLabel is not given: pass posLabel (the positive class), or use labels {0, 1} or {-1, 1}`,
    );
  }
  return 1;
}

interface ThresholdCounts {
  fps: Float64Array;
  tps: Float64Array;
  thresholds: Float64Array;
}

/** False and true positive counts at each distinct score, scores taken from high to low. */
function countsAtThresholds(positive: Uint8Array, score: Scores): ThresholdCounts {
  const n = positive.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    tp += positive[i];
    // Tied scores form one threshold: record only where the next score differs (and at the end).
    if (k === n - 1 || score[order[k + 1]] !== score[i]) {
      tps.push(tp);
      fps.push(k + 1 - tp);
      thresholds.push(score[i]);
    }
  }
  return { fps: Float64Array.from(fps), tps: Float64Array.from(tps), thresholds: Float64Array.from(thresholds) };
}

function binaryTargets(yTrue: LabelVector, yScore: Scores, posLabel: Label | undefined, allowMulticlass: boolean): Uint8Array {
  const classes = labelVectorClasses(yTrue, "y_true");
  checkSameLength(yTrue, yScore, "y_true", "y_score");
  checkScores(yScore);
  if (classes.length > 2 && (posLabel === undefined || !allowMulticlass)) {
    throw new InvalidInputError(
      `y_true has ${classes.length} classes but this curve is for binary targets: pass posLabel to treat one class as positive`,
    );
  }
  const pos = resolvePosLabel(classes, posLabel);
  return Uint8Array.from(yTrue, (v) => (v === pos ? 1 : 0));
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Decreasing; the first is Infinity so the curve starts at (0, 0). */
  thresholds: number[];
}

/** Receiver operating characteristic: false and true positive rates as the threshold falls. */
export function rocCurve(
  yTrue: LabelVector,
  yScore: Scores,
  options: { posLabel?: Label; dropIntermediate?: boolean; onWarning?: WarningHook } = {},
): RocCurve {
  const positive = binaryTargets(yTrue, yScore, options.posLabel, true);
  return rocFromCounts(countsAtThresholds(positive, yScore), options.dropIntermediate ?? true, options.onWarning);
}

function rocFromCounts(c: ThresholdCounts, dropIntermediate: boolean, onWarning?: WarningHook): RocCurve {
  let idx = Array.from(c.fps, (_, i) => i);
  if (dropIntermediate && c.fps.length > 2) {
    // Keep only corners: points collinear with both neighbours never change the plotted curve or its area.
    const second = (a: Float64Array, i: number) => a[i + 1] - a[i] - (a[i] - a[i - 1]);
    idx = idx.filter((i) => i === 0 || i === c.fps.length - 1 || second(c.fps, i) !== 0 || second(c.tps, i) !== 0);
  }
  const fps = [0, ...idx.map((i) => c.fps[i])];
  const tps = [0, ...idx.map((i) => c.tps[i])];
  const thresholds = [Infinity, ...idx.map((i) => c.thresholds[i])];
  const rate = (v: number[], what: string) => {
    const total = v[v.length - 1];
    if (total <= 0) {
      warn(onWarning, "UndefinedMetricWarning", `No ${what} samples in y_true, ${what === "negative" ? "false" : "true"} positive value should be meaningless`);
      return v.map(() => NaN);
    }
    return v.map((x) => x / total);
  };
  return { fpr: rate(fps, "negative"), tpr: rate(tps, "positive"), thresholds };
}

export interface PrecisionRecallCurve {
  /** Ends with 1 (no threshold). */
  precision: number[];
  /** Decreasing; ends with 0. */
  recall: number[];
  /** Increasing. */
  thresholds: number[];
}

export function precisionRecallCurve(
  yTrue: LabelVector,
  yScore: Scores,
  options: { posLabel?: Label; dropIntermediate?: boolean; onWarning?: WarningHook } = {},
): PrecisionRecallCurve {
  const positive = binaryTargets(yTrue, yScore, options.posLabel, true);
  return prFromCounts(countsAtThresholds(positive, yScore), options.dropIntermediate ?? false, options.onWarning);
}

function prFromCounts(c: ThresholdCounts, dropIntermediate: boolean, onWarning?: WarningHook): PrecisionRecallCurve {
  let idx = Array.from(c.tps, (_, i) => i);
  const last = c.tps.length - 1;
  if (dropIntermediate && c.tps.length > 2) {
    // Points inside a run of equal recall draw a vertical line; its two ends are enough.
    idx = idx.filter((i) => i === 0 || i === last || c.tps[i] !== c.tps[i - 1] || c.tps[i + 1] !== c.tps[i]);
  }
  const tps = idx.map((i) => c.tps[i]);
  const fps = idx.map((i) => c.fps[i]);
  const precision = tps.map((t, k) => (t + fps[k] !== 0 ? t / (t + fps[k]) : 0));
  const allPositive = c.tps[last];
  let recall: number[];
  if (allPositive === 0) {
    warn(onWarning, "UserWarning", "No positive class found in y_true, recall is set to one for all thresholds.");
    recall = tps.map(() => 1);
  } else recall = tps.map((t) => t / allPositive);
  return {
    precision: [...precision.reverse(), 1],
    recall: [...recall.reverse(), 0],
    thresholds: idx.map((i) => c.thresholds[i]).reverse(),
  };
}

/** Area under a curve by the trapezoidal rule; x must be monotonic. */
export function auc(x: readonly number[], y: readonly number[]): number {
  checkSameLength(x, y, "x", "y");
  if (x.length < 2) throw new InvalidInputError(`auc needs at least 2 points (got ${x.length})`);
  let increasing = true;
  let decreasing = true;
  for (let i = 1; i < x.length; i++) {
    if (x[i] < x[i - 1]) increasing = false;
    if (x[i] > x[i - 1]) decreasing = false;
  }
  if (!increasing && !decreasing) throw new InvalidInputError("x is neither increasing nor decreasing: sort the points by x first");
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return increasing ? area : -area;
}

function binaryRocAuc(positive: Uint8Array, score: Scores, maxFpr: number | undefined, onWarning?: WarningHook): number {
  const nPos = positive.reduce((a, b) => a + b, 0);
  if (nPos === 0 || nPos === positive.length) {
    warn(onWarning, "UndefinedMetricWarning", "Only one class is present in y_true. ROC AUC score is not defined in that case.");
    return NaN;
  }
  const { fpr, tpr } = rocFromCounts(countsAtThresholds(positive, score), true, onWarning);
  if (maxFpr === undefined || maxFpr === 1) return auc(fpr, tpr);
  // Partial AUC up to maxFpr, standardised (McClish) so chance is 0.5 and perfect is 1.
  let stop = 0;
  while (stop < fpr.length && fpr[stop] <= maxFpr) stop++;
  const [x0, x1, y0, y1] = [fpr[stop - 1], fpr[stop], tpr[stop - 1], tpr[stop]];
  const yAt = x1 === x0 ? y1 : y0 + ((maxFpr - x0) * (y1 - y0)) / (x1 - x0);
  const partial = auc([...fpr.slice(0, stop), maxFpr], [...tpr.slice(0, stop), yAt]);
  const minArea = 0.5 * maxFpr ** 2;
  return 0.5 * (1 + (partial - minArea) / (maxFpr - minArea));
}

function binaryAveragePrecision(positive: Uint8Array, score: Scores, onWarning?: WarningHook): number {
  const { precision, recall } = prFromCounts(countsAtThresholds(positive, score), false, onWarning);
  // Σ (R_n − R_{n−1}) P_n: a step function, not the optimistic trapezoid.
  let s = 0;
  for (let i = 0; i < recall.length - 1; i++) s += (recall[i + 1] - recall[i]) * precision[i];
  return Math.max(0, -s);
}

export type ScoreAverage = "micro" | "macro" | "weighted" | "samples";
const AVERAGE_OPTIONS = ["micro", "macro", "weighted", "samples", null] as const;

type BinaryScore = (positive: Uint8Array, score: Scores) => number;

/** Scores each indicator column (or each sample for "samples") and averages them, like sklearn's _average_binary_score. */
function averageOverColumns(
  metric: BinaryScore,
  truth: Uint8Array[],
  score: ScoreMatrix,
  average: ScoreAverage | null,
): number | number[] {
  const n = truth.length;
  const w = truth[0].length;
  if (average === "micro") {
    const t = new Uint8Array(n * w);
    const s = new Float64Array(n * w);
    for (let i = 0; i < n; i++) for (let j = 0; j < w; j++) (t[i * w + j] = truth[i][j]), (s[i * w + j] = score[i][j]);
    return metric(t, s);
  }
  let weights: number[] | undefined;
  if (average === "weighted") {
    weights = Array.from({ length: w }, (_, j) => truth.reduce((a, row) => a + row[j], 0));
    if (weights.reduce((a, b) => a + b, 0) === 0) return 0;
  }
  const bySample = average === "samples";
  const m = bySample ? n : w;
  const out = Array.from({ length: m }, (_, k) =>
    bySample ? metric(truth[k], score[k] as number[]) : metric(Uint8Array.from(truth, (r) => r[k]), score.map((r) => r[k])),
  );
  if (average === null) return out;
  if (weights) {
    let acc = 0;
    let sum = 0;
    out.forEach((v, k) => {
      // A label with no positives has weight 0; its NaN score must not poison the average.
      if (weights![k] !== 0) acc += weights![k] * v;
      sum += weights![k];
    });
    return acc / sum;
  }
  return out.reduce((a, b) => a + b, 0) / m;
}

function indicatorRows(y: MultilabelTarget, name: string): Uint8Array[] {
  const w = y[0].length;
  return y.map((row, i) => {
    if (!Array.isArray(row) || row.length !== w || row.some((v) => v !== 0 && v !== 1)) {
      throw new InvalidInputError(`${name}[${i}] must be a 0/1 indicator row of width ${w} (multi-label scores need indicator rows)`);
    }
    return Uint8Array.from(row as number[]);
  });
}

function binarize(yTrue: LabelVector, classes: readonly Label[]): Uint8Array[] {
  const at = new Map(classes.map((c, i) => [c, i]));
  return yTrue.map((v) => {
    const row = new Uint8Array(classes.length);
    row[at.get(v)!] = 1;
    return row;
  });
}

export interface RocAucOptions {
  /** How per-class (or per-label) scores combine; null returns them all. Default "macro". */
  average?: ScoreAverage | null;
  /** Required for multi-class targets: one-vs-rest or one-vs-one (Hand & Till). */
  multiClass?: "ovr" | "ovo";
  /** Multi-class only: the classes in y_score's column order (must be sorted). */
  labels?: readonly Label[];
  /** Binary only: the standardised partial AUC over false positive rates [0, maxFpr]. */
  maxFpr?: number;
  onWarning?: WarningHook;
}

/**
 * Area under the ROC curve. Binary: y_score is the score of the greater label. Multi-class:
 * y_score holds one probability column per class (rows sum to 1). Multi-label: 0/1 indicator
 * y_true with a score column per label.
 */
export function rocAuc(yTrue: LabelVector | MultilabelTarget, yScore: Scores | ScoreMatrix, options?: RocAucOptions & { average?: ScoreAverage }): number;
export function rocAuc(yTrue: LabelVector | MultilabelTarget, yScore: Scores | ScoreMatrix, options: RocAucOptions & { average: null }): number | number[];
export function rocAuc(yTrue: LabelVector | MultilabelTarget, yScore: Scores | ScoreMatrix, options: RocAucOptions = {}): number | number[] {
  const average = checkOption("average", options.average === undefined ? "macro" : options.average, AVERAGE_OPTIONS);
  const { maxFpr, onWarning } = options;
  if (maxFpr !== undefined && !(maxFpr > 0 && maxFpr <= 1)) throw new InvalidInputError(`maxFpr must be in (0, 1] (got ${maxFpr})`);
  checkNonEmpty(yTrue, "y_true");
  const metric: BinaryScore = (p, s) => binaryRocAuc(p, s, maxFpr, onWarning);
  if (isMultilabelTarget(yTrue as LabelVector | MultilabelTarget)) {
    const truth = indicatorRows(yTrue as MultilabelTarget, "y_true");
    checkScoreMatrix(yScore as ScoreMatrix, truth.length, truth[0].length, "one score per label");
    return averageOverColumns(metric, truth, yScore as ScoreMatrix, average);
  }
  const y = yTrue as LabelVector;
  const classes = labelVectorClasses(y, "y_true");
  const matrix = yScore.length > 0 && Array.isArray(yScore[0]);
  if (classes.length > 2 || (matrix && (yScore as ScoreMatrix)[0].length > 2)) {
    if (maxFpr !== undefined && maxFpr !== 1) {
      throw new InvalidInputError("partial AUC (maxFpr) is only defined for binary targets: leave maxFpr out for multi-class");
    }
    return multiclassRocAuc(y, yScore as ScoreMatrix, average, options);
  }
  if (matrix) {
    throw new InvalidInputError("binary targets need one score per sample (the positive class's column), not a matrix of scores");
  }
  checkSameLength(y, yScore, "y_true", "y_score");
  checkScores(yScore as Scores);
  // The greater label is the positive class, as for a classifier's predict_proba(X)[:, 1].
  const positive = Uint8Array.from(y, (v) => (classes.length === 2 && v === classes[1] ? 1 : 0));
  return metric(positive, yScore as Scores);
}

function multiclassRocAuc(y: LabelVector, yScore: ScoreMatrix, average: ScoreAverage | null, options: RocAucOptions): number | number[] {
  const multiClass = options.multiClass;
  if (multiClass === undefined) {
    throw new InvalidInputError("y_true is multi-class: pass multiClass 'ovr' (one-vs-rest) or 'ovo' (one-vs-one)");
  }
  checkOption("multiClass", multiClass, ["ovr", "ovo"] as const);
  const width = checkScoreMatrix(yScore, y.length, undefined, "one probability per class");
  for (let i = 0; i < yScore.length; i++) {
    const s = yScore[i].reduce((a, b) => a + b, 0);
    if (!(Math.abs(1 - s) <= 1e-8 + 1e-5 * Math.abs(s))) {
      throw new InvalidInputError(
        `y_score[${i}] sums to ${s}: multi-class ROC AUC needs probabilities that sum to 1 over the classes (e.g. from predictProba)`,
      );
    }
  }
  const allowed = multiClass === "ovr" ? ["micro", "macro", "weighted", null] : ["macro", "weighted"];
  if (!allowed.includes(average)) {
    throw new InvalidInputError(`average ${JSON.stringify(average)} is not available for multiClass '${multiClass}': use one of ${JSON.stringify(allowed)}`);
  }
  let classes: Label[];
  if (options.labels !== undefined) {
    const given = [...options.labels];
    classes = uniqueLabels(given);
    if (classes.length !== given.length) throw new InvalidInputError("labels must be unique");
    if (given.some((l, i) => compareLabels(l, classes[i]) !== 0)) throw new InvalidInputError("labels must be sorted, in the same order as y_score's columns");
    if (classes.length !== width) {
      throw new InvalidInputError(`${classes.length} labels given but y_score has ${width} columns: give one label per column`);
    }
    const known = new Set(classes);
    const stray = y.find((v) => !known.has(v));
    if (stray !== undefined) throw new InvalidInputError(`y_true contains ${JSON.stringify(stray)}, which is not in labels`);
  } else {
    classes = labelVectorClasses(y, "y_true");
    if (classes.length !== width) {
      throw new InvalidInputError(
        `y_true has ${classes.length} classes but y_score has ${width} columns: pass labels naming every column's class`,
      );
    }
  }
  const metric: BinaryScore = (p, s) => binaryRocAuc(p, s, undefined, options.onWarning);
  if (multiClass === "ovr") return averageOverColumns(metric, binarize(y, classes), yScore, average);
  // Hand & Till: average over class pairs of the two directed AUCs, on the samples of that pair only.
  const present = uniqueLabels(y);
  const col = new Map(classes.map((c, i) => [c, i]));
  const pairScores: number[] = [];
  const prevalence: number[] = [];
  for (let a = 0; a < present.length; a++) {
    for (let b = a + 1; b < present.length; b++) {
      const rows = y.flatMap((v, i) => (v === present[a] || v === present[b] ? [i] : []));
      const aTrue = Uint8Array.from(rows, (i) => (y[i] === present[a] ? 1 : 0));
      const bTrue = Uint8Array.from(rows, (i) => (y[i] === present[b] ? 1 : 0));
      const aScore = rows.map((i) => yScore[i][col.get(present[a])!]);
      const bScore = rows.map((i) => yScore[i][col.get(present[b])!]);
      pairScores.push((metric(aTrue, aScore) + metric(bTrue, bScore)) / 2);
      prevalence.push(rows.length / y.length);
    }
  }
  if (average === "weighted") {
    const total = prevalence.reduce((s, v) => s + v, 0);
    return pairScores.reduce((s, v, k) => s + v * prevalence[k], 0) / total;
  }
  return pairScores.reduce((s, v) => s + v, 0) / pairScores.length;
}

/**
 * Average precision (area under the precision-recall curve as a step function). Binary: one
 * score per sample; multi-class: one column per sorted class (one-vs-rest); multi-label:
 * 0/1 indicator y_true with a score column per label.
 */
export function averagePrecision(
  yTrue: LabelVector | MultilabelTarget,
  yScore: Scores | ScoreMatrix,
  options?: { average?: ScoreAverage; posLabel?: Label; onWarning?: WarningHook },
): number;
export function averagePrecision(
  yTrue: LabelVector | MultilabelTarget,
  yScore: Scores | ScoreMatrix,
  options: { average: null; posLabel?: Label; onWarning?: WarningHook },
): number | number[];
export function averagePrecision(
  yTrue: LabelVector | MultilabelTarget,
  yScore: Scores | ScoreMatrix,
  options: { average?: ScoreAverage | null; posLabel?: Label; onWarning?: WarningHook } = {},
): number | number[] {
  const average = checkOption("average", options.average === undefined ? "macro" : options.average, AVERAGE_OPTIONS);
  const posLabel = options.posLabel ?? 1;
  checkNonEmpty(yTrue, "y_true");
  const metric: BinaryScore = (p, s) => binaryAveragePrecision(p, s, options.onWarning);
  const fixedPos = (kind: string) => {
    if (posLabel !== 1) throw new InvalidInputError(`posLabel is fixed to 1 for ${kind} y_true: leave posLabel out`);
  };
  if (isMultilabelTarget(yTrue as LabelVector | MultilabelTarget)) {
    fixedPos("multi-label");
    const truth = indicatorRows(yTrue as MultilabelTarget, "y_true");
    checkScoreMatrix(yScore as ScoreMatrix, truth.length, truth[0].length, "one score per label");
    return averageOverColumns(metric, truth, yScore as ScoreMatrix, average);
  }
  const y = yTrue as LabelVector;
  const classes = labelVectorClasses(y, "y_true");
  if (classes.length > 2) {
    fixedPos("multi-class");
    checkScoreMatrix(yScore as ScoreMatrix, y.length, classes.length, `y_true has ${classes.length} classes, so one score column per class`);
    return averageOverColumns(metric, binarize(y, classes), yScore as ScoreMatrix, average);
  }
  if (classes.length === 2 && !classes.includes(posLabel)) {
    throw new InvalidInputError(`posLabel ${JSON.stringify(posLabel)} is not a valid label: it should be one of ${JSON.stringify(classes)}`);
  }
  checkSameLength(y, yScore, "y_true", "y_score");
  checkScores(yScore as Scores);
  return metric(Uint8Array.from(y, (v) => (v === posLabel ? 1 : 0)), yScore as Scores);
}
