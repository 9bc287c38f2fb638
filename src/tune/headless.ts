// A sweep without a notebook, for CI (`npx modelbench sweep`): the objective and its search space
// come from a module, the study lives in the project's store (so --resume continues it), and the
// result is a summary (best trial, counts, importance) and a gate on the best value: a pipeline
// fails when the model got worse.
import * as track from "../track";
import { backendOf } from "../store/registry";
import { createStudy, optimizeInProcesses, type StudySummary } from "./study";
import { loadObjectiveModule, ObjectiveModuleError } from "./objectiveModule";
import { paramImportances } from "./importance";
import { StudyError, type StoredTrial } from "./storage";
import { formatNumber } from "../track/format";
import { SpaceError, type Dist } from "./space";
import { OptionError } from "./options";
import type { Direction, Space } from "./types";

/** The invocation cannot run as given (exit code 2): bad flags, a missing module or export, a study that exists. */
export class SweepUsageError extends StudyError {
  constructor(message: string) {
    super(message);
    this.name = "SweepUsageError";
  }
}

export interface HeadlessSweepOptions {
  /** A .js (CommonJS) or .ts module exporting `objective(params, trial)` and `space`. */
  module: string;
  /** Trials of the study in all (a resumed study runs what is missing). */
  trials: number;
  sampler?: string;
  pruner?: string;
  /** Worker processes (each loads the module); default: trials run in this process. */
  processes?: number;
  /** Stop starting trials after this many seconds. */
  timeout?: number;
  direction?: "min" | "max" | Direction;
  metric?: string;
  /** Fail (exit 1) when the best value is below this: for a maximised metric. */
  failUnder?: number;
  /** Fail (exit 1) when the best value is above this: for a minimised metric. */
  failOver?: number;
  /** The study's name; without --resume it must be new. */
  study?: string;
  /** Continue the study of this name (start it if it does not exist yet). */
  resume?: boolean;
  seed?: number;
  /** Store URI (default MODELBENCH_STORE, else the project's .modelbench/store.db). */
  store?: string;
  /** Each trial as it ends (in-process trials only). */
  onTrialEnd?: (line: string) => void;
}

export interface Gate {
  option: "fail-under" | "fail-over";
  threshold: number;
}

export interface SweepReport {
  study: string;
  store: string;
  module: string;
  direction: Direction;
  metric: string;
  sampler: string;
  pruner: string;
  resumed: boolean;
  trials: { requested: number; total: number; complete: number; pruned: number; failed: number; thisRun: number };
  best: { number: number; value: number; params: Record<string, unknown> } | null;
  /** fANOVA importance over the complete trials (null with fewer than two). */
  importance: Record<string, number> | null;
  gate: (Gate & { passed: boolean }) | null;
  /** Whether the sweep passed: a trial completed, and the gate (if any) holds. */
  passed: boolean;
  seconds: number;
}

const normDirection = (d: HeadlessSweepOptions["direction"]): Direction | undefined =>
  d === undefined ? undefined : d === "min" || d === "minimize" ? "minimize" : d === "max" || d === "maximize" ? "maximize" : (() => {
    throw new SweepUsageError(`--direction is min or max, not '${d}'`);
  })();

/** The gate the options ask for, checked against the direction: each threshold belongs to one direction. */
export function gateOf(o: Pick<HeadlessSweepOptions, "failUnder" | "failOver" | "direction">): Gate | null {
  const direction = normDirection(o.direction);
  if (o.failUnder !== undefined && o.failOver !== undefined) throw new SweepUsageError("give one gate: --fail-under (for a value to maximise) or --fail-over (for a value to minimise), not both");
  const gate: Gate | null = o.failUnder !== undefined ? { option: "fail-under", threshold: o.failUnder } : o.failOver !== undefined ? { option: "fail-over", threshold: o.failOver } : null;
  if (!gate) return null;
  if (!Number.isFinite(gate.threshold)) throw new SweepUsageError(`--${gate.option} needs a number, got ${gate.threshold}`);
  const wants = gate.option === "fail-under" ? "maximize" : "minimize";
  const flag = wants === "maximize" ? "max" : "min";
  if (direction === undefined) {
    throw new SweepUsageError(`--${gate.option} ${gate.threshold} needs --direction ${flag}: the gate fails the sweep when the best value is ${gate.option === "fail-under" ? "below" : "above"} ${gate.threshold}, which is only a failure for a value to ${wants}`);
  }
  if (direction !== wants) {
    const other = gate.option === "fail-under" ? "--fail-over" : "--fail-under";
    throw new SweepUsageError(`--${gate.option} goes with --direction ${flag}: for a value to ${direction}, gate it with ${other} ${gate.threshold}`);
  }
  return gate;
}

/** Runs the sweep the options describe and says how it went; usage errors are SweepUsageError. */
export async function headlessSweep(o: HeadlessSweepOptions): Promise<SweepReport> {
  const started = Date.now();
  if (!o.module) throw new SweepUsageError("sweep needs --module FILE: a .js or .ts module exporting objective(params, trial) and space");
  if (!Number.isInteger(o.trials) || o.trials < 1) throw new SweepUsageError(`--trials must be a whole number ≥ 1, got ${o.trials}`);
  if (o.processes !== undefined && (!Number.isInteger(o.processes) || o.processes < 1)) throw new SweepUsageError(`--processes must be a whole number ≥ 1, got ${o.processes}`);
  if (o.timeout !== undefined && !(o.timeout > 0)) throw new SweepUsageError(`--timeout must be a number of seconds > 0, got ${o.timeout}`);
  if (o.resume && !o.study) throw new SweepUsageError("--resume continues a study by name: give --study NAME");
  const direction = normDirection(o.direction) ?? "minimize";
  const gate = gateOf(o);

  let loaded: ReturnType<typeof loadObjectiveModule>;
  try {
    loaded = loadObjectiveModule(o.module);
  } catch (e) {
    if (e instanceof ObjectiveModuleError) throw new SweepUsageError(e.message);
    throw e;
  }
  const space = loaded.exports.space as Record<string, Dist> | Space | undefined;
  if (!space || typeof space !== "object") throw new SweepUsageError(`${loaded.file} exports no search space: export const space = { lr: logUniform(1e-4, 1e-1), … }`);

  if (o.store) await track.useStore(o.store);
  const name = o.study ?? `sweep-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}`;
  let study: Awaited<ReturnType<typeof createStudy>>;
  try {
    study = await createStudy({ name, space, direction, metric: o.metric, sampler: o.sampler ?? "tpe", pruner: o.pruner ?? "none", seed: o.seed });
  } catch (e) {
    // A bad sampler, pruner or space, or a study of this name that optimises something else.
    if (e instanceof OptionError || e instanceof SpaceError || e instanceof StudyError) throw new SweepUsageError(e.message);
    throw e;
  }
  const before = study.trials.filter((t) => !t.warm).length;
  if (before > 0 && !o.resume) {
    throw new SweepUsageError(`study '${name}' already has ${before} trials in ${address()}: pass --resume to continue it, or choose another --study`);
  }
  let summary: StudySummary;
  if (o.processes !== undefined) {
    summary = await optimizeInProcesses(study, loaded.file, { trials: o.trials, processes: o.processes, timeout: o.timeout });
  } else {
    summary = await study.optimize(loaded.objective, {
      trials: o.trials,
      timeout: o.timeout,
      onTrialEnd: (t) => o.onTrialEnd?.(trialLine(t, study.metric)),
    });
  }
  const trials = study.trials.filter((t) => !t.warm);
  const complete = trials.filter((t) => t.state === "complete");
  const best = summary.best;
  const gateResult = gate ? { ...gate, passed: best !== null && (gate.option === "fail-under" ? best.value! >= gate.threshold : best.value! <= gate.threshold) } : null;
  return {
    study: study.name,
    store: address(),
    module: loaded.file,
    direction: study.direction,
    metric: study.metric,
    sampler: study.sampler.name,
    pruner: study.pruner.name,
    resumed: before > 0,
    trials: {
      requested: o.trials, total: trials.length, complete: complete.length,
      pruned: trials.filter((t) => t.state === "pruned").length, failed: trials.filter((t) => t.state === "failed").length, thisRun: trials.length - before,
    },
    best: best ? { number: best.number, value: best.value!, params: best.params } : null,
    importance: complete.length >= 2 ? paramImportances(study.space, complete) : null,
    gate: gateResult,
    passed: best !== null && (gateResult?.passed ?? true),
    seconds: (Date.now() - started) / 1000,
  };
}

function address(): string {
  const st = track.store();
  return backendOf(st).address(st);
}

function trialLine(t: StoredTrial, metric: string): string {
  const params = Object.entries(t.params).map(([k, v]) => `${k}=${formatNumber(v)}`).join(", ");
  const value = t.value !== null ? ` ${metric}=${formatNumber(t.value)}` : "";
  return `trial #${t.number} ${t.state}${value} (${params})${t.error ? `: ${t.error}` : ""}`;
}

/** The summary a person reads in a CI log. */
export function formatSweepReport(r: SweepReport): string {
  const t = r.trials;
  const lines = [
    `sweep ${r.study}: ${r.direction} ${r.metric} with ${r.sampler}${r.pruner !== "none" ? ` and ${r.pruner} pruning` : ""} — ${t.total} trials (${t.complete} complete, ${t.pruned} pruned, ${t.failed} failed; ${t.thisRun} this run${r.resumed ? ", resumed" : ""}) in ${r.seconds.toFixed(1)} s`,
    `store: ${r.store}`,
    r.best ? `best: trial #${r.best.number} ${r.metric} = ${formatNumber(r.best.value)} (${Object.entries(r.best.params).map(([k, v]) => `${k}=${formatNumber(v)}`).join(", ")})` : "best: no trial completed",
  ];
  if (r.importance) lines.push(`importance (fANOVA): ${Object.entries(r.importance).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(" · ")}`);
  if (r.gate) {
    const cmp = r.gate.option === "fail-under" ? "≥" : "≤";
    lines.push(r.gate.passed
      ? `gate --${r.gate.option} ${r.gate.threshold}: passed (best ${formatNumber(r.best!.value)} ${cmp} ${r.gate.threshold})`
      : `gate --${r.gate.option} ${r.gate.threshold}: FAILED (${r.best ? `best ${formatNumber(r.best.value)} is not ${cmp} ${r.gate.threshold}` : "no trial completed"})`);
  } else if (!r.best) lines.push("FAILED: no trial completed");
  return lines.join("\n");
}
