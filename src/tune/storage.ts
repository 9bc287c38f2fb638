// Where a study's trials live: the interface every store backend's study storage implements, and
// the records they share. The storages themselves live with their backend under src/store/.
import type { Direction, FrozenTrial, Space, TrialState } from "./types";

export type StoredState = TrialState | "waiting";

export interface StudyRecord {
  id: string;
  name: string;
  direction: Direction;
  metric: string;
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
  };
}

type Maybe<T> = T | Promise<T>;

/**
 * Where a study's trials live. Writes may be asynchronous (a server); `trials`, `counts` and `report`
 * stay synchronous because `trial.report()` and `trial.shouldPrune()` are called inside training loops:
 * a networked backend answers them from its copy, refreshed after each of its writes and by `refresh`.
 */
export interface StudyStorage {
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
  finish(studyId: string, number: number, state: Exclude<TrialState, "running">, value: number | null, error: string | null): Maybe<void>;
  /** Running trials whose worker process is gone (a killed worker, an interrupted kernel) become failed. */
  failOrphans(studyId: string, alsoPid?: number): Maybe<number[]>;
}

export const orphanError = (pid: number) => `its worker (pid ${pid}) stopped before the trial ended`;

