// What the boosted classifier and regressor share around the booster: reading dense or CSR
// features, binning them, the fitted state and its JSON form, raw scores, and logging each round's
// losses to the active tracking run (so the curves show in the sidebar while the model trains).
import { InvalidInputError } from "../../errors";
import { CsrMatrix } from "../../features/sparse";
import type { Random } from "../../random";
import { type Dense, type Features, checkSparse, toDense } from "../input";
import { iterationPrefix, iterationRun } from "../autolog";
import { plainArray } from "../serialize";
import { type BinnedMatrix, binDense, binSparse, indexOfSorted } from "./bins";
import type { Boosted } from "./booster";
import { type Forest, type ScoredRows, addTreeScores } from "./forest";
import { contributions } from "./shap";

export interface BoostedState extends Boosted {
  nFeatures: number;
  /** Trained on a CSR matrix: absent entries are missing values (XGBoost's reading of sparse input). */
  sparse: boolean;
  /** Per feature, the categories seen in training (increasing) or null for a numeric one; null when no feature is categorical. */
  categories: (Float64Array | null)[] | null;
}

/**
 * Rows as the trees of a model with categorical features read them: a category not seen in
 * training is a missing value (as scikit-learn reads it). Changes dense rows in place.
 */
export function withKnownCategories(rows: ScoredRows, categories: readonly (Float64Array | null)[] | null): ScoredRows {
  if (!categories || rows.kind !== "dense") return rows;
  const { nRows: n, nCols: d, data } = rows.X;
  categories.forEach((known, f) => {
    if (!known) return;
    for (let i = 0; i < n; i++) if (indexOfSorted(known, data[i * d + f]) < 0) data[i * d + f] = NaN;
  });
  return rows;
}

/** The categories the binned training rows hold, as a model keeps them (null when none). */
export function categoriesOf(X: BinnedMatrix): (Float64Array | null)[] | null {
  return X.categories.some((c) => c) ? [...X.categories] : null;
}

/** Checked features as rows the forest can score; CSR stays CSR. */
export function readFeatures(X: Features, options: { model: string; what?: string; nFeatures?: number; absentIsMissing: boolean }): ScoredRows {
  if (X instanceof CsrMatrix) return { kind: "sparse", X: checkSparse(X, options), absentIsMissing: options.absentIsMissing };
  // NaN is a missing value and ±Infinity lands in the outermost bins, as in scikit-learn.
  return { kind: "dense", X: toDense(X, { ...options, allowNaN: true, allowInfinite: true }) };
}

/** The training rows binned; minSamplesLeaf lets sparse columns too rare to split be left out. */
export function binRows(rows: ScoredRows, maxBins: number, rng: Random, minSamplesLeaf = 1, categorical: Uint8Array | null = null): BinnedMatrix {
  if (categorical && rows.kind === "sparse") {
    throw new InvalidInputError("categoricalFeatures needs dense X (an array of rows): convert the CSR matrix with toDense(), or leave categoricalFeatures out");
  }
  return rows.kind === "dense" ? binDense(rows.X, maxBins, rng, categorical) : binSparse(rows.X, maxBins, minSamplesLeaf);
}

export function nRowsOf(rows: ScoredRows): number {
  return rows.X.nRows;
}

/** The rows at `index`, in that order. */
export function selectRows(rows: ScoredRows, index: readonly number[]): ScoredRows {
  if (rows.kind === "sparse") return { ...rows, X: rows.X.selectRows(index) };
  const { nCols, data } = rows.X;
  const out = new Float64Array(index.length * nCols);
  index.forEach((i, r) => out.set(data.subarray(i * nCols, (i + 1) * nCols), r * nCols));
  const X: Dense = { nRows: index.length, nCols, data: out };
  return { kind: "dense", X };
}

/** Raw scores of X, row-major, one column per output. */
export function rawScores(state: BoostedState, X: Features, model: string): Float64Array {
  const rows = withKnownCategories(readFeatures(X, { model, nFeatures: state.nFeatures, absentIsMissing: state.sparse }), state.categories);
  const K = state.baseline.length;
  const n = nRowsOf(rows);
  const out = new Float64Array(n * K);
  for (let i = 0; i < n; i++) out.set(state.baseline, i * K);
  for (let t = 0; t < state.forest.roots.length; t++) addTreeScores(state.forest, t, rows, out, K);
  return out;
}

/**
 * A round callback that logs the training (and validation) loss to the active run at step = round,
 * as `loss` and `val_loss` like the training loop does; nothing outside a run, in a fit nested in
 * another (one-vs-rest), or with autolog's iterations off.
 */
export function lossLogger(): ((round: number, train: number, validation: number | null) => void) | undefined {
  const run = iterationRun();
  if (!run) return undefined;
  const p = iterationPrefix();
  return (round, train, validation) => run.log(validation === null ? { [`${p}loss`]: train } : { [`${p}loss`]: train, [`${p}val_loss`]: validation }, { step: round });
}

export function stateToJSON(s: BoostedState): Record<string, unknown> {
  const f = s.forest;
  return {
    nFeatures: s.nFeatures,
    sparse: s.sparse,
    categories: s.categories && s.categories.map((c) => c && plainArray(c)),
    baseline: plainArray(s.baseline),
    nIter: s.nIter,
    trainLoss: s.trainLoss,
    validationLoss: s.validationLoss,
    forest: {
      feature: plainArray(f.feature),
      // ±Infinity (a split of present from missing values, or on infinite values) is not JSON: kept as text.
      threshold: Array.from(f.threshold, (t) => (Number.isFinite(t) ? t : String(t))),
      missingLeft: plainArray(f.missingLeft),
      left: plainArray(f.left),
      right: plainArray(f.right),
      value: plainArray(f.value),
      gain: plainArray(f.gain),
      cover: plainArray(f.cover),
      roots: plainArray(f.roots),
      catSet: plainArray(f.catSet),
      catValues: f.catValues.map(plainArray),
    },
  };
}

export function stateFromJSON(s: any): BoostedState {
  const f = s.forest;
  if (!f || !Array.isArray(f.feature) || !Array.isArray(f.roots)) throw new InvalidInputError("the saved model has no forest: the file is damaged; save the model again");
  const zeros = () => new Float64Array(f.feature.length);
  const forest: Forest = {
    feature: Int32Array.from(f.feature),
    threshold: Float64Array.from(f.threshold as (number | string)[], (t) => Number(t)),
    // Saved before missing values were supported: no split saw one.
    missingLeft: f.missingLeft ? Uint8Array.from(f.missingLeft) : new Uint8Array(f.feature.length),
    left: Int32Array.from(f.left),
    right: Int32Array.from(f.right),
    value: Float64Array.from(f.value),
    // Saved before importances were kept: gain and cover unknown.
    gain: f.gain ? Float64Array.from(f.gain) : zeros(),
    cover: f.cover ? Float64Array.from(f.cover) : zeros(),
    roots: Int32Array.from(f.roots),
    // Saved before categorical features: every split a threshold.
    catSet: f.catSet ? Int32Array.from(f.catSet) : new Int32Array(f.feature.length).fill(-1),
    catValues: (f.catValues ?? []).map((v: number[]) => Float64Array.from(v)),
  };
  const categories = Array.isArray(s.categories) ? s.categories.map((c: number[] | null) => c && Float64Array.from(c)) : null;
  return { nFeatures: s.nFeatures, sparse: s.sparse === true, categories, baseline: Float64Array.from(s.baseline), nIter: s.nIter, trainLoss: s.trainLoss, validationLoss: s.validationLoss, forest };
}

/** TreeSHAP contributions of X as plain arrays: [row][output][feature…, bias]. */
export function contributionRows(state: BoostedState, X: Features, model: string): number[][][] {
  const rows = withKnownCategories(readFeatures(X, { model, nFeatures: state.nFeatures, absentIsMissing: state.sparse }), state.categories);
  return contributions(state, rows).map((perOutput) => perOutput.map((phi) => Array.from(phi)));
}
