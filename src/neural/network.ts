// The one network both neural models use: an optional embedding with mean/max pooling over token
// ids (0 = padding), then dense layers, then a linear output layer giving logits. Weights start
// from a seeded Random, and dropout masks use seeds drawn from it, so a seed reproduces a fit.
import type * as TF from "@tensorflow/tfjs";
import { Random } from "../random";
import { InvalidInputError } from "../errors";
import { tfjs } from "./backend";

export type Activation = "relu" | "tanh" | "logistic" | "identity";
export type Pooling = "mean" | "max";

export interface Architecture {
  /** Input width (features), or vocabulary size when there is an embedding. */
  inputs: number;
  embedding?: { dim: number; pooling: Pooling };
  hidden: readonly number[];
  activation: Activation;
  /** Fraction of each hidden layer's units dropped while training. */
  dropout: number;
  outputs: number;
}

/** A layer's weights as plain numbers, for JSON, checkpoints and comparisons. */
export interface LayerWeights {
  layer: string;
  name: string;
  shape: number[];
  values: number[];
}

interface Param {
  layer: string;
  name: string;
  variable: TF.Variable;
  /** Weight matrices take the L2 penalty; biases and embeddings do not (as scikit-learn). */
  penalised: boolean;
}

// tfjs wants globally unique variable names; the counter only names, it never changes numbers.
let variableCount = 0;

export class Network {
  private readonly params: Param[] = [];

  constructor(readonly arch: Architecture, rng: Random) {
    const tf = tfjs();
    const add = (layer: string, name: string, shape: number[], init: (i: number) => number, penalised: boolean) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: size }, (_, i) => init(i));
      const initial = tf.tensor(values, shape);
      this.params.push({ layer, name, variable: tf.variable(initial, true, `${layer}/${name}/${++variableCount}`), penalised });
      initial.dispose(); // the variable holds its own reference to the data
    };
    let width = arch.inputs;
    if (arch.embedding) {
      add("embedding", "embeddings", [arch.inputs, arch.embedding.dim], () => (rng.float() * 2 - 1) * 0.05, false);
      width = arch.embedding.dim;
    }
    const dense = (layer: string, units: number) => {
      // Glorot-uniform, the initialisation scikit-learn's MLP and Keras use.
      const limit = Math.sqrt(6 / (width + units)) * (arch.activation === "logistic" ? Math.SQRT2 : 1);
      add(layer, "kernel", [width, units], () => (rng.float() * 2 - 1) * limit, true);
      add(layer, "bias", [units], () => 0, false);
      width = units;
    };
    arch.hidden.forEach((units, i) => dense(`dense_${i + 1}`, units));
    dense("output", arch.outputs);
  }

  /** Layer names in order: "embedding"?, "dense_1" …, "output". */
  get layers(): string[] {
    return [...new Set(this.params.map((p) => p.layer))];
  }

  get variables(): TF.Variable[] {
    return this.params.map((p) => p.variable);
  }

  /** Logits, and each hidden layer's output (after its activation, before dropout). */
  forward(x: TF.Tensor, training: { dropoutSeed: number } | null): { logits: TF.Tensor2D; hidden: TF.Tensor2D[] } {
    const tf = tfjs();
    const get = (layer: string, name: string) => this.params.find((p) => p.layer === layer && p.name === name)!.variable;
    let h: TF.Tensor2D;
    if (this.arch.embedding) {
      const ids = x as TF.Tensor2D;
      const vectors = embeddingLookup(get("embedding", "embeddings"), ids); // [n, length, dim]
      const mask = tf.cast(tf.greater(ids, 0), "float32").expandDims(2); // padding (id 0) counts for nothing
      const count = tf.sum(mask, 1); // [n, 1]
      if (this.arch.embedding.pooling === "mean") {
        h = tf.div(tf.sum(tf.mul(vectors, mask), 1), tf.maximum(count, 1)) as TF.Tensor2D;
      } else {
        const masked = tf.add(vectors, tf.mul(tf.sub(mask, 1), 1e9));
        h = tf.where(tf.greater(count, 0), tf.max(masked, 1), tf.zerosLike(tf.max(masked, 1))) as TF.Tensor2D;
      }
    } else {
      h = x as TF.Tensor2D;
    }
    const hidden: TF.Tensor2D[] = [];
    this.arch.hidden.forEach((_, i) => {
      const layer = `dense_${i + 1}`;
      h = activate(tf, tf.add(tf.matMul(h, get(layer, "kernel")), get(layer, "bias")), this.arch.activation) as TF.Tensor2D;
      hidden.push(h);
      if (training && this.arch.dropout > 0) h = tf.dropout(h, this.arch.dropout, undefined, training.dropoutSeed + i) as TF.Tensor2D;
    });
    const logits = tf.add(tf.matMul(h, get("output", "kernel")), get("output", "bias")) as TF.Tensor2D;
    return { logits, hidden };
  }

  /** ½·Σ w² over the weight matrices (the L2 penalty before scaling). */
  halfSquaredNorm(): TF.Scalar {
    const tf = tfjs();
    return this.params.filter((p) => p.penalised).reduce((acc, p) => tf.add(acc, tf.mul(0.5, tf.sum(tf.square(p.variable)))), tf.scalar(0)) as TF.Scalar;
  }

  getWeights(): LayerWeights[] {
    return this.params.map((p) => ({ layer: p.layer, name: p.name, shape: p.variable.shape.slice(), values: Array.from(p.variable.dataSync()) }));
  }

  setWeights(weights: readonly LayerWeights[]): void {
    const tf = tfjs();
    if (!Array.isArray(weights) || weights.length !== this.params.length) {
      throw new InvalidInputError(`expected ${this.params.length} weight arrays (what getWeights() returns for this network), got ${(weights as unknown[])?.length}`);
    }
    this.params.forEach((p, i) => {
      const w = weights[i];
      if (w?.layer !== p.layer || w.name !== p.name || w.values?.length !== p.variable.size) {
        throw new InvalidInputError(`weights ${i} are ${w?.layer}/${w?.name} with ${w?.values?.length} values; this network needs ${p.layer}/${p.name} with ${p.variable.size}: were they saved from a model with the same layers?`);
      }
      const value = tf.tensor(Float32Array.from(w.values), p.variable.shape);
      p.variable.assign(value);
      value.dispose();
    });
  }

  /** The first layer holding a NaN or ±Infinity weight, or null. */
  nonFiniteLayer(): string | null {
    const tf = tfjs();
    for (const p of this.params) {
      const ok = tf.tidy(() => tf.all(tf.isFinite(p.variable)).dataSync()[0]);
      if (!ok) return p.layer;
    }
    return null;
  }

  /** L2 norm of each layer's gradient (all its parameters together). */
  layerNorms(grads: Record<string, TF.Tensor>): Record<string, number> {
    const tf = tfjs();
    const sums = new Map<string, number>();
    for (const p of this.params) {
      const g = grads[p.variable.name];
      const sq = g ? tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]) : 0;
      sums.set(p.layer, (sums.get(p.layer) ?? 0) + sq);
    }
    return Object.fromEntries([...sums].map(([layer, s]) => [layer, Math.sqrt(s)]));
  }

  dispose(): void {
    for (const p of this.params) p.variable.dispose();
  }
}

function activate(tf: ReturnType<typeof tfjs>, z: TF.Tensor, activation: Activation): TF.Tensor {
  switch (activation) {
    case "relu":
      return tf.relu(z);
    case "tanh":
      return tf.tanh(z);
    case "logistic":
      return tf.sigmoid(z);
    case "identity":
      return z;
  }
}

/**
 * Rows of the embedding matrix for each id. tf.gather's gradient needs UnsortedSegmentSum, which the
 * WASM backend lacks, so the gradient (a scatter-add of the output gradient into the looked-up
 * rows) is computed here: only the rows of ids in the batch are touched.
 */
function embeddingLookup(embeddings: TF.Tensor, ids: TF.Tensor2D): TF.Tensor3D {
  const tf = tfjs();
  const [vocab, dim] = embeddings.shape as [number, number];
  const lookup = tf.customGrad((...args: (TF.Tensor | TF.GradSaveFunc)[]) => ({
    value: tf.gather(args[0] as TF.Tensor, ids),
    gradFunc: (dy: TF.Tensor) => {
      const g = dy.dataSync();
      const idv = ids.dataSync();
      const out = new Float32Array(vocab * dim);
      for (let t = 0; t < idv.length; t++) {
        const base = idv[t] * dim;
        for (let k = 0; k < dim; k++) out[base + k] += g[t * dim + k];
      }
      return tf.tensor2d(out, [vocab, dim]);
    },
  }));
  return lookup(embeddings) as TF.Tensor3D;
}
