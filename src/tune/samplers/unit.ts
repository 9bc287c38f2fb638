// Numeric parameters mapped to [0, 1] and back, for the samplers that model a continuous space
// (GP, CMA-ES): log parameters on their log scale, and stepped ones padded by half a step at each
// end so that every value owns an equal slice of the interval (Optuna's _SearchSpaceTransform).
import type { Distribution, ParamSpec, Space } from "../types";
import { snap } from "../space";

export type Numeric = Exclude<Distribution, { kind: "categorical" }>;

function ends(dist: Numeric): [number, number] {
  const pad = dist.step ? dist.step / 2 : 0;
  const lo = dist.low - pad;
  const hi = dist.high + pad;
  return dist.log ? [Math.log(Math.max(lo, Number.MIN_VALUE)), Math.log(hi)] : [lo, hi];
}

/** The value's place in [0, 1]. */
export function toUnit(dist: Numeric, v: number): number {
  const [lo, hi] = ends(dist);
  if (hi === lo) return 0.5;
  return ((dist.log ? Math.log(v) : v) - lo) / (hi - lo);
}

/** The value at `u` ∈ [0, 1] (clipped), snapped to the distribution's steps and bounds. */
export function fromUnit(dist: Numeric, u: number): number {
  const [lo, hi] = ends(dist);
  const w = lo + Math.min(1, Math.max(0, u)) * (hi - lo);
  const v = snap(dist, dist.log ? Math.exp(w) : w);
  return dist.kind === "int" ? Math.round(v) : v;
}

/** A parameter every trial has (no condition) and that can take more than one value. */
export function modelled(spec: ParamSpec): boolean {
  if (spec.condition) return false;
  const d = spec.dist;
  return d.kind === "categorical" ? d.choices.length > 1 : d.low < d.high;
}

/** The always-active, non-constant params of a space: what a joint model covers. */
export function jointParams(space: Space): ParamSpec[] {
  return space.filter(modelled);
}
