// The BERT encoder in tfjs: token + position + type embeddings, then layers of masked multi-head
// self-attention and a feed-forward block with exact GELU, each followed by a residual LayerNorm
// (post-norm, as BertModel). Weights are tfjs variables, so the same forward pass serves inference
// and fine-tuning; linear weights are kept as [in, out] (PyTorch stores [out, in]).
import type * as TF from "@tensorflow/tfjs";
import { tfjs } from "../neural/backend";
import type { BertConfig } from "./config";
import { CheckpointMismatchError } from "./errors";
import type { Safetensors } from "./safetensors";

/** One weight as Hugging Face names and lays it out, for saving back as a checkpoint. */
export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

interface Param {
  /** Hugging Face's name, e.g. "encoder.layer.3.attention.self.query.weight". */
  name: string;
  /** Which layer it belongs to, for freezing: "embeddings", "layer.0" … "layer.N-1". */
  group: string;
  /** Stored transposed relative to the checkpoint (linear weights). */
  transposed: boolean;
  variable: TF.Variable;
}

export interface ForwardOptions {
  /** Apply dropout (fine-tuning); off for inference. */
  training?: boolean;
  /** Seed for this pass's dropout masks, so a seeded fine-tune repeats. */
  dropoutSeed?: number;
}

let variableCount = 0;

/** Names of one layer's weights, relative to `encoder.layer.i.`; linear ones are transposed. */
const LAYER_WEIGHTS: [string, boolean][] = [
  ["attention.self.query.weight", true], ["attention.self.query.bias", false],
  ["attention.self.key.weight", true], ["attention.self.key.bias", false],
  ["attention.self.value.weight", true], ["attention.self.value.bias", false],
  ["attention.output.dense.weight", true], ["attention.output.dense.bias", false],
  ["attention.output.LayerNorm.weight", false], ["attention.output.LayerNorm.bias", false],
  ["intermediate.dense.weight", true], ["intermediate.dense.bias", false],
  ["output.dense.weight", true], ["output.dense.bias", false],
  ["output.LayerNorm.weight", false], ["output.LayerNorm.bias", false],
];

export class BertEncoder {
  private readonly params = new Map<string, Param>();

  private constructor(readonly config: BertConfig) {}

  /** Every weight the encoder needs, in checkpoint order, with the shape the checkpoint must have. */
  static expectedShapes(c: BertConfig): [string, number[]][] {
    const H = c.hiddenSize;
    const I = c.intermediateSize;
    const out: [string, number[]][] = [
      ["embeddings.word_embeddings.weight", [c.vocabSize, H]],
      ["embeddings.position_embeddings.weight", [c.maxPositions, H]],
      ["embeddings.token_type_embeddings.weight", [c.typeVocabSize, H]],
      ["embeddings.LayerNorm.weight", [H]],
      ["embeddings.LayerNorm.bias", [H]],
    ];
    for (let i = 0; i < c.numLayers; i++) {
      for (const [name] of LAYER_WEIGHTS) {
        const shape = name.endsWith("bias") || name.includes("LayerNorm")
          ? [name.startsWith("intermediate") ? I : H]
          : name.startsWith("intermediate") ? [I, H] : name.startsWith("output.dense") ? [H, I] : [H, H];
        out.push([`encoder.layer.${i}.${name}`, shape]);
      }
    }
    return out;
  }

  /**
   * Reads the weights from a checkpoint: names with or without the "bert." prefix, and old
   * LayerNorm "gamma"/"beta" names, as transformers accepts them.
   */
  static fromCheckpoint(config: BertConfig, weights: Safetensors, where: string): BertEncoder {
    const tensors = new Map<string, Float32Array>();
    for (const [name, stored] of BertEncoder.storedNames(config, weights, where)) tensors.set(name, weights.float32(stored));
    return BertEncoder.fromWeights(config, tensors);
  }

  /** Each expected weight's name in the checkpoint, after checking that it is there with its shape. */
  static storedNames(config: BertConfig, weights: Safetensors, where: string): Map<string, string> {
    const prefix = weights.has("bert.embeddings.word_embeddings.weight") ? "bert." : "";
    const find = (name: string): string | null => {
      for (const n of [prefix + name, prefix + name.replace(/LayerNorm\.weight$/, "LayerNorm.gamma").replace(/LayerNorm\.bias$/, "LayerNorm.beta")]) if (weights.has(n)) return n;
      return null;
    };
    const names = new Map<string, string>();
    for (const [name, shape] of BertEncoder.expectedShapes(config)) {
      const stored = find(name);
      if (!stored) throw new CheckpointMismatchError(`${where} has no weight '${prefix + name}': it is not a complete ${config.numLayers}-layer BERT checkpoint for its config.json`);
      const got = weights.info(stored).shape;
      if (got.join() !== shape.join()) {
        const vocab = name === "embeddings.word_embeddings.weight" ? ` (config.json's vocab_size is ${config.vocabSize}, the weights have ${got[0]} rows: the config and the weights come from different models)` : "";
        throw new CheckpointMismatchError(`${where}: weight '${stored}' has shape [${got}] but config.json implies [${shape}]${vocab}`);
      }
      names.set(name, stored);
    }
    return names;
  }

  /** From plain arrays in checkpoint layout (a saved fine-tuned model). */
  static fromWeights(config: BertConfig, tensors: ReadonlyMap<string, Float32Array>): BertEncoder {
    const tf = tfjs();
    const enc = new BertEncoder(config);
    for (const [name, shape] of BertEncoder.expectedShapes(config)) {
      const data = tensors.get(name);
      if (!data) throw new CheckpointMismatchError(`the saved encoder lacks weight '${name}'`);
      const transposed = LAYER_WEIGHTS.some(([n, t]) => t && name.endsWith(n)) && name.startsWith("encoder.");
      const value = tf.tidy(() => {
        const t = tf.tensor(data, shape, "float32");
        return transposed ? tf.transpose(t) : t;
      });
      const group = name.startsWith("embeddings.") ? "embeddings" : `layer.${name.split(".")[2]}`;
      enc.params.set(name, { name, group, transposed, variable: tf.variable(value, true, `bert/${name}/${++variableCount}`) });
      value.dispose();
    }
    return enc;
  }

  private w(name: string): TF.Variable {
    return this.params.get(name)!.variable;
  }

  /** Layer groups, bottom to top: "embeddings", "layer.0", …; freezing keeps the top k trainable. */
  get groups(): string[] {
    return ["embeddings", ...Array.from({ length: this.config.numLayers }, (_, i) => `layer.${i}`)];
  }

  /** The variables of the top `k` layers (all, with the embeddings, when k is null or ≥ the layer count). */
  trainableVariables(topLayers: number | null): TF.Variable[] {
    const n = this.config.numLayers;
    const keep = topLayers === null || topLayers >= n ? null : new Set(Array.from({ length: topLayers }, (_, i) => `layer.${n - 1 - i}`));
    return [...this.params.values()].filter((p) => keep === null || keep.has(p.group)).map((p) => p.variable);
  }

  /** The tfjs variable name behind a checkpoint weight name. */
  variableName(name: string): string {
    const p = this.params.get(name);
    if (!p) throw new CheckpointMismatchError(`the encoder has no weight '${name}'`);
    return p.variable.name;
  }

  /** Replaces one weight from checkpoint-layout values. */
  setWeight(name: string, data: Float32Array): void {
    const p = this.params.get(name);
    if (!p) throw new CheckpointMismatchError(`the encoder has no weight '${name}'`);
    const tf = tfjs();
    const shape = p.transposed ? [...p.variable.shape].reverse() : [...p.variable.shape];
    if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new CheckpointMismatchError(`weight '${name}' needs ${shape.join("×")} values, got ${data.length}`);
    tf.tidy(() => {
      const t = tf.tensor(data, shape);
      p.variable.assign(p.transposed ? tf.transpose(t) : t);
    });
  }

  /** Group of each variable's name, e.g. to report gradient norms per layer. */
  groupOf(variableName: string): string {
    for (const p of this.params.values()) if (p.variable.name === variableName) return p.group;
    return "?";
  }

  /** Last hidden states [batch, length, hidden]. `mask` is 1 for real tokens, 0 for padding. */
  forward(ids: TF.Tensor2D, typeIds: TF.Tensor2D, mask: TF.Tensor2D, options: ForwardOptions = {}): TF.Tensor3D {
    const tf = tfjs();
    const c = this.config;
    const [B, L] = ids.shape;
    const H = c.hiddenSize;
    const nh = c.numHeads;
    const dh = H / nh;
    let seed = options.dropoutSeed ?? 0;
    const drop = <T extends TF.Tensor>(x: T, rate: number): T => (options.training && rate > 0 ? (tf.dropout(x, rate, undefined, ++seed) as T) : x);
    const layerNorm = (x: TF.Tensor2D, prefix: string): TF.Tensor2D => {
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, c.layerNormEps)));
      return tf.add(tf.mul(normed, this.w(`${prefix}.weight`)), this.w(`${prefix}.bias`)) as TF.Tensor2D;
    };
    // Fused matmul + bias: one kernel instead of two on both backends.
    const dense = (x: TF.Tensor2D, prefix: string): TF.Tensor2D => tf.fused.matMul({ a: x, b: this.w(`${prefix}.weight`) as TF.Tensor2D, bias: this.w(`${prefix}.bias`) }) as TF.Tensor2D;
    const heads = (x: TF.Tensor2D) => tf.transpose(tf.reshape(x, [B, L, nh, dh]), [0, 2, 1, 3]);

    const positions = tf.range(0, L, 1, "int32");
    let x = tf.add(tf.add(tf.gather(this.w("embeddings.word_embeddings.weight"), ids), tf.gather(this.w("embeddings.position_embeddings.weight"), positions)), tf.gather(this.w("embeddings.token_type_embeddings.weight"), typeIds));
    let h = drop(layerNorm(tf.reshape(x, [B * L, H]), "embeddings.LayerNorm"), c.hiddenDropout);
    // 0 where attended, a large negative number at padding: softmax then gives padding no weight.
    const bias = tf.reshape(tf.mul(tf.sub(1, tf.cast(mask, "float32")), -1e9), [B, 1, 1, L]);
    const scale = 1 / Math.sqrt(dh);
    for (let i = 0; i < c.numLayers; i++) {
      const p = `encoder.layer.${i}`;
      const q = heads(dense(h, `${p}.attention.self.query`));
      const k = heads(dense(h, `${p}.attention.self.key`));
      const v = heads(dense(h, `${p}.attention.self.value`));
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), scale), bias);
      const probs = drop(tf.softmax(scores, -1), c.attentionDropout);
      const context = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [B * L, H]) as TF.Tensor2D;
      const attended = layerNorm(tf.add(drop(dense(context, `${p}.attention.output.dense`), c.hiddenDropout), h) as TF.Tensor2D, `${p}.attention.output.LayerNorm`);
      const inner = dense(attended, `${p}.intermediate.dense`);
      const gelu = tf.mul(tf.mul(inner, 0.5), tf.add(1, tf.erf(tf.mul(inner, Math.SQRT1_2)))) as TF.Tensor2D;
      h = layerNorm(tf.add(drop(dense(gelu, `${p}.output.dense`), c.hiddenDropout), attended) as TF.Tensor2D, `${p}.output.LayerNorm`);
    }
    x = tf.reshape(h, [B, L, H]);
    return x as TF.Tensor3D;
  }

  /** Copies of the weights in checkpoint layout, for saving. */
  weights(): NamedWeight[] {
    const tf = tfjs();
    return [...this.params.values()].map((p) => {
      // Not returned from tf.tidy: tidy walks its result looking for tensors, element by element.
      const t = p.transposed ? tf.transpose(p.variable) : p.variable;
      const data = t.dataSync() as Float32Array;
      if (t !== p.variable) t.dispose();
      const shape = p.transposed ? [...p.variable.shape].reverse() : [...p.variable.shape];
      return { name: p.name, shape, data: Float32Array.from(data) };
    });
  }

  /** Weight copies as tensors (for early stopping's best epoch); `restore` puts them back. */
  snapshot(): TF.Tensor[] {
    return [...this.params.values()].map((p) => p.variable.clone());
  }

  restore(snapshot: readonly TF.Tensor[]): void {
    [...this.params.values()].forEach((p, i) => p.variable.assign(snapshot[i]));
  }

  /** The first weight holding NaN or ±Infinity, or null. */
  nonFiniteWeight(): string | null {
    const tf = tfjs();
    for (const p of this.params.values()) {
      const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(p.variable))).dataSync()[0]);
      if (bad) return p.name;
    }
    return null;
  }

  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
    this.params.clear();
  }
}

/** Mean over real tokens (as sentence-transformers), or the [CLS] token's state. */
export function pool(hidden: TF.Tensor3D, mask: TF.Tensor2D, pooling: "mean" | "cls"): TF.Tensor2D {
  const tf = tfjs();
  if (pooling === "cls") return tf.squeeze(tf.slice(hidden, [0, 0, 0], [-1, 1, -1]), [1]) as TF.Tensor2D;
  const m = tf.expandDims(tf.cast(mask, "float32"), 2);
  return tf.div(tf.sum(tf.mul(hidden, m), 1), tf.maximum(tf.sum(m, 1), 1e-9)) as TF.Tensor2D;
}
