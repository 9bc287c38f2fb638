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

/** Steps between logs: a whole number ≥ 1. */
function checkEvery(every: number | undefined): void {
  if (every !== undefined) checkNumber("every", every, { min: 1, integer: true });
}

/**
 * Logs the gradient's global L2 norm and each layer's every `every` optimiser steps (default 1) to
 * the active run, at step = optimiser step, as `grad_norm/total` and `grad_norm/<layer>` (the
 * norms are taken before any clipping). A norm that explodes, or falls to 0 in one layer, shows a
 * learning-rate or initialisation problem before the loss does. For train()'s callbacks.
 */
export class LogGradients implements Callback {
  readonly wantsGradNorms = true;
  /** What was logged: the step, the global norm and each layer's. */
  readonly steps: { step: number; total: number; layers: Record<string, number> }[] = [];

  constructor(private readonly options: { every?: number; prefix?: string } = {}) {
    checkEvery(options.every);
  }

  onBatchEnd(logs: BatchLogs): void {
    const every = this.options.every ?? 1;
    if (!logs.gradNorms || (logs.step - 1) % every !== 0) return;
    // Layers are disjoint sets of weights, so the global norm is the root of their squared norms' sum.
    const total = Math.sqrt(Object.values(logs.gradNorms).reduce((a, v) => a + v * v, 0));
    this.steps.push({ step: logs.step, total, layers: { ...logs.gradNorms } });
    const run = activeRun();
    if (!run) return;
    const prefix = this.options.prefix ?? "grad_norm/";
    run.log({ [`${prefix}total`]: total, ...Object.fromEntries(Object.entries(logs.gradNorms).map(([layer, v]) => [prefix + layer, v])) }, { step: logs.step });
  }
}

export interface LogHistogramsOptions {
  /** Optimiser steps between histograms (default: one epoch's steps, so once per epoch). */
  every?: number;
  /** Equal-width bins per histogram (default 30). */
  bins: number;
  /** Histograms of each weight tensor (default true). */
  weights: boolean;
  /** Histograms of each hidden layer's outputs on the first `samples` training rows, where the model can give them (default true). */
  activations: boolean;
  samples: number;
  /** Only the weight tensors and layers whose name matches (e.g. /dense_1|output/). */
  match?: RegExp;
  /** Name prefix of the logged media (default "histograms/"). */
  prefix: string;
}

/** Counts in `bins` equal-width bins over the finite values, as numpy.histogram; non-finite values are counted apart. */
export function binCounts(values: ArrayLike<number>, bins: number): { edges: number[]; counts: number[]; nonFinite: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) nonFinite++;
    else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return { edges: [], counts: [], nonFinite };
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * width)), counts, nonFinite };
}

/** Named arrays of weights from what a session's getWeights() returns (the neural layers' list, or a transformer's tensors). */
function weightTensors(weights: unknown): { name: string; values: ArrayLike<number> }[] {
  if (Array.isArray(weights)) {
    return weights.filter((w) => w && typeof w.layer === "string" && w.values).map((w) => ({ name: `${w.layer}/${w.name}`, values: w.values }));
  }
  const tensors = (weights as { tensors?: unknown } | null)?.tensors;
  if (tensors instanceof Map) return [...tensors].map(([name, t]) => ({ name: String(name), values: (t as { data: ArrayLike<number> }).data }));
  return [];
}

/**
 * Every `every` optimiser steps, logs histograms of each weight tensor and of each hidden layer's
 * activations to the active run: a bar figure per tensor or layer (`histograms/weights/<name>`,
 * `histograms/activations/<layer>`) and one table of every bin (`histograms/weights_bins`,
 * `histograms/activations_bins`), all at step = optimiser step. Weights that spread or collapse, and
 * units stuck at 0, show there. For train()'s callbacks (it writes media, so it must be awaited).
 */
export class LogHistograms implements Callback {
  readonly options: LogHistogramsOptions;
  private every = 1;

  constructor(options: Partial<LogHistogramsOptions> = {}) {
    this.options = { bins: 30, weights: true, activations: true, samples: 256, prefix: "histograms/", ...options };
    checkEvery(this.options.every);
    checkNumber("bins", this.options.bins, { min: 1, integer: true });
    checkNumber("samples", this.options.samples, { min: 1, integer: true });
  }

  onTrainBegin(ctx: TrainContext): void {
    this.every = this.options.every ?? ctx.stepsPerEpoch;
  }

  onBatchEnd(logs: BatchLogs, ctx: TrainContext): Promise<unknown> | undefined {
    const run = activeRun();
    if (!run || logs.step % this.every !== 0) return undefined;
    const { match, prefix, bins } = this.options;
    const keep = (name: string) => !match || match.test(name);
    const groups: { kind: "weights" | "activations"; name: string; values: ArrayLike<number> }[] = [];
    if (this.options.weights) for (const w of weightTensors(ctx.session.getWeights())) if (keep(w.name)) groups.push({ kind: "weights", ...w });
    if (this.options.activations && ctx.session.activations) {
      const rows = Int32Array.from({ length: Math.min(this.options.samples, ctx.session.nSamples) }, (_, i) => i);
      for (const a of ctx.session.activations(rows)) if (keep(a.layer)) groups.push({ kind: "activations", name: a.layer, values: a.values });
    }
    const writes: Promise<unknown>[] = [];
    const tables: Record<string, unknown[][]> = { weights: [], activations: [] };
    for (const g of groups) {
      const h = binCounts(g.values, bins);
      if (!h.counts.length) continue;
      const centres = h.counts.map((_, k) => (h.edges[k] + h.edges[k + 1]) / 2);
      const title = `${g.kind === "weights" ? "Weights" : "Activations"} ${g.name} at step ${logs.step}${h.nonFinite ? ` (${h.nonFinite} non-finite left out)` : ""}`;
      writes.push(run.logFigure(`${prefix}${g.kind}/${g.name}`, {
        data: [{ type: "bar", x: centres, y: h.counts, width: (h.edges[1] - h.edges[0]) * 0.95, name: g.name }],
        layout: { title: { text: title }, xaxis: { title: { text: "value" } }, yaxis: { title: { text: "count" } }, bargap: 0, height: 300 },
      }, { step: logs.step }));
      h.counts.forEach((count, k) => tables[g.kind].push([g.name, h.edges[k], h.edges[k + 1], count]));
    }
    for (const [kind, data] of Object.entries(tables)) {
      if (data.length) writes.push(run.logTable(`${prefix}${kind}_bins`, { columns: ["name", "bin_start", "bin_end", "count"], data }, { step: logs.step }));
    }
    return Promise.all(writes);
  }
}
