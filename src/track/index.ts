// Experiment tracking: runs with params, metrics, code, git state, data hashes and artifacts in a
// store (SQLite by default); listing, comparing and a model registry. No Jupyter needed.
import { keysOf, parseFilter, sortField, sortRuns } from "./query";
import { Comparison, RunsTable } from "./views";
import { store } from "./tracker";
import type { RunFilter } from "./types";
import { TrackingError } from "./errors";
import { decodeMedia } from "./media";
import { MODEL_FORMAT, modelFromJSON } from "../models";

export * from "./types";
export * from "./errors";
export { Run } from "./run";
// Stores and tails by URI; a backend's modules load only when a URI of its scheme is opened.
export { openTail } from "../store/registry";
export type { Tail } from "../store/types";
export { parseFilter, sortRuns, fieldValue, QueryError } from "./query";
export { RunsTable, Comparison, Figure } from "./views";
export { hashFile, captureGit, captureEnvironment } from "./context";
export { rerun, rerunOf, rerunCells, compareRerun, formatRerunReport, RerunError, RERUN_TAG, type RerunReport, type RerunOptions, type CellExecutor, type RerunExecution } from "./rerun";
export { MAX_TABLE_CELLS, MAX_OUTPUT_BYTES, MAX_MEDIA_BYTES, decodeMedia, tableRows } from "./media";
export {
  store, openedStore, openStore, useStore, startRun, setImplicitRuns, activeRun, activeRuns, log, param, artifact, endRun, recordData, setCodeProvider,
  logFigure, logTable, logImage, logText,
  type StartOptions, type CodeContext,
} from "./tracker";

export interface ListOptions extends RunFilter {
  /** A filter expression such as `metrics.f1 > 0.6 and params.C < 10`. */
  where?: string;
  /** A field to sort by; `-field` or `field desc` for descending. Newest first by default. */
  sort?: string;
  limit?: number;
}

/** Runs matching the options, as a table that displays itself (its `.runs` holds the records). */
export async function listRuns(options: ListOptions = {}): Promise<RunsTable> {
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw new TrackingError(`limit must be a whole number ≥ 1, got ${options.limit}`);
  }
  const predicate = parseFilter(options.where ?? "");
  const s = store();
  const { where: _w, sort, limit, ...filter } = options;
  if (!predicate.fields.length && !sort) {
    // Newest first: the store pages, and only the page is loaded in full.
    const [runs, total] = await Promise.all([s.listRuns(filter, { limit }), s.countRuns(filter)]);
    return new RunsTable(runs, total);
  }
  // Filter and sort on only the keys they read, then load the page in full.
  const keys = keysOf([...predicate.fields, ...(sort ? [sortField(sort).field] : [])]);
  let runs = (await s.listRuns({ ...filter, narrowing: predicate.narrowing }, keys)).filter(predicate);
  if (sort) runs = sortRuns(runs, sort);
  const total = runs.length;
  const page = limit !== undefined ? runs.slice(0, limit) : runs;
  const full = new Map((await s.listRuns({ ids: page.map((r) => r.id), archived: "all" })).map((r) => [r.id, r]));
  return new RunsTable(page.map((r) => full.get(r.id)!), total);
}

/** Two or more runs side by side: params, metric summaries, learning curves and code diffs. */
export async function compareRuns(refs: string[]): Promise<Comparison> {
  if (refs.length < 2) throw new TrackingError("compare needs at least two runs, e.g. %compare 1a2b3c4d 5e6f7a8b (ids, id prefixes or names)");
  const s = store();
  const runs = await Promise.all(refs.map((r) => s.getRun(r)));
  const curves = await Promise.all(runs.map(async (run) => ({ run, points: await s.metricHistory(run.id) })));
  return new Comparison(runs, curves);
}

/** An artifact's bytes as the value it was saved from: JSON parsed, text a string, anything else bytes. */
function decodeArtifact(bytes: Buffer, kind: string): unknown {
  return kind.startsWith("json") ? JSON.parse(bytes.toString("utf8")) : kind === "text" ? bytes.toString("utf8") : bytes;
}

/**
 * Loads a registered model's artifact: `name`, `name/3` or `name@champion`. A saved modelbench model
 * comes back ready to predict; other JSON is parsed, text is a string, anything else bytes.
 */
export async function loadModel(ref: string): Promise<{ value: unknown; version: import("./types").ModelVersion }> {
  const s = store();
  const version = await s.resolveModel(ref);
  const bytes = await s.readArtifact(version.hash);
  const detail = await s.getRun(version.runId);
  const kind = detail.artifacts.find((a) => a.name === version.artifact)?.kind ?? "bytes";
  let value = decodeArtifact(bytes, kind);
  if ((value as { format?: unknown } | null)?.format === MODEL_FORMAT) value = modelFromJSON(value);
  return { value, version };
}

/**
 * A run's media: every item's record, or one name's items by step with their content decoded
 * (a figure's spec, a table's { columns, data }, an image's bytes, text).
 */
export async function loadMedia(runRef: string, name: string, options: { step?: number } = {}): Promise<Array<import("./types").MediaRecord & { value: unknown }>> {
  const s = store();
  const run = await s.getRun(runRef);
  const items = await s.listMedia(run.id, name);
  if (!items.length) {
    const keys = [...new Set((await s.listMedia(run.id)).map((m) => m.key))];
    throw new TrackingError(`run '${run.name}' has no media '${name}'${keys.length ? `: it has ${keys.join(", ")}` : " (it has none: log some with logFigure, logTable, logImage or logText)"}`);
  }
  const chosen = options.step === undefined ? items : items.filter((m) => m.step === options.step);
  return Promise.all(chosen.map(async (m) => ({ ...m, value: decodeMedia(m.kind, await s.readArtifact(m.hash)) })));
}

/** A run's kept console output, optionally only the chunks that contain `search`. */
export async function runOutput(runRef: string, search?: string): Promise<string> {
  const s = store();
  const run = await s.getRun(runRef);
  return (await s.readOutput(run.id, search)).map((c) => c.text).join("");
}

/**
 * Loads one artifact of a run (an id, id prefix or name): `await loadArtifact("baseline", "report.json")`.
 * JSON comes back parsed, text as a string, anything else as bytes (a Buffer).
 */
export async function loadArtifact(runRef: string, name: string): Promise<unknown> {
  const s = store();
  const run = await s.getRun(runRef);
  const record = run.artifacts.find((a) => a.name === name);
  if (!record) {
    const names = run.artifacts.map((a) => a.name);
    throw new TrackingError(`run '${run.name}' has no artifact '${name}'${names.length ? `: it has ${names.join(", ")}` : " (it has none: save one with artifact(name, value))"}`);
  }
  return decodeArtifact(await s.readArtifact(record.hash), record.kind);
}
