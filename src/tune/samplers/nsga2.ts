// NSGA-II (Deb et al. 2002) as a sampler, for one objective or several: trials come in generations
// of `populationSize` in trial order; the parents of generation g are the elite of generation g−1's
// parents and its complete trials (non-dominated fronts, ties broken by crowding distance), and
// each new trial is a child of two parents picked by crowded binary tournament, made by uniform
// crossover (each parameter from either parent) and mutation: polynomial mutation (Deb & Goyal
// 1996) on numeric parameters in [0, 1], a fresh draw on categorical ones. Optuna's NSGAIISampler
// mutates by fresh draws everywhere; the polynomial step keeps a good parameter near where it was,
// which measured better on ZDT1 and ZDT2 at 1,000 trials (bench/tune). SBX crossover is an option.
import type { Direction, FrozenTrial, ParamSpec, Sampler, Space } from "../types";
import { contains } from "../space";
import { seededRng, type Rng } from "../random";
import { checkKeys, oneOf, realNumber, wholeNumber } from "../options";
import { fillSpace, randomValue, seedOption } from "./random";
import { asLosses, crowdingDistance, nonDominatedSort } from "../pareto";
import { fromUnit, jointParams, toUnit, type Numeric } from "./unit";

export interface NSGAIISamplerOptions {
  seed?: number;
  /** Trials per generation (Optuna: 50). */
  populationSize?: number;
  /** Chance that a child is a crossover of two parents rather than a copy of one (0.9). */
  crossoverProb?: number;
  /** Chance that each parameter is mutated; default 1 / the number of parameters. */
  mutationProb?: number;
  /** SBX's distribution index, with crossover "sbx": larger keeps children nearer their parents (15). */
  etaCrossover?: number;
  /** Polynomial mutation's distribution index (20). */
  etaMutation?: number;
  /**
   * Numeric crossover: "uniform" (each parameter from either parent, as Optuna; default) or "sbx"
   * (simulated binary crossover). 20 seeds × 1,000 trials, median hypervolume: ZDT1 10.77 vs
   * 10.59 with SBX, ZDT2 9.96 vs 9.55.
   */
  crossover?: "sbx" | "uniform";
  /** Numeric mutation: "polynomial" (default) or "random" (a fresh draw, as Optuna). */
  mutation?: "polynomial" | "random";
}

const OPTIONS = ["seed", "populationSize", "crossoverProb", "mutationProb", "etaCrossover", "etaMutation", "crossover", "mutation"] as const;

interface Member {
  trial: FrozenTrial;
  losses: number[];
  rank: number;
  crowding: number;
}

/** NSGA-II's survival: fill by fronts, and the last front by crowding distance, largest first. */
export function eliteSelection(candidates: Array<{ trial: FrozenTrial; losses: number[] }>, size: number): Member[] {
  const fronts = nonDominatedSort(candidates.map((c) => c.losses));
  const out: Member[] = [];
  for (let r = 0; r < fronts.length && out.length < size; r++) {
    const front = fronts[r];
    const crowd = crowdingDistance(front.map((i) => candidates[i].losses));
    const members = front.map((i, k) => ({ ...candidates[i], rank: r, crowding: crowd[k] }));
    if (out.length + members.length > size) members.sort((a, b) => b.crowding - a.crowding || a.trial.number - b.trial.number);
    out.push(...members.slice(0, size - out.length));
  }
  return out;
}

export class NSGAIISampler implements Sampler {
  readonly name = "nsga2";
  private readonly rng: Rng;
  private readonly populationSize: number;
  private readonly crossoverProb: number;
  private readonly mutationProb: number | undefined;
  private readonly etaC: number;
  private readonly etaM: number;
  private readonly crossover: "sbx" | "uniform";
  private readonly mutation: "polynomial" | "random";
  /** Parents of each generation, once every trial of the generation before had finished. */
  private readonly parents = new Map<number, { key: string; members: Member[] }>();

  constructor(options: NSGAIISamplerOptions = {}) {
    const what = "NSGAIISampler";
    checkKeys(what, options, OPTIONS);
    this.rng = seededRng(seedOption(what, options.seed));
    this.populationSize = wholeNumber(what, "populationSize", options.populationSize ?? 50, 2);
    this.crossoverProb = realNumber(what, "crossoverProb", options.crossoverProb ?? 0.9, 0, 1);
    this.mutationProb = options.mutationProb === undefined ? undefined : realNumber(what, "mutationProb", options.mutationProb, 0, 1);
    this.etaC = realNumber(what, "etaCrossover", options.etaCrossover ?? 15, 0);
    this.etaM = realNumber(what, "etaMutation", options.etaMutation ?? 20, 0);
    this.crossover = oneOf("NSGAIISampler crossover", options.crossover ?? "uniform", ["uniform", "sbx"] as const);
    this.mutation = oneOf("NSGAIISampler mutation", options.mutation ?? "polynomial", ["polynomial", "random"] as const);
  }

  sample(space: Space, trials: readonly FrozenTrial[], direction: Direction, directions: readonly Direction[] = [direction]): Record<string, unknown> {
    const randomFill = (chosen: Record<string, unknown> = {}) => fillSpace(space, (_n, dist) => randomValue(dist, this.rng), chosen);
    const P = this.populationSize;
    const generation = Math.floor(trials.length / P);
    const joint = jointParams(space);
    if (generation === 0 || !joint.length) return randomFill();
    const parents = this.parentsOf(generation, trials, directions, joint);
    if (parents.length < 2) return randomFill();

    const tournament = () => {
      const a = parents[Math.floor(this.rng() * parents.length)];
      const b = parents[Math.floor(this.rng() * parents.length)];
      return a.rank !== b.rank ? (a.rank < b.rank ? a : b) : a.crowding !== b.crowding ? (a.crowding > b.crowding ? a : b) : this.rng() < 0.5 ? a : b;
    };
    const p1 = tournament().trial.params;
    let p2 = tournament().trial.params;
    for (let i = 0; i < 5 && p2 === p1; i++) p2 = tournament().trial.params;
    const cross = this.rng() < this.crossoverProb;
    const pm = this.mutationProb ?? 1 / joint.length;
    const child: Record<string, unknown> = {};
    for (const p of joint) child[p.name] = this.childValue(p, p1[p.name], p2[p.name], cross, pm);
    return randomFill(child);
  }

  private childValue(p: ParamSpec, a: unknown, b: unknown, cross: boolean, pm: number): unknown {
    const dist = p.dist;
    if (dist.kind === "categorical") {
      let v = cross && this.rng() < 0.5 ? b : a;
      if (this.rng() < pm) v = randomValue(dist, this.rng);
      return v;
    }
    const d = dist as Numeric;
    let x = toUnit(d, a as number);
    if (cross && this.rng() < 0.5) x = this.crossover === "sbx" ? this.sbx(x, toUnit(d, b as number)) : toUnit(d, b as number);
    if (this.rng() < pm) {
      if (this.mutation === "random") return randomValue(d, this.rng);
      x = this.polynomialMutation(x);
    }
    return fromUnit(d, x);
  }

  /** Simulated binary crossover on [0, 1] (Deb & Agrawal 1995, with Deb's bounded spread); one child. */
  private sbx(x1: number, x2: number): number {
    if (Math.abs(x1 - x2) < 1e-14) return x1;
    const y1 = Math.min(x1, x2);
    const y2 = Math.max(x1, x2);
    const e = this.etaC + 1;
    const spread = (beta: number) => {
      const alpha = 2 - beta ** -e;
      const u = this.rng();
      return u <= 1 / alpha ? (u * alpha) ** (1 / e) : (1 / (2 - u * alpha)) ** (1 / e);
    };
    const c1 = 0.5 * (y1 + y2 - spread(1 + (2 * y1) / (y2 - y1)) * (y2 - y1));
    const c2 = 0.5 * (y1 + y2 + spread(1 + (2 * (1 - y2)) / (y2 - y1)) * (y2 - y1));
    const c = this.rng() < 0.5 ? c1 : c2;
    return Math.min(1, Math.max(0, c));
  }

  /** Polynomial mutation on [0, 1] (Deb & Goyal 1996, the bounded form of Deb's NSGA-II code). */
  private polynomialMutation(x: number): number {
    const e = this.etaM + 1;
    const u = this.rng();
    let dq: number;
    if (u < 0.5) {
      const v = 2 * u + (1 - 2 * u) * (1 - x) ** e;
      dq = v ** (1 / e) - 1;
    } else {
      const v = 2 * (1 - u) + 2 * (u - 0.5) * x ** e;
      dq = 1 - v ** (1 / e);
    }
    return Math.min(1, Math.max(0, x + dq));
  }

  /** The parents of `generation`: elite of the previous parents and the previous generation's complete trials. */
  private parentsOf(generation: number, trials: readonly FrozenTrial[], directions: readonly Direction[], joint: ParamSpec[]): Member[] {
    const P = this.populationSize;
    const key = joint.map((p) => p.name).join("\u0000") + `|${directions.join()}`;
    const cached = this.parents.get(generation);
    if (cached && cached.key === key) return cached.members;
    const lossesOf = (t: FrozenTrial): number[] | null => {
      if (t.state !== "complete" || !joint.every((p) => p.name in t.params && contains(p.dist, t.params[p.name]))) return null;
      const values = directions.length > 1 ? t.values : typeof t.value === "number" ? [t.value] : null;
      if (!values || values.length !== directions.length || !values.every(Number.isFinite)) return null;
      return asLosses(values, directions);
    };
    let members: Member[] = [];
    let settled = true;
    for (let g = 1; g <= generation; g++) {
      const prior = this.parents.get(g);
      if (prior && prior.key === key) {
        members = prior.members;
        continue;
      }
      const gen = trials.slice((g - 1) * P, g * P);
      if (gen.some((t) => t.state === "running")) settled = false;
      const fresh = gen.flatMap((t) => {
        const losses = lossesOf(t);
        return losses ? [{ trial: t, losses }] : [];
      });
      const seen = new Set(members.map((m) => m.trial.number));
      members = eliteSelection([...members.map(({ trial, losses }) => ({ trial, losses })), ...fresh.filter((f) => !seen.has(f.trial.number))], P);
      // Cached only when nothing of the generation is still running (other workers' trials).
      if (settled) this.parents.set(g, { key, members });
    }
    return members;
  }
}
