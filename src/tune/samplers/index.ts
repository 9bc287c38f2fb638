// Placeholder until the samplers land from the tune-algos branch (this file is replaced there).
import type { Sampler, Space } from "../types";
import { isActive } from "../space";
import { seededRng, randomSeed } from "../random";

export class SearchExhausted extends Error {}

export function makeSampler(name: string, opts: { seed?: number } = {}): Sampler {
  const rng = seededRng(opts.seed ?? randomSeed());
  return {
    name,
    sample(space: Space) {
      const out: Record<string, unknown> = {};
      for (const p of space) {
        if (!isActive(p, out)) continue;
        const d = p.dist;
        if (d.kind === "categorical") out[p.name] = d.choices[Math.floor(rng() * d.choices.length)];
        else if (d.kind === "int") out[p.name] = d.low + d.step * Math.floor(rng() * ((d.high - d.low) / d.step + 1));
        else out[p.name] = d.log ? Math.exp(Math.log(d.low) + rng() * (Math.log(d.high) - Math.log(d.low))) : d.low + rng() * (d.high - d.low);
      }
      return out;
    },
  };
}
