// The records of experiment tracking, shared by every store backend.

export type RunStatus = "running" | "finished" | "failed" | "killed" | "crashed";
export const RUN_STATUSES: RunStatus[] = ["running", "finished", "failed", "killed", "crashed"];

export interface GitInfo {
  commit: string | null;
  branch: string | null;
  dirty: boolean;
  /** `git diff HEAD` at run start: what the commit alone would not reproduce. */
  diff: string | null;
}

export interface RunInit {
  id: string;
  name: string;
  project: string;
  parentId: string | null;
  tags: string[];
  notes: string | null;
  startedAt: number;
  pid: number;
  host: string;
  seed: number | null;
  source: string | null;
  notebook: string | null;
  notebookPath: string | null;
  git: GitInfo | null;
  env: Record<string, unknown>;
}

export interface RunInfo {
  id: string;
  name: string;
  project: string;
  parentId: string | null;
  status: RunStatus;
  tags: string[];
  notes: string | null;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  error: string | null;
  pid: number;
  host: string;
  seed: number | null;
  gitCommit: string | null;
  gitBranch: string | null;
  gitDirty: boolean;
  /** Hidden from lists unless asked for (`archived: true`); restorable. */
  archived: boolean;
}

export interface RunDetail extends RunInfo {
  source: string | null;
  notebook: string | null;
  notebookPath: string | null;
  gitDiff: string | null;
  env: Record<string, unknown>;
  params: Record<string, unknown>;
  metrics: Record<string, MetricSummary>;
  data: DataRecord[];
  artifacts: ArtifactRecord[];
}

/** One logged value. NaN and ±Infinity are kept as such. */
export interface MetricPoint {
  key: string;
  step: number;
  value: number;
  /** Wall time in ms since the epoch. */
  ts: number;
}

export type Goal = "min" | "max";

export interface MetricSummary {
  key: string;
  last: number;
  lastStep: number;
  min: number;
  max: number;
  count: number;
  /** Which direction is better: set by the run, else guessed from the name (loss → min, f1 → max). */
  goal: Goal | null;
  /** True when the run set the goal (`--goal`, `run.goal()`), false when it was guessed from the name. */
  goalSet?: boolean;
  /** min or max by the goal; last when there is none. */
  best: number;
}

export interface RunSummary extends RunInfo {
  params: Record<string, unknown>;
  metrics: Record<string, MetricSummary>;
}

export interface DataRecord {
  path: string;
  hash: string;
  bytes: number;
}

export interface ArtifactRecord {
  name: string;
  hash: string;
  bytes: number;
  kind: string;
  createdAt: number;
}

/** What a media item holds: a plotly figure, a table, a PNG/SVG image, or text. */
export type MediaKind = "figure" | "table" | "image" | "text";
export const MEDIA_KINDS: MediaKind[] = ["figure", "table", "image", "text"];

/**
 * One logged media item: a key (the panel it belongs to) at a step. Its content is a
 * content-addressed blob read with `readArtifact(hash)`:
 * - figure: plotly JSON `{ data, layout }` (application/vnd.plotly.v1+json)
 * - table: JSON `{ columns: string[], data: unknown[][] }` (MLflow's log_table layout; application/json)
 * - image: the PNG or SVG bytes (image/png, image/svg+xml)
 * - text: UTF-8 (text/plain)
 * Logging a key again at the same step replaces that step's item.
 */
export interface MediaRecord {
  key: string;
  kind: MediaKind;
  step: number;
  /** Wall time in ms since the epoch. */
  ts: number;
  hash: string;
  bytes: number;
  mime: string;
  /** Small facts for lists without reading the content: rows/columns of a table, width/height of a PNG, a figure's title. */
  meta: Record<string, unknown>;
}

/** A media item to write: its record and content. */
export interface MediaInput extends Omit<MediaRecord, "hash" | "bytes"> {
  content: Buffer;
}

/** A piece of a run's console output (a tracked cell's or a script's stdout/stderr). */
export interface OutputChunk {
  stream: "stdout" | "stderr";
  /** Wall time in ms since the epoch. */
  ts: number;
  text: string;
}

/** New console output of a watched run: what a store tail reports in "output" events. */
export interface OutputEvent {
  runId: string;
  chunks: OutputChunk[];
}

/** New media of watched runs: what a store tail reports in "media" events. */
export interface MediaEvent {
  runId: string;
  media: MediaRecord;
}

export interface ModelVersion {
  name: string;
  version: number;
  runId: string;
  artifact: string;
  hash: string;
  createdAt: number;
  aliases: string[];
  description: string | null;
}

/** Points of one metric, column-wise (what a batch carries and a chunk stores). */
export interface Series {
  key: string;
  steps: number[];
  values: number[];
  ts: number[];
}

/** New points of a run, column-wise: what a store tail reports and the sidebar receives. */
export interface PointsEvent {
  runId: string;
  key: string;
  steps: number[];
  values: number[];
  ts: number[];
}

export interface Batch {
  runId: string;
  series: Series[];
  params: Array<[string, unknown]>;
  /** Console output since the last batch (already capped by the run), written with the points. */
  output?: OutputChunk[];
}

export interface RunFilter {
  project?: string;
  status?: RunStatus[];
  tags?: string[];
  parentId?: string | null;
  /** Substring of the name or id. */
  text?: string;
  /** Only these runs. */
  ids?: string[];
  /** Archived runs are left out unless this is true (only archived) or "all". */
  archived?: boolean | "all";
  /** Pre-checks from a filter expression (see query.ts); a store may over-include, never drop. */
  narrowing?: Array<{ kind: "metric" | "param"; key: string; op: "<" | "<=" | ">" | ">=" | "="; value: number }>;
}

/** What to load with each listed run: all params/metrics (default), only some keys, or a page of the newest. */
export interface ListShape {
  params?: "all" | string[];
  metrics?: "all" | string[];
  /** Newest first, at most this many (the store pages, so a big store answers quickly). */
  limit?: number;
}

/**
 * One interface, several backends (SQLite, PostgreSQL, MLflow: src/store/, chosen by URI scheme),
 * as MLflow's AbstractStore. Methods are async so that networked backends fit; SQLite answers at once.
 */
export interface Store {
  readonly uri: string;
  createRun(init: RunInit): Promise<void>;
  endRun(id: string, status: RunStatus, endedAt: number, error: string | null): Promise<void>;
  setGoals(id: string, goals: Record<string, Goal>): Promise<void>;
  setTags(id: string, tags: string[]): Promise<void>;
  /** Replaces the run's notes (null clears them); allowed after the run has ended. */
  setNotes(id: string, notes: string | null): Promise<void>;
  /** Hides the run from lists (true) or restores it (false). */
  setArchived(id: string, archived: boolean): Promise<void>;
  /**
   * Deletes the run and everything recorded under it (params, metrics, media, output, artifact
   * records); the artifact files stay until `gcArtifacts()` finds them unreferenced. A run with
   * registered model versions or nested runs is refused.
   */
  deleteRun(id: string): Promise<void>;
  appendSource(id: string, code: string): Promise<void>;
  /** Durable when the promise resolves. */
  writeBatch(batch: Batch): Promise<void>;
  recordData(runId: string, data: DataRecord): Promise<void>;
  getRun(idOrName: string): Promise<RunDetail>;
  listRuns(filter?: RunFilter, shape?: ListShape): Promise<RunSummary[]>;
  countRuns(filter?: RunFilter): Promise<number>;
  metricHistory(runId: string, key?: string): Promise<MetricPoint[]>;
  /** Runs marked running by a process that no longer exists become crashed; returns their ids. */
  markCrashed(pids?: number[]): Promise<string[]>;
  putArtifact(runId: string, name: string, content: Buffer, kind: string): Promise<ArtifactRecord>;
  readArtifact(hash: string): Promise<Buffer>;
  /** Stores a media item's content (content-addressed, like artifacts) and its record. */
  putMedia(runId: string, item: MediaInput): Promise<MediaRecord>;
  /** A run's media records, by key then step; only `key`'s when given. Content: `readArtifact(hash)`. */
  listMedia(runId: string, key?: string): Promise<MediaRecord[]>;
  /** A run's console output in the order written; only chunks containing `search` (case-insensitive) when given. */
  readOutput(runId: string, search?: string): Promise<OutputChunk[]>;
  registerModel(name: string, runId: string, artifact: string, description?: string | null): Promise<ModelVersion>;
  setAlias(name: string, alias: string, version: number): Promise<void>;
  removeAlias(name: string, alias: string): Promise<void>;
  modelVersions(name?: string): Promise<ModelVersion[]>;
  resolveModel(ref: string): Promise<ModelVersion>;
  /** Deletes artifact files that no run or model version references; returns what was removed. */
  gcArtifacts(): Promise<{ removed: string[]; bytes: number }>;
  close(): Promise<void>;
}
