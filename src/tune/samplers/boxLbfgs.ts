// Minimisation in a box by projected L-BFGS: the quasi-Newton step is taken over the variables
// not held at a bound, and the step is backtracked along its projection onto the box. Simpler than
// L-BFGS-B's Cauchy point, and enough for the smooth, low-dimensional acquisition functions it
// serves (a GP sampler's EI over [0, 1]^d).

/** Writes the gradient at x into `g` and returns f(x). */
export type BoxObjective = (x: Float64Array, g: Float64Array) => number;

export interface BoxLbfgsOptions {
  maxIter?: number;
  /** Converged when the projected gradient's largest component is at most this. */
  pgtol?: number;
  /** Converged when an iteration lowers f by at most ftol · max(|f|, 1). */
  ftol?: number;
  memory?: number;
}

export function boxLbfgs(f: BoxObjective, x0: Float64Array, lo: ArrayLike<number>, hi: ArrayLike<number>, options: BoxLbfgsOptions = {}): { x: Float64Array; f: number; nIter: number } {
  const maxIter = options.maxIter ?? 100;
  const pgtol = options.pgtol ?? 1e-5;
  const ftol = options.ftol ?? 1e-10;
  const m = options.memory ?? 8;
  const n = x0.length;
  const clip = (v: number, i: number) => Math.min(hi[i], Math.max(lo[i], v));
  let x = Float64Array.from(x0, clip);
  let g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const free = new Uint8Array(n);
  const alpha = new Float64Array(m);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    let pgMax = 0;
    for (let i = 0; i < n; i++) {
      const held = (x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0);
      free[i] = held ? 0 : 1;
      if (!held) pgMax = Math.max(pgMax, Math.abs(g[i]));
    }
    if (pgMax <= pgtol) break;
    // Two-loop recursion on the free variables.
    for (let i = 0; i < n; i++) d[i] = free[i] ? g[i] : 0;
    for (let k = S.length - 1; k >= 0; k--) {
      let s = 0;
      for (let i = 0; i < n; i++) if (free[i]) s += S[k][i] * d[i];
      alpha[k] = rho[k] * s;
      for (let i = 0; i < n; i++) if (free[i]) d[i] -= alpha[k] * Y[k][i];
    }
    if (S.length) {
      const k = S.length - 1;
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) (sy += S[k][i] * Y[k][i]), (yy += Y[k][i] * Y[k][i]);
      const gamma = sy / yy;
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) if (free[i]) s += Y[k][i] * d[i];
      const b = alpha[k] - rho[k] * s;
      for (let i = 0; i < n; i++) if (free[i]) d[i] += b * S[k][i];
    }
    let slope = 0;
    for (let i = 0; i < n; i++) (d[i] = free[i] ? -d[i] : 0), (slope += d[i] * g[i]);
    if (!(slope < 0)) {
      // The curvature memory points uphill: forget it and go down the projected gradient.
      S.length = Y.length = rho.length = 0;
      slope = 0;
      for (let i = 0; i < n; i++) (d[i] = free[i] ? -g[i] : 0), (slope += d[i] * g[i]);
    }
    let t = 1;
    if (!S.length) {
      let norm = 0;
      for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]));
      t = Math.min(1, 0.25 / norm);
    }
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let fNew = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      let dec = 0;
      for (let i = 0; i < n; i++) (xNew[i] = clip(x[i] + t * d[i], i)), (dec += g[i] * (xNew[i] - x[i]));
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * dec && dec < 0) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) (s[i] = xNew[i] - x[i]), (y[i] = gNew[i] - g[i]), (sy += s[i] * y[i]);
    if (sy > 1e-12) {
      if (S.length === m) (S.shift(), Y.shift(), rho.shift());
      S.push(s), Y.push(y), rho.push(1 / sy);
    }
    const drop = fx - fNew;
    x = xNew;
    g = gNew;
    fx = fNew;
    if (drop <= ftol * Math.max(1, Math.abs(fx))) {
      iter++;
      break;
    }
  }
  return { x, f: fx, nIter: iter };
}
