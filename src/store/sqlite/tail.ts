// Follows a SQLite store as other processes write to it: which runs changed, and the new points of
// the runs being watched. Cheap when nothing happens: one `PRAGMA data_version` per poll.
import { EventEmitter } from "events";
import { mediaFromRow, SqliteStore } from "./store";
import type { MediaEvent, OutputEvent, PointsEvent, RunSummary, Store } from "../../track/types";
import type { Tail } from "../types";

function f64(b: Buffer): number[] {
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return Array.from(new Float64Array(copy.buffer));
}

export class StoreTail extends EventEmitter implements Tail {
  private store: SqliteStore;
  private timer: NodeJS.Timeout | null = null;
  private version = -1;
  private lastChunk = 0;
  private lastRun = 0;
  private lastMedia = 0;
  private lastOutput = 0;
  private running = new Set<string>();
  private registry = "";
  readonly watched = new Set<string>();

  /**
   * Emits "runs" (RunSummary[] that changed), "points" (PointsEvent[] of watched runs), "media"
   * (MediaEvent[] of watched runs), "output" (OutputEvent[] of watched runs) and "registry" (no payload).
   */
  constructor(file: string, private readonly intervalMs = 100) {
    super();
    this.store = new SqliteStore(file);
    const db = this.store.db;
    this.lastChunk = (db.prepare("SELECT COALESCE(MAX(rowid), 0) FROM metric_chunks").pluck().get() as number) ?? 0;
    this.lastRun = (db.prepare("SELECT COALESCE(MAX(rowid), 0) FROM runs").pluck().get() as number) ?? 0;
    this.lastMedia = (db.prepare("SELECT COALESCE(MAX(rowid), 0) FROM media").pluck().get() as number) ?? 0;
    this.lastOutput = (db.prepare("SELECT COALESCE(MAX(rowid), 0) FROM output").pluck().get() as number) ?? 0;
    for (const id of db.prepare("SELECT id FROM runs WHERE status = 'running'").pluck().all() as string[]) this.running.add(id);
    this.version = db.pragma("data_version", { simple: true }) as number;
    this.registry = this.registrySignature();
  }

  /** Changes whenever a model version is registered or an alias is set or removed (tiny tables). */
  private registrySignature(): string {
    const db = this.store.db;
    const versions = db.prepare("SELECT COUNT(*) || ':' || COALESCE(MAX(created_at), 0) FROM model_versions").pluck().get() as string;
    const aliases = db.prepare("SELECT COALESCE(group_concat(name || '@' || alias || '=' || version, ','), '') FROM (SELECT * FROM model_aliases ORDER BY name, alias)").pluck().get() as string;
    return `${versions}|${aliases}`;
  }

  /** The store it reads, for answering questions about what it reports. */
  get reader(): Store {
    return this.store;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.poll();
      } catch (e) {
        this.emit("error", e);
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Looks for changes now; returns whether there were any. */
  poll(): boolean {
    const db = this.store.db;
    const v = db.pragma("data_version", { simple: true }) as number;
    if (v === this.version) return false;
    this.version = v;
    const changed = new Set<string>();
    for (const r of db.prepare("SELECT rowid, id, status FROM runs WHERE rowid > ?").raw(true).all(this.lastRun) as any[][]) {
      this.lastRun = Math.max(this.lastRun, r[0]);
      changed.add(r[1]);
      if (r[2] === "running") this.running.add(r[1]);
    }
    if (this.running.size) {
      const ids = JSON.stringify([...this.running]);
      for (const [id, status] of db.prepare("SELECT id, status FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND status != 'running'").raw(true).all(ids) as any[][]) {
        this.running.delete(id);
        changed.add(id);
      }
    }
    const points: PointsEvent[] = [];
    for (const [rowid, runId, key, steps, vals, ts] of db.prepare("SELECT rowid, run_id, key, steps, vals, ts FROM metric_chunks WHERE rowid > ? ORDER BY rowid").raw(true).all(this.lastChunk) as any[][]) {
      this.lastChunk = rowid;
      changed.add(runId);
      if (this.watched.has(runId)) points.push({ runId, key, steps: f64(steps), values: f64(vals), ts: f64(ts) });
    }
    const media: MediaEvent[] = [];
    for (const row of db.prepare("SELECT rowid, * FROM media WHERE rowid > ? ORDER BY rowid").all(this.lastMedia) as any[]) {
      this.lastMedia = row.rowid;
      if (this.watched.has(row.run_id)) media.push({ runId: row.run_id, media: mediaFromRow(row) });
    }
    if (media.length) this.emit("media", media);
    const output: OutputEvent[] = [];
    for (const row of db.prepare("SELECT rowid, run_id, stream, ts, text FROM output WHERE rowid > ? ORDER BY rowid").all(this.lastOutput) as any[]) {
      this.lastOutput = row.rowid;
      if (this.watched.has(row.run_id)) output.push({ runId: row.run_id, chunks: [{ stream: row.stream, ts: row.ts, text: row.text }] });
    }
    if (output.length) this.emit("output", output);
    if (changed.size) {
      void this.store.listRuns({ ids: [...changed], archived: "all" }).then((runs: RunSummary[]) => this.emit("runs", runs));
    }
    if (points.length) this.emit("points", points);
    const registry = this.registrySignature();
    if (registry !== this.registry) {
      this.registry = registry;
      this.emit("registry");
    }
    return changed.size > 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    void this.store.close();
  }
}
