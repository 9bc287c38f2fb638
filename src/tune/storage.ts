// Where a study's trials live: the interface every store backend's study storage implements, and
// the records they share. The storages themselves live with their backend under src/store/.
import type { Direction, FrozenTrial, Space, TrialState } from "./types";

export type StoredState = TrialState | "waiting";

export interface StudyRecord {
  id: string;
  name: string;
  /** The first objective's direction and metric (the only ones of a single-objective study). */
  direction: Direction;
  metric: string;
  /** One per objective, in order; a single-objective study has one of each. */
  directions: Direction[];
  metrics: string[];
  space: Space;
  sampler: string;
  pruner: string;
  runId: string | null;
}

export class StudyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StudyError";
  }
}

export interface TrialRow {
  number: number; run_id: string | null; state: StoredState; params: string; value: number | null;
  intermediate: string | Record<string, number | null>; started_at: number; ended_at: number | null; error: string | null; pid: number | null;
  host: string | null; warm: number | boolean;
  /** A JSON array of the objectives' values (several objectives), else null. */
  objective_values?: string | null;
}

export interface StoredTrial extends FrozenTrial {
  runId: string | null;
  warm: boolean;
}

/** A stored row (SQLite or PostgreSQL) as a trial. */
export function toTrial(r: TrialRow): StoredTrial {
  const inter = new Map<number, number>();
  for (const [k, v] of Object.entries((typeof r.intermediate === "string" ? JSON.parse(r.intermediate) : r.intermediate) as Record<string, number | null>)) inter.set(Number(k), v === null ? NaN : v);
  return {
    number: r.number, state: r.state as TrialState, params: JSON.parse(r.params), value: r.value, intermediate: inter,
    startedAt: r.started_at, endedAt: r.ended_at, error: r.error, runId: r.run_id, warm: !!r.warm,
    ...(r.objective_values ? { values: JSON.parse(r.objective_values) as number[] } : {}),
  };
}

/** What the studies table holds for the objectives: NULL columns mean one objective (stores from before). */
export function objectivesColumns(study: Pick<StudyRecord, "directions" | "metrics">): { directions: string | null; metrics: string | null } {
  return study.directions.length > 1 ? { directions: JSON.stringify(study.directions), metrics: JSON.stringify(study.metrics) } : { directions: null, metrics: null };
}

/** A studies row as a record. */
export function toStudyRecord(row: any): StudyRecord {
  const directions: Direction[] = row.directions ? JSON.parse(row.directions) : [row.direction];
  const metrics: string[] = row.metrics ? JSON.parse(row.metrics) : [row.metric];
  return { id: row.id, name: row.name, direction: row.direction, metric: row.metric, directions, metrics, space: JSON.parse(row.space), sampler: row.sampler, pruner: row.pruner, runId: row.run_id };
}

/** A study as the Sweeps view lists it: its record, trial counts (warm-start trials left out), best value and last activity. */
export interface StudyListing {
  study: StudyRecord;
  createdAt: number;
  counts: Record<StoredState, number>;
  /** The best complete value of the first objective, by its direction; null before one completes. */
  best: number | null;
  /** The newest trial start or end, else the study's creation. */
  updatedAt: number;
}

/** Listings from the rows of the two aggregate queries every backend runs (newest activity first). */
export function toListings(studies: any[], byState: Array<{ study_id: string; state: string; n: number | string; last: number | string | null }>, extremes: Array<{ study_id: string; lo: number | null; hi: number | null }>): StudyListing[] {
  const out = studies.map((row): StudyListing => {
    const study = toStudyRecord(row);
    const counts: Record<StoredState, number> = { running: 0, complete: 0, pruned: 0, failed: 0, waiting: 0 };
    let updatedAt = Number(row.created_at);
    for (const r of byState.filter((x) => x.study_id === study.id)) {
      counts[r.state as StoredState] = Number(r.n);
      if (r.last !== null) updatedAt = Math.max(updatedAt, Number(r.last));
    }
    const e = extremes.find((x) => x.study_id === study.id);
    const best = e ? (study.direction === "minimize" ? e.lo : e.hi) : null;
    return { study, createdAt: Number(row.created_at), counts, best: best === null || best === undefined ? null : Number(best), updatedAt };
  });
  return out.sort((a, b) => b.updatedAt - a.updatedAt);
}

/** The refusal when a stored study's objectives differ from the ones asked for. */
export function checkSameObjectives(name: string, stored: StudyRecord, init: Pick<StudyRecord, "directions" | "metrics">): void {
  const same = stored.directions.join() === init.directions.join() && stored.metrics.join("\u0000") === init.metrics.join("\u0000");
  if (!same) {
    const what = (r: Pick<StudyRecord, "directions" | "metrics">) => r.metrics.map((m, i) => `${r.directions[i]} '${m}'`).join(", ");
    throw new StudyError(`study '${name}' already exists to ${what(stored)}; resume it with the same --metric and --direction(s), or choose another --name`);
  }
}

type Maybe<T> = T | Promise<T>;

/**
 * Where a study's trials live. Writes may be asynchronous (a server); `trials`, `counts` and `report`
 * stay synchronous because `trial.report()` and `trial.shouldPrune()` are called inside training loops:
 * a networked backend answers them from its copy, refreshed after each of its writes and by `refresh`.
 */
export interface StudyStorage {
  /** Every study in the store, newest activity first (what the Sweeps view lists). */
  listStudies(): Maybe<StudyListing[]>;
  /** The study of that name, or null; never creates one. */
  findStudy(name: string): Maybe<StudyRecord | null>;
  openStudy(init: Omit<StudyRecord, "id" | "runId">): Maybe<{ study: StudyRecord; created: boolean }>;
  setStudyRun(studyId: string, runId: string): Maybe<void>;
  trials(studyId: string): StoredTrial[];
  counts(studyId: string): Record<StoredState, number>;
  /** Brings `trials` and `counts` up to date with what other workers wrote. */
  refresh(studyId: string): Maybe<void>;
  enqueue(studyId: string, params: Record<string, unknown>): Maybe<number>;
  addWarmTrial(studyId: string, params: Record<string, unknown>, value: number, runId: string): Maybe<void>;
  reserve(studyId: string, limit: number | null, sample: (trials: StoredTrial[]) => Record<string, unknown>): Maybe<StoredTrial | null>;
  setTrialRun(studyId: string, number: number, runId: string): Maybe<void>;
  report(studyId: string, number: number, step: number, value: number): void;
  /** Ends a trial; `values` holds every objective's value for a complete trial of a study with several. */
  finish(studyId: string, number: number, state: Exclude<TrialState, "running">, value: number | null, error: string | null, values?: number[] | null): Maybe<void>;
  /** Running trials whose worker process is gone (a killed worker, an interrupted kernel) become failed. */
  failOrphans(studyId: string, alsoPid?: number): Maybe<number[]>;
}

export const orphanError = (pid: number) => `its worker (pid ${pid}) stopped before the trial ended`;

