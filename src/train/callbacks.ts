// Built-in callbacks: logging to the active run, early stopping, checkpoints as run artifacts.
import { InvalidInputError } from "../errors";
import { activeRun } from "../track/tracker";
import { checkNumber } from "../models/input";
import type { BatchLogs, Callback, EpochLogs, TrainContext } from "./loop";

/**
 * Logs every epoch's numbers (loss, val_loss, …) to the active run, at step = epoch; nothing without
 * a run. A model that reports per-step numbers (a transformer fine-tune: learning_rate, grad_norm)
 * also gets step_loss and those at step = optimiser step, unless `steps` is false.
 */
export class LogToRun implements Callback {
  constructor(private readonly options: { prefix?: string; steps?: boolean } = {}) {}

  onBatchEnd(logs: BatchLogs): void {
    const run = activeRun();
    if (!run || !logs.metrics || this.options.steps === false) return;
    const prefix = this.options.prefix ?? "";
    const metrics: Record<string, number> = { step_loss: logs.loss, ...logs.metrics };
    run.log(Object.fromEntries(Object.entries(metrics).map(([k, v]) => [prefix + k, v])), { step: logs.step });
  }

  onEpochEnd(logs: EpochLogs): void {
    const run = activeRun();
    if (!run) return;
    const { epoch, ...metrics } = logs;
    const prefix = this.options.prefix ?? "";
    run.log(Object.fromEntries(Object.entries(metrics).map(([k, v]) => [prefix + k, v])), { step: epoch });
  }
}

export interface EarlyStoppingOptions {
  /** The epoch metric to watch, e.g. "val_loss" (default), "loss" or "val_accuracy". */
  monitor: string;
  /** Epochs without improvement before stopping. */
  patience: number;
  /** An improvement smaller than this does not count. */
  minDelta: number;
  /** "min" for losses, "max" for scores; "auto" reads it from the name (accuracy/f1/auc → max). */
  mode: "min" | "max" | "auto";
  /** Put back the weights of the best epoch when training ends. */
  restoreBestWeights: boolean;
}

/** Stops when the monitored metric has not improved by `minDelta` for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly options: EarlyStoppingOptions;
  private best = NaN;
  private bestWeights: unknown = undefined;
  private wait = 0;
  /** The epoch whose weights are (or would be) restored, and the epoch training stopped after. */
  bestEpoch = -1;
  stoppedEpoch = -1;

  constructor(options: Partial<EarlyStoppingOptions> = {}) {
    this.options = { monitor: "val_loss", patience: 5, minDelta: 0, mode: "auto", restoreBestWeights: true, ...options };
    checkNumber("patience", this.options.patience, { min: 0, integer: true });
    checkNumber("minDelta", this.options.minDelta, { min: 0 });
  }

  private get sign(): 1 | -1 {
    const { mode, monitor } = this.options;
    const max = mode === "max" || (mode === "auto" && /acc|f1|auc|precision|recall|score|r2/i.test(monitor));
    return max ? -1 : 1;
  }

  onTrainBegin(): void {
    this.best = NaN;
    this.wait = 0;
    this.bestEpoch = this.stoppedEpoch = -1;
    this.bestWeights = undefined;
  }

  onEpochEnd(logs: EpochLogs, ctx: TrainContext): void {
    const value = logs[this.options.monitor];
    if (typeof value !== "number") {
      const have = Object.keys(logs).filter((k) => k !== "epoch").join(", ");
      const hint = this.options.monitor.startsWith("val_") ? ": pass validation data (train(…, { validation: { X, y } }) or validationFraction) or monitor 'loss'" : "";
      throw new InvalidInputError(`EarlyStopping monitors '${this.options.monitor}', which the epochs do not log (they log ${have})${hint}`);
    }
    const score = this.sign * value;
    if (Number.isNaN(this.best) || score < this.sign * this.best - this.options.minDelta) {
      this.best = value;
      this.bestEpoch = logs.epoch;
      this.wait = 0;
      if (this.options.restoreBestWeights) this.bestWeights = ctx.session.getWeights();
      return;
    }
    if (++this.wait >= this.options.patience) {
      this.stoppedEpoch = logs.epoch;
      ctx.stop(`early stopping: ${this.options.monitor} did not improve by more than ${this.options.minDelta} for ${this.options.patience} epochs (best ${this.best} at epoch ${this.bestEpoch})`);
    }
  }

  onTrainEnd(ctx: TrainContext): void {
    if (this.options.restoreBestWeights && this.bestWeights !== undefined && this.bestEpoch !== ctx.history.length - 1) {
      ctx.session.setWeights(this.bestWeights);
    }
  }
}

export interface CheckpointOptions {
  /** Artifact name prefix: artifacts are `<name>-epoch<N>.json`. */
  name: string;
  /** Save every this many epochs. */
  every: number;
  /** Save only when `monitor` improved (then the artifact is `<name>-best.json`, replaced each time). */
  bestOnly: boolean;
  monitor: string;
  mode: "min" | "max";
}

/** What a checkpoint artifact holds. */
export interface CheckpointRecord {
  epoch: number;
  logs: EpochLogs;
  layers: readonly string[];
  weights: unknown;
}

/** Saves the weights as artifacts of the active run (content-addressed in the store). */
export class Checkpoint implements Callback {
  readonly options: CheckpointOptions;
  private best = NaN;
  /** Artifact names written so far. */
  readonly saved: string[] = [];

  constructor(options: Partial<CheckpointOptions> = {}) {
    this.options = { name: "checkpoint", every: 1, bestOnly: false, monitor: "val_loss", mode: "min", ...options };
    checkNumber("every", this.options.every, { min: 1, integer: true });
    if (/[\\/]/.test(this.options.name)) throw new InvalidInputError(`checkpoint name '${this.options.name}' must not contain slashes`);
  }

  onTrainBegin(): void {
    if (!activeRun()) throw new InvalidInputError("Checkpoint saves weights as artifacts of the active run, and there is none: start one (%%track, or await startRun()) before training");
  }

  async onEpochEnd(logs: EpochLogs, ctx: TrainContext): Promise<void> {
    const run = activeRun();
    if (!run) return;
    let name: string;
    if (this.options.bestOnly) {
      const v = logs[this.options.monitor];
      if (typeof v !== "number") throw new InvalidInputError(`Checkpoint monitors '${this.options.monitor}', which the epochs do not log`);
      const better = Number.isNaN(this.best) || (this.options.mode === "min" ? v < this.best : v > this.best);
      if (!better) return;
      this.best = v;
      name = `${this.options.name}-best.json`;
    } else {
      if ((logs.epoch + 1) % this.options.every !== 0) return;
      name = `${this.options.name}-epoch${logs.epoch}.json`;
    }
    const record: CheckpointRecord = { epoch: logs.epoch, logs, layers: ctx.session.layers, weights: ctx.session.getWeights() };
    await run.artifact(name, record, "json");
    this.saved.push(name);
  }
}
