// Finds a node's best split from its histogram: for every feature, every threshold between bins,
// with missing values sent right and then left (the learned default direction), scored by the
// second-order gain with XGBoost's regularisation (L2 λ and L1 α on leaf weights, min split gain
// γ, min child weight) and scikit-learn's min samples per leaf. A categorical feature's split is a
// set of categories: they are sorted by gradient over hessian and scanned as if ordered, as
// LightGBM and scikit-learn do (see categoricalSplit).
import type { BinLayout } from "./bins";
import type { Histogram } from "./histogram";

export interface SplitRules {
  lambda: number;
  alpha: number;
  /** A split must gain more than this (XGBoost's gamma / min_split_loss). */
  gamma: number;
  /** Hessian sum each child needs at least (XGBoost's min_child_weight; scikit-learn's is 1e-3). */
  minChildWeight: number;
  minSamplesLeaf: number;
}

/** Bins ≤ bin go left; missing values go left when missingLeft. A categorical split lists its left bins instead. */
export interface Split {
  feature: number;
  bin: number;
  missingLeft: boolean;
  /** Categorical splits: 1 for each bin (the last slot: missing values) that goes left; null for a threshold. */
  leftBins: Uint8Array | null;
  gain: number;
  GL: number;
  HL: number;
  nL: number;
}

/** The gradient sum shrunk towards 0 by α (XGBoost's ThresholdL1); with α = 0, G itself. */
export function shrink(G: number, alpha: number): number {
  if (alpha === 0) return G;
  return G > alpha ? G - alpha : G < -alpha ? G + alpha : 0;
}

/** The Newton step of a node, −shrink(G)/(H + λ). */
export function leafWeight(G: number, H: number, rules: SplitRules): number {
  return -shrink(G, rules.alpha) / (H + rules.lambda);
}

/**
 * The best split of a node with totals G, H, count and Newton value `value` (0 for a root, whose
 * step the baseline took), or null when none gains more than γ. Only features with allowed[f] = 1
 * count (column subsampling).
 */
export function findSplit(hist: Histogram, X: BinLayout, G: number, H: number, count: number, value: number, rules: SplitRules, allowed: Uint8Array): Split | null {
  const search = new SplitSearch(X, rules).start(G, H, count, value, allowed);
  for (let t = 0; t < hist.nFeatures; t++) search.scan(hist.sums, hist.features[t]);
  return search.result();
}

/**
 * One node's search for its best split, fed a feature at a time, so that a feature's histogram
 * can be scanned the moment it is built (while it is still in cache) rather than in a later pass
 * over the whole histogram. Features must come in the order findSplit would take them.
 */
export class SplitSearch {
  private G = 0;
  private H = 0;
  private count = 0;
  private value = 0;
  private before = 0;
  private allowed: Uint8Array = new Uint8Array(0);
  /** The best threshold so far, updated in place by the scans (no allocation per candidate); feature −1: none, or a categorical split. */
  private readonly best: BestThreshold = { feature: -1, bin: 0, missingLeft: false, gain: 0, GL: 0, HL: 0, nL: 0 };
  private categorical: Split | null = null;

  constructor(
    private readonly X: BinLayout,
    private readonly rules: SplitRules,
  ) {}

  /** Starts the search of a node with totals G, H, count and Newton value `value` (0 for a root). */
  start(G: number, H: number, count: number, value: number, allowed: Uint8Array): this {
    this.G = G;
    this.H = H;
    this.count = count;
    this.allowed = allowed;
    this.value = value;
    // Gain = loss before − loss after, a node's loss being shrink(G)·v at its value v. Written this
    // way (scikit-learn's), a split of a pure node gains exactly nothing.
    this.before = shrink(G, this.rules.alpha) * value;
    this.best.feature = -1;
    this.best.gain = this.rules.gamma;
    this.categorical = null;
    return this;
  }

  /** Considers every split of feature f, whose slots in `sums` hold the node's sums. */
  scan(sums: Float64Array, f: number): void {
    const { X, best, G, H, count, before, rules } = this;
    if (this.allowed[f] === 0) return;
    const base = 3 * X.offset[f];
    const nBins = X.nBins[f];
    const missing = X.hasMissing[f] === 1 && sums[base + 3 * nBins + 2] > 0;
    if (X.categories[f]) {
      const split = categoricalSplit(sums, base, nBins, missing, f, G, H, count, before, rules, best.gain);
      if (split) {
        this.categorical = split;
        best.gain = split.gain;
        best.feature = -1;
      }
      return;
    }
    if (nBins < 2 && !missing) return;
    if (scanLeftToRight(sums, base, nBins - 1 + (missing ? 1 : 0), G, H, count, before, rules, best)) best.feature = f;
    if (missing && scanRightToLeft(sums, base, nBins, G, H, count, before, rules, best)) best.feature = f;
  }

  /** Writes the node's totals G, H, count and value to out[at .. at + 4), for a helper thread's search of the same node. */
  exportNode(out: Float64Array, at: number): void {
    out[at] = this.G;
    out[at + 1] = this.H;
    out[at + 2] = this.count;
    out[at + 3] = this.value;
  }

  /** Writes the best threshold found (feature −1: none) to out[at .. at + BEST_WIDTH), for another thread's search to merge. */
  exportBest(out: Float64Array, at: number): void {
    const b = this.best;
    out[at] = b.feature;
    out[at + 1] = b.bin;
    out[at + 2] = b.missingLeft ? 1 : 0;
    out[at + 3] = b.gain;
    out[at + 4] = b.GL;
    out[at + 5] = b.HL;
    out[at + 6] = b.nL;
  }

  /**
   * Takes an exported best threshold when it beats this search's. The exporting search must have
   * scanned features that come after all of this one's, so ties keep this one's, as one search would.
   */
  mergeBest(src: Float64Array, at: number): void {
    const b = this.best;
    if (src[at] < 0 || !(src[at + 3] > b.gain)) return;
    b.feature = src[at];
    b.bin = src[at + 1];
    b.missingLeft = src[at + 2] === 1;
    b.gain = src[at + 3];
    b.GL = src[at + 4];
    b.HL = src[at + 5];
    b.nL = src[at + 6];
  }

  /** The best split seen, or null when none gains more than γ. */
  result(): Split | null {
    const b = this.best;
    if (b.feature < 0) return this.categorical;
    return { feature: b.feature, bin: b.bin, missingLeft: b.missingLeft, leftBins: null, gain: b.gain, GL: b.GL, HL: b.HL, nL: b.nL };
  }
}

/** Numbers in an exported best threshold (see SplitSearch.exportBest). */
export const BEST_WIDTH = 7;

interface BestThreshold {
  feature: number;
  bin: number;
  missingLeft: boolean;
  gain: number;
  GL: number;
  HL: number;
  nL: number;
}

// A candidate gains before + sL²/xL + sR²/xR (x: hessian + λ). Most candidates of a scan fall well
// short of the best so far, and that is told by multiplying both sides by xL·xR: no division. Only
// candidates within a relative 1e-9 of the best (far above the rounding of either form) get the
// exact gain, computed as before, so the split chosen is the same to the last bit.
const SLACK = 1e-9;

/** What a candidate's sL²·xR + sR²·xL must reach, over xL·xR, to possibly beat bestGain. */
function barOf(bestGain: number, before: number): number {
  return bestGain - before - SLACK * (Math.abs(before) + Math.abs(bestGain));
}

// The two scans are written out (no call per bin), each in two phases: first the bins whose side
// is still too small (fewer than minSamplesLeaf rows or minChildWeight hessian) are only summed,
// then every bin is a candidate until the other side gets too small (sides only shrink). An empty
// bin repeats the previous candidate, which can only tie it, and ties keep the first (a strict >),
// so empty bins need no test (a branch that small nodes, mostly empty bins, mispredict). Each
// returns true when a candidate beat best.gain (best then holds it).

/** Missing values (if any) to the right: left holds bins 0..b for b < last. */
function scanLeftToRight(sums: Float64Array, base: number, last: number, G: number, H: number, count: number, before: number, rules: SplitRules, best: BestThreshold): boolean {
  const { lambda, alpha, minChildWeight, minSamplesLeaf } = rules;
  let bestGain = best.gain;
  let bar = barOf(bestGain, before);
  let found = -1;
  let GL = 0;
  let HL = 0;
  let nL = 0;
  let bGL = 0;
  let bHL = 0;
  let bnL = 0;
  const end = base + 3 * last;
  let at = base;
  for (; at < end; at += 3) {
    GL += sums[at];
    HL += sums[at + 1];
    nL += sums[at + 2];
    if (nL >= minSamplesLeaf && HL >= minChildWeight) break;
  }
  const maxL = count - minSamplesLeaf;
  while (at < end) {
    const HR = H - HL;
    if (nL > maxL || HR < minChildWeight) break;
    const sL = alpha === 0 ? GL : shrink(GL, alpha);
    const sR = alpha === 0 ? G - GL : shrink(G - GL, alpha);
    const xL = HL + lambda;
    const xR = HR + lambda;
    if ((sL * sL * xR + sR * sR * xL) * (1 + SLACK) >= bar * xL * xR) {
      const gain = before - sL * (-sL / xL) - sR * (-sR / xR);
      if (gain > bestGain) {
        bestGain = gain;
        bar = barOf(bestGain, before);
        found = (at - base) / 3;
        bGL = GL;
        bHL = HL;
        bnL = nL;
      }
    }
    at += 3;
    GL += sums[at];
    HL += sums[at + 1];
    nL += sums[at + 2];
  }
  if (found < 0) return false;
  best.bin = found;
  best.missingLeft = false;
  best.gain = bestGain;
  best.GL = bGL;
  best.HL = bHL;
  best.nL = bnL;
  return true;
}

/** Missing values to the left: right holds bins b+1..nBins−1, left the rest with the missing ones. */
function scanRightToLeft(sums: Float64Array, base: number, nBins: number, G: number, H: number, count: number, before: number, rules: SplitRules, best: BestThreshold): boolean {
  const { lambda, alpha, minChildWeight, minSamplesLeaf } = rules;
  let bestGain = best.gain;
  let bar = barOf(bestGain, before);
  let found = -1;
  let GR = 0;
  let HR = 0;
  let nR = 0;
  let bGR = 0;
  let bHR = 0;
  let bnR = 0;
  // at: bin b+1 of candidate b, from b = nBins − 2 down to 0.
  let at = base + 3 * (nBins - 1);
  for (; at > base; at -= 3) {
    GR += sums[at];
    HR += sums[at + 1];
    nR += sums[at + 2];
    if (nR >= minSamplesLeaf && HR >= minChildWeight) break;
  }
  const maxR = count - minSamplesLeaf;
  while (at > base) {
    const HL = H - HR;
    if (nR > maxR || HL < minChildWeight) break;
    const GL = G - GR;
    const sL = alpha === 0 ? GL : shrink(GL, alpha);
    const sR = alpha === 0 ? GR : shrink(GR, alpha);
    const xL = HL + lambda;
    const xR = HR + lambda;
    if ((sL * sL * xR + sR * sR * xL) * (1 + SLACK) >= bar * xL * xR) {
      const gain = before - sL * (-sL / xL) - sR * (-sR / xR);
      if (gain > bestGain) {
        bestGain = gain;
        bar = barOf(bestGain, before);
        found = (at - base) / 3 - 1;
        bGR = GR;
        bHR = HR;
        bnR = nR;
      }
    }
    at -= 3;
    GR += sums[at];
    HR += sums[at + 1];
    nR += sums[at + 2];
  }
  if (found < 0) return false;
  best.bin = found;
  best.missingLeft = true;
  best.gain = bestGain;
  best.GL = G - bGR;
  best.HL = H - bHR;
  best.nL = count - bnR;
  return true;
}

// A category (or the missing values) takes part in a categorical split only with this much support
// (hessian, scaled to samples), and its gradient ratio is smoothed by it: scikit-learn's
// MIN_CAT_SUPPORT, LightGBM's cat_smooth. Categories below it always go right.
const CATEGORY_SUPPORT = 10;

/**
 * The best split of a categorical feature better than `bestGain`, or null. The supported
 * categories (missing values being one) are sorted by G / (H + support) and the split points
 * between them scanned from both ends up to the middle, so the left child takes the categories at
 * one end of that order (Fisher's grouping, as LightGBM and scikit-learn find it).
 */
function categoricalSplit(sums: Float64Array, base: number, nBins: number, missing: boolean, f: number, G: number, H: number, count: number, before: number, rules: SplitRules, bestGain: number): Split | null {
  const { lambda, alpha, minChildWeight, minSamplesLeaf } = rules;
  // Hessians scaled to sample counts (1 for losses whose hessian is constant).
  const support = count / H;
  const used: number[] = [];
  const ratio = new Float64Array(nBins + 1);
  for (let b = 0; b <= nBins; b++) {
    if (b === nBins && !missing) break;
    const h = sums[base + 3 * b + 1];
    if (sums[base + 3 * b + 2] === 0 || h * support < CATEGORY_SUPPORT) continue;
    ratio[b] = sums[base + 3 * b] / (h + CATEGORY_SUPPORT);
    used.push(b);
  }
  if (used.length <= 1) return null;
  // Equal ratios keep the later bin first, the order scikit-learn's qsort (glibc's merge sort
  // with its comparator) leaves them in.
  used.sort((a, b) => ratio[a] - ratio[b] || b - a);
  let best: { end: number; direction: 1 | -1; gain: number; GL: number; HL: number; nL: number } | null = null;
  for (const direction of [1, -1] as const) {
    // The left child takes at most half of the categories (from the left end, one fewer from the right).
    const middle = Math.floor((used.length + 1) / 2) - (direction === 1 ? 0 : 1);
    let GL = 0;
    let HL = 0;
    let nL = 0;
    for (let i = 0; i < middle; i++) {
      const b = used[direction === 1 ? i : used.length - 1 - i];
      GL += sums[base + 3 * b];
      HL += sums[base + 3 * b + 1];
      nL += sums[base + 3 * b + 2];
      const nR = count - nL;
      const HR = H - HL;
      if (nL < minSamplesLeaf || HL < minChildWeight) continue;
      if (nR < minSamplesLeaf || HR < minChildWeight) break;
      const sL = shrink(GL, alpha);
      const sR = shrink(G - GL, alpha);
      const gain = before - sL * (-sL / (HL + lambda)) - sR * (-sR / (HR + lambda));
      if (gain > bestGain) {
        bestGain = gain;
        best = { end: i, direction, gain, GL, HL, nL };
      }
    }
  }
  if (!best) return null;
  const leftBins = new Uint8Array(nBins + 1);
  for (let i = 0; i <= best.end; i++) leftBins[used[best.direction === 1 ? i : used.length - 1 - i]] = 1;
  return { feature: f, bin: 0, missingLeft: leftBins[nBins] === 1, leftBins, gain: best.gain, GL: best.GL, HL: best.HL, nL: best.nL };
}
