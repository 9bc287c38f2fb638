// The "modelbench" comm target: what the JupyterLab sidebar asks for (runs, a run's detail and
// curves, its media and console output, comparisons, the registry), the edits it makes to runs, and
// what it is told as the store changes. It lives in the protocol process, so a cell that trains does
// not hold it up.
//
// Frontend → kernel (comm_msg data):   { op: "list", id?, where?, sort?, limit?, tags?, status?, archived? (true: only archived, "all") }
//   { op: "detail", id?, runId, media? }  (media: true adds the run's media records)   { op: "watch", runIds }
//   { op: "media", id?, runId, key, step?, table?: { offset, limit, sort, desc, filter } }  (one item's content; the latest step without one)
//   { op: "output", id?, runId }   { op: "compare", id?, runIds }   { op: "registry", id? }   { op: "artifact", id?, runId, name }
//   { op: "setNotes", id?, runId, notes }   { op: "setTags", id?, runId, tags }   { op: "archive", id?, runId, archived }   { op: "delete", id?, runId }
//   { op: "pair" | "sync" | "git-head", id, root, path }  (kernel/pairing.ts)
//   { op: "studies", id? }   { op: "study", id?, name }  (the Sweeps view: src/tune/studyReport.ts)
// Kernel → frontend:   { type: "runs", id?, runs, total }   { type: "table", id?, columns, total }  (RunColumns)
//   { type: "detail", id?, run, history, versions, media?, thinned? }  (a curve of over MAX_CURVE_POINTS is thinned: thinned[key] = its points)
//   { type: "mediaContent", id?, runId, key, step, kind, mime, bytes, meta, json? | text? | base64? | table? }  (kernel/sidebarMedia.ts)
//   { type: "output", id?, runId, chunks }   { type: "setNotes" | "setTags" | "archive", id?, run }   { type: "delete", id?, runId, message }
//   { type: "compare", id?, runs, labels, params, metrics, bars, diffs, curves, media }  (kernel/sidebarCompare.ts)   { type: "registry", id?, versions }
//   { type: "artifact", id?, runId, name, kind, mime, bytes, base64 }
//   { type: "studies", id?, studies: StudyListing[], unsupported? }  (unsupported: why this store has no studies)   { type: "study", id?, report: StudyReport }
//   { type: "changed", runs }  (pushed; also to every panel after an edit)   { type: "deleted", runIds }  (pushed to every panel)
//   { type: "registryChanged" }  (pushed: a version or alias changed)
//   { type: "points", points }   { type: "media", runId, media, content? }  (content: items up to 64 KB, as mediaContent)   { type: "output", runId, chunks }  (pushed, watched runs only)
//   { type: "error", id?, message }
// Numbers that JSON cannot carry (NaN, ±Infinity) travel as the strings "NaN", "Infinity", "-Infinity".
import type { Comm, CommData } from "../src/comm";
import type { Tail } from "../src/store/types";
import type { Goal, MediaEvent, MediaRecord, OutputChunk, OutputEvent, RunSummary } from "../src/track/types";
import type { MetricColumn, RunColumns, Sparse } from "../src/track/columns";
import { fieldValue, keysOf, parseFilter, sortField, sortRuns } from "../src/track/query";
import { StudyError } from "../src/tune/storage";
import { listStudies, studyReport } from "../src/tune/studyReport";
import { pairingRequest } from "./pairing";
import { compareRuns } from "./sidebarCompare";
import { inlineContents, MAX_MEDIA_FETCH_BYTES, mediaContent, TableCache } from "./sidebarMedia";
import { thinCurve } from "./thinCurve";

export const SIDEBAR_TARGET = "modelbench";

/** The largest artifact the panel fetches through the comm (base64 makes it a third larger). */
export const MAX_ARTIFACT_BYTES = 64 * 2 ** 20;

const MIME_BY_EXTENSION: Record<string, string> = {
  json: "application/json", txt: "text/plain", log: "text/plain", md: "text/markdown", csv: "text/csv",
  tsv: "text/tab-separated-values", ts: "text/typescript", js: "text/javascript", py: "text/x-python",
  html: "text/html", svg: "image/svg+xml", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif",
  yaml: "text/yaml", yml: "text/yaml", ipynb: "application/x-ipynb+json",
};

/** A MIME type for an artifact from its file name, else from its kind ("json", "json:<Class>", "text"). */
export function artifactMime(name: string, kind: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext && MIME_BY_EXTENSION[ext]) return MIME_BY_EXTENSION[ext];
  if (kind === "json" || kind.startsWith("json:")) return "application/json";
  if (kind === "text") return "text/plain";
  return "application/octet-stream";
}

/** A number JSON can carry: a non-finite one as the string the frontend turns back. */
export function wireNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** JSON-safe copy: non-finite numbers become strings the frontend turns back. */
export function wireSafe(value: unknown): any {
  if (typeof value === "number") return wireNumber(value);
  if (Array.isArray(value)) return value.map(wireSafe);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = wireSafe(v);
    return out;
  }
  return value;
}


const wireValue = (v: unknown): unknown => (typeof v === "number" ? wireNumber(v) : v !== null && typeof v === "object" ? wireSafe(v) : v);

/** One value when every entry is the same, else all of them. */
function oneOrAll<T>(values: T[]): T | T[] {
  return values.every((v) => v === values[0]) ? values[0] : values;
}

/** `runs` column-wise (RunColumns), ready for the wire. */
export function runColumns(runs: readonly RunSummary[]): RunColumns {
  const n = runs.length;
  const cols: RunColumns = {
    id: new Array(n), name: new Array(n), project: new Array(n), parentId: new Array(n), status: new Array(n), tags: new Array(n),
    startedAt: new Array(n), endedAt: new Array(n), error: new Array(n), params: {}, metrics: {},
  };
  const params = new Map<string, { at: number[]; values: unknown[] }>();
  const metrics = new Map<string, Omit<MetricColumn, "goal" | "goalSet"> & { at: number[]; goal: Array<Goal | null>; goalSet: boolean[] }>();
  for (let i = 0; i < n; i++) {
    const r = runs[i];
    cols.id[i] = r.id;
    cols.name[i] = r.name;
    cols.project[i] = r.project;
    cols.parentId[i] = r.parentId;
    cols.status[i] = r.status;
    cols.tags[i] = r.tags;
    cols.startedAt[i] = r.startedAt;
    cols.endedAt[i] = r.endedAt;
    cols.error[i] = r.error;
    for (const key of Object.keys(r.params)) {
      let p = params.get(key);
      if (!p) params.set(key, (p = { at: [], values: [] }));
      p.at.push(i);
      p.values.push(wireValue(r.params[key]));
    }
    for (const key of Object.keys(r.metrics)) {
      const s = r.metrics[key];
      let m = metrics.get(key);
      if (!m) metrics.set(key, (m = { at: [], last: [], lastStep: [], min: [], max: [], count: [], goal: [], goalSet: [] }));
      m.at.push(i);
      m.last.push(wireNumber(s.last));
      m.lastStep.push(s.lastStep);
      m.min.push(s.min === s.last ? null : wireNumber(s.min));
      m.max.push(s.max === s.last ? null : wireNumber(s.max));
      m.count.push(s.count);
      m.goal.push(s.goal);
      m.goalSet.push(!!s.goalSet);
    }
  }
  const dense = <T extends Sparse>({ at, ...rest }: T): T => (at!.length === n ? rest : { at, ...rest }) as T;
  for (const [key, p] of params) cols.params[key] = dense(p);
  for (const [key, m] of metrics) cols.metrics[key] = dense({ ...m, goal: oneOrAll(m.goal), goalSet: oneOrAll(m.goalSet) });
  return cols;
}

/** What a session tells the part that holds the tail (kernel/sidebarStore.ts). */
export interface SessionEvents {
  /** The runs this session watches changed: the tail reads the points of every session's. */
  watchChanged(): void;
  disposed(): void;
  /**
   * A panel edited a run (notes, tags, archived, deleted): every open panel is told, since the
   * tail reports new runs and points, not edits.
   */
  broadcast?(data: Record<string, unknown>): void;
}

/** Tags as a run keeps them: trimmed, no blanks or repeats; a comma would split one on `--tags`. */
export function checkTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) throw new Error("setTags needs tags: an array of strings");
  const out: string[] = [];
  for (const t of tags) {
    const tag = String(t).trim();
    if (!tag) continue;
    if (tag.includes(",") || tag.length > 100) throw new Error(`a tag is 1 to 100 characters without commas, got ${JSON.stringify(tag.slice(0, 40))}`);
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}

/** The most notes a run keeps from the panel (they are for words: longer text belongs in logText or an artifact). */
export const MAX_NOTES_CHARS = 100_000;

/** A pushed batch of per-run events for this panel's runs, one message per run. */
function byRun<E extends { runId: string }, T>(events: readonly E[], watched: ReadonlySet<string>, take: (e: E) => T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const e of events) {
    if (!watched.has(e.runId)) continue;
    let list = out.get(e.runId);
    if (!list) out.set(e.runId, (list = []));
    list.push(...take(e));
  }
  return out;
}

/** One open sidebar: shares the kernel's tail of the store, answers its requests. */
export class SidebarSession {
  private unsubscribe: Array<() => void> = [];
  private watched = new Set<string>();

  private readonly maxArtifactBytes: number;
  private readonly maxMediaBytes: number;
  /** Logged tables being paged through (parsed once, kept while the panel pages). */
  private readonly tables = new TableCache();

  constructor(private readonly comm: Comm, private tail: Tail, private readonly events?: SessionEvents, options: { maxArtifactBytes?: number; maxMediaBytes?: number } = {}) {
    this.maxArtifactBytes = options.maxArtifactBytes ?? MAX_ARTIFACT_BYTES;
    this.maxMediaBytes = options.maxMediaBytes ?? MAX_MEDIA_FETCH_BYTES;
    this.subscribe();
    comm.onMsg((data) => void this.handle(data));
    comm.onClose(() => this.dispose());
  }

  /** Follows another store (the notebook switched with `%store`): the panel is told to reload. */
  retarget(tail: Tail, uri: string): void {
    this.unsubscribe.forEach((u) => u());
    this.tail = tail;
    this.subscribe();
    this.watched.clear();
    this.send({ type: "store", uri });
  }

  private subscribe(): void {
    const tail = this.tail;
    const onRuns = (runs: RunSummary[]) => this.send({ type: "changed", runs });
    const onPoints = (points: unknown[]) => {
      const mine = (points as Array<{ runId: string }>).filter((p) => this.watched.has(p.runId));
      if (mine.length) this.send({ type: "points", points: mine });
    };
    const onMedia = (events: MediaEvent[]) => {
      for (const [runId, media] of byRun(events, this.watched, (e): MediaRecord[] => [e.media])) void this.pushMedia(runId, media);
    };
    const onOutput = (events: OutputEvent[]) => {
      for (const [runId, chunks] of byRun(events, this.watched, (e): OutputChunk[] => e.chunks)) this.sendSafe({ type: "output", runId, chunks });
    };
    const onRegistry = () => this.send({ type: "registryChanged" });
    const handlers: Array<[string, (...args: any[]) => void]> = [["runs", onRuns], ["points", onPoints], ["media", onMedia], ["output", onOutput], ["registry", onRegistry]];
    for (const [event, fn] of handlers) tail.on(event, fn);
    this.unsubscribe = handlers.map(([event, fn]) => () => tail.off(event, fn));
  }

  /** New media of a watched run, small items' content with it (JSON-safe: read from JSON); the records alone if that read fails. */
  private async pushMedia(runId: string, media: MediaRecord[]): Promise<void> {
    const content = await inlineContents(this.tail.reader, runId, media).catch(() => []);
    this.sendSafe({ type: "media", runId, media, ...(content.length ? { content } : {}) });
  }

  /** The runs whose new points this panel shows. */
  get watching(): ReadonlySet<string> {
    return this.watched;
  }

  private send(data: Record<string, unknown>): void {
    this.sendSafe(wireSafe(data));
  }

  /** A message for this panel from another one's edit (kernel/sidebarStore.ts broadcasts it). */
  push(data: Record<string, unknown>): void {
    this.send(data);
  }

  /** Every open panel is told (this one alone when nothing shares the tail, as in tests). */
  private broadcast(data: Record<string, unknown>): void {
    if (this.events?.broadcast) this.events.broadcast(data);
    else this.send(data);
  }

  /** Data already JSON-safe (built with wireNumber): sent as it is, not copied. */
  private sendSafe(data: Record<string, unknown>): void {
    if (!this.comm.closed) this.comm.send(data);
  }

  async handle(msg: CommData): Promise<void> {
    const id = msg.id as string | undefined;
    try {
      switch (msg.op) {
        case "list":
          return this.send({ type: "runs", id, ...(await this.list(msg)) });
        case "table": {
          const { runs, total } = await this.list(msg);
          return this.sendSafe({ type: "table", id, columns: runColumns(runs), total });
        }
        case "detail":
          return this.send({ type: "detail", id, ...(await this.detail(String(msg.runId), msg.media === true)) });
        case "media":
          // JSON-safe already: the content was JSON in the store (tables keep non-finite numbers as strings).
          return this.sendSafe({ type: "mediaContent", id, ...(await this.media(msg)) });
        case "output":
          return this.sendSafe({ type: "output", id, ...(await this.output(String(msg.runId ?? ""))) });
        case "setNotes":
        case "setTags":
        case "archive":
          return this.send({ type: msg.op, id, run: await this.edit(msg.op, String(msg.runId ?? ""), msg) });
        case "delete":
          return this.send({ type: "delete", id, ...(await this.deleteRun(String(msg.runId ?? ""))) });
        case "watch":
          this.setWatch((msg.runIds as string[]) ?? []);
          return;
        case "compare":
          return this.send({ type: "compare", id, ...(await this.compare((msg.runIds as string[]) ?? [])) });
        case "registry":
          return this.send({ type: "registry", id, versions: await this.tail.reader.modelVersions() });
        case "artifact":
          return this.send({ type: "artifact", id, ...(await this.artifact(String(msg.runId ?? ""), String(msg.name ?? ""))) });
        case "studies":
          try {
            return this.send({ type: "studies", id, studies: await listStudies(this.tail.reader) });
          } catch (e) {
            // A store without studies (MLflow) says so in the view rather than as an error.
            if (e instanceof StudyError) return this.send({ type: "studies", id, studies: [], unsupported: e.message });
            throw e;
          }
        case "study":
          return this.send({ type: "study", id, report: await studyReport(this.tail.reader, String(msg.name ?? "")) });
        case "pair":
        case "sync":
        case "git-head":
          return this.send({ type: msg.op, id, ...(await pairingRequest(msg)) });
        default:
          throw new Error(`unknown op '${String(msg.op)}': use list, table, detail, watch, media, output, setNotes, setTags, archive, delete, compare, registry, artifact, studies, study, pair, sync or git-head`);
      }
    } catch (e) {
      this.send({ type: "error", id, message: e instanceof Error ? e.message : String(e) });
    }
  }

  private async list(msg: CommData): Promise<{ runs: RunSummary[]; total: number }> {
    const store = this.tail.reader;
    const where = String(msg.where ?? "");
    const predicate = parseFilter(where);
    const archived = msg.archived === true ? true : msg.archived === "all" ? ("all" as const) : undefined;
    const filter = { tags: msg.tags as string[] | undefined, status: msg.status as any, text: msg.text as string | undefined, archived };
    const limit = typeof msg.limit === "number" ? msg.limit : 200;
    const sort = msg.sort as string | undefined;
    if (!predicate.fields.length && !sort) {
      const total = await store.countRuns(filter);
      // All of them wanted (the runs table's 10,000): no limit, so the store reads its side tables whole rather than by 10,000 ids.
      return { runs: await store.listRuns(filter, total <= limit ? {} : { limit }), total };
    }
    const narrowed = { ...filter, narrowing: predicate.narrowing };
    if (sort) fieldValue({ metrics: {}, params: {}, tags: [] } as any, sortField(sort).field);
    const filtered = (runs: RunSummary[]) => (sort ? sortRuns(runs.filter(predicate), sort) : runs.filter(predicate));
    // Every candidate fits the page (the runs table asks for 10,000): one read of whole runs.
    if ((await store.countRuns(narrowed)) <= limit) {
      const runs = filtered(await store.listRuns(narrowed));
      return { runs, total: runs.length };
    }
    // Else the fields to filter and sort by for all of them first, then the page's runs whole.
    const keys = keysOf([...predicate.fields, ...(sort ? [sortField(sort).field] : [])]);
    const runs = filtered(await store.listRuns(narrowed, keys));
    const page = runs.slice(0, limit);
    const full = new Map((await store.listRuns({ ids: page.map((r) => r.id), archived: "all" })).map((r) => [r.id, r]));
    return { runs: page.map((r) => full.get(r.id)!), total: runs.length };
  }

  /** A run in full, its curves (long ones thinned for drawing) and, when asked, its media records (content comes per item: "media"). */
  private async detail(runId: string, withMedia: boolean) {
    const store = this.tail.reader;
    const run = await store.getRun(runId);
    const full: Record<string, { steps: number[]; values: number[]; ts: number[] }> = {};
    for (const p of await store.metricHistory(run.id)) {
      const h = (full[p.key] ??= { steps: [], values: [], ts: [] });
      h.steps.push(p.step);
      h.values.push(p.value);
      h.ts.push(p.ts);
    }
    const history: typeof full = {};
    const thinned: Record<string, number> = {};
    for (const [key, h] of Object.entries(full)) {
      history[key] = thinCurve(h);
      if (history[key] !== h) thinned[key] = h.steps.length;
    }
    const versions = (await store.modelVersions()).filter((v) => v.runId === run.id);
    const media = withMedia ? await store.listMedia(run.id) : null;
    return { run, history, versions, ...(media ? { media } : {}), ...(Object.keys(thinned).length ? { thinned } : {}) };
  }

  private async media(msg: CommData) {
    const step = msg.step === undefined || msg.step === null ? undefined : Number(msg.step);
    if (step !== undefined && !Number.isInteger(step)) throw new Error(`media step must be a whole number, got ${String(msg.step)}`);
    const t = msg.table && typeof msg.table === "object" ? (msg.table as Record<string, unknown>) : null;
    const table = t ? {
      offset: Number(t.offset) || 0, limit: Number(t.limit) || undefined, sort: typeof t.sort === "string" && t.sort ? t.sort : null,
      desc: t.desc === true, filter: typeof t.filter === "string" ? t.filter : "",
    } : undefined;
    return mediaContent(this.tail.reader, { runId: String(msg.runId ?? ""), key: String(msg.key ?? ""), step, table }, this.tables, this.maxMediaBytes);
  }

  /** A run's kept console output (at most MAX_OUTPUT_BYTES: the run cut the rest and said so). */
  private async output(runId: string): Promise<{ runId: string; chunks: OutputChunk[] }> {
    if (!runId) throw new Error("output needs a runId");
    const run = await this.tail.reader.getRun(runId);
    return { runId: run.id, chunks: await this.tail.reader.readOutput(run.id) };
  }

  /** The run as lists show it, and every panel told: edits are not something the tail reports. */
  private async announce(runId: string): Promise<RunSummary> {
    const [run] = await this.tail.reader.listRuns({ ids: [runId], archived: "all" });
    this.broadcast({ type: "changed", runs: [run] });
    return run;
  }

  /** Notes, tags or archived, changed by the panel; the edited run comes back. */
  private async edit(op: "setNotes" | "setTags" | "archive", runId: string, msg: CommData): Promise<RunSummary> {
    if (!runId) throw new Error(`${op} needs a runId`);
    const store = this.tail.reader;
    const run = await store.getRun(runId);
    if (op === "setNotes") {
      const notes = msg.notes === null || msg.notes === undefined ? "" : String(msg.notes);
      if (notes.length > MAX_NOTES_CHARS) throw new Error(`notes are kept up to ${MAX_NOTES_CHARS.toLocaleString("en")} characters (these have ${notes.length.toLocaleString("en")}): log long text with logText instead`);
      await store.setNotes(run.id, notes.trim() ? notes : null);
    } else if (op === "setTags") {
      await store.setTags(run.id, checkTags(msg.tags));
    } else {
      const archived = msg.archived !== false;
      if (archived && run.status === "running") throw new Error(`run '${run.name}' is still running: archive it once it has ended`);
      await store.setArchived(run.id, archived);
    }
    return this.announce(run.id);
  }

  /** Deletes a run that has ended; the store refuses one with nested runs or registered models, and says why. */
  private async deleteRun(runId: string): Promise<{ runId: string; message: string }> {
    if (!runId) throw new Error("delete needs a runId");
    const store = this.tail.reader;
    const run = await store.getRun(runId);
    if (run.status === "running") throw new Error(`run '${run.name}' is still running: stop it (■) and delete it once it has ended`);
    await store.deleteRun(run.id);
    this.watched.delete(run.id);
    this.broadcast({ type: "deleted", runIds: [run.id] });
    return { runId: run.id, message: `deleted run '${run.name}': run %gc in a notebook to free the files only it used` };
  }

  /** An artifact's bytes (base64 in JSON: comm messages here carry no binary buffers). */
  private async artifact(runId: string, name: string) {
    if (!runId || !name) throw new Error("artifact needs a runId and a name");
    const store = this.tail.reader;
    const run = await store.getRun(runId);
    const record = run.artifacts.find((a) => a.name === name);
    if (!record) {
      const names = run.artifacts.map((a) => a.name);
      throw new Error(`run '${run.name}' has no artifact '${name}'${names.length ? `: it has ${names.join(", ")}` : ""}`);
    }
    if (record.bytes > this.maxArtifactBytes) {
      throw new Error(`artifact '${name}' is ${record.bytes} bytes, over the ${+(this.maxArtifactBytes / 2 ** 20).toFixed(3)} MiB the panel fetches: ` +
        `read it in a cell with await loadArtifact(${JSON.stringify(run.id.slice(0, 8))}, ${JSON.stringify(name)})`);
    }
    const content = await store.readArtifact(record.hash);
    return { runId: run.id, name, kind: record.kind, mime: artifactMime(name, record.kind), bytes: content.length, base64: content.toString("base64") };
  }

  /** Only this panel's runs: other panels sharing the tail keep theirs (the holder reads the union). */
  private setWatch(runIds: string[]): void {
    this.watched = new Set(runIds);
    if (this.events) this.events.watchChanged();
    else for (const id of runIds) this.tail.watched.add(id);
  }

  private compare(runIds: string[]) {
    return compareRuns(this.tail.reader, runIds);
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.events?.disposed();
  }
}
