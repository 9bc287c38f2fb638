// Studies and trials in a SQLite store. Reserving a trial happens under the store's write lock,
// so workers in other processes never get a trial number, an enqueued point or a grid point twice.
import { randomUUID } from "crypto";
import * as os from "os";
import type { SqliteStore } from "./store";
import { processAlive } from "../../track/records";
import { checkSameObjectives, objectivesColumns, orphanError, toListings, toStudyRecord, toTrial, type StoredState, type StudyListing, type StoredTrial, type StudyRecord, type StudyStorage, type TrialRow } from "../../tune/storage";
import type { TrialState } from "../../tune/types";

export class SqliteStudyStorage implements StudyStorage {
  constructor(readonly store: SqliteStore) {}

  refresh(): void {}

  private get db() {
    return this.store.db;
  }

  /** Loads the study of that name, or creates it. A loaded study must agree on its objectives (directions and metrics). */
  openStudy(init: Omit<StudyRecord, "id" | "runId">): { study: StudyRecord; created: boolean } {
    return this.db.transaction(() => {
      const row = this.db.prepare("SELECT * FROM studies WHERE name = ?").get(init.name) as any;
      if (row) {
        const study = toStudyRecord(row);
        checkSameObjectives(init.name, study, init);
        return { study, created: false };
      }
      const study: StudyRecord = { ...init, id: randomUUID(), runId: null };
      const objectives = objectivesColumns(study);
      this.db.prepare("INSERT INTO studies (id, name, direction, metric, space, sampler, pruner, created_at, directions, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .run(study.id, study.name, study.direction, study.metric, JSON.stringify(study.space), study.sampler, study.pruner, Date.now(), objectives.directions, objectives.metrics);
      return { study, created: true };
    }).immediate();
  }

  listStudies(): StudyListing[] {
    return this.db.transaction(() => toListings(
      this.db.prepare("SELECT * FROM studies").all() as any[],
      this.db.prepare("SELECT study_id, state, COUNT(*) AS n, MAX(COALESCE(ended_at, started_at)) AS last FROM trials WHERE warm = 0 GROUP BY study_id, state").all() as any[],
      this.db.prepare("SELECT study_id, MIN(value) AS lo, MAX(value) AS hi FROM trials WHERE warm = 0 AND state = 'complete' AND value IS NOT NULL GROUP BY study_id").all() as any[],
    ))();
  }

  findStudy(name: string): StudyRecord | null {
    const row = this.db.prepare("SELECT * FROM studies WHERE name = ?").get(name) as any;
    return row ? toStudyRecord(row) : null;
  }

  setStudyRun(studyId: string, runId: string): void {
    this.db.prepare("UPDATE studies SET run_id = ? WHERE id = ?").run(runId, studyId);
  }

  trials(studyId: string): StoredTrial[] {
    return (this.db.prepare("SELECT * FROM trials WHERE study_id = ? AND state != 'waiting' ORDER BY number").all(studyId) as TrialRow[]).map(toTrial);
  }

  counts(studyId: string): Record<StoredState, number> {
    const out: Record<StoredState, number> = { running: 0, complete: 0, pruned: 0, failed: 0, waiting: 0 };
    for (const r of this.db.prepare("SELECT state, COUNT(*) AS n FROM trials WHERE study_id = ? AND warm = 0 GROUP BY state").all(studyId) as any[]) out[r.state as StoredState] = r.n;
    return out;
  }

  enqueue(studyId: string, params: Record<string, unknown>): number {
    return this.db.transaction(() => {
      const n = this.nextNumber(studyId);
      this.db.prepare("INSERT INTO trials (study_id, number, state, params, started_at) VALUES (?, ?, 'waiting', ?, ?)").run(studyId, n, JSON.stringify(params), Date.now());
      return n;
    }).immediate();
  }

  /** Adds a finished trial from elsewhere (a warm start); it informs the sampler but is not counted. */
  addWarmTrial(studyId: string, params: Record<string, unknown>, value: number, runId: string): void {
    this.db.transaction(() => {
      this.db.prepare("INSERT INTO trials (study_id, number, run_id, state, params, value, started_at, ended_at, warm) VALUES (?, ?, ?, 'complete', ?, ?, ?, ?, 1)")
        .run(studyId, this.nextNumber(studyId), runId, JSON.stringify(params), value, Date.now(), Date.now());
    }).immediate();
  }

  private nextNumber(studyId: string): number {
    return ((this.db.prepare("SELECT MAX(number) AS n FROM trials WHERE study_id = ?").get(studyId) as any).n ?? -1) + 1;
  }

  /**
   * Takes the next trial: an enqueued one if any, else asks `sample` (given every trial so far),
   * all inside one write transaction. Returns null when `limit` trials already exist.
   */
  reserve(studyId: string, limit: number | null, sample: (trials: StoredTrial[]) => Record<string, unknown>): StoredTrial | null {
    return this.db.transaction(() => {
      const c = this.counts(studyId);
      if (limit !== null && c.running + c.complete + c.pruned + c.failed >= limit) return null;
      const now = Date.now();
      const waiting = this.db.prepare("SELECT * FROM trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1").get(studyId) as TrialRow | undefined;
      if (waiting) {
        this.db.prepare("UPDATE trials SET state = 'running', started_at = ?, pid = ?, host = ? WHERE study_id = ? AND number = ?")
          .run(now, process.pid, os.hostname(), studyId, waiting.number);
        return toTrial({ ...waiting, state: "running", started_at: now });
      }
      const params = sample(this.trials(studyId));
      const n = this.nextNumber(studyId);
      this.db.prepare("INSERT INTO trials (study_id, number, state, params, started_at, pid, host) VALUES (?, ?, 'running', ?, ?, ?, ?)")
        .run(studyId, n, JSON.stringify(params), now, process.pid, os.hostname());
      return { number: n, state: "running" as const, params, value: null, intermediate: new Map(), startedAt: now, endedAt: null, runId: null, warm: false };
    }).immediate();
  }

  setTrialRun(studyId: string, number: number, runId: string): void {
    this.db.prepare("UPDATE trials SET run_id = ? WHERE study_id = ? AND number = ?").run(runId, studyId, number);
  }

  report(studyId: string, number: number, step: number, value: number): void {
    this.db.prepare("UPDATE trials SET intermediate = json_set(intermediate, '$.\"' || ? || '\"', ?) WHERE study_id = ? AND number = ?")
      .run(String(step), Number.isNaN(value) ? null : value, studyId, number);
  }

  finish(studyId: string, number: number, state: Exclude<TrialState, "running">, value: number | null, error: string | null, values: number[] | null = null): void {
    this.db.prepare("UPDATE trials SET state = ?, value = ?, ended_at = ?, error = ?, objective_values = ? WHERE study_id = ? AND number = ?")
      .run(state, value === null || Number.isNaN(value) ? null : value, Date.now(), error, values ? JSON.stringify(values) : null, studyId, number);
  }

  failOrphans(studyId: string, alsoPid?: number): number[] {
    const host = os.hostname();
    const rows = this.db.prepare("SELECT number, pid, host FROM trials WHERE study_id = ? AND state = 'running'").all(studyId) as any[];
    const dead = rows.filter((r) => r.pid === alsoPid || (r.host === host && r.pid && !processAlive(r.pid)));
    for (const r of dead) this.finish(studyId, r.number, "failed", null, orphanError(r.pid));
    return dead.map((r) => r.number);
  }
}
