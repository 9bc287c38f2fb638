// Samplers: the parameters of the next trial, from the space and the trials so far.
import type { Sampler, Space } from "../types";
import { oneOf } from "../options";
import { GridSampler, SearchExhausted, type GridSamplerOptions } from "./grid";
import { RandomSampler, type RandomSamplerOptions } from "./random";
import { TPESampler, defaultGamma, defaultWeights, optunaGamma, type TPESamplerOptions } from "./tpe";
import { GPSampler, GPSpaceError, type GPSamplerOptions } from "./gp";
import { CmaEsSampler, defaultPopulationSize, type CmaEsSamplerOptions } from "./cmaes";
import { NSGAIISampler, type NSGAIISamplerOptions } from "./nsga2";

export { GridSampler, SearchExhausted, RandomSampler, TPESampler, GPSampler, GPSpaceError, CmaEsSampler, NSGAIISampler, defaultGamma, defaultWeights, optunaGamma, defaultPopulationSize };
export type { GridSamplerOptions, RandomSamplerOptions, TPESamplerOptions, GPSamplerOptions, CmaEsSamplerOptions, NSGAIISamplerOptions };
export { OptionError } from "../options";

export const SAMPLERS = ["grid", "random", "tpe", "tpe-multivariate", "tpe-independent", "gp", "cmaes", "nsga2"] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** Most trials for which `%%sweep` picks the GP by itself: its cost per trial grows with n³. */
export const GP_DEFAULT_MAX_TRIALS = 200;
/** Most parameters for which `%%sweep` picks the GP by itself. */
export const GP_DEFAULT_MAX_PARAMS = 8;

/**
 * The sampler `%%sweep` uses when none is named: "gp" for a small continuous space — one objective,
 * at most 8 parameters, every one numeric (float or int) and unconditional, at most 200 trials —
 * where it found optima 100–1000× closer than TPE in bench/tune for ~30 ms per trial; "tpe"
 * otherwise (categorical or conditional parameters, wide spaces, long or multi-objective studies).
 */
export function defaultSamplerFor(space: Space, trials: number, objectives = 1): "gp" | "tpe" {
  const small = space.length > 0 && space.length <= GP_DEFAULT_MAX_PARAMS && space.every((p) => !p.condition && p.dist.kind !== "categorical");
  return objectives === 1 && small && trials <= GP_DEFAULT_MAX_TRIALS ? "gp" : "tpe";
}

/**
 * A sampler by name (as %sweep --sampler gives it). "tpe" models the parameters jointly, as
 * Optuna 5's default does (better on coupled objectives: see bench/tune); "tpe-independent" models
 * each on its own; "tpe-multivariate" is the explicit name of the default. "gp" is Bayesian
 * optimisation with a Gaussian process, "cmaes" the CMA evolution strategy, "nsga2" the genetic
 * algorithm for several objectives (TPE, random and grid also take several; see bench/tune).
 */
export function makeSampler(name: SamplerName | (string & {}), opts: Record<string, unknown> = {}): Sampler {
  switch (oneOf("sampler", name, SAMPLERS)) {
    case "grid":
      return new GridSampler(opts);
    case "random":
      return new RandomSampler(opts);
    case "tpe":
    case "tpe-multivariate":
      return new TPESampler({ multivariate: true, ...opts });
    case "tpe-independent":
      return new TPESampler({ ...opts, multivariate: false });
    case "gp":
      return new GPSampler(opts);
    case "cmaes":
      return new CmaEsSampler(opts);
    case "nsga2":
      return new NSGAIISampler(opts);
  }
}
