// The shared store: PostgreSQL, for a team and for sweep workers on several machines. Same records
// and behaviour as the SQLite store; artifact contents live in the database (a bytea table keyed by
// their sha256), so machines that share a server need not share a file system. Every write that
// changes what a sidebar shows ends with a NOTIFY on the "modelbench" channel (see tail.ts).
import { createHash } from "crypto";
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { Client, Pool, types as pgTypes, type PoolClient, type QueryResultRow } from "pg";
import { PG_MIGRATIONS } from "./schema";
import { checkDeletable } from "../delete";
import { StoreError, TrackingError, UnknownModelError, UnknownRunError } from "../../track/errors";
import {
  checkAlias, checkGoals, checkModelName, f64, nanToNull, pickVersion, pointsFromChunks, versionsFromRows, processAlive, summarize, toSummary,
} from "../../track/records";
import type {
  ArtifactRecord, Batch, DataRecord, Goal, ListShape, MetricPoint, MetricSummary, ModelVersion, RunDetail, RunFilter,
  MediaInput, MediaRecord, OutputChunk, RunInit, RunStatus, RunSummary, Series, Store,
} from "../../track/types";

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;
export const NOTIFY_CHANNEL = "modelbench";
const MIGRATION_LOCK = 7_301_940_001;
/** Advisory-lock namespace of running runs: (RUN_LOCKS, hashtext(run id)) is held by the writing process. */
export const RUN_LOCKS = 7301;

/** int8 and numeric come back as numbers (counts, steps and seeds stay far below 2^53). */
export const pgNumberTypes = {
  getTypeParser(oid: number, format?: any) {
    if (oid === 20 || oid === 1700) return (v: string) => (v === null ? null : Number(v));
    return pgTypes.getTypeParser(oid, format);
  },
};

/** The URI with its password hidden, for messages. */
export function redactUri(uri: string): string {
  return uri.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, "$1:***@");
}

export function isPostgresUri(uri: string): boolean {
  return /^postgres(ql)?:\/\//.test(uri);
}

/** Turns connection and server errors into messages that say what to do. */
export function describePgError(uri: string, e: any): Error {
  if (e instanceof TrackingError) return e;
  const code = e?.code ?? "";
  const where = redactUri(uri);
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT" || code === "EHOSTUNREACH") {
    return new StoreError(`cannot reach the PostgreSQL store ${where} (${code}): start the server or fix MODELBENCH_STORE; nothing logged so far was dropped`);
  }
  if (code === "3D000") return new StoreError(`the database of ${where} does not exist: create it (createdb NAME) or fix the URI`);
  if (code === "28P01" || code === "28000") return new StoreError(`PostgreSQL refused the login for ${where}: check the user and password in the URI`);
  if (code === "53100") return new StoreError(`the disk of the PostgreSQL server ${where} is full: free some space, then flush again; nothing logged so far was dropped`);
  if (code === "25006") return new StoreError(`the PostgreSQL store ${where} is read-only: connect to the primary or grant write access`);
  if (e?.message === "Connection terminated unexpectedly" || code === "57P01") {
    return new StoreError(`the PostgreSQL server ${where} closed the connection: check it is up, then flush again; nothing logged so far was dropped`);
  }
  return e instanceof Error ? e : new Error(String(e));
}

const RUN_COLUMNS =
  "id, name, project, parent_id, status, tags, notes, started_at, ended_at, error, pid, host, seed, git_commit, git_branch, git_dirty, archived";

function toInfo(r: any) {
  return {
    id: r.id, name: r.name, project: r.project, parentId: r.parent_id, status: r.status as RunStatus, tags: r.tags as string[],
    notes: r.notes, startedAt: r.started_at, endedAt: r.ended_at, durationMs: r.ended_at !== null ? r.ended_at - r.started_at : null,
    error: r.error, pid: r.pid, host: r.host, seed: r.seed, gitCommit: r.git_commit, gitBranch: r.git_branch, gitDirty: r.git_dirty, archived: !!r.archived,
  };
}

/** A media row as its record. */
export function mediaFromRow(r: any): MediaRecord {
  return { key: r.key, kind: r.kind, step: r.step, ts: r.ts, hash: r.hash, bytes: r.bytes, mime: r.mime, meta: JSON.parse(r.meta) };
}

/** What a NOTIFY names: a run, and the rows a write added (chunk and output id ranges, a media seq) for tails to read. */
export interface RunNote {
  run: string;
  chunks?: [number, number];
  output?: [number, number];
  media?: number;
}

/** PostgreSQL text cannot hold NUL: console output that has one keeps a visible stand-in rather than failing its batch. */
const noNul = (text: string) => (text.includes("\u0000") ? text.replace(/\u0000/g, "\uFFFD") : text);

const range = (ids: number[]): [number, number] => [Math.min(...ids), Math.max(...ids)];

/** Placeholders $1, $2 … collected with their values. */
class Args {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export class PostgresStore implements Store {
  readonly uri: string;
  readonly pool: Pool;
  private ready: Promise<void> | null = null;
  private closed = false;

  constructor(readonly url: string) {
    this.uri = redactUri(url);
    this.pool = new Pool({
      connectionString: url,
      max: 4,
      types: pgNumberTypes,
      // A script that ended its runs may exit even though idle connections remain.
      allowExitOnIdle: true,
      application_name: `modelbench pid ${process.pid}`,
      connectionTimeoutMillis: 15_000,
    });
    // An idle connection the server drops must not take the process down; the next query reconnects.
    this.pool.on("error", () => {});
  }

  /** Connects and migrates once; every method waits for it. */
  private init(): Promise<void> {
    return (this.ready ??= this.migrate().catch((e) => {
      this.ready = null;
      throw describePgError(this.url, e);
    }));
  }

  private async migrate(): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query("BEGIN");
      // Processes opening a new store together migrate once, one after the other.
      await c.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await c.query("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      const row = (await c.query("SELECT value FROM meta WHERE key = 'schema_version'")).rows[0];
      const current = row ? Number(row.value) : 0;
      if (current > PG_SCHEMA_VERSION) {
        throw new StoreError(
          `${this.uri} was written by a newer modelbench (store schema ${current}, this one knows ${PG_SCHEMA_VERSION}): upgrade modelbench; the store was not changed`,
        );
      }
      for (let v = current; v < PG_SCHEMA_VERSION; v++) await c.query(PG_MIGRATIONS[v]);
      if (current !== PG_SCHEMA_VERSION) {
        await c.query("INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(PG_SCHEMA_VERSION)]);
      }
      await c.query("COMMIT");
    } catch (e) {
      await c.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  /** One statement on any pooled connection, with errors that say what to do. */
  async query<R extends QueryResultRow = any>(sql: string, values: unknown[] = []): Promise<R[]> {
    await this.init();
    try {
      return (await this.pool.query<R>(sql, values)).rows;
    } catch (e) {
      throw describePgError(this.url, e);
    }
  }

  /** Runs `fn` in one transaction (committed when it resolves, rolled back when it throws). */
  async transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    await this.init();
    let c: PoolClient;
    try {
      c = await this.pool.connect();
    } catch (e) {
      throw describePgError(this.url, e);
    }
    try {
      await c.query("BEGIN");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => {});
      throw describePgError(this.url, e);
    } finally {
      c.release();
    }
  }

  /**
   * Delivered at commit, in commit order. A batch names the ranges of chunk and output ids it wrote (a
   * media write its seq): ids come from a sequence before commit, so "everything above the last id
   * seen" could skip a slower writer's rows, while a run's own batches are written one after the other.
   */
  private notify(c: { query: PoolClient["query"] }, runId: string, rows: Omit<RunNote, "run"> = {}) {
    const note: RunNote = { run: runId, ...rows };
    return c.query("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, JSON.stringify(note)]);
  }

  /** A model version or alias changed: tails tell their sidebars to reload the registry. */
  private notifyRegistry(c: { query: PoolClient["query"] }, name: string) {
    return c.query("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, JSON.stringify({ registry: name })]);
  }

  /**
   * A connection of its own holding one advisory lock per running run of this process. It dies with
   * the process (or its machine), which frees the locks: that is how a store on any machine tells a
   * crashed run from one still being written.
   */
  private liveness: Promise<Client> | null = null;
  private held = new Set<string>();

  private livenessClient(): Promise<Client> {
    return (this.liveness ??= (async () => {
      const c = new Client({ connectionString: this.url, application_name: `modelbench runs pid ${process.pid}` });
      c.on("error", () => {
        // The server went away and took the locks: take them again once it is back.
        this.liveness = null;
        const retry = setTimeout(() => void this.relock().catch(() => {}), 1000);
        retry.unref();
      });
      await c.connect();
      // A script may exit with runs still running (crash marking is for that): this must not keep it alive.
      (c as any).connection?.stream?.unref?.();
      return c;
    })().catch((e) => {
      this.liveness = null;
      throw describePgError(this.url, e);
    }));
  }

  /** A statement on the liveness connection, whose socket is kept alive only while it waits for the answer. */
  private async onLiveness(sql: string, id: string): Promise<void> {
    const c = await this.livenessClient();
    const stream = (c as any).connection?.stream;
    stream?.ref?.();
    try {
      await c.query(sql, [RUN_LOCKS, id]);
    } finally {
      stream?.unref?.();
    }
  }

  private async relock(): Promise<void> {
    if (this.closed || !this.held.size) return;
    for (const id of this.held) await this.onLiveness("SELECT pg_try_advisory_lock($1, hashtext($2))", id);
  }

  async createRun(r: RunInit): Promise<void> {
    await this.init();
    await this.onLiveness("SELECT pg_try_advisory_lock($1, hashtext($2))", r.id);
    this.held.add(r.id);
    await this.transaction(async (c) => {
      await c.query(
        `INSERT INTO runs (id, name, project, parent_id, status, tags, notes, started_at, pid, host, seed,
           source, notebook, notebook_path, git_commit, git_branch, git_dirty, git_diff, env)
         VALUES ($1, $2, $3, $4, 'running', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        [
          r.id, r.name, r.project, r.parentId, JSON.stringify(r.tags), r.notes, r.startedAt, r.pid, r.host, r.seed,
          r.source, r.notebook, r.notebookPath, r.git?.commit ?? null, r.git?.branch ?? null, !!r.git?.dirty,
          r.git?.diff ?? null, JSON.stringify(r.env),
        ],
      );
      await this.notify(c, r.id);
    });
  }

  async endRun(id: string, status: RunStatus, endedAt: number, error: string | null): Promise<void> {
    await this.transaction(async (c) => {
      await c.query("UPDATE runs SET status = $1, ended_at = $2, error = $3 WHERE id = $4", [status, endedAt, error, id]);
      await this.notify(c, id);
    });
    if (this.held.delete(id) && this.liveness) await this.onLiveness("SELECT pg_advisory_unlock($1, hashtext($2))", id).catch(() => {});
  }

  async setGoals(id: string, goals: Record<string, Goal>): Promise<void> {
    checkGoals(goals);
    await this.query("UPDATE runs SET goals = goals || $1::jsonb WHERE id = $2", [JSON.stringify(goals), id]);
  }

  async setTags(id: string, tags: string[]): Promise<void> {
    await this.transaction(async (c) => {
      await c.query("UPDATE runs SET tags = $1::jsonb WHERE id = $2", [JSON.stringify(tags), id]);
      await this.notify(c, id);
    });
  }

  async appendSource(id: string, code: string): Promise<void> {
    await this.query(
      "UPDATE runs SET source = CASE WHEN source IS NULL OR source = '' THEN $1 ELSE source || E'\\n\\n' || $1 END WHERE id = $2",
      [code, id],
    );
  }

  /** One transaction for the whole batch: points, params and summaries commit together, then listeners hear of it. */
  async writeBatch(batch: Batch): Promise<void> {
    // One row per key: a single upsert may not touch the same summary row twice.
    const byKey = new Map<string, Series>();
    for (const s of batch.series) {
      if (!s.values.length) continue;
      const m = byKey.get(s.key);
      if (!m) byKey.set(s.key, s);
      else byKey.set(s.key, { key: s.key, steps: m.steps.concat(s.steps), values: m.values.concat(s.values), ts: m.ts.concat(s.ts) });
    }
    const series = [...byKey.values()];
    const output = batch.output ?? [];
    if (!series.length && !batch.params.length && !output.length) return;
    await this.transaction(async (c) => {
      const rows: Omit<RunNote, "run"> = {};
      if (series.length) {
        const ids = await c.query(
          `INSERT INTO metric_chunks (run_id, key, n, steps, vals, ts)
           SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bytea[], $5::bytea[], $6::bytea[]) RETURNING id`,
          [batch.runId, series.map((s) => s.key), series.map((s) => s.values.length), series.map((s) => f64(s.steps)),
            series.map((s) => f64(s.values)), series.map((s) => f64(s.ts))],
        );
        rows.chunks = range(ids.rows.map((r) => r.id as number));
        // A key appears once per batch (the run's queue is keyed by metric), so one upsert takes them all.
        const sums = series.map((s) => ({ s, m: summarize(s) }));
        await c.query(
          `INSERT INTO metric_summary AS t (run_id, key, last, last_step, last_ts, min, max, count)
           SELECT $1, * FROM unnest($2::text[], $3::float8[], $4::bigint[], $5::float8[], $6::float8[], $7::float8[], $8::bigint[])
           ON CONFLICT (run_id, key) DO UPDATE SET
             last = CASE WHEN excluded.last_step > t.last_step OR (excluded.last_step = t.last_step AND excluded.last_ts >= t.last_ts)
                         THEN excluded.last ELSE t.last END,
             last_ts = CASE WHEN excluded.last_step > t.last_step OR (excluded.last_step = t.last_step AND excluded.last_ts >= t.last_ts)
                         THEN excluded.last_ts ELSE t.last_ts END,
             last_step = GREATEST(t.last_step, excluded.last_step),
             min = LEAST(t.min, excluded.min),
             max = GREATEST(t.max, excluded.max),
             count = t.count + excluded.count`,
          [batch.runId, sums.map((x) => x.s.key), sums.map((x) => nanToNull(x.m.last)), sums.map((x) => x.m.lastStep),
            sums.map((x) => x.m.lastTs), sums.map((x) => x.m.min), sums.map((x) => x.m.max), sums.map((x) => x.s.values.length)],
        );
      }
      if (batch.params.length) {
        // The last value of a key wins, as in a sequence of single upserts.
        const params = new Map(batch.params.map(([k, v]) => [k, JSON.stringify(v)]));
        await c.query(
          `INSERT INTO params (run_id, key, value) SELECT $1, * FROM unnest($2::text[], $3::text[])
           ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value`,
          [batch.runId, [...params.keys()], [...params.values()]],
        );
      }
      if (output.length) {
        const ids = await c.query(
          "INSERT INTO output (run_id, stream, ts, text) SELECT $1, * FROM unnest($2::text[], $3::float8[], $4::text[]) RETURNING id",
          [batch.runId, output.map((o) => o.stream), output.map((o) => o.ts), output.map((o) => noNul(o.text))],
        );
        rows.output = range(ids.rows.map((r) => r.id as number));
      }
      await this.notify(c, batch.runId, rows);
    });
  }

  /**
   * At process exit no event loop is left to talk to the server: a short-lived child process writes
   * the last batch and the run's end, and this process waits for it.
   */
  finishSync(batch: Batch | null, id: string, status: RunStatus, endedAt: number, error: string | null): void {
    const enc = (b: Batch) => ({
      runId: b.runId, params: b.params, output: b.output,
      series: b.series.map((s) => ({ key: s.key, steps: f64(s.steps).toString("base64"), values: f64(s.values).toString("base64"), ts: f64(s.ts).toString("base64") })),
    });
    const input = JSON.stringify({ url: this.url, batch: batch ? enc(batch) : null, end: { id, status, endedAt, error } });
    const r = spawnSync(process.execPath, [path.join(__dirname, "exit.js")], { input, stdio: ["pipe", "ignore", "pipe"], timeout: 30_000 });
    if (r.status !== 0) process.stderr.write(`modelbench: could not end run ${id.slice(0, 8)} in ${this.uri} at exit: ${r.stderr?.toString().trim() || r.error}\n`);
  }

  async recordData(runId: string, d: DataRecord): Promise<void> {
    await this.query(
      "INSERT INTO data (run_id, path, hash, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id, path) DO UPDATE SET hash = excluded.hash, bytes = excluded.bytes",
      [runId, d.path, d.hash, d.bytes],
    );
  }

  /** An exact id, a unique id prefix (4+ characters), or a name (its newest run). */
  async resolveRunId(ref: string): Promise<string> {
    const exact = await this.query("SELECT id FROM runs WHERE id = $1", [ref]);
    if (exact.length) return exact[0].id;
    if (ref.length >= 4 && /^[0-9a-f-]+$/i.test(ref)) {
      const rows = await this.query("SELECT id FROM runs WHERE id LIKE $1 LIMIT 2", [`${ref}%`]);
      if (rows.length === 1) return rows[0].id;
      if (rows.length > 1) throw new TrackingError(`run id prefix '${ref}' is ambiguous: give more characters (%runs lists runs)`);
    }
    const named = await this.query("SELECT id FROM runs WHERE name = $1 ORDER BY started_at DESC LIMIT 1", [ref]);
    if (named.length) return named[0].id;
    throw new UnknownRunError(ref);
  }

  async getRun(ref: string): Promise<RunDetail> {
    const id = await this.resolveRunId(ref);
    const [[r], params, metrics, data, artifacts] = await Promise.all([
      this.query(`SELECT ${RUN_COLUMNS}, source, notebook, notebook_path, git_diff, env, goals FROM runs WHERE id = $1`, [id]),
      this.query("SELECT key, value FROM params WHERE run_id = $1 ORDER BY key", [id]),
      this.query("SELECT * FROM metric_summary WHERE run_id = $1 ORDER BY key", [id]),
      this.query("SELECT path, hash, bytes FROM data WHERE run_id = $1 ORDER BY path", [id]),
      this.query("SELECT name, hash, bytes, kind, created_at FROM artifacts WHERE run_id = $1 ORDER BY name", [id]),
    ]);
    const p: Record<string, unknown> = {};
    for (const row of params) p[row.key] = JSON.parse(row.value);
    const m: Record<string, MetricSummary> = {};
    for (const row of metrics) m[row.key] = toSummary(row, r.goals);
    return {
      ...toInfo(r), source: r.source, notebook: r.notebook, notebookPath: r.notebook_path, gitDiff: r.git_diff, env: r.env,
      params: p, metrics: m, data: data as DataRecord[],
      artifacts: artifacts.map((a) => ({ name: a.name, hash: a.hash, bytes: a.bytes, kind: a.kind, createdAt: a.created_at })),
    };
  }

  private whereOf(filter: RunFilter, args: Args): string {
    const where: string[] = [];
    if (filter.archived !== "all") where.push(filter.archived ? "archived" : "NOT archived");
    if (filter.project) where.push(`project = ${args.add(filter.project)}`);
    if (filter.status?.length) where.push(`status = ANY(${args.add(filter.status)}::text[])`);
    if (filter.parentId !== undefined) where.push(filter.parentId === null ? "parent_id IS NULL" : `parent_id = ${args.add(filter.parentId)}`);
    // ILIKE: SQLite's LIKE ignores ASCII case too.
    if (filter.text) where.push(`(name ILIKE ${args.add(`%${filter.text}%`)} OR id ILIKE ${args.add(`${filter.text}%`)})`);
    if (filter.ids) where.push(`id = ANY(${args.add(filter.ids)}::text[])`);
    for (const t of filter.tags ?? []) where.push(`tags @> ${args.add(JSON.stringify([t]))}::jsonb`);
    for (const n of filter.narrowing ?? []) {
      if (n.kind === "metric") {
        // NULL (NaN) and absent metrics fail every such comparison, as in the predicate.
        where.push(`id IN (SELECT run_id FROM metric_summary WHERE key = ${args.add(n.key)} AND last ${n.op} ${args.add(n.value)})`);
      } else {
        // Params that are not JSON numbers are kept for the predicate to judge.
        where.push(
          `id IN (SELECT run_id FROM params WHERE key = ${args.add(n.key)} AND CASE WHEN jsonb_typeof(value::jsonb) = 'number'
             THEN (value::jsonb #>> '{}')::float8 ${n.op} ${args.add(n.value)} ELSE TRUE END)`,
        );
      }
    }
    return where.length ? `WHERE ${where.join(" AND ")}` : "";
  }

  async countRuns(filter: RunFilter = {}): Promise<number> {
    const args = new Args();
    const clause = this.whereOf(filter, args);
    return (await this.query(`SELECT COUNT(*)::int AS n FROM runs ${clause}`, args.values))[0].n;
  }

  async listRuns(filter: RunFilter = {}, shape: ListShape = {}): Promise<RunSummary[]> {
    const args = new Args();
    const clause = this.whereOf(filter, args);
    const limit = shape.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(shape.limit))}` : "";
    const rows = await this.query(`SELECT ${RUN_COLUMNS}, goals FROM runs ${clause} ORDER BY started_at DESC, seq DESC${limit}`, args.values);
    if (!rows.length) return [];
    const byId = new Map<string, RunSummary>();
    const goalsOf = new Map<string, Record<string, Goal>>();
    for (const r of rows) {
      byId.set(r.id, { ...toInfo(r), params: {}, metrics: {} });
      goalsOf.set(r.id, r.goals);
    }
    const ids = [...byId.keys()];
    const side = (table: string, cols: string, keys: "all" | string[] | undefined) => {
      if (Array.isArray(keys) && keys.length === 0) return Promise.resolve([] as any[]);
      return Array.isArray(keys)
        ? this.query(`SELECT ${cols} FROM ${table} WHERE run_id = ANY($1::text[]) AND key = ANY($2::text[])`, [ids, keys])
        : this.query(`SELECT ${cols} FROM ${table} WHERE run_id = ANY($1::text[])`, [ids]);
    };
    const [params, metrics] = await Promise.all([
      side("params", "run_id, key, value", shape.params),
      side("metric_summary", "run_id, key, last, last_step, min, max, count", shape.metrics),
    ]);
    for (const p of params) byId.get(p.run_id)!.params[p.key] = JSON.parse(p.value);
    for (const m of metrics) byId.get(m.run_id)!.metrics[m.key] = toSummary(m, goalsOf.get(m.run_id));
    return [...byId.values()];
  }

  async metricHistory(runId: string, key?: string): Promise<MetricPoint[]> {
    const id = await this.resolveRunId(runId);
    const rows = key
      ? await this.query("SELECT key, steps, vals, ts FROM metric_chunks WHERE run_id = $1 AND key = $2 ORDER BY id", [id, key])
      : await this.query("SELECT key, steps, vals, ts FROM metric_chunks WHERE run_id = $1 ORDER BY id", [id]);
    return pointsFromChunks(rows);
  }

  /**
   * Runs whose writer is gone become crashed: on this machine, runs whose process no longer exists (or
   * of the given pids); from any machine, runs whose writer's lock is free (its connection to the
   * server died with it).
   */
  async markCrashed(pids?: number[]): Promise<string[]> {
    const host = os.hostname();
    const running = await this.query<{ id: string; pid: number; host: string }>("SELECT id, pid, host FROM runs WHERE status = 'running'");
    const local = running.filter((r) => r.host === host && (pids ? pids.includes(r.pid) : !processAlive(r.pid)));
    const found = new Date().toISOString();
    return this.transaction(async (c) => {
      const dead = [...local];
      if (!pids) {
        for (const r of running) {
          if (r.host === host || this.held.has(r.id)) continue;
          // Taken only if nobody holds it; released at commit.
          const free = (await c.query("SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS free", [RUN_LOCKS, r.id])).rows[0].free;
          if (free) dead.push(r);
        }
      }
      const ids: string[] = [];
      for (const r of dead) {
        const res = await c.query(
          `UPDATE runs SET status = 'crashed', ended_at = COALESCE((SELECT MAX(last_ts) FROM metric_summary WHERE run_id = runs.id), started_at),
             error = $1 WHERE id = $2 AND status = 'running'`,
          [`the process (pid ${r.pid}${r.host === host ? "" : ` on ${r.host}`}) ended without finishing the run; found at ${found}`, r.id],
        );
        if (res.rowCount) {
          ids.push(r.id);
          await this.notify(c, r.id);
        }
      }
      return ids;
    });
  }

  async putArtifact(runId: string, name: string, content: Buffer, kind: string): Promise<ArtifactRecord> {
    const hash = createHash("sha256").update(content).digest("hex");
    const rec: ArtifactRecord = { name, hash, bytes: content.length, kind, createdAt: Date.now() };
    await this.transaction(async (c) => {
      // Same content, same row: a second upload of it writes nothing.
      await c.query("INSERT INTO blobs (hash, content) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING", [hash, content]);
      await c.query(
        `INSERT INTO artifacts (run_id, name, hash, bytes, kind, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (run_id, name) DO UPDATE SET hash = excluded.hash, bytes = excluded.bytes, kind = excluded.kind, created_at = excluded.created_at`,
        [runId, name, hash, rec.bytes, kind, rec.createdAt],
      );
    });
    return rec;
  }

  async setNotes(ref: string, notes: string | null): Promise<void> {
    const id = await this.resolveRunId(ref);
    await this.transaction(async (c) => {
      await c.query("UPDATE runs SET notes = $1 WHERE id = $2", [notes, id]);
      await this.notify(c, id);
    });
  }

  async setArchived(ref: string, archived: boolean): Promise<void> {
    const id = await this.resolveRunId(ref);
    await this.transaction(async (c) => {
      await c.query("UPDATE runs SET archived = $1 WHERE id = $2", [archived, id]);
      await this.notify(c, id);
    });
  }

  async deleteRun(ref: string): Promise<void> {
    const id = await this.resolveRunId(ref);
    await this.transaction(async (c) => {
      // The run's row stays locked until commit: the checks and the delete see the same run.
      await c.query("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", [id]);
      const nested = (await c.query("SELECT COUNT(*)::int AS n FROM runs WHERE parent_id = $1", [id])).rows[0].n;
      const models = (await c.query("SELECT name || '/' || version AS v FROM model_versions WHERE run_id = $1 ORDER BY name, version", [id])).rows.map((r) => r.v);
      checkDeletable(id, nested, models);
      for (const t of ["params", "metric_chunks", "metric_summary", "data", "artifacts", "media", "output"]) {
        await c.query(`DELETE FROM ${t} WHERE run_id = $1`, [id]);
      }
      await c.query("UPDATE trials SET run_id = NULL WHERE run_id = $1", [id]);
      await c.query("DELETE FROM runs WHERE id = $1", [id]);
    });
  }

  async putMedia(runId: string, item: MediaInput): Promise<MediaRecord> {
    const { content, ...rest } = item;
    const hash = createHash("sha256").update(content).digest("hex");
    const rec: MediaRecord = { ...rest, hash, bytes: content.length };
    await this.transaction(async (c) => {
      await c.query("INSERT INTO blobs (hash, content) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING", [hash, content]);
      // Logged again at the same step: replaced, with a new seq so that tails report it again.
      const seq = (await c.query(
        `INSERT INTO media (run_id, key, kind, step, ts, hash, bytes, mime, meta) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (run_id, key, step) DO UPDATE SET kind = excluded.kind, ts = excluded.ts, hash = excluded.hash, bytes = excluded.bytes,
           mime = excluded.mime, meta = excluded.meta, seq = nextval(pg_get_serial_sequence('media', 'seq'))
         RETURNING seq`,
        [runId, rec.key, rec.kind, rec.step, rec.ts, hash, rec.bytes, rec.mime, JSON.stringify(rec.meta ?? {})],
      )).rows[0].seq as number;
      await this.notify(c, runId, { media: seq });
    });
    return rec;
  }

  async listMedia(ref: string, key?: string): Promise<MediaRecord[]> {
    const id = await this.resolveRunId(ref);
    // Byte order, as SQLite sorts: the database's collation would order case and punctuation otherwise.
    const rows = key === undefined
      ? await this.query(`SELECT * FROM media WHERE run_id = $1 ORDER BY key COLLATE "C", step`, [id])
      : await this.query("SELECT * FROM media WHERE run_id = $1 AND key = $2 ORDER BY step", [id, key]);
    return rows.map(mediaFromRow);
  }

  async readOutput(ref: string, search?: string): Promise<OutputChunk[]> {
    const id = await this.resolveRunId(ref);
    return search
      ? this.query<OutputChunk>("SELECT stream, ts, text FROM output WHERE run_id = $1 AND strpos(lower(text), lower($2)) > 0 ORDER BY id", [id, search])
      : this.query<OutputChunk>("SELECT stream, ts, text FROM output WHERE run_id = $1 ORDER BY id", [id]);
  }

  async readArtifact(hash: string): Promise<Buffer> {
    const rows = await this.query("SELECT content FROM blobs WHERE hash = $1", [hash]);
    if (!rows.length) throw new StoreError(`artifact ${hash.slice(0, 12)} is missing from ${this.uri} (deleted by hand?)`);
    return rows[0].content;
  }

  async registerModel(name: string, runRef: string, artifact: string, description: string | null = null): Promise<ModelVersion> {
    checkModelName(name);
    const runId = await this.resolveRunId(runRef);
    const arts = await this.query("SELECT name, hash FROM artifacts WHERE run_id = $1", [runId]);
    const art = arts.find((a) => a.name === artifact);
    if (!art) {
      const names = arts.map((a) => a.name).sort();
      throw new TrackingError(
        `run ${runId.slice(0, 8)} has no artifact '${artifact}'${names.length ? ` (it has: ${names.join(", ")})` : " (it has none: save one with artifact(name, value))"}`,
      );
    }
    const created = Date.now();
    const version = await this.transaction(async (c) => {
      // Two processes registering the same name at once get consecutive versions.
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`modelbench model ${name}`]);
      const v = ((await c.query("SELECT MAX(version) AS v FROM model_versions WHERE name = $1", [name])).rows[0].v ?? 0) + 1;
      await c.query(
        "INSERT INTO model_versions (name, version, run_id, artifact, hash, created_at, description) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [name, v, runId, artifact, art.hash, created, description],
      );
      await this.notifyRegistry(c, name);
      return v as number;
    });
    return { name, version, runId, artifact, hash: art.hash, createdAt: created, aliases: [], description };
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    checkAlias(alias);
    const exists = await this.query("SELECT 1 FROM model_versions WHERE name = $1 AND version = $2", [name, version]);
    if (!exists.length) throw new UnknownModelError(`${name}/${version}`, "that version does not exist");
    await this.transaction(async (c) => {
      await c.query(
        "INSERT INTO model_aliases (name, alias, version) VALUES ($1, $2, $3) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version",
        [name, alias, version],
      );
      await this.notifyRegistry(c, name);
    });
  }

  async removeAlias(name: string, alias: string): Promise<void> {
    const removed = await this.transaction(async (c) => {
      const r = await c.query("DELETE FROM model_aliases WHERE name = $1 AND alias = $2 RETURNING 1", [name, alias]);
      if (r.rows.length) await this.notifyRegistry(c, name);
      return r.rows.length;
    });
    if (!removed) throw new UnknownModelError(`${name}@${alias}`, "no such alias");
  }

  async modelVersions(name?: string): Promise<ModelVersion[]> {
    const [rows, aliases] = await Promise.all([
      name
        ? this.query("SELECT * FROM model_versions WHERE name = $1 ORDER BY version", [name])
        : this.query("SELECT * FROM model_versions ORDER BY name, version"),
      this.query("SELECT name, alias, version FROM model_aliases"),
    ]);
    return versionsFromRows(rows, aliases);
  }

  async resolveModel(ref: string): Promise<ModelVersion> {
    return pickVersion(ref, (name) => this.modelVersions(name));
  }

  async gcArtifacts(): Promise<{ removed: string[]; bytes: number }> {
    const rows = await this.query(
      `DELETE FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.hash = b.hash)
         AND NOT EXISTS (SELECT 1 FROM model_versions m WHERE m.hash = b.hash)
         AND NOT EXISTS (SELECT 1 FROM media m WHERE m.hash = b.hash)
       RETURNING hash, length(content) AS bytes`,
    );
    return { removed: rows.map((r) => r.hash), bytes: rows.reduce((n, r) => n + r.bytes, 0) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const liveness = this.liveness;
    this.liveness = null;
    if (liveness) await liveness.then((c) => c.end()).catch(() => {});
    await this.pool.end();
  }
}
