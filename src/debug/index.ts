// Debugging a model that does not learn: can it overfit one tiny batch, do gradients reach every
// layer, where did a NaN first appear, how many ReLU units are dead, does a seed reproduce a fit,
// and which examples does it get wrong.
import { withoutAutolog } from "../models/autolog";
import { ModelbenchError, InvalidInputError } from "../errors";
import { setGlobalSeed, globalSeed } from "../random";
import type { NeuralClassifier } from "../neural/classifier";
import { type Callback, type BatchLogs, type FitSession, type TrainContext, runSync } from "../train/loop";
import { takeRows } from "../data/table";
export { errorAnalysis, ErrorTable, type ErrorGroup, type ErrorRow } from "./errors";

/** The model cannot fit a tiny batch: something upstream of "more data / more epochs" is broken. */
export class OverfitError extends ModelbenchError {}

/** A loss, gradient or weight became NaN or ±Infinity. */
export class NonFiniteError extends ModelbenchError {
  constructor(readonly step: number, readonly epoch: number, readonly batch: number, readonly what: string, readonly layer: string | null) {
    super(`${what} became non-finite at step ${step} (epoch ${epoch}, batch ${batch})${layer ? ` in layer ${layer}` : ""}: lower the learning rate, check inputs for NaN/huge values, or clip gradients`);
  }
}

type Neural = NeuralClassifier<any, any>;

/** What overfitOneBatch needs: a model that hands out fit sessions and is rebuilt from its settings (the MLP, the text network, TransformerClassifier). */
export interface SessionModel {
  params(): object;
  fitSession(X: any, y: readonly unknown[], options?: { epochs?: number; batchSize?: number }): FitSession;
  dispose(): void;
}

export interface OverfitResult {
  samples: number;
  steps: number;
  initialLoss: number;
  finalLoss: number;
  losses: number[];
}

/**
 * Trains a copy of the model (same settings) on the first `samples` rows as one batch for `steps`
 * steps; throws OverfitError unless the loss gets below `threshold` — a sane model memorises a
 * handful of rows, so one that cannot has a bug (learning rate, labels, loss, broken gradients).
 */
export function overfitOneBatch<X>(model: SessionModel, X: X, y: readonly unknown[], options: { samples?: number; steps?: number; threshold?: number } = {}): OverfitResult {
  const samples = options.samples ?? 8;
  const steps = options.steps ?? 300;
  const threshold = options.threshold ?? 0.05;
  const rows = Array.from({ length: Math.min(samples, y.length) }, (_, i) => i);
  if (rows.length === 0) throw new InvalidInputError("overfitOneBatch needs at least one sample");
  const probe = copyOf(model); // the model itself stays as it was
  const session = probe.fitSession(takeRows(X, rows), rows.map((i) => y[i]), { epochs: steps, batchSize: rows.length });
  const losses: number[] = [];
  runSync(session, [{ onEpochEnd: (logs) => void losses.push(logs.loss) }]);
  probe.dispose();
  const result = { samples: rows.length, steps, initialLoss: losses[0], finalLoss: losses[losses.length - 1], losses };
  if (!(result.finalLoss < threshold)) {
    const moved = Math.abs(result.initialLoss - result.finalLoss) < 1e-6 * Math.max(1, result.initialLoss);
    const hint = moved
      ? "the loss did not move at all: is the learning rate 0, are gradients reaching the weights (gradientNorms), are the labels constant?"
      : "it moves but too slowly: raise the learning rate or capacity, drop dropout/L2 for this check, and check that labels match their inputs";
    throw new OverfitError(`the model cannot overfit ${rows.length} samples: loss ${fmt(result.initialLoss)} → ${fmt(result.finalLoss)} after ${steps} steps (needs < ${threshold}); ${hint}`);
  }
  return result;
}

/** An unfitted model with the same settings. */
function copyOf<M extends SessionModel>(model: M): M {
  const make = model.constructor as new (params: unknown) => M;
  return new make(model.params());
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(4) : String(v));

/** L2 norm of each layer's gradient on the first `samples` rows (one step on a throw-away copy). */
export function gradientNorms<X>(model: Neural, X: X, y: readonly unknown[], options: { samples?: number } = {}): Record<string, number> {
  const rows = Array.from({ length: Math.min(options.samples ?? 256, y.length) }, (_, i) => i);
  // A fitted model is probed at its weights, with its own input layout and label set (the rows need
  // not contain every class); an unfitted one at its fresh initialisation.
  const fitted = (() => {
    try {
      return model.getWeights();
    } catch {
      return null;
    }
  })();
  const probe = fitted ? (model.constructor as unknown as { fromJSON(json: unknown): Neural }).fromJSON(model.toJSON()) : copyOf(model);
  const session = probe.fitSession(takeRows(X, rows), rows.map((i) => y[i]), { epochs: 1, batchSize: rows.length, keepLayout: fitted !== null });
  if (fitted) session.setWeights(fitted);
  try {
    return session.step(Int32Array.from(rows), { gradNorms: true }).gradNorms!;
  } finally {
    session.dispose();
    probe.dispose();
  }
}

/**
 * A callback that watches every step: the loss, each layer's gradient norm and weights. At the first
 * NaN/±Infinity it stops training by throwing NonFiniteError naming the step and layer (or, with
 * `throwOnFind: false`, stops quietly and keeps what it found in `found`).
 */
export class NonFiniteCheck implements Callback {
  readonly wantsGradNorms = true;
  found: NonFiniteError | null = null;

  constructor(private readonly options: { throwOnFind?: boolean } = {}) {}

  onBatchEnd(logs: BatchLogs, ctx: TrainContext): void {
    let what: string | null = null;
    let layer: string | null = null;
    if (!Number.isFinite(logs.loss)) what = "the loss";
    const badGrad = Object.entries(logs.gradNorms ?? {}).find(([, v]) => !Number.isFinite(v));
    if (badGrad) {
      what ??= "the gradient";
      layer = badGrad[0];
    }
    const badWeights = ctx.session.nonFiniteLayer();
    if (badWeights) {
      what ??= "the weights";
      layer ??= badWeights;
    }
    if (!what) return;
    this.found = new NonFiniteError(logs.step, logs.epoch, logs.batch, what, layer);
    ctx.stop(this.found.message);
    if (this.options.throwOnFind ?? true) throw this.found;
  }
}

export interface DeadUnits {
  layer: string;
  units: number;
  /** Units whose output is 0 for every sample given. */
  dead: number;
  deadFraction: number;
}

/** Per hidden layer: units that never activate (output exactly 0) on X — dead ReLUs learn nothing. */
export function deadUnits<X>(model: Neural, X: X): DeadUnits[] {
  return model.hiddenOutputs(X).map(({ layer, units, values }) => {
    const alive = new Uint8Array(units);
    for (let i = 0; i < values.length; i++) if (values[i] !== 0) alive[i % units] = 1;
    const dead = units - alive.reduce((a, b) => a + b, 0);
    return { layer, units, dead, deadFraction: dead / units };
  });
}

export interface ReproducibilityReport {
  reproducible: boolean;
  seed: number;
  /** Largest absolute difference between any two numbers of the two fitted models. */
  maxDifference: number;
  /** Where they differ (JSON paths), at most 20. */
  differences: string[];
}

/**
 * Fits twice with the same global seed (`%seed`) and compares the saved models number by number.
 * Works for any estimator with toJSON (weights, trees, coefficients, training history).
 */
export function checkReproducible<X>(makeEstimator: () => { fit(X: X, y: any): unknown; toJSON(): unknown }, X: X, y: readonly unknown[], options: { seed?: number; tolerance?: number } = {}): ReproducibilityReport {
  const seed = options.seed ?? 0;
  const tolerance = options.tolerance ?? 0;
  const before = globalSeed();
  const fitOnce = () => {
    setGlobalSeed(seed);
    const m = makeEstimator();
    // The two fits are a check, not experiments: nothing of them is logged to the active run.
    withoutAutolog(() => m.fit(X, y));
    return JSON.parse(JSON.stringify(m.toJSON()));
  };
  let a: unknown;
  let b: unknown;
  try {
    a = fitOnce();
    b = fitOnce();
  } finally {
    setGlobalSeed(before);
  }
  const differences: string[] = [];
  let maxDifference = 0;
  const walk = (x: any, z: any, path: string) => {
    if (typeof x === "number" && typeof z === "number") {
      const d = Number.isNaN(x) && Number.isNaN(z) ? 0 : Math.abs(x - z);
      if (!(d <= tolerance)) {
        maxDifference = Math.max(maxDifference, Number.isNaN(d) ? Infinity : d);
        if (differences.length < 20) differences.push(`${path}: ${x} vs ${z}`);
      }
    } else if (Array.isArray(x) && Array.isArray(z) && x.length === z.length) {
      x.forEach((v, i) => walk(v, z[i], `${path}[${i}]`));
    } else if (x && z && typeof x === "object" && typeof z === "object" && !Array.isArray(x) && !Array.isArray(z)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(z)])) walk(x[k], z[k], path ? `${path}.${k}` : k);
    } else if (JSON.stringify(x) !== JSON.stringify(z)) {
      maxDifference = Infinity;
      if (differences.length < 20) differences.push(`${path}: ${JSON.stringify(x)?.slice(0, 40)} vs ${JSON.stringify(z)?.slice(0, 40)}`);
    }
  };
  walk(a, b, "");
  return { reproducible: maxDifference === 0 && differences.length === 0, seed, maxDifference, differences };
}
