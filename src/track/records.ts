// Record helpers every store backend shares: metric chunks as float64 columns, per-batch summaries,
// metric goals, and the registry's name rules and refs.
import { TrackingError, UnknownModelError } from "./errors";
import type { Goal, MetricPoint, MetricSummary, ModelVersion, Series } from "./types";

export const nanToNull = (v: number) => (Number.isNaN(v) ? null : v);

export function f64(xs: number[]): Buffer {
  const a = Float64Array.from(xs);
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export function fromF64(b: Buffer): Float64Array {
  // Copy: the Buffer from SQLite may not be 8-byte aligned.
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return new Float64Array(copy.buffer);
}

/** Model versions from their stored rows, each with the aliases that point at it. */
export function versionsFromRows(rows: any[], aliases: Array<{ name: string; alias: string; version: number }>): ModelVersion[] {
  return rows.map((r) => ({
    name: r.name, version: r.version, runId: r.run_id, artifact: r.artifact, hash: r.hash, createdAt: r.created_at,
    description: r.description,
    aliases: aliases.filter((a) => a.name === r.name && a.version === r.version).map((a) => a.alias).sort(),
  }));
}

/** A run's metric points from its stored chunks, by key then step (points with one step keep the order they were logged in). */
export function pointsFromChunks(rows: Iterable<{ key: string; steps: Buffer; vals: Buffer; ts: Buffer }>): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const r of rows) {
    const steps = fromF64(r.steps), vals = fromF64(r.vals), ts = fromF64(r.ts);
    for (let i = 0; i < vals.length; i++) points.push({ key: r.key, step: steps[i], value: vals[i], ts: ts[i] });
  }
  return points.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.step - b.step || a.ts - b.ts));
}

/** Last (highest step, then latest), min and max ignoring NaN (null when there is none). */
export function summarize(s: Series) {
  let last = s.values[0], lastStep = s.steps[0], lastTs = s.ts[0];
  let min: number | null = null, max: number | null = null;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i], st = s.steps[i];
    if (st > lastStep || (st === lastStep && s.ts[i] >= lastTs)) {
      last = v;
      lastStep = st;
      lastTs = s.ts[i];
    }
    if (v === v) {
      if (min === null || v < min) min = v;
      if (max === null || v > max) max = v;
    }
  }
  return { last, lastStep, lastTs, min, max };
}
export const nullToNaN = (v: number | null) => (v === null ? NaN : v);

/** The usual direction of well-known metrics; others have none until a run sets one. */
export function guessGoal(key: string): Goal | null {
  const k = key.toLowerCase().split("/").pop()!;
  if (/(^|_)(loss|error|err|mae|mse|rmse|logloss|log_loss|perplexity|hamming|latency)($|_)/.test(k)) return "min";
  if (/(^|_)(acc|accuracy|f1|f1_macro|f1_micro|f1_weighted|auc|roc_auc|pr_auc|precision|recall|r2|score|map|ndcg)($|_)/.test(k)) return "max";
  return null;
}

export function toSummary(r: any, goals: Record<string, Goal> = {}): MetricSummary {
  const min = nullToNaN(r.min), max = nullToNaN(r.max), last = nullToNaN(r.last);
  const goal = goals[r.key] ?? (r.key.startsWith("system/") ? null : guessGoal(r.key));
  return { key: r.key, last, lastStep: r.last_step, min, max, count: r.count, goal, goalSet: goals[r.key] !== undefined, best: goal === "min" ? min : goal === "max" ? max : last };
}


export function checkGoals(goals: Record<string, Goal>): void {
  for (const [k, g] of Object.entries(goals)) {
    if (g !== "min" && g !== "max") throw new TrackingError(`the goal of metric '${k}' is "min" or "max", not '${g}'`);
  }
}

export function checkModelName(name: string): void {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) {
    throw new TrackingError(`model name '${name}' should be letters, digits, '.', '_' or '-' (it is used in refs like ${name}@champion)`);
  }
}

export function checkAlias(alias: string): void {
  if (!/^[A-Za-z][\w-]*$/.test(alias)) throw new TrackingError(`alias '${alias}' should start with a letter and hold letters, digits, '_' or '-'`);
}

/** `name`, `name/3` or `name@alias` among the versions of that name. */
export async function pickVersion(ref: string, versionsOf: (name: string) => Promise<ModelVersion[]>): Promise<ModelVersion> {
  const m = /^([^@/]+)(?:\/(\d+)|@([\w-]+))?$/.exec(ref.trim());
  if (!m) throw new UnknownModelError(ref, "write name, name/3 or name@alias");
  const versions = await versionsOf(m[1]);
  if (!versions.length) throw new UnknownModelError(ref, `nothing is registered as '${m[1]}'`);
  if (m[2]) {
    const v = versions.find((x) => x.version === Number(m[2]));
    if (!v) throw new UnknownModelError(ref, `versions are 1…${versions[versions.length - 1].version}`);
    return v;
  }
  if (m[3]) {
    const v = versions.find((x) => x.aliases.includes(m[3]));
    if (!v) throw new UnknownModelError(ref, `'${m[1]}' has no alias '${m[3]}'`);
    return v;
  }
  return versions[versions.length - 1];
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e?.code === "EPERM";
  }
}
