// What the MLP and the text classifier share: targets (one label, label sets or 0/1 indicator rows),
// the seeded fit session the training loop drives, batched prediction, and saving with weights.
// Subclasses say only how samples become input tensors and which network to build. Training can
// go on in rounds (`warmStart`) and stop and resume from a checkpoint (weights and the optimiser's
// state), which is what population-based training copies from one member to another.
import type * as TF from "@tensorflow/tfjs";
import { InvalidInputError, NotFittedError, checkOption } from "../errors";
import { MIME, type MimeBundle } from "../display";
import type { Label } from "../labels";
import { checkNumber } from "../models/input";
import { type TargetCoding, codingOf, labelsFromProba, targetMatrix } from "../models/targetCoding";
import { modelBundle } from "../models/summary";
import { type SerializedModel, serializeModel } from "../models/serialize";
import { autologFit } from "../models/autolog";
import { Random } from "../random";
import { holdOutMask } from "../data/split";
import { EarlyStopping } from "../train/callbacks";
import { type Callback, type EpochLogs, type FitSession, runSync } from "../train/loop";
import { backendSync, tfjs } from "./backend";
import { type Architecture, type LayerWeights, Network, type Activation } from "./network";

export interface NeuralParams {
  /** Units of each hidden layer. */
  hiddenLayers: number[];
  activation: Activation;
  /** Fraction of hidden units dropped in training (0 = no dropout). */
  dropout: number;
  optimizer: "adam" | "sgd";
  learningRate: number;
  /** SGD only: Nesterov momentum. */
  momentum: number;
  /** L2 penalty on the weight matrices (scikit-learn's alpha). */
  alpha: number;
  batchSize: number;
  /** Most epochs (scikit-learn's max_iter). */
  epochs: number;
  shuffle: boolean;
  /** Hold out validationFraction of the rows and stop when their loss stops improving (restoring the best weights). */
  earlyStopping: boolean;
  validationFraction: number;
  /** Stop after this many epochs without an improvement of more than tol (scikit-learn's n_iter_no_change). */
  nIterNoChange: number;
  tol: number;
  /** Seeds initialisation, shuffling and dropout; null draws from the global seed (%seed) or the OS. */
  seed: number | null;
}

export const NEURAL_DEFAULTS: NeuralParams = {
  hiddenLayers: [100],
  activation: "relu",
  dropout: 0,
  optimizer: "adam",
  learningRate: 1e-3,
  momentum: 0.9,
  alpha: 1e-4,
  batchSize: 200,
  epochs: 200,
  shuffle: true,
  earlyStopping: false,
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-4,
  seed: null,
};

export function checkNeuralParams(p: NeuralParams): void {
  if (!Array.isArray(p.hiddenLayers)) throw new InvalidInputError("hiddenLayers must be an array of layer sizes, e.g. [100] or [64, 32]");
  p.hiddenLayers.forEach((u, i) => checkNumber(`hiddenLayers[${i}]`, u, { min: 1, integer: true }));
  checkOption("activation", p.activation, ["relu", "tanh", "logistic", "identity"] as const);
  checkOption("optimizer", p.optimizer, ["adam", "sgd"] as const);
  checkNumber("dropout", p.dropout, { min: 0, max: 0.95 });
  checkNumber("learningRate", p.learningRate, { min: 0 });
  checkNumber("momentum", p.momentum, { min: 0, max: 1 });
  checkNumber("alpha", p.alpha, { min: 0 });
  checkNumber("batchSize", p.batchSize, { min: 1, integer: true });
  checkNumber("epochs", p.epochs, { min: 1, integer: true });
  checkNumber("validationFraction", p.validationFraction, { min: 0, max: 1, minExclusive: true });
  checkNumber("nIterNoChange", p.nIterNoChange, { min: 1, integer: true });
  checkNumber("tol", p.tol, { min: 0 });
  checkNumber("seed", p.seed, { min: 0, max: 2 ** 32 - 1, integer: true, nullable: true });
}

/** Samples turned into tensors, a batch of rows at a time. */
export interface InputSource {
  readonly nRows: number;
  batch(rows: Int32Array): TF.Tensor;
}

export interface FitOptions {
  /** Held-out samples scored at the end of every epoch (val_loss, val_accuracy). */
  validation?: { X: unknown; y: readonly unknown[] };
  epochs?: number;
  batchSize?: number;
  /**
   * Keep a fitted model's input layout (features, vocabulary) and label set instead of learning them
   * from this X and y: a probe of the fitted network on a few rows (gradient norms) needs its shapes.
   */
  keepLayout?: boolean;
  /**
   * Continue from the fitted weights instead of a fresh initialisation, and from the optimiser's
   * state (Adam's moments) of the last warm-start fit or of restore(): training in rounds. The
   * model keeps its input layout and classes; the first warm-start fit of an unfitted model starts
   * fresh. (scikit-learn's MLP warm_start / partial_fit.)
   */
  warmStart?: boolean;
}

/** What checkpoint() returns: plain data, so it can be copied, stored as JSON and restored. */
export interface NeuralCheckpoint {
  format: "modelbench.checkpoint";
  version: 1;
  model: SerializedModel<unknown>;
  /** The optimiser's state after the last warm-start fit (its kind and every slot), or null. */
  optimizer: { kind: "adam" | "sgd"; slots: Array<{ name: string; shape: number[]; dtype: string; values: number[] }> } | null;
}

interface Fitted {
  coding: TargetCoding;
  network: Network;
  history: EpochLogs[];
  /** Kept by a warm-start fit (and restore()) so the next round continues its moments. */
  optimizer?: TF.Optimizer;
}

export abstract class NeuralClassifier<X, P extends NeuralParams> {
  protected readonly p: P;
  protected fitted: Fitted | undefined;

  constructor(defaults: P, params: Partial<P>) {
    this.p = { ...defaults, ...params };
    checkNeuralParams(this.p);
  }

  /** The class name, for errors and JSON. */
  abstract get model(): string;
  /** Input tensors for X; `fitting` lets a model learn its input layout (e.g. a vocabulary) first. */
  protected abstract inputs(X: X, fitting: boolean): InputSource;
  /** The network shape, once `inputs(X, true)` has run. */
  protected abstract architecture(outputs: number): Architecture;
  /** Extra learned state to save besides the weights (e.g. the vocabulary). */
  protected abstract inputState(): unknown;
  protected abstract restoreInputState(state: unknown): void;

  params(): P {
    return structuredClone(this.p);
  }

  protected get state(): Fitted {
    if (!this.fitted) throw new NotFittedError(this.model);
    return this.fitted;
  }

  get classes(): readonly Label[] {
    return this.state.coding.classes;
  }

  get multiLabel(): boolean {
    return this.state.coding.kind !== "single";
  }

  /** Every epoch's logs from the last fit (loss, and val_* with validation data). */
  get history(): readonly EpochLogs[] {
    return this.state.history;
  }

  /** Frees the tensors behind the fitted weights (tfjs memory is not garbage-collected); the model is unfitted again. */
  dispose(): void {
    this.fitted?.network.dispose();
    this.fitted?.optimizer?.dispose();
    this.fitted = undefined;
  }

  /** A copy of the fitted weights, layer by layer. */
  getWeights(): LayerWeights[] {
    return this.state.network.getWeights();
  }

  /** Replaces the fitted weights (same layers and shapes), e.g. from a checkpoint artifact. */
  setWeights(weights: readonly LayerWeights[]): void {
    this.state.network.setWeights(weights);
  }

  /** Hidden and output layer names, in order. */
  get layers(): string[] {
    return this.state.network.layers;
  }

  /**
   * A fresh network and optimiser ready for the training loop (src/train drives it). Weights,
   * shuffling and dropout all draw from one Random seeded with `seed`, so a seed repeats a fit.
   */
  fitSession(X: X, y: readonly unknown[], options: FitOptions = {}): FitSession<LayerWeights[]> {
    backendSync();
    // Learning the input layout replaces the model's; bad data, or a session that never finishes, puts it back.
    const previousInput = this.fitted ? this.inputState() : null;
    try {
      return this.openSession(X, y, options, previousInput);
    } catch (e) {
      if (previousInput !== null) this.restoreInputState(previousInput);
      throw e;
    }
  }

  private openSession(X: X, y: readonly unknown[], options: FitOptions, previousInput: unknown): FitSession<LayerWeights[]> {
    const tf = tfjs();
    const warm = options.warmStart === true ? this.fitted : undefined;
    const keep = (options.keepLayout === true || warm !== undefined) && this.fitted !== undefined;
    const source = this.inputs(X, !keep);
    const coding = keep ? this.fitted!.coding : codingOf(y, source.nRows, this.model);
    const targets = targetMatrix(y, coding, "y");
    const k = coding.classes.length;
    const p = this.p;
    const batchSize = options.batchSize ?? Math.min(p.batchSize, source.nRows);
    checkNumber("batchSize", batchSize, { min: 1, integer: true });
    const epochs = options.epochs ?? p.epochs;
    checkNumber("epochs", epochs, { min: 1, integer: true });
    const yBatch = (rows: Int32Array, matrix: Float32Array) => {
      const out = new Float32Array(rows.length * k);
      rows.forEach((r, i) => out.set(matrix.subarray(r * k, (r + 1) * k), i * k));
      return tf.tensor2d(out, [rows.length, k]);
    };
    const dataLoss = (logits: TF.Tensor2D, target: TF.Tensor2D): TF.Scalar =>
      coding.kind === "single"
        ? (tf.losses.softmaxCrossEntropy(target, logits) as TF.Scalar)
        : // Σ over labels of the binary cross-entropy, averaged over samples (as scikit-learn).
          (tf.mean(tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, target)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), 1)) as TF.Scalar);

    let validation: { source: InputSource; targets: Float32Array; y: readonly unknown[] } | null = null;
    if (options.validation) {
      const vs = this.inputs(options.validation.X as X, false);
      if (!Array.isArray(options.validation.y) || options.validation.y.length !== vs.nRows) {
        throw new InvalidInputError(`validation X has ${vs.nRows} samples but validation y has ${(options.validation.y as unknown[])?.length}: they must describe the same samples`);
      }
      validation = { source: vs, targets: targetMatrix(options.validation.y, coding, "validation y"), y: options.validation.y };
    }
    // Tensors last, once every check has passed, so that a bad argument leaks nothing. A warm start
    // shuffles from a seed moved on by the epochs done, so rounds do not repeat one order.
    const rng = new Random(p.seed === null ? undefined : warm ? (p.seed + warm.history.length) % 2 ** 32 : p.seed);
    const network = warm ? warm.network : new Network(this.architecture(k), rng);
    const optimizer = warm?.optimizer ?? newOptimizer(p);
    const model = this;
    const vars = network.variables;
    return {
      nSamples: source.nRows,
      batchSize,
      epochs,
      rng,
      shuffle: p.shuffle,
      layers: network.layers,
      step(rows, opts = {}) {
        const dropoutSeed = rng.uint32();
        const x = source.batch(rows);
        const t = yBatch(rows, targets);
        const { value, grads } = tf.variableGrads(() => {
          const { logits } = network.forward(x, { dropoutSeed });
          const loss = dataLoss(logits, t);
          return (p.alpha > 0 ? tf.add(loss, tf.mul(p.alpha / rows.length, network.halfSquaredNorm())) : loss) as TF.Scalar;
        }, vars);
        const gradNorms = opts.gradNorms ? network.layerNorms(grads) : undefined;
        optimizer.applyGradients(grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
        const loss = value.dataSync()[0];
        tf.dispose([x, t, value, ...Object.values(grads)]);
        return gradNorms ? { loss, gradNorms } : { loss };
      },
      evaluate(): Record<string, number> {
        if (!validation) return {};
        const { loss, accuracy } = tf.tidy(() => {
          const v = validation!;
          const all = Int32Array.from({ length: v.source.nRows }, (_, i) => i);
          const logits = model.logitsOf(network, v.source, all);
          const target = tf.tensor2d(v.targets, [v.source.nRows, k]);
          const loss = dataLoss(logits, target).dataSync()[0];
          const right =
            coding.kind === "single"
              ? tf.equal(tf.argMax(logits, 1), tf.argMax(target, 1))
              : tf.all(tf.equal(tf.greaterEqual(logits, 0), tf.greater(target, 0.5)), 1);
          return { loss, accuracy: tf.mean(tf.cast(right, "float32")).dataSync()[0] };
        });
        return { val_loss: loss, val_accuracy: accuracy };
      },
      getWeights: () => network.getWeights(),
      setWeights: (w) => network.setWeights(w),
      nonFiniteLayer: () => network.nonFiniteLayer(),
      activations: (rows) => tf.tidy(() => network.forward(source.batch(rows), null).hidden.map((h, i) => ({ layer: `dense_${i + 1}`, values: h.dataSync() as Float32Array }))),
      dispose() {
        // A warm start's network and optimiser stay the model's.
        if (warm) return;
        optimizer.dispose();
        network.dispose();
        if (previousInput !== null) model.restoreInputState(previousInput);
      },
      finish(history) {
        if (warm) {
          const offset = warm.history.length;
          model.fitted = { coding, network, history: [...warm.history, ...history.map((h) => ({ ...h, epoch: h.epoch + offset }))], optimizer };
          return;
        }
        model.fitted?.network.dispose();
        model.fitted?.optimizer?.dispose();
        if (options.warmStart) model.fitted = { coding, network, history, optimizer };
        else {
          optimizer.dispose();
          model.fitted = { coding, network, history };
        }
      },
    };
  }

  /** Fits with the model's own settings (early stopping on the loss, or a validation split); autolog logs each epoch's numbers. */
  fit(X: X, y: readonly unknown[]): this {
    return autologFit(this, () => this.fitOnce(X, y), () => ({ iterations: epochSeries(this.history) }));
  }

  private fitOnce(X: X, y: readonly unknown[]): this {
    const p = this.p;
    const callbacks: Callback[] = [];
    if (p.earlyStopping) {
      const n = this.countRows(X);
      const { train, held } = splitForValidation(n, p.validationFraction, new Random(p.seed === null ? undefined : p.seed + 1));
      const session = this.fitSession(this.subset(X, train), train.map((i) => y[i]), { validation: { X: this.subset(X, held), y: held.map((i) => y[i]) } });
      runSync(session, [new EarlyStopping({ monitor: "val_loss", patience: p.nIterNoChange, minDelta: p.tol, restoreBestWeights: true })]);
      return this;
    }
    runSync(this.fitSession(X, y), [new EarlyStopping({ monitor: "loss", patience: p.nIterNoChange, minDelta: p.tol, restoreBestWeights: false })]);
    return this;
  }

  /** The rows `indices` of X, in the same form. */
  protected abstract subset(X: X, indices: number[]): X;
  protected abstract countRows(X: X): number;

  /** Logits for some rows of a source, in batches of at most 1024 rows. */
  protected logitsOf(network: Network, source: InputSource, rows: Int32Array): TF.Tensor2D {
    const tf = tfjs();
    const parts: TF.Tensor2D[] = [];
    for (let a = 0; a < rows.length; a += 1024) {
      const x = source.batch(rows.subarray(a, a + 1024));
      parts.push(network.forward(x, null).logits);
      x.dispose();
    }
    const out = parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as TF.Tensor2D);
    if (parts.length > 1) tf.dispose(parts);
    return out;
  }

  /** Class probabilities (softmax), or per-label probabilities (sigmoid) for multi-label models. */
  predictProba(X: X): number[][] {
    const { network, coding } = this.state;
    backendSync();
    const tf = tfjs();
    const source = this.inputs(X, false);
    const k = coding.classes.length;
    const flat = tf.tidy(() => {
      const logits = this.logitsOf(network, source, Int32Array.from({ length: source.nRows }, (_, i) => i));
      return (coding.kind === "single" ? tf.softmax(logits) : tf.sigmoid(logits)).dataSync();
    });
    return Array.from({ length: source.nRows }, (_, i) => Array.from(flat.subarray(i * k, (i + 1) * k)));
  }

  /** A class per sample; for multi-label models a label set (or 0/1 row) with each label of probability ≥ 0.5. */
  predict(X: X): Label[] | Label[][] {
    return labelsFromProba(this.predictProba(X), this.state.coding);
  }

  /** Each hidden layer's outputs on X (rows × units), e.g. to count dead ReLU units. */
  hiddenOutputs(X: X): { layer: string; units: number; values: Float32Array }[] {
    const { network } = this.state;
    const tf = tfjs();
    const source = this.inputs(X, false);
    const all = Int32Array.from({ length: source.nRows }, (_, i) => i);
    const outs = network.arch.hidden.map((units, i) => ({ layer: `dense_${i + 1}`, units, values: new Float32Array(source.nRows * units) }));
    for (let a = 0; a < all.length; a += 1024) {
      tf.tidy(() => {
        const { hidden } = network.forward(source.batch(all.subarray(a, a + 1024)), null);
        hidden.forEach((h, i) => outs[i].values.set(h.dataSync(), a * outs[i].units));
      });
    }
    return outs;
  }

  toJSON(): SerializedModel<P> {
    const s = this.fitted;
    return serializeModel(this.model, this.params(), s && { coding: s.coding, input: this.inputState(), weights: s.network.getWeights(), history: s.history });
  }

  /**
   * Everything needed to go on training later, or in another model of the same layers with other
   * hyperparameters (a new learning rate): the fitted model and the optimiser's state of the last
   * warm-start fit. Plain data.
   */
  async checkpoint(): Promise<NeuralCheckpoint> {
    const s = this.state;
    let optimizer: NeuralCheckpoint["optimizer"] = null;
    if (s.optimizer) {
      const slots = await s.optimizer.getWeights();
      optimizer = { kind: this.p.optimizer, slots: await Promise.all(slots.map(async (w) => ({ name: w.name, shape: w.tensor.shape.slice(), dtype: w.tensor.dtype, values: Array.from(await w.tensor.data()) }))) };
      // The iteration count is a fresh scalar each time; the moments are the optimiser's own.
      slots[0]?.tensor.dispose();
    }
    return { format: "modelbench.checkpoint", version: 1, model: this.toJSON() as SerializedModel<unknown>, optimizer };
  }

  /**
   * Continues from a checkpoint (of this kind of model, with the same layers): the weights, input
   * layout and classes, and the optimiser's moments when it is the same kind of optimiser (this
   * model's learning rate applies from now on). Then `fit…({ warmStart: true })` trains on.
   */
  async restore(checkpoint: NeuralCheckpoint): Promise<this> {
    const c = checkpoint as Partial<NeuralCheckpoint> | null;
    if (!c || c.format !== "modelbench.checkpoint" || !c.model) throw new InvalidInputError("not a checkpoint: pass what a model's checkpoint() returned");
    if (c.model.model !== this.model) throw new InvalidInputError(`this checkpoint is of a ${c.model.model}, not a ${this.model}`);
    if (!c.model.state) throw new InvalidInputError("this checkpoint is of a model that was never fitted");
    const previous = this.fitted;
    const previousInput = previous ? this.inputState() : null;
    this.fitted = undefined;
    try {
      this.restoreSaved(c.model as SerializedModel<P, any>);
      if (c.optimizer && c.optimizer.kind === this.p.optimizer) {
        const tf = tfjs();
        const optimizer = newOptimizer(this.p);
        const slots = c.optimizer.slots.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape, w.dtype as TF.DataType) }));
        try {
          await optimizer.setWeights(slots);
        } finally {
          tf.dispose(slots.map((w) => w.tensor)); // the optimiser's variables hold their own references
        }
        this.fitted!.optimizer = optimizer;
      }
    } catch (e) {
      (this.fitted as Fitted | undefined)?.network.dispose();
      this.fitted = previous;
      if (previousInput !== null) this.restoreInputState(previousInput);
      throw e;
    }
    previous?.network.dispose();
    previous?.optimizer?.dispose();
    return this;
  }

  /** Puts back what toJSON saved (subclasses call it from their static fromJSON). */
  protected restoreSaved(saved: SerializedModel<P, any>): this {
    const s = saved.state;
    if (s) {
      backendSync();
      this.restoreInputState(s.input);
      const network = new Network(this.architecture(s.coding.classes.length), new Random(0));
      network.setWeights(s.weights);
      this.fitted = { coding: s.coding, network, history: s.history };
    }
    return this;
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    const learned = s ? `fitted: ${s.coding.classes.length} ${s.coding.kind === "single" ? "classes" : "labels"}, layers ${s.network.layers.join(" → ")}, ${s.history.length} epochs, final loss ${s.history.at(-1)?.loss.toFixed(4)}` : null;
    return modelBundle(this.model, this.p, learned);
  }
}

/** Epoch logs as a series per metric (loss, val_loss, …), indexed by epoch. */
export function epochSeries(history: readonly EpochLogs[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const logs of history) for (const [k, v] of Object.entries(logs)) if (k !== "epoch") (out[k] ??= []).push(v);
  return out;
}

function newOptimizer(p: NeuralParams): TF.Optimizer {
  const tf = tfjs();
  return p.optimizer === "adam" ? tf.train.adam(p.learningRate, 0.9, 0.999, 1e-8) : tf.train.momentum(p.learningRate, p.momentum, true);
}

/** A seeded random split of row indices into training and held-out rows (at least one each). */
export function splitForValidation(n: number, fraction: number, rng: Random): { train: number[]; held: number[] } {
  if (n < 2) throw new InvalidInputError("early stopping needs at least 2 samples (some to train on, some to validate on)");
  const mask = holdOutMask(n, fraction, rng);
  const held: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < n; i++) (mask[i] ? held : train).push(i);
  return { held, train };
}
