// Reads classification targets the way scikit-learn's type_of_target / _check_targets does:
// a 1-D array of labels is binary (≤ 2 distinct labels) or multiclass; an array of arrays is
// multi-label, given either as label sets ([["drama","romance"],["news"]]) or as 0/1 indicator
// rows ([[1,1,0],[0,0,1]]). Everything downstream works on the integer encodings built here.
import { InvalidInputError } from "../errors";
import { type Label, checkLabelKinds, labelIndex, uniqueLabels } from "../labels";

export type { Label };
/** One label per sample. */
export type LabelVector = readonly Label[];
/**
 * Several labels per sample: label sets, or 0/1 indicator rows of equal width. Rows of numbers
 * that all have the same width and hold only 0 and 1 are read as indicator rows.
 */
export type MultilabelTarget = readonly (readonly Label[])[];
export type ClassTarget = LabelVector | MultilabelTarget;

export type TargetKind = "binary" | "multiclass" | "multilabel";

export interface SingleLabelTargets {
  kind: "binary" | "multiclass";
  /** Sorted union of the labels in y_true, y_pred and any extra labels asked for. */
  labels: Label[];
  /** Sorted union of the labels in y_true and y_pred only. */
  present: Label[];
  yTrue: Int32Array;
  yPred: Int32Array;
}

export interface MultilabelTargets {
  kind: "multilabel";
  /** Column meaning: the label values for label sets, 0..width-1 for indicator rows. */
  labels: Label[];
  present: Label[];
  indicator: boolean;
  nSamples: number;
  width: number;
  /** Row-major nSamples × width 0/1 matrices. */
  yTrue: Uint8Array;
  yPred: Uint8Array;
}

export type EncodedTargets = SingleLabelTargets | MultilabelTargets;

export function isMultilabelTarget(y: ClassTarget): y is MultilabelTarget {
  return y.length > 0 && Array.isArray(y[0]);
}

export function checkNonEmpty(y: ArrayLike<unknown>, name: string): void {
  if (!y || typeof y.length !== "number") throw new InvalidInputError(`${name} must be an array`);
  if (y.length === 0) throw new InvalidInputError(`${name} is empty: metrics need at least one sample`);
}

export function checkSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, nameA: string, nameB: string): void {
  if (a.length !== b.length) {
    throw new InvalidInputError(
      `${nameA} has ${a.length} samples but ${nameB} has ${b.length}: they must describe the same samples in the same order`,
    );
  }
}

/** Rows of one width holding only 0 and 1 are 0/1 indicator rows, not label sets (models read them the same way). */
export function isIndicator(y: MultilabelTarget): boolean {
  const width = y[0].length;
  for (const row of y) {
    if (!Array.isArray(row) || row.length !== width) return false;
    for (const v of row) if (v !== 0 && v !== 1) return false;
  }
  return true;
}

function checkClassLabels(values: Iterable<Label>, name: string): void {
  checkLabelKinds(values, name);
  for (const v of values) {
    if (typeof v === "number" && !Number.isInteger(v)) {
      throw new InvalidInputError(
        `${name} holds ${v}, which looks like a continuous value: classification metrics need class labels (use the regression metrics for continuous targets)`,
      );
    }
  }
}

/** Checks a 1-D label target and returns its sorted distinct labels. */
export function labelVectorClasses(y: LabelVector, name: string): Label[] {
  checkNonEmpty(y, name);
  if (isMultilabelTarget(y as ClassTarget)) {
    throw new InvalidInputError(`${name} is multi-label (an array of arrays) but this needs one label per sample`);
  }
  checkClassLabels(y, name);
  return uniqueLabels(y);
}

/** Encodes y_true and y_pred against one shared label list; `extra` are labels asked for that may be absent from the data. */
export function encodeTargets(
  yTrue: ClassTarget,
  yPred: ClassTarget,
  extra: readonly Label[] = [],
): EncodedTargets {
  checkNonEmpty(yTrue, "y_true");
  checkNonEmpty(yPred, "y_pred");
  checkSameLength(yTrue, yPred, "y_true", "y_pred");
  const mlTrue = isMultilabelTarget(yTrue);
  const mlPred = isMultilabelTarget(yPred);
  if (mlTrue !== mlPred) {
    throw new InvalidInputError(
      `y_true is ${mlTrue ? "multi-label" : "one label per sample"} but y_pred is ${mlPred ? "multi-label" : "one label per sample"}: pass both in the same form`,
    );
  }
  if (mlTrue) return encodeMultilabel(yTrue as MultilabelTarget, yPred as MultilabelTarget, extra);

  const t = yTrue as LabelVector;
  const p = yPred as LabelVector;
  checkClassLabels([...t, ...p, ...extra], "y_true, y_pred and labels together");
  const present = uniqueLabels([...t, ...p]);
  const labels = extra.length ? uniqueLabels([...present, ...extra]) : present;
  const index = labelIndex(labels);
  const encode = (y: LabelVector) => Int32Array.from(y, (v) => index.get(v)!);
  return {
    kind: present.length <= 2 ? "binary" : "multiclass",
    labels,
    present,
    yTrue: encode(t),
    yPred: encode(p),
  };
}

function encodeMultilabel(t: MultilabelTarget, p: MultilabelTarget, extra: readonly Label[]): MultilabelTargets {
  for (const [y, name] of [[t, "y_true"], [p, "y_pred"]] as const) {
    y.forEach((row, i) => {
      if (!Array.isArray(row)) throw new InvalidInputError(`${name}[${i}] is not an array: multi-label targets need an array of labels for every sample`);
    });
  }
  const indT = isIndicator(t);
  const indP = isIndicator(p);
  const n = t.length;
  if (indT && indP) {
    const width = t[0].length;
    if (p[0].length !== width) {
      throw new InvalidInputError(`y_true has ${width} indicator columns but y_pred has ${p[0].length}: both need one column per label`);
    }
    const flat = (y: MultilabelTarget) => {
      const out = new Uint8Array(n * width);
      y.forEach((row, i) => row.forEach((v, j) => (out[i * width + j] = v as number)));
      return out;
    };
    const labels = Array.from({ length: width }, (_, j) => j);
    return { kind: "multilabel", labels, present: labels, indicator: true, nSamples: n, width, yTrue: flat(t), yPred: flat(p) };
  }
  if (indT !== indP && (t[0].length === p[0].length)) {
    // Label sets are fine; only a 0/1 grid beside label sets is suspicious enough to refuse.
    const which = indT ? "y_true" : "y_pred";
    if (t.every((r) => r.every((v) => typeof v === "number")) && p.every((r) => r.every((v) => typeof v === "number"))) {
      throw new InvalidInputError(
        `${which} looks like 0/1 indicator rows but the other target does not: pass both as indicator rows or both as label sets`,
      );
    }
  }
  const all: Label[] = [];
  for (const row of t) all.push(...row);
  for (const row of p) all.push(...row);
  checkClassLabels([...all, ...extra], "multi-label targets and labels together");
  const present = uniqueLabels(all);
  const labels = extra.length ? uniqueLabels([...present, ...extra]) : present;
  const index = labelIndex(labels);
  const width = labels.length;
  const flat = (y: MultilabelTarget) => {
    const out = new Uint8Array(n * width);
    y.forEach((row, i) => row.forEach((v) => (out[i * width + index.get(v)!] = 1)));
    return out;
  };
  return { kind: "multilabel", labels, present, indicator: false, nSamples: n, width, yTrue: flat(t), yPred: flat(p) };
}

/** Positions (in `enc.labels`) of the labels to report, in the order asked; all present labels by default. */
export function selectLabels(enc: EncodedTargets, labels: readonly Label[] | undefined): number[] {
  if (labels === undefined) return enc.present.map((l) => enc.labels.indexOf(l));
  if (enc.kind === "multilabel" && enc.indicator) {
    return labels.map((l) => {
      if (typeof l !== "number" || !Number.isInteger(l) || l < 0 || l >= enc.width) {
        throw new InvalidInputError(
          `label ${JSON.stringify(l)} is not a column of the indicator rows: for 0/1 indicator targets, labels are column indices in [0, ${enc.width})`,
        );
      }
      return l;
    });
  }
  const index = labelIndex(enc.labels);
  return labels.map((l) => index.get(l)!);
}

/** Per-label true positives, false positives, false negatives and true negatives (one-vs-rest). */
export interface ConfusionCounts {
  tp: Float64Array;
  fp: Float64Array;
  fn: Float64Array;
  tn: Float64Array;
}

/** Counts for the chosen label positions; `samplewise` counts per sample instead (multi-label only). */
export function confusionCounts(enc: EncodedTargets, columns: readonly number[], samplewise = false): ConfusionCounts {
  if (enc.kind !== "multilabel") {
    if (samplewise) {
      throw new InvalidInputError(
        "samplewise metrics (average 'samples') need multi-label targets: use 'micro', 'macro' or 'weighted' for one label per sample",
      );
    }
    const k = enc.labels.length;
    const tpAll = new Float64Array(k);
    const predAll = new Float64Array(k);
    const trueAll = new Float64Array(k);
    for (let i = 0; i < enc.yTrue.length; i++) {
      const a = enc.yTrue[i];
      const b = enc.yPred[i];
      trueAll[a]++;
      predAll[b]++;
      if (a === b) tpAll[a]++;
    }
    const m = columns.length;
    const out = { tp: new Float64Array(m), fp: new Float64Array(m), fn: new Float64Array(m), tn: new Float64Array(m) };
    const n = enc.yTrue.length;
    columns.forEach((c, j) => {
      out.tp[j] = tpAll[c];
      out.fp[j] = predAll[c] - tpAll[c];
      out.fn[j] = trueAll[c] - tpAll[c];
      out.tn[j] = n - out.tp[j] - out.fp[j] - out.fn[j];
    });
    return out;
  }
  const { nSamples: n, width, yTrue, yPred } = enc;
  const m = samplewise ? n : columns.length;
  const out = { tp: new Float64Array(m), fp: new Float64Array(m), fn: new Float64Array(m), tn: new Float64Array(m) };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < columns.length; j++) {
      const a = yTrue[i * width + columns[j]];
      const b = yPred[i * width + columns[j]];
      const slot = samplewise ? i : j;
      if (a && b) out.tp[slot]++;
      else if (b) out.fp[slot]++;
      else if (a) out.fn[slot]++;
    }
  }
  const total = samplewise ? columns.length : n;
  for (let s = 0; s < m; s++) out.tn[s] = total - out.tp[s] - out.fp[s] - out.fn[s];
  return out;
}
