// The Runs panel's state: the listed runs, the query, curves, selection, the open detail and the
// comparison. It talks to a kernel through a Channel and announces changes with Signals; it holds
// no DOM and no JupyterLab service, so node's test runner drives it with a fake channel.
import { Signal } from "@lumino/signaling";
import { parseFilter, sortField, sortRuns, type Predicate } from "../../src/track/query";
import { mergeCurve } from "./series";
import {
  decodeBase64,
  groupRegistry,
  reviveColumns,
  reviveMessage,
  type RegisteredModel,
  type CompareResult,
  type Curve,
  type DetailResult,
  type Incoming,
  type MediaContent,
  type MediaRecord,
  type ModelVersion,
  type OutputChunk,
  type TableQuery,
  type RunDetail,
  type RunRow,
  type RunStatus,
  type RunSummary,
} from "./wire";

/** Where requests go: a comm on a kernel, or a fake in tests. */
export interface Channel {
  send(data: Record<string, unknown>): void;
}

export interface RunQuery {
  /** Plain text (a substring of the name or id) or a filter such as `metrics.f1 > 0.6 and params.C < 10`. */
  search: string;
  status: RunStatus | "";
  tag: string;
  /** "" (newest first) or a sort spec such as `-metrics.f1.best`. */
  sort: string;
  /** Archived runs listed too (they are left out by default). */
  archived?: boolean;
}

export type ConnectionState = "disconnected" | "connecting" | "connected";

/** How many rows get a sparkline (each needs the run's history once). */
export const SPARKLINE_ROWS = 40;
/** How many running runs are watched for points at once. */
export const WATCH_LIMIT = 50;
/** How many runs the runs table holds (the panel lists fewer). */
export const TABLE_LIMIT = 10_000;

const isSystem = (key: string) => key.startsWith("system/");

/** A filter expression, as opposed to plain text to find in names and ids. */
export function isFilterExpression(search: string): boolean {
  return /[<>=~]|\bcontains\b/.test(search);
}

/** The metric a sort spec orders by, if it orders by one: `-metrics.f1.best` → `f1`. */
export function sortMetric(sort: string): string | null {
  if (!sort) return null;
  const { field } = sortField(sort);
  const m = /^metrics?\.(.+?)(?:\.(last|min|max|best|count))?$/.exec(field);
  return m ? m[1] : null;
}

/**
 * The metric a run's row shows: the one sorted by (when the run has it), else the run's own key
 * metric: one whose goal the run set (`--goal`), else the one it logged most (a curve over a
 * single value; one with a known direction breaks a tie); system metrics never.
 */
export function runKeyMetric(run: Pick<RunSummary, "metrics">, sort = ""): string | null {
  const sorted = sortMetric(sort);
  if (sorted && run.metrics[sorted]) return sorted;
  const metrics = Object.values(run.metrics).filter((m) => !isSystem(m.key));
  const chosen = metrics.filter((m) => m.goalSet);
  const pool = chosen.length ? chosen : metrics;
  pool.sort((a, b) => b.count - a.count || Number(b.goal !== null) - Number(a.goal !== null) || a.key.localeCompare(b.key));
  return pool.length ? pool[0].key : null;
}

/** The value a row shows for a metric: the best one when the metric has a goal, else the last. */
export function displayValue(run: Pick<RunSummary, "metrics">, key: string | null): number | undefined {
  const m = key ? run.metrics[key] : undefined;
  if (!m) return undefined;
  return m.goal ? m.best : m.last;
}

/**
 * Where a run stands among `runs` on a metric, by its goal (1 = best), or null without a goal
 * or a finite value. Ties share a rank.
 */
export function metricRank(runs: readonly RunSummary[], runId: string, key: string): { rank: number; of: number } | null {
  const values: number[] = [];
  let own: number | undefined;
  let goal: "min" | "max" | null = null;
  for (const r of runs) {
    const m = r.metrics[key];
    if (!m) continue;
    goal ??= m.goal;
    const v = displayValue(r, key)!;
    if (!Number.isFinite(v)) continue;
    values.push(v);
    if (r.id === runId) own = v;
  }
  if (!goal || own === undefined || values.length < 2) return null;
  const better = values.filter((v) => (goal === "max" ? v > own! : v < own!)).length;
  return { rank: better + 1, of: values.length };
}

/** What a pushed run is checked against, built once per query. */
interface Matcher {
  predicate: Predicate | null;
  (run: RunRow): boolean;
}

function matcherFor(q: RunQuery): Matcher {
  const search = q.search.trim();
  const predicate = search && isFilterExpression(search) ? parseFilter(search) : null;
  const text = search && !predicate ? search.toLowerCase() : "";
  // The filter reads no field a row lacks (src/track/query fieldValue: metrics, params, tags, the run's own fields).
  const m = ((run: RunRow) =>
    (q.archived || !run.archived) &&
    (!q.status || run.status === q.status) &&
    (!q.tag || run.tags.includes(q.tag)) &&
    (!text || run.name.toLowerCase().includes(text) || run.id.toLowerCase().includes(text)) &&
    (!predicate || predicate(run as RunSummary))) as Matcher;
  m.predicate = predicate;
  return m;
}

/** Runs and how many there are in all (`runs` may hold fewer: the newest ones). */
export interface RunList<R extends RunRow = RunSummary> {
  runs: R[];
  total: number;
}

/**
 * `list` with runs the kernel pushed merged in: a listed run is replaced, or dropped when `keep`
 * refuses it; an unlisted one is added when `keep` accepts it; `total` follows. The order is the
 * caller's to restore.
 */
export function mergePushed<R extends RunRow>(list: RunList<R>, changed: readonly R[], keep: (run: R, listed: boolean) => boolean): RunList<R> {
  const index = new Map(list.runs.map((r, i) => [r.id, i]));
  const runs: Array<R | null> = list.runs.slice();
  let total = list.total;
  for (const run of changed) {
    const at = index.get(run.id);
    if (at !== undefined && runs[at] !== null) {
      if (keep(run, true)) runs[at] = run;
      else {
        runs[at] = null;
        total--;
      }
    } else if (keep(run, false)) {
      index.set(run.id, runs.length);
      runs.push(run);
      total++;
    }
  }
  const kept = runs.filter((r): r is R => r !== null);
  return { runs: kept, total: Math.max(total, kept.length) };
}

/** `records` with `added` merged in (an item logged again at a step replaces it), by key then step. */
export function mergeMedia(records: readonly MediaRecord[], added: readonly MediaRecord[]): MediaRecord[] {
  const byItem = new Map(records.map((m) => [`${m.key}\u0000${m.step}`, m]));
  for (const m of added) byItem.set(`${m.key}\u0000${m.step}`, m);
  return [...byItem.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.step - b.step));
}

/**
 * Console output answered while more was pushed: the pushed chunks the answer already holds (it
 * was read after they were written) are not added twice.
 */
export function mergeOutput(answered: readonly OutputChunk[], pushed: readonly OutputChunk[]): OutputChunk[] {
  if (!pushed.length) return answered.slice();
  const same = (c: OutputChunk) => `${c.ts}\u0000${c.stream}\u0000${c.text}`;
  const recent = new Set(answered.slice(-pushed.length).map(same));
  return [...answered, ...pushed.filter((c) => !recent.has(same(c)))];
}

/** The open run's detail: the run, its registry versions, its media records; `deleted` once a panel deleted it. */
export interface OpenDetail {
  run: RunDetail;
  versions: ModelVersion[];
  media: MediaRecord[];
  /** Curves the kernel thinned for drawing: each one's full number of points. */
  thinned: Record<string, number>;
  deleted?: boolean;
}

/** The open run's console output (the Logs tab), once asked for. */
export interface RunOutput {
  runId: string;
  chunks: OutputChunk[];
  loading: boolean;
  error: string | null;
}

/** The newest `limit` runs, newest first. */
export function newestRuns<R extends RunRow>(runs: readonly R[], limit: number): R[] {
  return [...runs].sort((a, b) => b.startedAt - a.startedAt).slice(0, limit);
}

export interface RunsModelOptions {
  /**
   * Runs a task when the page is idle (requestIdleCallback). Given, the runs table's rows are
   * fetched then, after each connect, so opening the table only draws; else when it opens.
   */
  whenIdle?(task: () => void): void;
}

/** A request whose kernel went away (or was swapped for another) before it answered. */
export class ChannelLostError extends Error {}

interface Pending {
  resolve(msg: Incoming): void;
  reject(e: Error): void;
}

export class RunsModel {
  /** The list, its order or its rows changed. */
  readonly runsChanged = new Signal<this, void>(this);
  /** Runs the kernel pushed as changed (new, new points, ended), whether or not the list shows them. */
  readonly runsPushed = new Signal<this, RunSummary[]>(this);
  /** A run's curves gained points (the argument is the run id). */
  readonly curvesChanged = new Signal<this, string>(this);
  readonly selectionChanged = new Signal<this, void>(this);
  readonly detailChanged = new Signal<this, void>(this);
  readonly comparisonChanged = new Signal<this, void>(this);
  readonly connectionChanged = new Signal<this, void>(this);
  readonly registryChanged = new Signal<this, void>(this);
  /** The field runs are grouped by (the runs table and Compare share it). */
  readonly groupByChanged = new Signal<this, void>(this);
  /** The open run's media records changed (the argument is the run id): new items logged, or a step replaced. */
  readonly mediaChanged = new Signal<this, string>(this);
  /** The open run's output: `added` chunks appended, or null when it was replaced whole (loaded, reloaded, gone). */
  readonly outputChanged = new Signal<this, { runId: string; added: OutputChunk[] | null }>(this);

  runs: RunSummary[] = [];
  total = 0;
  /** What went wrong with the last request (a bad filter, an unknown run), for the view to show. */
  error: string | null = null;
  query: RunQuery = { search: "", status: "", tag: "", sort: "" };
  limit = 200;
  readonly selection = new Set<string>();
  detail: OpenDetail | null = null;
  detailId: string | null = null;
  /** The open run's console output, once the Logs tab asked for it; pushes keep it current. */
  output: RunOutput | null = null;
  comparison: CompareResult | null = null;
  /** `params.<name>` or `tags` to group runs by, or "" for none (grouping.ts). */
  groupBy = "";
  /** The model registry, once asked for (by the Models view); kept current as runs change. */
  registry: RegisteredModel[] | null = null;
  registryError: string | null = null;
  connection: { state: ConnectionState; label: string } = { state: "disconnected", label: "" };
  /** The store the kernel follows once the notebook switched to another with `%store`, else null. */
  store: string | null = null;

  private channel: Channel | null = null;
  private nextId = 0;
  private pending = new Map<string, Pending>();
  private listGeneration = 0;
  private matcher: Matcher = matcherFor(this.query);
  private curves = new Map<string, Map<string, Curve>>();
  private historyLoaded = new Set<string>();
  private historyQueue: string[] = [];
  private historyBusy = false;
  private watched = "";
  private seenTags = new Set<string>();
  private seenMetrics = new Set<string>();
  /** The store's newest runs (up to TABLE_LIMIT) whatever the query: the runs table's rows, fetched ahead. */
  private stored: RunList<RunRow> | null = null;
  private storedLoading: Promise<void> | null = null;
  /** Bumped when the kernel or its store changes: a reply to an older prefetch is dropped. */
  private storedGeneration = 0;
  /** Runs pushed while the prefetch was under way, applied again to its reply (which may be older). */
  private pushedWhileLoading: RunRow[] = [];
  /** Media pushed for the run being opened before its detail came: merged into it. */
  private mediaWhileOpening: MediaRecord[] = [];
  /** Output pushed while the Logs tab's request was under way. */
  private outputWhileLoading: OutputChunk[] = [];
  /** Content pushed with new media items (by content hash), until a panel takes it. */
  private pushedContent = new Map<string, MediaContent>();

  constructor(private readonly options: RunsModelOptions = {}) {}

  /** Talk to a (new) kernel: forget what the last one said and ask again. */
  attach(channel: Channel, label: string): void {
    this.failPending("the kernel changed");
    this.channel = channel;
    this.connection = { state: "connected", label };
    this.store = null;
    this.forgetCurves();
    this.historyBusy = false;
    this.forgetStored();
    this.connectionChanged.emit();
    void this.refresh();
    this.prefetchWhenIdle();
    if (this.detailId) void this.openDetail(this.detailId);
  }

  /** The kernel went away (or is being looked for, when `state` is "connecting"). */
  detach(state: ConnectionState = "disconnected", label = ""): void {
    this.failPending("the kernel went away");
    this.channel = null;
    this.watched = "";
    this.connection = { state, label };
    this.connectionChanged.emit();
  }

  get connected(): boolean {
    return this.channel !== null;
  }

  /** Tags and (non-system) metric names seen so far, for the filter and sort choices. */
  get tags(): string[] {
    return [...this.seenTags].sort();
  }

  get metricKeys(): string[] {
    return [...this.seenMetrics].sort();
  }

  curve(runId: string, key: string): Curve | undefined {
    return this.curves.get(runId)?.get(key);
  }

  curvesOf(runId: string): Map<string, Curve> {
    return this.curves.get(runId) ?? new Map();
  }

  // ---- requests ----------------------------------------------------------------------------

  private request(op: string, payload: Record<string, unknown> = {}): Promise<Incoming> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new Error("no modelbench kernel: open a notebook on the modelbench kernel"));
    const id = `q${++this.nextId}`;
    return new Promise<Incoming>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      channel.send({ op, id, ...payload });
    });
  }

  /** A request for another part of the extension (the pairing commands): resolves with the reply. */
  ask(op: string, payload: Record<string, unknown> = {}): Promise<unknown> {
    return this.request(op, payload);
  }

  private failPending(why: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new ChannelLostError(why));
  }

  private setError(e: unknown): void {
    this.error = e instanceof Error ? e.message : String(e);
    this.runsChanged.emit();
  }

  /** Changes the query and lists again. A bad filter is reported without asking the kernel. */
  async setQuery(change: Partial<RunQuery>): Promise<void> {
    const query = { ...this.query, ...change };
    try {
      this.matcher = matcherFor(query);
      if (query.sort) sortField(query.sort);
    } catch (e) {
      this.query = query;
      return this.setError(e);
    }
    this.query = query;
    await this.refresh();
  }

  private listPayload(limit: number): Record<string, unknown> {
    const q = this.query;
    const search = q.search.trim();
    const payload: Record<string, unknown> = { limit };
    if (search) payload[this.matcher.predicate ? "where" : "text"] = search;
    if (q.status) payload.status = [q.status];
    if (q.tag) payload.tags = [q.tag];
    if (q.sort) payload.sort = q.sort;
    if (q.archived) payload.archived = "all";
    return payload;
  }

  /** Lists the runs for the current query (on attach and when the query changes, never on a timer). */
  async refresh(): Promise<void> {
    const generation = ++this.listGeneration;
    try {
      const reply = await this.request("list", this.listPayload(this.limit));
      if (generation !== this.listGeneration || reply.type !== "runs") return;
      this.error = null;
      this.runs = reply.runs;
      this.total = reply.total;
      this.afterListChange();
    } catch (e) {
      if (generation === this.listGeneration) this.setError(e);
    }
  }

  // ---- what the kernel says ----------------------------------------------------------------

  /** A comm message from the kernel. */
  receive(raw: Incoming): void {
    const msg = reviveMessage(raw);
    if ("id" in msg && msg.id && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id)!;
      this.pending.delete(msg.id);
      if (msg.type === "error") p.reject(new Error(msg.message));
      else p.resolve(msg);
      return;
    }
    switch (msg.type) {
      case "changed":
        return this.onChanged(msg.runs);
      case "registryChanged":
        if (this.registry !== null) this.scheduleRegistry();
        return;
      case "store":
        return this.onStoreChanged(msg.uri);
      case "points":
        for (const p of msg.points) this.addPoints(p.runId, p.key, p.steps, p.values, p.ts);
        for (const id of new Set(msg.points.map((p) => p.runId))) this.curvesChanged.emit(id);
        return;
      case "media":
        return this.onMedia(msg.runId, msg.media, msg.content ?? []);
      case "output":
        return this.onOutput(msg.runId, msg.chunks);
      case "deleted":
        return this.onDeleted(msg.runIds);
      case "error":
        return this.setError(msg.message);
    }
  }

  /** Curves and what was asked about them: they belong to one kernel and one store. */
  private forgetCurves(): void {
    this.curves.clear();
    this.historyLoaded.clear();
    this.historyQueue = [];
    this.watched = "";
  }

  /** Another store: nothing of the last one applies (run ids, curves, the selection): list again. */
  private onStoreChanged(uri: string): void {
    this.store = uri;
    this.forgetCurves();
    this.runs = [];
    this.total = 0;
    this.selection.clear();
    this.detail = null;
    this.detailId = null;
    this.comparison = null;
    this.connectionChanged.emit();
    this.selectionChanged.emit();
    this.detailChanged.emit();
    this.comparisonChanged.emit();
    this.runsChanged.emit();
    if (this.registry !== null) this.scheduleRegistry();
    this.forgetStored();
    void this.refresh();
    this.prefetchWhenIdle();
  }

  /** Runs that changed in the store (new, new points, ended): updated in place, no reload. */
  private onChanged(changed: RunSummary[]): void {
    this.mergeStored(changed);
    this.runsPushed.emit(changed);
    for (const run of changed) {
      if (this.detail && this.detail.run.id === run.id) {
        this.detail = { ...this.detail, run: { ...this.detail.run, ...run } };
        this.detailChanged.emit();
      }
    }
    const merged = mergePushed({ runs: this.runs, total: this.total }, changed, (run) => this.safeMatch(run));
    const runs = this.query.sort ? sortRuns(merged.runs, this.query.sort) : newestRuns(merged.runs, merged.runs.length);
    this.runs = runs.slice(0, this.limit);
    this.total = Math.max(merged.total, this.runs.length);
    this.afterListChange();
  }

  /** The metric the run's row shows, under the current sort. */
  keyMetricOf(run: Pick<RunSummary, "metrics">): string | null {
    return runKeyMetric(run, this.query.sort);
  }

  /** Whether a run passes the current query's filter (for views that keep their own lists). */
  matches(run: RunRow): boolean {
    return this.safeMatch(run);
  }

  /**
   * Up to `limit` runs for the current query as the runs table's rows, apart from the panel's own
   * list (the table holds many more rows than the panel draws; the kernel sends them column-wise).
   */
  async listAll(limit: number): Promise<RunList<RunRow>> {
    const reply = await this.request("table", this.listPayload(limit));
    if (reply.type !== "table") throw new Error(`unexpected reply '${reply.type}' to a table request`);
    return { runs: reviveColumns(reply.columns), total: reply.total };
  }

  // ---- the runs table's rows, fetched ahead ------------------------------------------------

  /** No filter, status or tag (nor archived runs, which the fetched-ahead rows leave out): every run of the store is wanted. */
  private get queryIsEverything(): boolean {
    const q = this.query;
    return !q.search.trim() && !q.status && !q.tag && !q.archived;
  }

  /**
   * The runs table's rows for the current query when they are at hand, else null: the fetched-ahead
   * runs, filtered here when they are all of the store's (the filter is the one pushes are checked
   * with), as they are when the query asks for everything in the kernel's order.
   */
  tableRows(): RunList<RunRow> | null {
    return this.rowsFor(this.query);
  }

  /**
   * The fetched-ahead rows for `query` (the current one, or a filter still being typed) when they
   * answer it, else null (also while the filter does not parse yet).
   */
  rowsFor(query: RunQuery): RunList<RunRow> | null {
    const stored = this.stored;
    if (!stored || query.archived) return null;
    const everything = !query.search.trim() && !query.status && !query.tag;
    if (stored.runs.length >= stored.total) {
      if (everything) return { runs: stored.runs.slice(), total: stored.runs.length };
      let matcher: Matcher;
      try {
        matcher = query === this.query ? this.matcher : matcherFor(query);
      } catch {
        return null;
      }
      const runs = stored.runs.filter((r) => {
        try {
          return matcher(r);
        } catch {
          return false;
        }
      });
      return { runs, total: runs.length };
    }
    return everything && !query.sort ? { runs: stored.runs.slice(), total: stored.total } : null;
  }

  /** The runs table's rows for the current query: those at hand, else the ones fetched ahead once they come, else one request. */
  async loadTableRows(): Promise<RunList<RunRow>> {
    const ready = this.tableRows();
    if (ready) return ready;
    if (!this.stored && this.queryIsEverything) {
      await this.prefetchTable();
      const fetched = this.tableRows();
      if (fetched) return fetched;
    }
    return this.listAll(TABLE_LIMIT);
  }

  /** Fetches the store's newest TABLE_LIMIT runs, once per kernel and store (pushes keep them current). */
  prefetchTable(): Promise<void> {
    if (this.stored || !this.channel) return Promise.resolve();
    if (this.storedLoading) return this.storedLoading;
    const generation = this.storedGeneration;
    this.pushedWhileLoading = [];
    const loading = this.request("table", { limit: TABLE_LIMIT })
      .then((reply) => {
        if (generation !== this.storedGeneration || reply.type !== "table") return;
        this.stored = { runs: reviveColumns(reply.columns), total: reply.total };
        this.mergeStored(this.pushedWhileLoading);
        this.runsChanged.emit(); // the panel lists them all now
      })
      .catch(() => {
        // The kernel went away or changed: the next connect fetches again; the table asks itself meanwhile.
      })
      .finally(() => {
        if (this.storedLoading === loading) this.storedLoading = null;
        this.pushedWhileLoading = [];
      });
    this.storedLoading = loading;
    return loading;
  }

  private prefetchWhenIdle(): void {
    const generation = this.storedGeneration;
    this.options.whenIdle?.(() => {
      if (generation === this.storedGeneration) void this.prefetchTable();
    });
  }

  private forgetStored(): void {
    this.storedGeneration++;
    this.stored = null;
    this.storedLoading = null;
    this.pushedWhileLoading = [];
  }

  /**
   * Pushed runs into the fetched-ahead ones: every change of a held run; a run not held is new
   * when all runs are held or when it started after the oldest held one (else it is an older run
   * beyond TABLE_LIMIT that changed).
   */
  private mergeStored(changed: readonly RunRow[]): void {
    if (this.storedLoading && !this.stored) this.pushedWhileLoading.push(...changed);
    const stored = this.stored;
    if (!stored || !changed.length) return;
    const complete = stored.runs.length >= stored.total;
    let oldest = Infinity;
    for (const r of stored.runs) oldest = Math.min(oldest, r.startedAt);
    const merged = mergePushed(stored, changed, (run, listed) => !run.archived && (listed || complete || run.startedAt >= oldest));
    this.stored = merged.runs.length > TABLE_LIMIT ? { runs: newestRuns(merged.runs, TABLE_LIMIT), total: merged.total } : merged;
  }

  private safeMatch(run: RunRow): boolean {
    try {
      return this.matcher(run);
    } catch {
      return false;
    }
  }

  private afterListChange(): void {
    for (const r of this.runs) {
      for (const t of r.tags) this.seenTags.add(t);
      for (const k of Object.keys(r.metrics)) if (!isSystem(k)) this.seenMetrics.add(k);
    }
    // The selection is kept across list changes: the runs table selects runs the panel may not list.
    this.runsChanged.emit();
    this.updateWatch();
    this.loadHistories();
  }

  private addPoints(runId: string, key: string, steps: number[], values: number[], ts?: number[]): void {
    let byKey = this.curves.get(runId);
    if (!byKey) this.curves.set(runId, (byKey = new Map()));
    byKey.set(key, mergeCurve(byKey.get(key), steps, values, ts));
  }

  // ---- live points -------------------------------------------------------------------------

  /** Running runs in the list and the open detail get their points pushed. */
  private updateWatch(): void {
    if (!this.channel) return;
    const ids = this.runs.filter((r) => r.status === "running").slice(0, WATCH_LIMIT).map((r) => r.id);
    if (this.detailId && !ids.includes(this.detailId)) ids.push(this.detailId);
    const key = ids.slice().sort().join(",");
    if (key === this.watched) return;
    this.watched = key;
    this.channel.send({ op: "watch", runIds: ids });
  }

  /** The histories of these runs (the panel's rows in view) ahead of the others asked for; once each. */
  loadCurvesOf(runIds: readonly string[]): void {
    const want = runIds.filter((id) => !this.historyLoaded.has(id));
    if (!want.length) return;
    this.historyQueue = [...new Set([...want, ...this.historyQueue])].slice(0, 2 * SPARKLINE_ROWS);
    void this.drainHistories();
  }

  /** The history of the first rows, once each, one request at a time (points keep them current). */
  private loadHistories(): void {
    const want = this.runs.slice(0, SPARKLINE_ROWS).map((r) => r.id).filter((id) => !this.historyLoaded.has(id));
    this.historyQueue = [...new Set([...want, ...this.historyQueue])];
    void this.drainHistories();
  }

  private async drainHistories(): Promise<void> {
    if (this.historyBusy) return;
    this.historyBusy = true;
    try {
      while (this.historyQueue.length && this.channel) {
        const id = this.historyQueue.shift()!;
        if (this.historyLoaded.has(id)) continue;
        this.historyLoaded.add(id);
        try {
          const reply = await this.request("detail", { runId: id });
          if (reply.type === "detail") this.takeHistory(reply);
        } catch {
          // A run deleted meanwhile, or the kernel changed: its row just has no sparkline.
        }
      }
    } finally {
      this.historyBusy = false;
    }
  }

  private takeHistory(reply: DetailResult): void {
    for (const [key, h] of Object.entries(reply.history)) this.addPoints(reply.run.id, key, h.steps, h.values, h.ts);
    this.curvesChanged.emit(reply.run.id);
  }

  // ---- selection, detail, comparison -------------------------------------------------------

  toggleSelected(runId: string, on = !this.selection.has(runId)): void {
    if (on) this.selection.add(runId);
    else this.selection.delete(runId);
    this.selectionChanged.emit();
  }

  clearSelection(): void {
    this.selection.clear();
    this.selectionChanged.emit();
  }

  /** Loads a run's detail and follows it live until another is opened or it is closed. */
  async openDetail(runId: string): Promise<void> {
    if (this.detailId !== runId) this.forgetOutput();
    this.detailId = runId;
    this.mediaWhileOpening = [];
    this.updateWatch();
    try {
      const reply = await this.request("detail", { runId, media: true });
      if (this.detailId !== runId || reply.type !== "detail") return;
      this.historyLoaded.add(runId);
      this.detail = { run: reply.run, versions: reply.versions, media: mergeMedia(reply.media ?? [], this.mediaWhileOpening), thinned: reply.thinned ?? {} };
      this.mediaWhileOpening = [];
      this.takeHistory(reply);
      this.detailChanged.emit();
    } catch (e) {
      if (this.detailId === runId) {
        this.detail = null;
        this.setError(e);
        this.detailChanged.emit();
      }
    }
  }

  closeDetail(): void {
    this.detailId = null;
    this.detail = null;
    this.pushedContent.clear();
    this.forgetOutput();
    this.updateWatch();
    this.detailChanged.emit();
  }

  // ---- the open run's media, output and edits ---------------------------------------------

  private onMedia(runId: string, records: MediaRecord[], content: MediaContent[]): void {
    if (runId !== this.detailId) return;
    for (const c of content) {
      const record = records.find((r) => r.key === c.key && r.step === c.step);
      if (record) this.pushedContent.set(record.hash, c);
    }
    while (this.pushedContent.size > 32) this.pushedContent.delete(this.pushedContent.keys().next().value!);
    if (!this.detail || this.detail.run.id !== runId) {
      this.mediaWhileOpening.push(...records);
      return;
    }
    this.detail = { ...this.detail, media: mergeMedia(this.detail.media, records) };
    this.mediaChanged.emit(runId);
  }

  /** The content that came with a newly logged item (its hash), once: a panel showing it asks nothing. */
  pushedMedia(hash: string): MediaContent | undefined {
    const c = this.pushedContent.get(hash);
    this.pushedContent.delete(hash);
    return c;
  }

  /** One media item's content: a figure's spec, text, image bytes, or a page of a table (`table` says which). */
  async fetchMedia(runId: string, key: string, step: number, table?: TableQuery): Promise<MediaContent> {
    const reply = await this.request("media", { runId, key, step, ...(table ? { table } : {}) });
    if (reply.type !== "mediaContent") throw new Error(`unexpected reply '${reply.type}' to a media request`);
    return reply;
  }

  /** Loads the open run's console output (the Logs tab); new output is pushed while the run runs. */
  async loadOutput(): Promise<void> {
    const runId = this.detailId;
    if (!runId) return;
    this.output = { runId, chunks: [], loading: true, error: null };
    this.outputWhileLoading = [];
    this.outputChanged.emit({ runId, added: null });
    try {
      const reply = await this.request("output", { runId });
      if (this.output?.runId !== runId || reply.type !== "output") return;
      this.output = { runId, chunks: mergeOutput(reply.chunks, this.outputWhileLoading), loading: false, error: null };
    } catch (e) {
      if (this.output?.runId !== runId) return;
      this.output = { runId, chunks: [], loading: false, error: e instanceof Error ? e.message : String(e) };
    }
    this.outputWhileLoading = [];
    this.outputChanged.emit({ runId, added: null });
  }

  private onOutput(runId: string, chunks: OutputChunk[]): void {
    const out = this.output;
    if (!out || out.runId !== runId) return;
    if (out.loading) {
      this.outputWhileLoading.push(...chunks);
      return;
    }
    out.chunks.push(...chunks);
    this.outputChanged.emit({ runId, added: chunks });
  }

  private forgetOutput(): void {
    if (!this.output) return;
    const { runId } = this.output;
    this.output = null;
    this.outputWhileLoading = [];
    this.outputChanged.emit({ runId, added: null });
  }

  /** Runs deleted by a panel: out of the list, the table's rows, the selection; an open detail says so. */
  private onDeleted(runIds: string[]): void {
    const gone = new Set(runIds);
    const kept = this.runs.filter((r) => !gone.has(r.id));
    this.total = Math.max(kept.length, this.total - (this.runs.length - kept.length));
    this.runs = kept;
    if (this.stored) {
      const rows = this.stored.runs.filter((r) => !gone.has(r.id));
      this.stored = { runs: rows, total: Math.max(rows.length, this.stored.total - (this.stored.runs.length - rows.length)) };
    }
    let unselected = false;
    for (const id of gone) {
      this.curves.delete(id);
      unselected = this.selection.delete(id) || unselected;
    }
    if (unselected) this.selectionChanged.emit();
    if (this.detailId && gone.has(this.detailId) && this.detail) {
      this.detail = { ...this.detail, deleted: true };
      this.detailChanged.emit();
    }
    this.afterListChange();
  }

  /** The run's notes (blank clears them); resolves with the run as saved. */
  setNotes(runId: string, notes: string): Promise<RunSummary> {
    return this.edit("setNotes", { runId, notes });
  }

  setTags(runId: string, tags: string[]): Promise<RunSummary> {
    return this.edit("setTags", { runId, tags });
  }

  /** Hides the run from the list (true) or restores it (false). */
  setArchived(runId: string, archived: boolean): Promise<RunSummary> {
    return this.edit("archive", { runId, archived });
  }

  /** Deletes a run that has ended; resolves with the kernel's word on it (run %gc to free its files). Refusals reject with their reason. */
  async deleteRun(runId: string): Promise<string> {
    const reply = await this.request("delete", { runId });
    if (reply.type !== "delete") throw new Error(`unexpected reply '${reply.type}' to a delete request`);
    return reply.message;
  }

  /** Every panel hears of the edit through the kernel's "changed" push; the answer is the run as saved. */
  private async edit(op: "setNotes" | "setTags" | "archive", payload: Record<string, unknown>): Promise<RunSummary> {
    const reply = await this.request(op, payload);
    if (reply.type !== op) throw new Error(`unexpected reply '${reply.type}' to ${op}`);
    return reply.run;
  }

  private registryTimer: ReturnType<typeof setTimeout> | null = null;

  private scheduleRegistry(): void {
    if (this.registryTimer) return;
    this.registryTimer = setTimeout(() => {
      this.registryTimer = null;
      void this.loadRegistry();
    }, 100);
  }

  /** Loads (or reloads) the model registry for the Models view. */
  async loadRegistry(): Promise<void> {
    try {
      const reply = await this.request("registry");
      if (reply.type !== "registry") return;
      this.registry = groupRegistry(reply.versions);
      this.registryError = null;
    } catch (e) {
      this.registryError = e instanceof Error ? e.message : String(e);
    }
    this.registryChanged.emit();
  }

  /** The Models view closed: stop keeping the registry current. */
  closeRegistry(): void {
    this.registry = null;
    this.registryError = null;
    if (this.registryTimer) clearTimeout(this.registryTimer);
    this.registryTimer = null;
  }

  /** An artifact's bytes and MIME type, for opening or downloading it. */
  async fetchArtifact(runId: string, name: string): Promise<{ name: string; mime: string; kind: string; bytes: Uint8Array }> {
    const reply = await this.request("artifact", { runId, name });
    if (reply.type !== "artifact") throw new Error(`unexpected reply '${reply.type}' to an artifact request`);
    return { name: reply.name, mime: reply.mime, kind: reply.kind, bytes: decodeBase64(reply.base64) };
  }

  setGroupBy(field: string): void {
    if (field === this.groupBy) return;
    this.groupBy = field;
    this.groupByChanged.emit();
  }

  /** Compares the given runs, or the selected ones (those the panel lists in its order, then the others). */
  async compare(runIds?: string[]): Promise<void> {
    const listed = this.runs.filter((r) => this.selection.has(r.id)).map((r) => r.id);
    const ids = runIds ?? [...listed, ...[...this.selection].filter((id) => !listed.includes(id))];
    if (ids.length < 2) return this.setError("select two or more runs to compare");
    try {
      const reply = await this.request("compare", { runIds: ids });
      if (reply.type !== "compare") return;
      this.comparison = reply;
      this.comparisonChanged.emit();
    } catch (e) {
      this.setError(e);
    }
  }
}
