// A long metric curve cut down for drawing: a run's detail needs no more points than a plot has
// pixels, and 100,000 of them cost the wire and plotly far more than they show. The shape is kept:
// each stretch of steps contributes its lowest and highest value (spikes survive), a non-finite
// value its first one (the break in the line survives), and the first and last points stay.

/** At most this many points per curve in a run's detail (as W&B samples its line plots): more than a plot has pixels across. */
export const MAX_CURVE_POINTS = 1500;

export interface CurveColumns {
  steps: number[];
  values: number[];
  ts: number[];
}

/** The indices of the points to keep, in order; all of them when there are at most `max`. */
export function thinIndices(values: readonly number[], max = MAX_CURVE_POINTS): number[] {
  const n = values.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  // Each bucket gives up to three points (low, high, a non-finite one); the ends are kept apart.
  const buckets = Math.max(1, Math.floor((max - 2) / 3));
  const keep: number[] = [0];
  const inner = n - 2;
  for (let b = 0; b < buckets; b++) {
    const lo = 1 + Math.floor((b * inner) / buckets);
    const hi = 1 + Math.floor(((b + 1) * inner) / buckets);
    let min = -1;
    let maxAt = -1;
    let odd = -1;
    for (let i = lo; i < hi; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) {
        if (odd < 0) odd = i;
        continue;
      }
      if (min < 0 || v < values[min]) min = i;
      if (maxAt < 0 || v > values[maxAt]) maxAt = i;
    }
    const picked = [min, maxAt, odd].filter((i) => i >= 0).sort((a, b) => a - b);
    for (const i of picked) if (i !== keep[keep.length - 1]) keep.push(i);
  }
  keep.push(n - 1);
  return keep;
}

/** The curve with at most `max` points (the same object when it has no more). */
export function thinCurve(curve: CurveColumns, max = MAX_CURVE_POINTS): CurveColumns {
  if (curve.steps.length <= max) return curve;
  const keep = thinIndices(curve.values, max);
  return { steps: keep.map((i) => curve.steps[i]), values: keep.map((i) => curve.values[i]), ts: keep.map((i) => curve.ts[i]) };
}
