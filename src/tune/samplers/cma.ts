// The CMA evolution strategy (Hansen, "The CMA Evolution Strategy: A Tutorial", 2016), as the
// `cmaes` package that Optuna uses implements it: weighted recombination with negative weights,
// cumulative step-size adaptation, rank-one and rank-μ covariance updates, resampling of points
// outside the box, its stopping tests (for IPOP restarts), and a warm start that estimates the
// initial Gaussian from the best of earlier solutions (Nomura et al. 2021, WS-CMA-ES).
import { normal, type Rng } from "../random";

const EPS = 1e-8;

/** Eigen-decomposition of a symmetric d×d matrix by cyclic Jacobi rotations: C = B·diag(values)·Bᵀ. */
export function symmetricEigen(C: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(C);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: d }, (_, i) => a[i * d + i]), vectors: v };
}

export interface CMAOptions {
  mean: Float64Array;
  sigma: number;
  /** Box [lo, hi] per dimension; points outside are resampled, then clipped. */
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  populationSize?: number;
  /** Initial covariance (row-major d×d); identity by default. */
  cov?: Float64Array;
  rng: Rng;
}

export class CMA {
  readonly dim: number;
  readonly populationSize: number;
  private readonly mu: number;
  private readonly muEff: number;
  private readonly weights: Float64Array;
  private readonly cc: number;
  private readonly c1: number;
  private readonly cmu: number;
  private readonly cSigma: number;
  private readonly dSigma: number;
  private readonly chiN: number;
  private pSigma: Float64Array;
  private pc: Float64Array;
  mean: Float64Array;
  sigma: number;
  private C: Float64Array;
  private B: Float64Array | null = null;
  private D: Float64Array | null = null;
  generation = 0;
  private readonly tolx: number;
  private readonly funhistTerm: number;
  private readonly funhist: number[] = [];

  constructor(private readonly o: CMAOptions) {
    const n = (this.dim = o.mean.length);
    const lambda = (this.populationSize = o.populationSize ?? 4 + Math.floor(3 * Math.log(n)));
    const mu = (this.mu = lambda >> 1);
    const wp = Array.from({ length: lambda }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const muEff = (this.muEff = sum(wp.slice(0, mu)) ** 2 / sum(wp.slice(0, mu).map((w) => w * w)));
    const neg = wp.slice(mu);
    const muEffMinus = sum(neg) ** 2 / sum(neg.map((w) => w * w));
    const alphaCov = 2;
    this.c1 = alphaCov / ((n + 1.3) ** 2 + muEff);
    this.cmu = Math.min(1 - this.c1 - 1e-8, (alphaCov * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2));
    const minAlpha = Math.min(1 + this.c1 / this.cmu, 1 + (2 * muEffMinus) / (muEff + 2), (1 - this.c1 - this.cmu) / (n * this.cmu));
    const pos = sum(wp.filter((w) => w > 0));
    const negSum = sum(wp.filter((w) => w < 0).map(Math.abs));
    this.weights = Float64Array.from(wp, (w) => (w >= 0 ? w / pos : (minAlpha / negSum) * w));
    this.cSigma = (muEff + 2) / (n + muEff + 5);
    this.dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + this.cSigma;
    this.cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
    this.chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    this.pSigma = new Float64Array(n);
    this.pc = new Float64Array(n);
    this.mean = Float64Array.from(o.mean);
    this.sigma = o.sigma;
    this.C = o.cov ? Float64Array.from(o.cov) : Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    this.tolx = 1e-12 * o.sigma;
    this.funhistTerm = 10 + Math.ceil((30 * n) / lambda);
  }

  private eigen(): { B: Float64Array; D: Float64Array } {
    if (this.B && this.D) return { B: this.B, D: this.D };
    const n = this.dim;
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) this.C[i * n + j] = this.C[j * n + i] = (this.C[i * n + j] + this.C[j * n + i]) / 2;
    const { values, vectors } = symmetricEigen(this.C, n);
    const D = Float64Array.from(values, (v) => Math.sqrt(v < 0 ? EPS : v));
    // C rebuilt from its clipped eigenvalues, as cmaes does.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[i * n + k] * D[k] * D[k] * vectors[j * n + k];
        this.C[i * n + j] = s;
      }
    }
    this.B = vectors;
    this.D = D;
    return { B: vectors, D };
  }

  private feasible(x: Float64Array): boolean {
    for (let i = 0; i < this.dim; i++) if (x[i] < this.o.lower[i] || x[i] > this.o.upper[i]) return false;
    return true;
  }

  /** A new point ~ N(mean, σ²C), resampled up to 10·d times while outside the box, then clipped. */
  ask(): Float64Array {
    const n = this.dim;
    const { B, D } = this.eigen();
    let x = new Float64Array(n);
    for (let attempt = 0; attempt <= 10 * n; attempt++) {
      const z = Float64Array.from({ length: n }, () => normal(this.o.rng));
      x = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += B[i * n + k] * D[k] * z[k];
        x[i] = this.mean[i] + this.sigma * s;
      }
      if (this.feasible(x)) return x;
    }
    return x.map((v, i) => Math.min(this.o.upper[i], Math.max(this.o.lower[i], v)));
  }

  /** One generation's points and values (lower is better); exactly populationSize of them. */
  tell(solutions: Array<{ x: Float64Array; value: number }>): void {
    if (solutions.length !== this.populationSize) throw new Error(`CMA.tell needs ${this.populationSize} solutions, got ${solutions.length}`);
    const n = this.dim;
    this.generation++;
    const sorted = [...solutions].sort((a, b) => a.value - b.value);
    const hi = 2 * (this.generation % this.funhistTerm);
    this.funhist[hi] = sorted[0].value;
    this.funhist[hi + 1] = sorted[sorted.length - 1].value;
    const { B, D } = this.eigen();
    this.B = this.D = null;
    const yk = sorted.map((s) => Float64Array.from(s.x, (v, i) => (v - this.mean[i]) / this.sigma));
    const yw = new Float64Array(n);
    for (let k = 0; k < this.mu; k++) for (let i = 0; i < n; i++) yw[i] += this.weights[k] * yk[k][i];
    for (let i = 0; i < n; i++) this.mean[i] += this.sigma * yw[i];
    // C^(−1/2) = B·D⁻¹·Bᵀ
    const invSqrt = (v: Float64Array) => {
      const t = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += B[i * n + k] * v[i];
        t[k] = s / D[k];
      }
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += B[i * n + k] * t[k];
        out[i] = s;
      }
      return out;
    };
    const cyw = invSqrt(yw);
    const cs = Math.sqrt(this.cSigma * (2 - this.cSigma) * this.muEff);
    for (let i = 0; i < n; i++) this.pSigma[i] = (1 - this.cSigma) * this.pSigma[i] + cs * cyw[i];
    const normPs = Math.hypot(...this.pSigma);
    this.sigma = Math.min(this.sigma * Math.exp((this.cSigma / this.dSigma) * (normPs / this.chiN - 1)), 1e32);
    const hLeft = normPs / Math.sqrt(1 - (1 - this.cSigma) ** (2 * (this.generation + 1)));
    const hSigma = hLeft < (1.4 + 2 / (n + 1)) * this.chiN ? 1 : 0;
    const ccs = Math.sqrt(this.cc * (2 - this.cc) * this.muEff);
    for (let i = 0; i < n; i++) this.pc[i] = (1 - this.cc) * this.pc[i] + hSigma * ccs * yw[i];
    const wio = Float64Array.from(this.weights, (w, k) => (w >= 0 ? w : (w * n) / (invSqrt(yk[k]).reduce((s, v) => s + v * v, 0) + EPS)));
    const deltaH = (1 - hSigma) * this.cc * (2 - this.cc);
    const sumW = this.weights.reduce((a, b) => a + b, 0);
    const keep = 1 + this.c1 * deltaH - this.c1 - this.cmu * sumW;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rankMu = 0;
        for (let k = 0; k < yk.length; k++) rankMu += wio[k] * yk[k][i] * yk[k][j];
        this.C[i * n + j] = keep * this.C[i * n + j] + this.c1 * this.pc[i] * this.pc[j] + this.cmu * rankMu;
      }
    }
  }

  /** cmaes' stopping tests: flat function history, tiny or exploding steps, no effect, bad conditioning. */
  shouldStop(): boolean {
    const n = this.dim;
    const { B, D } = this.eigen();
    const dC = Array.from({ length: n }, (_, i) => this.C[i * n + i]);
    if (this.generation > this.funhistTerm && this.funhist.length) {
      const vals = this.funhist.filter((v) => v !== undefined);
      if (Math.max(...vals) - Math.min(...vals) < 1e-12) return true;
    }
    if (dC.every((c) => this.sigma * c < this.tolx) && [...this.pc].every((p) => this.sigma * p < this.tolx)) return true;
    if (this.sigma * Math.max(...D) > 1e4) return true;
    if (dC.some((c, i) => this.mean[i] === this.mean[i] + 0.2 * this.sigma * Math.sqrt(c))) return true;
    const ax = this.generation % n;
    if ([...this.mean].every((m, i) => m === m + 0.1 * this.sigma * D[ax] * B[i * n + ax])) return true;
    if (Math.max(...D) / Math.min(...D) > 1e14) return true;
    return false;
  }
}

/**
 * WS-CMA-ES's initial Gaussian from earlier solutions (lower value is better): the mean and
 * covariance of the best γ share, widened by α²·I, split into a step size and a covariance of
 * determinant 1 (cmaes.get_warm_start_mgd).
 */
export function warmStartGaussian(solutions: Array<{ x: Float64Array; value: number }>, gamma = 0.1, alpha = 0.1): { mean: Float64Array; sigma: number; cov: Float64Array } | null {
  const top = [...solutions].sort((a, b) => a.value - b.value).slice(0, Math.floor(solutions.length * gamma));
  if (!top.length) return null;
  const d = top[0].x.length;
  const mean = new Float64Array(d);
  for (const s of top) for (let i = 0; i < d; i++) mean[i] += s.x[i] / top.length;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (const t of top) s += t.x[i] * t.x[j];
      cov[i * d + j] = (i === j ? alpha * alpha : 0) + s / top.length - mean[i] * mean[j];
    }
  }
  const { values } = symmetricEigen(cov, d);
  const det = values.reduce((a, b) => a * b, 1);
  if (!(det > 0)) return null;
  return { mean, sigma: det ** (1 / (2 * d)), cov: cov.map((v) => v / det ** (1 / d)) };
}
