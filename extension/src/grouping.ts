// Runs grouped by a param or by their tags (one model's seeds as the members of its group), and
// what a group shows: how many runs, the mean ± std of each metric, and a curve's mean ± std band
// across its runs aligned by step. Pure: the runs table and Compare draw what these return.
import { formatNumber } from "../../src/track/format";

/** What grouping reads of a run. */
export interface Groupable {
  params: Record<string, unknown>;
  tags: string[];
}

/** Grouping by the run's whole set of tags ("#a #b"; no tags is a group too). */
export const TAGS_FIELD = "tags";

export interface GroupField {
  /** `params.<key>` or `tags`. */
  field: string;
  label: string;
}

export interface RunGroup<R> {
  /** Identifies the group across redraws (the value's type and text). */
  key: string;
  /** The value the group's runs share (undefined: the runs that lack the param). */
  value: unknown;
  label: string;
  runs: R[];
}

/** The fields the runs can be grouped by: params with fewer distinct values than runs first (a seed is no group), then the others, then tags. */
export function groupFields(runs: readonly Groupable[]): GroupField[] {
  const distinct = new Map<string, Set<string>>();
  for (const r of runs) {
    for (const [k, v] of Object.entries(r.params)) {
      let seen = distinct.get(k);
      if (!seen) distinct.set(k, (seen = new Set()));
      if (seen.size <= runs.length) seen.add(valueKey(v));
    }
  }
  const params = [...distinct.entries()].map(([k, seen]) => ({ k, groups: seen.size < runs.length && seen.size > 1 }));
  params.sort((a, b) => Number(b.groups) - Number(a.groups) || a.k.localeCompare(b.k));
  return [...params.map(({ k }) => ({ field: `params.${k}`, label: k })), { field: TAGS_FIELD, label: "tags" }];
}

/** The value `field` groups a run by: a param's value, or the run's tags sorted and joined (undefined: none, or no tags). */
export function groupValue(run: Groupable, field: string): unknown {
  if (field === TAGS_FIELD) return run.tags.length ? [...run.tags].sort().join(" ") : undefined;
  if (field.startsWith("params.")) return run.params[field.slice("params.".length)];
  throw new Error(`cannot group by '${field}': choose params.<name> or tags`);
}

function valueKey(v: unknown): string {
  return v === undefined ? "undefined" : `${typeof v}:${typeof v === "object" ? JSON.stringify(v) : String(v)}`;
}

/** A group's name: `model=bert`, `#a #b`, `(no tags)`, `model: none` for runs without the param. */
export function groupLabel(field: string, value: unknown): string {
  if (field === TAGS_FIELD) return value ? String(value).split(" ").map((t) => `#${t}`).join(" ") : "(no tags)";
  const name = field.slice("params.".length);
  return value === undefined ? `${name}: none` : `${name}=${formatNumber(value)}`;
}

/** Numbers by value, then booleans, then text (numerically aware), then other values; runs that lack the field last. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) => (v === undefined ? 4 : typeof v === "number" ? 0 : typeof v === "boolean" ? 1 : typeof v === "string" ? 2 : 3);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number) - (b as number) || 0;
  if (ra === 1) return Number(a) - Number(b);
  return valueKey(a).localeCompare(valueKey(b), undefined, { numeric: true });
}

/** The runs by the value of `field`, groups in the values' order; inside a group the runs keep the order given. */
export function groupRuns<R extends Groupable>(runs: readonly R[], field: string): Array<RunGroup<R>> {
  const groups = new Map<string, RunGroup<R>>();
  for (const run of runs) {
    const value = groupValue(run, field);
    const key = valueKey(value);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, value, label: groupLabel(field, value), runs: [] }));
    g.runs.push(run);
  }
  return [...groups.values()].sort((a, b) => compareValues(a.value, b.value));
}

export interface Stat {
  mean: number;
  /** The sample standard deviation (n − 1, as pandas); 0 for one value. */
  std: number;
  /** How many finite values went in. */
  n: number;
}

/** Mean and standard deviation of the finite values, or null when there are none. */
export function meanStd(values: readonly number[]): Stat | null {
  let n = 0;
  let sum = 0;
  for (const v of values) if (Number.isFinite(v)) (n++, (sum += v));
  if (!n) return null;
  const mean = sum / n;
  let sq = 0;
  for (const v of values) if (Number.isFinite(v)) sq += (v - mean) ** 2;
  return { mean, std: n > 1 ? Math.sqrt(sq / (n - 1)) : 0, n };
}

/**
 * `0.0521 ± 0.0096`: the std to two significant digits and the mean to the same decimal place (a
 * digit finer than the spread says nothing); one value alone; empty for none.
 */
export function formatStat(s: Stat | null): string {
  if (!s) return "";
  if (s.n < 2) return formatNumber(s.mean);
  if (!(s.std > 0) || !Number.isFinite(s.std) || !Number.isFinite(s.mean)) return `${formatNumber(s.mean)} ± ${formatNumber(s.std)}`;
  const std = Number(s.std.toPrecision(2));
  const decimals = Math.max(0, 1 - Math.floor(Math.log10(std)));
  const mean = decimals <= 20 ? Number(s.mean.toFixed(decimals)) : s.mean;
  return `${formatNumber(mean)} ± ${formatNumber(std)}`;
}

/** One run's points, sorted by step; `x` (as many as steps) when the band is drawn against something else, e.g. time. */
export interface BandInput {
  steps: readonly number[];
  values: readonly number[];
  x?: readonly number[];
}

export interface Band {
  steps: number[];
  /** Where each step is drawn: the step, or the mean of the members' `x` there. */
  x: number[];
  mean: number[];
  std: number[];
  /** How many runs reach each step. */
  n: number[];
}

/**
 * Mean ± std across curves, aligned by step: at every step any of them logged, each curve
 * whose steps span it gives its value there (linearly between its two nearest points when it did
 * not log that step itself, so runs logged at different intervals still line up); a curve does
 * not count before its first or after its last step. Non-finite values are left out.
 */
export function stepBand(curves: readonly BandInput[]): Band {
  const all = new Set<number>();
  for (const c of curves) for (const s of c.steps) all.add(s);
  const steps = [...all].sort((a, b) => a - b);
  const m = steps.length;
  // Welford's running mean and sum of squared deviations per step (no cancellation on large values).
  const mean = new Float64Array(m);
  const sq = new Float64Array(m);
  const xSum = new Float64Array(m);
  const count = new Uint32Array(m);
  const useX = curves.length > 0 && curves.every((c) => c.x && c.x.length === c.steps.length);
  for (const c of curves) {
    const finite: number[] = [];
    for (let i = 0; i < c.steps.length; i++) if (Number.isFinite(c.values[i]) && (!useX || Number.isFinite(c.x![i]))) finite.push(i);
    if (!finite.length) continue;
    let j = 0; // the curve's finite point at or after the step
    for (let k = 0; k < m; k++) {
      const s = steps[k];
      while (j < finite.length && c.steps[finite[j]] < s) j++;
      if (j === finite.length) break;
      const hi = finite[j];
      let v: number;
      let x = 0;
      if (c.steps[hi] === s) {
        v = c.values[hi];
        if (useX) x = c.x![hi];
      } else {
        if (j === 0) continue; // before the curve's first point
        const lo = finite[j - 1];
        const t = (s - c.steps[lo]) / (c.steps[hi] - c.steps[lo]);
        v = c.values[lo] + t * (c.values[hi] - c.values[lo]);
        if (useX) x = c.x![lo] + t * (c.x![hi] - c.x![lo]);
      }
      const n = ++count[k];
      const delta = v - mean[k];
      mean[k] += delta / n;
      sq[k] += delta * (v - mean[k]);
      xSum[k] += x;
    }
  }
  const band: Band = { steps: [], x: [], mean: [], std: [], n: [] };
  for (let k = 0; k < m; k++) {
    const n = count[k];
    if (!n) continue;
    band.steps.push(steps[k]);
    band.x.push(useX ? xSum[k] / n : steps[k]);
    band.mean.push(mean[k]);
    band.std.push(n > 1 ? Math.sqrt(Math.max(0, sq[k]) / (n - 1)) : 0);
    band.n.push(n);
  }
  return band;
}
