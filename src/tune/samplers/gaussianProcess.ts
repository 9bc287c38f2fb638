// A Gaussian-process regressor for Bayesian optimisation, as Optuna's GPSampler builds it: a
// Matérn 5/2 kernel with one length scale per input (ARD), a Hamming distance on categorical
// inputs, kernel scale and noise fitted with the length scales by maximising the marginal
// likelihood under Optuna's priors (L-BFGS on log parameters, analytic gradients), and log expected
// improvement with its gradient in x for the acquisition step.
import { minimizeLbfgs } from "../../models/lbfgs";
import { erfcScaledPositive, ndtr } from "./truncnorm";

export interface GPParams {
  /** 1 / length scale² per input. */
  invSqLengthscales: Float64Array;
  kernelScale: number;
  noise: number;
}

export const MIN_NOISE = 1e-6;
const SQRT5 = Math.sqrt(5);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);

/** Matérn 5/2 of a squared (scaled) distance s. */
function matern(s: number): number {
  const r = Math.sqrt(5 * s);
  return Math.exp(-r) * ((5 / 3) * s + r + 1);
}

/** Its derivative in s, given r = √(5s) and e = exp(−r) (computed once for both). */
const maternSlope = (r: number, e: number) => (-5 / 6) * (r + 1) * e;

/** In-place Cholesky of an n×n row-major matrix (lower triangle); false when not positive definite. */
function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) a[j * n + k] = 0;
  }
  return true;
}

/** Solves L v = b (forward) in place. */
function forward(L: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    const row = i * n;
    for (let k = 0; k < i; k++) s -= L[row + k] * b[k];
    b[i] = s / L[row + i];
  }
  return b;
}

/** Solves Lᵀ v = b (backward) in place. */
function backward(L: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[k];
    b[i] = s / L[i * n + i];
  }
  return b;
}

/** Cholesky of `k` with growing jitter if rounding made it indefinite; null if even that fails. */
function robustCholesky(k: Float64Array, n: number): Float64Array | null {
  for (let jitter = 0; jitter <= 1e-4; jitter = jitter ? jitter * 10 : 1e-10) {
    const a = Float64Array.from(k);
    for (let i = 0; i < n; i++) a[i * n + i] += jitter;
    if (cholesky(a, n)) return a;
  }
  return null;
}

/**
 * log E[max(0, Z + z)] for Z ~ N(0, 1) (the standardised log EI), and its derivative in z, computed
 * stably far into the lower tail (Ament et al. 2023, "Unexpected improvements to EI").
 */
export function logH(z: number): [number, number] {
  if (z > -1) {
    const cdf = ndtr(z);
    const h = Math.exp(-0.5 * z * z) * INV_SQRT_2PI + z * cdf;
    return [Math.log(h), cdf / h];
  }
  // h(z) = φ(z)·(1 − t·R(t)) with t = −z and R Mills' ratio Φ(−t)/φ(t) = √(π/2)·erfcx(t/√2).
  const t = -z;
  const R = SQRT_HALF_PI * erfcScaledPositive(t * Math.SQRT1_2);
  let q = 1 - t * R;
  if (t > 1e3 || !(q > 0)) {
    const u = 1 / (t * t);
    q = u * (1 - 3 * u + 15 * u * u);
  }
  return [-0.5 * z * z - LOG_SQRT_2PI + Math.log(q), R / q];
}

export class GaussianProcess {
  readonly n: number;
  readonly d: number;
  /** Cholesky factor of K + noise·I, and (K + noise·I)⁻¹ y. */
  private readonly L: Float64Array;
  private readonly alpha: Float64Array;
  private readonly kx: Float64Array;
  private readonly dk: Float64Array;
  private readonly v: Float64Array;

  constructor(
    readonly X: readonly Float64Array[],
    readonly y: Float64Array,
    readonly isCategorical: readonly boolean[],
    readonly params: GPParams,
  ) {
    this.n = X.length;
    this.d = isCategorical.length;
    const n = this.n;
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = params.kernelScale * matern(this.sqdist(X[i], X[j]));
        K[i * n + j] = K[j * n + i] = v;
      }
      K[i * n + i] += params.noise;
    }
    const L = robustCholesky(K, n);
    if (!L) throw new Error("the GP's covariance matrix is not positive definite");
    this.L = L;
    this.alpha = backward(L, n, forward(L, n, Float64Array.from(y)));
    this.kx = new Float64Array(n);
    this.dk = new Float64Array(n);
    this.v = new Float64Array(n);
  }

  private sqdist(a: Float64Array, b: Float64Array): number {
    let s = 0;
    const isl = this.params.invSqLengthscales;
    for (let k = 0; k < this.d; k++) {
      const diff = a[k] - b[k];
      s += isl[k] * (this.isCategorical[k] ? (diff === 0 ? 0 : 1) : diff * diff);
    }
    return s;
  }

  /** Posterior mean and variance at x. */
  posterior(x: Float64Array): { mean: number; variance: number } {
    const { n, kx } = this;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      kx[i] = this.params.kernelScale * matern(this.sqdist(x, this.X[i]));
      mean += kx[i] * this.alpha[i];
    }
    forward(this.L, n, kx);
    let vv = 0;
    for (let i = 0; i < n; i++) vv += kx[i] * kx[i];
    return { mean, variance: Math.max(0, this.params.kernelScale - vv) };
  }

  /**
   * log EI over `threshold` at many points at once (the acquisition's random candidates): the same
   * values as logEI, with the triangular solves done for all points together, row by row of L, so
   * the inner loops run over contiguous memory.
   */
  logEIMany(xs: readonly Float64Array[], threshold: number): Float64Array {
    const m = xs.length;
    const { n, L } = this;
    const scale = this.params.kernelScale;
    const V = new Float64Array(n * m);
    const mean = new Float64Array(m);
    for (let c = 0; c < m; c++) {
      for (let i = 0; i < n; i++) {
        const kv = scale * matern(this.sqdist(xs[c], this.X[i]));
        V[i * m + c] = kv;
        mean[c] += kv * this.alpha[i];
      }
    }
    for (let i = 0; i < n; i++) {
      const io = i * m;
      for (let k = 0; k < i; k++) {
        const l = L[i * n + k];
        if (l === 0) continue;
        const ko = k * m;
        for (let c = 0; c < m; c++) V[io + c] -= l * V[ko + c];
      }
      const inv = 1 / L[i * n + i];
      for (let c = 0; c < m; c++) V[io + c] *= inv;
    }
    const vv = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      const io = i * m;
      for (let c = 0; c < m; c++) vv[c] += V[io + c] * V[io + c];
    }
    const out = new Float64Array(m);
    for (let c = 0; c < m; c++) {
      const sigma = Math.sqrt(Math.max(0, scale - vv[c]) + 1e-12);
      out[c] = logH((mean[c] - threshold) / sigma)[0] + Math.log(sigma);
    }
    return out;
  }

  /**
   * log EI over `threshold` at x (larger y is better); with `grad`, also its gradient in the
   * inputs listed in `dims` (continuous ones), written to grad[0..dims.length).
   */
  logEI(x: Float64Array, threshold: number, grad?: Float64Array, dims?: readonly number[]): number {
    const { n, kx, dk } = this;
    const isl = this.params.invSqLengthscales;
    const scale = this.params.kernelScale;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const s = this.sqdist(x, this.X[i]);
      const r = Math.sqrt(5 * s);
      const e = Math.exp(-r);
      kx[i] = scale * e * ((5 / 3) * s + r + 1);
      dk[i] = scale * maternSlope(r, e);
      mean += kx[i] * this.alpha[i];
    }
    const v = this.v;
    v.set(kx);
    forward(this.L, n, v);
    let vv = 0;
    for (let i = 0; i < n; i++) vv += v[i] * v[i];
    const variance = Math.max(0, scale - vv) + 1e-12;
    const sigma = Math.sqrt(variance);
    const z = (mean - threshold) / sigma;
    const [lh, ratio] = logH(z);
    const value = lh + Math.log(sigma);
    if (!grad || !dims) return value;
    const beta = backward(this.L, n, v); // (K + noise·I)⁻¹ k(x)
    for (let p = 0; p < dims.length; p++) {
      const k = dims[p];
      let dMean = 0;
      let dVar = 0;
      for (let i = 0; i < n; i++) {
        const dki = dk[i] * isl[k] * 2 * (x[k] - this.X[i][k]);
        dMean += this.alpha[i] * dki;
        dVar -= 2 * beta[i] * dki;
      }
      const dSigma = dVar / (2 * sigma);
      const dz = (dMean - z * dSigma) / sigma;
      grad[p] = ratio * dz + dSigma / sigma;
    }
    return value;
  }

  /** The same kernel with more points (running trials believed at their predicted mean). */
  withPoints(X: readonly Float64Array[], y: ArrayLike<number>): GaussianProcess {
    return new GaussianProcess([...this.X, ...X], Float64Array.from([...this.y, ...Array.from(y)]), this.isCategorical, this.params);
  }
}

export interface FitOptions {
  /** Fix the noise at its minimum (a deterministic objective). */
  deterministic?: boolean;
  /** Where the search starts (the previous fit's parameters, as Optuna caches them). */
  init?: GPParams;
}

export function defaultParams(d: number): GPParams {
  return { invSqLengthscales: new Float64Array(d).fill(1), kernelScale: 1, noise: 1 };
}

/**
 * Fits the kernel's parameters by maximising log p(y | X, θ) + log p(θ), with Optuna's priors: on
 * each inverse squared length scale λ, −0.1/λ − 0.1·λ; Gamma(2, 1) on the kernel scale;
 * Gamma(1.1, 30) on the noise. Starts from `init` and, if that fails, from the defaults.
 */
export function fitGP(X: readonly Float64Array[], y: Float64Array, isCategorical: readonly boolean[], options: FitOptions = {}): GaussianProcess {
  const n = X.length;
  const d = isCategorical.length;
  const sqd = new Float64Array(n * n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      for (let k = 0; k < d; k++) {
        const diff = X[i][k] - X[j][k];
        const v = isCategorical[k] ? (diff === 0 ? 0 : 1) : diff * diff;
        sqd[(i * n + j) * d + k] = sqd[(j * n + i) * d + k] = v;
      }
    }
  }
  const deterministic = options.deterministic ?? false;
  const K = new Float64Array(n * n);
  const Mp = new Float64Array(n * n);
  const Kf = new Float64Array(n * n);
  const Linv = new Float64Array(n * n);

  const loss = (raw: Float64Array, grad: Float64Array): number => {
    const isl = raw.subarray(0, d).map(Math.exp);
    const scale = Math.exp(raw[d]);
    const noiseExcess = deterministic ? 0 : Math.exp(raw[d + 1]);
    const noise = MIN_NOISE + noiseExcess;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        const base = (i * n + j) * d;
        for (let k = 0; k < d; k++) s += isl[k] * sqd[base + k];
        const r = Math.sqrt(5 * s);
        const e = Math.exp(-r);
        const m = e * ((5 / 3) * s + r + 1);
        Kf[i * n + j] = Kf[j * n + i] = scale * m;
        Mp[i * n + j] = Mp[j * n + i] = scale * maternSlope(r, e);
        K[i * n + j] = K[j * n + i] = scale * m;
      }
      K[i * n + i] += noise;
    }
    if (!cholesky(K, n)) {
      grad.fill(0);
      return Infinity;
    }
    const L = K;
    const alpha = backward(L, n, forward(L, n, Float64Array.from(y)));
    let logdet = 0;
    let quad = 0;
    for (let i = 0; i < n; i++) (logdet += Math.log(L[i * n + i])), (quad += y[i] * alpha[i]);
    const mll = -logdet - 0.5 * quad;
    // (K + noise·I)⁻¹ = L⁻ᵀ L⁻¹, from the inverse of the triangular factor.
    Linv.fill(0);
    for (let j = 0; j < n; j++) {
      Linv[j * n + j] = 1 / L[j * n + j];
      for (let i = j + 1; i < n; i++) {
        let s = 0;
        for (let k = j; k < i; k++) s -= L[i * n + k] * Linv[k * n + j];
        Linv[i * n + j] = s / L[i * n + i];
      }
    }
    // W = ααᵀ − K⁻¹; dmll/dθ = ½ tr(W ∂K/∂θ). Symmetric, so the lower triangle counts twice.
    const gIsl = new Float64Array(d);
    let gScale = 0;
    let trW = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let kinv = 0;
        for (let k = i; k < n; k++) kinv += Linv[k * n + i] * Linv[k * n + j];
        const w = (alpha[i] * alpha[j] - kinv) * (i === j ? 0.5 : 1);
        if (i === j) trW += 2 * w;
        gScale += w * Kf[i * n + j];
        const c = w * Mp[i * n + j];
        if (c !== 0) {
          const base = (i * n + j) * d;
          for (let k = 0; k < d; k++) gIsl[k] += c * sqd[base + k];
        }
      }
    }
    let prior = 0;
    for (let k = 0; k < d; k++) prior -= 0.1 / isl[k] + 0.1 * isl[k];
    prior += Math.log(scale) - scale;
    prior += 0.1 * Math.log(noise) - 30 * noise;
    for (let k = 0; k < d; k++) grad[k] = -(gIsl[k] * isl[k] + (0.1 / isl[k] - 0.1 * isl[k]));
    grad[d] = -(gScale + (1 - scale));
    grad[d + 1] = deterministic ? 0 : -((0.5 * trW + 0.1 / noise - 30) * noiseExcess);
    return -(mll + prior);
  };

  const toRaw = (p: GPParams) => Float64Array.from([...Array.from(p.invSqLengthscales, Math.log), Math.log(p.kernelScale), Math.log(Math.max(p.noise - 0.99 * MIN_NOISE, 1e-12))]);
  const fromRaw = (raw: Float64Array): GPParams => ({
    invSqLengthscales: raw.slice(0, d).map(Math.exp),
    kernelScale: Math.exp(raw[d]),
    noise: deterministic ? MIN_NOISE : MIN_NOISE + Math.exp(raw[d + 1]),
  });
  const starts = [options.init && options.init.invSqLengthscales.length === d ? options.init : null, defaultParams(d)].filter((p): p is GPParams => !!p);
  for (const start of starts) {
    const res = minimizeLbfgs(loss, toRaw(start), { gtol: 1e-2, ftol: 2.2e-9, maxIter: 200 });
    if (Number.isFinite(res.f) && res.x.every(Number.isFinite)) {
      try {
        return new GaussianProcess(X, y, isCategorical, fromRaw(res.x));
      } catch {
        // an ill-conditioned optimum: try the next start
      }
    }
  }
  return new GaussianProcess(X, y, isCategorical, defaultParams(d));
}
