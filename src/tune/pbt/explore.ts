// PBT's two moves, as Ray Tune's PopulationBasedTraining makes them: rank the population and pair
// each member of the bottom quantile with one of the top (exploit), and perturb the copied
// hyperparameters (explore). Plain data in, a decision out; the driver is ./population.
import { contains, snap } from "../space";
import { randomValue } from "../samplers/random";
import type { Rng } from "../random";
import type { Direction, ParamSpec } from "../types";

export interface ExploreOptions {
  /** Chance of drawing a parameter afresh from its distribution instead of perturbing it (Ray: 0.25). */
  resampleProbability: number;
  /** A number is multiplied by one of these, picked at random (Ray: 1.2 and 0.8). */
  perturbationFactors: readonly [number, number];
}

/**
 * New hyperparameters from a top member's: each parameter in `specs` is redrawn from its
 * distribution with probability `resampleProbability`, else a number is multiplied by one of the
 * perturbation factors and a category moves to a neighbouring choice (or stays at an end). Unlike
 * Ray, a number is kept inside its distribution (clipped, rounded to its step or to an integer),
 * so every member's parameters stay in the search space. `operations` says what happened to each.
 */
export function explore(params: Record<string, unknown>, specs: readonly ParamSpec[], rng: Rng, o: ExploreOptions): { params: Record<string, unknown>; operations: Record<string, string> } {
  const out = { ...params };
  const operations: Record<string, string> = {};
  for (const spec of specs) {
    if (!(spec.name in params)) continue; // a conditional parameter that is off stays off
    const old = params[spec.name];
    const d = spec.dist;
    if (rng() < o.resampleProbability || !contains(d, old)) {
      out[spec.name] = randomValue(d, rng);
      operations[spec.name] = "resample";
    } else if (d.kind === "categorical") {
      const shift = rng() < 0.5 ? -1 : 1;
      const i = d.choices.findIndex((c) => c === old);
      const j = Math.min(d.choices.length - 1, Math.max(0, i + shift));
      out[spec.name] = d.choices[j];
      operations[spec.name] = `shift ${shift < 0 ? "left" : "right"}${i === j ? " (noop)" : ""}`;
    } else {
      const factor = o.perturbationFactors[rng() < 0.5 ? 0 : 1];
      const scaled = (old as number) * factor;
      const value = snap(d, d.kind === "int" ? Math.round(scaled) : scaled);
      out[spec.name] = value;
      operations[spec.name] = `* ${factor}${value !== scaled ? ` (kept in [${d.low}, ${d.high}]${d.kind === "int" || d.step ? ` on its step` : ""})` : ""}`;
    }
  }
  return { params: out, operations };
}

/**
 * The bottom and top quantile of scored members (Ray's `_quantiles`): ⌈n·fraction⌉ each, at most
 * half the population, none when fewer than two are scored. Ties keep the members' order.
 */
export function quantiles<T extends { value: number }>(members: readonly T[], fraction: number, direction: Direction): { bottom: T[]; top: T[] } {
  if (members.length <= 1) return { bottom: [], top: [] };
  const sign = direction === "maximize" ? 1 : -1;
  const ranked = members.map((m, i) => ({ m, i })).sort((a, b) => sign * (a.m.value - b.m.value) || a.i - b.i).map((x) => x.m);
  const k = Math.min(Math.ceil(members.length * fraction), Math.floor(members.length / 2));
  return { bottom: ranked.slice(0, k), top: ranked.slice(ranked.length - k) };
}
