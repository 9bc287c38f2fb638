// The embedded default store: one SQLite file (WAL: readers never block the writer) and a folder
// of content-addressed artifact files beside it.
import Database from "better-sqlite3";
import { createHash, randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema";
import { checkDeletable } from "../delete";
import { StoreError, TrackingError, UnknownModelError, UnknownRunError } from "../../track/errors";
import { processAlive, checkAlias, checkModelName, f64, nanToNull, pickVersion, pointsFromChunks, versionsFromRows, summarize, checkGoals, toSummary } from "../../track/records";
import type {
  ArtifactRecord, Batch, DataRecord, MetricPoint, MetricSummary, ModelVersion, RunDetail, RunFilter, RunInfo,
  RunInit, RunStatus, RunSummary, Series, Store, Goal, ListShape, MediaInput, MediaRecord, OutputChunk,
} from "../../track/types";

/** A media row as its record. */
export function mediaFromRow(r: any): MediaRecord {
  return { key: r.key, kind: r.kind, step: r.step, ts: r.ts, hash: r.hash, bytes: r.bytes, mime: r.mime, meta: JSON.parse(r.meta) };
}

function describeOpenError(file: string, e: any): StoreError {
  const code = e?.code ?? "";
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new StoreError(
      `${file} is not a readable modelbench store (${e.message}); it was left untouched: move it aside or set MODELBENCH_STORE to another file`,
    );
  }
  if (code === "SQLITE_CANTOPEN" || code === "SQLITE_READONLY" || code === "EACCES" || code === "EROFS") {
    return new StoreError(`cannot write the store ${file} (${e.message}): check that its folder is writable, or set MODELBENCH_STORE`);
  }
  return new StoreError(`cannot open the store ${file}: ${e?.message ?? e}`);
}

/** Turns SQLite's write failures into errors that say what to do. */
export function describeWriteError(file: string, e: any): Error {
  const code = e?.code ?? "";
  if (code === "SQLITE_FULL") return new StoreError(`the disk holding ${file} is full: free some space, then flush again; nothing logged so far was dropped`);
  if (code === "SQLITE_READONLY") return new StoreError(`the store ${file} is read-only: make it writable or set MODELBENCH_STORE to a writable file`);
  if (code === "SQLITE_BUSY") return new StoreError(`the store ${file} stayed locked by another process for too long: try again`);
  return e instanceof Error ? e : new Error(String(e));
}

interface RunRow {
  id: string; name: string; project: string; parent_id: string | null; status: RunStatus; tags: string;
  notes: string | null; started_at: number; ended_at: number | null; error: string | null; pid: number;
  host: string; seed: number | null; git_commit: string | null; git_branch: string | null; git_dirty: number; archived: number;
}

const RUN_COLUMNS =
  "id, name, project, parent_id, status, tags, notes, started_at, ended_at, error, pid, host, seed, git_commit, git_branch, git_dirty, archived";

function toInfo(r: RunRow): RunInfo {
  return {
    id: r.id, name: r.name, project: r.project, parentId: r.parent_id, status: r.status, tags: JSON.parse(r.tags),
    notes: r.notes, startedAt: r.started_at, endedAt: r.ended_at,
    durationMs: r.ended_at !== null ? r.ended_at - r.started_at : null,
    error: r.error, pid: r.pid, host: r.host, seed: r.seed, gitCommit: r.git_commit, gitBranch: r.git_branch,
    gitDirty: !!r.git_dirty, archived: !!r.archived,
  };
}

export class SqliteStore implements Store {
  readonly uri: string;
  readonly db: Database.Database;
  readonly artifactDir: string;
  private stmts: Record<string, Database.Statement>;

  constructor(readonly file: string) {
    this.uri = `sqlite://${file}`;
    this.artifactDir = path.join(path.dirname(file), "artifacts");
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      this.db = new Database(file, { timeout: 10_000 });
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.migrate();
    } catch (e) {
      if (e instanceof TrackingError) throw e;
      throw describeOpenError(file, e);
    }
    this.stmts = {
      insertOutput: this.db.prepare("INSERT INTO output (run_id, stream, ts, text) VALUES (?, ?, ?, ?)"),
      insertChunk: this.db.prepare("INSERT INTO metric_chunks (run_id, key, n, steps, vals, ts) VALUES (?, ?, ?, ?, ?, ?)"),
      upsertParam: this.db.prepare(
        "INSERT INTO params (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
      ),
      upsertSummary: this.db.prepare(`
        INSERT INTO metric_summary (run_id, key, last, last_step, last_ts, min, max, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (run_id, key) DO UPDATE SET
          last = CASE WHEN excluded.last_step > last_step OR (excluded.last_step = last_step AND excluded.last_ts >= last_ts)
                      THEN excluded.last ELSE last END,
          last_ts = CASE WHEN excluded.last_step > last_step OR (excluded.last_step = last_step AND excluded.last_ts >= last_ts)
                      THEN excluded.last_ts ELSE last_ts END,
          last_step = MAX(last_step, excluded.last_step),
          min = CASE WHEN min IS NULL THEN excluded.min WHEN excluded.min IS NULL THEN min ELSE MIN(min, excluded.min) END,
          max = CASE WHEN max IS NULL THEN excluded.max WHEN excluded.max IS NULL THEN max ELSE MAX(max, excluded.max) END,
          count = count + excluded.count`),
    };
  }

  private migrate(): void {
    const version = () => {
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      return row ? Number(row.value) : 0;
    };
    this.db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    const check = (current: number) => {
      if (current > SCHEMA_VERSION) {
        throw new StoreError(
          `${this.file} was written by a newer modelbench (store schema ${current}, this one knows ${SCHEMA_VERSION}): upgrade modelbench; the store was not changed`,
        );
      }
    };
    check(version());
    if (version() === SCHEMA_VERSION) return;
    // IMMEDIATE takes the write lock first, so processes opening a new store together migrate once.
    this.db.transaction(() => {
      const current = version();
      check(current);
      for (let v = current; v < SCHEMA_VERSION; v++) this.db.exec(MIGRATIONS[v]);
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .run(String(SCHEMA_VERSION));
    }).immediate();
  }

  private write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw describeWriteError(this.file, e);
    }
  }

  async createRun(r: RunInit): Promise<void> {
    this.write(() =>
      this.db.prepare(`INSERT INTO runs (id, name, project, parent_id, status, tags, notes, started_at, pid, host, seed,
          source, notebook, notebook_path, git_commit, git_branch, git_dirty, git_diff, env)
        VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        r.id, r.name, r.project, r.parentId, JSON.stringify(r.tags), r.notes, r.startedAt, r.pid, r.host, r.seed,
        r.source, r.notebook, r.notebookPath, r.git?.commit ?? null, r.git?.branch ?? null, r.git?.dirty ? 1 : 0,
        r.git?.diff ?? null, JSON.stringify(r.env),
      ),
    );
  }

  async endRun(id: string, status: RunStatus, endedAt: number, error: string | null): Promise<void> {
    this.finishSync(null, id, status, endedAt, error);
  }

  async setGoals(id: string, goals: Record<string, Goal>): Promise<void> {
    checkGoals(goals);
    this.write(() =>
      this.db.prepare("UPDATE runs SET goals = json_patch(goals, ?) WHERE id = ?").run(JSON.stringify(goals), id),
    );
  }

  async setTags(id: string, tags: string[]): Promise<void> {
    this.write(() => this.db.prepare("UPDATE runs SET tags = ? WHERE id = ?").run(JSON.stringify(tags), id));
  }

  async setNotes(id: string, notes: string | null): Promise<void> {
    const runId = this.resolveRunId(id);
    this.write(() => this.db.prepare("UPDATE runs SET notes = ? WHERE id = ?").run(notes, runId));
  }

  async setArchived(id: string, archived: boolean): Promise<void> {
    const runId = this.resolveRunId(id);
    this.write(() => this.db.prepare("UPDATE runs SET archived = ? WHERE id = ?").run(archived ? 1 : 0, runId));
  }

  async deleteRun(id: string): Promise<void> {
    const runId = this.resolveRunId(id);
    const children = this.db.prepare("SELECT COUNT(*) FROM runs WHERE parent_id = ?").pluck().get(runId) as number;
    const models = this.db.prepare("SELECT name || '/' || version FROM model_versions WHERE run_id = ? ORDER BY name, version").pluck().all(runId) as string[];
    checkDeletable(runId, children, models);
    this.write(() =>
      this.db.transaction(() => {
        for (const t of ["params", "metric_chunks", "metric_summary", "data", "artifacts", "media", "output"]) {
          this.db.prepare(`DELETE FROM ${t} WHERE run_id = ?`).run(runId);
        }
        this.db.prepare("UPDATE trials SET run_id = NULL WHERE run_id = ?").run(runId);
        this.db.prepare("DELETE FROM runs WHERE id = ?").run(runId);
      })(),
    );
  }

  async appendSource(id: string, code: string): Promise<void> {
    this.write(() =>
      this.db.prepare("UPDATE runs SET source = CASE WHEN source IS NULL OR source = '' THEN ? ELSE source || char(10) || char(10) || ? END WHERE id = ?")
        .run(code, code, id),
    );
  }

  async writeBatch(batch: Batch): Promise<void> {
    this.writeBatchSync(batch);
  }

  /** One transaction for the whole batch: the points, the params and the summaries move together. */
  writeBatchSync(batch: Batch): void {
    const { insertChunk, upsertParam, upsertSummary, insertOutput } = this.stmts;
    this.write(() =>
      this.db.transaction(() => {
        for (const series of batch.series) {
          const n = series.values.length;
          if (!n) continue;
          insertChunk.run(batch.runId, series.key, n, f64(series.steps), f64(series.values), f64(series.ts));
          const s = summarize(series);
          upsertSummary.run(batch.runId, series.key, nanToNull(s.last), s.lastStep, s.lastTs, s.min, s.max, n);
        }
        for (const [k, v] of batch.params) upsertParam.run(batch.runId, k, JSON.stringify(v));
        for (const o of batch.output ?? []) insertOutput.run(batch.runId, o.stream, o.ts, o.text);
      })(),
    );
  }

  /** At process exit: the run's last batch and its end, written before this returns. */
  finishSync(batch: Batch | null, id: string, status: RunStatus, endedAt: number, error: string | null): void {
    if (batch) this.writeBatchSync(batch);
    this.write(() => this.db.prepare("UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ?").run(status, endedAt, error, id));
  }

  async recordData(runId: string, d: DataRecord): Promise<void> {
    this.write(() =>
      this.db.prepare("INSERT INTO data (run_id, path, hash, bytes) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, path) DO UPDATE SET hash = excluded.hash, bytes = excluded.bytes")
        .run(runId, d.path, d.hash, d.bytes),
    );
  }

  /** An exact id, a unique id prefix (4+ characters), or a name (its newest run). */
  resolveRunId(ref: string): string {
    const exact = this.db.prepare("SELECT id FROM runs WHERE id = ?").get(ref) as { id: string } | undefined;
    if (exact) return exact.id;
    if (ref.length >= 4 && /^[0-9a-f-]+$/i.test(ref)) {
      const rows = this.db.prepare("SELECT id FROM runs WHERE id LIKE ? LIMIT 2").all(`${ref}%`) as Array<{ id: string }>;
      if (rows.length === 1) return rows[0].id;
      if (rows.length > 1) throw new TrackingError(`run id prefix '${ref}' is ambiguous: give more characters (%runs lists runs)`);
    }
    const named = this.db.prepare("SELECT id FROM runs WHERE name = ? ORDER BY started_at DESC LIMIT 1").get(ref) as { id: string } | undefined;
    if (named) return named.id;
    throw new UnknownRunError(ref);
  }

  async getRun(ref: string): Promise<RunDetail> {
    const id = this.resolveRunId(ref);
    const r = this.db.prepare(`SELECT ${RUN_COLUMNS}, source, notebook, notebook_path, git_diff, env, goals FROM runs WHERE id = ?`).get(id) as any;
    const goals = JSON.parse(r.goals);
    const params: Record<string, unknown> = {};
    for (const p of this.db.prepare("SELECT key, value FROM params WHERE run_id = ? ORDER BY key").all(id) as any[]) params[p.key] = JSON.parse(p.value);
    const metrics: Record<string, MetricSummary> = {};
    for (const m of this.db.prepare("SELECT * FROM metric_summary WHERE run_id = ? ORDER BY key").all(id) as any[]) metrics[m.key] = toSummary(m, goals);
    const data = this.db.prepare("SELECT path, hash, bytes FROM data WHERE run_id = ? ORDER BY path").all(id) as DataRecord[];
    const artifacts = (this.db.prepare("SELECT name, hash, bytes, kind, created_at FROM artifacts WHERE run_id = ? ORDER BY name").all(id) as any[])
      .map((a) => ({ name: a.name, hash: a.hash, bytes: a.bytes, kind: a.kind, createdAt: a.created_at }));
    return {
      ...toInfo(r), source: r.source, notebook: r.notebook, notebookPath: r.notebook_path, gitDiff: r.git_diff,
      env: JSON.parse(r.env), params, metrics, data, artifacts,
    };
  }

  /** The WHERE clause of a filter; `narrows` when it selects more than "not archived" (the default, which leaves out few). */
  private whereOf(filter: RunFilter): { clause: string; args: unknown[]; narrows: boolean } {
    const where: string[] = [];
    const args: unknown[] = [];
    const hidesArchived = filter.archived === undefined || filter.archived === false;
    if (filter.archived !== "all") where.push(filter.archived ? "archived = 1" : "archived = 0");
    if (filter.project) {
      where.push("project = ?");
      args.push(filter.project);
    }
    if (filter.status?.length) {
      where.push(`status IN (${filter.status.map(() => "?").join(",")})`);
      args.push(...filter.status);
    }
    if (filter.parentId !== undefined) {
      where.push(filter.parentId === null ? "parent_id IS NULL" : "parent_id = ?");
      if (filter.parentId !== null) args.push(filter.parentId);
    }
    if (filter.text) {
      where.push("(name LIKE ? OR id LIKE ?)");
      args.push(`%${filter.text}%`, `${filter.text}%`);
    }
    if (filter.ids) {
      where.push(`id IN (SELECT value FROM json_each(?))`);
      args.push(JSON.stringify(filter.ids));
    }
    for (const t of filter.tags ?? []) {
      where.push("EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE value = ?)");
      args.push(t);
    }
    for (const n of filter.narrowing ?? []) {
      if (n.kind === "metric") {
        // NULL (NaN) and absent metrics fail every such comparison, as in the predicate.
        where.push(`id IN (SELECT run_id FROM metric_summary WHERE key = ? AND last ${n.op} ?)`);
        args.push(n.key, n.value);
      } else {
        // Params that are not JSON numbers are kept for the predicate to judge.
        where.push(`id IN (SELECT run_id FROM params WHERE key = ? AND (json_type(value) NOT IN ('integer', 'real') OR json_extract(value, '$') ${n.op} ?))`);
        args.push(n.key, n.value);
      }
    }
    return { clause: where.length ? `WHERE ${where.join(" AND ")}` : "", args, narrows: where.length > (hidesArchived ? 1 : 0) };
  }

  async countRuns(filter: RunFilter = {}): Promise<number> {
    const { clause, args } = this.whereOf(filter);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM runs ${clause}`).get(...args) as { n: number }).n;
  }

  async listRuns(filter: RunFilter = {}, shape: ListShape = {}): Promise<RunSummary[]> {
    const { clause, args, narrows } = this.whereOf(filter);
    const limit = shape.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(shape.limit))}` : "";
    // Raw rows and plain object literals: with 10,000 runs, object spreads and helpers add up.
    const rows = this.db.prepare(`SELECT ${RUN_COLUMNS}, goals FROM runs ${clause} ORDER BY started_at DESC${limit}`).raw(true).all(...args) as any[][];
    if (!rows.length) return [];
    const byId = new Map<string, RunSummary>();
    const goalsOf = new Map<string, Record<string, Goal>>();
    for (const r of rows) {
      byId.set(r[0], {
        id: r[0], name: r[1], project: r[2], parentId: r[3], status: r[4], tags: r[5] === "[]" ? [] : JSON.parse(r[5]),
        notes: r[6], startedAt: r[7], endedAt: r[8], durationMs: r[8] !== null ? r[8] - r[7] : null, error: r[9],
        pid: r[10], host: r[11], seed: r[12], gitCommit: r[13], gitBranch: r[14], gitDirty: !!r[15], archived: !!r[16], params: {}, metrics: {},
      });
      if (r[17] !== "{}") goalsOf.set(r[0], JSON.parse(r[17]));
    }
    // The side tables are read for the listed runs only when something narrowed them down.
    const narrowed = narrows || limit !== "";
    const runCond = narrowed ? "run_id IN (SELECT value FROM json_each(?))" : "1";
    const runArgs = narrowed ? [JSON.stringify([...byId.keys()])] : [];
    const side = (table: string, cols: string, keys: "all" | string[] | undefined) => {
      if (Array.isArray(keys) && keys.length === 0) return [];
      const keyCond = Array.isArray(keys) ? ` AND key IN (${keys.map(() => "?").join(",")})` : "";
      return this.db.prepare(`SELECT ${cols} FROM ${table} WHERE ${runCond}${keyCond}`).raw(true).all(...runArgs, ...(Array.isArray(keys) ? keys : [])) as any[][];
    };
    for (const [runId, key, value] of side("params", "run_id, key, value", shape.params)) {
      const run = byId.get(runId);
      if (run) run.params[key] = JSON.parse(value);
    }
    for (const [runId, key, last, last_step, min, max, count] of side("metric_summary", "run_id, key, last, last_step, min, max, count", shape.metrics)) {
      const run = byId.get(runId);
      if (run) run.metrics[key] = toSummary({ key, last, last_step, min, max, count }, goalsOf.get(runId));
    }
    return [...byId.values()];
  }

  async metricHistory(runId: string, key?: string): Promise<MetricPoint[]> {
    const id = this.resolveRunId(runId);
    const rows = (key
      ? this.db.prepare("SELECT key, steps, vals, ts FROM metric_chunks WHERE run_id = ? AND key = ? ORDER BY rowid").all(id, key)
      : this.db.prepare("SELECT key, steps, vals, ts FROM metric_chunks WHERE run_id = ? ORDER BY rowid").all(id)) as any[];
    return pointsFromChunks(rows);
  }

  async markCrashed(pids?: number[]): Promise<string[]> {
    const host = os.hostname();
    const running = this.db.prepare("SELECT id, pid FROM runs WHERE status = 'running' AND host = ?").all(host) as Array<{ id: string; pid: number }>;
    const dead = running.filter((r) => (pids ? pids.includes(r.pid) : !processAlive(r.pid)));
    if (!dead.length) return [];
    const now = Date.now();
    const stmt = this.db.prepare(
      "UPDATE runs SET status = 'crashed', ended_at = COALESCE((SELECT MAX(last_ts) FROM metric_summary WHERE run_id = runs.id), started_at), error = ? WHERE id = ? AND status = 'running'",
    );
    this.write(() =>
      this.db.transaction(() => {
        for (const r of dead) stmt.run(`the process (pid ${r.pid}) ended without finishing the run; found at ${new Date(now).toISOString()}`, r.id);
      })(),
    );
    return dead.map((r) => r.id);
  }

  private artifactPath(hash: string): string {
    return path.join(this.artifactDir, hash.slice(0, 2), hash);
  }

  /** Writes a content-addressed file (once per content); returns its hash. */
  private putBlob(content: Buffer): string {
    const hash = createHash("sha256").update(content).digest("hex");
    const file = this.artifactPath(hash);
    this.write(() => {
      if (!fs.existsSync(file)) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const tmp = `${file}.${randomUUID()}.tmp`;
        fs.writeFileSync(tmp, content);
        fs.renameSync(tmp, file); // atomic: a reader never sees half a file
      }
    });
    return hash;
  }

  async putMedia(runId: string, item: MediaInput): Promise<MediaRecord> {
    const hash = this.putBlob(item.content);
    const { content, ...rest } = item;
    const rec: MediaRecord = { ...rest, hash, bytes: content.length };
    this.write(() =>
      this.db.prepare(`INSERT OR REPLACE INTO media (run_id, key, kind, step, ts, hash, bytes, mime, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(runId, rec.key, rec.kind, rec.step, rec.ts, hash, rec.bytes, rec.mime, JSON.stringify(rec.meta ?? {})),
    );
    return rec;
  }

  async listMedia(runId: string, key?: string): Promise<MediaRecord[]> {
    const id = this.resolveRunId(runId);
    const rows = (key === undefined
      ? this.db.prepare("SELECT * FROM media WHERE run_id = ? ORDER BY key, step").all(id)
      : this.db.prepare("SELECT * FROM media WHERE run_id = ? AND key = ? ORDER BY step").all(id, key)) as any[];
    return rows.map(mediaFromRow);
  }

  async readOutput(runId: string, search?: string): Promise<OutputChunk[]> {
    const id = this.resolveRunId(runId);
    const rows = (search
      ? this.db.prepare("SELECT stream, ts, text FROM output WHERE run_id = ? AND instr(lower(text), lower(?)) > 0 ORDER BY rowid").all(id, search)
      : this.db.prepare("SELECT stream, ts, text FROM output WHERE run_id = ? ORDER BY rowid").all(id)) as OutputChunk[];
    return rows;
  }

  async putArtifact(runId: string, name: string, content: Buffer, kind: string): Promise<ArtifactRecord> {
    const hash = this.putBlob(content);
    const rec: ArtifactRecord = { name, hash, bytes: content.length, kind, createdAt: Date.now() };
    this.write(() =>
      this.db.prepare(`INSERT INTO artifacts (run_id, name, hash, bytes, kind, created_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (run_id, name) DO UPDATE SET hash = excluded.hash, bytes = excluded.bytes, kind = excluded.kind, created_at = excluded.created_at`)
        .run(runId, name, hash, rec.bytes, kind, rec.createdAt),
    );
    return rec;
  }

  async readArtifact(hash: string): Promise<Buffer> {
    const file = this.artifactPath(hash);
    if (!fs.existsSync(file)) throw new StoreError(`artifact ${hash.slice(0, 12)} is missing from ${this.artifactDir} (deleted by hand?)`);
    return fs.readFileSync(file);
  }

  async registerModel(name: string, runRef: string, artifact: string, description: string | null = null): Promise<ModelVersion> {
    checkModelName(name);
    const runId = this.resolveRunId(runRef);
    const art = this.db.prepare("SELECT hash FROM artifacts WHERE run_id = ? AND name = ?").get(runId, artifact) as { hash: string } | undefined;
    if (!art) {
      const names = (this.db.prepare("SELECT name FROM artifacts WHERE run_id = ?").all(runId) as any[]).map((a) => a.name);
      throw new TrackingError(
        `run ${runId.slice(0, 8)} has no artifact '${artifact}'${names.length ? ` (it has: ${names.join(", ")})` : " (it has none: save one with artifact(name, value))"}`,
      );
    }
    const created = Date.now();
    const version = this.write(() =>
      this.db.transaction(() => {
        const v = ((this.db.prepare("SELECT MAX(version) AS v FROM model_versions WHERE name = ?").get(name) as any).v ?? 0) + 1;
        this.db.prepare("INSERT INTO model_versions (name, version, run_id, artifact, hash, created_at, description) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .run(name, v, runId, artifact, art.hash, created, description);
        return v as number;
      })(),
    );
    return { name, version, runId, artifact, hash: art.hash, createdAt: created, aliases: [], description };
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    checkAlias(alias);
    const exists = this.db.prepare("SELECT 1 FROM model_versions WHERE name = ? AND version = ?").get(name, version);
    if (!exists) throw new UnknownModelError(`${name}/${version}`, "that version does not exist");
    this.write(() =>
      this.db.prepare("INSERT INTO model_aliases (name, alias, version) VALUES (?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version")
        .run(name, alias, version),
    );
  }

  async removeAlias(name: string, alias: string): Promise<void> {
    const r = this.write(() => this.db.prepare("DELETE FROM model_aliases WHERE name = ? AND alias = ?").run(name, alias));
    if (r.changes === 0) throw new UnknownModelError(`${name}@${alias}`, "no such alias");
  }

  async modelVersions(name?: string): Promise<ModelVersion[]> {
    const rows = (name
      ? this.db.prepare("SELECT * FROM model_versions WHERE name = ? ORDER BY version").all(name)
      : this.db.prepare("SELECT * FROM model_versions ORDER BY name, version").all()) as any[];
    const aliases = this.db.prepare("SELECT name, alias, version FROM model_aliases").all() as any[];
    return versionsFromRows(rows, aliases);
  }

  /** `name`, `name/3` or `name@alias`. */
  async resolveModel(ref: string): Promise<ModelVersion> {
    return pickVersion(ref, (name) => this.modelVersions(name));
  }

  async gcArtifacts(): Promise<{ removed: string[]; bytes: number }> {
    const used = new Set<string>([
      ...(this.db.prepare("SELECT hash FROM artifacts").all() as any[]).map((r) => r.hash),
      ...(this.db.prepare("SELECT hash FROM model_versions").all() as any[]).map((r) => r.hash),
      ...(this.db.prepare("SELECT DISTINCT hash FROM media").pluck().all() as string[]),
    ]);
    const removed: string[] = [];
    let bytes = 0;
    if (!fs.existsSync(this.artifactDir)) return { removed, bytes };
    for (const sub of fs.readdirSync(this.artifactDir)) {
      const dir = path.join(this.artifactDir, sub);
      if (!fs.statSync(dir).isDirectory()) continue;
      for (const f of fs.readdirSync(dir)) {
        if (used.has(f)) continue;
        const file = path.join(dir, f);
        bytes += fs.statSync(file).size;
        fs.unlinkSync(file);
        removed.push(f);
      }
    }
    return { removed, bytes };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
