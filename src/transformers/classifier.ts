// Fine-tuning a pretrained BERT-family encoder with a classification head, on the estimator contract:
// pooled embeddings (mean or CLS) → dropout → a linear head; softmax cross-entropy for one label,
// sigmoid + binary cross-entropy for label sets. AdamW with linear warm-up and decay, gradient
// clipping, freezing all but the top k layers, batches grouped by length, class weights. It hands
// the training loop a FitSession, so train()'s callbacks (EarlyStopping, Checkpoint, the progress
// bar, logging per step to the active run, NonFiniteCheck, overfitOneBatch) all work on it.
// Saved models are self-contained safetensors files: weights, config, tokenizer and settings.
import { autologFit } from "../models/autolog";
import { epochSeries } from "../neural/classifier";
import * as fs from "fs";
import type * as TF from "@tensorflow/tfjs";
import { InvalidInputError, ModelbenchError, NotFittedError, checkOption } from "../errors";
import { MIME, type MimeBundle } from "../display";
import type { Label } from "../labels";
import { warn, type WarningHook } from "../metrics/warnings";
import { checkNumber } from "../models/input";
import { modelBundle } from "../models/summary";
import { type SerializedModel, readSerialized, registerModel, serializeModel } from "../models/serialize";
import { backendSync, tfjs } from "../neural/backend";
import { splitForValidation } from "../neural/classifier";
import { type TargetCoding, codingOf, labelsFromProba, targetMatrix } from "../models/targetCoding";
import { Random } from "../random";
import { EarlyStopping } from "../train/callbacks";
import { type EpochLogs, type FitSession, runSync, shuffleInPlace } from "../train/loop";
import { AdamW, globalNorm, linearSchedule } from "./adamw";
import { BertEncoder, pool } from "./bert";
import { type BertConfig, readBertConfig } from "./config";
import { batchTensors, DEFAULT_MODEL, readCheckpoint, warnTruncated } from "./pretrained";
import { Safetensors, encodeSafetensors, type TensorToWrite } from "./safetensors";
import { type Encoding, PretrainedTokenizer } from "./tokenizer";

export interface TransformerParams {
  /** A checkpoint name (found in MODELBENCH_MODELS_DIR or .data/models) or folder path. */
  model: string;
  pooling: "mean" | "cls";
  /** Dropout on the pooled embedding before the head (the encoder keeps its own config's dropout). */
  dropout: number;
  learningRate: number;
  /** AdamW's decoupled weight decay (not on biases and LayerNorm weights). */
  weightDecay: number;
  /** Fraction of all steps spent warming the learning rate up from 0; then it decays linearly to 0. */
  warmupFraction: number;
  /** "linear" warm-up and decay, or "constant" (after warm-up). */
  schedule: "linear" | "constant";
  epochs: number;
  batchSize: number;
  /** Tokens per text, special tokens included; longer texts are truncated (with a warning). */
  maxLength: number;
  /** Clip the global gradient norm to this (null: no clipping). */
  clipNorm: number | null;
  /** Fine-tune only the top k encoder layers (and the head); null fine-tunes all, embeddings included; 0 trains the head alone. */
  trainableLayers: number | null;
  /** Batches of texts of similar length (less padding, faster), in a shuffled order. */
  groupByLength: boolean;
  /** Weights per class in the loss: "balanced" (n / (k · count)), an object label → weight, or null. */
  classWeight: "balanced" | Record<string, number> | null;
  /** Hold out this fraction and stop when val_loss stops improving (fit() only; restores the best weights). */
  earlyStopping: boolean;
  validationFraction: number;
  nIterNoChange: number;
  /** Seeds the head, dropout and batch order; null draws from %seed or the OS. */
  seed: number | null;
}

export const TRANSFORMER_DEFAULTS: TransformerParams = {
  model: DEFAULT_MODEL,
  pooling: "mean",
  dropout: 0.1,
  learningRate: 5e-5,
  weightDecay: 0.01,
  warmupFraction: 0.1,
  schedule: "linear",
  epochs: 3,
  batchSize: 16,
  maxLength: 128,
  clipNorm: 1,
  trainableLayers: null,
  groupByLength: true,
  classWeight: null,
  earlyStopping: false,
  validationFraction: 0.1,
  nIterNoChange: 2,
  seed: null,
};

function checkParams(p: TransformerParams): void {
  if (typeof p.model !== "string" || !p.model) throw new InvalidInputError("model must be a checkpoint name (e.g. \"all-MiniLM-L6-v2\") or folder path");
  checkOption("pooling", p.pooling, ["mean", "cls"] as const);
  checkOption("schedule", p.schedule, ["linear", "constant"] as const);
  checkNumber("dropout", p.dropout, { min: 0, max: 0.95 });
  checkNumber("learningRate", p.learningRate, { min: 0 });
  checkNumber("weightDecay", p.weightDecay, { min: 0 });
  checkNumber("warmupFraction", p.warmupFraction, { min: 0, max: 1 });
  checkNumber("epochs", p.epochs, { min: 1, integer: true });
  checkNumber("batchSize", p.batchSize, { min: 1, integer: true });
  checkNumber("maxLength", p.maxLength, { min: 3, integer: true });
  checkNumber("clipNorm", p.clipNorm, { min: 0, minExclusive: true, nullable: true });
  checkNumber("trainableLayers", p.trainableLayers, { min: 0, integer: true, nullable: true });
  checkNumber("validationFraction", p.validationFraction, { min: 0, max: 1, minExclusive: true });
  checkNumber("nIterNoChange", p.nIterNoChange, { min: 1, integer: true });
  checkNumber("seed", p.seed, { min: 0, max: 2 ** 32 - 1, integer: true, nullable: true });
  if (p.classWeight !== null && p.classWeight !== "balanced" && (typeof p.classWeight !== "object" || Array.isArray(p.classWeight))) {
    throw new InvalidInputError(`classWeight must be "balanced", an object of label → weight, or null; got ${JSON.stringify(p.classWeight)}`);
  }
}

export interface TransformerFitOptions {
  validation?: { X: readonly string[]; y: readonly unknown[] };
  epochs?: number;
  batchSize?: number;
  /** Keep a fitted model's label set (a probe on a few rows, e.g. gradientNorms). */
  keepLayout?: boolean;
  onWarning?: WarningHook;
}

interface Head {
  kernel: TF.Variable;
  bias: TF.Variable;
}

interface Fitted {
  coding: TargetCoding;
  bert: BertEncoder;
  head: Head;
  history: EpochLogs[];
}

/** A checkpoint's parts that a saved model carries along, so it loads without the original folder. */
interface Base {
  name: string;
  config: BertConfig;
  configJSON: Record<string, unknown>;
  tokenizer: PretrainedTokenizer;
  tokenizerJSON: Record<string, unknown>;
}

/** Weights a fit session snapshots (trainable ones only) for EarlyStopping and Checkpoint; JSON is base64 safetensors. */
export class TransformerWeights {
  constructor(readonly tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>) {}

  toJSON(): { format: "safetensors+base64"; data: string } {
    const all: Record<string, TensorToWrite> = {};
    for (const [name, t] of this.tensors) all[name] = { shape: t.shape, data: t.data };
    return { format: "safetensors+base64", data: encodeSafetensors(all).toString("base64") };
  }

  static from(value: unknown): TransformerWeights {
    if (value instanceof TransformerWeights) return value;
    const v = value as { format?: string; data?: string } | null;
    if (v?.format !== "safetensors+base64" || typeof v.data !== "string") throw new InvalidInputError("not TransformerClassifier weights: pass what getWeights() returned (or its JSON)");
    const st = Safetensors.parse(Buffer.from(v.data, "base64"), "the saved weights");
    return new TransformerWeights(new Map([...st.tensors.keys()].map((k) => [k, { shape: st.info(k).shape, data: Float32Array.from(st.float32(k)) }])));
  }
}

let headCount = 0;

export class TransformerClassifier {
  private readonly p: TransformerParams;
  private fitted: Fitted | undefined;
  private base: Base | undefined;

  constructor(params: Partial<TransformerParams> = {}) {
    this.p = { ...TRANSFORMER_DEFAULTS, ...params };
    checkParams(this.p);
  }

  get model(): string {
    return "TransformerClassifier";
  }

  params(): TransformerParams {
    return structuredClone(this.p);
  }

  private get state(): Fitted {
    if (!this.fitted) throw new NotFittedError(this.model);
    return this.fitted;
  }

  get classes(): readonly Label[] {
    return this.state.coding.classes;
  }

  get multiLabel(): boolean {
    return this.state.coding.kind !== "single";
  }

  get history(): readonly EpochLogs[] {
    return this.state.history;
  }

  /** The tokenizer of the checkpoint (or of the saved model). */
  get tokenizer(): PretrainedTokenizer {
    return this.baseParts().tokenizer;
  }

  private baseParts(): Base {
    if (!this.base) {
      const c = readCheckpoint(this.p.model);
      this.base = { name: c.name, config: c.config, configJSON: c.configJSON, tokenizer: c.tokenizer, tokenizerJSON: c.tokenizerJSON };
    }
    return this.base;
  }

  /** A fresh encoder from the checkpoint's weights (each fit starts from the pretrained model). */
  private freshEncoder(): BertEncoder {
    const c = readCheckpoint(this.p.model);
    return BertEncoder.fromCheckpoint(c.config, c.weights, `${c.dir}/model.safetensors`);
  }

  private encode(X: readonly string[], what: string, onWarning?: WarningHook): Encoding[] {
    if (!Array.isArray(X)) throw new InvalidInputError(`${what} must be an array of texts`);
    X.forEach((t, i) => {
      if (typeof t !== "string") throw new InvalidInputError(`${what}[${i}] is ${t === null ? "null" : typeof t}: TransformerClassifier takes texts (strings)`);
    });
    const { tokenizer, config } = this.baseParts();
    if (this.p.maxLength > config.maxPositions) throw new InvalidInputError(`maxLength ${this.p.maxLength} is more than the model's ${config.maxPositions} positions`);
    const out = X.map((t) => tokenizer.encode(t, { maxLength: this.p.maxLength }));
    warnTruncated(out, this.p.maxLength, config.maxPositions, onWarning);
    return out;
  }

  private padded(encodings: readonly Encoding[], rows: ArrayLike<number>): Encoding[] {
    const batch = Array.from(rows, (r) => encodings[r]);
    const length = Math.max(...batch.map((e) => e.ids.length));
    return batch.map((e) => this.baseParts().tokenizer.pad(e, length));
  }

  private logits(bert: BertEncoder, head: Head, batch: Encoding[], training: boolean, dropoutSeed: number): TF.Tensor2D {
    const tf = tfjs();
    const { ids, typeIds, mask } = batchTensors(batch);
    let pooled = pool(bert.forward(ids, typeIds, mask, { training, dropoutSeed }), mask, this.p.pooling);
    if (training && this.p.dropout > 0) pooled = tf.dropout(pooled, this.p.dropout, undefined, dropoutSeed + 7919) as TF.Tensor2D;
    return tf.fused.matMul({ a: pooled, b: head.kernel as TF.Tensor2D, bias: head.bias }) as TF.Tensor2D;
  }

  /** Per-class loss weights in class order, or null. */
  private classWeights(coding: TargetCoding, targets: Float32Array, n: number): Float32Array | null {
    const cw = this.p.classWeight;
    if (cw === null) return null;
    const k = coding.classes.length;
    if (cw === "balanced") {
      const counts = new Float64Array(k);
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) counts[j] += targets[i * k + j];
      return Float32Array.from(counts, (c) => (c > 0 ? n / (k * c) : 0));
    }
    const unknown = Object.keys(cw).filter((l) => !coding.classes.map(String).includes(l));
    if (unknown.length) throw new InvalidInputError(`classWeight names ${unknown.map((u) => JSON.stringify(u)).join(", ")}, not among the classes (${coding.classes.map((c) => JSON.stringify(c)).join(", ")})`);
    return Float32Array.from(coding.classes, (c) => cw[String(c)] ?? 1);
  }

  fitSession(X: readonly string[], y: readonly unknown[], options: TransformerFitOptions = {}): FitSession<TransformerWeights> {
    backendSync();
    const tf = tfjs();
    const p = this.p;
    const encodings = this.encode(X, "X", options.onWarning);
    const keep = options.keepLayout === true && this.fitted !== undefined;
    const coding = keep ? this.fitted!.coding : codingOf(y, encodings.length, this.model);
    const targets = targetMatrix(y, coding, "y");
    const k = coding.classes.length;
    const weights = this.classWeights(coding, targets, encodings.length);
    const batchSize = options.batchSize ?? Math.min(p.batchSize, encodings.length);
    checkNumber("batchSize", batchSize, { min: 1, integer: true });
    const epochs = options.epochs ?? p.epochs;
    checkNumber("epochs", epochs, { min: 1, integer: true });
    let validation: { encodings: Encoding[]; targets: Float32Array } | null = null;
    if (options.validation) {
      const ve = this.encode(options.validation.X, "validation X", options.onWarning);
      if (!Array.isArray(options.validation.y) || options.validation.y.length !== ve.length) {
        throw new InvalidInputError(`validation X has ${ve.length} samples but validation y has ${(options.validation.y as unknown[])?.length}: they must describe the same samples`);
      }
      validation = { encodings: ve, targets: targetMatrix(options.validation.y, coding, "validation y") };
    }
    const n = encodings.length;
    const stepsPerEpoch = Math.ceil(n / batchSize);
    const total = stepsPerEpoch * epochs;
    const warmup = Math.round(p.warmupFraction * total);
    const lrAt = p.schedule === "linear" ? linearSchedule(p.learningRate, warmup, total) : (s: number) => (s <= warmup && warmup > 0 ? (p.learningRate * s) / warmup : p.learningRate);

    // The embeddings' gradient (of a gather) needs UnsortedSegmentSum, which tfjs's WASM backend lacks.
    const backend = tf.getBackend();
    if ((p.trainableLayers === null || p.trainableLayers >= this.baseParts().config.numLayers) && !tf.getKernel("UnsortedSegmentSum", backend)) {
      throw new BackendLimitError(
        `fine-tuning every layer (trainableLayers: null) trains the embeddings, whose gradient the ${backend} backend cannot compute: ` +
          `set trainableLayers to fewer than ${this.baseParts().config.numLayers} (the top layers and the head), or build native TensorFlow with \`node scripts/setup.mjs\``,
      );
    }
    // Tensors last, once every check has passed, so that a bad argument leaks nothing.
    const rng = new Random(p.seed ?? undefined);
    const bert = this.freshEncoder();
    const H = bert.config.hiddenSize;
    const init = Float32Array.from({ length: H * k }, () => gaussian(rng) * 0.02);
    const head: Head = {
      kernel: tf.variable(tf.tensor2d(init, [H, k]), true, `head/kernel/${++headCount}`),
      bias: tf.variable(tf.zeros([k]), true, `head/bias/${headCount}`),
    };
    const trainable = [...(p.trainableLayers === 0 ? [] : bert.trainableVariables(p.trainableLayers)), head.kernel, head.bias];
    const optimizer = new AdamW({
      learningRate: p.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: p.weightDecay,
      decays: (v) => v === head.kernel || (v.rank === 2 && !v.name.includes("LayerNorm")),
    });
    const groupOf = (name: string) => (name.startsWith("head/") ? "head" : bert.groupOf(name));
    const weightsTensor = weights ? tf.tensor1d(weights) : null;
    const dataLoss = (logits: TF.Tensor2D, target: TF.Tensor2D): TF.Scalar => {
      if (coding.kind === "single") {
        const perSample = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1));
        if (!weightsTensor) return tf.mean(perSample) as TF.Scalar;
        // As PyTorch's CrossEntropyLoss(weight=…): a weighted mean over samples.
        const w = tf.sum(tf.mul(target, weightsTensor), 1);
        return tf.div(tf.sum(tf.mul(perSample, w)), tf.sum(w)) as TF.Scalar;
      }
      // Binary cross-entropy with logits, per label, averaged over labels and samples (PyTorch's BCEWithLogitsLoss).
      let bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, target)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
      if (weightsTensor) bce = tf.mul(bce, weightsTensor);
      return tf.mean(bce) as TF.Scalar;
    };
    const yBatch = (rows: ArrayLike<number>, matrix: Float32Array) => {
      const out = new Float32Array(rows.length * k);
      Array.from(rows).forEach((r, i) => out.set(matrix.subarray(r * k, (r + 1) * k), i * k));
      return tf.tensor2d(out, [rows.length, k]);
    };
    const lengths = encodings.map((e) => e.ids.length);
    let step = 0;
    const model = this;
    const snapshot = (): TransformerWeights => {
      const names = new Set(trainable.map((v) => v.name));
      const named = bert.weights().filter((w) => names.has(bert.variableName(w.name)));
      const map = new Map(named.map((w) => [w.name, { shape: w.shape, data: w.data }]));
      map.set("head.kernel", { shape: [H, k], data: Float32Array.from(head.kernel.dataSync()) });
      map.set("head.bias", { shape: [k], data: Float32Array.from(head.bias.dataSync()) });
      return new TransformerWeights(map);
    };
    const dispose = () => {
      optimizer.dispose();
      weightsTensor?.dispose();
    };
    return {
      nSamples: n,
      batchSize,
      epochs,
      rng,
      shuffle: true,
      layers: [...bert.groups, "head"],
      epochOrder: p.groupByLength ? () => lengthGroupedOrder(lengths, batchSize, rng) : undefined,
      step(rows, opts = {}) {
        step++;
        const lr = lrAt(step);
        const seed = rng.uint32();
        const batch = model.padded(encodings, rows);
        const t = yBatch(rows, targets);
        const { value, grads } = outOfMemoryAsError(backend, () => tf.variableGrads(() => dataLoss(model.logits(bert, head, batch, true, seed), t), trainable));
        const list = Object.values(grads);
        const norm = globalNorm(list);
        let gradNorms: Record<string, number> | undefined;
        if (opts.gradNorms) {
          const squares: Record<string, number> = {};
          tf.tidy(() => {
            for (const [name, g] of Object.entries(grads)) squares[groupOf(name)] = (squares[groupOf(name)] ?? 0) + tf.sum(tf.square(g)).dataSync()[0];
          });
          gradNorms = Object.fromEntries(Object.entries(squares).map(([g, s]) => [g, Math.sqrt(s)]));
        }
        const clip = p.clipNorm !== null && Number.isFinite(norm) && norm > p.clipNorm ? p.clipNorm / norm : 1;
        const applied = clip === 1 ? grads : Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, clip)]));
        // A non-finite gradient is not applied: the weights stay usable, and NonFiniteCheck reports it.
        if (Number.isFinite(norm)) optimizer.apply(trainable, applied, lr);
        const loss = value.dataSync()[0];
        tf.dispose([t, value, ...list, ...(clip === 1 ? [] : Object.values(applied))]);
        return { loss, metrics: { learning_rate: lr, grad_norm: norm }, ...(gradNorms ? { gradNorms } : {}) };
      },
      evaluate(): Record<string, number> {
        if (!validation) return {};
        const v = validation;
        const logits = model.logitsInBatches(bert, head, v.encodings);
        const out = tf.tidy(() => {
          const target = tf.tensor2d(v.targets, [v.encodings.length, k]);
          const loss = dataLoss(logits, target).dataSync()[0];
          const right = coding.kind === "single" ? tf.equal(tf.argMax(logits, 1), tf.argMax(target, 1)) : tf.all(tf.equal(tf.greaterEqual(logits, 0), tf.greater(target, 0.5)), 1);
          return { val_loss: loss, val_accuracy: tf.mean(tf.cast(right, "float32")).dataSync()[0] };
        });
        logits.dispose();
        return out;
      },
      getWeights: snapshot,
      setWeights(w) {
        const saved = TransformerWeights.from(w);
        for (const [name, t] of saved.tensors) {
          if (name === "head.kernel") head.kernel.assign(tf.tensor2d(t.data, [H, k]));
          else if (name === "head.bias") head.bias.assign(tf.tensor1d(t.data));
          else bert.setWeight(name, t.data);
        }
      },
      nonFiniteLayer() {
        for (const v of trainable) {
          const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(v))).dataSync()[0]);
          if (bad) return groupOf(v.name);
        }
        return null;
      },
      dispose() {
        dispose();
        bert.dispose();
        head.kernel.dispose();
        head.bias.dispose();
      },
      finish(history) {
        dispose();
        model.release();
        model.fitted = { coding, bert, head, history };
      },
    };
  }

  /** Logits for many encodings, in batches sorted by length (less padding), back in input order. */
  private logitsInBatches(bert: BertEncoder, head: Head, encodings: readonly Encoding[], batchSize = 32): TF.Tensor2D {
    const tf = tfjs();
    const order = Array.from(encodings.keys()).sort((a, b) => encodings[a].ids.length - encodings[b].ids.length);
    const parts: TF.Tensor2D[] = [];
    for (let a = 0; a < order.length; a += batchSize) parts.push(tf.tidy(() => this.logits(bert, head, this.padded(encodings, order.slice(a, a + batchSize)), false, 0)));
    return tf.tidy(() => {
      const sorted = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
      const back = new Int32Array(order.length);
      order.forEach((row, i) => (back[row] = i));
      const out = tf.gather(sorted, tf.tensor1d(back, "int32")) as TF.Tensor2D;
      tf.dispose(parts);
      return out;
    });
  }

  /** Fits with the model's own settings: all epochs, or early stopping on a held-out fraction; autolog logs each epoch's numbers. */
  fit(X: readonly string[], y: readonly unknown[]): this {
    return autologFit(this, () => this.fitOnce(X, y), () => ({ iterations: epochSeries(this.history) }));
  }

  private fitOnce(X: readonly string[], y: readonly unknown[]): this {
    const p = this.p;
    if (p.earlyStopping) {
      if (!Array.isArray(X)) throw new InvalidInputError("X must be an array of texts");
      const { train, held } = splitForValidation(X.length, p.validationFraction, new Random(p.seed === null ? undefined : p.seed + 1));
      const session = this.fitSession(train.map((i) => X[i]), train.map((i) => y[i]), { validation: { X: held.map((i) => X[i]), y: held.map((i) => y[i]) } });
      runSync(session, [new EarlyStopping({ monitor: "val_loss", patience: p.nIterNoChange, restoreBestWeights: true })]);
      return this;
    }
    runSync(this.fitSession(X, y), []);
    return this;
  }

  predictProba(X: readonly string[]): number[][] {
    const { bert, head, coding } = this.state;
    backendSync();
    const tf = tfjs();
    const encodings = this.encode(X, "X");
    if (!encodings.length) return [];
    const k = coding.classes.length;
    const logits = this.logitsInBatches(bert, head, encodings);
    const probabilities = coding.kind === "single" ? tf.softmax(logits) : tf.sigmoid(logits);
    const flat = probabilities.dataSync();
    tf.dispose([logits, probabilities]);
    return Array.from({ length: encodings.length }, (_, i) => Array.from(flat.subarray(i * k, (i + 1) * k)));
  }

  /** A class per text; for multi-label models a label set (or 0/1 row) with each label of probability ≥ 0.5. */
  predict(X: readonly string[]): Label[] | Label[][] {
    return labelsFromProba(this.predictProba(X), this.state.coding);
  }

  /** Sentence embeddings from the fine-tuned encoder (the head's input), e.g. for plots or retrieval. */
  embed(X: readonly string[]): number[][] {
    const { bert } = this.state;
    const tf = tfjs();
    const encodings = this.encode(X, "X");
    const out: number[][] = [];
    for (let a = 0; a < encodings.length; a += 32) {
      out.push(...tf.tidy(() => {
        const { ids, typeIds, mask } = batchTensors(this.padded(encodings, Array.from({ length: Math.min(32, encodings.length - a) }, (_, i) => a + i)));
        return pool(bert.forward(ids, typeIds, mask), mask, this.p.pooling).arraySync();
      }));
    }
    return out;
  }

  /** Frees the fitted weights (tfjs memory is not garbage-collected); the model is unfitted again. */
  dispose(): void {
    this.release();
  }

  private release(): void {
    if (!this.fitted) return;
    this.fitted.bert.dispose();
    this.fitted.head.kernel.dispose();
    this.fitted.head.bias.dispose();
    this.fitted = undefined;
  }

  /**
   * The whole model as one safetensors file: encoder weights (Hugging Face names and layout), the
   * head, and in its metadata the settings, labels, history, config.json and tokenizer.json.
   */
  toSafetensors(): Buffer {
    const s = this.state;
    const base = this.baseParts();
    const tensors: Record<string, TensorToWrite> = {};
    for (const w of s.bert.weights()) tensors[w.name] = { shape: w.shape, data: w.data };
    tensors["head.kernel"] = { shape: [...s.head.kernel.shape], data: s.head.kernel.dataSync() as Float32Array };
    tensors["head.bias"] = { shape: [...s.head.bias.shape], data: s.head.bias.dataSync() as Float32Array };
    const envelope = serializeModel(this.model, this.params(), { coding: s.coding, history: s.history, base: base.name });
    return encodeSafetensors(tensors, {
      format: "pt",
      modelbench: JSON.stringify(envelope),
      config: JSON.stringify(base.configJSON),
      tokenizer: JSON.stringify(base.tokenizerJSON),
    });
  }

  /**
   * Bytes of the model as saved (toSafetensors), but for the few bytes of the tensor index, without
   * building the file: what autolog and evaluate() report as model_size.
   */
  modelSize(): number {
    const s = this.state;
    const base = this.baseParts();
    let bytes = 4 * (s.head.kernel.size + s.head.bias.size);
    for (const w of s.bert.weights()) bytes += 4 * w.data.length;
    const envelope = serializeModel(this.model, this.params(), { coding: s.coding, history: s.history, base: base.name });
    // The metadata are JSON strings inside the header's JSON: counted escaped, as written.
    for (const text of [JSON.stringify(envelope), JSON.stringify(base.configJSON), JSON.stringify(base.tokenizerJSON)]) bytes += Buffer.byteLength(JSON.stringify(text));
    return bytes;
  }

  /** Writes the model to one .safetensors file (see toSafetensors). */
  save(file: string): void {
    fs.writeFileSync(file, this.toSafetensors());
  }

  static load(file: string): TransformerClassifier {
    return TransformerClassifier.fromSafetensors(Safetensors.readFile(file).bytes);
  }

  static fromSafetensors(bytes: Uint8Array): TransformerClassifier {
    const st = Safetensors.parse(bytes, "the saved TransformerClassifier");
    if (!st.metadata.modelbench) throw new InvalidInputError("this safetensors file is not a saved TransformerClassifier (its metadata has no modelbench entry): load a Hugging Face checkpoint with loadPretrained instead");
    const envelope = readSerialized<TransformerParams, { coding: TargetCoding; history: EpochLogs[]; base: string }>(st.metadata.modelbench, "TransformerClassifier");
    const model = new TransformerClassifier(envelope.params);
    const configJSON = JSON.parse(st.metadata.config);
    const tokenizerJSON = JSON.parse(st.metadata.tokenizer);
    const config = readBertConfig(configJSON, "the saved model's config");
    model.base = { name: envelope.state!.base, config, configJSON, tokenizer: PretrainedTokenizer.fromJSON(tokenizerJSON), tokenizerJSON };
    backendSync();
    const tf = tfjs();
    const tensors = new Map([...st.tensors.keys()].filter((n) => !n.startsWith("head.")).map((n) => [n, st.float32(n)]));
    const bert = BertEncoder.fromWeights(config, tensors);
    const head: Head = {
      kernel: tf.variable(tf.tensor(st.float32("head.kernel"), st.info("head.kernel").shape), true, `head/kernel/${++headCount}`),
      bias: tf.variable(tf.tensor(st.float32("head.bias"), st.info("head.bias").shape), true, `head/bias/${headCount}`),
    };
    model.fitted = { coding: envelope.state!.coding, bert, head, history: envelope.state!.history };
    return model;
  }

  /** The registry's form (what loadModel revives): the envelope, with the safetensors bytes in base64. */
  toJSON(): SerializedModel<TransformerParams> {
    return serializeModel(this.model, this.params(), this.fitted ? { safetensors: this.toSafetensors().toString("base64") } : null);
  }

  static fromJSON(json: unknown): TransformerClassifier {
    const saved = readSerialized<TransformerParams, { safetensors: string }>(json, "TransformerClassifier");
    if (!saved.state) return new TransformerClassifier(saved.params);
    return TransformerClassifier.fromSafetensors(Buffer.from(saved.state.safetensors, "base64"));
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    const learned = s ? `fitted: ${s.coding.classes.length} ${s.coding.kind === "single" ? "classes" : "labels"}, ${this.baseParts().name} (${s.bert.config.numLayers} layers), ${s.history.length} epochs, final loss ${s.history.at(-1)?.loss.toFixed(4)}` : null;
    return modelBundle(this.model, this.p, learned);
  }
}

/** The backend cannot do what these settings ask (e.g. WASM: gradients of the embeddings, or more than its memory). */
export class BackendLimitError extends ModelbenchError {}

/** WASM's heap is at most 4 GB, and running past it surfaces as a raw "memory access out of bounds". */
function outOfMemoryAsError<T>(backend: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (backend === "wasm" && e instanceof Error && /memory access out of bounds|out of memory/i.test(e.message)) {
      throw new BackendLimitError(`the WASM backend ran out of its memory (at most 4 GB) in a fine-tuning step: lower batchSize or maxLength, train fewer layers (trainableLayers), or build native TensorFlow with \`node scripts/setup.mjs\`; restart the kernel before going on, since the WASM heap may be left damaged`);
    }
    throw e;
  }
}

/** A standard normal draw (Box–Muller) from the seeded generator. */
function gaussian(rng: Random): number {
  const u = 1 - rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

/**
 * Hugging Face's length-grouped order: shuffle, cut into mega-batches of 50 batches, sort each by
 * length (longest first), so a batch holds texts of similar length while the order stays random.
 */
export function lengthGroupedOrder(lengths: readonly number[], batchSize: number, rng: Random): Int32Array {
  const order = Int32Array.from(lengths.keys());
  shuffleInPlace(order, rng);
  const mega = batchSize * 50;
  for (let a = 0; a < order.length; a += mega) {
    const part = Array.from(order.subarray(a, a + mega)).sort((x, y) => lengths[y] - lengths[x]);
    order.set(part, a);
  }
  return order;
}

registerModel("TransformerClassifier", (json) => TransformerClassifier.fromJSON(json));
