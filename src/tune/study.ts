// A study: asks its sampler for parameters, its pruner whether to stop early, and keeps every
// trial in the tracking store, each trial a run nested under the sweep's run.
import * as track from "../track";
import { MIME } from "../display";
import { onInterrupt, Interrupted } from "../runtime/interrupt";
import { contains, toSpace, type Dist } from "./space";
import { makeSampler, SearchExhausted } from "./samplers";
import { makePruner } from "./pruners";
import { StudyError, type StudyStorage, type StoredTrial, type StudyRecord } from "./storage";
import { backendOf } from "../store/registry";
import type { Direction, Pruner, Sampler, Space, TrialState } from "./types";
import { leaderboardView } from "./views";
import { paretoFront, paretoView } from "./pareto";

import { TrialPruned } from "./pruned";

export { TrialPruned };

export type DirectionName = Direction | "min" | "max";

export interface StudyOptions {
  name?: string;
  direction?: DirectionName;
  /** The metric the objective optimizes; its value is what the objective returns (or logs). */
  metric?: string;
  /**
   * Several objectives, e.g. ["max", "min"] for macro-F1 against latency: the objective returns one
   * value per direction (or logs each of `metrics`), and the result is the Pareto front
   * (`study.bestTrials`). Use instead of `direction`.
   */
  directions?: readonly DirectionName[];
  /** The metric of each objective, with `directions` (default value0, value1, …). */
  metrics?: readonly string[];
  space: Record<string, Dist> | Space;
  sampler?: Sampler | string;
  samplerOptions?: Record<string, unknown>;
  pruner?: Pruner | string;
  prunerOptions?: Record<string, unknown>;
  seed?: number;
  /** Earlier runs that inform the sampler: a %runs filter, e.g. "tags contains lr". */
  warmStart?: string;
  /** Log each trial as a run (default true). */
  track?: boolean;
  /** Nest trials under this existing run instead of starting a sweep run (worker processes do). */
  sweepRunId?: string;
}

export type Objective = (params: Record<string, any>, trial: Trial) => number | number[] | void | Promise<number | number[] | void>;

export interface OptimizeOptions {
  /** Trials of the study in all (a resumed study runs only what is missing). */
  trials: number;
  /** Trials run at once in this process (async objectives overlap their awaits). */
  workers?: number;
  /** Stop starting new trials after this many seconds. */
  timeout?: number;
  onTrialEnd?: (trial: StoredTrial, study: Study) => void;
}

function normDirection(d: StudyOptions["direction"]): Direction {
  if (d === undefined || d === "minimize" || d === "min") return "minimize";
  if (d === "maximize" || d === "max") return "maximize";
  throw new StudyError(`direction is "minimize" or "maximize" (or min/max), not '${d}'`);
}

/** The study's objectives: directions and metrics of the same length (one for a single objective). */
function objectivesOf(options: StudyOptions): { directions: Direction[]; metrics: string[] } {
  if (options.directions === undefined) {
    if (options.metrics !== undefined) throw new StudyError("metrics (several) go with directions: give directions: [\"max\", \"min\"] too, or use metric for one objective");
    return { directions: [normDirection(options.direction)], metrics: [options.metric ?? "value"] };
  }
  if (options.direction !== undefined) throw new StudyError("give direction (one objective) or directions (several), not both");
  if (!Array.isArray(options.directions) || options.directions.length === 0) throw new StudyError("directions must be a list such as [\"max\", \"min\"]");
  const directions = options.directions.map(normDirection);
  const metrics = options.metrics ? [...options.metrics] : options.metric !== undefined && directions.length === 1 ? [options.metric] : directions.map((_, i) => `value${i}`);
  if (metrics.length !== directions.length) {
    throw new StudyError(`${directions.length} directions but ${metrics.length} metrics (${metrics.join(", ")}): name one metric per direction`);
  }
  if (new Set(metrics).size !== metrics.length) throw new StudyError(`each objective needs its own metric; ${metrics.join(", ")} repeats one`);
  return { directions, metrics };
}

const isValues = (o: unknown): o is readonly number[] => Array.isArray(o);

export class Trial {
  private pruned = false;
  constructor(
    readonly study: Study,
    readonly number: number,
    readonly params: Record<string, any>,
    readonly run: track.Run | null,
  ) {}

  /** An intermediate value (e.g. the validation score after an epoch), for pruning and curves. */
  report(value: number, step: number): void {
    if (this.study.isMultiObjective) throw new StudyError("trial.report() is for studies with one objective: a study with several cannot be pruned (as in Optuna)");
    if (typeof value !== "number") throw new StudyError(`trial.report() takes a number, got ${typeof value}`);
    if (!Number.isInteger(step) || step < 0) throw new StudyError(`trial.report() needs a whole-number step ≥ 0, got ${step}`);
    this.study.storage.report(this.study.id, this.number, step, value);
    this.run?.log({ [this.study.metric]: value }, { step });
  }

  /** Logs other metrics to this trial's run (use this rather than log() when trials run concurrently). */
  log(metrics: Record<string, number>, options?: { step?: number }): void {
    this.run?.log(metrics, options);
  }

  /** Asks the pruner whether to stop after the last report. */
  shouldPrune(): boolean {
    const me = this.study.storage.trials(this.study.id).find((t) => t.number === this.number);
    if (!me || me.intermediate.size === 0) return false;
    const step = Math.max(...me.intermediate.keys());
    this.pruned = this.study.pruner.shouldPrune(me, step, this.study.trials, this.study.direction);
    return this.pruned;
  }

  get wasPruned(): boolean {
    return this.pruned;
  }
}

export class Study {
  private sweepRun: track.Run | null = null;
  private live = new Set<Trial>();

  constructor(
    readonly record: StudyRecord,
    readonly storage: StudyStorage,
    readonly sampler: Sampler,
    readonly pruner: Pruner,
    readonly tracked: boolean,
    /** How it was created, so worker processes can make the same study. */
    readonly options: StudyOptions,
  ) {}

  get id(): string {
    return this.record.id;
  }
  get name(): string {
    return this.record.name;
  }
  get direction(): Direction {
    return this.record.direction;
  }
  get metric(): string {
    return this.record.metric;
  }
  /** One per objective (a single-objective study has one). */
  get directions(): Direction[] {
    return this.record.directions;
  }
  get metrics(): string[] {
    return this.record.metrics;
  }
  get isMultiObjective(): boolean {
    return this.record.directions.length > 1;
  }
  get space(): Space {
    return this.record.space;
  }

  /** Every trial so far, including warm-start ones. */
  get trials(): StoredTrial[] {
    return this.storage.trials(this.id);
  }

  /** The best trial of a single-objective study (see bestTrials for several objectives). */
  get bestTrial(): StoredTrial | null {
    if (this.isMultiObjective) throw new StudyError(`study '${this.name}' has ${this.directions.length} objectives, so no single best trial: use study.bestTrials (the Pareto front)`);
    const done = this.trials.filter((t) => t.state === "complete" && t.value !== null && !t.warm);
    if (!done.length) return null;
    return done.reduce((a, b) => ((this.direction === "minimize" ? b.value! < a.value! : b.value! > a.value!) ? b : a));
  }

  /**
   * The Pareto front: complete trials that no other complete trial beats in every objective (for a
   * single objective, the best trial and any tied with it).
   */
  get bestTrials(): StoredTrial[] {
    const done = this.trials.filter((t) => !t.warm);
    if (this.isMultiObjective) return paretoFront(done, this.directions);
    const best = this.bestTrial;
    return best ? done.filter((t) => t.state === "complete" && t.value === best.value) : [];
  }

  /** Runs these params next (before the sampler is asked again). */
  /** The trial's number (a promise of it on a networked store). Checked against the space at once. */
  enqueue(params: Record<string, unknown>): number | Promise<number> {
    for (const spec of this.space) {
      if (spec.name in params && !contains(spec.dist, params[spec.name])) {
        throw new StudyError(`enqueued ${spec.name} = ${JSON.stringify(params[spec.name])} is outside its distribution`);
      }
    }
    const unknown = Object.keys(params).filter((k) => !this.space.some((s) => s.name === k));
    if (unknown.length) throw new StudyError(`enqueued params not in the space: ${unknown.join(", ")}`);
    return this.storage.enqueue(this.id, params);
  }

  private sweepStarting: Promise<track.Run> | null = null;

  private async ensureSweepRun(): Promise<track.Run | string | null> {
    if (!this.tracked) return null;
    if (this.options.sweepRunId) return this.options.sweepRunId;
    if (this.sweepRun && this.sweepRun.status === "running") return this.sweepRun;
    // Concurrent asks (workers > 1) share one start: on a networked store they would all see none yet.
    this.sweepStarting ??= (async () => {
      const run = await track.startRun({
        name: this.name,
        tags: ["sweep"],
        params: this.isMultiObjective
          ? { sampler: this.sampler.name, pruner: this.pruner.name, directions: this.directions.join(","), metrics: this.metrics.join(",") }
          : { sampler: this.sampler.name, pruner: this.pruner.name, direction: this.direction, metric: this.metric },
        goals: this.isMultiObjective ? {} : { [`best_${this.metric}`]: this.direction === "minimize" ? "min" : "max" },
      });
      await this.storage.setStudyRun(this.id, run.id);
      this.sweepRun = run;
      return run;
    })().finally(() => (this.sweepStarting = null));
    return this.sweepStarting;
  }

  /** Reserves the next trial (ask-and-tell); null when `limit` trials exist or the grid is used up. */
  async ask(limit: number | null = null): Promise<Trial | null> {
    const parent = await this.ensureSweepRun();
    let stored: StoredTrial | null;
    try {
      stored = await this.storage.reserve(this.id, limit, (trials) => this.sampleDistinct(trials));
    } catch (e) {
      if (e instanceof SearchExhausted) return null;
      throw e;
    }
    if (!stored) return null;
    let run: track.Run | null = null;
    if (this.tracked) {
      const goals: Record<string, "min" | "max"> = Object.fromEntries(this.metrics.map((m, i) => [m, this.directions[i] === "minimize" ? "min" : "max"]));
      run = await track.startRun({ name: `${this.name}#${stored.number}`, parent: parent!, tags: ["trial"], params: stored.params, goals });
      await this.storage.setTrialRun(this.id, stored.number, run.id);
    }
    const trial = new Trial(this, stored.number, stored.params, run);
    this.live.add(trial);
    return trial;
  }

  /** No two running trials get the same parameters: resample a few times if the sampler repeats one. */
  private sampleDistinct(trials: StoredTrial[]): Record<string, unknown> {
    const running = new Set(trials.filter((t) => t.state === "running").map((t) => JSON.stringify(t.params)));
    const sample = () => this.sampler.sample(this.space, trials, this.direction, this.directions);
    let params = sample();
    for (let i = 0; i < 20 && running.has(JSON.stringify(params)); i++) params = sample();
    return params;
  }

  /** Ends a trial: a value (complete; one per objective as an array), or { state: "pruned" | "failed", error }. */
  async tell(trial: Trial, outcome: number | readonly number[] | { state: Exclude<TrialState, "running" | "complete">; error?: string; value?: number }): Promise<StoredTrial> {
    this.live.delete(trial);
    let state: Exclude<TrialState, "running">;
    let value: number | null = null;
    let values: number[] | null = null;
    let error: string | null = null;
    if (isValues(outcome) || (this.isMultiObjective && typeof outcome === "number")) {
      const vs: number[] = Array.isArray(outcome) ? [...outcome] : [outcome as number];
      const bad = vs.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
      if (vs.length !== this.directions.length) {
        state = "failed";
        error = `the objective returned ${vs.length} value${vs.length === 1 ? "" : "s"} for ${this.directions.length} objectives: return [${this.metrics.join(", ")}]`;
      } else if (bad >= 0) {
        state = "failed";
        error = `the objective returned ${vs[bad]} for ${this.metrics[bad]}: return finite values`;
      } else {
        state = "complete";
        values = vs;
        value = vs[0];
      }
    } else if (typeof outcome === "number") {
      if (!Number.isFinite(outcome)) {
        state = "failed";
        error = `the objective returned ${outcome}: return a finite ${this.metric}`;
      } else {
        state = "complete";
        value = outcome;
      }
    } else {
      state = outcome.state;
      error = outcome.error ?? null;
      if (state === "pruned") {
        const last = [...(this.trials.find((t) => t.number === trial.number)?.intermediate ?? new Map()).entries()].sort((a, b) => a[0] - b[0]).pop();
        value = outcome.value ?? (last ? last[1] : null);
      }
    }
    await this.storage.finish(this.id, trial.number, state, value, error, this.isMultiObjective ? values : null);
    if (trial.run) {
      if (state === "pruned") await trial.run.store.setTags(trial.run.id, ["trial", "pruned"]);
      await trial.run.end(state === "failed" ? "failed" : "finished", error);
    }
    await this.logProgress();
    return this.trials.find((t) => t.number === trial.number)!;
  }

  private async logProgress(): Promise<void> {
    if (!this.sweepRun || this.sweepRun.status !== "running") return;
    const c = this.storage.counts(this.id);
    this.sweepRun.log({ trials_complete: c.complete, trials_pruned: c.pruned, trials_failed: c.failed });
    if (this.isMultiObjective) {
      this.sweepRun.log({ pareto_front_size: this.bestTrials.length });
      return;
    }
    const best = this.bestTrial;
    if (best) this.sweepRun.log({ [`best_${this.metric}`]: best.value! });
  }

  /** Every objective's value for a trial of a study with several: returned as an array, else logged for each metric. */
  private async valuesOf(trial: Trial, returned: unknown): Promise<number[]> {
    if (Array.isArray(returned)) return returned as number[];
    if (returned !== undefined && returned !== null) {
      throw new StudyError(`the objective returned ${typeof returned}; a study with ${this.directions.length} objectives needs [${this.metrics.join(", ")}] (or log each of them)`);
    }
    if (trial.run) {
      await trial.run.flush();
      const logged = (await trial.run.store.getRun(trial.run.id)).metrics;
      const missing = this.metrics.filter((m) => !logged[m]);
      if (!missing.length) return this.metrics.map((m) => logged[m].last);
      throw new StudyError(`trial ${trial.number} never reported ${missing.map((m) => `'${m}'`).join(", ")}: return [${this.metrics.join(", ")}] from the objective, or log each`);
    }
    throw new StudyError(`trial ${trial.number} returned nothing: return [${this.metrics.join(", ")}] from the objective`);
  }

  /** The objective's value for a trial: its return value, else the last value it logged for the metric. */
  private async valueOf(trial: Trial, returned: unknown): Promise<number> {
    if (typeof returned === "number") return returned;
    if (Array.isArray(returned)) throw new StudyError(`the objective returned ${returned.length} values for a study with one objective: return the ${this.metric} as a number, or give directions: […] for several`);
    if (returned !== undefined && returned !== null) {
      throw new StudyError(`the objective returned ${typeof returned}; return the ${this.metric} as a number (or log({ ${this.metric}: … }))`);
    }
    if (trial.run) {
      await trial.run.flush();
      const logged = (await trial.run.store.getRun(trial.run.id)).metrics[this.metric];
      if (logged) return logged.last;
    }
    throw new StudyError(
      `trial ${trial.number} never reported '${this.metric}': return it from the objective, call trial.report(), or log({ ${this.metric}: … }) — or set --metric to what you do log`,
    );
  }

  /** Runs the objective on a trial; `abort` (an interrupt) abandons it and fails the trial. */
  async runTrial(objective: Objective, trial: Trial, abort?: Promise<never>): Promise<StoredTrial> {
    try {
      const running = Promise.resolve(objective(trial.params, trial));
      const returned = await (abort ? Promise.race([running, abort]) : running);
      if (trial.wasPruned) return this.tell(trial, { state: "pruned" });
      if (this.isMultiObjective) {
        const values = await this.valuesOf(trial, returned);
        if (Array.isArray(returned) && trial.run && values.length === this.metrics.length && values.every(Number.isFinite)) {
          await trial.run.flush();
          const logged = (await trial.run.store.getRun(trial.run.id)).metrics;
          const fresh = Object.fromEntries(this.metrics.map((m, i) => [m, values[i]]).filter(([m]) => !logged[m as string]));
          if (Object.keys(fresh).length) trial.run.log(fresh as Record<string, number>);
        }
        return this.tell(trial, values);
      }
      const value = await this.valueOf(trial, returned);
      if (typeof returned === "number" && trial.run) {
        // The returned value is the trial's metric: log it unless the objective already did.
        await trial.run.flush();
        if (!(await trial.run.store.getRun(trial.run.id)).metrics[this.metric]) trial.run.log({ [this.metric]: returned });
      }
      return this.tell(trial, value);
    } catch (e) {
      if (e instanceof Interrupted) return this.tell(trial, { state: "failed", error: "interrupted" });
      if (e instanceof TrialPruned) return this.tell(trial, { state: "pruned" });
      const err = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      return this.tell(trial, { state: "failed", error: err });
    }
  }

  /** Runs trials until `trials` exist (counting earlier sessions), the grid is used up, or time runs out. */
  async optimize(objective: Objective, options: OptimizeOptions): Promise<StudySummary> {
    if (typeof objective !== "function") throw new StudyError(`the objective must be a function (params, trial) => ${this.metric}, got ${typeof objective}`);
    if (!Number.isInteger(options.trials) || options.trials < 1) throw new StudyError(`trials must be a whole number ≥ 1, got ${options.trials}`);
    const workers = options.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new StudyError(`workers must be a whole number ≥ 1, got ${workers}`);
    const orphans = await this.storage.failOrphans(this.id);
    const deadline = options.timeout ? Date.now() + options.timeout * 1000 : Infinity;
    let stop = false;
    let abortTrials!: (e: Error) => void;
    const abort = new Promise<never>((_, reject) => (abortTrials = reject));
    abort.catch(() => {});
    const stopListening = onInterrupt(() => {
      stop = true;
      abortTrials(new Interrupted("trial"));
    });
    try {
      const loop = async () => {
        while (!stop && Date.now() < deadline) {
          const trial = await this.ask(options.trials);
          if (!trial) return;
          const done = await this.runTrial(objective, trial, abort);
          options.onTrialEnd?.(done, this);
        }
      };
      await Promise.all(Array.from({ length: workers }, loop));
    } finally {
      stopListening();
      if (stop) {
        for (const t of [...this.live]) await this.tell(t, { state: "failed", error: "interrupted" });
        await this.sweepRun?.end("killed", "interrupted by the user");
      } else {
        await this.sweepRun?.end("finished");
      }
      this.sweepRun = null;
      await this.storage.refresh(this.id);
    }
    if (stop) throw new Interrupted(`sweep '${this.name}' (run it again to resume)`);
    return new StudySummary(this, orphans);
  }
}

export interface ProcessOptions {
  /** Trials of the study in all. */
  trials: number;
  /** Worker processes to start. */
  processes: number;
  /** The module's export that is the objective (default "objective", else the default export). */
  exportName?: string;
  /** Workers stop starting trials after this many seconds. */
  timeout?: number;
}

/**
 * Runs the study in worker processes on this machine: each loads `modulePath` (a CommonJS module
 * exporting the objective) and takes trials from the store, so they share the work and never run
 * the same trial twice. Trials nest under this process's sweep run.
 */
export async function optimizeInProcesses(study: Study, modulePath: string, options: ProcessOptions): Promise<StudySummary> {
  const { spawn } = await import("child_process");
  const fs = await import("fs");
  const path = await import("path");
  const file = path.resolve(modulePath);
  if (!fs.existsSync(file)) throw new StudyError(`no objective module at ${file}: write a .js or .ts module that exports objective(params, trial)`);
  if (typeof study.options.sampler === "object" || typeof study.options.pruner === "object") {
    throw new StudyError("worker processes make their own sampler and pruner: give them by name (sampler: \"tpe\"), not as objects");
  }
  if (!Number.isInteger(options.processes) || options.processes < 1) throw new StudyError(`processes must be a whole number ≥ 1, got ${options.processes}`);
  const sweep = await study["ensureSweepRun"]();
  const sweepRunId = typeof sweep === "string" ? sweep : sweep?.id;
  const { sampler, pruner, samplerOptions, prunerOptions, seed } = study.options;
  const base = {
    store: backendOf(track.store()).address(track.store()), module: file, exportName: options.exportName, trials: options.trials, timeout: options.timeout,
    study: { name: study.name, ...(study.isMultiObjective ? { directions: study.directions, metrics: study.metrics } : { direction: study.direction, metric: study.metric }), space: study.space, sampler, pruner, samplerOptions, prunerOptions, sweepRunId, track: study.tracked },
  };
  const children = Array.from({ length: options.processes }, (_, i) => {
    const cfg = { ...base, study: { ...base.study, seed: seed === undefined ? undefined : seed + i } };
    return spawn(process.execPath, [path.join(__dirname, "worker.js"), JSON.stringify(cfg)], { stdio: ["ignore", "inherit", "pipe"] });
  });
  let stop = false;
  const stopListening = onInterrupt(() => {
    stop = true;
    for (const c of children) c.kill("SIGTERM");
  });
  const failures: string[] = [];
  try {
    await Promise.all(children.map((c, i) => new Promise<void>((resolve) => {
      let err = "";
      c.stderr!.on("data", (d) => (err += d));
      c.on("exit", (code, signal) => {
        if (code !== 0 && !stop) failures.push(`worker ${i} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${err ? `: ${err.trim().split("\n").slice(-3).join(" ")}` : ""}`);
        resolve();
      });
    })));
  } finally {
    stopListening();
  }
  const orphans = await study.storage.failOrphans(study.id);
  if (sweep && typeof sweep !== "string") {
    await sweep.end(stop ? "killed" : failures.length ? "failed" : "finished", stop ? "interrupted by the user" : failures.join("; ") || null);
  }
  if (stop) throw new Interrupted(`sweep '${study.name}' (run it again to resume)`);
  if (failures.length === options.processes) throw new StudyError(`every worker failed: ${failures.join("; ")}`);
  return new StudySummary(study, orphans);
}

/** What a sweep shows when it ends: the best trial and a leaderboard. */
export class StudySummary {
  constructor(readonly study: Study, readonly recoveredOrphans: number[] = []) {}
  /** The best trial (null for several objectives: see bestTrials). */
  get best(): StoredTrial | null {
    return this.study.isMultiObjective ? null : this.study.bestTrial;
  }
  /** The Pareto front (several objectives) or the best trial. */
  get bestTrials(): StoredTrial[] {
    return this.study.bestTrials;
  }
  [MIME]() {
    if (this.study.isMultiObjective) return paretoView(this.study.name, this.study.directions, this.study.metrics, this.study.trials.filter((t) => !t.warm));
    return leaderboardView(this.study.name, this.study.direction, this.study.metric, this.study.trials.filter((t) => !t.warm), 10);
  }
}

/** Creates a study, or loads the one of the same name from the store (so a sweep can resume). */
export async function createStudy(options: StudyOptions): Promise<Study> {
  const space = Array.isArray(options.space) ? options.space : toSpace(options.space);
  const { directions, metrics } = objectivesOf(options);
  const [direction, metric] = [directions[0], metrics[0]];
  if (directions.length > 1 && options.warmStart) throw new StudyError("warm start reads one metric from earlier runs: it is for studies with one objective");
  const sampler = typeof options.sampler === "object" ? options.sampler : makeSampler(options.sampler ?? "tpe", { seed: options.seed, ...options.samplerOptions });
  const pruner = typeof options.pruner === "object" ? options.pruner : makePruner(options.pruner ?? "none", options.prunerOptions ?? {});
  sampler.validate?.(space, directions);
  const st = track.store();
  const storage: StudyStorage = backendOf(st).openStudyStorage(st);
  const name = options.name ?? `sweep-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}`;
  const { study: record, created } = await storage.openStudy({ name, direction, metric, directions, metrics, space, sampler: sampler.name, pruner: pruner.name });
  const study = new Study(record, storage, sampler, pruner, options.track ?? true, options);
  if (created && options.warmStart) {
    const runs = (await track.listRuns({ where: options.warmStart })).runs;
    for (const r of runs) {
      const m = r.metrics[metric];
      const params: Record<string, unknown> = {};
      const fits = space.every((s) => {
        if (!(s.name in r.params)) return !!s.condition;
        params[s.name] = r.params[s.name];
        return contains(s.dist, r.params[s.name]);
      });
      if (m && Number.isFinite(m.best) && fits && !r.tags.includes("sweep")) await storage.addWarmTrial(record.id, params, m.best, r.id);
    }
  }
  return study;
}
