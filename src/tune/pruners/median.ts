// Median stopping: stop a trial whose best value so far is worse than the median of what complete
// trials had reported at the same step.
import type { Direction, FrozenTrial, Pruner } from "../types";
import { checkKeys, wholeNumber } from "../options";

export interface MedianPrunerOptions {
  /** No pruning until this many trials have completed (the median needs a baseline). */
  nStartupTrials?: number;
  /** No pruning of a trial before this step (early values are noisy). */
  nWarmupSteps?: number;
  /** Decide only every this many steps after the warmup. */
  intervalSteps?: number;
  /** No pruning at a step that fewer complete trials than this reported. */
  nMinTrials?: number;
}

/** The middle value, averaging the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Whether `step` is the first report at or past the latest pruning point (warmup + k·interval). */
export function firstInInterval(step: number, reported: Iterable<number>, warmup: number, interval: number): boolean {
  const point = Math.floor((step - warmup) / interval) * interval + warmup;
  let previous = -1;
  for (const s of reported) if (s !== step && s > previous) previous = s;
  return previous < point;
}

export class MedianPruner implements Pruner {
  readonly name = "median";
  private readonly nStartupTrials: number;
  private readonly nWarmupSteps: number;
  private readonly intervalSteps: number;
  private readonly nMinTrials: number;

  constructor(options: MedianPrunerOptions = {}) {
    const what = "MedianPruner";
    checkKeys(what, options, ["nStartupTrials", "nWarmupSteps", "intervalSteps", "nMinTrials"]);
    this.nStartupTrials = wholeNumber(what, "nStartupTrials", options.nStartupTrials ?? 5, 0);
    this.nWarmupSteps = wholeNumber(what, "nWarmupSteps", options.nWarmupSteps ?? 0, 0);
    this.intervalSteps = wholeNumber(what, "intervalSteps", options.intervalSteps ?? 1, 1);
    this.nMinTrials = wholeNumber(what, "nMinTrials", options.nMinTrials ?? 1, 1);
  }

  shouldPrune(trial: FrozenTrial, step: number, trials: readonly FrozenTrial[], direction: Direction): boolean {
    const complete = trials.filter((t) => t.state === "complete" && t.number !== trial.number);
    if (complete.length === 0 || complete.length < this.nStartupTrials) return false;
    if (step < this.nWarmupSteps) return false;
    if (!firstInInterval(step, trial.intermediate.keys(), this.nWarmupSteps, this.intervalSteps)) return false;

    const own = [...trial.intermediate.values()].filter((v) => !Number.isNaN(v));
    // Nothing but NaN reported: the trial has diverged.
    if (own.length === 0) return true;
    const best = direction === "minimize" ? Math.min(...own) : Math.max(...own);
    const atStep = complete.map((t) => t.intermediate.get(step)).filter((v): v is number => v !== undefined && !Number.isNaN(v));
    if (atStep.length < this.nMinTrials) return false;
    const mid = median(atStep);
    return direction === "minimize" ? best > mid : best < mid;
  }
}
