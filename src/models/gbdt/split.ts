// Finds a node's best split from its histogram: for every feature, every threshold between bins,
// with missing values sent right and then left (the learned default direction), scored by the
// second-order gain with XGBoost's regularisation (L2 λ and L1 α on leaf weights, min split gain
// γ, min child weight) and scikit-learn's min samples per leaf.
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

/** Bins ≤ bin go left; missing values go left when missingLeft. */
export interface Split {
  feature: number;
  bin: number;
  missingLeft: boolean;
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
        best = { feature: f, bin: b, missingLeft: false, gain, GL, HL, nL };
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
        best = { feature: f, bin: b, missingLeft: true, gain, GL, HL, nL };
      }
    }
  }
  return best;
}
