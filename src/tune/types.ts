// The seams of hyperparameter search, as in Optuna: a study asks a sampler for parameters and a
// pruner whether to stop a trial early, and keeps every trial in a storage.

export type Direction = "minimize" | "maximize";

export type Distribution =
  | { kind: "float"; low: number; high: number; log: boolean; step?: number }
  | { kind: "int"; low: number; high: number; log: boolean; step: number }
  | { kind: "categorical"; choices: Array<string | number | boolean | null> };

export interface ParamSpec {
  name: string;
  dist: Distribution;
  /** The parameter exists only when an earlier parameter takes one of these values. */
  condition?: { param: string; values: unknown[] };
}

/** Parameters in order: a conditional parameter comes after the one it depends on. */
export type Space = ParamSpec[];

export type TrialState = "running" | "complete" | "pruned" | "failed";

export interface FrozenTrial {
  number: number;
  state: TrialState;
  params: Record<string, unknown>;
  /** The objective's value for complete trials (and the last reported one for pruned trials); the first objective's with several. */
  value: number | null;
  /** Every objective's value, in the study's order, for a complete trial of a study with several objectives. */
  values?: number[] | null;
  /** step → value reported with trial.report(). */
  intermediate: Map<number, number>;
  startedAt: number;
  endedAt: number | null;
  error?: string | null;
}

export interface Sampler {
  readonly name: string;
  /**
   * Parameters for a new trial: a value for every parameter of the space whose condition holds.
   * `trials` are all trials so far (any state); `running` ones must not be duplicated when the
   * sampler can avoid it. `direction` is the first objective's; `directions` has one per objective
   * (a study with several objectives passes them; trials then carry `values`).
   */
  sample(space: Space, trials: readonly FrozenTrial[], direction: Direction, directions?: readonly Direction[]): Record<string, unknown>;
  /**
   * Refuses a space, or a number of objectives, this sampler cannot search, saying what to use
   * instead (called when a study is made).
   */
  validate?(space: Space, directions: readonly Direction[]): void;
}

export interface Pruner {
  readonly name: string;
  /** Whether `trial`, having just reported at `step`, should stop now. */
  shouldPrune(trial: FrozenTrial, step: number, trials: readonly FrozenTrial[], direction: Direction): boolean;
}
