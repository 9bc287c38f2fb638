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
  const { lambda, alpha, minChildWeight, minSamplesLeaf } = rules;
  const sums = hist.sums;
  // Gain = loss before − loss after, a node's loss being shrink(G)·v at its value v. Written this
  // way (scikit-learn's), a split of a pure node gains exactly nothing.
  const before = shrink(G, alpha) * value;
  let best: Split | null = null;
  let bestGain = rules.gamma;
  // The candidate loops are written out (no call per bin). An empty bin repeats the previous
  // candidate, which could only tie it, and ties keep the first: empty bins are skipped.
  for (let t = 0; t < hist.nFeatures; t++) {
    const f = hist.features[t];
    if (allowed[f] === 0) continue;
    const base = 3 * X.offset[f];
    const nBins = X.nBins[f];
    const m = base + 3 * nBins;
    const missing = X.hasMissing[f] === 1 && sums[m + 2] > 0;
    if (X.categories[f]) {
      const split = categoricalSplit(sums, base, nBins, missing, f, G, H, count, before, rules, best?.gain ?? rules.gamma);
      if (split) best = split;
      bestGain = best?.gain ?? bestGain;
      continue;
    }
    if (nBins < 2 && !missing) continue;
    // Missing values to the right: left holds bins 0..b. With missing values the last candidate
    // (b = nBins − 1) splits the present values from the missing ones.
    let GL = 0;
    let HL = 0;
    let nL = 0;
    const last = nBins - 1 + (missing ? 1 : 0);
    for (let b = 0; b < last; b++) {
      const c = sums[base + 3 * b + 2];
      if (c === 0) continue;
      GL += sums[base + 3 * b];
      HL += sums[base + 3 * b + 1];
      nL += c;
      const nR = count - nL;
      if (nL < minSamplesLeaf || nR < minSamplesLeaf) continue;
      const HR = H - HL;
      if (HL < minChildWeight || HR < minChildWeight) continue;
      const GR = G - GL;
      const sL = shrink(GL, alpha);
      const sR = shrink(GR, alpha);
      const gain = before - sL * (-sL / (HL + lambda)) - sR * (-sR / (HR + lambda));
      if (gain > bestGain) {
        bestGain = gain;
        best = { feature: f, bin: b, missingLeft: false, leftBins: null, gain, GL, HL, nL };
      }
    }
    if (!missing) continue;
    // Missing values to the left: right holds bins b+1..nBins−1, left the rest with the missing ones.
    let GR = 0;
    let HR = 0;
    let nR = 0;
    for (let b = nBins - 2; b >= 0; b--) {
      const c = sums[base + 3 * (b + 1) + 2];
      if (c === 0) continue;
      GR += sums[base + 3 * (b + 1)];
      HR += sums[base + 3 * (b + 1) + 1];
      nR += c;
      const nL = count - nR;
      if (nL < minSamplesLeaf || nR < minSamplesLeaf) continue;
      const HL = H - HR;
      if (HL < minChildWeight || HR < minChildWeight) continue;
      const GL = G - GR;
      const sL = shrink(GL, alpha);
      const sR = shrink(GR, alpha);
      const gain = before - sL * (-sL / (HL + lambda)) - sR * (-sR / (HR + lambda));
      if (gain > bestGain) {
        bestGain = gain;
        best = { feature: f, bin: b, missingLeft: true, leftBins: null, gain, GL, HL, nL };
      }
    }
  }
  return best;
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
