// Studies on the PostgreSQL store, for workers on several machines. Reserving a trial takes a
// per-study advisory lock for one transaction, so trial numbers, enqueued points and grid points go
// to exactly one worker, and the sampler sees every trial reserved before (the same guarantee the
// SQLite store gets from its write lock). Reports are written in order behind the training loop.
import { randomUUID } from "crypto";
import * as os from "os";
import { RUN_LOCKS, type PostgresStore } from "./store";
import { processAlive } from "../../track/records";
import { checkSameObjectives, objectivesColumns, orphanError, toListings, toStudyRecord, toTrial, type StoredState, type StudyListing, type StoredTrial, type StudyRecord, type StudyStorage, type TrialRow } from "../../tune/storage";
import type { TrialState } from "../../tune/types";

const STATES: StoredState[] = ["running", "complete", "pruned", "failed", "waiting"];

export class PgStudyStorage implements StudyStorage {
  /** The trials of each study as last read, plus this process's reports not yet written. */
  private copy = new Map<string, StoredTrial[]>();
  private unwritten = new Map<string, { studyId: string; number: number; step: number; value: number }>();
  private writes: Promise<void> = Promise.resolve();
  private failed: Error | null = null;

  constructor(readonly store: PostgresStore) {}

  async openStudy(init: Omit<StudyRecord, "id" | "runId">): Promise<{ study: StudyRecord; created: boolean }> {
    const fresh: StudyRecord = { ...init, id: randomUUID(), runId: null };
    // Two processes creating the same study at once: one insert wins, both read the winner.
    const objectives = objectivesColumns(fresh);
    const inserted = await this.store.query(
      `INSERT INTO studies (id, name, direction, metric, space, sampler, pruner, created_at, directions, metrics) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (name) DO NOTHING RETURNING id`,
      [fresh.id, fresh.name, fresh.direction, fresh.metric, JSON.stringify(fresh.space), fresh.sampler, fresh.pruner, Date.now(), objectives.directions, objectives.metrics],
    );
    const [row] = await this.store.query("SELECT * FROM studies WHERE name = $1", [init.name]);
    const study = toStudyRecord(row);
    if (!inserted.length) checkSameObjectives(init.name, study, init);
    await this.refresh(study.id);
    return { study, created: inserted.length > 0 };
  }

  async listStudies(): Promise<StudyListing[]> {
    const [studies, byState, extremes] = await Promise.all([
      this.store.query("SELECT * FROM studies"),
      this.store.query<any>("SELECT study_id, state, COUNT(*) AS n, MAX(COALESCE(ended_at, started_at)) AS last FROM trials WHERE NOT warm GROUP BY study_id, state"),
      this.store.query<any>("SELECT study_id, MIN(value) AS lo, MAX(value) AS hi FROM trials WHERE NOT warm AND state = 'complete' AND value IS NOT NULL GROUP BY study_id"),
    ]);
    return toListings(studies, byState, extremes);
  }

  async findStudy(name: string): Promise<StudyRecord | null> {
    const [row] = await this.store.query("SELECT * FROM studies WHERE name = $1", [name]);
    return row ? toStudyRecord(row) : null;
  }

  async setStudyRun(studyId: string, runId: string): Promise<void> {
    await this.store.query("UPDATE studies SET run_id = $1 WHERE id = $2", [runId, studyId]);
  }

  trials(studyId: string): StoredTrial[] {
    return (this.copy.get(studyId) ?? []).filter((t) => (t.state as StoredState) !== "waiting");
  }

  counts(studyId: string): Record<StoredState, number> {
    const out = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<StoredState, number>;
    for (const t of this.copy.get(studyId) ?? []) if (!t.warm) out[t.state as StoredState]++;
    return out;
  }

  async refresh(studyId: string): Promise<void> {
    const rows = await this.store.query<TrialRow>("SELECT * FROM trials WHERE study_id = $1 ORDER BY number", [studyId]);
    const trials = rows.map(toTrial);
    for (const u of this.unwritten.values()) {
      if (u.studyId === studyId) trials.find((t) => t.number === u.number)?.intermediate.set(u.step, u.value);
    }
    this.copy.set(studyId, trials);
  }

  async enqueue(studyId: string, params: Record<string, unknown>): Promise<number> {
    const n = await this.store.transaction(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`modelbench study ${studyId}`]);
      const n = (await c.query("SELECT COALESCE(MAX(number), -1) + 1 AS n FROM trials WHERE study_id = $1", [studyId])).rows[0].n;
      await c.query("INSERT INTO trials (study_id, number, state, params, started_at) VALUES ($1, $2, 'waiting', $3, $4)", [studyId, n, JSON.stringify(params), Date.now()]);
      return n as number;
    });
    await this.refresh(studyId);
    return n;
  }

  async addWarmTrial(studyId: string, params: Record<string, unknown>, value: number, runId: string): Promise<void> {
    await this.store.transaction(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`modelbench study ${studyId}`]);
      await c.query(
        `INSERT INTO trials (study_id, number, run_id, state, params, value, started_at, ended_at, warm)
         SELECT $1, COALESCE(MAX(number), -1) + 1, $2, 'complete', $3, $4, $5, $5, TRUE FROM trials WHERE study_id = $1`,
        [studyId, runId, JSON.stringify(params), value, Date.now()],
      );
    });
    await this.refresh(studyId);
  }

  /** One transaction under the study's lock: count, take an enqueued trial or sample from every trial so far, insert. */
  async reserve(studyId: string, limit: number | null, sample: (trials: StoredTrial[]) => Record<string, unknown>): Promise<StoredTrial | null> {
    const got = await this.store.transaction(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`modelbench study ${studyId}`]);
      const rows = (await c.query("SELECT * FROM trials WHERE study_id = $1 ORDER BY number", [studyId])).rows as TrialRow[];
      const counted = rows.filter((r) => !r.warm && r.state !== "waiting").length;
      if (limit !== null && counted >= limit) return null;
      const now = Date.now();
      const waiting = rows.find((r) => r.state === "waiting");
      if (waiting) {
        await c.query("UPDATE trials SET state = 'running', started_at = $1, pid = $2, host = $3 WHERE study_id = $4 AND number = $5",
          [now, process.pid, os.hostname(), studyId, waiting.number]);
        return toTrial({ ...waiting, state: "running", started_at: now });
      }
      const params = sample(rows.filter((r) => r.state !== "waiting").map(toTrial));
      const n = rows.length ? Math.max(...rows.map((r) => r.number)) + 1 : 0;
      await c.query("INSERT INTO trials (study_id, number, state, params, started_at, pid, host) VALUES ($1, $2, 'running', $3, $4, $5, $6)",
        [studyId, n, JSON.stringify(params), now, process.pid, os.hostname()]);
      return { number: n, state: "running" as const, params, value: null, intermediate: new Map(), startedAt: now, endedAt: null, runId: null, warm: false };
    });
    await this.refresh(studyId);
    return got;
  }

  async setTrialRun(studyId: string, number: number, runId: string): Promise<void> {
    await this.store.query("UPDATE trials SET run_id = $1 WHERE study_id = $2 AND number = $3", [runId, studyId, number]);
  }

  /** Seen at once by this process; written in order behind it, then the copy is re-read (other workers' reports). */
  report(studyId: string, number: number, step: number, value: number): void {
    const key = `${studyId}/${number}/${step}`;
    const entry = { studyId, number, step, value };
    this.unwritten.set(key, entry);
    this.copy.get(studyId)?.find((t) => t.number === number)?.intermediate.set(step, value);
    this.writes = this.writes.then(async () => {
      try {
        await this.store.query(
          "UPDATE trials SET intermediate = jsonb_set(intermediate, ARRAY[$1::text], COALESCE(to_jsonb($2::float8), 'null'::jsonb)) WHERE study_id = $3 AND number = $4",
          [String(step), Number.isNaN(value) ? null : value, studyId, number],
        );
        if (this.unwritten.get(key) === entry) this.unwritten.delete(key);
        await this.refresh(studyId);
      } catch (e) {
        this.failed ??= e as Error;
      }
    });
  }

  /** Waits for the reports written behind the loop; the first failure among them is thrown here. */
  async flushReports(): Promise<void> {
    await this.writes;
    if (this.failed) {
      const f = this.failed;
      this.failed = null;
      throw f;
    }
  }

  async finish(studyId: string, number: number, state: Exclude<TrialState, "running">, value: number | null, error: string | null, values: number[] | null = null): Promise<void> {
    // A lost intermediate value must not lose the outcome: said, then the trial ends anyway.
    await this.flushReports().catch((e) => process.stderr.write(`modelbench: trial ${number}'s intermediate values were not all written: ${(e as Error).message}\n`));
    await this.store.query(
      "UPDATE trials SET state = $1, value = $2, ended_at = $3, error = $4, objective_values = $7 WHERE study_id = $5 AND number = $6",
      [state, value === null || Number.isNaN(value) ? null : value, Date.now(), error, studyId, number, values ? JSON.stringify(values) : null],
    );
    await this.refresh(studyId);
  }

  /**
   * Running trials whose worker is gone become failed: on this machine by pid; on others when the
   * lock their trial's run holds while it runs is free (the worker's connection died with it).
   */
  async failOrphans(studyId: string, alsoPid?: number): Promise<number[]> {
    const host = os.hostname();
    const failed: number[] = [];
    await this.store.transaction(async (c) => {
      const rows = (await c.query("SELECT number, pid, host, run_id FROM trials WHERE study_id = $1 AND state = 'running'", [studyId])).rows;
      for (const r of rows) {
        let dead = r.pid === alsoPid || (r.host === host && r.pid && !processAlive(r.pid));
        if (!dead && r.host !== host && r.run_id) {
          dead = (await c.query("SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS free", [RUN_LOCKS, r.run_id])).rows[0].free;
        }
        if (!dead) continue;
        const res = await c.query(
          "UPDATE trials SET state = 'failed', ended_at = $1, error = $2 WHERE study_id = $3 AND number = $4 AND state = 'running' RETURNING number",
          [Date.now(), orphanError(r.pid), studyId, r.number],
        );
        if (res.rowCount) failed.push(r.number);
      }
    });
    await this.refresh(studyId);
    return failed;
  }
}
