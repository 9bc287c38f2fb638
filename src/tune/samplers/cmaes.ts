// CMA-ES as a sampler (Optuna's CmaEsSampler is the anchor): the always-active numeric parameters
// live in [0, 1]^d, each generation's points are asked one trial at a time and told once
// `populationSize` of them are complete. It restarts with a doubled population when the strategy
// has converged (IPOP, Auger & Hansen 2005), and starts from the best of trials it did not ask
// itself when there are enough of them (a warm start: earlier sessions, warm-start runs,
// enqueued points). Categorical and conditional parameters are drawn at random.
import type { Direction, FrozenTrial, Sampler, Space } from "../types";
import { contains } from "../space";
import { seededRng, type Rng } from "../random";
import { checkKeys, oneOf, realNumber, wholeNumber, flag } from "../options";
import { fillSpace, randomValue, seedOption } from "./random";
import { CMA, warmStartGaussian } from "./cma";
import { fromUnit, jointParams, toUnit, type Numeric } from "./unit";
import { checkSingleObjective } from "./gp";

export interface CmaEsSamplerOptions {
  seed?: number;
  /** Random trials before the strategy starts (Optuna: 1). */
  nStartupTrials?: number;
  /** Points per generation; default 4 + ⌊2 ln d⌋ (defaultPopulationSize). */
  populationSize?: number;
  /** Initial step size on the [0, 1] scale (Optuna: 1/6). */
  sigma0?: number;
  /** "ipop" restarts with a larger population when converged (default); "none" never restarts. */
  restart?: "ipop" | "none";
  /** Population multiplier at each IPOP restart (default 2). */
  incPopsize?: number;
  /**
   * Start from the best 10% of complete trials this sampler did not ask (WS-CMA-ES), when there
   * are at least 10 of them (default true).
   */
  warmStart?: boolean;
}

/**
 * Points per generation for d parameters: 4 + ⌊2 ln d⌋, below CMA-ES's textbook 4 + ⌊3 ln d⌋ (7
 * rather than 9 at d = 6). A sweep's budget is a few hundred trials, where more generations of a
 * smaller population get further, and IPOP grows the population when a run converges. Measured
 * at 300 trials, seeds 80..159 (bench/tune's problems): median regret with 9 → 7 points,
 * Hartmann-6 4.3e-3 → 1.9e-3, Rosenbrock-6 4.58 → 4.25, Ackley-6 0.60 → 0.29.
 */
export function defaultPopulationSize(d: number): number {
  return 4 + Math.floor(2 * Math.log(Math.max(d, 1)));
}

const OPTIONS = ["seed", "nStartupTrials", "populationSize", "sigma0", "restart", "incPopsize", "warmStart"] as const;

interface State {
  cma: CMA;
  names: string;
  /** Which generation asked which point (by its params' key). */
  asked: Map<string, number>;
  restarts: number;
}

export class CmaEsSampler implements Sampler {
  readonly name = "cmaes";
  private readonly random: Rng;
  private readonly rng: Rng;
  private readonly nStartupTrials: number;
  private readonly populationSize: number | undefined;
  private readonly sigma0: number;
  private readonly restart: "ipop" | "none";
  private readonly incPopsize: number;
  private readonly warmStart: boolean;
  private state: State | null = null;

  constructor(options: CmaEsSamplerOptions = {}) {
    const what = "CmaEsSampler";
    checkKeys(what, options, OPTIONS);
    const seed = seedOption(what, options.seed);
    this.random = seededRng(seed);
    this.rng = seededRng((seed ^ 0x68e31da4) >>> 0);
    this.nStartupTrials = wholeNumber(what, "nStartupTrials", options.nStartupTrials ?? 1, 0);
    this.populationSize = options.populationSize === undefined ? undefined : wholeNumber(what, "populationSize", options.populationSize, 2);
    this.sigma0 = realNumber(what, "sigma0", options.sigma0 ?? 1 / 6, 0, 1, true);
    this.restart = oneOf("CmaEsSampler restart", options.restart ?? "ipop", ["ipop", "none"] as const);
    this.incPopsize = wholeNumber(what, "incPopsize", options.incPopsize ?? 2, 1);
    this.warmStart = flag(what, "warmStart", options.warmStart ?? true);
  }

  /** Generations told and restarts made so far (for tests and the bench). */
  get progress(): { generation: number; restarts: number; populationSize: number } | null {
    return this.state && { generation: this.state.cma.generation, restarts: this.state.restarts, populationSize: this.state.cma.populationSize };
  }

  validate(_space: Space, directions: readonly Direction[] = ["minimize"]): void {
    checkSingleObjective("cmaes", directions);
  }

  sample(space: Space, trials: readonly FrozenTrial[], direction: Direction): Record<string, unknown> {
    const randomFill = (chosen: Record<string, unknown> = {}) => fillSpace(space, (_n, dist) => randomValue(dist, this.random), chosen);
    const joint = jointParams(space).filter((p) => p.dist.kind !== "categorical");
    if (!joint.length) return randomFill();
    const fits = (t: FrozenTrial) => joint.every((p) => p.name in t.params && contains(p.dist, t.params[p.name]));
    const complete = trials.filter((t) => t.state === "complete" && typeof t.value === "number" && Number.isFinite(t.value) && fits(t));
    if (complete.length < this.nStartupTrials) return randomFill();
    const sign = direction === "minimize" ? 1 : -1;
    const encode = (t: FrozenTrial) => Float64Array.from(joint, (p) => toUnit(p.dist as Numeric, t.params[p.name] as number));
    const key = (params: Record<string, unknown>) => JSON.stringify(joint.map((p) => params[p.name]));
    const names = joint.map((p) => p.name).join("\u0000");
    const d = joint.length;

    if (!this.state || this.state.names !== names) {
      // A new (or changed) space: start the strategy, from earlier trials when there are enough.
      const earlier = complete.map((t) => ({ x: encode(t), value: sign * t.value! }));
      const warm = this.warmStart && earlier.length >= 10 ? warmStartGaussian(earlier) : null;
      this.state = { cma: this.newCMA(d, warm ?? undefined, this.populationSize ?? defaultPopulationSize(d)), names, asked: new Map(), restarts: 0 };
    }
    const st = this.state;
    const gen = st.cma.generation;
    const mine = complete.filter((t) => st.asked.get(key(t.params)) === gen).sort((a, b) => a.number - b.number);
    if (mine.length >= st.cma.populationSize) {
      st.cma.tell(mine.slice(0, st.cma.populationSize).map((t) => ({ x: encode(t), value: sign * t.value! })));
      if (this.restart === "ipop" && st.cma.shouldStop()) {
        st.restarts++;
        st.cma = this.newCMA(d, undefined, st.cma.populationSize * this.incPopsize, true);
        st.asked.clear();
      }
    }
    const x = st.cma.ask();
    const chosen: Record<string, unknown> = {};
    joint.forEach((p, k) => (chosen[p.name] = fromUnit(p.dist as Numeric, x[k])));
    st.asked.set(key(chosen), st.cma.generation);
    return randomFill(chosen);
  }

  private newCMA(d: number, warm: { mean: Float64Array; sigma: number; cov: Float64Array } | undefined, populationSize: number, randomMean = false): CMA {
    const mean = warm?.mean ?? Float64Array.from({ length: d }, () => (randomMean ? this.rng() : 0.5));
    return new CMA({
      mean,
      sigma: Math.max(warm?.sigma ?? this.sigma0, 1e-8),
      cov: warm?.cov,
      lower: new Array(d).fill(0),
      upper: new Array(d).fill(1),
      populationSize,
      rng: this.rng,
    });
  }
}
