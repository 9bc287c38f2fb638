// Random search: every active parameter drawn independently from its distribution, uniformly on
// the scale the distribution declares (log-uniform for log params).
import type { Distribution, Sampler, Space } from "../types";
import { isActive, snap, stepCount, stepValue } from "../space";
import { randomSeed, seededRng, type Rng } from "../random";
import { checkKeys, wholeNumber } from "../options";

export interface RandomSamplerOptions {
  /** Same seed, same sequence of parameters. */
  seed?: number;
}

/** The seed option shared by every sampler: a whole number, or a fresh random one. */
export function seedOption(what: string, seed: unknown): number {
  return seed === undefined ? randomSeed() : wholeNumber(what, "seed", seed, 0);
}

/** One draw from `dist`. Categorical values come back as the choice itself. */
export function randomValue(dist: Distribution, rng: Rng): unknown {
  if (dist.kind === "categorical") return dist.choices[Math.floor(rng() * dist.choices.length)];
  if (dist.log) {
    // A log int is drawn on [low − ½, high + ½] so that every integer owns an equal share of
    // its neighbourhood on the log scale, the ends included.
    const pad = dist.kind === "int" ? dist.step / 2 : 0;
    const lo = Math.log(dist.low - pad);
    const hi = Math.log(dist.high + pad);
    return snap(dist, Math.exp(lo + rng() * (hi - lo)));
  }
  if (dist.step) return stepValue(dist, Math.floor(rng() * stepCount(dist)));
  return dist.low + rng() * (dist.high - dist.low);
}

/**
 * Walks the space in order, asking `pick` for each parameter whose condition holds given the
 * values chosen so far, and skipping the rest.
 */
export function fillSpace(space: Space, pick: (name: string, dist: Distribution, chosen: Record<string, unknown>) => unknown, chosen: Record<string, unknown> = {}): Record<string, unknown> {
  const out = { ...chosen };
  for (const spec of space) {
    if (spec.name in out || !isActive(spec, out)) continue;
    out[spec.name] = pick(spec.name, spec.dist, out);
  }
  // Keep the space's order in the result whatever order values were chosen in.
  const ordered: Record<string, unknown> = {};
  for (const spec of space) if (spec.name in out) ordered[spec.name] = out[spec.name];
  return ordered;
}

export class RandomSampler implements Sampler {
  readonly name = "random";
  private readonly rng: Rng;

  constructor(options: RandomSamplerOptions = {}) {
    checkKeys("RandomSampler", options, ["seed"]);
    this.rng = seededRng(seedOption("RandomSampler", options.seed));
  }

  sample(space: Space): Record<string, unknown> {
    return fillSpace(space, (_name, dist) => randomValue(dist, this.rng));
  }
}
