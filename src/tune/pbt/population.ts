// Population-based training (Jaderberg et al. 2017), synchronous as Ray Tune's PBT with synch=True:
// a population trains in rounds; after each round the bottom quantile copies the checkpoint of a
// top-quantile member (exploit) and perturbs its hyperparameters (explore). Every member is a trial
// of a study and a tracked run nested under the study's run; who copied whom, at which step, is
// kept with each member's run and in the study run's `pbt-lineage.json`.
import * as track from "../../track";
import { Interrupted, onInterrupt } from "../../runtime/interrupt";
import { createStudy, type Trial } from "../study";
import { contains, toSpace, type Dist } from "../space";
import { fillSpace, randomValue, seedOption } from "../samplers/random";
import { seededRng, type Rng } from "../random";
import { checkKeys, realNumber, wholeNumber } from "../options";
import { StudyError } from "../storage";
import type { Direction, Sampler, Space } from "../types";
import { explore, quantiles } from "./explore";
import { PbtResult, type Member, type LineageEvent } from "./result";

export class PbtError extends StudyError {
  constructor(message: string) {
    super(message);
    this.name = "PbtError";
  }
}

export interface RoundContext {
  /** The member's number (its trial's number in the study). */
  member: number;
  /** Rounds done before this one, from 0. */
  round: number;
  /** Training steps this member's line has had so far (inherited with a copied checkpoint). */
  step: number;
  /** Steps to train in this round. */
  interval: number;
  /** Where to continue from: what this member (or the member it copied) returned last round; null at first. */
  checkpoint: unknown;
  /** The member's trial, for trial.log(); null when not tracked. */
  trial: Trial | null;
}

/** One round's outcome: the score after it, and the state to continue from (plain data). */
export interface RoundResult {
  value: number;
  checkpoint: unknown;
}

/** Trains one member for `ctx.interval` steps from `ctx.checkpoint` with `params`. */
export type PbtRound = (params: Record<string, any>, ctx: RoundContext) => RoundResult | Promise<RoundResult>;

export interface PbtOptions {
  name?: string;
  /** Where members' hyperparameters start (drawn at random) and are redrawn from when explored. */
  space: Record<string, Dist> | Space;
  /** The parameters explore may change (default: all of the space). */
  mutate?: string[];
  /** Start every member from these values instead of random draws (Ray's toy example starts all at lr = 1e-4). */
  initial?: Record<string, unknown>;
  /** Members trained side by side (default 8). */
  population?: number;
  /** Rounds of training; exploit and explore happen between rounds. */
  rounds: number;
  /** Steps per round, handed to the round function (default 1). */
  interval?: number;
  metric?: string;
  direction?: Direction | "min" | "max";
  /** Share of the population in the bottom (and in the top) quantile, in (0, 0.5] (default 0.25). */
  quantile?: number;
  /** Chance of redrawing a parameter instead of perturbing it (default 0.25). */
  resampleProbability?: number;
  /** Factors a number is multiplied by (default [1.2, 0.8]). */
  perturbationFactors?: [number, number];
  /** Seeds the initial draws, the pairing and the perturbations. */
  seed?: number;
  /** Log each member as a run (default true). */
  track?: boolean;
  /** Members trained at once in this process within a round (async rounds overlap their awaits); default 1. */
  workers?: number;
  /** Called after every round with the population as it stands (after exploit and explore). */
  onRound?: (round: number, members: readonly Member[]) => void;
}

const KNOWN = ["name", "space", "mutate", "initial", "population", "rounds", "interval", "metric", "direction", "quantile", "resampleProbability", "perturbationFactors", "seed", "track", "workers", "onRound"];

/** Draws each member's first parameters: `initial` where given, else at random (seeded). */
class InitialSampler implements Sampler {
  readonly name = "pbt";
  constructor(private readonly rng: Rng, private readonly initial: Record<string, unknown>) {}
  sample(space: Space): Record<string, unknown> {
    return fillSpace(space, (name, dist) => (name in this.initial ? this.initial[name] : randomValue(dist, this.rng)));
  }
}

function checkOptions(o: PbtOptions) {
  const what = "population-based training";
  if (!o || typeof o !== "object") throw new PbtError(`${what} takes options: { space, rounds, population?, interval?, … }`);
  checkKeys(what, o, KNOWN);
  const space = Array.isArray(o.space) ? o.space : toSpace(o.space);
  const population = wholeNumber(what, "population", o.population ?? 8, 2);
  const rounds = wholeNumber(what, "rounds", o.rounds, 1);
  const interval = wholeNumber(what, "interval", o.interval ?? 1, 1);
  const quantile = realNumber(what, "quantile", o.quantile ?? 0.25, 0, 0.5, true);
  const resampleProbability = realNumber(what, "resampleProbability", o.resampleProbability ?? 0.25, 0, 1);
  const factors = o.perturbationFactors ?? [1.2, 0.8];
  if (!Array.isArray(factors) || factors.length !== 2 || factors.some((f) => typeof f !== "number" || !(f > 0) || !Number.isFinite(f))) {
    throw new PbtError(`${what}: perturbationFactors must be two positive numbers such as [1.2, 0.8], got ${JSON.stringify(factors)}`);
  }
  const workers = wholeNumber(what, "workers", o.workers ?? 1, 1);
  const names = space.map((s) => s.name);
  const mutate = o.mutate ?? names;
  const unknown = mutate.filter((m) => !names.includes(m));
  if (unknown.length) throw new PbtError(`${what}: mutate names ${unknown.map((m) => `'${m}'`).join(", ")}, which the space does not have (${names.join(", ")})`);
  const initial = o.initial ?? {};
  for (const [k, v] of Object.entries(initial)) {
    const spec = space.find((s) => s.name === k);
    if (!spec) throw new PbtError(`${what}: initial value for '${k}', which the space does not have (${names.join(", ")})`);
    if (!contains(spec.dist, v)) throw new PbtError(`${what}: initial ${k} = ${JSON.stringify(v)} is outside its distribution`);
  }
  return { space, population, rounds, interval, quantile, resampleProbability, factors: factors as [number, number], workers, mutate: space.filter((s) => mutate.includes(s.name)), initial };
}

/**
 * Runs population-based training: `population` members, each `rounds` × `interval` steps of
 * `round`, the bottom quantile copying a top member's checkpoint and perturbed hyperparameters
 * after every round but the last. Returns the population, its lineage and the best member.
 */
export async function populationBasedTraining(options: PbtOptions, round: PbtRound): Promise<PbtResult> {
  const o = checkOptions(options);
  if (typeof round !== "function") throw new PbtError(`population-based training needs the round function (params, { checkpoint, interval, … }) => ({ value, checkpoint }), got ${typeof round}`);
  const rng = seededRng(seedOption("population-based training", options.seed));
  const study = await createStudy({
    name: options.name, space: o.space, metric: options.metric, direction: options.direction,
    sampler: new InitialSampler(rng, o.initial), pruner: "none", track: options.track,
  });
  if (study.trials.length) throw new PbtError(`study '${study.name}' already has ${study.trials.length} trials: population-based training starts a new study, so choose another name`);
  const sweep = await study["ensureSweepRun"]();
  const sweepRun = sweep && typeof sweep !== "string" ? sweep : null;
  sweepRun?.param({ scheduler: "pbt", population: o.population, rounds: o.rounds, interval: o.interval, quantile: o.quantile, resample_probability: o.resampleProbability, perturbation_factors: o.factors, mutate: o.mutate.map((s) => s.name) });

  const members: Member[] = [];
  const events: LineageEvent[] = [];
  let stop = false;
  let abortRounds!: (e: Error) => void;
  const abort = new Promise<never>((_, reject) => (abortRounds = reject));
  abort.catch(() => {});
  const stopListening = onInterrupt(() => {
    stop = true;
    abortRounds(new Interrupted("population-based training"));
  });
  let fatal: Error | null = null;
  try {
    for (let i = 0; i < o.population; i++) {
      const trial = (await study.ask(o.population))!;
      if (trial.run) await trial.run.store.setTags(trial.run.id, ["trial", "pbt-member"]);
      trial.run?.param({ pbt_initial: trial.params });
      members.push({ number: trial.number, trial, params: { ...trial.params }, initial: { ...trial.params }, step: 0, value: NaN, checkpoint: null, history: [], state: "running", error: null });
    }
    for (let r = 0; r < o.rounds && !stop; r++) {
      const alive = members.filter((m) => m.state === "running");
      await pool(alive, o.workers, async (m) => {
        if (stop) return;
        const ctx: RoundContext = { member: m.number, round: r, step: m.step, interval: o.interval, checkpoint: m.checkpoint, trial: m.trial.run ? m.trial : null };
        let out: RoundResult;
        try {
          out = await Promise.race([Promise.resolve(round({ ...m.params }, ctx)), abort]);
        } catch (e) {
          if (e instanceof Interrupted) return;
          if (e instanceof PbtError) throw e;
          return fail(m, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
        }
        if (!out || typeof out !== "object" || !("checkpoint" in out) || out.checkpoint === undefined) {
          throw new PbtError(`the round function must return { value, checkpoint }, got ${describe(out)}: the checkpoint is what a member that copies this one continues from`);
        }
        if (typeof out.value !== "number" || !Number.isFinite(out.value)) return fail(m, `the round returned value ${describe(out.value)}: return a finite ${study.metric}`);
        m.step += o.interval;
        m.value = out.value;
        m.checkpoint = out.checkpoint;
        m.history.push({ round: r, member: m.number, step: m.step, value: out.value, params: { ...m.params } });
        m.trial.report(out.value, m.step);
        const numeric = Object.entries(m.params).filter(([, v]) => typeof v === "number") as Array<[string, number]>;
        if (numeric.length) m.trial.log(Object.fromEntries(numeric.map(([k, v]) => [`pbt.${k}`, v])), { step: m.step });
      });
      if (stop) break;
      if (r < o.rounds - 1) exploitAndExplore(members.filter((m) => m.state === "running"), r, o, study.direction, rng, events);
      options.onRound?.(r, members);
    }
  } catch (e) {
    fatal = e as Error;
  } finally {
    stopListening();
    const how = stop ? "interrupted" : fatal ? `stopped: ${fatal.message}` : null;
    for (const m of members.filter((x) => x.state === "running")) {
      if (how || !Number.isFinite(m.value)) await fail(m, how ?? "no round finished");
      else {
        m.state = "complete";
        await study.tell(m.trial, m.value);
      }
    }
    if (sweepRun) {
      await sweepRun.artifact("pbt-lineage.json", { events, members: members.map((m) => ({ number: m.number, runId: m.trial.run?.id ?? null, state: m.state, value: Number.isFinite(m.value) ? m.value : null, initial: m.initial, final: m.params, history: m.history })) }, "json").catch(() => {});
      await sweepRun.end(stop ? "killed" : fatal ? "failed" : "finished", stop ? "interrupted by the user" : fatal?.message ?? null);
    }
  }
  if (stop) throw new Interrupted(`population-based training '${study.name}'`);
  if (fatal) throw fatal;
  if (!members.some((m) => m.state === "complete")) throw new PbtError(`every member failed: ${members[0]?.error}`);
  return new PbtResult(study, members, events);

  async function fail(m: Member, error: string): Promise<void> {
    m.state = "failed";
    m.error = error;
    await study.tell(m.trial, { state: "failed", error });
  }
}

function exploitAndExplore(alive: Member[], round: number, o: ReturnType<typeof checkOptions>, direction: Direction, rng: Rng, events: LineageEvent[]): void {
  const { bottom, top } = quantiles(alive, o.quantile, direction);
  for (const m of bottom) {
    const donor = top[Math.floor(rng() * top.length)];
    const { params, operations } = explore(donor.params, o.mutate, rng, { resampleProbability: o.resampleProbability, perturbationFactors: o.factors });
    let checkpoint: unknown;
    try {
      checkpoint = structuredClone(donor.checkpoint);
    } catch (e) {
      throw new PbtError(`a checkpoint must be plain data (numbers, arrays, objects, typed arrays) so a member can copy it: ${(e as Error).message}`);
    }
    const event: LineageEvent = { round, step: donor.step, member: m.number, donor: donor.number, memberValue: m.value, donorValue: donor.value, before: m.params, from: donor.params, to: params, operations };
    events.push(event);
    m.params = params;
    m.checkpoint = checkpoint;
    m.step = donor.step;
    m.value = donor.value;
    const run = m.trial.run;
    if (run) {
      run.param({ ...params, pbt_lineage: events.filter((e) => e.member === m.number).map(({ round, step, donor, to }) => ({ round, step, donor, params: to })) });
      run.log({ "pbt.copied_from": donor.number }, { step: donor.step });
    }
  }
}

/** Runs `fn` over items with at most `n` at once; the first error stops taking new items and is rethrown. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let error: unknown = null;
  const worker = async () => {
    while (error === null && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        error ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  if (error !== null) throw error;
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "number") return String(v);
  try {
    return JSON.stringify(v).slice(0, 60);
  } catch {
    return typeof v;
  }
}
