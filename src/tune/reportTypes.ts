// The shapes the Sweeps view reads (src/tune/studyReport.ts builds them, the JupyterLab extension
// draws them): types only, so the extension can share them without the store's code.
import type { StoredState, StudyRecord } from "./storage";

/** One trial as the view's table shows it. */
export interface TrialOverview {
  number: number;
  state: StoredState;
  params: Record<string, unknown>;
  value: number | null;
  values: number[] | null;
  startedAt: number;
  endedAt: number | null;
  runId: string | null;
  error: string | null;
  /** How many intermediate values it reported (rounds, epochs, folds). */
  reports: number;
  /** Its last reported step, for a running trial's progress. */
  lastStep: number | null;
}

export type StudyFigureKey = "history" | "intermediate" | "parallel" | "importance" | "pareto" | "lineage";

export interface StudyReport {
  study: StudyRecord;
  counts: Record<StoredState, number>;
  /** Population-based training ("pbt") or a search. */
  kind: "pbt" | "search";
  trials: TrialOverview[];
  /** The best complete trial's number (one objective), or the Pareto front's (several). */
  best: number[];
  /** Parameter importance for the first objective (fANOVA), once there are enough complete trials. */
  importance: Record<string, number> | null;
  /** Why a figure is not there yet (e.g. importance needs more complete trials). */
  notes: string[];
  figures: Array<{ key: StudyFigureKey; figure: { data: unknown[]; layout: Record<string, unknown> } }>;
  /** PBT: who copied whom, at which step. */
  lineage: Array<{ member: number; donor: number; step: number }>;
}
