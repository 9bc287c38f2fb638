// Random draws for samplers, from the project's one seeded generator (src/random).
import { Random } from "../random";

export type Rng = () => number;

export function seededRng(seed: number): Rng {
  const r = new Random(seed);
  return () => r.float();
}

/** A seed for a sampler created without one (follows %seed when it was set). */
export function randomSeed(): number {
  return new Random().uint32();
}

/** Standard normal via Box–Muller. */
export function normal(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
