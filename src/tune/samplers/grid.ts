// Grid search: every combination of the parameters' values exactly once, in a fixed or seeded
// shuffled order, skipping points any trial (of any worker, in any state) already holds.
import type { Distribution, FrozenTrial, Sampler, Space } from "../types";
import { SpaceError, contains, isActive, stepCount, stepValue } from "../space";
import { seededRng } from "../random";
import { OptionError, checkKeys, wholeNumber } from "../options";

/** Every point of the grid has been tried: the study catches this to stop. */
export class SearchExhausted extends Error {
  constructor(readonly points: number) {
    super(`the grid is exhausted: all ${points} points have been tried; widen it (more values) or use another sampler to keep searching`);
    this.name = "SearchExhausted";
  }
}

export interface GridSamplerOptions {
  /** Values to try per parameter; required for continuous floats, optional (a subset) for the rest. */
  grid?: Record<string, readonly unknown[]>;
  /** Shuffles the order of the points; without it they come in a fixed order. */
  seed?: number;
}

/** Larger grids are almost always a mistake (a wide int range) and would take long to even list. */
const MAX_POINTS = 1_000_000;

interface Points {
  params: Record<string, unknown>[];
  keys: string[];
}

/** A point's identity: its active params in space order, so key order in `params` does not matter. */
function pointKey(space: Space, params: Record<string, unknown>): string {
  const parts: [string, unknown][] = [];
  for (const spec of space) if (spec.name in params && isActive(spec, params)) parts.push([spec.name, params[spec.name]]);
  return JSON.stringify(parts);
}

export class GridSampler implements Sampler {
  readonly name = "grid";
  private readonly grid: Record<string, readonly unknown[]>;
  private readonly seed: number | undefined;
  private cache: { space: string; points: Points } | null = null;

  constructor(options: GridSamplerOptions = {}) {
    checkKeys("GridSampler", options, ["grid", "seed"]);
    const grid = options.grid ?? {};
    if (typeof grid !== "object" || grid === null || Array.isArray(grid)) throw new OptionError("GridSampler: grid must be an object of value lists, e.g. { lr: [0.001, 0.01, 0.1] }");
    for (const [name, values] of Object.entries(grid)) {
      if (!Array.isArray(values) || values.length === 0) throw new OptionError(`GridSampler: grid.${name} must be a non-empty list of values`);
    }
    this.grid = grid;
    this.seed = options.seed === undefined ? undefined : wholeNumber("GridSampler", "seed", options.seed, 0);
  }

  sample(space: Space, trials: readonly FrozenTrial[]): Record<string, unknown> {
    const points = this.points(space);
    const taken = new Set(trials.map((t) => pointKey(space, t.params)));
    const i = points.keys.findIndex((k) => !taken.has(k));
    if (i < 0) throw new SearchExhausted(points.keys.length);
    return { ...points.params[i] };
  }

  /** How many points the grid over `space` has (active combinations only). */
  size(space: Space): number {
    return this.points(space).keys.length;
  }

  private points(space: Space): Points {
    const id = JSON.stringify(space);
    if (this.cache?.space === id) return this.cache.points;
    const unknown = Object.keys(this.grid).filter((name) => !space.some((p) => p.name === name));
    if (unknown.length) throw new SpaceError(`grid gives values for ${unknown.map((n) => `'${n}'`).join(", ")}, which the search space does not have (it has ${space.map((p) => p.name).join(", ")})`);
    const values = new Map(space.map((p) => [p.name, this.valuesOf(p.name, p.dist)]));

    const params: Record<string, unknown>[] = [];
    // Depth-first over the space in order; a param whose condition fails on this branch is skipped,
    // so only combinations that can actually occur are listed.
    const walk = (i: number, chosen: Record<string, unknown>): void => {
      if (i === space.length) {
        if (params.length >= MAX_POINTS) {
          throw new SpaceError(`the grid has more than ${MAX_POINTS.toLocaleString("en")} points: give fewer values per parameter with grid: { name: [...] } or larger steps`);
        }
        params.push({ ...chosen });
        return;
      }
      const spec = space[i];
      if (!isActive(spec, chosen)) return walk(i + 1, chosen);
      for (const v of values.get(spec.name)!) {
        chosen[spec.name] = v;
        walk(i + 1, chosen);
      }
      delete chosen[spec.name];
    };
    walk(0, {});

    if (this.seed !== undefined) {
      const rng = seededRng(this.seed);
      for (let i = params.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [params[i], params[j]] = [params[j], params[i]];
      }
    }
    const points = { params, keys: params.map((p) => pointKey(space, p)) };
    this.cache = { space: id, points };
    return points;
  }

  private valuesOf(name: string, dist: Distribution): readonly unknown[] {
    const given = this.grid[name];
    if (given) {
      const outside = given.filter((v) => !contains(dist, v));
      if (outside.length) throw new SpaceError(`grid.${name} has ${JSON.stringify(outside)}, outside the space's ${describe(dist)}: give values the space allows`);
      // Repeated values would make repeated points.
      const seen = new Set<string>();
      return given.filter((v) => !seen.has(JSON.stringify(v)) && !!seen.add(JSON.stringify(v)));
    }
    if (dist.kind === "categorical") return dist.choices;
    if (!dist.step) {
      throw new SpaceError(`'${name}' is a continuous float, so a grid cannot list its values: give them with grid: { ${name}: [${dist.low}, …, ${dist.high}] }, or a step, e.g. uniform(${dist.low}, ${dist.high}, { step: ${niceStep(dist.low, dist.high)} })`);
    }
    const n = stepCount(dist);
    if (n > MAX_POINTS) throw new SpaceError(`'${name}' alone has ${n} values: give the ones to try with grid: { ${name}: [...] } or a larger step`);
    return Array.from({ length: n }, (_, k) => stepValue(dist, k));
  }
}

function describe(dist: Distribution): string {
  if (dist.kind === "categorical") return `choices ${JSON.stringify(dist.choices)}`;
  const step = dist.step && !(dist.kind === "int" && dist.step === 1) ? ` step ${dist.step}` : "";
  return `${dist.kind} range [${dist.low}, ${dist.high}]${step}`;
}

/** A round step giving about ten values, for the error message's example. */
function niceStep(low: number, high: number): number {
  const raw = (high - low) / 10;
  return Number((10 ** Math.floor(Math.log10(raw))).toPrecision(1));
}
