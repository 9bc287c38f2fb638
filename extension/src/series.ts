// Metric curves as the panel keeps them: points merged by step as they stream in, and the
// sparkline drawn from them (an SVG path string, so it is testable without a DOM).
import type { Curve } from "./wire";

/** The first index whose step is >= `step` (steps are sorted). */
function lowerBound(steps: number[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A new curve with the points added: a step already present takes the new value, so a point that
 * arrives both in a detail reply and in a pushed "points" message is kept once. Wall times (`ts`,
 * ms) are kept beside the steps when given (NaN where a point came without one).
 */
export function mergeCurve(curve: Curve | undefined, steps: number[], values: number[], ts?: number[]): Curve {
  const out: Curve = { steps: curve ? curve.steps.slice() : [], values: curve ? curve.values.slice() : [] };
  const times = curve?.ts || ts ? (curve?.ts ? curve.ts.slice() : out.steps.map(() => NaN)) : null;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const t = ts ? ts[i] : NaN;
    const n = out.steps.length;
    if (!n || s > out.steps[n - 1]) {
      out.steps.push(s);
      out.values.push(values[i]);
      times?.push(t);
      continue;
    }
    const at = lowerBound(out.steps, s);
    if (out.steps[at] === s) {
      out.values[at] = values[i];
      if (times && ts) times[at] = t;
    } else {
      out.steps.splice(at, 0, s);
      out.values.splice(at, 0, values[i]);
      times?.splice(at, 0, t);
    }
  }
  if (times) out.ts = times;
  return out;
}

/** At most `max` points, evenly picked, always keeping the last (a long run still fits a row). */
export function thin(curve: Curve, max: number): Curve {
  const n = curve.steps.length;
  if (n <= max) return curve;
  const steps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < max; i++) {
    const j = Math.round((i * (n - 1)) / (max - 1));
    steps.push(curve.steps[j]);
    values.push(curve.values[j]);
  }
  return { steps, values };
}

/**
 * The `d` of an SVG path drawing the curve in a width×height box (y grows downwards). Non-finite
 * values break the line; an empty string when there is nothing to draw.
 */
export function sparklinePath(curve: Curve | undefined, width: number, height: number, pad = 1.5): string {
  if (!curve || !curve.steps.length) return "";
  const c = thin(curve, Math.max(2, Math.floor(width)));
  const finite = c.values.filter((v) => Number.isFinite(v));
  if (!finite.length) return "";
  const x0 = c.steps[0];
  const x1 = c.steps[c.steps.length - 1];
  let y0 = Math.min(...finite);
  let y1 = Math.max(...finite);
  if (y0 === y1) {
    y0 -= 1;
    y1 += 1;
  }
  const sx = (s: number) => (x1 === x0 ? width / 2 : pad + ((s - x0) / (x1 - x0)) * (width - 2 * pad));
  const sy = (v: number) => pad + (1 - (v - y0) / (y1 - y0)) * (height - 2 * pad);
  const r = (n: number) => Math.round(n * 10) / 10;
  let d = "";
  let pen = false;
  for (let i = 0; i < c.steps.length; i++) {
    const v = c.values[i];
    if (!Number.isFinite(v)) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${r(sx(c.steps[i]))},${r(sy(v))}`;
    pen = true;
  }
  if (c.steps.length === 1) d += `h0.1`;
  return d;
}
