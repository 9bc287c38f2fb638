// FrozenTrial builders for driving samplers and pruners without a study: unit tests, benchmarks,
// and hand-written ask/tell loops.
import type { FrozenTrial, TrialState } from "../../src/tune/types";

export interface TrialInit {
  number: number;
  params?: Record<string, unknown>;
  value?: number | null;
  state?: TrialState;
  /** step → value, as a Map or as [step, value] pairs. */
  intermediate?: Map<number, number> | Iterable<[number, number]>;
}

export function frozenTrial(init: TrialInit): FrozenTrial {
  const state = init.state ?? (init.value === undefined || init.value === null ? "running" : "complete");
  return {
    number: init.number,
    state,
    params: init.params ?? {},
    value: init.value ?? null,
    intermediate: new Map(init.intermediate ?? []),
    startedAt: init.number,
    endedAt: state === "running" ? null : init.number + 1,
  };
}

/** A trial that reported `curve[i]` at step i and is still running (or in `state`). */
export function reporting(number: number, curve: readonly number[], state: TrialState = "running"): FrozenTrial {
  const last = curve.length ? curve[curve.length - 1] : null;
  return frozenTrial({ number, state, value: state === "running" ? null : last, intermediate: curve.map((v, i) => [i, v] as [number, number]) });
}
