// Grows one regression tree on the binned rows to gradients and hessians, best-first (the leaf with
// the largest gain splits next, up to maxLeaves, as LightGBM and scikit-learn do). A node's
// histogram is built only for the smaller child; the larger's is the parent's minus it. Buffers
// live from tree to tree, so growing allocates per node, never per row.
import { type BinnedMatrix, codeAt } from "./bins";
import { ForestBuilder, type TreeNodes, addBinnedScores } from "./forest";
import type { FeaturePool } from "./featurePool";
import { type Histogram, HistogramBuilder } from "./histogram";
import { type Split, type SplitRules, SplitSearch, leafWeight } from "./split";

export interface GrowerParams extends SplitRules {
  learningRate: number;
  maxLeaves: number;
  maxDepth: number;
}

interface Candidate {
  start: number;
  end: number;
  depth: number;
  node: number;
  G: number;
  H: number;
  /** Newton step (0 for the root, whose step the baseline already took). */
  value: number;
  histogram: Histogram;
  split: Split | null;
}

/** Where the rows of a tree's leaves ended up: rows[start .. end) of each leaf, in the grower's buffer. */
export interface GrownTree {
  root: number;
  rows: Int32Array;
  leaves: { node: number; start: number; end: number }[];
}

export class TreeGrower {
  private readonly samples: Int32Array;
  private readonly scratch: Int32Array;
  /** Sparse input: row i's code of the feature being partitioned on, −1 when absent (see partition). */
  private readonly rowCode: Int16Array;
  private readonly histograms: HistogramBuilder;
  /** Features with at least two bins or missing values: the only ones a split can use. */
  private readonly splittable: Int32Array;
  /** The split searches of the two children of a split (the root uses the first). */
  private readonly searchSmall: SplitSearch;
  private readonly searchLarge: SplitSearch;

  /**
   * @param pool Helper threads that take part of each large dense node's features (one-output
   * fits, whose rounds have a single tree); the grower then keeps its rows and histograms in the
   * pool's shared memory.
   */
  constructor(
    private readonly X: BinnedMatrix,
    private readonly p: GrowerParams,
    private readonly pool: FeaturePool | null = null,
  ) {
    this.samples = pool ? pool.samples : new Int32Array(X.nRows);
    this.scratch = new Int32Array(X.nRows);
    this.rowCode = new Int16Array(X.kind === "sparse" ? X.nRows : 0).fill(-1);
    this.histograms = new HistogramBuilder(X, p.minSamplesLeaf, pool);
    const features: number[] = [];
    for (let f = 0; f < X.nFeatures; f++) if (X.nBins[f] > 1 || X.hasMissing[f]) features.push(f);
    this.splittable = Int32Array.from(features);
    this.searchSmall = new SplitSearch(X, p);
    this.searchLarge = new SplitSearch(X, p);
  }

  /**
   * Grows a tree on rows[0 .. count) for gradients g and hessians h, using the features with
   * allowed[f] = 1; adds its nodes to `forest`. Leaf values include the learning rate;
   * `leafValue`, when given, replaces the Newton step of a leaf (absolute error's median).
   */
  grow(g: Float32Array, h: Float32Array, rows: Int32Array, count: number, allowed: Uint8Array, forest: ForestBuilder, leafValue?: (rows: Int32Array, start: number, end: number) => number): GrownTree {
    const { p, X, samples } = this;
    const features = this.splittable.filter((f) => allowed[f] === 1);
    samples.set(rows.subarray(0, count));
    let G = 0;
    let H = 0;
    for (let q = 0; q < count; q++) {
      G += g[samples[q]];
      H += h[samples[q]];
    }
    const leaves: GrownTree["leaves"] = [];
    const open: Candidate[] = [];
    const finish = (c: Candidate) => {
      // A root that cannot split keeps value 0 (the baseline took its step): such a tree adds nothing.
      const v = leafValue ? leafValue(samples, c.start, c.end) : c.value;
      forest.value[c.node] = p.learningRate * v;
      this.histograms.release(c.histogram);
      leaves.push({ node: c.node, start: c.start, end: c.end });
    };
    const consider = (c: Candidate) => {
      if (c.split) open.push(c);
      else finish(c);
    };
    const root: Candidate = { start: 0, end: count, depth: 0, node: forest.add(H), G, H, value: 0, histogram: this.histograms.take(), split: null };
    this.histogramsAndSplits(root, null, g, h, features, allowed);
    consider(root);
    let nLeaves = 1;
    while (open.length && nLeaves < p.maxLeaves) {
      let pick = 0;
      for (let t = 1; t < open.length; t++) if (open[t].split!.gain > open[pick].split!.gain) pick = t;
      const c = open.splice(pick, 1)[0];
      const s = c.split!;
      const l = this.partition(c, s);
      const GR = c.G - s.GL;
      const HR = c.H - s.HL;
      const left: Candidate = { start: c.start, end: l, depth: c.depth + 1, node: forest.add(s.HL), G: s.GL, H: s.HL, value: leafWeight(s.GL, s.HL, p), histogram: c.histogram, split: null };
      const right: Candidate = { start: l, end: c.end, depth: c.depth + 1, node: forest.add(HR), G: GR, H: HR, value: leafWeight(GR, HR, p), histogram: c.histogram, split: null };
      const f = s.feature;
      const t = X.thresholds[f];
      forest.feature[c.node] = f;
      forest.bin[c.node] = s.bin;
      forest.gain[c.node] = s.gain;
      // The split of present from missing values has no threshold: every present value goes left.
      forest.threshold[c.node] = s.leftBins ? 0 : s.bin < t.length ? t[s.bin] : Infinity;
      if (s.leftBins) {
        const cats = X.categories[f]!;
        forest.setCategories(c.node, { values: cats.filter((_, b) => s.leftBins![b] === 1), bins: s.leftBins });
      }
      // A feature with no missing values in training sends them to the child with more samples (ties: right).
      forest.missingLeft[c.node] = (X.hasMissing[f] ? s.missingLeft : l - c.start > c.end - l) ? 1 : 0;
      forest.left[c.node] = left.node;
      forest.right[c.node] = right.node;
      nLeaves++;
      // Build the smaller child's histogram; the larger one's is the parent's minus it (in place).
      // (On a tie the right child is built, as scikit-learn does, which keeps sums in the same order.)
      const [small, large] = left.end - left.start < right.end - right.start ? [left, right] : [right, left];
      small.histogram = this.histograms.take();
      // After the last split the tree has its leaves: no child needs a histogram.
      if (nLeaves < p.maxLeaves) this.histogramsAndSplits(small, large, g, h, features, allowed);
      consider(left);
      consider(right);
    }
    for (const c of open) finish(c);
    return { root: root.node, rows: samples, leaves };
  }

  /** Whether a node may split: not at the depth limit, rows for two leaves, and hessian for one. */
  private splittableNode(c: Candidate): boolean {
    const { p } = this;
    return c.depth < p.maxDepth && c.end - c.start >= 2 * p.minSamplesLeaf && c.H >= p.minChildWeight;
  }

  /**
   * Builds `small`'s histogram from its rows and, given the sibling `large` (holding the parent's
   * histogram), turns the parent's into large's by subtraction; then sets each one's best split.
   * Dense input does it all one feature at a time, so a feature's sums are scanned while they are
   * still in cache instead of in later passes over histograms too large for it.
   */
  private histogramsAndSplits(small: Candidate, large: Candidate | null, g: Float32Array, h: Float32Array, features: Int32Array, allowed: Uint8Array): void {
    const { X, samples, histograms } = this;
    const searchSmall = this.splittableNode(small) ? this.searchSmall.start(small.G, small.H, small.end - small.start, small.value, allowed) : null;
    const searchLarge = large && this.splittableNode(large) ? this.searchLarge.start(large.G, large.H, large.end - large.start, large.value, allowed) : null;
    // A child that may not split needs no histogram of its own, save the small one when the large
    // one is made from it.
    if (!searchSmall && !searchLarge) return;
    const sh = small.histogram;
    const lh = searchLarge ? large!.histogram : undefined;
    if (X.kind === "dense") {
      histograms.gather(samples, small.start, small.end, g, h);
      histograms.list(sh, features);
      const work: DenseNodeWork = { small: sh, large: lh ?? null, start: small.start, end: small.end, features, searchSmall, searchLarge };
      if (this.pool?.worthSharing(work, large === null)) this.pool.run(work, histograms, samples, allowed);
      else denseFeatureRange(histograms, samples, work, 0, features.length);
    } else {
      histograms.build(sh, samples, small.start, small.end, g, h, features, large ? large.histogram : null);
      if (lh) histograms.subtract(lh, sh, large!.end - large!.start, small.end - small.start);
      histograms.prune(sh, small.end - small.start);
      if (searchSmall) for (let t = 0; t < sh.nFeatures; t++) searchSmall.scan(sh.sums, sh.features[t]);
      if (lh && searchLarge) for (let t = 0; t < lh.nFeatures; t++) searchLarge.scan(lh.sums, lh.features[t]);
    }
    if (searchSmall) small.split = searchSmall.result();
    if (searchLarge) large!.split = searchLarge.result();
  }

  /** Stable partition of the node's rows: bin ≤ split bin to the left, missing ones where the split says. Returns the first right position. */
  private partition(c: Candidate, s: Split): number {
    const { X, samples, scratch } = this;
    const missing = X.nBins[s.feature];
    let l = c.start;
    let r = 0;
    const leftBins = s.leftBins;
    if (leftBins) {
      for (let q = c.start; q < c.end; q++) {
        const i = samples[q];
        if (leftBins[codeAt(X, s.feature, i)] === 1) samples[l++] = i;
        else scratch[r++] = i;
      }
    } else if (X.kind === "dense") {
      const col = s.feature * X.nRows;
      for (let q = c.start; q < c.end; q++) {
        const i = samples[q];
        const code = X.codes[col + i];
        if (code === missing ? s.missingLeft : code <= s.bin) samples[l++] = i;
        else scratch[r++] = i;
      }
    } else if (X.colptr[s.feature + 1] - X.colptr[s.feature] <= 8 * (c.end - c.start)) {
      // The feature's column spread over a per-row array (absent: −1), then read once per row;
      // cheaper than a search in each row's entries unless the column is much longer than the node.
      const { rowCode } = this;
      const a = X.colptr[s.feature];
      const b = X.colptr[s.feature + 1];
      for (let k = a; k < b; k++) rowCode[X.colRows[k]] = X.colCodes[k];
      for (let q = c.start; q < c.end; q++) {
        const i = samples[q];
        const code = rowCode[i];
        if (code < 0 ? s.missingLeft : code <= s.bin) samples[l++] = i;
        else scratch[r++] = i;
      }
      for (let k = a; k < b; k++) rowCode[X.colRows[k]] = -1;
    } else {
      for (let q = c.start; q < c.end; q++) {
        const i = samples[q];
        const code = codeAt(X, s.feature, i);
        if (code === missing ? s.missingLeft : code <= s.bin) samples[l++] = i;
        else scratch[r++] = i;
      }
    }
    samples.set(scratch.subarray(0, r), l);
    return l;
  }
}

/** One node's dense histogram work: the features `features` of the small child's rows samples[start .. end). */
export interface DenseNodeWork {
  small: Histogram;
  /** The parent's histogram, to become the large child's; null at a root. */
  large: Histogram | null;
  start: number;
  end: number;
  features: Int32Array;
  /** Null for a child that may not split. */
  searchSmall: SplitSearch | null;
  searchLarge: SplitSearch | null;
}

/**
 * Features features[from .. to) of a node, one at a time (two per pass over the rows, see
 * buildFeaturePair): the small child's histogram built, the parent's turned into the large
 * child's, each scanned for splits while in cache. The routine behind this thread and helper
 * threads alike (./featurePool); the node's gradients must be gathered first.
 */
export function denseFeatureRange(histograms: HistogramBuilder, samples: Int32Array, w: DenseNodeWork, from: number, to: number): void {
  const { small, large, start, end, features, searchSmall, searchLarge } = w;
  for (let t = from; t < to; t += 2) {
    const pair = t + 1 < to;
    if (pair) histograms.buildFeaturePair(small, features[t], features[t + 1], samples, start, end);
    else histograms.buildFeature(small, features[t], samples, start, end);
    for (let u = t; u < t + (pair ? 2 : 1); u++) {
      const f = features[u];
      if (large) histograms.subtractFeature(large, small, f);
      searchSmall?.scan(small.sums, f);
      if (large) searchLarge?.scan(large.sums, f);
    }
  }
}

/** What one round's trees read and write; in shared memory when worker threads grow them. */
export interface RoundBuffers {
  K: number;
  /** Per output: gradients and hessians of every training row. */
  g: Float32Array[];
  h: Float32Array[];
  /** Raw scores, row-major (K wide): the tree of output k adds to column k. */
  raw: Float64Array;
  /** The round's rows (count of them), then the rows left out of it (nOthers). */
  rows: Int32Array;
  others: Int32Array;
  /** Per output: 1 for the features its tree may split on. */
  allowed: Uint8Array[];
}

/**
 * Grows output k's tree of a round and adds it to the raw scores: the round's rows through their
 * leaves, the rows left out by walking the tree. The one routine behind both the inline booster
 * and each worker thread.
 */
export function growAndScore(grower: TreeGrower, X: BinnedMatrix, b: RoundBuffers, k: number, count: number, nOthers: number, leafValue?: (rows: Int32Array, start: number, end: number) => number): TreeNodes {
  const builder = new ForestBuilder();
  const tree = grower.grow(b.g[k], b.h[k], b.rows, count, b.allowed[k], builder, leafValue);
  const { raw, K } = b;
  for (const leaf of tree.leaves) {
    const v = builder.value[leaf.node];
    for (let q = leaf.start; q < leaf.end; q++) raw[tree.rows[q] * K + k] += v;
  }
  const nodes = builder.nodes();
  if (nOthers) addBinnedScores(nodes, X, b.others, nOthers, raw, K, k);
  return nodes;
}
