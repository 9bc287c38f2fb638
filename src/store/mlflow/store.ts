// A live store on an MLflow tracking server (`mlflow+http://host:port`), over its REST API 2.0.
// Mapping: project → experiment; run → MLflow run (run name, start/end time, status, params,
// metrics by log-batch); what MLflow has no field for goes in `modelbench.*` tags: our run id,
// parent id, pid, host, seed, notebook, goals, tags list, data files (`modelbench.data.<path>`),
// crashed. Big things are artifacts under `modelbench/`: source.txt (the code, appended) and
// run.json (environment and git diff). Artifacts go through the server's artifact proxy; each
// one also gets a tag `modelbench.artifact.<name>` = `<sha256> <bytes> <kind> <createdAt>`. Media
// and console output are artifacts laid out as MLflow's own client writes them (layout.ts); notes are
// MLflow's note tag, archive a `modelbench.archived` tag, delete MLflow's own (soft) delete.
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as os from "os";
import * as path from "path";
import { StoreError, TrackingError, UnknownRunError } from "../../track/errors";
import { checkDeletable } from "../delete";
import { MlflowRest, mlflowBaseUrl } from "./rest";
import {
  appendToSegment, emptyIndex, emptySegment, LOGGED_ARTIFACTS_TAG, LOGGED_IMAGES_TAG, MEDIA_INDEX, MEDIA_TAG, mediaFiles, OUTPUT_TAG, outputMark,
  parseIndex, parseOutputMark, readSegment, recordOf, segmentChunks, segmentChunksPath, segmentLogPath, withEntry, withLoggedTable,
  type MediaIndex, type OutputSegment,
} from "./layout";
import { pickVersion, processAlive, summarize, toSummary, checkAlias, checkModelName } from "../../track/records";
import type {
  ArtifactRecord, Batch, DataRecord, Goal, ListShape, MetricPoint, MetricSummary, ModelVersion, RunDetail, RunFilter, RunInit,
  RunStatus, RunSummary, Store, MediaInput, MediaRecord, OutputChunk,
} from "../../track/types";

/** MLflow's log-batch limits per call. */
export const MAX_METRICS = 1000, MAX_PARAMS = 100, MAX_TAGS = 100;
const MAX_TAG_VALUE = 8000, MAX_PARAM_VALUE = 6000;
/** What MLflow's UI shows and edits as a run's description. */
const NOTE_TAG = "mlflow.note.content";
const ARCHIVED_TAG = "modelbench.archived";

const TO_MLFLOW: Record<RunStatus, string> = { running: "RUNNING", finished: "FINISHED", failed: "FAILED", killed: "KILLED", crashed: "FAILED" };
const FROM_MLFLOW: Record<string, RunStatus> = { RUNNING: "running", SCHEDULED: "running", FINISHED: "finished", FAILED: "failed", KILLED: "killed" };

const double = (v: number): number | string => (Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v);
const num = (v: unknown): number => (typeof v === "number" ? v : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : Number(v));

function paramText(v: unknown): string {
  return (typeof v === "string" ? v : JSON.stringify(v) ?? "null").slice(0, MAX_PARAM_VALUE);
}
function paramValue(s: string): unknown {
  if (/^(-?\d|\[|\{|true$|false$|null$|")/.test(s)) {
    try {
      return JSON.parse(s);
    } catch { /* a plain string */ }
  }
  return s;
}

type Tag = { key: string; value: string };
const tag = (key: string, value: string | number | null | undefined): Tag[] =>
  value === null || value === undefined ? [] : [{ key: key.slice(0, 250), value: String(value).slice(0, MAX_TAG_VALUE) }];

export interface MlRun {
  info: {
    run_id: string; run_name?: string; experiment_id: string; status: string; start_time?: number; end_time?: number; artifact_uri: string;
    lifecycle_stage?: string;
  };
  data: { metrics?: Array<{ key: string; value: unknown; step?: number; timestamp?: number }>; params?: Tag[]; tags?: Tag[] };
}

export function isMlflowUri(uri: string): boolean {
  return /^mlflow\+https?:\/\//.test(uri);
}

export class MlflowStore implements Store {
  readonly api: MlflowRest;
  /** Our run id → MLflow run id (ours are given before MLflow makes its own). */
  private ids = new Map<string, Promise<string>>();
  /** The same, once known (for finishSync, which has no event loop). */
  private known = new Map<string, string>();
  private sources = new Map<string, string>();
  private blobs = new Map<string, { runId: string; name: string }>();
  private experimentNames = new Map<string, string>();
  /** MLflow run id → its artifact root. */
  private artifactUris = new Map<string, string>();
  /** The media index and last output segment of runs this process writes (only a run's own process does). */
  private mediaIndexes = new Map<string, MediaIndex>();
  private outputs = new Map<string, OutputSegment>();
  private queues = new Map<string, Promise<unknown>>();

  constructor(readonly uri: string) {
    this.api = new MlflowRest(mlflowBaseUrl(uri));
  }

  // ---- runs -------------------------------------------------------------------------------------

  async createRun(init: RunInit): Promise<void> {
    const made = (async () => {
      const exp = await this.api.experimentId(init.project);
      this.experimentNames.set(exp, init.project);
      const parent = init.parentId ? await this.mlflowId(init.parentId) : null;
      const tags: Tag[] = [
        ...tag("mlflow.runName", init.name),
        ...tag("mlflow.parentRunId", parent),
        ...tag("mlflow.source.git.commit", init.git?.commit),
        ...tag("mlflow.source.git.branch", init.git?.branch),
        ...tag("mlflow.source.name", init.notebookPath ?? process.argv[1] ?? null),
        ...tag("mlflow.user", os.userInfo().username),
        ...tag("mlflow.note.content", init.notes),
        ...tag("modelbench.run_id", init.id),
        ...tag("modelbench.parent_id", init.parentId),
        ...tag("modelbench.pid", init.pid),
        ...tag("modelbench.host", init.host),
        ...tag("modelbench.seed", init.seed),
        ...tag("modelbench.notebook", init.notebook),
        ...tag("modelbench.git_dirty", init.git ? String(init.git.dirty) : null),
        ...tag("modelbench.tags", JSON.stringify(init.tags)),
        ...init.tags.flatMap((t) => tag(t, "true")),
      ];
      const created = await this.api.call("POST", "runs/create", { experiment_id: exp, run_name: init.name, start_time: Math.round(init.startedAt), tags });
      const runId: string = created.run.info.run_id;
      this.sources.set(init.id, init.source ?? "");
      const uri = created.run.info.artifact_uri;
      this.artifactUris.set(runId, uri);
      await this.api.putArtifact(uri, "modelbench/run.json", Buffer.from(JSON.stringify({ env: init.env, gitDiff: init.git?.diff ?? null })));
      if (init.source) await this.api.putArtifact(uri, "modelbench/source.txt", Buffer.from(init.source));
      return runId;
    })();
    this.ids.set(init.id, made);
    made.then((id) => this.known.set(init.id, id), () => this.ids.delete(init.id));
    await made;
  }

  /** The MLflow run id of one of our ids (or of an MLflow id, or a unique run name). */
  async mlflowId(ref: string): Promise<string> {
    const known = this.ids.get(ref);
    if (known) return known;
    if (/^[0-9a-f]{32}$/.test(ref)) {
      try {
        await this.api.call("GET", "runs/get", { run_id: ref });
        return ref;
      } catch (e) {
        if ((e as any).mlflowCode !== "RESOURCE_DOES_NOT_EXIST") throw e;
      }
    }
    const q = ref.replace(/'/g, "\\'");
    for (const filter of [`tags.\`modelbench.run_id\` = '${q}'`, `attributes.run_name = '${q}'`]) {
      const runs = await this.search(filter, 2);
      if (runs.length === 1) {
        const id = runs[0].info.run_id;
        this.ids.set(ref, Promise.resolve(id));
        return id;
      }
    }
    throw new UnknownRunError(ref);
  }

  /** The run, unless MLflow deleted it (its runs/get still answers then). */
  private async run(ref: string): Promise<MlRun> {
    const r: MlRun = (await this.api.call("GET", "runs/get", { run_id: await this.mlflowId(ref) })).run;
    if (r.info.lifecycle_stage === "deleted") throw new UnknownRunError(ref);
    this.artifactUris.set(r.info.run_id, r.info.artifact_uri);
    return r;
  }

  private async artifactUri(runId: string): Promise<string> {
    return this.artifactUris.get(runId) ?? (await this.run(runId)).info.artifact_uri;
  }

  /** One write at a time per key (a run's media index, its output), in call order; a failure does not block the next. */
  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(key) ?? Promise.resolve()).catch(() => {}).then(fn);
    this.queues.set(key, next);
    const done = () => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    };
    next.then(done, done);
    return next;
  }

  private async experimentIds(): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.api.call("POST", "experiments/search", { max_results: 1000, ...(token ? { page_token: token } : {}) });
      for (const e of r.experiments ?? []) {
        ids.push(e.experiment_id);
        this.experimentNames.set(e.experiment_id, e.name);
      }
      token = r.next_page_token;
    } while (token);
    return ids;
  }

  /** runs/search over every experiment (or one project's), newest first. */
  async search(filter: string, limit = Infinity, project?: string): Promise<MlRun[]> {
    let exps: string[];
    if (project) {
      try {
        const e = (await this.api.call("GET", "experiments/get-by-name", { experiment_name: project })).experiment;
        this.experimentNames.set(e.experiment_id, e.name);
        exps = [e.experiment_id];
      } catch (err) {
        if ((err as any).mlflowCode === "RESOURCE_DOES_NOT_EXIST") return [];
        throw err;
      }
    } else exps = await this.experimentIds();
    if (!exps.length) return [];
    const out: MlRun[] = [];
    let token: string | undefined;
    do {
      const r = await this.api.call("POST", "runs/search", {
        experiment_ids: exps, filter, max_results: Math.min(1000, limit - out.length), order_by: ["attributes.start_time DESC"], ...(token ? { page_token: token } : {}),
      });
      out.push(...(r.runs ?? []));
      token = r.next_page_token;
    } while (token && out.length < limit);
    return out;
  }

  /**
   * At process exit no event loop is left to talk to the server: a short-lived child process writes
   * the last batch and the run's end, and this process waits for it.
   */
  finishSync(batch: Batch | null, id: string, status: RunStatus, endedAt: number, error: string | null): void {
    const runId = this.known.get(id) ?? id;
    const enc = (b: Batch) => ({ runId, params: b.params, output: b.output, series: b.series.map((s) => ({ key: s.key, steps: s.steps, values: s.values.map(double), ts: s.ts })) });
    const input = JSON.stringify({ uri: this.uri, batch: batch ? enc(batch) : null, end: { id: runId, status, endedAt, error } });
    const r = spawnSync(process.execPath, [path.join(__dirname, "exit.js")], { input, stdio: ["pipe", "ignore", "pipe"], timeout: 30_000 });
    if (r.status !== 0) process.stderr.write(`modelbench: could not end run ${id.slice(0, 8)} in ${this.uri} at exit: ${r.stderr?.toString().trim() || r.error}\n`);
  }

  async endRun(id: string, status: RunStatus, endedAt: number, error: string | null): Promise<void> {
    const runId = await this.mlflowId(id);
    const tags = [...tag("modelbench.error", error), ...tag("modelbench.crashed", status === "crashed" ? "true" : null)];
    if (tags.length) await this.api.call("POST", "runs/log-batch", { run_id: runId, tags });
    await this.api.call("POST", "runs/update", { run_id: runId, status: TO_MLFLOW[status], end_time: Math.round(endedAt) });
  }

  async setGoals(id: string, goals: Record<string, Goal>): Promise<void> {
    const tags = Object.entries(goals).flatMap(([k, g]) => tag(`modelbench.goal.${k}`, g));
    await this.logTags(await this.mlflowId(id), tags);
  }

  async setTags(id: string, tags: string[]): Promise<void> {
    const r = await this.run(id);
    const old: string[] = JSON.parse(tagsOf(r)["modelbench.tags"] ?? "[]");
    for (const t of old) if (!tags.includes(t)) await this.deleteTag(r.info.run_id, t);
    await this.logTags(r.info.run_id, [...tag("modelbench.tags", JSON.stringify(tags)), ...tags.flatMap((t) => tag(t, "true"))]);
  }

  /** The code is an artifact (modelbench/source.txt), rewritten whole on each append. */
  async appendSource(id: string, code: string): Promise<void> {
    const r = await this.run(id);
    let prev = this.sources.get(id);
    if (prev === undefined) prev = (await this.artifactText(r, "modelbench/source.txt")) ?? "";
    const next = prev ? `${prev}\n\n${code}` : code;
    await this.api.putArtifact(r.info.artifact_uri, "modelbench/source.txt", Buffer.from(next));
    this.sources.set(id, next);
  }

  /**
   * Params (≤100 a call) and points (≤1000 a call) through runs/log-batch, then the output. A failed
   * call throws, so the run keeps the batch queued and retries it; calls already made may then be sent
   * twice (MLflow keeps identical points as duplicates, params with the same value are accepted; output
   * is rewritten from what was last written whole, so it is never doubled).
   */
  async writeBatch(batch: Batch): Promise<void> {
    const runId = await this.mlflowId(batch.runId);
    const params = batch.params.map(([key, v]) => ({ key, value: paramText(v) }));
    for (let i = 0; i < params.length; i += MAX_PARAMS) await this.api.call("POST", "runs/log-batch", { run_id: runId, params: params.slice(i, i + MAX_PARAMS) });
    let metrics: unknown[] = [];
    for (const s of batch.series) {
      for (let i = 0; i < s.values.length; i++) {
        metrics.push({ key: s.key, value: double(s.values[i]), timestamp: Math.round(s.ts[i]), step: Math.round(s.steps[i]) });
        if (metrics.length === MAX_METRICS) {
          await this.api.call("POST", "runs/log-batch", { run_id: runId, metrics });
          metrics = [];
        }
      }
    }
    if (metrics.length) await this.api.call("POST", "runs/log-batch", { run_id: runId, metrics });
    if (batch.output?.length) await this.appendOutput(runId, batch.output);
  }

  /**
   * Appends to the run's last output segment (layout.ts), rewriting it whole; what this process last
   * wrote is kept, so a retried batch rewrites from there rather than appending twice.
   */
  private appendOutput(runId: string, chunks: OutputChunk[]): Promise<void> {
    return this.serial(`output ${runId}`, async () => {
      const uri = await this.artifactUri(runId);
      let last = this.outputs.get(runId);
      if (!last) {
        const mark = parseOutputMark(tagsOf(await this.run(runId))[OUTPUT_TAG]);
        last = mark ? await this.segment(uri, mark.n) : emptySegment(1);
      }
      const next = appendToSegment(last, chunks);
      await this.api.putArtifact(uri, segmentLogPath(next.n), next.log);
      await this.api.putArtifact(uri, segmentChunksPath(next.n), Buffer.from(JSON.stringify(next.chunks)));
      await this.logTags(runId, tag(OUTPUT_TAG, outputMark(next)));
      this.outputs.set(runId, next);
    });
  }

  private async segment(artifactUri: string, n: number): Promise<OutputSegment> {
    const [log, chunks] = await Promise.all([this.api.getArtifact(artifactUri, segmentLogPath(n)), this.api.getArtifact(artifactUri, segmentChunksPath(n))]);
    return readSegment(n, log, chunks.toString("utf8"));
  }

  /**
   * Output chunks of a run past `from` (a mark of its output tag; null: from the start) up to `to`:
   * what a tail reports. Chunks written after `to` wait for the next mark.
   */
  async outputBetween(artifactUri: string, from: { n: number; count: number } | null, to: { n: number; count: number }): Promise<OutputChunk[]> {
    const first = from?.n ?? 1;
    const segments = await Promise.all(Array.from({ length: to.n - first + 1 }, (_, i) => this.segment(artifactUri, first + i)));
    return segments.flatMap((s) => segmentChunks(s, s.n === from?.n ? from.count : 0, s.n === to.n ? to.count : Infinity));
  }

  async readOutput(ref: string, search?: string): Promise<OutputChunk[]> {
    const r = await this.run(ref);
    const mark = parseOutputMark(tagsOf(r)[OUTPUT_TAG]);
    if (!mark) return [];
    const chunks = await this.outputBetween(r.info.artifact_uri, null, { n: mark.n, count: Infinity });
    if (!search) return chunks;
    const needle = search.toLowerCase();
    return chunks.filter((c) => c.text.toLowerCase().includes(needle));
  }

  // ---- media --------------------------------------------------------------------------------------

  /**
   * The item's files first (layout.ts), then our index and the tags MLflow's UI reads: an upload the
   * server refuses leaves the run's media as they were, and the error reaches the logFigure/… caller.
   */
  async putMedia(runRef: string, item: MediaInput): Promise<MediaRecord> {
    const runId = await this.mlflowId(runRef);
    const { content, ...rest } = item;
    const rec: MediaRecord = { ...rest, hash: createHash("sha256").update(content).digest("hex"), bytes: content.length };
    return this.serial(`media ${runId}`, async () => {
      const uri = await this.artifactUri(runId);
      const { files, logged } = mediaFiles(rec, content);
      const before = this.mediaIndexes.get(runId) ?? (await this.mediaIndex(uri));
      const written: string[] = [];
      try {
        for (const f of files) {
          await this.api.putArtifact(uri, f.path, f.content);
          written.push(f.path);
        }
      } catch (e) {
        // A thumbnail without its image (or the reverse) would show in MLflow's image grid as a broken item.
        const kept = new Set(before.items.flatMap((m) => m.files));
        for (const p of written) if (!kept.has(p)) await this.api.deleteArtifact(uri, p).catch(() => {});
        throw e;
      }
      const { index, replaced } = withEntry(before, { ...rec, path: files[0].path, files: files.map((f) => f.path) });
      await this.api.putArtifact(uri, MEDIA_INDEX, Buffer.from(JSON.stringify(index)));
      this.mediaIndexes.set(runId, index);
      this.blobs.set(rec.hash, { runId, name: files[0].path });
      const tags = tag(MEDIA_TAG, index.version);
      if (logged === "table") {
        const listed = withLoggedTable(tagsOf(await this.run(runId))[LOGGED_ARTIFACTS_TAG], files[0].path);
        if (listed) tags.push({ key: LOGGED_ARTIFACTS_TAG, value: listed });
      }
      if (logged === "image") tags.push({ key: LOGGED_IMAGES_TAG, value: "True" });
      await this.logTags(runId, tags);
      // What the replaced item had that this one did not overwrite (an image's file names are unique).
      for (const old of replaced?.files ?? []) {
        if (!files.some((f) => f.path === old)) await this.api.deleteArtifact(uri, old).catch(() => {});
      }
      return rec;
    });
  }

  /** The run's media index; none yet is an empty one (any other failure throws: an index is never rebuilt from nothing). */
  private async mediaIndex(artifactUri: string): Promise<MediaIndex> {
    try {
      return parseIndex((await this.api.getArtifact(artifactUri, MEDIA_INDEX)).toString("utf8"));
    } catch (e) {
      if ((e as any).status === 404) return emptyIndex();
      throw e;
    }
  }

  async listMedia(ref: string, key?: string): Promise<MediaRecord[]> {
    const r = await this.run(ref);
    return this.mediaSince(r, 0, key);
  }

  /** A run's media items written after index version `version` (0: all), by key then step; what a tail reports. */
  async mediaSince(r: MlRun, version: number, key?: string): Promise<MediaRecord[]> {
    const runId = r.info.run_id;
    const index = this.mediaIndexes.get(runId) ?? (await this.mediaIndex(r.info.artifact_uri));
    const items = index.items.filter((e) => e.v > version && (key === undefined || e.key === key));
    for (const e of items) this.blobs.set(e.hash, { runId, name: e.path });
    return items.map(recordOf);
  }

  // ---- notes, archive, delete -------------------------------------------------------------------

  async setNotes(ref: string, notes: string | null): Promise<void> {
    if (notes !== null && notes.length > MAX_TAG_VALUE) {
      throw new TrackingError(
        `notes of ${notes.length.toLocaleString("en")} characters do not fit MLflow's run description (a tag of at most ${MAX_TAG_VALUE.toLocaleString("en")}): shorten them, or keep the long text with logText()`,
      );
    }
    const runId = (await this.run(ref)).info.run_id;
    if (notes === null) await this.deleteTag(runId, NOTE_TAG);
    else await this.logTags(runId, [{ key: NOTE_TAG, value: notes }]);
  }

  async setArchived(ref: string, archived: boolean): Promise<void> {
    const runId = (await this.run(ref)).info.run_id;
    if (archived) await this.logTags(runId, tag(ARCHIVED_TAG, "true"));
    else await this.deleteTag(runId, ARCHIVED_TAG);
  }

  /** MLflow's own delete: the run moves to lifecycle_stage "deleted" (its UI can restore it; `mlflow gc` removes it for good). */
  async deleteRun(ref: string): Promise<void> {
    const r = await this.run(ref);
    const runId = r.info.run_id;
    const nested = await this.search(`tags.\`mlflow.parentRunId\` = '${runId}'`);
    const versions = await this.api.call("GET", "model-versions/search", { filter: `run_id = '${runId}'`, max_results: 10000 });
    const models = (versions.model_versions ?? []).map((v: any) => `${v.name}/${v.version}`).sort();
    checkDeletable(this.info(r).id, nested.length, models);
    await this.api.call("POST", "runs/delete", { run_id: runId });
    for (const [ours, theirs] of this.known) if (theirs === runId) this.known.delete(ours);
    for (const [ref2, id] of [...this.ids]) if ((await id.catch(() => null)) === runId) this.ids.delete(ref2);
    for (const [hash, at] of this.blobs) if (at.runId === runId) this.blobs.delete(hash);
    this.mediaIndexes.delete(runId);
    this.outputs.delete(runId);
  }

  /** Removes a tag; one that is not there is fine. */
  private async deleteTag(runId: string, key: string): Promise<void> {
    try {
      await this.api.call("POST", "runs/delete-tag", { run_id: runId, key });
    } catch (e) {
      if ((e as any).mlflowCode !== "RESOURCE_DOES_NOT_EXIST") throw e;
    }
  }

  private async logTags(runId: string, tags: Tag[]): Promise<void> {
    for (let i = 0; i < tags.length; i += MAX_TAGS) await this.api.call("POST", "runs/log-batch", { run_id: runId, tags: tags.slice(i, i + MAX_TAGS) });
  }

  /** As a tag `modelbench.data.<path>` = `sha256:<hash> <bytes> bytes`. */
  async recordData(runId: string, data: DataRecord): Promise<void> {
    await this.logTags(await this.mlflowId(runId), tag(`modelbench.data.${data.path}`, `sha256:${data.hash} ${data.bytes} bytes`));
  }

  // ---- reading ----------------------------------------------------------------------------------

  private async artifactText(r: MlRun, name: string): Promise<string | null> {
    try {
      return (await this.download(r.info.artifact_uri, name)).toString("utf8");
    } catch {
      return null;
    }
  }

  private download(artifactUri: string, name: string): Promise<Buffer> {
    return this.api.getArtifact(artifactUri, name);
  }

  private async history(runId: string, key: string): Promise<MetricPoint[]> {
    const out: MetricPoint[] = [];
    let token: string | undefined;
    do {
      const r = await this.api.call("GET", "metrics/get-history", { run_id: runId, metric_key: key, max_results: 25000, ...(token ? { page_token: token } : {}) });
      for (const m of r.metrics ?? []) out.push({ key, step: Number(m.step ?? 0), value: num(m.value), ts: Number(m.timestamp ?? 0) });
      token = r.next_page_token;
    } while (token);
    return out;
  }

  private async summaries(r: MlRun, keys: "all" | string[] = "all"): Promise<Record<string, MetricSummary>> {
    const t = tagsOf(r);
    const goals: Record<string, Goal> = {};
    for (const [k, v] of Object.entries(t)) if (k.startsWith("modelbench.goal.")) goals[k.slice(16)] = v as Goal;
    const out: Record<string, MetricSummary> = {};
    for (const m of r.data.metrics ?? []) {
      if (keys !== "all" && !keys.includes(m.key)) continue;
      const h = await this.history(r.info.run_id, m.key);
      if (!h.length) continue;
      const s = summarize({ key: m.key, steps: h.map((p) => p.step), values: h.map((p) => p.value), ts: h.map((p) => p.ts) });
      out[m.key] = toSummary({ key: m.key, last: s.last, last_step: s.lastStep, min: s.min, max: s.max, count: h.length }, goals);
    }
    return out;
  }

  private info(r: MlRun) {
    const t = tagsOf(r);
    const status: RunStatus = t["modelbench.crashed"] === "true" ? "crashed" : FROM_MLFLOW[r.info.status] ?? "running";
    const startedAt = Number(r.info.start_time ?? 0);
    const endedAt = r.info.end_time ? Number(r.info.end_time) : null;
    const tags: string[] = t["modelbench.tags"] ? JSON.parse(t["modelbench.tags"]) : Object.keys(t).filter((k) => !k.startsWith("mlflow.") && !k.startsWith("modelbench."));
    return {
      id: t["modelbench.run_id"] ?? r.info.run_id,
      name: r.info.run_name ?? t["mlflow.runName"] ?? r.info.run_id,
      project: this.experimentNames.get(r.info.experiment_id) ?? r.info.experiment_id,
      parentId: t["modelbench.parent_id"] ?? t["mlflow.parentRunId"] ?? null,
      status,
      tags,
      notes: t["mlflow.note.content"] ?? null,
      startedAt,
      endedAt,
      durationMs: endedAt === null ? null : endedAt - startedAt,
      error: t["modelbench.error"] ?? null,
      pid: Number(t["modelbench.pid"] ?? 0),
      host: t["modelbench.host"] ?? "",
      seed: t["modelbench.seed"] !== undefined ? Number(t["modelbench.seed"]) : null,
      gitCommit: t["mlflow.source.git.commit"] ?? null,
      gitBranch: t["mlflow.source.git.branch"] ?? null,
      gitDirty: t["modelbench.git_dirty"] === "true", archived: t["modelbench.archived"] === "true",
    };
  }

  private async ensureExperimentName(r: MlRun): Promise<void> {
    if (this.experimentNames.has(r.info.experiment_id)) return;
    const e = (await this.api.call("GET", "experiments/get", { experiment_id: r.info.experiment_id })).experiment;
    this.experimentNames.set(e.experiment_id, e.name);
  }

  async getRun(idOrName: string): Promise<RunDetail> {
    const r = await this.run(idOrName);
    await this.ensureExperimentName(r);
    const t = tagsOf(r);
    const extra = JSON.parse((await this.artifactText(r, "modelbench/run.json")) ?? "{}");
    const data: DataRecord[] = Object.entries(t).filter(([k]) => k.startsWith("modelbench.data.")).map(([k, v]) => {
      const m = /^sha256:(\S+) (\d+) bytes$/.exec(v);
      return { path: k.slice(16), hash: m?.[1] ?? "", bytes: Number(m?.[2] ?? 0) };
    });
    return {
      ...this.info(r),
      source: await this.artifactText(r, "modelbench/source.txt"),
      notebook: t["modelbench.notebook"] ?? null,
      notebookPath: t["mlflow.source.name"] ?? null,
      gitDiff: extra.gitDiff ?? null,
      env: extra.env ?? {},
      params: Object.fromEntries((r.data.params ?? []).map((p) => [p.key, paramValue(p.value)])),
      metrics: await this.summaries(r),
      data,
      artifacts: artifactsOf(t),
    };
  }

  async listRuns(filter: RunFilter = {}, shape: ListShape = {}): Promise<RunSummary[]> {
    const clauses: string[] = [];
    if (filter.archived === true) clauses.push(`tags.\`${ARCHIVED_TAG}\` = 'true'`);
    if (filter.status?.length === 1 && filter.status[0] !== "crashed") clauses.push(`attributes.status = '${TO_MLFLOW[filter.status[0]]}'`);
    const runs = await this.search(clauses.join(" and "), Infinity, filter.project);
    const out: RunSummary[] = [];
    for (const r of runs) {
      await this.ensureExperimentName(r);
      const info = this.info(r);
      if (filter.archived !== "all" && info.archived !== (filter.archived === true)) continue;
      if (filter.status && !filter.status.includes(info.status)) continue;
      if (filter.tags && !filter.tags.every((t) => info.tags.includes(t))) continue;
      if (filter.parentId !== undefined && info.parentId !== filter.parentId) continue;
      if (filter.ids && !filter.ids.includes(info.id) && !filter.ids.includes(r.info.run_id)) continue;
      if (filter.text && !info.name.includes(filter.text) && !info.id.includes(filter.text)) continue;
      const wanted = shape.params ?? "all";
      const params = Object.fromEntries((r.data.params ?? []).filter((p) => wanted === "all" || wanted.includes(p.key)).map((p) => [p.key, paramValue(p.value)]));
      out.push({ ...info, params, metrics: await this.summaries(r, shape.metrics ?? "all") });
      if (shape.limit && out.length >= shape.limit) break;
    }
    return out;
  }

  async countRuns(filter: RunFilter = {}): Promise<number> {
    return (await this.listRuns(filter, { params: [], metrics: [] })).length;
  }

  async metricHistory(runId: string, key?: string): Promise<MetricPoint[]> {
    const r = await this.run(runId);
    const keys = key ? [key] : (r.data.metrics ?? []).map((m) => m.key).sort();
    const out: MetricPoint[] = [];
    for (const k of keys) out.push(...(await this.history(r.info.run_id, k)).sort((a, b) => a.step - b.step || a.ts - b.ts));
    return out;
  }

  /** RUNNING runs whose host tag is this machine and whose pid is gone (or listed) become FAILED with `modelbench.crashed`. */
  async markCrashed(pids?: number[]): Promise<string[]> {
    const host = os.hostname().replace(/'/g, "\\'");
    const runs = await this.search(`attributes.status = 'RUNNING' and tags.\`modelbench.host\` = '${host}'`);
    const out: string[] = [];
    for (const r of runs) {
      const t = tagsOf(r);
      const pid = Number(t["modelbench.pid"]);
      const dead = pids ? pids.includes(pid) : pid !== process.pid && !processAlive(pid);
      if (!pid || !dead) continue;
      await this.logTags(r.info.run_id, [...tag("modelbench.crashed", "true"), ...tag("modelbench.error", `process ${pid} on ${os.hostname()} ended without closing the run`)]);
      await this.api.call("POST", "runs/update", { run_id: r.info.run_id, status: "FAILED", end_time: Date.now() });
      out.push(t["modelbench.run_id"] ?? r.info.run_id);
    }
    return out;
  }

  // ---- artifacts and registry -------------------------------------------------------------------

  async putArtifact(runId: string, name: string, content: Buffer, kind: string): Promise<ArtifactRecord> {
    const r = await this.run(runId);
    await this.api.putArtifact(r.info.artifact_uri, name, content);
    const hash = createHash("sha256").update(content).digest("hex");
    const rec: ArtifactRecord = { name, hash, bytes: content.length, kind, createdAt: Date.now() };
    await this.logTags(r.info.run_id, tag(`modelbench.artifact.${name}`, `${hash} ${rec.bytes} ${kind} ${rec.createdAt}`));
    this.blobs.set(hash, { runId: r.info.run_id, name });
    return rec;
  }

  /** Found by hash: an artifact by its tag, a media item through its run's index (a run read before is remembered). */
  async readArtifact(hash: string): Promise<Buffer> {
    let at = this.blobs.get(hash);
    if (!at) {
      const runs = await this.search("");
      for (const r of runs) {
        const a = artifactsOf(tagsOf(r)).find((x) => x.hash === hash);
        if (a) {
          at = { runId: r.info.run_id, name: a.name };
          break;
        }
      }
      for (const r of at ? [] : runs.filter((x) => tagsOf(x)[MEDIA_TAG])) {
        await this.mediaSince(r, 0);
        if ((at = this.blobs.get(hash))) break;
      }
    }
    if (!at) throw new StoreError(`no artifact with hash ${hash} on the MLflow server ${this.api.base}`);
    const r = await this.run(at.runId);
    return this.download(r.info.artifact_uri, at.name);
  }

  async registerModel(name: string, runId: string, artifact: string, description: string | null = null): Promise<ModelVersion> {
    checkModelName(name);
    const r = await this.run(runId);
    const a = artifactsOf(tagsOf(r)).find((x) => x.name === artifact);
    if (!a) throw new StoreError(`run ${runId} has no artifact '${artifact}': save it first with artifact('${artifact}', value)`);
    try {
      await this.api.call("POST", "registered-models/create", { name });
    } catch (e) {
      if ((e as any).mlflowCode !== "RESOURCE_ALREADY_EXISTS") throw e;
    }
    const tags = [...tag("modelbench.hash", a.hash), ...tag("modelbench.artifact", artifact)];
    const mv = await this.api.call("POST", "model-versions/create", {
      name, source: `${r.info.artifact_uri}/${artifact}`, run_id: r.info.run_id, tags, ...(description ? { description } : {}),
    });
    return this.version(mv.model_version, []);
  }

  private async version(v: any, aliases: string[]): Promise<ModelVersion> {
    const t = Object.fromEntries((v.tags ?? []).map((x: Tag) => [x.key, x.value]));
    let runId: string = v.run_id;
    try {
      runId = this.info(await this.run(v.run_id)).id;
    } catch { /* the run is gone: keep MLflow's id */ }
    return {
      name: v.name, version: Number(v.version), runId, artifact: t["modelbench.artifact"] ?? String(v.source ?? "").split("/").pop() ?? "",
      hash: t["modelbench.hash"] ?? "", createdAt: Number(v.creation_timestamp ?? 0), aliases, description: v.description || null,
    };
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    checkAlias(alias);
    await this.api.call("POST", "registered-models/alias", { name, alias, version: String(version) });
  }

  async removeAlias(name: string, alias: string): Promise<void> {
    const url = `${this.api.base}/api/2.0/mlflow/registered-models/alias`;
    const res = await fetch(url, { method: "DELETE", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, alias }) }).catch((e) => {
      throw new StoreError(`cannot reach the MLflow server at ${this.api.base} (${e?.cause?.code ?? e?.cause?.message ?? e.message}): start it (mlflow server) or fix the URI`);
    });
    if (!res.ok) throw new StoreError(`MLflow could not remove alias '${alias}' of '${name}' (${res.status}): ${(await res.text()).slice(0, 300)}`);
  }

  async modelVersions(name?: string): Promise<ModelVersion[]> {
    const models: any[] = [];
    let token: string | undefined;
    do {
      const r = await this.api.call("GET", "registered-models/search", { max_results: 1000, ...(name ? { filter: `name = '${name.replace(/'/g, "\\'")}'` } : {}), ...(token ? { page_token: token } : {}) });
      models.push(...(r.registered_models ?? []));
      token = r.next_page_token;
    } while (token);
    const out: ModelVersion[] = [];
    for (const m of models) {
      const aliases = new Map<string, string[]>();
      for (const a of m.aliases ?? []) aliases.set(String(a.version), [...(aliases.get(String(a.version)) ?? []), a.alias]);
      const vs = await this.api.call("GET", "model-versions/search", { filter: `name = '${m.name.replace(/'/g, "\\'")}'`, max_results: 10000 });
      for (const v of vs.model_versions ?? []) out.push(await this.version(v, aliases.get(String(v.version)) ?? []));
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
  }

  async resolveModel(ref: string): Promise<ModelVersion> {
    return pickVersion(ref, (name) => this.modelVersions(name));
  }

  /** MLflow owns its artifact store; nothing to collect from here. */
  async gcArtifacts(): Promise<{ removed: string[]; bytes: number; note?: string }> {
    return { removed: [], bytes: 0, note: `not supported on MLflow (${this.api.base}): the server manages its own artifacts (mlflow gc)` };
  }

  async close(): Promise<void> {}
}

function tagsOf(r: MlRun): Record<string, string> {
  return Object.fromEntries((r.data.tags ?? []).map((t) => [t.key, t.value]));
}

function artifactsOf(t: Record<string, string>): ArtifactRecord[] {
  return Object.entries(t).filter(([k]) => k.startsWith("modelbench.artifact.")).map(([k, v]) => {
    const [hash, bytes, kind, createdAt] = v.split(" ");
    return { name: k.slice(20), hash, bytes: Number(bytes), kind, createdAt: Number(createdAt) };
  }).sort((a, b) => a.createdAt - b.createdAt);
}
