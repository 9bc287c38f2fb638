// Limited-memory BFGS for smooth unconstrained minimisation (Nocedal & Wright, Numerical
// Optimization, algorithms 7.4 and 7.5): the inverse Hessian is approximated from the last few
// steps and gradient changes, so each iteration costs a few vector passes on top of one
// function-and-gradient evaluation. Steps come from a line search satisfying the strong Wolfe
// conditions (algorithms 3.5 and 3.6), which keeps every stored curvature pair positive.

/** Writes the gradient at x into `gradient` and returns f(x). */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  maxIter: number;
  /** Converged when the largest gradient component is at most this (scipy's pgtol). */
  gtol: number;
  /** Converged when an iteration lowers f by at most ftol · max(|f|, 1) (scipy's factr · eps). */
  ftol: number;
  /** How many step / gradient-change pairs approximate the curvature. */
  memory: number;
  /** Function evaluations allowed in one line search. */
  maxLineSearch: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  nIter: number;
  converged: boolean;
  /** Why it stopped, for a warning when it did not converge. */
  message: string;
  /** f at the start and after each iteration (nIter + 1 values): the solver's loss curve. */
  history: number[];
}

const DEFAULTS: LbfgsOptions = { maxIter: 100, gtol: 1e-5, ftol: 64 * Number.EPSILON, memory: 10, maxLineSearch: 50 };
// Sufficient decrease and curvature constants of the strong Wolfe conditions.
const C1 = 1e-4;
const C2 = 0.9;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: Partial<LbfgsOptions> = {}): LbfgsResult {
  const o = { ...DEFAULTS, ...options };
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = objective(x, g);
  const history = [f];
  if (maxAbs(g) <= o.gtol) return { x, f, nIter: 0, converged: true, message: "gradient below gtol at the start", history };

  const S = Array.from({ length: o.memory }, () => new Float64Array(n));
  const Y = Array.from({ length: o.memory }, () => new Float64Array(n));
  const rho = new Float64Array(o.memory);
  const a = new Float64Array(o.memory);
  let stored = 0; // pairs held
  let newest = -1; // ring-buffer slot of the newest pair
  const d = new Float64Array(n);
  let xNext = new Float64Array(n);
  let gNext = new Float64Array(n);

  for (let iter = 1; iter <= o.maxIter; iter++) {
    // Two-loop recursion: d = −H·g with H built from the stored pairs.
    d.set(g);
    for (let t = 0; t < stored; t++) {
      const s = (newest - t + o.memory) % o.memory;
      const [step, change] = [S[s], Y[s]];
      const as = (a[s] = rho[s] * dot(step, d));
      for (let i = 0; i < n; i++) d[i] -= as * change[i];
    }
    if (stored > 0) {
      const gamma = dot(S[newest], Y[newest]) / dot(Y[newest], Y[newest]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let t = stored - 1; t >= 0; t--) {
      const s = (newest - t + o.memory) % o.memory;
      const step = S[s];
      const c = a[s] - rho[s] * dot(Y[s], d);
      for (let i = 0; i < n; i++) d[i] += c * step[i];
    }
    for (let i = 0; i < n; i++) d[i] = -d[i];
    let slope = dot(d, g);
    if (!(slope < 0)) {
      // Rounding made the model useless: restart from steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = -dot(g, g);
    }
    // Without curvature information yet, the first trial step moves x by at most 1.
    const first = stored === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    const search = lineSearch(objective, x, f, slope, d, first, xNext, gNext, o.maxLineSearch);
    if (!search.ok) return { x, f, nIter: iter - 1, converged: false, message: "the line search found no acceptable step (the tolerance may be below what float64 can resolve)", history };

    const slot = (newest + 1) % o.memory;
    const s = S[slot];
    const yv = Y[slot];
    for (let i = 0; i < n; i++) {
      s[i] = xNext[i] - x[i];
      yv[i] = gNext[i] - g[i];
    }
    const sy = dot(s, yv);
    if (sy > 1e-10 * dot(yv, yv)) {
      rho[slot] = 1 / sy;
      newest = slot;
      stored = Math.min(stored + 1, o.memory);
    }
    const fPrevious = f;
    [x, xNext] = [xNext, x];
    [g, gNext] = [gNext, g];
    f = search.f;
    history.push(f);
    if (maxAbs(g) <= o.gtol) return { x, f, nIter: iter, converged: true, message: "gradient below gtol", history };
    if (fPrevious - f <= o.ftol * Math.max(Math.abs(fPrevious), Math.abs(f), 1)) {
      return { x, f, nIter: iter, converged: true, message: "relative reduction of f below ftol", history };
    }
  }
  return { x, f, nIter: o.maxIter, converged: false, message: `reached maxIter = ${o.maxIter}`, history };
}

/**
 * Finds a step t along d with f(x + t·d) ≤ f + C1·t·slope and |f'(t)| ≤ C2·|slope|, leaving the
 * point in xOut and its gradient in gOut.
 */
function lineSearch(
  objective: Objective,
  x: Float64Array,
  f0: number,
  slope0: number,
  d: Float64Array,
  first: number,
  xOut: Float64Array,
  gOut: Float64Array,
  maxEvaluations: number,
): { ok: boolean; f: number } {
  let evaluations = 0;
  const at = (t: number): { f: number; slope: number } => {
    evaluations++;
    for (let i = 0; i < x.length; i++) xOut[i] = x[i] + t * d[i];
    const f = objective(xOut, gOut);
    return { f, slope: dot(gOut, d) };
  };
  const sufficient = (t: number, f: number) => f <= f0 + C1 * t * slope0;
  const curvature = (slope: number) => Math.abs(slope) <= -C2 * slope0;

  // Zoom into [lo, hi], which brackets a point meeting both conditions (lo has the lower f).
  const zoom = (lo: Point, hi: Point): { ok: boolean; f: number } => {
    while (evaluations < maxEvaluations) {
      const width = Math.abs(hi.t - lo.t);
      if (width <= 1e-16 * Math.max(1, Math.abs(lo.t))) break;
      let t = cubicMinimizer(lo, hi);
      const [left, right] = lo.t < hi.t ? [lo.t, hi.t] : [hi.t, lo.t];
      // Keep the trial well inside the interval so the bracket shrinks every time.
      if (!(t > left + 0.1 * width && t < right - 0.1 * width)) t = (lo.t + hi.t) / 2;
      const p = { t, ...at(t) };
      if (!Number.isFinite(p.f) || !sufficient(t, p.f) || p.f >= lo.f) {
        hi = p;
      } else {
        if (curvature(p.slope)) return { ok: true, f: p.f };
        if (p.slope * (hi.t - lo.t) >= 0) hi = lo;
        lo = p;
      }
    }
    // Out of evaluations: take the best point seen if it still lowers f.
    if (lo.t > 0 && lo.f < f0) {
      at(lo.t);
      return { ok: true, f: lo.f };
    }
    return { ok: false, f: f0 };
  };

  let previous: Point = { t: 0, f: f0, slope: slope0 };
  let t = first;
  for (let i = 0; evaluations < maxEvaluations; i++) {
    const p = { t, ...at(t) };
    if (!Number.isFinite(p.f) || !sufficient(t, p.f) || (i > 0 && p.f >= previous.f)) return zoom(previous, p);
    if (curvature(p.slope)) return { ok: true, f: p.f };
    if (p.slope >= 0) return zoom(p, previous);
    previous = p;
    t *= 2;
  }
  return { ok: false, f: f0 };
}

interface Point {
  t: number;
  f: number;
  slope: number;
}

/** Minimiser of the cubic through two points with their slopes (NaN when it has none). */
function cubicMinimizer(p: Point, q: Point): number {
  const d1 = p.slope + q.slope - (3 * (p.f - q.f)) / (p.t - q.t);
  const discriminant = d1 * d1 - p.slope * q.slope;
  if (!(discriminant >= 0) || !Number.isFinite(p.f) || !Number.isFinite(q.f)) return NaN;
  const d2 = Math.sign(q.t - p.t) * Math.sqrt(discriminant);
  return q.t - ((q.t - p.t) * (q.slope + d2 - d1)) / (q.slope - p.slope + 2 * d2);
}
