// Asynchronous successive halving (ASHA, Li et al. 2020): resources (steps) grow geometrically
// from rung to rung; when a trial reaches a rung it goes on only if its value there is in the top
// 1/η of the values every trial has had at that rung so far. No trial waits for others.
import type { Direction, FrozenTrial, Pruner } from "../types";
import { OptionError, checkKeys, wholeNumber } from "../options";

export interface SuccessiveHalvingOptions {
  /** Steps before the first rung; "auto" takes 1/100 of the longest complete trial once one exists. */
  minResource?: number | "auto";
  /** η: rungs are η times apart, and 1/η of the trials at a rung go on. */
  reductionFactor?: number;
  /** s: the first rung is at minResource · η^s (Hyperband's brackets differ by s). */
  minEarlyStoppingRate?: number;
  /** Prune every trial at a rung until more than this many trials have reached it. */
  bootstrapCount?: number;
}

/**
 * A trial's value at the rung whose resource is `at`: what it reported at its first step ≥ `at`.
 * Derived from the reports themselves rather than kept by the pruner, so pruners in separate
 * worker processes all see the same rungs.
 */
export function rungValue(trial: FrozenTrial, at: number): number | undefined {
  let first = Infinity;
  for (const s of trial.intermediate.keys()) if (s >= at && s < first) first = s;
  return first === Infinity ? undefined : trial.intermediate.get(first);
}

/** Whether `value` is within the best ⌊n/η⌋ of the n values at a rung (at least the best one). */
export function promotable(value: number, rung: readonly number[], eta: number, direction: Direction): boolean {
  const keep = Math.max(1, Math.floor(rung.length / eta));
  const sorted = [...rung].sort((a, b) => (direction === "minimize" ? a - b : b - a));
  const bar = sorted[keep - 1];
  return direction === "minimize" ? value <= bar : value >= bar;
}

export class SuccessiveHalvingPruner implements Pruner {
  readonly name: string = "asha";
  private minResource: number | null;
  private readonly eta: number;
  private readonly rate: number;
  private readonly bootstrapCount: number;

  constructor(options: SuccessiveHalvingOptions = {}) {
    const what = "SuccessiveHalvingPruner";
    checkKeys(what, options, ["minResource", "reductionFactor", "minEarlyStoppingRate", "bootstrapCount"]);
    const minResource = options.minResource ?? 1;
    this.minResource = minResource === "auto" ? null : wholeNumber(what, "minResource", minResource, 1);
    this.eta = wholeNumber(what, "reductionFactor", options.reductionFactor ?? 4, 2);
    this.rate = wholeNumber(what, "minEarlyStoppingRate", options.minEarlyStoppingRate ?? 0, 0);
    this.bootstrapCount = wholeNumber(what, "bootstrapCount", options.bootstrapCount ?? 0, 0);
    if (this.bootstrapCount > 0 && minResource === "auto") {
      throw new OptionError(`${what}: bootstrapCount needs a fixed minResource (with "auto" the rungs are not known while the first trials run)`);
    }
  }

  /** The step of rung `rung` (0 = first). */
  rungStep(rung: number): number | null {
    return this.minResource === null ? null : this.minResource * this.eta ** (this.rate + rung);
  }

  shouldPrune(trial: FrozenTrial, step: number, trials: readonly FrozenTrial[], direction: Direction): boolean {
    const value = trial.intermediate.get(step);
    if (value === undefined) return false;
    if (this.minResource === null) {
      const longest = Math.max(-1, ...trials.filter((t) => t.state === "complete").map(lastStep));
      if (longest < 0) return false;
      // Fixed from then on, so the rungs do not move under trials already past them.
      this.minResource = Math.max(Math.floor(longest / 100), 1);
    }
    let previous = -Infinity;
    for (const s of trial.intermediate.keys()) if (s < step && s > previous) previous = s;
    const others = trials.filter((t) => t.number !== trial.number);

    for (let rung = 0; ; rung++) {
      const at = this.rungStep(rung)!;
      if (at > step) return false;
      // A rung this trial passed at an earlier report was decided then.
      if (at <= previous) continue;
      if (Number.isNaN(value)) return true;
      const values = others.map((t) => rungValue(t, at)).filter((v): v is number => v !== undefined && !Number.isNaN(v));
      values.push(value);
      if (values.length <= this.bootstrapCount) return true;
      if (!promotable(value, values, this.eta, direction)) return true;
    }
  }
}

function lastStep(t: FrozenTrial): number {
  return t.intermediate.size ? Math.max(...t.intermediate.keys()) : -1;
}
