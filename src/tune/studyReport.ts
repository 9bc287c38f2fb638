// What the Sweeps view shows of the studies in a store, read-only and from any process: the list
// of studies with their trial counts and best values, and for one study its trials, the figures
// (optimisation history, intermediate values, parallel coordinates, fANOVA importance, the Pareto
// front for several objectives, the lineage of population-based training) and its best trials.
// Plain data (plotly specs, not display objects), so a kernel, a script or a test can send or read it.
import type { FigureSpec } from "../display/figures";
import type { Store } from "../track/types";
import { backendOf } from "../store/registry";
import { paretoFigure, paretoFront, scoredTrials } from "./pareto";
import { lineageFigure } from "./pbt/result";
import { paramImportances } from "./importance";
import { StudyError, type StoredState, type StoredTrial, type StudyListing, type StudyRecord, type StudyStorage } from "./storage";
import type { FrozenTrial } from "./types";
import type { StudyFigureKey, StudyReport } from "./reportTypes";
import { historyFigure, importanceBars, intermediateFigure, parallelCoordinatesFigure } from "./views";

export type { StudyListing } from "./storage";
export type { StudyReport, StudyFigureKey, TrialOverview } from "./reportTypes";

/** Trials drawn in the intermediate-values figure: the newest that reported (a figure of 1,000 lines helps no one). */
const MAX_CURVES = 60;

/** The store's study storage, or a clear refusal for a backend without studies (MLflow). */
export function studyStorageOf(store: Store): StudyStorage {
  return backendOf(store).openStudyStorage(store);
}

/** Every study in the store, newest activity first. */
export async function listStudies(store: Store): Promise<StudyListing[]> {
  return await studyStorageOf(store).listStudies();
}

/** One study's trials, figures and best trials, read now (other processes' trials included). */
export async function studyReport(store: Store, name: string): Promise<StudyReport> {
  const storage = studyStorageOf(store);
  const study = await storage.findStudy(name);
  if (!study) {
    const names = (await storage.listStudies()).map((l) => l.study.name);
    throw new StudyError(`no study '${name}' in this store${names.length ? `: it has ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", …" : ""}` : " (it has none yet: run a %%sweep)"}`);
  }
  await storage.refresh(study.id);
  const all = storage.trials(study.id).filter((t) => !t.warm);
  const counts = storage.counts(study.id);
  const kind = study.sampler === "pbt" ? "pbt" : "search";
  const multi = study.directions.length > 1;
  const notes: string[] = [];
  const figures: StudyReport["figures"] = [];
  const add = (key: StudyFigureKey, make: () => { spec: FigureSpec }) => {
    try {
      figures.push({ key, figure: make().spec });
    } catch (e) {
      notes.push(`${key}: ${(e as Error).message}`);
    }
  };

  const complete = all.filter((t) => t.state === "complete" && t.value !== null && Number.isFinite(t.value));
  let best: number[] = [];
  if (multi) best = paretoFront(scoredTrials(all, study.directions.length), study.directions).map((t) => t.number);
  else if (complete.length) best = [complete.reduce((a, b) => ((study.direction === "minimize" ? b.value! < a.value! : b.value! > a.value!) ? b : a)).number];

  let lineage: StudyReport["lineage"] = [];
  if (kind === "pbt") {
    lineage = await lineageOf(store, all);
    add("lineage", () => pbtFigure(study.metric, all, lineage));
  } else if (!multi) add("history", () => historyFigure(study.direction, study.metric, all));
  if (multi) add("pareto", () => paretoFigure(study.metrics, study.directions, all));
  const reported = all.filter((t) => t.intermediate.size > 0);
  if (reported.length && kind !== "pbt") add("intermediate", () => intermediateFigure(study.metric, reported.slice(-MAX_CURVES)));
  if (study.space.length && complete.length) add("parallel", () => parallelCoordinatesFigure(study.space, study.metric, complete));

  let importance: Record<string, number> | null = null;
  const tunable = study.space.filter((s) => !(s.dist.kind === "categorical" && s.dist.choices.length < 2));
  if (tunable.length < 1) notes.push("importance: the space has no parameter that varies");
  else if (complete.length < 4) notes.push(`importance: shown from 4 complete trials (${complete.length} so far)`);
  else {
    try {
      importance = cachedImportance(study, complete);
      figures.push({ key: "importance", figure: importanceBars(importance, `Parameter importance for ${study.metric} (fANOVA)`).spec });
    } catch (e) {
      notes.push(`importance: ${(e as Error).message}`);
    }
  }

  return {
    study, counts, kind, best, importance, notes, figures, lineage,
    trials: all.map((t) => {
      const steps = [...t.intermediate.keys()];
      return {
        number: t.number, state: t.state as StoredState, params: t.params, value: t.value, values: t.values ?? null,
        startedAt: t.startedAt, endedAt: t.endedAt, runId: t.runId, error: t.error ?? null,
        reports: steps.length, lastStep: steps.length ? Math.max(...steps) : null,
      };
    }),
  };
}

/** fANOVA over the first objective, kept while the complete trials are the same ones (a push re-asks often). */
const importanceCache = new Map<string, Record<string, number>>();
function cachedImportance(study: StudyRecord, complete: readonly FrozenTrial[]): Record<string, number> {
  const key = `${study.id}:${complete.map((t) => t.number).join(",")}`;
  let hit = importanceCache.get(key);
  if (!hit) {
    hit = paramImportances(study.space, complete);
    if (importanceCache.size >= 32) importanceCache.delete(importanceCache.keys().next().value!);
    importanceCache.set(key, hit);
  }
  return hit;
}

/** PBT's copies as the members' runs record them (`pbt_lineage`, rewritten at every copy). */
async function lineageOf(store: Store, trials: readonly StoredTrial[]): Promise<StudyReport["lineage"]> {
  const ids = trials.map((t) => t.runId).filter((id): id is string => !!id);
  if (!ids.length) return [];
  const runs = await store.listRuns({ ids, archived: "all" }, { params: ["pbt_lineage"], metrics: [] });
  const out: StudyReport["lineage"] = [];
  for (const t of trials) {
    const run = runs.find((r) => r.id === t.runId);
    const events = run?.params.pbt_lineage;
    if (!Array.isArray(events)) continue;
    for (const e of events as Array<{ step: number; donor: number }>) {
      if (typeof e?.step === "number" && typeof e?.donor === "number") out.push({ member: t.number, donor: e.donor, step: e.step });
    }
  }
  return out.sort((a, b) => a.step - b.step || a.member - b.member);
}

/** The lineage figure from stored trials: each member's reported values, the copies as jumps from the donor's value at that step. */
function pbtFigure(metric: string, trials: readonly StoredTrial[], lineage: StudyReport["lineage"]) {
  const members = trials.map((t) => ({
    number: t.number, state: t.state,
    history: [...t.intermediate.entries()].filter(([, v]) => Number.isFinite(v)).sort((a, b) => a[0] - b[0]).map(([step, value]) => ({ step, value })),
  }));
  const events = lineage.map((e) => ({ ...e, donorValue: trials.find((t) => t.number === e.donor)?.intermediate.get(e.step) ?? NaN })).filter((e) => Number.isFinite(e.donorValue));
  return lineageFigure(metric, members, events);
}
