// Pruners: whether a trial should stop early, from the values it and the others reported.
import type { Pruner } from "../types";
import { oneOf } from "../options";
import { NopPruner } from "./nop";
import { MedianPruner, type MedianPrunerOptions } from "./median";
import { SuccessiveHalvingPruner, type SuccessiveHalvingOptions } from "./successive-halving";
import { HyperbandPruner, type HyperbandOptions } from "./hyperband";

export { NopPruner, MedianPruner, SuccessiveHalvingPruner, HyperbandPruner };
export type { MedianPrunerOptions, SuccessiveHalvingOptions, HyperbandOptions };
export { OptionError } from "../options";

export const PRUNERS = ["none", "median", "asha", "sha", "hyperband"] as const;
export type PrunerName = (typeof PRUNERS)[number];

/** A pruner by name (as %sweep --pruner gives it); "sha" and "asha" are the same asynchronous pruner. */
export function makePruner(name: PrunerName | (string & {}), opts: Record<string, unknown> = {}): Pruner {
  switch (oneOf("pruner", name, PRUNERS)) {
    case "none":
      return new NopPruner(opts as Record<string, never>);
    case "median":
      return new MedianPruner(opts);
    case "asha":
    case "sha":
      return new SuccessiveHalvingPruner(opts);
    case "hyperband":
      return new HyperbandPruner(opts);
  }
}
