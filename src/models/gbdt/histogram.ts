// Per-node histograms: for every feature and bin, the sums of gradient, hessian and sample count
// over the node's rows. Dense input is read one column at a time (the rows' gradients gathered once
// into node order, as LightGBM and scikit-learn do); sparse input over its stored entries only (by
// row, or by feature for the largest nodes), the missing slot of each feature counting the node's
// rows without it (XGBoost's sparsity-aware trick: the split scans take the missing rows' gradient
// and hessian as the node's totals minus the present bins, so that slot keeps only the count), so a
// node costs its stored entries, not rows × features.
import type { BinnedMatrix, DenseBins, SparseBins } from "./bins";

/**
 * Cost of an entry read feature by feature (cache-friendly, but every row of the column) relative
 * to one read row by row (a random write into the whole histogram). Measured on the Brown TF-IDF:
 * fits were about 14% faster at 0.25 or 0.15 than at 0.5, and within noise of each other.
 */
const COLUMN_ENTRY_COST = 0.25;

/** Slot s of feature data: sums[3s] gradient, sums[3s+1] hessian, sums[3s+2] count (a sparse feature's missing slot: the count only). */
export interface Histogram {
  /** Its number among the builder's histograms (how helper threads name it). */
  readonly id: number;
  readonly sums: Float64Array;
  /** The features whose slots hold this node's sums (sparse input: every other slot is 0; dense input: the others are stale). */
  features: Int32Array;
  nFeatures: number;
}

/** Buffers a builder shares with helper threads (see ./featurePool): the gathered gradients, and every histogram it makes. */
export interface SharedHistograms {
  orderedG: Float32Array;
  orderedH: Float32Array;
  /** Called with each new histogram, whose sums are then in shared memory. */
  created(hist: Histogram): void;
}

export class HistogramBuilder {
  private readonly orderedG: Float32Array;
  private readonly orderedH: Float32Array;
  private readonly mark: Uint8Array;
  /** Sparse input: per feature, −1, or its count of stored entries in the node being built row by row. */
  private readonly present: Int32Array;
  /** Sparse input: 1 for the rows of the node being built feature by feature. */
  private readonly inNode: Uint8Array;
  /** Sparse input: the features with stored entries, increasing (a root's candidates). */
  private readonly stored: Int32Array;
  private readonly pool: Histogram[] = [];
  private made = 0;

  /**
   * @param minPresent Sparse input: a feature present in fewer of a node's rows than this cannot
   * split it (either side of any split would hold fewer than minSamplesLeaf rows), nor any node
   * below it, so it leaves the node's list. On TF-IDF most words are that rare.
   */
  constructor(
    private readonly X: BinnedMatrix,
    private readonly minPresent = 1,
    private readonly shared: SharedHistograms | null = null,
  ) {
    this.orderedG = shared?.orderedG ?? new Float32Array(X.nRows);
    this.orderedH = shared?.orderedH ?? new Float32Array(X.nRows);
    this.mark = new Uint8Array(X.nFeatures);
    this.inNode = new Uint8Array(X.kind === "sparse" ? X.nRows : 0);
    this.present = new Int32Array(X.kind === "sparse" ? X.nFeatures : 0).fill(-1);
    const stored: number[] = [];
    if (X.kind === "sparse") for (let f = 0; f < X.nFeatures; f++) if (X.colptr[f + 1] > X.colptr[f]) stored.push(f);
    this.stored = Int32Array.from(stored);
  }

  /** A histogram from the pool (sparse input: all zero outside its listed features, which build() clears; dense input: buildFeature clears each feature it fills). */
  take(): Histogram {
    const reused = this.pool.pop();
    if (reused) return reused;
    const bytes = 3 * this.X.nSlots * Float64Array.BYTES_PER_ELEMENT;
    const hist = { id: this.made++, sums: new Float64Array(this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)), features: new Int32Array(this.X.nFeatures), nFeatures: 0 };
    this.shared?.created(hist);
    return hist;
  }

  release(hist: Histogram): void {
    this.pool.push(hist);
  }

  private clear(hist: Histogram): void {
    const { offset, nBins } = this.X;
    for (let t = 0; t < hist.nFeatures; t++) {
      const f = hist.features[t];
      hist.sums.fill(0, 3 * offset[f], 3 * (offset[f] + nBins[f] + 1));
    }
    hist.nFeatures = 0;
  }

  /**
   * Sums rows samples[start .. end) into hist. Dense input: the features listed in `features`
   * (those a split may use); sparse input: every feature a row of the node stores that the
   * parent's histogram `parent` still lists (any, for a root).
   */
  build(hist: Histogram, samples: Int32Array, start: number, end: number, g: Float32Array, h: Float32Array, features: Int32Array, parent: Histogram | null = null): void {
    const X = this.X;
    if (X.kind === "dense") {
      this.gather(samples, start, end, g, h);
      this.list(hist, features);
      let t = 0;
      for (; t + 1 < features.length; t += 2) this.buildFeaturePair(hist, features[t], features[t + 1], samples, start, end);
      if (t < features.length) this.buildFeature(hist, features[t], samples, start, end);
      return;
    }
    this.clear(hist);
    const parentList = parent ? parent.features : this.stored;
    const nParent = parent ? parent.nFeatures : this.stored.length;
    // Row by row, a node costs its rows' entries, each a random write into the whole histogram;
    // feature by feature, the entire columns of the parent's features, each entry a write into
    // one feature's few slots (in cache) after a look-up of whether its row is in the node. The
    // root, and nodes holding most of their features' entries, go by feature.
    const { indptr, colptr } = X;
    let rowEntries = 0;
    for (let q = start; q < end; q++) rowEntries += indptr[samples[q] + 1] - indptr[samples[q]];
    let columnEntries = 0;
    for (let t = 0; t < nParent; t++) columnEntries += colptr[parentList[t] + 1] - colptr[parentList[t]];
    const listed = columnEntries * COLUMN_ENTRY_COST < rowEntries ? this.buildByFeature(hist, samples, start, end, g, h, parentList, nParent) : this.buildByRow(hist, samples, start, end, g, h, parentList, nParent);
    hist.nFeatures = listed;
  }

  /** Sparse input, row by row: the present bins of the listed parent features and their missing counts; lists them (in the parent's order) and returns how many. */
  private buildByRow(hist: Histogram, samples: Int32Array, start: number, end: number, g: Float32Array, h: Float32Array, parentList: Int32Array, nParent: number): number {
    const X = this.X as SparseBins;
    const sums = hist.sums;
    const { offset, nBins, indptr, indices, codes } = X;
    // present[f]: −1 for a feature the parent dropped (too rare in it to split it or any node
    // below: its entries are skipped), else how many of the node's rows store it.
    const { present } = this;
    for (let t = 0; t < nParent; t++) present[parentList[t]] = 0;
    for (let q = start; q < end; q++) {
      const i = samples[q];
      const gi = g[i];
      const hi = h[i];
      for (let k = indptr[i]; k < indptr[i + 1]; k++) {
        const f = indices[k];
        const seen = present[f];
        if (seen < 0) continue;
        present[f] = seen + 1;
        const at = 3 * (offset[f] + codes[k]);
        sums[at] += gi;
        sums[at + 1] += hi;
        sums[at + 2]++;
      }
    }
    const list = hist.features;
    let listed = 0;
    for (let t = 0; t < nParent; t++) {
      const f = parentList[t];
      if (present[f] > 0) {
        list[listed++] = f;
        sums[3 * (offset[f] + nBins[f]) + 2] = end - start - present[f];
      }
      present[f] = -1;
    }
    return listed;
  }

  /** Sparse input, feature by feature over the columns: the same sums (rows in the same, increasing order) and list as buildByRow. */
  private buildByFeature(hist: Histogram, samples: Int32Array, start: number, end: number, g: Float32Array, h: Float32Array, parentList: Int32Array, nParent: number): number {
    const X = this.X as SparseBins;
    const sums = hist.sums;
    const { offset, colptr, colRows, colCodes } = X;
    const { inNode } = this;
    const every = end - start === X.nRows;
    if (!every) for (let q = start; q < end; q++) inNode[samples[q]] = 1;
    const list = hist.features;
    let listed = 0;
    for (let t = 0; t < nParent; t++) {
      const f = parentList[t];
      const base = 3 * offset[f];
      let present = 0;
      for (let k = colptr[f]; k < colptr[f + 1]; k++) {
        const i = colRows[k];
        if (!every && inNode[i] === 0) continue;
        const at = base + 3 * colCodes[k];
        sums[at] += g[i];
        sums[at + 1] += h[i];
        sums[at + 2]++;
        present++;
      }
      if (present > 0) {
        list[listed++] = f;
        sums[base + 3 * X.nBins[f] + 2] = end - start - present;
      }
    }
    if (!every) for (let q = start; q < end; q++) inNode[samples[q]] = 0;
    return listed;
  }

  /** Dense input: the histogram will hold `features` (each filled by buildFeature). */
  list(hist: Histogram, features: Int32Array): void {
    hist.features.set(features);
    hist.nFeatures = features.length;
  }

  /** Dense input: gathers the gradients and hessians of rows samples[start .. end) into node order, for buildFeature. */
  gather(samples: Int32Array, start: number, end: number, g: Float32Array, h: Float32Array): void {
    const { orderedG, orderedH } = this;
    for (let q = start; q < end; q++) {
      const i = samples[q];
      orderedG[q - start] = g[i];
      orderedH[q - start] = h[i];
    }
  }

  /** Dense input: feature f's slots of hist, summed over the gathered rows samples[start .. end). */
  buildFeature(hist: Histogram, f: number, samples: Int32Array, start: number, end: number): void {
    const X = this.X as DenseBins;
    const { orderedG, orderedH } = this;
    const sums = hist.sums;
    const base = 3 * X.offset[f];
    sums.fill(0, base, base + 3 * (X.nBins[f] + 1));
    const codes = X.codes;
    const col = f * X.nRows;
    const count = end - start;
    for (let q = 0; q < count; q++) {
      const at = base + 3 * codes[col + samples[start + q]];
      sums[at] += orderedG[q];
      sums[at + 1] += orderedH[q];
      sums[at + 2]++;
    }
  }

  /** Dense input: buildFeature of f0 and f1 in one pass over the rows (each row's index and gradients read once for both). */
  buildFeaturePair(hist: Histogram, f0: number, f1: number, samples: Int32Array, start: number, end: number): void {
    const X = this.X as DenseBins;
    const { orderedG, orderedH } = this;
    const sums = hist.sums;
    const base0 = 3 * X.offset[f0];
    const base1 = 3 * X.offset[f1];
    sums.fill(0, base0, base0 + 3 * (X.nBins[f0] + 1));
    sums.fill(0, base1, base1 + 3 * (X.nBins[f1] + 1));
    const codes = X.codes;
    const col0 = f0 * X.nRows;
    const col1 = f1 * X.nRows;
    const count = end - start;
    for (let q = 0; q < count; q++) {
      const i = samples[start + q];
      const gq = orderedG[q];
      const hq = orderedH[q];
      const at0 = base0 + 3 * codes[col0 + i];
      sums[at0] += gq;
      sums[at0 + 1] += hq;
      sums[at0 + 2]++;
      const at1 = base1 + 3 * codes[col1 + i];
      sums[at1] += gq;
      sums[at1 + 1] += hq;
      sums[at1 + 2]++;
    }
  }

  /** Dense input: parent −= small on feature f's slots (parent becomes the larger child). */
  subtractFeature(parent: Histogram, small: Histogram, f: number): void {
    const ps = parent.sums;
    const ss = small.sums;
    const a = 3 * this.X.offset[f];
    const b = a + 3 * (this.X.nBins[f] + 1);
    for (let q = a; q < b; q++) ps[q] -= ss[q];
  }

  /**
   * Turns the parent's histogram into the larger child's by subtracting the smaller child's
   * (built directly): half the rows never get read. largeCount and smallCount: the children's rows.
   */
  subtract(parent: Histogram, smallHist: Histogram, largeCount: number, smallCount: number): void {
    const { offset, nBins } = this.X;
    const ps = parent.sums;
    const ss = smallHist.sums;
    if (this.X.kind === "dense") {
      for (let t = 0; t < parent.nFeatures; t++) this.subtractFeature(parent, smallHist, parent.features[t]);
      return;
    }
    // Sparse: only the features the small child stores change their present bins; for every other
    // feature all of the small child's rows were missing, so only its missing slot loses them.
    // mark: 1 for the parent's features, 2 once the small child's sums came off them.
    const { mark } = this;
    for (let t = 0; t < parent.nFeatures; t++) mark[parent.features[t]] = 1;
    for (let t = 0; t < smallHist.nFeatures; t++) {
      const f = smallHist.features[t];
      if (mark[f] !== 1) continue;
      mark[f] = 2;
      // The present bins, counted as they are subtracted; the missing slot counts what they do not.
      const a = 3 * offset[f];
      const m = a + 3 * nBins[f];
      let c = 0;
      for (let q = a; q < m; q += 3) {
        ps[q] -= ss[q];
        ps[q + 1] -= ss[q + 1];
        const vc = ps[q + 2] - ss[q + 2];
        ps[q + 2] = vc;
        c += vc;
      }
      ps[m + 2] = largeCount - c;
    }
    let kept = 0;
    for (let t = 0; t < parent.nFeatures; t++) {
      const f = parent.features[t];
      const a = 3 * offset[f];
      const m = a + 3 * nBins[f];
      if (mark[f] !== 2) ps[m + 2] -= smallCount;
      const present = largeCount - ps[m + 2];
      mark[f] = 0;
      if (present >= this.minPresent) parent.features[kept++] = f;
      else ps.fill(0, a, m + 3);
    }
    parent.nFeatures = kept;
  }

  /** Sparse input: drops (and zeroes) the features present in fewer than minPresent of the node's rows. Call once the histogram is no longer subtracted from. */
  prune(hist: Histogram, count: number): void {
    if (this.X.kind === "dense") return;
    const { offset, nBins } = this.X;
    const sums = hist.sums;
    let kept = 0;
    for (let t = 0; t < hist.nFeatures; t++) {
      const f = hist.features[t];
      const a = 3 * offset[f];
      const m = a + 3 * nBins[f];
      if (count - sums[m + 2] >= this.minPresent) hist.features[kept++] = f;
      else sums.fill(0, a, m + 3);
    }
    hist.nFeatures = kept;
  }
}
