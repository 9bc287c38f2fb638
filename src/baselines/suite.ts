// `%baseline` without Jupyter: every baseline that applies to a table's target, fitted on a
// training part, scored on held-out rows, each tracked as its own run, ranked on a leaderboard
// beside any human reference. A model that cannot beat these has learned nothing. A numeric
// target also gets the simple regressors of ./regressors on the table's numeric columns.
import { MIME, type MimeBundle } from "../display";
import { escapeHtml } from "../display/html";
import { InvalidInputError } from "../errors";
import { type Label, uniqueLabels } from "../labels";
import { Random, globalSeed } from "../random";
import { accuracy, f1, hammingLoss, logLoss, meanAbsoluteError, r2, rootMeanSquaredError, subsetAccuracy } from "../metrics";
import * as track from "../track";
import { DummyClassifier, DummyRegressor } from "./dummy";
import { KeywordRuleClassifier, type KeywordRule } from "./rules";
import { type FeatureRows, featureRows, numericColumns, simpleRegressors } from "./regressors";
import { Leaderboard, latestPerName, rowOf, type LeaderboardRow } from "./leaderboard";
import { type TableLike, column, isTableLike, rowCount } from "./table";

import { METRICS, type Task } from "./tasks";
export { METRICS, type Task };
const DEFAULT_METRIC: Record<Task, string> = { classification: "macro_f1", multilabel: "macro_f1", regression: "rmse" };

export interface BaselineOptions {
  target: string;
  /** The text column, for the keyword rules. */
  text?: string;
  /** Keyword rules (a table, rule text, or a KeywordRuleClassifier): adds the rule baseline; needs `text`. */
  rules?: readonly KeywordRule[] | string | KeywordRuleClassifier;
  /** The metric to rank by (default macro_f1, or rmse for regression). */
  metric?: string;
  /** Held-out rows to score on; without it a random `split` of the table is held out. */
  test?: TableLike;
  /** Fraction of rows held out when no test table is given (default 0.25). */
  split?: number;
  /** Seed of the split and the random baselines (default: the global seed, else 0). */
  seed?: number;
  /**
   * Numeric columns the simple regressors (numeric targets) learn from; default every numeric
   * column but the target and the text.
   */
  features?: string[];
  /** Override the task read from the target's values. */
  task?: Task;
  /** Track each baseline as a run (default true). */
  track?: boolean;
  /** Extra tags for the runs, beside `baseline`. */
  tags?: string[];
  /** Show human reference runs (tag `reference`) that logged the metric (default true when tracking). */
  references?: boolean;
}

export interface BaselineResult {
  name: string;
  model: string;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  runId: string | null;
}

export class BaselineReport {
  constructor(
    readonly task: Task,
    readonly metric: string,
    readonly results: BaselineResult[],
    readonly leaderboard: Leaderboard,
    readonly sizes: { train: number; test: number },
    /** Models that did not apply to these features, and why (their runs are marked failed). */
    readonly leftOut: readonly { name: string; reason: string }[] = [],
  ) {}

  /** The best baseline: the score a model has to beat. */
  get best(): BaselineResult | undefined {
    const row = this.leaderboard.bestBaseline;
    return row && this.results.find((r) => r.runId === row.runId && `baseline/${r.name}` === row.name);
  }

  [MIME](): MimeBundle {
    const bundle = this.leaderboard[MIME]();
    const left = this.leftOut.map((l) => `left out ${l.name}: ${l.reason}`);
    const head = [`${this.results.length} baselines for a ${this.task} target, trained on ${this.sizes.train} rows, scored on ${this.sizes.test} held-out rows`, ...left].join("\n");
    return { ...bundle, "text/plain": `${head}\n${bundle["text/plain"]}`, "text/html": `<p>${escapeHtml(head).replace(/\n/g, "<br>")}</p>${bundle["text/html"]}` };
  }
}

type Target = Label[] | Label[][] | number[];

/** What kind of target a column holds: label sets, numbers (continuous unless few whole values), or labels. */
export function inferTask(values: readonly unknown[], name: string): Task {
  values.forEach((v, i) => {
    if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) {
      throw new InvalidInputError(`the target '${name}' is missing in row ${i}: drop or fill rows without a target first (e.g. table.filter(d => d.${name} != null))`);
    }
  });
  const arrays = values.filter((v) => Array.isArray(v)).length;
  if (arrays === values.length) return "multilabel";
  if (arrays > 0) {
    const i = values.findIndex((v) => !Array.isArray(v));
    throw new InvalidInputError(`the target '${name}' mixes label sets and single labels (row ${i} is ${JSON.stringify(values[i])}): give every row an array of labels, e.g. [${JSON.stringify(values[i])}]`);
  }
  if (values.every((v) => typeof v === "number")) {
    const nums = values as number[];
    const bad = nums.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new InvalidInputError(`the target '${name}' is ${nums[bad]} in row ${bad}: targets must be finite`);
    if (nums.every(Number.isInteger) && new Set(nums).size <= 20) return "classification";
    return "regression";
  }
  if (values.every((v) => typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isInteger(v)))) return "classification";
  const i = values.findIndex((v) => typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean");
  throw new InvalidInputError(`the target '${name}' holds ${JSON.stringify(values[i])} in row ${i}: a target is a label (string or whole number), a number, or an array of labels`);
}

function toTarget(values: readonly unknown[], task: Task, name: string): Target {
  const label = (v: unknown, i: number): Label => {
    if (typeof v === "boolean") return String(v);
    if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) return v;
    throw new InvalidInputError(`the target '${name}' holds ${JSON.stringify(v)} in row ${i}: labels are strings or numbers`);
  };
  if (task === "multilabel") {
    return values.map((v, i) => {
      if (!Array.isArray(v)) throw new InvalidInputError(`the target '${name}' in row ${i} is ${JSON.stringify(v)}, not an array: multi-label targets give each row an array of labels`);
      return v.map((x) => label(x, i));
    });
  }
  if (task === "regression") {
    return values.map((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidInputError(`the target '${name}' is ${JSON.stringify(v)} in row ${i}: regression needs finite numbers`);
      return v;
    });
  }
  return values.map(label);
}

/** Row indices of a seeded random hold-out: `fraction` of n (at least one row each side), both sorted. */
export function holdOut(n: number, fraction: number, seed: number): { train: number[]; test: number[] } {
  if (!(fraction > 0 && fraction < 1)) throw new InvalidInputError(`split is the fraction of rows to hold out, between 0 and 1 (got ${fraction}); e.g. --split 0.25`);
  if (n < 2) throw new InvalidInputError(`the table has ${n} row${n === 1 ? "" : "s"}: a hold-out needs at least 2 (or pass a test table)`);
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new Random(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nTest = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  const sort = (a: number[]) => a.sort((x, y) => x - y);
  return { test: sort(order.slice(0, nTest)), train: sort(order.slice(nTest)) };
}

export function scoreBaseline(task: Task, yTrue: Target, yPred: Target, proba?: Prediction["proba"]): Record<string, number> {
  if (task === "regression") {
    const t = yTrue as number[], p = yPred as number[];
    return { mae: meanAbsoluteError(t, p), rmse: rootMeanSquaredError(t, p), r2: t.length > 1 ? r2(t, p, { onWarning: () => {} }) : NaN };
  }
  const t = yTrue as Label[], p = yPred as Label[];
  const zero = { zeroDivision: 0 as const };
  if (task === "multilabel") {
    return {
      macro_f1: f1(t, p, { ...zero, average: "macro" }),
      micro_f1: f1(t, p, { ...zero, average: "micro" }),
      samples_f1: f1(t, p, { ...zero, average: "samples" }),
      subset_accuracy: subsetAccuracy(t, p),
      hamming_loss: hammingLoss(t, p),
    };
  }
  return {
    accuracy: accuracy(t, p),
    macro_f1: f1(t, p, { ...zero, average: "macro" }),
    weighted_f1: f1(t, p, { ...zero, average: "weighted" }),
    micro_f1: f1(t, p, { ...zero, average: "micro" }),
    ...(proba ? { log_loss: heldOutLogLoss(t, proba) } : {}),
  };
}

interface Candidate {
  name: string;
  model: string;
  params: Record<string, unknown>;
  /** Fits on the training part and predicts the test part (with class probabilities, for one label per row). */
  run(): Prediction;
  /** A model that may not apply to these features (e.g. linearly dependent columns): its error leaves it out, noted, instead of stopping the suite. */
  optional?: boolean;
}

interface Prediction {
  labels: Target;
  proba?: { classes: readonly Label[]; rows: number[][] };
}

/**
 * Log loss over every class of the training and the held-out rows (a class the model never saw
 * gets probability 0, which the clipping makes costly but finite); NaN when there is one class.
 */
function heldOutLogLoss(yTrue: readonly Label[], proba: NonNullable<Prediction["proba"]>): number {
  const labels = uniqueLabels([...proba.classes, ...yTrue]);
  if (labels.length < 2) return NaN;
  const at = proba.classes.map((c) => labels.indexOf(c));
  const rows = proba.rows.map((r) => {
    const full = new Array<number>(labels.length).fill(0);
    r.forEach((p, k) => (full[at[k]] = p));
    return full;
  });
  return logLoss(yTrue, rows, { labels });
}

/** Label sets as 0/1 indicator columns over `labels` (how scikit-learn's dummies see multi-label y). */
function indicator(sets: readonly (readonly Label[])[], labels: readonly Label[]): number[][] {
  return sets.map((s) => labels.map((l) => (s.includes(l) ? 1 : 0)));
}

function candidates(task: Task, train: { y: Target; text: string[] | null }, nTest: number, testText: string[] | null, rules: KeywordRuleClassifier | null, seed: number, features: FeatureRows | null): Candidate[] {
  const Xtrain = { nRows: train.y.length };
  const Xtest = { nRows: nTest };
  if (task === "regression") {
    const y = train.y as number[];
    const make = (name: string, params: { strategy: "mean" | "median" | "quantile"; quantile?: number }): Candidate => ({
      name, model: "DummyRegressor", params: { ...params },
      run: () => ({ labels: new DummyRegressor(params).fit(Xtrain, y).predict(Xtest) }),
    });
    const dummies = [make("mean", { strategy: "mean" }), make("median", { strategy: "median" }), make("quantile_0.9", { strategy: "quantile", quantile: 0.9 })];
    if (!features?.names.length) return dummies;
    const models = simpleRegressors(seed).map((m): Candidate => ({
      name: m.name, model: m.model, params: { ...m.params, features: features.names }, optional: true,
      run: () => ({ labels: m.fitPredict(features, y) }),
    }));
    return [...dummies, ...models];
  }
  const strategies = ["most_frequent", "prior", "stratified", "uniform"] as const;
  const out: Candidate[] = strategies.map((strategy) => {
    const params = { strategy, randomState: seed };
    if (task === "multilabel") {
      const sets = train.y as Label[][];
      const labels = uniqueLabels(sets.flat());
      return {
        name: strategy, model: "DummyClassifier", params: { ...params },
        run: () => {
          if (!labels.length) return { labels: Array.from({ length: nTest }, () => []) };
          const rows = new DummyClassifier(params).fit(Xtrain, indicator(sets, labels)).predictMultiOutput(Xtest);
          return { labels: rows.map((r) => labels.filter((_, k) => r[k] === 1)) };
        },
      };
    }
    return {
      name: strategy, model: "DummyClassifier", params: { ...params },
      run: () => {
        const model = new DummyClassifier(params).fit(Xtrain, train.y as Label[]);
        return { labels: model.predict(Xtest), proba: { classes: model.classes, rows: model.predictProba(Xtest) } };
      },
    };
  });
  if (rules && train.text && testText) {
    const p = rules.params();
    const clf = new KeywordRuleClassifier({ ...p, multiLabel: task === "multilabel" });
    out.push({
      name: "keyword_rules", model: "KeywordRuleClassifier", params: { rules: p.rules, decision: p.decision, default: p.default },
      run: () => {
        clf.fit(train.text!, train.y as Label[]);
        if (task === "multilabel") return { labels: clf.predictSets(testText) };
        return { labels: clf.predict(testText), proba: { classes: clf.classes, rows: clf.predictProba(testText) } };
      },
    });
  }
  return out;
}

function texts(values: unknown[], name: string): string[] {
  return values.map((v, i) => {
    if (typeof v === "string") return v;
    if (v === null || v === undefined) return "";
    throw new InvalidInputError(`the text column '${name}' holds ${typeof v} in row ${i}: the keyword rules read strings`);
  });
}

/**
 * Fits every baseline that applies to `options.target` (classification: most_frequent, prior,
 * stratified, uniform, and keyword rules given text and rules; regression: mean, median, the 0.9
 * quantile, and given numeric feature columns linear regression, ridge, a depth-3 tree and boosted
 * trees), scores each on held-out rows and returns them ranked, with human references.
 */
export async function runBaselines(table: TableLike, options: BaselineOptions): Promise<BaselineReport> {
  if (!isTableLike(table)) throw new InvalidInputError("runBaselines needs a table: an arquero table, a danfojs DataFrame, or an array of row objects");
  if (!options || typeof options.target !== "string" || !options.target) {
    throw new InvalidInputError("runBaselines needs the target column: runBaselines(table, { target: 'genre' })");
  }
  const { target } = options;
  if (options.rules !== undefined && !options.text) throw new InvalidInputError("keyword rules read a text column: give text as well (--text <column>)");
  if (options.test !== undefined && options.split !== undefined) throw new InvalidInputError("give either a test table or a split fraction, not both");
  if (options.test !== undefined && !isTableLike(options.test)) throw new InvalidInputError("the test table is not a table: give an arquero table, a danfojs DataFrame or an array of row objects");
  const seed = options.seed ?? globalSeed() ?? 0;
  if (!Number.isInteger(seed)) throw new InvalidInputError(`seed must be a whole number (got ${seed})`);
  const rules = options.rules === undefined ? null : options.rules instanceof KeywordRuleClassifier ? options.rules : new KeywordRuleClassifier({ rules: options.rules });

  const allY = column(table, target);
  if (!allY.length) throw new InvalidInputError("the table has no rows");
  const allText = options.text ? texts(column(table, options.text), options.text) : null;
  let trainY: unknown[], testY: unknown[], trainText: string[] | null, testText: string[] | null;
  let splitParams: Record<string, unknown>;
  let rowsOf: { train: { table: TableLike; rows: number[] }; test: { table: TableLike; rows: number[] } };
  if (options.test !== undefined) {
    trainY = allY;
    testY = column(options.test, target);
    if (!testY.length) throw new InvalidInputError("the test table has no rows");
    trainText = allText;
    testText = options.text ? texts(column(options.test, options.text), options.text) : null;
    splitParams = { test: "table", n_test: rowCount(options.test) };
    rowsOf = { train: { table, rows: [...allY.keys()] }, test: { table: options.test, rows: [...testY.keys()] } };
  } else {
    const fraction = options.split ?? 0.25;
    const { train, test } = holdOut(allY.length, fraction, seed);
    trainY = train.map((i) => allY[i]);
    testY = test.map((i) => allY[i]);
    trainText = allText && train.map((i) => allText[i]);
    testText = allText && test.map((i) => allText[i]);
    splitParams = { split: fraction };
    rowsOf = { train: { table, rows: train }, test: { table, rows: test } };
  }
  const task = options.task ?? inferTask([...trainY, ...testY], target);
  if (!(task in METRICS)) throw new InvalidInputError(`task is classification, multilabel or regression, not '${task}'`);
  const metric = options.metric ?? DEFAULT_METRIC[task];
  if (!METRICS[task].includes(metric)) {
    throw new InvalidInputError(`metric '${metric}' does not apply to ${task}: use one of ${METRICS[task].join(", ")}`);
  }
  if (rules && task === "regression") throw new InvalidInputError("keyword rules predict labels, but the target is numeric (regression): leave out the rules or pass task: 'classification'");
  const yTrain = toTarget(trainY, task, target);
  const yTest = toTarget(testY, task, target);
  if (options.features !== undefined && task !== "regression") {
    throw new InvalidInputError(`features feed the simple regressors, which run on a numeric target, but '${target}' is a ${task} target: leave out features`);
  }
  let features: FeatureRows | null = null;
  if (task === "regression") {
    const exclude = [target, ...(options.text ? [options.text] : [])];
    const names = numericColumns(table, exclude, options.features);
    if (options.test !== undefined) numericColumns(options.test, exclude, names);
    features = names.length ? featureRows(names, rowsOf.train, rowsOf.test) : null;
  }

  const common = { target, task, seed, n_train: yTrain.length, n_test: yTest.length, ...splitParams, ...(options.text ? { text: options.text } : {}) };
  const tracking = options.track ?? true;
  const results: BaselineResult[] = [];
  const leftOut: { name: string; reason: string }[] = [];
  for (const c of candidates(task, { y: yTrain, text: trainText }, yTest.length, testText, rules, seed, features)) {
    const params = { baseline: c.name, model: c.model, ...common, ...c.params };
    if (!tracking) {
      try {
        const out = c.run();
        results.push({ name: c.name, model: c.model, params, metrics: scoreBaseline(task, yTest, out.labels, out.proba), runId: null });
      } catch (e) {
        if (!(c.optional && e instanceof InvalidInputError)) throw e;
        leftOut.push({ name: c.name, reason: e.message });
      }
      continue;
    }
    const run = await track.startRun({ name: `baseline/${c.name}`, tags: ["baseline", ...(options.tags ?? [])], params, seed, goals: { [metric]: goalOf(metric) } });
    try {
      const out = c.run();
      const metrics = scoreBaseline(task, yTest, out.labels, out.proba);
      run.log(metrics, { step: 0 });
      await run.end("finished");
      results.push({ name: c.name, model: c.model, params, metrics, runId: run.id });
    } catch (e) {
      await run.end("failed", (e as Error).message);
      if (!(c.optional && e instanceof InvalidInputError)) throw e;
      leftOut.push({ name: c.name, reason: e.message });
    }
  }
  const rows: LeaderboardRow[] = results.map((r) => ({ name: `baseline/${r.name}`, runId: r.runId, kind: "baseline", metrics: r.metrics }));
  if (tracking && (options.references ?? true)) {
    const refs = await track.listRuns({ tags: ["reference"], status: ["finished"] });
    // The newest reference of each name: a notebook run again records its reference again.
    rows.push(...latestPerName(refs.runs.filter((r) => r.metrics[metric])).map(rowOf));
  }
  return new BaselineReport(task, metric, results, new Leaderboard(metric, rows, goalOf(metric)), { train: yTrain.length, test: yTest.length }, leftOut);
}

function goalOf(metric: string): "min" | "max" {
  return ["mae", "rmse", "hamming_loss", "log_loss"].includes(metric) ? "min" : "max";
}
