// The training matrix as compact bin codes (one byte per stored value), dense or sparse, and the
// slot layout every histogram of it shares. Feature f owns slots offset[f] .. offset[f] + nBins[f]:
// its present bins, then one slot for missing values (NaN in dense input, absent entries of a CSR
// matrix, as XGBoost reads sparse input). Slots are packed per feature, so a TF-IDF matrix whose
// words mostly take a handful of values needs a few slots per word, not 256. A categorical feature
// has one bin per category seen in training, in increasing order of the category's value.
import { InvalidInputError } from "../../errors";
import { type CsrMatrix, findEntry } from "../../features/sparse";
import type { Random } from "../../random";
import { applyBins, binOfValue, featureThresholds, fitBins } from "../binning";
import type { Dense } from "../input";

export interface BinLayout {
  readonly nFeatures: number;
  /** Per feature: bins of present values (its thresholds + 1); slot offset[f] + nBins[f] holds the missing ones. */
  readonly nBins: Int32Array;
  readonly offset: Int32Array;
  readonly nSlots: number;
  /** Per feature: increasing thresholds, bin b holding values in (t[b−1], t[b]]. */
  readonly thresholds: Float64Array[];
  /** Per feature: 1 when some training row has no value for it. */
  readonly hasMissing: Uint8Array;
  /** Per feature: the categories seen in training, increasing (bin b holds category b), or null for a numeric feature. */
  readonly categories: readonly (Float64Array | null)[];
}

interface BinnedBase extends BinLayout {
  readonly nRows: number;
}

/** Every value stored: codes[f·n + i] (column-major, so a node's histogram reads one column at a time). */
export interface DenseBins extends BinnedBase {
  readonly kind: "dense";
  readonly codes: Uint8Array;
}

/**
 * Only the stored entries: row i's are features indices[k] with codes[k], k in indptr[i] ..
 * indptr[i+1]; and the same entries by feature (feature f's rows are colRows[k] with codes
 * colCodes[k], k in colptr[f] .. colptr[f+1]), for partitioning a node by one feature.
 */
export interface SparseBins extends BinnedBase {
  readonly kind: "sparse";
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly codes: Uint8Array;
  readonly colptr: Int32Array;
  readonly colRows: Int32Array;
  readonly colCodes: Uint8Array;
}

export type BinnedMatrix = DenseBins | SparseBins;

/** The slot layout; features take their slots in `order` (default: by index). */
function layout(thresholds: Float64Array[], hasMissing: Uint8Array, categories: readonly (Float64Array | null)[] = thresholds.map(() => null), order: ArrayLike<number> | null = null): BinLayout {
  const d = thresholds.length;
  const nBins = Int32Array.from(thresholds, (t, f) => categories[f]?.length ?? t.length + 1);
  const offset = new Int32Array(d);
  let nSlots = 0;
  for (let r = 0; r < d; r++) {
    const f = order ? order[r] : r;
    offset[f] = nSlots;
    nSlots += nBins[f] + 1;
  }
  return { nFeatures: d, nBins, offset, nSlots, thresholds, hasMissing, categories };
}

/** The position of x in increasing values, or −1 when it is not one of them. */
export function indexOfSorted(values: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = values[mid];
    if (v === x) return mid;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Column f's distinct present values, increasing; more than maxBins of them is an error. */
function categoriesOf(X: Dense, f: number, maxBins: number): Float64Array {
  const { nRows: n, nCols: d, data } = X;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const v = data[i * d + f];
    if (v === v) seen.add(v);
  }
  if (seen.size > maxBins) {
    throw new InvalidInputError(`categorical feature ${f} has ${seen.size} categories, more than maxBins (${maxBins}): group the rare ones into one category (or treat the column as numeric by leaving it out of categoricalFeatures)`);
  }
  return Float64Array.from(seen).sort();
}

/**
 * Bins dense rows (NaN is missing), thresholds placed on a sample of them as scikit-learn does;
 * the columns flagged in `categorical` get one bin per category instead.
 */
export function binDense(X: Dense, maxBins: number, rng: Random, categorical: Uint8Array | null = null): DenseBins {
  const thresholds = fitBins(X, maxBins, rng);
  // applyBins codes a missing value one past the last bin, which is the feature's missing slot.
  const codes = applyBins(X, thresholds);
  const n = X.nRows;
  const d = X.nCols;
  const categories = thresholds.map((_, f) => (categorical?.[f] ? categoriesOf(X, f, maxBins) : null));
  categories.forEach((cats, f) => {
    if (!cats) return;
    thresholds[f] = new Float64Array(0);
    for (let i = 0; i < n; i++) {
      const v = X.data[i * d + f];
      codes[f * n + i] = v === v ? indexOfSorted(cats, v) : cats.length;
    }
  });
  const hasMissing = Uint8Array.from(thresholds, (t, f) => {
    const missing = categories[f]?.length ?? t.length + 1;
    for (let i = 0; i < n; i++) if (codes[f * n + i] === missing) return 1;
    return 0;
  });
  return { kind: "dense", nRows: n, codes, ...layout(thresholds, hasMissing, categories) };
}

/**
 * Rows a bin of a partly stored sparse column holds at least (LightGBM's min_data_in_bin). A TF-IDF
 * word stored in 60 passages takes at most 20 bins, not 60: every histogram, subtraction and split
 * scan of a node costs its features' bins, and finer cuts between a handful of rows buy nothing.
 * Fully stored columns are binned as dense ones are.
 */
const MIN_ROWS_PER_BIN = 3;

/**
 * Bins the stored entries of a CSR matrix; thresholds come from each column's stored values. A
 * column stored in fewer than minPresent rows can never split a node that keeps minSamplesLeaf
 * rows on each side, so its entries are left out (on TF-IDF, most of the vocabulary: it shrinks
 * every histogram and pass over the rows).
 */
export function binSparse(X: CsrMatrix, maxBins: number, minPresent = 1): SparseBins {
  const { nRows: n, nCols: d, indptr, indices, data } = X;
  // Gather each column's values (a transpose) to place its thresholds.
  const count = new Int32Array(d + 1);
  for (let k = 0; k < indices.length; k++) count[indices[k] + 1]++;
  for (let f = 0; f < d; f++) count[f + 1] += count[f];
  const fill = count.slice(0, d);
  const values = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) values[fill[indices[k]]++] = data[k];
  const thresholds = new Array<Float64Array>(d);
  const hasMissing = new Uint8Array(d);
  const kept = new Uint8Array(d);
  let nKept = 0;
  for (let f = 0; f < d; f++) {
    const stored = count[f + 1] - count[f];
    kept[f] = stored >= minPresent ? 1 : 0;
    if (kept[f]) nKept += stored;
    const column = kept[f] ? values.subarray(count[f], count[f + 1]).sort() : new Float64Array(0);
    // A column most rows lack gets at most one bin per MIN_ROWS_PER_BIN stored values.
    const bins = stored < n ? Math.max(1, Math.min(maxBins, Math.floor(stored / MIN_ROWS_PER_BIN))) : maxBins;
    thresholds[f] = column.length ? featureThresholds(column, bins) : new Float64Array(0);
    hasMissing[f] = column.length < n ? 1 : 0;
  }
  const binnedIndptr = new Int32Array(n + 1);
  const binnedIndices = new Int32Array(nKept);
  const codes = new Uint8Array(nKept);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let k = indptr[i]; k < indptr[i + 1]; k++) {
      const f = indices[k];
      if (!kept[f]) continue;
      binnedIndices[at] = f;
      codes[at++] = binOfValue(thresholds[f], data[k]);
    }
    binnedIndptr[i + 1] = at;
  }
  const colptr = new Int32Array(d + 1);
  for (let k = 0; k < nKept; k++) colptr[binnedIndices[k] + 1]++;
  for (let f = 0; f < d; f++) colptr[f + 1] += colptr[f];
  const colRows = new Int32Array(nKept);
  const colCodes = new Uint8Array(nKept);
  fill.set(colptr.subarray(0, d));
  for (let i = 0; i < n; i++) {
    for (let k = binnedIndptr[i]; k < binnedIndptr[i + 1]; k++) {
      const at = fill[binnedIndices[k]]++;
      colRows[at] = i;
      colCodes[at] = codes[k];
    }
  }
  // Slots by decreasing column length: a node's rows, read entry by entry, mostly hit the common
  // words, whose histogram slots then sit together in cache (alphabetical order scatters them).
  const order = Int32Array.from({ length: d }, (_, f) => f).sort((a, b) => colptr[b + 1] - colptr[b] - (colptr[a + 1] - colptr[a]) || a - b);
  return { kind: "sparse", nRows: n, indptr: binnedIndptr, indices: binnedIndices, codes, colptr, colRows, colCodes, ...layout(thresholds, hasMissing, undefined, order) };
}

/** The code of row i's value of feature f: its bin, or nBins[f] when it is missing. */
export function codeAt(X: BinnedMatrix, f: number, i: number): number {
  if (X.kind === "dense") return X.codes[f * X.nRows + i];
  const k = findEntry(X.indices, X.indptr[i], X.indptr[i + 1], f);
  return k < 0 ? X.nBins[f] : X.codes[k];
}
