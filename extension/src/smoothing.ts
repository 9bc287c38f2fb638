// Curve smoothing as W&B and TensorBoard do it: an exponential moving average whose start is
// debiased (divided by 1 − weightⁿ), so the smoothed line starts at the first value instead of
// climbing from zero. Pure, so node's test runner checks it.

/** The slider's range: 0 is the raw curve; 1 would never move, so it stops short of it. */
export const MAX_SMOOTHING = 0.99;

/**
 * The debiased exponential moving average of `values` with `weight` in [0, MAX_SMOOTHING]: each
 * point is `last = weight·last + (1 − weight)·value`, shown as `last / (1 − weightⁿ)` after n
 * finite values. A non-finite value (a NaN logged at a step) stays where it is and leaves the
 * average alone. Weight 0 returns the values unchanged.
 */
export function ema(values: readonly number[], weight: number): number[] {
  const w = Math.min(MAX_SMOOTHING, Math.max(0, Number.isFinite(weight) ? weight : 0));
  if (w === 0) return values.slice();
  const out = new Array<number>(values.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    n++;
    out[i] = last / (1 - w ** n);
  }
  return out;
}
