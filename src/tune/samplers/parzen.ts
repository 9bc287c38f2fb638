// The Parzen estimator behind TPE: a weighted mixture with one kernel per observed trial plus a
// broad prior kernel, each kernel a product over parameters of a truncated Gaussian (numeric; on
// the log scale for log params; integrated over its cell for stepped params) or a smoothed
// one-hot distribution (categorical). With one parameter it is the independent TPE's estimator;
// with several, kernels are shared across parameters and it is the multivariate one.
import type { Distribution } from "../types";
import type { Rng } from "../random";
import { snap } from "../space";
import { logGaussMass, logPhi, truncNormQuantile } from "./truncnorm";

export interface ParzenOptions {
  priorWeight: number;
  considerEndpoints: boolean;
  considerMagicClip: boolean;
}

/**
 * A parameter's value as the estimator sees it: numbers stay numbers (on their own scale),
 * categorical values become the index of the choice.
 */
export type Encoded = number;

interface NumericKernels {
  kind: "numeric";
  dist: Exclude<Distribution, { kind: "categorical" }>;
  log: boolean;
  /** The grid step on the original scale, 0 when continuous. */
  step: number;
  /** Bounds on the kernels' scale: log for log params, widened by half a step for stepped ones. */
  lo: number;
  hi: number;
  mu: Float64Array;
  sigma: Float64Array;
  logSigma: Float64Array;
  /** Log of each kernel's Gaussian mass inside [lo, hi], its truncation constant. */
  logMass: Float64Array;
}

interface CategoricalKernels {
  kind: "categorical";
  n: number;
  /** Row k: kernel k's probabilities of each choice. */
  prob: Float64Array[];
  logProb: Float64Array[];
}

type Kernels = NumericKernels | CategoricalKernels;

/** Bounds of a numeric distribution on its kernels' scale. */
function kernelBounds(dist: NumericKernels["dist"]): { lo: number; hi: number; step: number } {
  const step = dist.step ?? 0;
  let lo = dist.low - step / 2;
  let hi = dist.high + step / 2;
  if (dist.log) {
    lo = Math.log(lo);
    hi = Math.log(hi);
  }
  return { lo, hi, step };
}

/**
 * Bandwidths from the gaps between neighbouring observations (the wider gap on either side),
 * clipped so no kernel is wider than the range or, with the magic clip, narrower than
 * range / min(100, kernels + 1) — the clip keeps a few close points from collapsing the density.
 */
function bandwidths(mus: Float64Array, lo: number, hi: number, o: ParzenOptions): Float64Array {
  const n = mus.length;
  const order = Array.from(mus.keys()).sort((i, j) => mus[i] - mus[j]);
  const edge = [lo, ...order.map((i) => mus[i]), hi];
  const sigma = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = Math.max(edge[r + 1] - edge[r], edge[r + 2] - edge[r + 1]);
    // Without endpoints, the outermost kernels look only inward: a point near a bound is not
    // made wide just because the bound is far.
    if (!o.considerEndpoints && n >= 2) {
      if (r === 0) s = edge[2] - edge[1];
      else if (r === n - 1) s = edge[n] - edge[n - 1];
    }
    sigma[order[r]] = s;
  }
  const range = hi - lo;
  const min = o.considerMagicClip ? range / Math.min(100, n + 2) : 1e-12;
  for (let i = 0; i < n; i++) sigma[i] = Math.min(range, Math.max(min, sigma[i]));
  return sigma;
}

function numericKernels(dist: NumericKernels["dist"], observed: Encoded[], o: ParzenOptions): NumericKernels {
  const { lo, hi, step } = kernelBounds(dist);
  const n = observed.length;
  const mu = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) mu[i] = dist.log ? Math.log(observed[i]) : observed[i];
  const sigma = new Float64Array(n + 1);
  sigma.set(bandwidths(mu.subarray(0, n), lo, hi, o));
  // The prior: one kernel centred on the range and as wide as it.
  mu[n] = (lo + hi) / 2;
  sigma[n] = hi - lo;
  const logSigma = sigma.map(Math.log);
  const logMass = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) logMass[k] = logGaussMass((lo - mu[k]) / sigma[k], (hi - mu[k]) / sigma[k]);
  return { kind: "numeric", dist, log: dist.log, step, lo, hi, mu, sigma, logSigma, logMass };
}

function categoricalKernels(nChoices: number, observed: Encoded[], o: ParzenOptions): CategoricalKernels {
  const n = observed.length;
  const prob: Float64Array[] = [];
  // Each observation spreads priorWeight / kernels over all choices on top of its own choice, so
  // no choice ever gets zero density; the prior kernel is uniform.
  const spread = o.priorWeight / (n + 1);
  for (let k = 0; k < n; k++) {
    const row = new Float64Array(nChoices).fill(spread);
    row[observed[k]] += 1;
    const total = spread * nChoices + 1;
    prob.push(row.map((p) => p / total));
  }
  prob.push(new Float64Array(nChoices).fill(1 / nChoices));
  return { kind: "categorical", n: nChoices, prob, logProb: prob.map((row) => row.map(Math.log)) };
}

export class ParzenEstimator {
  private readonly kernels: Kernels[];
  private readonly cumWeight: Float64Array;
  private readonly logWeight: Float64Array;

  /**
   * `observed[i][d]` is observation i's encoded value of dims[d]; `weights[i]` its weight (older
   * trials may count less). The prior kernel comes last with weight `priorWeight`.
   */
  constructor(dims: readonly Distribution[], observed: readonly Encoded[][], weights: readonly number[], o: ParzenOptions) {
    const n = observed.length;
    this.kernels = dims.map((dist, d) => {
      const column = observed.map((row) => row[d]);
      return dist.kind === "categorical" ? categoricalKernels(dist.choices.length, column, o) : numericKernels(dist, column, o);
    });
    const w = n === 0 ? [1] : [...weights, o.priorWeight];
    const total = w.reduce((a, b) => a + b, 0);
    this.logWeight = Float64Array.from(w, (x) => Math.log(x / total));
    this.cumWeight = new Float64Array(w.length);
    let acc = 0;
    w.forEach((x, k) => (this.cumWeight[k] = acc += x / total));
    this.cumWeight[w.length - 1] = 1;
  }

  /** `count` draws: pick a kernel by weight, then draw every dimension from it. */
  sample(rng: Rng, count: number): Encoded[][] {
    const out: Encoded[][] = [];
    for (let c = 0; c < count; c++) {
      const u = rng();
      let k = 0;
      while (this.cumWeight[k] < u) k++;
      out.push(this.kernels.map((kern) => drawFrom(kern, k, rng)));
    }
    return out;
  }

  /** Log density of each point under the mixture. */
  logPdf(points: readonly Encoded[][]): Float64Array {
    const nk = this.logWeight.length;
    const out = new Float64Array(points.length);
    const terms = new Float64Array(nk);
    for (let p = 0; p < points.length; p++) {
      terms.set(this.logWeight);
      this.kernels.forEach((kern, d) => addLogDensity(kern, points[p][d], terms));
      let max = -Infinity;
      for (let k = 0; k < nk; k++) if (terms[k] > max) max = terms[k];
      if (max === -Infinity) {
        out[p] = -Infinity;
        continue;
      }
      let sum = 0;
      for (let k = 0; k < nk; k++) sum += Math.exp(terms[k] - max);
      out[p] = max + Math.log(sum);
    }
    return out;
  }
}

function drawFrom(kern: Kernels, k: number, rng: Rng): Encoded {
  const u = rng();
  if (kern.kind === "categorical") {
    const row = kern.prob[k];
    let acc = 0;
    for (let i = 0; i < kern.n - 1; i++) {
      acc += row[i];
      if (u < acc) return i;
    }
    return kern.n - 1;
  }
  const mu = kern.mu[k];
  const s = kern.sigma[k];
  const t = mu + s * truncNormQuantile((kern.lo - mu) / s, (kern.hi - mu) / s, u);
  const x = kern.log ? Math.exp(t) : t;
  return snap(kern.dist, x);
}

/** Adds log p_k(x) of one dimension to every kernel's running total. */
function addLogDensity(kern: Kernels, x: Encoded, terms: Float64Array): void {
  if (kern.kind === "categorical") {
    for (let k = 0; k < terms.length; k++) terms[k] += kern.logProb[k][x];
    return;
  }
  const { mu, sigma, logSigma, logMass } = kern;
  if (kern.step === 0) {
    const t = kern.log ? Math.log(x) : x;
    for (let k = 0; k < terms.length; k++) terms[k] += logPhi((t - mu[k]) / sigma[k]) - logSigma[k] - logMass[k];
    return;
  }
  // A stepped value stands for its whole cell: the kernel's mass over [x − step/2, x + step/2].
  const left = kern.log ? Math.log(x - kern.step / 2) : x - kern.step / 2;
  const right = kern.log ? Math.log(x + kern.step / 2) : x + kern.step / 2;
  for (let k = 0; k < terms.length; k++) terms[k] += logGaussMass((left - mu[k]) / sigma[k], (right - mu[k]) / sigma[k]) - logMass[k];
}
