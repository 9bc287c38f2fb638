// Samplers: the parameters of the next trial, from the space and the trials so far.
import type { Sampler } from "../types";
import { oneOf } from "../options";
import { GridSampler, SearchExhausted, type GridSamplerOptions } from "./grid";
import { RandomSampler, type RandomSamplerOptions } from "./random";
import { TPESampler, defaultGamma, defaultWeights, type TPESamplerOptions } from "./tpe";

export { GridSampler, SearchExhausted, RandomSampler, TPESampler, defaultGamma, defaultWeights };
export type { GridSamplerOptions, RandomSamplerOptions, TPESamplerOptions };
export { OptionError } from "../options";

export const SAMPLERS = ["grid", "random", "tpe", "tpe-multivariate"] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** A sampler by name (as %sweep --sampler gives it); "tpe-multivariate" is TPE with multivariate: true. */
export function makeSampler(name: SamplerName | (string & {}), opts: Record<string, unknown> = {}): Sampler {
  switch (oneOf("sampler", name, SAMPLERS)) {
    case "grid":
      return new GridSampler(opts);
    case "random":
      return new RandomSampler(opts);
    case "tpe":
      return new TPESampler(opts);
    case "tpe-multivariate":
      return new TPESampler({ ...opts, multivariate: true });
  }
}
