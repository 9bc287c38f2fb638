// Bayesian optimisation with a Gaussian process (Optuna's GPSampler is the anchor): the always-
// active parameters are mapped to [0, 1] (log parameters on their log scale), a Matérn 5/2 GP with
// ARD length scales is fitted to the standardised values, and the next point maximises log
// expected improvement: the best of random candidates and the best trial so far, refined by
// projected L-BFGS over the continuous inputs and by exhaustive or grid search over discrete
// ones. Conditional parameters are drawn at random, as Optuna's independent sampler does.
import type { Direction, FrozenTrial, Sampler, Space } from "../types";
import { contains, stepCount } from "../space";
import { seededRng, type Rng } from "../random";
import { OptionError, checkKeys, flag, wholeNumber } from "../options";
import { fillSpace, randomValue, seedOption } from "./random";
import { fitGP, type GaussianProcess, type GPParams } from "./gaussianProcess";
import { boxLbfgs } from "./boxLbfgs";
import { fromUnit, jointParams, toUnit, type Numeric } from "./unit";

export interface GPSamplerOptions {
  seed?: number;
  /** Random search until this many trials have completed (Optuna: 10). */
  nStartupTrials?: number;
  /** Random points scored before the local searches (Optuna: 2048). */
  nCandidates?: number;
  /** Local searches of the acquisition function, from the best candidates (Optuna: 10). */
  nLocalSearch?: number;
  /** Fix the noise at its floor: for objectives that give the same value for the same params. */
  deterministic?: boolean;
}

const OPTIONS = ["seed", "nStartupTrials", "nCandidates", "nLocalSearch", "deterministic"] as const;

/** Thrown for a space the GP cannot model at all. */
export class GPSpaceError extends OptionError {}

interface Dim {
  name: string;
  kind: "continuous" | "discrete" | "categorical";
  /** Values a discrete or categorical input can take, in unit (or index) coordinates. */
  grid?: number[];
}

function dimsOf(space: Space): Dim[] {
  return jointParams(space).map((p) => {
    const d = p.dist;
    if (d.kind === "categorical") return { name: p.name, kind: "categorical", grid: d.choices.map((_, i) => i) };
    if (d.step) {
      const count = stepCount(d);
      return { name: p.name, kind: "discrete", grid: Array.from({ length: count }, (_, k) => toUnit(d, d.low + k * d.step!)) };
    }
    return { name: p.name, kind: "continuous" };
  });
}

/** Refuses several objectives for a sampler that optimises one, naming the ones that take several. */
export function checkSingleObjective(sampler: string, directions: readonly Direction[]): void {
  if (directions.length > 1) throw new OptionError(`the ${sampler} sampler optimises one objective and this study has ${directions.length}: use --sampler nsga2 or tpe (or random) for several`);
}

/** Refuses a space with nothing for the GP to model but categories (the "refuse clearly"). */
export function checkGPSpace(space: Space): void {
  const joint = jointParams(space);
  if (joint.length && joint.every((p) => p.dist.kind === "categorical")) {
    throw new GPSpaceError(`the gp sampler models numeric parameters, and every parameter of this space is categorical (${joint.map((p) => p.name).join(", ")}): use --sampler tpe (or grid)`);
  }
}

export class GPSampler implements Sampler {
  readonly name = "gp";
  private readonly random: Rng;
  private readonly rng: Rng;
  private readonly nStartupTrials: number;
  private readonly nCandidates: number;
  private readonly nLocalSearch: number;
  private readonly deterministic: boolean;
  /** The last fit's kernel parameters: the next fit starts from them, as Optuna's cache does. */
  private cache: GPParams | null = null;
  /** The last fitted model, for inspection. */
  lastModel: GaussianProcess | null = null;

  constructor(options: GPSamplerOptions = {}) {
    const what = "GPSampler";
    checkKeys(what, options, OPTIONS);
    const seed = seedOption(what, options.seed);
    this.random = seededRng(seed);
    this.rng = seededRng((seed ^ 0x2545f491) >>> 0);
    this.nStartupTrials = wholeNumber(what, "nStartupTrials", options.nStartupTrials ?? 10, 0);
    this.nCandidates = wholeNumber(what, "nCandidates", options.nCandidates ?? 2048, 1);
    this.nLocalSearch = wholeNumber(what, "nLocalSearch", options.nLocalSearch ?? 10, 0);
    this.deterministic = flag(what, "deterministic", options.deterministic ?? false);
  }

  validate(space: Space, directions: readonly Direction[] = ["minimize"]): void {
    checkSingleObjective("gp", directions);
    checkGPSpace(space);
  }

  sample(space: Space, trials: readonly FrozenTrial[], direction: Direction): Record<string, unknown> {
    const randomFill = (chosen: Record<string, unknown> = {}) => fillSpace(space, (_n, dist) => randomValue(dist, this.random), chosen);
    const dims = dimsOf(space);
    const joint = jointParams(space);
    const fits = (t: FrozenTrial) => joint.every((p) => p.name in t.params && contains(p.dist, t.params[p.name]));
    const complete = trials.filter((t) => t.state === "complete" && typeof t.value === "number" && Number.isFinite(t.value) && fits(t));
    if (!dims.length || complete.length < Math.max(1, this.nStartupTrials) || dims.every((d) => d.kind === "categorical")) return randomFill();

    const encode = (params: Record<string, unknown>) =>
      Float64Array.from(joint, (p) => (p.dist.kind === "categorical" ? p.dist.choices.findIndex((c) => c === params[p.name]) : toUnit(p.dist as Numeric, params[p.name] as number)));
    const X = complete.map((t) => encode(t.params));
    const sign = direction === "minimize" ? -1 : 1;
    const raw = complete.map((t) => sign * t.value!);
    const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
    const std = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / raw.length);
    const y = Float64Array.from(raw, (v) => (v - mean) / Math.max(std, 1e-10));
    const isCat = dims.map((d) => d.kind === "categorical");
    let gp = fitGP(X, y, isCat, { deterministic: this.deterministic, init: this.cache ?? undefined });
    this.cache = gp.params;
    let threshold = -Infinity;
    let bestIdx = 0;
    y.forEach((v, i) => v > threshold && ((threshold = v), (bestIdx = i)));
    // Running trials (other workers') are believed at the model's mean there, which lowers the
    // variance around them so that parallel workers spread out (the "kriging believer").
    const running = trials.filter((t) => t.state === "running" && fits(t)).map((t) => encode(t.params));
    if (running.length) gp = gp.withPoints(running, running.map((x) => gp.posterior(x).mean));
    this.lastModel = gp;

    const x = this.maximise(gp, dims, threshold, X[bestIdx]);
    const chosen: Record<string, unknown> = {};
    joint.forEach((p, k) => (chosen[p.name] = p.dist.kind === "categorical" ? p.dist.choices[x[k]] : fromUnit(p.dist as Numeric, x[k])));
    return randomFill(chosen);
  }

  /** The point of highest log EI: best of random candidates (plus the incumbent), then refined. */
  private maximise(gp: GaussianProcess, dims: Dim[], threshold: number, incumbent: Float64Array): Float64Array {
    const d = dims.length;
    const cands: Float64Array[] = [];
    for (let c = 0; c < this.nCandidates; c++) {
      const x = new Float64Array(d);
      dims.forEach((dim, k) => (x[k] = dim.grid ? dim.grid[Math.floor(this.rng() * dim.grid.length)] : this.rng()));
      cands.push(x);
    }
    const vals = Array.from(gp.logEIMany(cands, threshold));
    let best = 0;
    for (let i = 1; i < vals.length; i++) if (vals[i] > vals[best]) best = i;
    // Starts: the best candidate, others drawn in proportion to exp(logEI) (Optuna's roulette),
    // and the best trial so far.
    const starts = [cands[best]];
    const weights = vals.map((v, i) => (i === best ? 0 : Math.exp(v - vals[best])));
    for (let s = 1; s < this.nLocalSearch - 1; s++) {
      const total = weights.reduce((a, b) => a + b, 0);
      if (!(total > 0)) break;
      let r = this.rng() * total;
      let i = 0;
      while (i < weights.length - 1 && (r -= weights[i]) > 0) i++;
      starts.push(cands[i]);
      weights[i] = 0;
    }
    if (this.nLocalSearch > 0) starts.push(Float64Array.from(incumbent));
    let bestX = cands[best];
    let bestVal = vals[best];
    for (const start of this.nLocalSearch > 0 ? starts : []) {
      const { x, value } = this.localSearch(gp, dims, threshold, start);
      if (value > bestVal) (bestVal = value), (bestX = x);
    }
    return bestX;
  }

  /** Alternates L-BFGS over the continuous inputs with a search of each discrete input's values. */
  private localSearch(gp: GaussianProcess, dims: Dim[], threshold: number, start: Float64Array): { x: Float64Array; value: number } {
    const cont = dims.flatMap((dim, k) => (dim.kind === "continuous" ? [k] : []));
    const disc = dims.flatMap((dim, k) => (dim.kind !== "continuous" ? [k] : []));
    // Optimise in x / lengthscale, where the EI surface is about equally curved in every direction.
    const ls = cont.map((k) => 1 / Math.sqrt(gp.params.invSqLengthscales[k]));
    let x = Float64Array.from(start);
    let value = gp.logEI(x, threshold);
    const g = new Float64Array(cont.length);
    for (let round = 0; round < 10; round++) {
      let moved = false;
      if (cont.length) {
        const probe = Float64Array.from(x);
        const res = boxLbfgs(
          (z, grad) => {
            cont.forEach((k, p) => (probe[k] = z[p] * ls[p]));
            const v = gp.logEI(probe, threshold, g, cont);
            for (let p = 0; p < cont.length; p++) grad[p] = -g[p] * ls[p];
            return -v;
          },
          Float64Array.from(cont, (k, p) => x[k] / ls[p]),
          cont.map(() => 0),
          ls.map((l) => 1 / l),
          { pgtol: 1e-2, maxIter: 200 },
        );
        if (-res.f > value && res.nIter > 0) {
          cont.forEach((k, p) => (x[k] = res.x[p] * ls[p]));
          value = -res.f;
          moved = true;
        }
      }
      let changed = false;
      for (const k of disc) {
        const grid = dims[k].grid!;
        // Every value when there are few (Optuna's threshold, 16); else an even sample and the neighbours.
        let options = grid;
        if (grid.length > 16) {
          const at = grid.reduce((b, v, i) => (Math.abs(v - x[k]) < Math.abs(grid[b] - x[k]) ? i : b), 0);
          const idx = new Set<number>();
          for (let i = 0; i < 16; i++) idx.add(Math.round((i * (grid.length - 1)) / 15));
          for (let o = -3; o <= 3; o++) if (at + o >= 0 && at + o < grid.length) idx.add(at + o);
          options = [...idx].map((i) => grid[i]);
        }
        const probe = Float64Array.from(x);
        for (const v of options) {
          if (v === x[k]) continue;
          probe[k] = v;
          const pv = gp.logEI(probe, threshold);
          if (pv > value) (value = pv), (x[k] = v), (changed = true);
          probe[k] = x[k];
        }
      }
      if (!changed || !cont.length || (!moved && round > 0)) break;
    }
    return { x, value };
  }
}
