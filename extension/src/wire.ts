// The comm protocol of the kernel's "modelbench" target (kernel/sidebar.ts), as the frontend sees it:
// message shapes, and numbers revived from the strings JSON cannot avoid ("NaN", "Infinity", "-Infinity").
import type { Goal, MediaKind, MediaRecord, MetricSummary, ModelVersion, OutputChunk, PointsEvent, RunDetail, RunStatus, RunSummary } from "../../src/track/types";
import type { CompareMetricRow, CompareParamRow, RunColumns } from "../../src/track/columns";
import type { TablePage, TableQuery } from "../../src/track/tablePage";
import type { StudyListing } from "../../src/tune/storage";
import type { StudyReport, StudyFigureKey, TrialOverview } from "../../src/tune/reportTypes";

export type { StudyListing, StudyReport, StudyFigureKey, TrialOverview };

export type { MediaKind, MediaRecord, MetricSummary, ModelVersion, OutputChunk, PointsEvent, RunDetail, RunStatus, RunSummary, TablePage, TableQuery };
export { RUN_STATUSES } from "../../src/track/types";

export const COMM_TARGET = "modelbench";

/** One metric's points, column-wise, sorted by step; `ts` their wall times (ms), when known. */
export interface Curve {
  steps: number[];
  values: number[];
  ts?: number[];
}


export type { CompareMetricRow, CompareParamRow } from "../../src/track/columns";

/**
 * What the runs table holds of a run: a RunSummary without its process and git fields (the run's
 * detail has them); `archived` only where the row came whole (the table's columns leave archived runs out).
 */
export type RunRow = Omit<RunSummary, "notes" | "pid" | "host" | "seed" | "gitCommit" | "gitBranch" | "gitDirty" | "archived"> & { archived?: boolean };

/** Runs column-wise, as the kernel answers a "table" request (built by kernel/sidebar.ts runColumns). */
export type { RunColumns };

/** A compared run: what grouping and x by time read of it (kernel/sidebarCompare.ts). */
export interface ComparedRun {
  id: string;
  name: string;
  status: RunStatus;
  startedAt: number;
  tags: string[];
  params: Record<string, unknown>;
}

export interface CompareResult {
  runs: ComparedRun[];
  /** Column labels: names, with a short id where two runs share one. */
  labels: string[];
  params: CompareParamRow[];
  metrics: CompareMetricRow[];
  /** One bar chart per metric across the runs. */
  bars: { data: unknown[]; layout: Record<string, unknown> };
  diffs: Array<{ against: string; run: string; diff: string }>;
  /** Per run (in `runs`' order): its curves of two points or more (thinned when long), system metrics left out. */
  curves: Array<Record<string, Curve>>;
  /** Per run: its media records without their content (fetched per item: "media"). */
  media: Array<Array<Omit<MediaRecord, "hash">>>;
}

export interface DetailResult {
  run: RunDetail;
  history: Record<string, { steps: number[]; values: number[]; ts: number[] }>;
  versions: ModelVersion[];
  /** The run's media records (by key, then step), when asked for; content comes per item ("media"). */
  media?: MediaRecord[];
  /** Curves the kernel thinned for drawing: each one's full number of points. */
  thinned?: Record<string, number>;
}

/** One media item's content, as the kernel answers a "media" request (kernel/sidebarMedia.ts MediaContent). */
export interface MediaContent {
  runId: string;
  key: string;
  step: number;
  kind: MediaKind;
  mime: string;
  bytes: number;
  meta: Record<string, unknown>;
  /** figure: the plotly spec. */
  json?: { data: unknown[]; layout?: Record<string, unknown> };
  text?: string;
  /** image: PNG or SVG bytes. */
  base64?: string;
  /** table: the page asked for. */
  table?: TablePage;
}

/** An artifact's content as the kernel sends it: base64, with the MIME type it guessed. */
export interface ArtifactResult {
  runId: string;
  name: string;
  kind: string;
  mime: string;
  bytes: number;
  base64: string;
}

export type Incoming =
  | { type: "runs"; id?: string; runs: RunSummary[]; total: number }
  /** The runs table's rows, column-wise: reviveColumns makes them runs. */
  | { type: "table"; id?: string; columns: RunColumns; total: number }
  | ({ type: "detail"; id?: string } & DetailResult)
  | ({ type: "compare"; id?: string } & CompareResult)
  | { type: "registry"; id?: string; versions: ModelVersion[] }
  | ({ type: "artifact"; id?: string } & ArtifactResult)
  | { type: "changed"; runs: RunSummary[] }
  | { type: "registryChanged" }
  | { type: "studies"; id?: string; studies: StudyListing[]; unsupported?: string }
  | { type: "study"; id?: string; report: StudyReport }
  /** The notebook switched its tracking store (`%store URI`): the panel now shows that one. */
  | { type: "store"; uri: string }
  | { type: "points"; points: PointsEvent[] }
  | ({ type: "mediaContent"; id?: string } & MediaContent)
  /** An answer (with id) or new output of a watched run (pushed). */
  | { type: "output"; id?: string; runId: string; chunks: OutputChunk[] }
  /** New media items of a watched run (pushed), small ones' content with them. */
  | { type: "media"; runId: string; media: MediaRecord[]; content?: MediaContent[] }
  /** The answer to an edit: the run as lists show it. */
  | { type: "setNotes" | "setTags" | "archive"; id?: string; run: RunSummary }
  | { type: "delete"; id?: string; runId: string; message: string }
  /** Runs deleted (from any panel): pushed. */
  | { type: "deleted"; runIds: string[] }
  | { type: "error"; id?: string; message: string };

/** A number from the wire: the kernel sends non-finite numbers as strings. */
export function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return v === null || v === undefined ? NaN : Number(v);
}

function reviveSummary(m: MetricSummary): MetricSummary {
  return { ...m, last: num(m.last), min: num(m.min), max: num(m.max), best: num(m.best) };
}

/** A run with its metric summaries' numbers revived (params stay as the user logged them). */
export function reviveRun<T extends RunSummary>(run: T): T {
  const metrics: Record<string, MetricSummary> = {};
  for (const [k, m] of Object.entries(run.metrics ?? {})) metrics[k] = reviveSummary(m);
  return { ...run, metrics };
}

/**
 * The runs of a "table" reply: one plain object per run, numbers revived, params as the user logged
 * them; durationMs and each metric's best follow from the rest as every store makes them
 * (src/track/records.ts toSummary: min or max by the goal, else last).
 */
export function reviveColumns(c: RunColumns): RunRow[] {
  const n = c.id.length;
  const runs: RunRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const startedAt = c.startedAt[i];
    const endedAt = c.endedAt[i];
    runs[i] = {
      id: c.id[i], name: c.name[i], project: c.project[i], parentId: c.parentId[i], status: c.status[i], tags: c.tags[i],
      startedAt, endedAt, durationMs: endedAt !== null ? endedAt - startedAt : null, error: c.error[i], params: {}, metrics: {},
    };
  }
  for (const [key, p] of Object.entries(c.params)) {
    for (let j = 0; j < p.values.length; j++) runs[p.at ? p.at[j] : j].params[key] = p.values[j];
  }
  for (const [key, m] of Object.entries(c.metrics)) {
    for (let j = 0; j < m.last.length; j++) {
      const goal = Array.isArray(m.goal) ? m.goal[j] : m.goal;
      const last = num(m.last[j]);
      const min = m.min[j] === null ? last : num(m.min[j]);
      const max = m.max[j] === null ? last : num(m.max[j]);
      runs[m.at ? m.at[j] : j].metrics[key] = {
        key, last, lastStep: m.lastStep[j], min, max, count: m.count[j], goal,
        goalSet: Array.isArray(m.goalSet) ? m.goalSet[j] : m.goalSet, best: goal === "min" ? min : goal === "max" ? max : last,
      };
    }
  }
  return runs;
}

/** Revives the numbers in a message from the kernel; other fields pass through ("table" columns are revived where taken: reviveColumns). */
export function reviveMessage(msg: Incoming): Incoming {
  switch (msg.type) {
    case "runs":
    case "changed":
      return { ...msg, runs: msg.runs.map(reviveRun) };
    case "setNotes":
    case "setTags":
    case "archive":
      return { ...msg, run: reviveRun(msg.run) };
    case "points":
      return { ...msg, points: msg.points.map((p) => ({ ...p, values: p.values.map(num) })) };
    case "detail": {
      const history: DetailResult["history"] = {};
      for (const [k, h] of Object.entries(msg.history)) history[k] = { ...h, values: h.values.map(num) };
      return { ...msg, run: reviveRun(msg.run), history };
    }
    case "compare": {
      const maybe = (v: unknown) => (v === null || v === undefined ? null : num(v));
      return {
        ...msg,
        metrics: msg.metrics.map((r) => ({
          ...r,
          values: r.values.map((v) => (v ? { last: num(v.last), min: num(v.min), max: num(v.max), best: num(v.best), count: v.count } : null)),
          shown: r.shown.map(maybe),
          deltas: r.deltas.map(maybe),
        })),
        curves: msg.curves.map((byKey) => Object.fromEntries(Object.entries(byKey).map(([k, c]) => [k, { ...c, values: c.values.map(num) }]))),
      };
    }
    case "studies":
      return { ...msg, studies: msg.studies.map((l) => ({ ...l, best: l.best === null ? null : num(l.best) })) };
    case "study": {
      // Figures keep their "NaN" strings: plotly draws a non-number as a gap.
      const maybe = (v: unknown) => (v === null || v === undefined ? null : num(v));
      const trials = msg.report.trials.map((t) => ({ ...t, value: maybe(t.value), values: t.values ? t.values.map(num) : null }));
      const importance = msg.report.importance && Object.fromEntries(Object.entries(msg.report.importance).map(([k, v]) => [k, num(v)]));
      return { ...msg, report: { ...msg.report, trials, importance } };
    }
    default:
      return msg;
  }
}

/** The bytes of a base64 string (atob gives one char per byte). */
export function decodeBase64(base64: string): Uint8Array {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** One registered model: its versions newest first, and which version each alias points at. */
export interface RegisteredModel {
  name: string;
  versions: ModelVersion[];
  aliases: Record<string, number>;
  latest: ModelVersion;
}

/** Groups a flat list of model versions by model name (names sorted, versions newest first). */
export function groupRegistry(versions: ModelVersion[]): RegisteredModel[] {
  const byName = new Map<string, ModelVersion[]>();
  for (const v of versions) {
    const list = byName.get(v.name) ?? [];
    list.push(v);
    byName.set(v.name, list);
  }
  return [...byName.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([name, list]) => {
      const sorted = [...list].sort((a, b) => b.version - a.version);
      const aliases: Record<string, number> = {};
      for (const v of sorted) for (const a of v.aliases) aliases[a] = v.version;
      return { name, versions: sorted, aliases, latest: sorted[0] };
    });
}
