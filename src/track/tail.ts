// Follows a SQLite store as other processes write to it: which runs changed, and the new points of
// the runs being watched. Cheap when nothing happens: one `PRAGMA data_version` per poll.
import { EventEmitter } from "events";
import { SqliteStore } from "./sqlite";
import type { PointsEvent, RunSummary, Store } from "./types";
import { isPostgresUri } from "./postgres";
import { PgTail } from "./pgtail";
import { isMlflowUri, MlflowStore } from "./mlflowStore";
import { sqlitePath } from "../store/location";

export type { PointsEvent };

function f64(b: Buffer): number[] {
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return Array.from(new Float64Array(copy.buffer));
}

export class StoreTail extends EventEmitter {
  private store: SqliteStore;
  private timer: NodeJS.Timeout | null = null;
  private version = -1;
  private lastChunk = 0;
  private lastRun = 0;
  private running = new Set<string>();
  private registry = "";
  readonly watched = new Set<string>();

  /** Emits "runs" (RunSummary[] that changed), "points" (PointsEvent[] of watched runs) and "registry" (no payload). */
  constructor(file: string, private readonly intervalMs = 100) {
    super();
    this.store = new SqliteStore(file);
    const db = this.store.db;
    this.lastChunk = (db.prepare("SELECT COALESCE(MAX(rowid), 0) FROM metric_chunks").pluck().get() as number) ?? 0;
    this.lastRun = (db.prepare("SELECT COALESCE(MAX(rowid), 0) FROM runs").pluck().get() as number) ?? 0;
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

  get sqlite(): SqliteStore {
    return this.store;
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
    if (changed.size) {
      void this.store.listRuns({ ids: [...changed] }).then((runs: RunSummary[]) => this.emit("runs", runs));
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

/** What the kernel's sidebar needs of a tail, whichever the backend. */
export interface Tail extends EventEmitter {
  readonly watched: Set<string>;
  /** The store it reads, for answering questions about what it reports. */
  readonly reader: Store;
  start(): void | Promise<void>;
  stop(): void;
}

/** A tail of the store at `uri`: LISTEN/NOTIFY on PostgreSQL, a cheap poll on SQLite, runs/search every second on MLflow. */
export function openTail(uri: string): Tail {
  if (isPostgresUri(uri)) return new PgTail(uri);
  if (isMlflowUri(uri)) return new MlflowTail(uri);
  return new StoreTail(sqlitePath(uri));
}

/**
 * MLflow has no push: one runs/search a second. A run changed when its status, end time or latest
 * metric values/steps did; the new points of watched runs come from metrics/get-history (the points
 * past those already reported, per key).
 */
export class MlflowTail extends EventEmitter implements Tail {
  private store: MlflowStore;
  private timer: NodeJS.Timeout | null = null;
  private seen = new Map<string, string>();
  private sent = new Map<string, number>();
  private busy = false;
  private primed = false;
  readonly watched = new Set<string>();

  constructor(uri: string, private readonly intervalMs = 1000) {
    super();
    this.store = new MlflowStore(uri);
  }

  get reader(): Store {
    return this.store;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.poll().catch((e) => this.emit("error", e)).finally(() => (this.busy = false));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Looks for changes now; returns whether there were any. */
  async poll(): Promise<boolean> {
    const runs = await this.store.search("");
    const changed: string[] = [];
    const points: PointsEvent[] = [];
    for (const r of runs) {
      const id = r.data.tags?.find((t) => t.key === "modelbench.run_id")?.value ?? r.info.run_id;
      const sig = `${r.info.status}|${r.info.end_time ?? ""}|${(r.data.metrics ?? []).map((m) => `${m.key}:${m.step}:${m.timestamp}`).join(",")}`;
      if (this.seen.get(id) === sig) continue;
      this.seen.set(id, sig);
      if (this.primed) changed.push(id);
      if (this.watched.has(id)) {
        for (const m of r.data.metrics ?? []) {
          const h = await this.store.metricHistory(r.info.run_id, m.key);
          const k = `${id}\u0000${m.key}`;
          const fresh = h.slice(this.sent.get(k) ?? 0);
          this.sent.set(k, h.length);
          if (fresh.length) points.push({ runId: id, key: m.key, steps: fresh.map((p) => p.step), values: fresh.map((p) => p.value), ts: fresh.map((p) => p.ts) });
        }
      }
    }
    this.primed = true;
    if (changed.length) this.emit("runs", await this.store.listRuns({ ids: changed }));
    if (points.length) this.emit("points", points);
    return changed.length > 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
