// Ray Tune's toy problem for PBT (python/ray/tune/examples/pbt_function.py), in TypeScript: an
// "accuracy" that grows fastest when the learning rate is near an optimum that itself moves with the
// accuracy (a triangle wave: 0.001 at 0, 0.01 at 100, back to 0.001 at 200), so no fixed learning
// rate does well throughout. Shared by the PBT test and bench/tune/pbt.mjs.
import { Random } from "../../src/random";
import type { PbtRound } from "../../src/tune/pbt";

export const MIDPOINT = 100; // lr starts decreasing after acc > midpoint
const Q_TOLERANCE = 3; // penalise a learning rate more than this multiple off the optimum
const NOISE = 2; // Gaussian noise on every step's change

export function optimalLr(accuracy: number): number {
  const lr = accuracy < MIDPOINT ? (0.01 * accuracy) / MIDPOINT : 0.01 - (0.01 * (accuracy - MIDPOINT)) / MIDPOINT;
  return Math.min(0.01, Math.max(0.001, lr));
}

function gaussian(rng: Random): number {
  let u = 0;
  while (u === 0) u = rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

/** One step of Ray's pbt_function loop. */
export function toyStep(accuracy: number, lr: number, rng: Random): number {
  const best = optimalLr(accuracy);
  const qErr = Math.max(lr, best) / Math.min(lr, best);
  if (qErr < Q_TOLERANCE) accuracy += (1 / qErr) * rng.float();
  else if (lr > best) accuracy -= (qErr - Q_TOLERANCE) * rng.float();
  accuracy += NOISE * gaussian(rng);
  return Math.max(0, accuracy);
}

/** The toy as a PBT round: `interval` steps from the checkpointed accuracy at the member's lr. */
export function toyRound(rng: Random): PbtRound {
  return (params, ctx) => {
    let acc = (ctx.checkpoint as { acc: number } | null)?.acc ?? 0;
    for (let i = 0; i < ctx.interval; i++) acc = toyStep(acc, params.lr, rng);
    return { value: acc, checkpoint: { acc } };
  };
}

/** Random search on the same compute: `members` runs of `steps` steps, each at one lr drawn from U(0.0001, 0.02). */
export function toyRandomSearch(members: number, steps: number, rng: Random): { best: number; lrs: number[]; finals: number[] } {
  const lrs = Array.from({ length: members }, () => 0.0001 + rng.float() * (0.02 - 0.0001));
  const finals = lrs.map((lr) => {
    let acc = 0;
    for (let s = 0; s < steps; s++) acc = toyStep(acc, lr, rng);
    return acc;
  });
  return { best: Math.max(...finals), lrs, finals };
}
