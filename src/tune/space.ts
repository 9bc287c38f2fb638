// Search spaces: uniform, log-uniform, int (with step, log), categorical, and conditional params.
import type { Distribution, ParamSpec, Space } from "./types";

export class SpaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SpaceError";
  }
}

/** A distribution waiting for its name (the key it gets in a space object). */
export interface Dist {
  readonly dist: Distribution;
  readonly condition?: { param: string; values: unknown[] };
  /** Only when `param` takes one of `values`: `uniform(0, 1).when("loss", "log")`. */
  when(param: string, ...values: unknown[]): Dist;
}

function make(dist: Distribution, condition?: Dist["condition"]): Dist {
  return {
    dist,
    condition,
    when(param, ...values) {
      if (!values.length) throw new SpaceError(`.when("${param}") needs the value(s) of ${param} that enable it`);
      return make(dist, { param, values });
    },
  };
}

function finite(name: string, ...xs: number[]): void {
  if (xs.some((x) => typeof x !== "number" || !Number.isFinite(x))) throw new SpaceError(`${name} bounds must be finite numbers, got ${xs.join(", ")}`);
}

export function uniform(low: number, high: number, options: { step?: number } = {}): Dist {
  finite("uniform", low, high);
  if (!(low < high)) throw new SpaceError(`uniform(${low}, ${high}) is empty: low must be below high`);
  if (options.step !== undefined && !(options.step > 0)) throw new SpaceError(`uniform step must be > 0, got ${options.step}`);
  return make({ kind: "float", low, high, log: false, step: options.step });
}

export function logUniform(low: number, high: number): Dist {
  finite("logUniform", low, high);
  if (!(low > 0)) throw new SpaceError(`logUniform(${low}, ${high}) needs low > 0 (it samples the logarithm)`);
  if (!(low < high)) throw new SpaceError(`logUniform(${low}, ${high}) is empty: low must be below high`);
  return make({ kind: "float", low, high, log: true });
}

export function int(low: number, high: number, options: { step?: number; log?: boolean } = {}): Dist {
  finite("int", low, high);
  const step = options.step ?? 1;
  const log = options.log ?? false;
  if (!Number.isInteger(low) || !Number.isInteger(high)) throw new SpaceError(`int(${low}, ${high}) needs whole-number bounds`);
  if (!(low <= high)) throw new SpaceError(`int(${low}, ${high}) is empty: low must not exceed high`);
  if (!Number.isInteger(step) || step < 1) throw new SpaceError(`int step must be a whole number ≥ 1, got ${step}`);
  if (log && step !== 1) throw new SpaceError("int(…, { log: true }) cannot also have a step");
  if (log && low < 1) throw new SpaceError(`int(${low}, ${high}, { log: true }) needs low ≥ 1`);
  return make({ kind: "int", low, high: high - ((high - low) % step), log, step });
}

export function choice<T extends string | number | boolean | null>(choices: readonly T[]): Dist {
  if (!Array.isArray(choices) || choices.length === 0) throw new SpaceError("choice([...]) needs at least one option");
  if (new Set(choices.map((c) => JSON.stringify(c))).size !== choices.length) throw new SpaceError(`choice has duplicate options: ${JSON.stringify(choices)}`);
  return make({ kind: "categorical", choices: [...choices] });
}

/** Checks a space object (name → Dist) and returns it as an ordered list. */
export function toSpace(obj: Record<string, Dist>): Space {
  if (!obj || typeof obj !== "object") throw new SpaceError("a search space is an object such as { lr: logUniform(1e-4, 1e-1) }");
  const entries = Object.entries(obj);
  if (!entries.length) throw new SpaceError("the search space is empty: give at least one parameter");
  const seen = new Map<string, Distribution>();
  const space: Space = [];
  for (const [name, d] of entries) {
    if (!d || typeof d !== "object" || !("dist" in d)) {
      throw new SpaceError(`'${name}' is not a distribution: use uniform, logUniform, int or choice`);
    }
    if (d.condition) {
      const parent = seen.get(d.condition.param);
      if (!parent) {
        throw new SpaceError(`'${name}' depends on '${d.condition.param}', which is not defined before it in the space`);
      }
      if (parent.kind === "categorical") {
        const bad = d.condition.values.filter((v) => !parent.choices.some((c) => c === v));
        if (bad.length) throw new SpaceError(`'${name}' is enabled by ${d.condition.param} = ${JSON.stringify(bad)}, which ${d.condition.param} can never take`);
      }
    }
    seen.set(name, d.dist);
    const spec: ParamSpec = { name, dist: d.dist };
    if (d.condition) spec.condition = d.condition;
    space.push(spec);
  }
  return space;
}

/** The params of `space` that are active given the values chosen so far. */
export function isActive(spec: ParamSpec, chosen: Record<string, unknown>): boolean {
  if (!spec.condition) return true;
  if (!(spec.condition.param in chosen)) return false;
  return spec.condition.values.some((v) => v === chosen[spec.condition!.param]);
}

/** Rounds and clips a sampled value into its distribution (steps, ints, bounds). */
export function snap(dist: Distribution, x: number): number {
  if (dist.kind === "categorical") throw new Error("snap() is for numeric distributions");
  const step = dist.step;
  if (!step) return Math.min(dist.high, Math.max(dist.low, x));
  // Clip to the last point of the grid, not to `high`: uniform(0, 1, { step: 0.4 }) must never give 1.
  const k = Math.min(stepCount(dist) - 1, Math.max(0, Math.round((x - dist.low) / step)));
  return stepValue(dist, k);
}

/** How many values a stepped distribution (int, or float with a step) can take. */
export function stepCount(dist: Distribution): number {
  if (dist.kind === "categorical") return dist.choices.length;
  if (!dist.step) return Infinity;
  // The tolerance keeps 0.6 / 0.2 = 2.9999999999999996 from losing the top value.
  return Math.floor((dist.high - dist.low) / dist.step + 1e-9) + 1;
}

/** The k-th value of a stepped distribution, without float noise (0.1 + 2 × 0.1 is 0.3, not 0.30000000000000004). */
export function stepValue(dist: Distribution, k: number): number {
  if (dist.kind === "categorical" || !dist.step) throw new Error("stepValue() is for stepped numeric distributions");
  const v = dist.low + k * dist.step;
  return dist.kind === "int" ? v : Number(v.toPrecision(15));
}

/** Does a given value belong to the distribution? (for enqueue and warm starts) */
export function contains(dist: Distribution, v: unknown): boolean {
  if (dist.kind === "categorical") return dist.choices.some((c) => c === v);
  if (typeof v !== "number" || !Number.isFinite(v) || v < dist.low || v > dist.high) return false;
  if (dist.kind === "int") return Number.isInteger(v) && (v - dist.low) % dist.step === 0;
  return true;
}
