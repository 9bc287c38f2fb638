// The training loop: epochs of shuffled mini-batches with callbacks around every batch and epoch.
// It is written once, as a generator that yields whatever the callbacks return; `runSync` drives it
// for a model's own synchronous fit(), `runAsync` for `train()`, awaiting callbacks that write to
// the store and letting display updates (the progress bar) reach the notebook while it trains.
import { ModelbenchError } from "../errors";
import type { Random } from "../random";

/** One epoch's numbers: `loss` (mean training loss) and whatever the model evaluates, e.g. val_loss. */
export interface EpochLogs {
  epoch: number;
  loss: number;
  [metric: string]: number;
}

export interface BatchLogs {
  epoch: number;
  /** Batch within the epoch, from 0. */
  batch: number;
  /** Optimiser steps so far, from 1: the step this batch made. */
  step: number;
  size: number;
  loss: number;
  /** Per-layer gradient norms, when a callback asked for them. */
  gradNorms?: Record<string, number>;
  /** Per-step numbers a model reports besides the loss (e.g. learning_rate, grad_norm of a fine-tune). */
  metrics?: Record<string, number>;
}

/** What the loop needs from a model being fitted; neural models hand one out from `fitSession`. */
export interface FitSession<W = unknown> {
  readonly nSamples: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** Shuffles the batches (seeded with the model). */
  readonly rng: Random;
  readonly shuffle: boolean;
  readonly layers: readonly string[];
  /** One optimiser step on these rows; the loss before the step. */
  step(rows: Int32Array, options?: { gradNorms?: boolean }): { loss: number; gradNorms?: Record<string, number>; metrics?: Record<string, number> };
  /** The epoch's row order, when the model groups its batches (e.g. by text length) instead of a plain shuffle. */
  epochOrder?(epoch: number): Int32Array;
  /** Metrics on held-out data at the end of an epoch (e.g. val_loss, val_accuracy); {} without any. */
  evaluate(): Record<string, number>;
  getWeights(): W;
  setWeights(weights: W): void;
  /** The first layer with a NaN/±Infinity weight, or null. */
  nonFiniteLayer(): string | null;
  /** Each hidden layer's outputs on these training rows at the current weights (for activation histograms), where the model can say. */
  activations?(rows: Int32Array): { layer: string; values: ArrayLike<number> }[];
  /** Called once when the loop ends, with every epoch's logs: the model takes the trained weights. */
  finish(history: EpochLogs[]): void;
  /** Frees a session that will not be finished (a probe, or a loop that threw). */
  dispose(): void;
}

export interface TrainContext {
  readonly session: FitSession;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly history: readonly EpochLogs[];
  /** Ends training after the current batch; the reason is kept in `stopReason`. */
  stop(reason: string): void;
  readonly stopReason: string | null;
}

/** Hooks around training; any may return a promise (only `train()` waits for it). */
export interface Callback {
  /** Ask the loop to compute per-layer gradient norms for every batch (costs a little). */
  readonly wantsGradNorms?: boolean;
  onTrainBegin?(ctx: TrainContext): unknown;
  onEpochBegin?(epoch: number, ctx: TrainContext): unknown;
  onBatchEnd?(logs: BatchLogs, ctx: TrainContext): unknown;
  onEpochEnd?(logs: EpochLogs, ctx: TrainContext): unknown;
  onTrainEnd?(ctx: TrainContext): unknown;
}

/** The result of a loop: every epoch's logs and why it stopped early, if it did. */
export interface TrainResult {
  history: EpochLogs[];
  stopReason: string | null;
  steps: number;
}

export class AsyncCallbackError extends ModelbenchError {}

function* loop(session: FitSession, callbacks: readonly Callback[]): Generator<unknown, TrainResult, unknown> {
  const n = session.nSamples;
  const stepsPerEpoch = Math.ceil(n / session.batchSize);
  const history: EpochLogs[] = [];
  let stopReason: string | null = null;
  const ctx: TrainContext = {
    session,
    epochs: session.epochs,
    stepsPerEpoch,
    history,
    stop: (reason) => {
      stopReason ??= reason;
    },
    get stopReason() {
      return stopReason;
    },
  };
  const gradNorms = callbacks.some((c) => c.wantsGradNorms);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let step = 0;
  try {
    yield* epochs();
  } catch (e) {
    session.dispose();
    throw e;
  }
  session.finish(history);
  return { history, stopReason, steps: step };

  function* epochs(): Generator<unknown, void, unknown> {
    for (const c of callbacks) yield c.onTrainBegin?.(ctx);
    for (let epoch = 0; epoch < session.epochs && stopReason === null; epoch++) {
      for (const c of callbacks) yield c.onEpochBegin?.(epoch, ctx);
      if (session.epochOrder) order.set(session.epochOrder(epoch));
      else if (session.shuffle) shuffleInPlace(order, session.rng);
      let lossSum = 0;
      let seen = 0;
      for (let batch = 0; batch < stepsPerEpoch && stopReason === null; batch++) {
        const rows = order.subarray(batch * session.batchSize, Math.min(n, (batch + 1) * session.batchSize));
        const out = session.step(rows, { gradNorms });
        step++;
        lossSum += out.loss * rows.length;
        seen += rows.length;
        const logs: BatchLogs = { epoch, batch, step, size: rows.length, loss: out.loss, ...(out.gradNorms ? { gradNorms: out.gradNorms } : {}), ...(out.metrics ? { metrics: out.metrics } : {}) };
        for (const c of callbacks) yield c.onBatchEnd?.(logs, ctx);
      }
      const logs: EpochLogs = { epoch, loss: lossSum / Math.max(seen, 1), ...session.evaluate() };
      history.push(logs);
      for (const c of callbacks) yield c.onEpochEnd?.(logs, ctx);
    }
    for (const c of callbacks) yield c.onTrainEnd?.(ctx);
  }
}

/** Fisher–Yates with the session's seeded Random. */
export function shuffleInPlace(order: Int32Array, rng: Random): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

const isThenable = (v: unknown): v is PromiseLike<unknown> => v != null && typeof (v as PromiseLike<unknown>).then === "function";

/** Runs the loop without waiting: a callback that returns a promise is an error (use `train()`). */
export function runSync(session: FitSession, callbacks: readonly Callback[]): TrainResult {
  const it = loop(session, callbacks);
  let r = it.next();
  while (!r.done) {
    if (isThenable(r.value)) {
      void Promise.resolve(r.value).catch(() => {});
      // Thrown into the loop so that it frees the session on the way out.
      r = it.throw(new AsyncCallbackError("a callback returned a promise (it writes to the store or waits), which model.fit() cannot wait for: use `await train(model, X, y, { callbacks })`"));
      continue;
    }
    r = it.next();
  }
  return r.value;
}

/** Runs the loop, awaiting callbacks, and yields to the event loop every 100 ms so displays update. */
export async function runAsync(session: FitSession, callbacks: readonly Callback[]): Promise<TrainResult> {
  const it = loop(session, callbacks);
  let lastYield = Date.now();
  let r = it.next();
  while (!r.done) {
    if (isThenable(r.value)) {
      try {
        await r.value;
      } catch (e) {
        r = it.throw(e);
        continue;
      }
    }
    if (Date.now() - lastYield > 100) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
    r = it.next();
  }
  return r.value;
}
