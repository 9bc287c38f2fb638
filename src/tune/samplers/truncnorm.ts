// The standard normal distribution truncated to an interval, worked in log space so that kernels
// far into a tail (narrow bandwidths near a bound) neither underflow to 0 nor lose their digits.
// JavaScript has no erf, so erfc is computed from its two textbook expansions (a power series
// near 0, Laplace's continued fraction in the tail).

const SQRT1_2 = Math.SQRT1_2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erfc(x) · e^(x²) for x ≥ 0: erfc with its underflowing factor taken out, so logs of it stay exact. */
export function erfcScaledPositive(x: number): number {
  if (x < 2) {
    // erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)): all terms positive, no cancellation.
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    const erf = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
    return (1 - erf) * Math.exp(x * x);
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail up;
  // 60 levels are far more than x ≥ 2 needs for double precision.
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return 1 / (f * Math.sqrt(Math.PI));
}

/** erfc(x) for any x. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  return erfcScaledPositive(x) * Math.exp(-x * x);
}

/** log Φ(z), the log of the standard normal CDF, accurate far into the lower tail. */
export function logNdtr(z: number): number {
  if (z >= 0) return Math.log1p(-0.5 * erfc(z * SQRT1_2));
  const t = -z * SQRT1_2;
  return Math.log(0.5) - t * t + Math.log(erfcScaledPositive(t));
}

/** Φ(z). */
export function ndtr(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}

/** log(1 − eᵈ) for d ≤ 0, without cancellation at either end. */
function log1mexp(d: number): number {
  return d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d));
}

/** log(Φ(b) − Φ(a)) for a ≤ b: the log of the standard normal's mass on [a, b]. */
export function logGaussMass(a: number, b: number): number {
  if (a >= b) return -Infinity;
  if (b <= 0) return logNdtr(b) + log1mexp(logNdtr(a) - logNdtr(b));
  if (a >= 0) return logGaussMass(-b, -a);
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/** log of the standard normal density. */
export function logPhi(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** The z with log Φ(z) = logP, for logP ≤ log ½ (so z ≤ 0). */
function ndtriFromLog(logP: number): number {
  // Start from Abramowitz & Stegun 26.2.23 (error < 5e-4), then Newton on log Φ, which is concave
  // and increasing, so a few steps reach double precision.
  const t = Math.sqrt(-2 * logP);
  let z = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 30; i++) {
    const lc = logNdtr(z);
    const dz = (lc - logP) / Math.exp(logPhi(z) - lc);
    z -= dz;
    if (Math.abs(dz) < 1e-13 * (1 + Math.abs(z))) break;
  }
  return z;
}

/** The standard normal truncated to [a, b], drawn by inverting its CDF at the uniform u ∈ [0, 1). */
export function truncNormQuantile(a: number, b: number, u: number): number {
  if (a >= 0) return -truncNormQuantile(-b, -a, 1 - u);
  let z: number;
  if (b <= 0) {
    // Entirely in the lower tail: the CDF values may be far below 1e-300, so stay in logs.
    const la = logNdtr(a);
    const lm = logGaussMass(a, b);
    const lu = Math.log(Math.max(u, 1e-300)) + lm;
    const hi = Math.max(la, lu);
    z = ndtriFromLog(hi + Math.log1p(Math.exp(Math.min(la, lu) - hi)));
  } else {
    const below = ndtr(a);
    const above = ndtr(-b);
    const mass = 1 - below - above;
    const p = below + u * mass;
    if (p <= 0) return a;
    // Invert whichever tail p lies in, so values near 1 keep their precision.
    z = p <= 0.5 ? ndtriFromLog(Math.log(p)) : -ndtriFromLog(Math.log(above + (1 - u) * mass));
  }
  return Math.min(b, Math.max(a, z));
}
