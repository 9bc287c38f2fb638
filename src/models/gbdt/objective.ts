// What boosting minimises: a loss with its baseline (the best constant score), its gradient and
// hessian per row, and its mean over a set of rows. The booster knows nothing else about the task,
// so classification and regression share every other piece.
import { logSumExp } from "../input";

/** The training (or validation) targets: class codes or numbers, and optional row weights. */
export interface Target {
  readonly y: Int32Array | Float64Array;
  readonly weight: Float64Array | null;
}

export interface Objective {
  /** scikit-learn's name of the loss ("log_loss", "squared_error", …). */
  readonly name: string;
  /** Scores per row: 1 for binary and regression, one per class for softmax. */
  readonly nOutputs: number;
  /** Best constant raw score per output. */
  baseline(t: Target): Float64Array;
  /** Writes per-row gradients and hessians of raw scores (row-major, nOutputs wide), weighted. */
  gradients(raw: Float64Array, t: Target, g: Float32Array[], h: Float32Array[]): void;
  /** Mean (weighted) loss of raw scores. */
  loss(raw: Float64Array, t: Target): number;
  /**
   * For losses whose Newton step is a poor leaf value (absolute error): the leaf value from the
   * residuals of its rows, before the learning rate.
   */
  leafValue?(rows: Int32Array, start: number, end: number, raw: Float64Array, t: Target): number;
}

function weightedMean(values: (i: number) => number, n: number, w: Float64Array | null): number {
  let s = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    s += wi * values(i);
    total += wi;
  }
  return s / total;
}

const clip = (v: number) => Math.min(Math.max(v, Number.EPSILON), 1 - Number.EPSILON);

/** Log loss of one logit z for label y ∈ {0, 1}, without overflow. */
function binaryLogLoss(z: number, y: number): number {
  return (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z;
}

export const binaryLogistic: Objective = {
  name: "log_loss",
  nOutputs: 1,
  baseline(t) {
    const p = clip(weightedMean((i) => t.y[i], t.y.length, t.weight));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(raw, t, [g], [h]) {
    const { y, weight: w } = t;
    for (let i = 0; i < y.length; i++) {
      // With e = exp(−z): p = 1/(1+e), so p − 1 = −e/(1+e) and p(1−p) = e/(1+e)²; for very
      // negative z, e overflows and p ≈ exp(z) instead.
      const z = raw[i];
      let gi: number;
      let hi: number;
      if (z > -37) {
        const e = Math.exp(-z);
        gi = (y[i] ? -e : 1) / (1 + e);
        hi = e / ((1 + e) * (1 + e));
      } else {
        const e = Math.exp(z);
        gi = e - y[i];
        hi = e;
      }
      g[i] = w ? gi * w[i] : gi;
      h[i] = w ? hi * w[i] : hi;
    }
  },
  loss(raw, t) {
    return weightedMean((i) => binaryLogLoss(raw[i], t.y[i]), t.y.length, t.weight);
  },
};

/**
 * Multi-label log loss (XGBoost's binary:logistic with num_target K): K labels, a sigmoid output
 * and one tree per label each round, all over the same bins. Output k's baseline, gradients and
 * loss are binaryLogistic's on label k alone, so each label's ensemble is the binary model of that
 * label. Targets are n × K, row-major: y is 0/1 and weight (or null) one per row and label.
 */
export function perLabelLogistic(K: number): Objective {
  // Each target's label columns, split out once (the training set, the validation set).
  const split = new WeakMap<Target, { labels: Target[]; raw: Float64Array }>();
  const columns = (t: Target) => {
    let c = split.get(t);
    if (!c) {
      const n = t.y.length / K;
      const w = t.weight;
      const labels = Array.from({ length: K }, (_, k) => ({
        y: Int32Array.from({ length: n }, (_, i) => t.y[i * K + k]),
        weight: w && Float64Array.from({ length: n }, (_, i) => w[i * K + k]),
      }));
      c = { labels, raw: new Float64Array(n) };
      split.set(t, c);
    }
    return c;
  };
  /** Output k's scores, into the target's scratch column. */
  const scores = (raw: Float64Array, k: number, out: Float64Array) => {
    for (let i = 0; i < out.length; i++) out[i] = raw[i * K + k];
    return out;
  };
  return {
    name: "log_loss",
    nOutputs: K,
    baseline: (t) => Float64Array.from(columns(t).labels, (label) => binaryLogistic.baseline(label)[0]),
    gradients(raw, t, g, h) {
      const c = columns(t);
      for (let k = 0; k < K; k++) binaryLogistic.gradients(scores(raw, k, c.raw), c.labels[k], [g[k]], [h[k]]);
    },
    /** The mean over labels of each label's mean log loss. */
    loss(raw, t) {
      const c = columns(t);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += binaryLogistic.loss(scores(raw, k, c.raw), c.labels[k]);
      return sum / K;
    },
  };
}

/** Softmax cross-entropy over K classes (one tree per class per round). */
export function softmax(K: number): Objective {
  const prob = new Float64Array(K);
  return {
    name: "log_loss",
    nOutputs: K,
    baseline(t) {
      // Log class shares, centred (softmax ignores a shared shift).
      const share = new Float64Array(K);
      const w = t.weight;
      let total = 0;
      for (let i = 0; i < t.y.length; i++) {
        share[t.y[i]] += w ? w[i] : 1;
        total += w ? w[i] : 1;
      }
      const logs = Array.from(share, (s) => Math.log(clip(s / total)));
      const mean = logs.reduce((a, b) => a + b, 0) / K;
      return Float64Array.from(logs, (l) => l - mean);
    },
    gradients(raw, t, g, h) {
      const { y, weight: w } = t;
      for (let i = 0; i < y.length; i++) {
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, raw[i * K + k]);
        let sum = 0;
        for (let k = 0; k < K; k++) sum += prob[k] = Math.exp(raw[i * K + k] - max);
        for (let k = 0; k < K; k++) prob[k] /= sum;
        const wi = w ? w[i] : 1;
        for (let k = 0; k < K; k++) {
          const gi = prob[k] - (y[i] === k ? 1 : 0);
          const hi = prob[k] * (1 - prob[k]);
          g[k][i] = w ? gi * wi : gi;
          h[k][i] = w ? hi * wi : hi;
        }
      }
    },
    loss(raw, t) {
      return weightedMean((i) => logSumExp(raw, i * K, K) - raw[i * K + t.y[i]], t.y.length, t.weight);
    },
  };
}

/** Half the squared error (scikit-learn's "squared_error"): gradient z − y, hessian 1. */
export const squaredError: Objective = {
  name: "squared_error",
  nOutputs: 1,
  baseline: (t) => Float64Array.of(weightedMean((i) => t.y[i], t.y.length, t.weight)),
  gradients(raw, t, [g], [h]) {
    const { y, weight: w } = t;
    for (let i = 0; i < y.length; i++) {
      g[i] = w ? (raw[i] - y[i]) * w[i] : raw[i] - y[i];
      h[i] = w ? w[i] : 1;
    }
  },
  loss: (raw, t) => weightedMean((i) => 0.5 * (raw[i] - t.y[i]) ** 2, t.y.length, t.weight),
};

/** The weighted median of values[order] (scikit-learn's _weighted_percentile at 50). */
function weightedMedian(values: Float64Array, weights: Float64Array | null): number {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  if (!weights) {
    // numpy's percentile(…, 50, method="linear") on unweighted values, as scikit-learn uses then.
    const at = (n - 1) / 2;
    const lo = Math.floor(at);
    const hi = Math.ceil(at);
    return values[order[lo]] + (values[order[hi]] - values[order[lo]]) * (at - lo);
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  let cum = 0;
  for (const i of order) {
    cum += weights[i];
    if (cum >= total / 2) return values[i];
  }
  return values[order[n - 1]];
}

/** Absolute error: gradient sign(z − y), hessian 1, and each leaf set to the median residual of its rows. */
export const absoluteError: Objective = {
  name: "absolute_error",
  nOutputs: 1,
  baseline: (t) => Float64Array.of(weightedMedian(Float64Array.from(t.y), t.weight)),
  gradients(raw, t, [g], [h]) {
    const { y, weight: w } = t;
    for (let i = 0; i < y.length; i++) {
      const s = raw[i] > y[i] ? 1 : -1;
      g[i] = w ? s * w[i] : s;
      h[i] = w ? w[i] : 1;
    }
  },
  loss: (raw, t) => weightedMean((i) => Math.abs(raw[i] - t.y[i]), t.y.length, t.weight),
  leafValue(rows, start, end, raw, t) {
    const residuals = new Float64Array(end - start);
    const weights = t.weight ? new Float64Array(end - start) : null;
    for (let q = start; q < end; q++) {
      residuals[q - start] = t.y[rows[q]] - raw[rows[q]];
      if (weights) weights[q - start] = t.weight![rows[q]];
    }
    return weightedMedian(residuals, weights);
  },
};

/** Poisson deviance with a log link (scikit-learn's "poisson"): gradient e^z − y, hessian e^z. */
export const poisson: Objective = {
  name: "poisson",
  nOutputs: 1,
  baseline: (t) => Float64Array.of(Math.log(weightedMean((i) => t.y[i], t.y.length, t.weight))),
  gradients(raw, t, [g], [h]) {
    const { y, weight: w } = t;
    for (let i = 0; i < y.length; i++) {
      const e = Math.exp(raw[i]);
      g[i] = w ? (e - y[i]) * w[i] : e - y[i];
      h[i] = w ? e * w[i] : e;
    }
  },
  // scikit-learn's half Poisson deviance without its constant term: e^z − y·z.
  loss: (raw, t) => weightedMean((i) => Math.exp(raw[i]) - t.y[i] * raw[i], t.y.length, t.weight),
};
