// The absolute-error criterion of a regression tree (scikit-learn's criterion="absolute_error"): a
// leaf predicts the weighted median of its samples, and a split is judged by the summed absolute
// deviation of each child from its own median. Unlike squared error this is not a running sum, so
// before each feature's scan every split position's left and right errors are precomputed with a
// Fenwick tree over the node's target ranks, the way scikit-learn's MAE criterion does it (the same
// sums in the same order, so near-ties between splits fall the same way).
import type { CartCriterion } from "./cart";

/** Prefix sums of weight and weight·y over target ranks (scikit-learn's WeightedFenwickTree). */
class WeightedFenwickTree {
  private readonly w: Float64Array;
  private readonly wy: Float64Array;
  private size = 0;
  private maxPow2 = 0;
  totalW = 0;
  totalWy = 0;
  // What search() found besides the rank: the previous active rank and the sums below the rank.
  prevRank = 0;
  wLeft = 0;
  wyLeft = 0;

  constructor(capacity: number) {
    this.w = new Float64Array(capacity + 1);
    this.wy = new Float64Array(capacity + 1);
  }

  reset(size: number): void {
    this.size = size;
    this.w.fill(0, 0, size + 1);
    this.wy.fill(0, 0, size + 1);
    this.totalW = 0;
    this.totalWy = 0;
    let p = 1;
    while (p <= size) p <<= 1;
    this.maxPow2 = p >> 1;
  }

  add(rank: number, y: number, weight: number): void {
    const weighted = weight * y;
    for (let f = rank + 1; f <= this.size; f += f & -f) {
      this.w[f] += weight;
      this.wy[f] += weighted;
    }
    this.totalW += weight;
    this.totalWy += weighted;
  }

  /**
   * The smallest rank whose cumulative weight exceeds `target`; when the cumulative weight up to
   * some rank equals it exactly, prevRank is that rank (else prevRank = the rank returned).
   */
  search(target: number): number {
    let current = 0;
    let cumW = 0;
    let cumWy = 0;
    let bit = this.maxPow2;
    let equalBit = 0;
    let equalTarget = 0;
    while (bit !== 0) {
      const next = current + bit;
      if (next <= this.size) {
        const nodeW = this.w[next];
        if (target === nodeW) {
          equalTarget = target;
          equalBit = bit;
          break;
        } else if (target > nodeW) {
          target -= nodeW;
          current = next;
          cumW += nodeW;
          cumWy += this.wy[next];
        }
      }
      bit >>= 1;
    }
    if (bit === 0) {
      this.wLeft = cumW;
      this.wyLeft = cumWy;
      this.prevRank = current;
      return current;
    }
    // An exact match: the largest index whose cumulative weight is below the target …
    let prev = current;
    while (bit !== 0) {
      const next = prev + bit;
      if (next <= this.size && target > this.w[next]) {
        target -= this.w[next];
        prev = next;
      }
      bit >>= 1;
    }
    // … and the largest whose cumulative weight is at most it (equal, here).
    bit = equalBit;
    target = equalTarget;
    while (bit !== 0) {
      const next = current + bit;
      if (next <= this.size && target >= this.w[next]) {
        target -= this.w[next];
        current = next;
        cumW += this.w[next];
        cumWy += this.wy[next];
      }
      bit >>= 1;
    }
    this.wLeft = cumW;
    this.wyLeft = cumWy;
    this.prevRank = prev;
    return current;
  }
}

/**
 * Absolute error about the weighted median. `scan(samples)` fills, for every position q of the
 * samples in scan order, the error and median of samples[0..q] (left) and samples[q..] (right);
 * a leaf's value is the median of all its samples (the median between the two middle values when
 * the weight splits evenly, as scikit-learn's).
 */
export function absoluteErrorCriterion(y: Float64Array, weight: Float64Array): CartCriterion {
  const n = y.length;
  const tree = new WeightedFenwickTree(n);
  const leftErrors = new Float64Array(n);
  const rightErrors = new Float64Array(n);
  const rightMedians = new Float64Array(n);
  const leftMedians = new Float64Array(n);
  const sortedY = new Float64Array(n);
  const ranks = new Int32Array(n);

  /** Errors and medians of the samples taken one by one from `from` towards `to` (exclusive). */
  const pass = (samples: Int32Array, from: number, to: number, errors: Float64Array, medians: Float64Array) => {
    const step = from < to ? 1 : -1;
    tree.reset(samples.length);
    for (let q = from; q !== to; q += step) {
      const i = samples[q];
      tree.add(ranks[q], sortedY[ranks[q]], weight[i]);
      const rank = tree.search(0.5 * tree.totalW);
      const median = rank !== tree.prevRank ? (sortedY[tree.prevRank] + sortedY[rank]) / 2 : sortedY[rank];
      const wRight = tree.totalW - tree.wLeft;
      const wyRight = tree.totalWy - tree.wyLeft;
      medians[q] = median;
      errors[q] = wyRight - median * wRight + (median * tree.wLeft - tree.wyLeft);
    }
  };

  const scan = (samples: Int32Array) => {
    const m = samples.length;
    const byY = Array.from({ length: m }, (_, q) => q).sort((a, b) => y[samples[a]] - y[samples[b]] || a - b);
    byY.forEach((q, r) => {
      sortedY[r] = y[samples[q]];
      ranks[q] = r;
    });
    pass(samples, 0, m, leftErrors, leftMedians);
    pass(samples, m - 1, -1, rightErrors, rightMedians);
  };

  return {
    width: 0,
    add: () => {},
    scan,
    // scikit-learn's impurity: the mean absolute deviation from the median.
    isPure(_stats, W, samples) {
      scan(samples);
      return rightErrors[0] / W <= Number.EPSILON;
    },
    splitCost(_left, WL, _total, W, nLeft) {
      // scikit-learn's proxy: each child's impurity (error / weight) times its weight.
      const WR = W - WL;
      return WR * (rightErrors[nLeft] / WR) + WL * (leftErrors[nLeft - 1] / WL);
    },
    leafValue(_stats, _W, out, samples) {
      scan(samples);
      out.push(rightMedians[0]);
    },
  };
}
