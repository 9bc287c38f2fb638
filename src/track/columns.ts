// Which columns a table of runs shows, and how a cell's value reads when room is short. One set of
// rules for `%runs`, `%compare` and the JupyterLab runs table: metrics first (they are what a
// person compares), then only the params that differ between the runs shown.
import type { Goal, RunStatus, RunSummary } from "./types";

export const isSystemMetric = (key: string) => key.startsWith("system/");

/** A param that is absent, null or the empty string: two of them are the same, not a difference. */
export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === "";
}

/** One text per value so that equal values compare equal (blank ones all alike). */
export function valueKey(v: unknown): string {
  if (isBlank(v)) return "";
  return typeof v === "string" ? `s${v}` : `j${JSON.stringify(v)}`;
}

/** True when the values are not all the same (blank vs blank is the same). */
export function differ(values: readonly unknown[]): boolean {
  if (values.length < 2) return false;
  const first = valueKey(values[0]);
  return values.some((v) => valueKey(v) !== first);
}

/** Non-system metric names, the ones most runs logged first, then by name. */
export function metricColumns(runs: readonly Pick<RunSummary, "metrics">[]): string[] {
  const counts = new Map<string, number>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) if (!isSystemMetric(k)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
}

/**
 * Params whose value is not the same in every run (a param some runs lack varies too), most
 * runs first, then by name; with one run, all of its params.
 */
export function varyingParams(runs: readonly Pick<RunSummary, "params">[]): string[] {
  const values = new Map<string, unknown[]>();
  for (const r of runs) for (const k of Object.keys(r.params)) if (!values.has(k)) values.set(k, []);
  for (const [k, list] of values) for (const r of runs) list.push(r.params[k]);
  const present = (list: unknown[]) => list.filter((v) => !isBlank(v)).length;
  return [...values.entries()]
    .filter(([, list]) => runs.length < 2 || differ(list))
    .sort((a, b) => present(b[1]) - present(a[1]) || a[0].localeCompare(b[0]))
    .map(([k]) => k);
}

/** `text` cut to at most `max` characters by taking out its middle: `baseline/…/frequent`. */
export function elideMiddle(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 1) return "…";
  const tail = Math.floor((max - 1) / 2);
  const head = max - 1 - tail;
  return chars.slice(0, head).join("") + "…" + chars.slice(chars.length - tail).join("");
}

/** `text` cut at its end to at most `max` characters (for values: their start says the most). */
export function elideEnd(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, Math.max(0, max - 1)).join("") + "…";
}

/**
 * A short start time: the time of day for today, the day and time this year, else the date.
 * In the viewer's time zone (`now` for tests).
 */
export function compactTime(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const n = new Date(now);
  const p = (x: number) => String(x).padStart(2, "0");
  const time = `${p(d.getHours())}:${p(d.getMinutes())}`;
  if (d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate()) return time;
  const month = d.toLocaleString("en", { month: "short" });
  if (d.getFullYear() === n.getFullYear()) return `${month} ${d.getDate()} ${time}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** A param row of a comparison: differs is false when every value is the same (blanks alike). */
export interface CompareParamRow {
  key: string;
  values: unknown[];
  differs: boolean;
}

export interface CompareMetricValue {
  last: number;
  min: number;
  max: number;
  best: number;
  count: number;
}

/** A metric row: the value compared is the best one when the metric has a goal, else the last. */
export interface CompareMetricRow {
  key: string;
  goal: Goal | null;
  values: Array<CompareMetricValue | null>;
  /** The value compared per run (null: the run did not log it). */
  shown: Array<number | null>;
  /** shown minus the first run's (null for the first run and where either is missing). */
  deltas: Array<number | null>;
  /** Indices of the runs with the best value, by the goal; empty without a goal or with fewer than two values. */
  best: number[];
  differs: boolean;
}

// The runs table on the wire: kernel/sidebar.ts builds it (runColumns), the extension revives it.

/** One metric or param across the listed runs: `at` names the runs that have it (by index), absent when all do. */
export interface Sparse {
  at?: number[];
}

/**
 * A metric's summaries across runs; `min` and `max` are null where they equal `last` (a value logged
 * once, the end of a curve that rose or fell); `goal` and `goalSet` are one value when every run that
 * has the metric agrees.
 */
export interface MetricColumn extends Sparse {
  last: Array<number | string>;
  lastStep: number[];
  min: Array<number | string | null>;
  max: Array<number | string | null>;
  count: number[];
  goal: Goal | null | Array<Goal | null>;
  goalSet: boolean | boolean[];
}

/**
 * The runs table's rows, column-wise: what the table, its filter and its sort read of a run, without
 * its process and git fields (the run's detail has those) or what follows from the rest (durationMs
 * from endedAt; a metric's best from its goal, as src/track/records.ts toSummary makes it). One array
 * per field instead of an object per run, non-finite numbers already as their wire strings: a tenth of
 * the JSON of the runs whole, and no deep copy to make it safe.
 */
export interface RunColumns {
  id: string[];
  name: string[];
  project: string[];
  parentId: Array<string | null>;
  status: RunStatus[];
  tags: string[][];
  startedAt: number[];
  endedAt: Array<number | null>;
  error: Array<string | null>;
  params: Record<string, Sparse & { values: unknown[] }>;
  metrics: Record<string, MetricColumn>;
}
