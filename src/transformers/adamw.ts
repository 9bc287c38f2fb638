// AdamW (decoupled weight decay, Loshchilov & Hutter) with the linear warm-up and decay schedule that
// Hugging Face's Trainer uses by default, and clipping by the global gradient norm. tfjs's own Adam
// folds L2 into the gradient, which is not the same thing for adaptive optimisers.
import type * as TF from "@tensorflow/tfjs";
import { tfjs } from "../neural/backend";

export interface AdamWOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** Variables that take weight decay (not biases and LayerNorm weights, as in BERT's recipe). */
  decays: (variable: TF.Variable) => boolean;
}

/** Linear warm-up from 0 over `warmup` steps, then linear decay to 0 at `total` (step counted from 1). */
export function linearSchedule(peak: number, warmup: number, total: number): (step: number) => number {
  return (step) => {
    if (step <= warmup && warmup > 0) return (peak * step) / warmup;
    return peak * Math.max(0, (total - step) / Math.max(1, total - warmup));
  };
}

/** The L2 norm over all gradients together (what clipping and the logs report). */
export function globalNorm(grads: readonly TF.Tensor[]): number {
  const tf = tfjs();
  return tf.tidy(() => Math.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]));
}

export class AdamW {
  private readonly m = new Map<string, TF.Variable>();
  private readonly v = new Map<string, TF.Variable>();
  private t = 0;

  constructor(private readonly options: AdamWOptions) {}

  /** One update with this learning rate; `grads` by variable name. */
  apply(variables: readonly TF.Variable[], grads: Record<string, TF.Tensor>, learningRate: number): void {
    const tf = tfjs();
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    this.t++;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    for (const p of variables) {
      const g = grads[p.name];
      if (!g) continue;
      if (!this.m.has(p.name)) {
        this.m.set(p.name, tf.variable(tf.zerosLike(p), false));
        this.v.set(p.name, tf.variable(tf.zerosLike(p), false));
      }
      const m = this.m.get(p.name)!;
      const v = this.v.get(p.name)!;
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(m1);
        v.assign(v1);
        let update = tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), epsilon));
        if (weightDecay > 0 && this.options.decays(p)) update = tf.add(update, tf.mul(p, weightDecay));
        p.assign(tf.sub(p, tf.mul(update, learningRate)));
      });
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
