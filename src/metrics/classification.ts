// Label-based classification metrics: accuracy, precision / recall / F-beta with scikit-learn's
// averaging and zero-division rules, Hamming loss and confusion matrices. Definitions follow
// sklearn.metrics (precision_recall_fscore_support, confusion_matrix, ...) so numbers agree.
import { InvalidInputError, checkOption } from "../errors";
import { MIME, type MimeBundle } from "../display";
import type { Label } from "../labels";
import {
  type ClassTarget,
  type EncodedTargets,
  type LabelVector,
  confusionCounts,
  encodeTargets,
  isMultilabelTarget,
  selectLabels,
} from "./targets";
import { type WarningHook, warn } from "./warnings";
import { htmlTable } from "./render";

/** Fraction of samples predicted exactly right (for multi-label: every label of the sample right). */
export function accuracy(yTrue: ClassTarget, yPred: ClassTarget, options: { normalize?: boolean } = {}): number {
  const enc = encodeTargets(yTrue, yPred);
  const n = enc.kind === "multilabel" ? enc.nSamples : enc.yTrue.length;
  let correct = 0;
  if (enc.kind === "multilabel") {
    const w = enc.width;
    for (let i = 0; i < n; i++) {
      let same = true;
      for (let j = 0; j < w && same; j++) same = enc.yTrue[i * w + j] === enc.yPred[i * w + j];
      if (same) correct++;
    }
  } else {
    for (let i = 0; i < n; i++) if (enc.yTrue[i] === enc.yPred[i]) correct++;
  }
  return options.normalize === false ? correct : correct / n;
}

/** Multi-label accuracy: the fraction of samples whose whole label set is predicted exactly. */
export function subsetAccuracy(yTrue: ClassTarget, yPred: ClassTarget, options: { normalize?: boolean } = {}): number {
  if (!isMultilabelTarget(yTrue)) {
    throw new InvalidInputError("subsetAccuracy needs multi-label targets (arrays of labels per sample): for one label per sample use accuracy");
  }
  return accuracy(yTrue, yPred, options);
}

/**
 * Fraction of labels predicted wrong (for one label per sample, 1 − accuracy). For label sets
 * the labels counted are every label seen in y_true or y_pred, as if binarized over their union.
 */
export function hammingLoss(yTrue: ClassTarget, yPred: ClassTarget): number {
  const enc = encodeTargets(yTrue, yPred);
  if (enc.kind !== "multilabel") return mismatchRate(enc);
  let differ = 0;
  for (let k = 0; k < enc.yTrue.length; k++) if (enc.yTrue[k] !== enc.yPred[k]) differ++;
  return differ / (enc.nSamples * enc.width);
}

function mismatchRate(enc: EncodedTargets): number {
  let wrong = 0;
  for (let i = 0; i < enc.yTrue.length; i++) if (enc.yTrue[i] !== enc.yPred[i]) wrong++;
  return wrong / enc.yTrue.length;
}

// ---------------------------------------------------------------------------------------------
// Confusion matrices

export type Normalize = "true" | "pred" | "all";

/** Counts (or rates) of true label (rows) against predicted label (columns). */
export class ConfusionMatrix {
  constructor(
    readonly labels: Label[],
    readonly matrix: number[][],
  ) {}

  [MIME](): MimeBundle {
    const head = ["true \\ pred", ...this.labels.map(String)];
    const rows = this.matrix.map((r, i) => [String(this.labels[i]), ...r.map((v) => (Number.isInteger(v) ? String(v) : v.toFixed(3)))]);
    const width = Math.max(...head.map((h) => h.length), ...rows.flat().map((c) => c.length));
    const text = [head, ...rows].map((r) => r.map((c) => c.padStart(width)).join(" ")).join("\n");
    return { "text/html": htmlTable(head, rows), "text/plain": text };
  }
}

export function confusionMatrix(
  yTrue: LabelVector,
  yPred: LabelVector,
  options: { labels?: readonly Label[]; normalize?: Normalize | null } = {},
): ConfusionMatrix {
  const { labels, normalize = null } = options;
  if (normalize !== null) checkOption("normalize", normalize, ["true", "pred", "all"] as const);
  const enc = encodeTargets(yTrue, yPred, labels ?? []);
  if (enc.kind === "multilabel") {
    throw new InvalidInputError("confusionMatrix needs one label per sample: for multi-label targets use multilabelConfusionMatrix");
  }
  if (labels !== undefined) {
    if (labels.length === 0) throw new InvalidInputError("labels is empty: pass at least one label (or leave it out to use every label)");
    const inTrue = new Set(enc.yTrue);
    if (!selectLabels(enc, labels).some((c) => inTrue.has(c))) {
      throw new InvalidInputError("none of the labels asked for occurs in y_true: at least one must, or the matrix is empty");
    }
  }
  const chosen = labels === undefined ? enc.present : [...labels];
  const cols = selectLabels(enc, chosen);
  const position = new Map(cols.map((c, i) => [c, i]));
  const k = cols.length;
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < enc.yTrue.length; i++) {
    const a = position.get(enc.yTrue[i]);
    const b = position.get(enc.yPred[i]);
    if (a !== undefined && b !== undefined) m[a][b]++;
  }
  // 0/0 becomes 0 (an empty row or column has no rate to speak of), as numpy's nan_to_num does.
  const ratio = (v: number, d: number) => (d === 0 ? 0 : v / d);
  if (normalize === "true") {
    for (const row of m) {
      const s = row.reduce((x, y) => x + y, 0);
      row.forEach((v, j) => (row[j] = ratio(v, s)));
    }
  } else if (normalize === "pred") {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += m[i][j];
      for (let i = 0; i < k; i++) m[i][j] = ratio(m[i][j], s);
    }
  } else if (normalize === "all") {
    const s = m.flat().reduce((x, y) => x + y, 0);
    for (const row of m) row.forEach((v, j) => (row[j] = ratio(v, s)));
  }
  return new ConfusionMatrix(chosen, m);
}

/** One 2×2 matrix [[tn, fp], [fn, tp]] per label (or per sample with `samplewise`). */
export function multilabelConfusionMatrix(
  yTrue: ClassTarget,
  yPred: ClassTarget,
  options: { labels?: readonly Label[]; samplewise?: boolean } = {},
): { labels: Label[]; matrices: number[][][] } {
  const enc = encodeTargets(yTrue, yPred, extraLabels(yTrue, options.labels));
  const cols = selectLabels(enc, options.labels);
  const c = confusionCounts(enc, cols, options.samplewise ?? false);
  const matrices = Array.from(c.tp, (_, i) => [
    [c.tn[i], c.fp[i]],
    [c.fn[i], c.tp[i]],
  ]);
  return { labels: cols.map((j) => enc.labels[j]), matrices };
}

/** Extra labels widen the label universe for label values, but are column indices for indicator rows. */
function extraLabels(y: ClassTarget, labels: readonly Label[] | undefined): readonly Label[] {
  if (!labels) return [];
  if (isMultilabelTarget(y) && y[0].every((v) => v === 0 || v === 1) && y.every((r) => r.length === y[0].length)) return [];
  return labels;
}

// ---------------------------------------------------------------------------------------------
// Precision, recall, F-beta

export type Average = "binary" | "micro" | "macro" | "weighted" | "samples";
/** What an undefined ratio (0/0) becomes: "warn" gives 0 and a warning; NaN drops it from averages. */
export type ZeroDivision = "warn" | 0 | 1 | number;

const AVERAGES = ["binary", "micro", "macro", "weighted", "samples", null] as const;

export interface ScoreOptions {
  /** Labels to score (and their order when average is null); may include labels absent from the data. */
  labels?: readonly Label[];
  /** The positive class when average is "binary". */
  posLabel?: Label;
  zeroDivision?: ZeroDivision;
  onWarning?: WarningHook;
}

export interface PerLabelScores {
  labels: Label[];
  precision: number[];
  recall: number[];
  fScore: number[];
  /** Number of samples whose true labels include each label. */
  support: number[];
}

export interface AveragedScores {
  precision: number;
  recall: number;
  fScore: number;
}

type Metric = "precision" | "recall" | "f-score";

function checkZeroDivision(z: ZeroDivision): number {
  if (z === "warn") return 0;
  if (z === 0 || z === 1 || Number.isNaN(z)) return z;
  throw new InvalidInputError(`unknown zeroDivision ${JSON.stringify(z)}: use "warn", 0, 1 or NaN`);
}

/** numerator/denominator elementwise; a zero denominator gives the zeroDivision value and maybe a warning. */
function divide(
  num: Float64Array,
  den: Float64Array,
  metric: Metric,
  modifier: string,
  average: Average | null,
  warnFor: ReadonlySet<Metric>,
  zeroDivision: ZeroDivision,
  onWarning: WarningHook | undefined,
): Float64Array {
  const fill = checkZeroDivision(zeroDivision);
  const out = new Float64Array(num.length);
  let undefinedCount = 0;
  for (let i = 0; i < num.length; i++) {
    if (den[i] === 0) {
      out[i] = fill;
      undefinedCount++;
    } else out[i] = num[i] / den[i];
  }
  if (undefinedCount > 0 && zeroDivision === "warn" && warnFor.has(metric)) {
    const [axis0, axis1] = average === "samples" ? ["label", "sample"] : ["sample", "label"];
    const start = metric === "f-score" ? "F-score is" : `${metric[0].toUpperCase()}${metric.slice(1)} is`;
    const where = out.length === 1 ? "due to" : `in ${axis1}s with`;
    warn(
      onWarning,
      "UndefinedMetricWarning",
      `${start} ill-defined and being set to 0.0 ${where} no ${modifier} ${axis0}s. Use \`zero_division\` parameter to control this behavior.`,
    );
  }
  return out;
}

/** Weighted mean that skips NaN entries; if the remaining weights sum to 0 it falls back to the plain mean. */
function nanAverage(values: Float64Array, weights?: Float64Array): number {
  const keep: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) keep.push(i);
  if (keep.length === 0) return NaN;
  let wsum = 0;
  let acc = 0;
  if (weights) {
    for (const i of keep) {
      wsum += weights[i];
      acc += weights[i] * values[i];
    }
    if (wsum !== 0) return acc / wsum;
  }
  acc = 0;
  for (const i of keep) acc += values[i];
  return acc / keep.length;
}

function scores(
  yTrue: ClassTarget,
  yPred: ClassTarget,
  beta: number,
  average: Average | null,
  options: ScoreOptions,
  warnFor: ReadonlySet<Metric>,
): PerLabelScores | AveragedScores {
  checkOption("average", average, AVERAGES);
  if (!(beta >= 0)) throw new InvalidInputError(`beta must be a number ≥ 0 (got ${beta})`);
  const zeroDivision = options.zeroDivision ?? "warn";
  checkZeroDivision(zeroDivision);
  const posLabel = options.posLabel ?? 1;
  let labels = options.labels;
  let enc = encodeTargets(yTrue, yPred, extraLabels(yTrue, labels));
  if (average === "binary") {
    if (enc.kind !== "binary") {
      const choices = enc.kind === "multiclass" ? "null, 'micro', 'macro', 'weighted'" : "null, 'micro', 'macro', 'weighted', 'samples'";
      throw new InvalidInputError(`target is ${enc.kind} but average is 'binary': choose another average, one of ${choices}`);
    }
    if (!enc.present.includes(posLabel)) {
      if (enc.present.length >= 2) {
        throw new InvalidInputError(
          `posLabel ${JSON.stringify(posLabel)} is not a valid label: it should be one of ${JSON.stringify(enc.present)}`,
        );
      }
      // Only one class occurs, so the positive class may legitimately be absent: it scores with zero counts.
      enc = encodeTargets(yTrue, yPred, [posLabel]);
    }
    labels = [posLabel];
  } else if (options.posLabel !== undefined && options.posLabel !== 1) {
    warn(
      options.onWarning,
      "UserWarning",
      `Note that pos_label (set to ${JSON.stringify(options.posLabel)}) is ignored when average != 'binary' (got ${JSON.stringify(average)}). You may use labels=[pos_label] to specify a single positive class.`,
    );
  }
  return scoreEncoded(enc, labels, beta, average, zeroDivision, options.onWarning, warnFor);
}

function scoreEncoded(
  enc: EncodedTargets,
  labels: readonly Label[] | undefined,
  beta: number,
  average: Average | null,
  zeroDivision: ZeroDivision,
  onWarning: WarningHook | undefined,
  warnFor: ReadonlySet<Metric>,
): PerLabelScores | AveragedScores {
  const cols = selectLabels(enc, labels);
  const c = confusionCounts(enc, cols, average === "samples");
  let tp = c.tp;
  let predSum = tp.map((v, i) => v + c.fp[i]);
  let trueSum = tp.map((v, i) => v + c.fn[i]);
  if (average === "micro") {
    const sum = (a: Float64Array) => Float64Array.of(a.reduce((x, y) => x + y, 0));
    tp = sum(tp);
    predSum = sum(predSum);
    trueSum = sum(trueSum);
  }
  const precision = divide(tp, predSum, "precision", "predicted", average, warnFor, zeroDivision, onWarning);
  const recall = divide(tp, trueSum, "recall", "true", average, warnFor, zeroDivision, onWarning);
  let fScore: Float64Array;
  if (beta === Infinity) fScore = recall;
  else if (beta === 0) fScore = precision;
  else {
    // (1+β²)·tp / (β²·(tp+fn) + (tp+fp)): the harmonic form without dividing by precision or recall,
    // so it is defined whenever anything was true or predicted.
    const b2 = beta * beta;
    fScore = divide(
      tp.map((v) => (1 + b2) * v),
      trueSum.map((v, i) => b2 * v + predSum[i]),
      "f-score",
      "true nor predicted",
      average,
      warnFor,
      zeroDivision,
      onWarning,
    );
  }
  if (average === null) {
    return {
      labels: cols.map((j) => enc.labels[j]),
      precision: [...precision],
      recall: [...recall],
      fScore: [...fScore],
      support: [...trueSum],
    };
  }
  const weights = average === "weighted" ? trueSum : undefined;
  return { precision: nanAverage(precision, weights), recall: nanAverage(recall, weights), fScore: nanAverage(fScore, weights) };
}

const ALL_METRICS: ReadonlySet<Metric> = new Set(["precision", "recall", "f-score"]);

/**
 * Precision, recall, F-beta and support per label (average null, the default) or averaged.
 * Mirrors sklearn.metrics.precision_recall_fscore_support.
 */
export function precisionRecallFscoreSupport(
  yTrue: ClassTarget,
  yPred: ClassTarget,
  options?: ScoreOptions & { beta?: number; average?: null },
): PerLabelScores;
export function precisionRecallFscoreSupport(
  yTrue: ClassTarget,
  yPred: ClassTarget,
  options: ScoreOptions & { beta?: number; average: Average },
): AveragedScores;
export function precisionRecallFscoreSupport(
  yTrue: ClassTarget,
  yPred: ClassTarget,
  options: ScoreOptions & { beta?: number; average?: Average | null } = {},
): PerLabelScores | AveragedScores {
  return scores(yTrue, yPred, options.beta ?? 1, options.average ?? null, options, ALL_METRICS);
}

type SingleScoreOptions = ScoreOptions & { average?: Average | null };

function single(
  metric: Metric,
  pick: keyof AveragedScores,
  beta: number,
  yTrue: ClassTarget,
  yPred: ClassTarget,
  options: SingleScoreOptions,
): number | number[] {
  const average = options.average === undefined ? "binary" : options.average;
  const s = scores(yTrue, yPred, beta, average, options, new Set([metric]));
  return average === null ? (s as PerLabelScores)[pick] : (s as AveragedScores)[pick];
}

/** tp / (tp + fp): of the samples predicted as a label, the fraction that have it. Average defaults to "binary". */
export function precision(yTrue: ClassTarget, yPred: ClassTarget, options: ScoreOptions & { average: null }): number[];
export function precision(yTrue: ClassTarget, yPred: ClassTarget, options?: ScoreOptions & { average?: Average }): number;
export function precision(yTrue: ClassTarget, yPred: ClassTarget, options: SingleScoreOptions = {}): number | number[] {
  return single("precision", "precision", 1, yTrue, yPred, options);
}

/** tp / (tp + fn): of the samples that have a label, the fraction predicted to have it. */
export function recall(yTrue: ClassTarget, yPred: ClassTarget, options: ScoreOptions & { average: null }): number[];
export function recall(yTrue: ClassTarget, yPred: ClassTarget, options?: ScoreOptions & { average?: Average }): number;
export function recall(yTrue: ClassTarget, yPred: ClassTarget, options: SingleScoreOptions = {}): number | number[] {
  return single("recall", "recall", 1, yTrue, yPred, options);
}

/** Weighted harmonic mean of precision and recall; beta > 1 favours recall. */
export function fbeta(yTrue: ClassTarget, yPred: ClassTarget, beta: number, options: ScoreOptions & { average: null }): number[];
export function fbeta(yTrue: ClassTarget, yPred: ClassTarget, beta: number, options?: ScoreOptions & { average?: Average }): number;
export function fbeta(yTrue: ClassTarget, yPred: ClassTarget, beta: number, options: SingleScoreOptions = {}): number | number[] {
  return single("f-score", "fScore", beta, yTrue, yPred, options);
}

export function f1(yTrue: ClassTarget, yPred: ClassTarget, options: ScoreOptions & { average: null }): number[];
export function f1(yTrue: ClassTarget, yPred: ClassTarget, options?: ScoreOptions & { average?: Average }): number;
export function f1(yTrue: ClassTarget, yPred: ClassTarget, options: SingleScoreOptions = {}): number | number[] {
  return single("f-score", "fScore", 1, yTrue, yPred, options);
}

