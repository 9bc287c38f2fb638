// Training helpers: the callback loop, built-in callbacks, a progress bar, learning curves and
// cross-validation.
import { neuralBackend } from "../neural/backend";
import type { FitOptions } from "../neural/classifier";
import { activeRun } from "../track/tracker";
import { autologFit } from "../models/autolog";
import { Interrupted, onInterrupt } from "../runtime/interrupt";
import { LogToRun } from "./callbacks";
import { type Callback, type FitSession, runAsync, type TrainResult } from "./loop";
import { ProgressBar } from "./progress";

export { runSync, runAsync, AsyncCallbackError, type Callback, type FitSession, type TrainContext, type EpochLogs, type BatchLogs, type TrainResult } from "./loop";
export { EarlyStopping, Checkpoint, LogToRun, LogGradients, LogHistograms, binCounts, type EarlyStoppingOptions, type CheckpointOptions, type CheckpointRecord, type LogHistogramsOptions } from "./callbacks";
export { ProgressBar, progressLine, formatDuration, type ProgressState, type ProgressBarOptions } from "./progress";
export { learningCurve, LearningCurve, type LearningCurveOptions, type Predictor } from "./learningCurve";
export { crossValidate, crossValidateTrial, CrossValidation, SCORERS, type CrossValidateOptions, type FoldResult, type Scorer, type Splitter, type ReportingTrial } from "./crossValidate";

/** A model the loop can train: the neural models hand out a fit session. */
export interface Trainable<X> {
  fitSession(X: X, y: readonly unknown[], options?: FitOptions): FitSession;
}

export interface TrainOptions<X> extends FitOptions {
  validation?: { X: X; y: readonly unknown[] };
  callbacks?: Callback[];
  /** Show a progress bar (an updating display in the kernel, a text bar on stderr otherwise). Default true. */
  progress?: boolean;
  /** Log every epoch's metrics to the active run (when there is one). Default true. */
  log?: boolean;
}

/**
 * Fits a neural model with callbacks, waiting for the ones that write to the store: starts the
 * fast backend first, shows a progress bar and logs epochs to the active run unless told not to.
 * An interrupt stops it after the current batch and rejects with `Interrupted`. Only the callbacks
 * given here run: the model's own stopping settings (earlyStopping, nIterNoChange) are for `fit()`.
 */
export async function train<X, M extends Trainable<X>>(model: M, X: X, y: readonly unknown[], options: TrainOptions<X> = {}): Promise<TrainResult & { model: M }> {
  // Autolog records the model's params, fit_time and model_size; the epochs are LogToRun's to log.
  return autologFit(model, () => trainOnce(model, X, y, options));
}

async function trainOnce<X, M extends Trainable<X>>(model: M, X: X, y: readonly unknown[], options: TrainOptions<X>): Promise<TrainResult & { model: M }> {
  await neuralBackend();
  const { callbacks = [], progress = true, log = true, ...fitOptions } = options;
  const all: Callback[] = [...callbacks];
  if (log && activeRun() && !callbacks.some((c) => c instanceof LogToRun)) all.unshift(new LogToRun());
  if (progress && !callbacks.some((c) => c instanceof ProgressBar)) all.push(new ProgressBar());
  // An interrupt (the kernel's stop button) ends training after the current batch; the model keeps
  // what it learned so far, and the cell still ends as interrupted.
  let interrupted = false;
  const stopListening = onInterrupt(() => void (interrupted = true));
  all.push({ onBatchEnd: (_logs, ctx) => void (interrupted && ctx.stop("interrupted by the user")) });
  try {
    const session = model.fitSession(X, y, fitOptions as FitOptions);
    const result = await runAsync(session, all);
    if (interrupted) throw new Interrupted(`training (stopped after ${result.steps} steps; the model keeps those weights)`);
    return { ...result, model };
  } finally {
    stopListening();
  }
}
