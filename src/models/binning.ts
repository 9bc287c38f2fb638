// Bins each feature into at most 255 ordered buckets, so gradient boosting can find splits by
// summing gradients into a 255-slot histogram per feature instead of sorting values at every node.
// A feature with few distinct values gets one bin per value (thresholds halfway between them);
// otherwise the thresholds are quantiles, so every bin holds about the same number of samples.
import { Random } from "../random";
import type { Dense } from "./input";

/** Samples used to place the thresholds; more only costs time, the quantiles barely move. */
const BINNING_SAMPLE = 200_000;

/**
 * numpy's percentile with method="averaged_inverted_cdf" on sorted values (what scikit-learn bins
 * with): the smallest value whose empirical CDF reaches p, averaged with the next one when the
 * CDF equals p exactly. The arithmetic follows numpy's step by step so the thresholds agree bit for bit.
 */
function averagedInvertedCdf(sorted: Float64Array, percent: number): number {
  const n = sorted.length;
  const virtual = n * (percent / 100) - 1;
  const below = Math.floor(virtual);
  const gamma = virtual - below === 0 ? 0.5 : 1;
  const a = sorted[Math.min(Math.max(below, 0), n - 1)];
  const b = sorted[Math.min(Math.max(below + 1, 0), n - 1)];
  return gamma >= 0.5 ? b - (b - a) * (1 - gamma) : a + (b - a) * gamma;
}

/** Thresholds stop short of +Infinity (scikit-learn's ALMOST_INF): an infinite one would mean "split present from missing". */
const ALMOST_INF = 1e300;

/** Thresholds for one feature's (sorted) values. */
export function featureThresholds(sorted: Float64Array, maxBins: number): Float64Array {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  if (distinct.length <= maxBins) {
    return Float64Array.from({ length: distinct.length - 1 }, (_, b) => Math.min((distinct[b] + distinct[b + 1]) / 2, ALMOST_INF));
  }
  const out: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const t = Math.min(averagedInvertedCdf(sorted, b * (100 / maxBins)), ALMOST_INF);
    if (out.length === 0 || t > out[out.length - 1]) out.push(t);
  }
  return Float64Array.from(out);
}

/** Per feature, increasing thresholds placed on (a sample of) the training rows: bin b holds values in (t[b−1], t[b]]. */
export function fitBins(X: Dense, maxBins: number, rng: Random): Float64Array[] {
  const { nRows: n, nCols: d, data } = X;
  let rows: Int32Array | null = null;
  if (n > BINNING_SAMPLE) {
    const all = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < BINNING_SAMPLE; i++) {
      const r = i + rng.int(n - i);
      [all[i], all[r]] = [all[r], all[i]];
    }
    rows = all.subarray(0, BINNING_SAMPLE);
  }
  const m = rows ? rows.length : n;
  const column = new Float64Array(m);
  return Array.from({ length: d }, (_, j) => {
    // Missing values (NaN) get a bin of their own; the thresholds come from the values present.
    let k = 0;
    for (let i = 0; i < m; i++) {
      const v = data[(rows ? rows[i] : i) * d + j];
      if (v === v) column[k++] = v;
    }
    return k ? featureThresholds(column.slice(0, k).sort(), maxBins) : new Float64Array(0);
  });
}

/** The code of a missing value (NaN) of a feature with these thresholds: one past its last bin. */
export function missingBin(thresholds: Float64Array): number {
  return thresholds.length + 1;
}

/** The bin of every value (the number of thresholds below it; NaN: missingBin), column-major: codes[j·n + i]. */
export function applyBins(X: Dense, thresholds: Float64Array[]): Uint8Array {
  const { nRows: n, nCols: d, data } = X;
  const codes = new Uint8Array(n * d);
  for (let j = 0; j < d; j++) {
    const t = thresholds[j];
    for (let i = 0; i < n; i++) {
      const v = data[i * d + j];
      if (v !== v) {
        codes[j * n + i] = t.length + 1;
        continue;
      }
      codes[j * n + i] = binOfValue(t, v);
    }
  }
  return codes;
}

/** The bin of value v among increasing thresholds t (the number of thresholds below it). */
export function binOfValue(t: Float64Array, v: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= t[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
