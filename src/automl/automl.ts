// automl(data, { target, … }): model families, their hyperparameters and the text features
// searched under a time budget, every candidate cross-validated (grouped when asked), as a study
// whose trials are tracked runs under one automl run. The search is cost-aware as FLAML's is:
// every family starts from a cheap configuration, cheaper families are tried first, and the next
// family is the one with the lowest estimated cost of improving on the best so far (its cost per
// trial, the time it has gone without improving, and how far behind it is); on a large table new
// configurations are scored on a quarter of the rows first and the best of each three promoted to
// half, then to all (successive halving). The winner is refitted on all rows, scored once on the
// held-out rows when given (evaluate()), and registered as NAME@automl when asked.
import { createHash } from "crypto";
import { InvalidInputError } from "../errors";
import { GroupKFold, KFold, StratifiedKFold, type Fold } from "../data/split";
import { Random } from "../random";
import { SCORERS } from "../train/crossValidate";
import * as track from "../track";
import { autolog } from "../models/autolog";
import { onInterrupt } from "../runtime/interrupt";
import { createStudy, type Study } from "../tune/study";
import { choice, toSpace, type Dist } from "../tune/space";
import { TPESampler } from "../tune/samplers/tpe";
import { SearchExhausted } from "../tune/samplers/grid";
import { paramImportances } from "../tune/importance";
import type { Direction, FrozenTrial, Sampler, Space } from "../tune/types";
import { evaluate, type EvaluationResult } from "../evaluate";
import { FAMILIES, type Family, type Task } from "./families";
import { Featurizer, columnSource, isMissing, type ColumnSource, type FeaturizerSettings } from "./featurizer";
import { AutoMLPipeline } from "./pipeline";
import { AutoMLResult, type FamilyRow } from "./result";
import { DummyClassifier, DummyRegressor } from "../baselines/dummy";

export interface AutoMLOptions {
  /** The column to predict. */
  target: string;
  /** A scikit-learn scoring name (accuracy, f1_macro — or macro_f1 —, roc_auc, r2, neg_mean_absolute_error, …). Default: f1_macro for classes, r2 for numbers. */
  metric?: string;
  /** Seconds of search (default 60, or none when maxTrials is given); the refit of the winner comes after. */
  timeBudget?: number;
  /**
   * Stop after this many trials (FLAML's max_iter). Without a time budget the search is then
   * reproducible: costs are the families' relative costs rather than measured seconds, so the same
   * seed gives the same trials on any machine.
   */
  maxTrials?: number;
  /** Families to search (default: all for the task): nb, lr, knn, tree, gbdt, mlp; ridge, lasso, knn, tree, gbdt. */
  families?: readonly string[];
  /** Folds (default 5; 3 above 5,000 rows). */
  cv?: number;
  /** A column naming each row's group: no group is on both sides of a fold (passages of one text). */
  groups?: string;
  /** The text column (TF-IDF); otherwise one is recognised by its long, mostly distinct strings. */
  text?: string;
  /** Columns to leave out. */
  ignore?: readonly string[];
  /** Held-out rows (the same columns): the winner is scored on them once, with evaluate(). */
  test?: unknown;
  /** Registers the winner under this name with the alias `automl`. */
  register?: string;
  /** The study's name (default automl-<target>-<time>). */
  name?: string;
  seed?: number;
  /** Track every trial as a run (default true). */
  track?: boolean;
}

const METRIC_ALIASES: Record<string, string> = { macro_f1: "f1_macro", micro_f1: "f1_micro", weighted_f1: "f1_weighted", mae: "neg_mean_absolute_error", mse: "neg_mean_squared_error", rmse: "neg_root_mean_squared_error" };
const REGRESSION_METRICS = new Set(["r2", "neg_mean_absolute_error", "neg_mean_squared_error", "neg_root_mean_squared_error"]);
/** Rows from which new configurations start on a quarter of the data. */
const FIDELITY_ROWS = 4000;
/** Each rung promotes the best of every ETA trials. */
const ETA = 3;

export interface Plan {
  task: Task;
  metric: string;
  y: unknown[];
  columns: FeaturizerSettings;
  notes: string[];
}

/** What the columns are (numeric, categorical, text), the task and the metric; bad input refused with what to do. */
export function planColumns(cols: ColumnSource, o: AutoMLOptions): Plan {
  if (typeof o.target !== "string" || !o.target) throw new InvalidInputError("automl needs { target: 'column' }: the column to predict");
  const missingCol = (c: string, what: string) => {
    if (!cols.names.includes(c)) throw new InvalidInputError(`no ${what} column '${c}': the data has ${cols.names.map((n) => `'${n}'`).join(", ")}`);
  };
  missingCol(o.target, "target");
  if (o.groups) missingCol(o.groups, "groups");
  if (o.text) missingCol(o.text, "text");
  for (const c of o.ignore ?? []) missingCol(c, "ignored");
  const y = cols.get(o.target);
  const noTarget = y.filter(isMissing).length;
  if (noTarget === y.length) throw new InvalidInputError(`the target '${o.target}' has no values: choose the column to predict`);
  if (noTarget) throw new InvalidInputError(`${noTarget} of ${y.length} rows have no '${o.target}': drop them first (e.g. data.filter(d => d.${o.target} != null))`);
  const metric0 = o.metric ? METRIC_ALIASES[o.metric] ?? o.metric : undefined;
  if (metric0 !== undefined && !(metric0 in SCORERS)) throw new InvalidInputError(`unknown metric '${o.metric}': use one of ${[...Object.keys(SCORERS), ...Object.keys(METRIC_ALIASES)].join(", ")}`);
  const numericTarget = y.every((v) => typeof v === "number");
  const distinct = new Set(y.map(String));
  const task: Task = metric0 ? (REGRESSION_METRICS.has(metric0) ? "regression" : "classification")
    : numericTarget && !(y.every((v) => Number.isInteger(v)) && distinct.size <= 20) ? "regression" : "classification";
  if (task === "regression" && !numericTarget) throw new InvalidInputError(`the metric ${metric0} is for numbers, but '${o.target}' holds ${typeof y.find((v) => typeof v !== "number")}s: use accuracy or f1_macro`);
  if (task === "classification" && distinct.size < 2) throw new InvalidInputError(`'${o.target}' has one class (${[...distinct][0]}): there is nothing to learn; check the filter that made the data`);
  const metric = metric0 ?? (task === "classification" ? "f1_macro" : "r2");
  const notes: string[] = [];
  const numeric: string[] = [], categorical: string[] = [];
  let text: string | null = o.text ?? null;
  const skip = new Set([o.target, o.groups, ...(o.ignore ?? [])].filter(Boolean) as string[]);
  const empty: string[] = [];
  for (const name of cols.names) {
    if (skip.has(name) || name === text) continue;
    const values = cols.get(name);
    const present = values.filter((v) => !isMissing(v));
    if (!present.length) {
      empty.push(name);
      continue;
    }
    if (present.every((v) => typeof v === "number" || typeof v === "boolean")) numeric.push(name);
    else {
      const strings = present.map(String);
      const unique = new Set(strings).size;
      const meanLength = strings.reduce((a, s) => a + s.length, 0) / strings.length;
      if (!text && meanLength > 40 && unique > 0.5 * present.length) {
        text = name;
        notes.push(`'${name}' is read as text (long, mostly distinct strings): TF-IDF features`);
      } else categorical.push(name);
    }
  }
  if (empty.length) throw new InvalidInputError(`column${empty.length > 1 ? "s" : ""} ${empty.map((c) => `'${c}'`).join(", ")} ${empty.length > 1 ? "have" : "has"} no values (all missing): drop ${empty.length > 1 ? "them" : "it"} or pass ignore: [${empty.map((c) => `"${c}"`).join(", ")}]`);
  if (!numeric.length && !categorical.length && !text) throw new InvalidInputError(`no feature columns besides '${o.target}': give the columns to learn from`);
  return { task, metric, y, notes, columns: { numeric, categorical, text, scale: false, tfidf: { maxFeatures: 20000, sublinearTf: true, ngrams: 1, minDf: 2 } } };
}

/** The families for the task and data, in cost order; an unknown name refused with the ones there are. */
export function chooseFamilies(task: Task, plan: Plan, cols: ColumnSource, asked?: readonly string[]): Family[] {
  const all = FAMILIES[task];
  if (asked) {
    if (!asked.length) throw new InvalidInputError("families is empty: name at least one");
    const unknown = asked.filter((a) => !all.some((f) => f.name === a));
    if (unknown.length) throw new InvalidInputError(`unknown famil${unknown.length > 1 ? "ies" : "y"} ${unknown.map((u) => `'${u}'`).join(", ")} for ${task}: use ${all.map((f) => f.name).join(", ")}`);
  }
  const negative = plan.columns.numeric.some((c) => cols.get(c).some((v) => typeof v === "number" && v < 0));
  const fits = (f: Family) => (!plan.columns.text || f.sparse) && (!f.nonNegative || !negative);
  const chosen = all.filter((f) => (!asked || asked.includes(f.name)));
  const usable = chosen.filter(fits);
  if (!usable.length) {
    throw new InvalidInputError(`none of ${chosen.map((f) => f.name).join(", ")} can learn from this data (${plan.columns.text ? "text needs a family that takes sparse input: nb, lr, gbdt or mlp" : "naive Bayes needs non-negative columns"})`);
  }
  return usable.sort((a, b) => a.cost - b.cost);
}

/** The study's space: the family, each family's params under it, the text settings, the data fraction. */
function searchSpace(families: readonly Family[], plan: Plan, fidelities: readonly number[]): Space {
  const space: Record<string, Dist> = { family: choice(families.map((f) => f.name)) };
  for (const f of families) for (const [k, d] of Object.entries(f.space)) space[`${f.name}.${k}`] = d.when("family", f.name);
  if (plan.columns.text) {
    space["tfidf.maxFeatures"] = choice([5000, 20000, 100000]);
    space["tfidf.sublinearTf"] = choice([true, false]);
    space["tfidf.ngrams"] = choice([1, 2]);
  }
  if (fidelities.length > 1) space.sample = choice([...fidelities]);
  return toSpace(space);
}

const duration = (t: FrozenTrial) => ((t.endedAt ?? Date.now()) - t.startedAt) / 1000;
const configKey = (p: Record<string, unknown>) => JSON.stringify(Object.entries(p).filter(([k]) => k !== "sample").sort());

/**
 * Chooses each trial: a promotion (the best of a rung moved to more rows) when one is due, else
 * a family by its estimated cost of improvement and a configuration of it (its cheap start, then
 * TPE over that family's trials). Refuses to start what would overrun the deadline.
 */
class AutoMLSampler implements Sampler {
  readonly name = "automl";
  private readonly rng: Random;
  private readonly tpe = new Map<string, TPESampler>();
  deadline = Infinity;
  budget = Infinity;
  /** Costs from the families' relative costs, not the clock (a search bounded by trials alone). */
  clockless = false;

  constructor(
    private readonly families: readonly Family[],
    private readonly fidelities: readonly number[],
    private readonly plan: Plan,
    seed: number,
    /** Each finished trial's fit seconds per fold (filled by the objective), and the number of folds. */
    private readonly stats: ReadonlyMap<number, TrialStats>,
    private readonly folds: number,
  ) {
    this.rng = new Random(seed);
    for (const [i, f] of families.entries()) this.tpe.set(f.name, new TPESampler({ seed: seed + 1 + i, nStartupTrials: 4, multivariate: true }));
  }

  private fraction(t: FrozenTrial): number {
    return (t.params.sample as number | undefined) ?? 1;
  }

  /**
   * Seconds a trial of `family` at `fraction` is expected to take: its own timings when it has
   * some; else the part every trial pays (features, scoring: a trial's time less its fits) plus
   * the fits, scaled from the tried families' fit times by the relative costs. Features dominate
   * on text, fits on tables: a guess from whole trial times would be wrong one way or the other.
   */
  expectedCost(trials: readonly FrozenTrial[], family: Family, fraction: number): number {
    if (this.clockless) return family.cost * fraction;
    const done = trials.filter((t) => t.params.family === family.name && t.state !== "running");
    if (done.length) {
      const per = done.map((t) => duration(t) / this.fraction(t));
      return (per.reduce((a, b) => a + b, 0) / per.length) * fraction;
    }
    const timed = trials.filter((t) => t.state !== "running" && this.stats.has(t.number));
    if (!timed.length) return 0;
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const fits = timed.map((t) => this.stats.get(t.number)!.fitSeconds * this.folds);
    const overhead = mean(timed.map((t, i) => Math.max(0, duration(t) - fits[i]) / this.fraction(t)));
    const fitPerCost = mean(timed.map((t, i) => fits[i] / this.fraction(t) / (this.families.find((f) => f.name === t.params.family)?.cost ?? 1)));
    return (overhead + fitPerCost * family.cost) * fraction;
  }

  private fits(trials: readonly FrozenTrial[], family: Family, fraction: number): boolean {
    if (!Number.isFinite(this.deadline)) return true;
    const left = (this.deadline - Date.now()) / 1000;
    // Within 10% of the budget: a trial may end a little after the deadline, not long after.
    return this.expectedCost(trials, family, fraction) <= left + 0.1 * this.budget;
  }

  sample(space: Space, trials: readonly FrozenTrial[], _direction: Direction): Record<string, unknown> {
    const done = trials.filter((t) => t.state === "complete" && t.value !== null && Number.isFinite(t.value));
    // 1. A promotion: the best of a rung that has ETA complete trials per promotion so far.
    for (let r = this.fidelities.length - 2; r >= 0; r--) {
      const rung = done.filter((t) => this.fraction(t) === this.fidelities[r]);
      const above = new Set(trials.filter((t) => this.fraction(t) > this.fidelities[r]).map((t) => configKey(t.params)));
      const promoted = rung.filter((t) => above.has(configKey(t.params))).length;
      if (rung.length < ETA * (promoted + 1)) continue;
      const best = rung.filter((t) => !above.has(configKey(t.params))).sort((a, b) => b.value! - a.value!)[0];
      const family = this.families.find((f) => f.name === best?.params.family);
      if (best && family && this.fits(trials, family, this.fidelities[r + 1])) return { ...best.params, sample: this.fidelities[r + 1] };
    }
    // 2. A new configuration at the first rung.
    const fraction = this.fidelities[0];
    const family = this.pickFamily(trials, done, fraction);
    if (!family) throw new SearchExhausted(trials.length); // no family fits in the time left: the study stops asking
    const own = trials.filter((t) => t.params.family === family.name);
    const prefix = `${family.name}.`;
    let params: Record<string, unknown>;
    if (!own.length) {
      const start = this.plan.columns.text && family.textStart ? family.textStart : family.start;
      params = Object.fromEntries(Object.entries(start).map(([k, v]) => [prefix + k, v]));
      if (this.plan.columns.text) Object.assign(params, { "tfidf.maxFeatures": 20000, "tfidf.sublinearTf": true, "tfidf.ngrams": 1 });
    } else {
      // TPE over this family's trials at this rung: its own params and the shared text settings.
      const sub = space.filter((s) => s.name.startsWith(prefix) || s.name.startsWith("tfidf.")).map((s) => ({ ...s, condition: undefined }));
      const history = own.filter((t) => this.fraction(t) === fraction).map((t) => ({ ...t, params: Object.fromEntries(Object.entries(t.params).filter(([k]) => k.startsWith(prefix) || k.startsWith("tfidf."))) }));
      params = this.tpe.get(family.name)!.sample(sub, history, "maximize");
    }
    return { family: family.name, ...params, ...(this.fidelities.length > 1 ? { sample: fraction } : {}) };
  }

  /**
   * Families not tried yet go first, cheapest first; then the one with the lowest estimated cost of
   * improvement (FLAML's ECI, simplified): max(its cost per trial, the time it has spent since it
   * last improved) × (1 + how far its best is behind the overall best, in units of the spread of
   * the families' bests). One pick in ten is a random family, so none is starved.
   */
  private pickFamily(trials: readonly FrozenTrial[], done: readonly FrozenTrial[], fraction: number): Family | null {
    const fitting = this.families.filter((f) => this.fits(trials, f, fraction));
    if (!fitting.length) return null;
    const untried = fitting.find((f) => !trials.some((t) => t.params.family === f.name));
    if (untried) return untried;
    const scored = fitting.filter((f) => done.some((t) => t.params.family === f.name));
    if (!scored.length || this.rng.float() < 0.1) {
      // Exploration, the cheap more often than the dear (by 1 / expected cost).
      const w = fitting.map((f) => 1 / Math.max(1e-3, this.expectedCost(trials, f, fraction)));
      return fitting[this.rng.categorical(w.map((x) => x / w.reduce((a, b) => a + b, 0)))];
    }
    const bestOf = (f: Family) => Math.max(...done.filter((t) => t.params.family === f.name && this.fraction(t) === fraction).map((t) => t.value!), -Infinity);
    const bests = scored.map(bestOf).filter(Number.isFinite);
    const top = Math.max(...bests);
    const mean = bests.reduce((a, b) => a + b, 0) / bests.length;
    const spread = Math.max(1e-3, Math.sqrt(bests.reduce((a, b) => a + (b - mean) ** 2, 0) / bests.length));
    let pick: Family | null = null;
    let lowest = Infinity;
    for (const f of scored) {
      const own = trials.filter((t) => t.params.family === f.name && t.state !== "running").sort((a, b) => a.number - b.number);
      const cost = this.expectedCost(trials, f, fraction);
      const bestAt = own.reduce((k, t, i) => (t.state === "complete" && t.value! >= (own[k]?.value ?? -Infinity) ? i : k), 0);
      const since = own.slice(bestAt + 1).reduce((a, t) => a + (this.clockless ? f.cost * this.fraction(t) : duration(t)), 0);
      const gap = Number.isFinite(bestOf(f)) ? top - bestOf(f) : 3 * spread;
      const eci = Math.max(cost, since) * (1 + gap / spread);
      if (eci < lowest) (lowest = eci), (pick = f);
    }
    return pick;
  }
}

/** Row i's fold assignments, fixed for the whole search. */
export function makeFolds(n: number, plan: Plan, cols: ColumnSource, o: AutoMLOptions, k: number, seed: number): Fold[] {
  const index = Array.from({ length: n }, (_, i) => i);
  if (o.groups) {
    const groups = cols.get(o.groups);
    const distinct = new Set(groups.map(String)).size;
    if (distinct < k) throw new InvalidInputError(`'${o.groups}' has ${distinct} groups, fewer than the ${k} folds: use cv: ${Math.max(2, distinct)} or a finer grouping`);
    return new GroupKFold({ nSplits: k }).split(index, groups as unknown[]);
  }
  if (plan.task === "classification") return new StratifiedKFold({ nSplits: k, shuffle: true, seed }).split(index, plan.y);
  return new KFold({ nSplits: k, shuffle: true, seed }).split(index);
}

/** The first ⌈fraction·n⌉ of a fold's training rows in a fixed shuffled order: the same subset every time. */
function subsample(rows: readonly number[], fraction: number, seed: number): number[] {
  if (fraction >= 1) return [...rows];
  const rng = new Random(seed);
  const order = [...rows];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.float() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, Math.ceil(fraction * order.length)).sort((a, b) => a - b);
}

function settingsFor(plan: Plan, family: Family, p: Record<string, unknown>): FeaturizerSettings {
  const c = plan.columns;
  return {
    ...c, scale: family.scale,
    tfidf: c.text ? { maxFeatures: (p["tfidf.maxFeatures"] as number) ?? c.tfidf.maxFeatures, sublinearTf: (p["tfidf.sublinearTf"] as boolean) ?? c.tfidf.sublinearTf, ngrams: ((p["tfidf.ngrams"] as number) ?? 1) as 1 | 2, minDf: c.tfidf.minDf } : c.tfidf,
  };
}

const familyParams = (family: Family, p: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith(`${family.name}.`)).map(([k, v]) => [k.slice(family.name.length + 1), v]));

/** Runs the search; see the file's head. */
export async function automl(data: unknown, options: AutoMLOptions): Promise<AutoMLResult> {
  const o = { seed: 0, track: true, ...options, timeBudget: options.timeBudget ?? (options.maxTrials !== undefined ? Infinity : 60) };
  if (typeof o.timeBudget !== "number" || Number.isNaN(o.timeBudget) || o.timeBudget <= 0) throw new InvalidInputError(`timeBudget must be a number of seconds > 0, got ${String(o.timeBudget)}`);
  if (o.maxTrials !== undefined && !(Number.isInteger(o.maxTrials) && o.maxTrials >= 1)) throw new InvalidInputError(`maxTrials must be a whole number ≥ 1, got ${String(o.maxTrials)}`);
  if (!Number.isFinite(o.seed) || !Number.isInteger(o.seed)) throw new InvalidInputError(`seed must be a whole number, got ${String(o.seed)}`);
  if (o.timeBudget < 1) throw new InvalidInputError(`a budget of ${o.timeBudget * 1000} ms is too small for any fit: give at least 1 s (a few seconds to compare several families)`);
  const cols = columnSource(data);
  const plan = planColumns(cols, o);
  const families = chooseFamilies(plan.task, plan, cols, o.families);
  const n = cols.n;
  const k = o.cv ?? (n > 5000 ? 3 : 5);
  if (!Number.isInteger(k) || k < 2) throw new InvalidInputError(`cv must be a whole number of folds ≥ 2, got ${String(o.cv)}`);
  if (n < 2 * k) throw new InvalidInputError(`${n} rows are too few for ${k}-fold cross-validation: give at least ${2 * k} rows`);
  const folds = makeFolds(n, plan, cols, o, k, o.seed);
  const fidelities = n >= FIDELITY_ROWS ? [0.25, 0.5, 1] : [1];
  const space = searchSpace(families, plan, fidelities);
  const scorer = SCORERS[plan.metric];
  const stats = new Map<number, TrialStats>();
  const sampler = new AutoMLSampler(families, fidelities, plan, o.seed, stats, folds.length);
  const name = o.name ?? `automl-${o.target}-${new Date().toISOString().slice(0, 23).replace(/[:T.]/g, "-")}`;

  const outer = o.track ? await track.startRun({ name, tags: ["automl"], seed: o.seed, params: { target: o.target, metric: plan.metric, task: plan.task, time_budget_s: o.timeBudget, families: families.map((f) => f.name).join(","), cv: k, groups: o.groups ?? null, text: plan.columns.text, rows: n, seed: o.seed } }) : null;
  // What data the run saw: a digest of the table's columns and values (as mlflow.data records a DataFrame's).
  if (outer) {
    await outer.store.recordData(outer.id, tableDigest(`training table (${n} rows; ${cols.names.join(", ")})`, cols));
    if (o.test !== undefined) {
      const t = columnSource(o.test);
      await outer.store.recordData(outer.id, tableDigest(`held-out table (${t.n} rows)`, t));
    }
  }
  let study: Study | null = null;
  let interrupted = false;
  const stopListening = onInterrupt(() => (interrupted = true));
  const autologWas = autolog();
  autolog(false);
  const cache = new Map<string, { Xtr: unknown; Xte: unknown; ytr: unknown[]; yte: unknown[] }>();
  const t0 = Date.now();
  try {
    // Trials nest straight under the automl run (no second run for the study).
    study = await createStudy({ name, space, metric: `cv_${plan.metric}`, direction: "maximize", sampler, pruner: "none", track: o.track, seed: o.seed, ...(outer ? { sweepRunId: outer.id } : {}) });
    if (study.trials.length) throw new InvalidInputError(`a study named '${name}' already exists: choose another name`);
    sampler.deadline = t0 + o.timeBudget * 1000;
    sampler.budget = o.timeBudget;
    sampler.clockless = !Number.isFinite(o.timeBudget);
    const objective = async (p: Record<string, any>, trial: any) => {
      const family = families.find((f) => f.name === p.family)!;
      const fraction = (p.sample as number | undefined) ?? 1;
      const settings = settingsFor(plan, family, p);
      const scores: number[] = [];
      let fit = 0, predictMs = 0, predicted = 0, size = 0;
      for (const [i, fold] of folds.entries()) {
        if (interrupted) throw new Error("interrupted");
        const key = `${i}|${fraction}|${JSON.stringify(settings)}`;
        let f = cache.get(key);
        if (!f) {
          const rows = subsample(fold.train, fraction, o.seed + i);
          const fz = new Featurizer(settings).fit(cols, rows);
          f = { Xtr: fz.transform(cols, rows), Xte: fz.transform(cols, fold.test), ytr: rows.map((r) => plan.y[r]), yte: fold.test.map((r) => plan.y[r]) };
          if (cache.size > 60) cache.delete(cache.keys().next().value!);
          cache.set(key, f);
        }
        const model = family.make(familyParams(family, p), o.seed);
        let t = performance.now();
        model.fit(f.Xtr, f.ytr);
        fit += (performance.now() - t) / 1000;
        t = performance.now();
        scores.push(scorer(model, f.Xte, f.yte as any[]));
        predictMs += performance.now() - t;
        predicted += f.yte.length;
        if (i === folds.length - 1 && fraction === 1) size = JSON.stringify(model.toJSON()).length;
        trial.report(scores.reduce((a, b) => a + b, 0) / scores.length, i);
        await new Promise((r) => setImmediate(r));
      }
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
      const st: TrialStats = { std, fitSeconds: fit / folds.length, latencyMs: predictMs / Math.max(1, predicted), bytes: size || null };
      stats.set(trial.number, st);
      trial.log({ cv_std: std, fit_time_s: st.fitSeconds, latency_ms_per_row: st.latencyMs, ...(size ? { model_bytes: size } : {}) });
      return mean;
    };
    try {
      await study.optimize(objective, { trials: o.maxTrials ?? 100_000, ...(Number.isFinite(o.timeBudget) ? { timeout: o.timeBudget } : {}) });
    } catch (e) {
      if (!interrupted) throw e;
    }
  } catch (e) {
    // The automl run does not stay "running" after a search that could not go on.
    await outer?.end("failed", e instanceof Error ? e.message : String(e)).catch(() => {});
    throw e;
  } finally {
    stopListening();
    autolog(autologWas);
  }
  const searchSeconds = (Date.now() - t0) / 1000;
  const trials = study!.trials.filter((t) => !t.warm);
  const full = trials.filter((t) => t.state === "complete" && ((t.params.sample as number | undefined) ?? 1) === 1 && Number.isFinite(t.value));
  if (!full.length) {
    const first = trials[0];
    const why = first ? `the first trial (${first.params.family}) ${first.state === "failed" ? `failed: ${first.error}` : `took ${duration(first).toFixed(1)} s`}` : "no trial started";
    await outer?.end(interrupted ? "killed" : "failed", "no candidate was scored on all rows");
    throw new InvalidInputError(`no candidate was cross-validated on all rows ${Number.isFinite(o.timeBudget) ? `within ${o.timeBudget} s` : `in ${trials.length} trials`} (${why}): give a larger ${Number.isFinite(o.timeBudget) ? "time budget" : "maxTrials"}${interrupted ? ", and let it run" : ""}`);
  }
  const best = full.reduce((a, b) => (b.value! > a.value! ? b : a));
  const family = families.find((f) => f.name === best.params.family)!;

  // Refit the winner on all rows.
  const featurizer = new Featurizer(settingsFor(plan, family, best.params)).fit(cols);
  const estimator = family.make(familyParams(family, best.params), o.seed);
  const fitStart = performance.now();
  estimator.fit(featurizer.transform(cols), plan.y);
  const refitSeconds = (performance.now() - fitStart) / 1000;
  const model = new AutoMLPipeline({ family: family.name, params: familyParams(family, best.params), target: o.target, task: plan.task }, featurizer, estimator);

  const rows = leaderboard(families, trials, full, stats);
  const baseline = baselineScore(plan, folds, scorer);
  let importance: Record<string, number> | null = null;
  let within: Record<string, number> | null = null;
  try {
    if (full.length >= 4 && families.length > 1) importance = paramImportances(space.filter((s) => s.name !== "sample"), full);
    const own = full.filter((t) => t.params.family === family.name);
    const sub = space.filter((s) => s.name.startsWith(`${family.name}.`) || s.name.startsWith("tfidf.")).map((s) => ({ ...s, condition: undefined }));
    if (own.length >= 4 && sub.length) within = paramImportances(sub, own.map((t) => ({ ...t, params: Object.fromEntries(Object.entries(t.params).filter(([k]) => sub.some((s) => s.name === k))) })));
  } catch {
    // fANOVA needs spread in the values; a search of identical scores has none to explain.
  }
  let evaluation: EvaluationResult | null = null;
  let testScore: number | null = null;
  if (o.test !== undefined) {
    const testCols = columnSource(o.test);
    const yTest = testCols.get(o.target);
    testScore = scorer(model, o.test, yTest as any[]);
    // evaluate() takes rows (it samples and slices them): the table as row objects.
    const testRows = Array.from({ length: testCols.n }, (_, i) => Object.fromEntries(testCols.names.map((c) => [c, testCols.get(c)[i]])));
    evaluation = await evaluate(model, testRows as any, yTest, { task: plan.task, ...(outer ? {} : { log: false }), ...(plan.columns.text ? { texts: testCols.get(plan.columns.text).map(String) } : {}) } as any);
  }
  let registered: { name: string; version: number } | null = null;
  if (outer) {
    outer.log({ [`cv_${plan.metric}`]: best.value!, search_seconds: searchSeconds, refit_seconds: refitSeconds, trials: trials.length, ...(testScore !== null ? { [`test_${plan.metric}`]: testScore } : {}) });
    outer.param({ winner: family.name, winner_trial: best.number, ...Object.fromEntries(Object.entries(model.info.params).map(([k, v]) => [`winner.${k}`, v])) });
    await outer.artifact("model", model);
    if (o.register) {
      const v = await outer.store.registerModel(o.register, outer.id, "model", `AutoML (${family.title}, cv ${plan.metric} ${best.value!.toFixed(4)})`);
      await outer.store.setAlias(o.register, "automl", v.version);
      registered = { name: o.register, version: v.version };
    }
    await outer.end(interrupted ? "killed" : "finished", interrupted ? "interrupted: the best so far was kept" : null);
  } else if (o.register) throw new InvalidInputError("register needs tracking: leave track on");
  return new AutoMLResult({
    name, task: plan.task, metric: plan.metric, target: o.target, budget: o.timeBudget, searchSeconds, refitSeconds, interrupted, notes: plan.notes,
    families: rows, baseline, best: { trial: best.number, family: family.name, params: model.info.params, score: best.value! }, trials, importance, within, model, testScore, evaluation, registered,
    runId: outer?.id ?? null, folds: k, grouped: !!o.groups,
  });
}

/** A data record for a table: sha256 over its column names and values, in order. */
function tableDigest(label: string, cols: ColumnSource): { path: string; hash: string; bytes: number } {
  const h = createHash("sha256");
  let bytes = 0;
  for (const name of cols.names) {
    const text = JSON.stringify([name, cols.get(name)]);
    bytes += text.length;
    h.update(text).update("\0");
  }
  return { path: label, hash: h.digest("hex"), bytes };
}

export interface TrialStats {
  std: number;
  fitSeconds: number;
  latencyMs: number;
  bytes: number | null;
}

/** The cross-validated score of predicting the most frequent class (or the mean), on the same folds. */
function baselineScore(plan: Plan, folds: readonly Fold[], scorer: (m: any, X: any, y: any[]) => number): { name: string; score: number } {
  const scores = folds.map((fold) => {
    const ytr = fold.train.map((i) => plan.y[i]);
    const yte = fold.test.map((i) => plan.y[i]);
    const model = plan.task === "classification" ? new DummyClassifier({ strategy: "most_frequent" }) : new DummyRegressor({ strategy: "mean" });
    const X = ytr.map(() => [0]);
    model.fit(X as any, ytr as any);
    return scorer(model, yte.map(() => [0]), yte as any[]);
  });
  return { name: plan.task === "classification" ? "most frequent class" : "mean", score: scores.reduce((a, b) => a + b, 0) / scores.length };
}

function leaderboard(families: readonly Family[], trials: readonly FrozenTrial[], full: readonly FrozenTrial[], stats: ReadonlyMap<number, TrialStats>): FamilyRow[] {
  return families.map((f): FamilyRow => {
    const own = trials.filter((t) => t.params.family === f.name);
    const scored = full.filter((t) => t.params.family === f.name);
    const best = scored.length ? scored.reduce((a, b) => (b.value! > a.value! ? b : a)) : null;
    const st = best ? stats.get(best.number) ?? null : null;
    return {
      family: f.name, title: f.title, trials: own.length, scored: scored.length, best: best?.value ?? null, std: st?.std ?? null, bestTrial: best?.number ?? null,
      params: best ? familyParams(f, best.params) : null, seconds: own.reduce((a, t) => a + duration(t), 0),
      fitSeconds: st?.fitSeconds ?? null, latencyMs: st?.latencyMs ?? null, bytes: st?.bytes ?? null,
    };
  }).sort((a, b) => (b.best ?? -Infinity) - (a.best ?? -Infinity));
}
