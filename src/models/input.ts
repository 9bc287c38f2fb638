// Checks and converts what users pass to models: feature matrices (arrays of rows or CsrMatrix)
// into flat typed arrays, and class targets into integer codes. Every model goes through here so
// that a bad shape, a NaN or a mismatched y reads the same way whichever model caught it.
import { InvalidInputError } from "../errors";
import { CsrMatrix } from "../features/sparse";
import { type Label, labelIndex, uniqueLabels } from "../labels";

/** Samples as rows of numbers (one row per sample, the same width for all). */
export type DenseMatrix = readonly (ArrayLike<number>)[];
/** Dense rows or a sparse CSR matrix (e.g. TF-IDF features). */
export type Features = DenseMatrix | CsrMatrix;

/** A row-major copy of dense samples. */
export interface Dense {
  nRows: number;
  nCols: number;
  data: Float64Array;
}

/** Row-major dense rows, checked: at least one sample, equal widths, finite numbers (NaN and ±Infinity where allowed). */
export function toDense(X: DenseMatrix, options: { what?: string; nFeatures?: number; allowNaN?: boolean; allowInfinite?: boolean; model: string }): Dense {
  const what = options.what ?? "X";
  if (X instanceof CsrMatrix) {
    throw new InvalidInputError(`${options.model} needs dense ${what} (an array of rows): convert a CsrMatrix with toDense()`);
  }
  if (!Array.isArray(X)) throw new InvalidInputError(`${what} must be an array of rows (one array of numbers per sample)`);
  if (X.length === 0) throw new InvalidInputError(`${what} is empty: give at least one sample`);
  const nCols = X[0]?.length;
  if (typeof nCols !== "number") throw new InvalidInputError(`${what}[0] is not a row: ${what} must be an array of arrays of numbers`);
  if (nCols === 0) throw new InvalidInputError(`${what} has no features (its rows are empty)`);
  checkWidth(nCols, options.nFeatures, what);
  const data = new Float64Array(X.length * nCols);
  for (let i = 0; i < X.length; i++) {
    const row = X[i];
    if (row == null || row.length !== nCols) throw new InvalidInputError(`${what}[${i}] has ${row?.length} features but ${what}[0] has ${nCols}: every row needs the same features`);
    for (let j = 0; j < nCols; j++) {
      const v = row[j];
      if (typeof v !== "number") throw new InvalidInputError(`${what}[${i}][${j}] is ${JSON.stringify(v)}: features must be numbers (encode categories, e.g. with OneHotEncoder, or as number codes with the boosted trees' categoricalFeatures)`);
      if (!Number.isFinite(v) && !(Number.isNaN(v) ? options.allowNaN : options.allowInfinite)) throw notFinite(what, `[${i}][${j}]`, v, options.model);
      data[i * nCols + j] = v;
    }
  }
  return { nRows: X.length, nCols, data };
}

/** A CSR matrix checked for at least one row, the expected width and finite stored values. */
export function checkSparse(X: CsrMatrix, options: { what?: string; nFeatures?: number; model: string }): CsrMatrix {
  const what = options.what ?? "X";
  if (X.nRows === 0) throw new InvalidInputError(`${what} is empty: give at least one sample`);
  checkWidth(X.nCols, options.nFeatures, what);
  // Models look entries up by column and walk rows in column order: a stray index would read
  // another feature's slot silently.
  for (let i = 0; i < X.nRows; i++) {
    for (let k = X.indptr[i]; k < X.indptr[i + 1]; k++) {
      const c = X.indices[k];
      if (!(c >= 0 && c < X.nCols)) throw new InvalidInputError(`${what}[${i}] stores column ${c}, but ${what} has ${X.nCols} columns: the CSR matrix is damaged (rebuild it, e.g. with the vectorizer's transform)`);
      if (k > X.indptr[i] && c <= X.indices[k - 1]) throw new InvalidInputError(`${what}[${i}] stores column ${c} after column ${X.indices[k - 1]}: CSR column indices must increase within a row (sort them, or rebuild the matrix)`);
    }
  }
  for (let k = 0; k < X.data.length; k++) {
    if (!Number.isFinite(X.data[k])) {
      let row = 0;
      while (X.indptr[row + 1] <= k) row++;
      throw notFinite(what, `[${row}][${X.indices[k]}]`, X.data[k], options.model);
    }
  }
  return X;
}

/**
 * Checks sample weights (one finite number ≥ 0 per sample, not all zero) as a Float64Array, or
 * null when none are given (every sample weighs 1).
 */
export function checkSampleWeight(sampleWeight: ArrayLike<number> | null | undefined, nRows: number, model: string): Float64Array | null {
  if (sampleWeight === undefined || sampleWeight === null) return null;
  if (typeof sampleWeight.length !== "number") throw new InvalidInputError(`sampleWeight must be an array with one weight per sample`);
  if (sampleWeight.length !== nRows) throw new InvalidInputError(`X has ${nRows} samples but sampleWeight has ${sampleWeight.length}: give one weight per sample`);
  const w = new Float64Array(nRows);
  let total = 0;
  for (let i = 0; i < nRows; i++) {
    const v = sampleWeight[i];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new InvalidInputError(`sampleWeight[${i}] is ${typeof v === "number" ? v : JSON.stringify(v) ?? String(v)}: ${model} needs finite weights ≥ 0 (0 leaves a sample out)`);
    }
    w[i] = v;
    total += v;
  }
  if (!(total > 0)) throw new InvalidInputError(`every sampleWeight is 0: ${model} has nothing to learn from; give some samples a positive weight`);
  return w;
}

/** Options of fit shared by the models that take sample weights. */
export interface FitOptions {
  /** How much each sample counts (scikit-learn's sample_weight); all 1 by default. */
  sampleWeight?: ArrayLike<number> | null;
}

function checkWidth(nCols: number, expected: number | undefined, what: string): void {
  if (expected !== undefined && nCols !== expected) {
    throw new InvalidInputError(`${what} has ${nCols} features but the model was fitted on ${expected}: pass the same columns as in fit`);
  }
}

function notFinite(what: string, where: string, v: number, model: string): InvalidInputError {
  const fix = Number.isNaN(v) ? "impute missing values first (e.g. with the column mean) or drop those rows" : "clip or drop infinite values";
  return new InvalidInputError(`${what}${where} is ${v}: ${model} needs finite features; ${fix}`);
}

/**
 * Dense rows or a CSR matrix, as CSR. Dense rows become CSR with every entry stored, so one
 * row-by-row kernel serves both without a dense twin.
 */
export function toRows(X: Features, options: { nFeatures?: number; model: string }): CsrMatrix {
  if (X instanceof CsrMatrix) return checkSparse(X, options);
  const { nRows, nCols, data } = toDense(X, options);
  const indptr = Int32Array.from({ length: nRows + 1 }, (_, i) => i * nCols);
  const indices = new Int32Array(nRows * nCols);
  for (let i = 0; i < nRows; i++) for (let j = 0; j < nCols; j++) indices[i * nCols + j] = j;
  return new CsrMatrix(nRows, nCols, indptr, indices, data);
}

export function countRows(X: Features): number {
  return X instanceof CsrMatrix ? X.nRows : Array.isArray(X) ? X.length : 0;
}

/** Class labels checked against X and encoded as indices into the sorted distinct labels. */
export function encodeLabels(y: readonly Label[], nRows: number, options: { model: string; minClasses?: number }): { classes: Label[]; codes: Int32Array } {
  if (!Array.isArray(y)) throw new InvalidInputError("y must be an array with one class label per sample");
  if (y.length !== nRows) throw new InvalidInputError(`X has ${nRows} samples but y has ${y.length}: they must describe the same samples`);
  if (y.length > 0 && Array.isArray(y[0])) {
    throw new InvalidInputError(`y holds arrays (several labels per sample): ${options.model} takes one label per sample; wrap it in OneVsRestClassifier for multi-label targets`);
  }
  for (const v of y) {
    if (typeof v === "number" && Number.isFinite(v) && !Number.isInteger(v)) {
      throw new InvalidInputError(`y holds ${v}, which looks like a continuous value: a classifier needs class labels (strings or whole numbers)`);
    }
  }
  const classes = uniqueLabels(y, "y");
  const minClasses = options.minClasses ?? 1;
  if (classes.length < minClasses) {
    throw new InvalidInputError(`y has only ${classes.length} class (${JSON.stringify(classes)}): ${options.model} needs at least ${minClasses} classes to learn from`);
  }
  const index = labelIndex(classes);
  return { classes, codes: Int32Array.from(y, (v) => index.get(v)!) };
}

/** Position of the largest value in row[offset .. offset+width); the first one on ties (as numpy's argmax). */
export function argmax(row: ArrayLike<number>, offset = 0, width = row.length - offset): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (row[offset + k] > row[offset + best]) best = k;
  return best;
}

/** log Σ exp(values[offset .. offset+width)), shifted by the maximum so that nothing overflows. */
export function logSumExp(values: ArrayLike<number>, offset = 0, width = values.length - offset): number {
  let max = -Infinity;
  for (let k = 0; k < width; k++) if (values[offset + k] > max) max = values[offset + k];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let k = 0; k < width; k++) sum += Math.exp(values[offset + k] - max);
  return max + Math.log(sum);
}

/** Turns scores (n rows × width, row-major) into probability rows with a softmax per row. */
export function softmaxRows(scores: Float64Array, width: number): number[][] {
  const n = scores.length / width;
  const out = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    const lse = logSumExp(scores, i * width, width);
    const row = new Array<number>(width);
    for (let k = 0; k < width; k++) row[k] = Math.exp(scores[i * width + k] - lse);
    out[i] = row;
  }
  return out;
}

/** 1 / (1 + e^−z) without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Row-major Float64Array as an array of row arrays. */
export function rowsOf(values: Float64Array, width: number): number[][] {
  return Array.from({ length: values.length / width }, (_, i) => Array.from(values.subarray(i * width, (i + 1) * width)));
}

/** Checks a number hyperparameter: finite and within [min, max] (exclusive where asked). */
export function checkNumber(name: string, value: unknown, range: { min?: number; max?: number; minExclusive?: boolean; integer?: boolean; nullable?: boolean }): void {
  if (value === null && range.nullable) return;
  const bad = (rule: string) => new InvalidInputError(`${name} must be ${rule} (got ${JSON.stringify(value)})`);
  if (typeof value !== "number" || Number.isNaN(value)) throw bad("a number");
  if (range.integer && !Number.isInteger(value)) throw bad("a whole number");
  if (range.min !== undefined && (range.minExclusive ? !(value > range.min) : !(value >= range.min))) throw bad(`${range.minExclusive ? ">" : "≥"} ${range.min}`);
  if (range.max !== undefined && !(value <= range.max)) throw bad(`≤ ${range.max}`);
}
