// k-fold cross-validation of any estimator (scikit-learn's cross_validate): a fresh model fitted
// on each fold's training rows and scored on its held-out rows, with fit and score times, and a
// sweep objective that reports each fold to a trial so a pruner can stop it after fold k.
import { InvalidInputError } from "../errors";
import { GroupKFold, KFold, StratifiedKFold, perRow, type Fold, type PerRow } from "../data/split";
import { rowCount, takeRows } from "../data/table";
import { accuracy, f1, logLoss, meanAbsoluteError, meanSquaredError, precision, r2, recall, rocAuc, rootMeanSquaredError } from "../metrics";
import { MIME, type MimeBundle } from "../display";
import { escapeHtml } from "../metrics/render";
import type { Label } from "../labels";
import { TrialPruned } from "../tune/pruned";

/** A fitted model, the held-out rows and their targets → a score where greater is better. */
export type Scorer<X = any> = (model: any, X: X, y: any[]) => number;

/** Anything that splits rows into folds: KFold, StratifiedKFold, GroupKFold, or your own. */
export interface Splitter {
  split(data: unknown, labelsOrGroups?: PerRow): Fold[];
}

export interface CrossValidateOptions<X> {
  /**
   * Folds: a count (default 5: StratifiedKFold for a classifier, KFold otherwise, GroupKFold when
   * `groups` is given), a splitter, or the folds themselves.
   */
  cv?: number | Splitter | readonly Fold[];
  /** The group of each row (or a column name): no group is on both sides of a fold. */
  groups?: PerRow;
  /**
   * scikit-learn scoring names ("accuracy", "f1_macro", "neg_log_loss", "r2", …), a list of them,
   * or name → Scorer. Default: accuracy for a classifier, r2 otherwise (sklearn's `score`).
   */
  metrics?: string | readonly string[] | Record<string, Scorer<X> | string>;
  /** Also score each model on the rows it was fitted on (scikit-learn's return_train_score). */
  returnTrainScore?: boolean;
  /** Called after each fold with its scores; may be async (the sweep objective reports here). */
  onFold?: (fold: FoldResult, index: number) => void | Promise<void>;
}

export interface FoldResult {
  /** Seconds spent in fit and in scoring, as scikit-learn reports them. */
  fitTime: number;
  scoreTime: number;
  test: Record<string, number>;
  train?: Record<string, number>;
}

interface Fittable<X> {
  fit(X: X, y: any): unknown;
  predict?(X: X): unknown[];
}

const isClassifier = (m: unknown): boolean => typeof (m as { predictProba?: unknown })?.predictProba === "function";

function proba(model: any, X: unknown, what: string): number[][] {
  if (typeof model.predictProba !== "function") throw new InvalidInputError(`the metric ${what} needs predictProba(), which this model does not have`);
  return model.predictProba(X);
}

function predict(model: any, X: unknown): any[] {
  if (typeof model.predict !== "function") throw new InvalidInputError("the model has no predict(): give a Scorer function as the metric instead");
  return model.predict(X);
}

const averaged = (fn: typeof f1, average: "macro" | "micro" | "weighted"): Scorer => (m, X, y) => fn(y, predict(m, X), { average });

/** scikit-learn's scoring names; losses are negated so that greater is always better. */
export const SCORERS: Record<string, Scorer> = {
  accuracy: (m, X, y) => accuracy(y, predict(m, X)),
  f1: (m, X, y) => f1(y, predict(m, X), { average: "binary" }),
  f1_macro: averaged(f1, "macro"),
  f1_micro: averaged(f1, "micro"),
  f1_weighted: averaged(f1, "weighted"),
  precision_macro: averaged(precision, "macro"),
  precision_weighted: averaged(precision, "weighted"),
  recall_macro: averaged(recall, "macro"),
  recall_weighted: averaged(recall, "weighted"),
  roc_auc: (m, X, y) => {
    const p = proba(m, X, "roc_auc");
    if (p[0]?.length !== 2) throw new InvalidInputError("roc_auc is for two classes: use roc_auc_ovr for more");
    return rocAuc(y, p.map((r) => r[1]));
  },
  roc_auc_ovr: (m, X, y) => rocAuc(y, proba(m, X, "roc_auc_ovr"), { multiClass: "ovr", labels: m.classes as Label[] }),
  neg_log_loss: (m, X, y) => -logLoss(y, proba(m, X, "neg_log_loss"), { labels: m.classes as Label[] }),
  r2: (m, X, y) => r2(y, predict(m, X)),
  neg_mean_squared_error: (m, X, y) => -meanSquaredError(y, predict(m, X)),
  neg_root_mean_squared_error: (m, X, y) => -rootMeanSquaredError(y, predict(m, X)),
  neg_mean_absolute_error: (m, X, y) => -meanAbsoluteError(y, predict(m, X)),
};

function scorerByName(name: string): Scorer {
  const s = SCORERS[name];
  if (!s) throw new InvalidInputError(`unknown metric "${name}": use one of ${Object.keys(SCORERS).join(", ")}, or pass { name: (model, X, y) => score }`);
  return s;
}

function resolveMetrics<X>(metrics: CrossValidateOptions<X>["metrics"], classifier: boolean): Record<string, Scorer<X>> {
  if (metrics === undefined) return classifier ? { accuracy: SCORERS.accuracy } : { r2: SCORERS.r2 };
  if (typeof metrics === "string") return { [metrics]: scorerByName(metrics) };
  if (Array.isArray(metrics)) {
    if (!metrics.length) throw new InvalidInputError("metrics is empty: name at least one, e.g. [\"accuracy\"]");
    return Object.fromEntries(metrics.map((m) => [m, scorerByName(m)]));
  }
  if (typeof metrics !== "object" || metrics === null) throw new InvalidInputError("metrics must be a name, a list of names, or { name: scorer }");
  return Object.fromEntries(
    Object.entries(metrics).map(([k, v]) => {
      if (typeof v === "string") return [k, scorerByName(v)];
      if (typeof v !== "function") throw new InvalidInputError(`metric '${k}' must be a scoring name or a function (model, X, y) => number`);
      return [k, v];
    }),
  );
}

function resolveFolds<X>(cv: CrossValidateOptions<X>["cv"], X: X, y: readonly unknown[], groups: PerRow | undefined, classifier: boolean): Fold[] {
  const n = rowCount(X);
  if (Array.isArray(cv)) {
    for (const f of cv as Fold[]) {
      if (!f || !Array.isArray(f.train) || !Array.isArray(f.test)) throw new InvalidInputError("cv folds must be { train: number[], test: number[] }");
      if ([...f.train, ...f.test].some((i) => !Number.isInteger(i) || i < 0 || i >= n)) throw new InvalidInputError(`a fold index is not a row of the ${n} samples`);
    }
    return cv as Fold[];
  }
  if (cv !== undefined && typeof cv === "object" && typeof (cv as Splitter).split === "function") {
    const s = cv as Splitter;
    if (s instanceof GroupKFold) {
      if (groups === undefined) throw new InvalidInputError("GroupKFold needs groups: pass { groups } to crossValidate");
      return s.split(X, groups);
    }
    if (s instanceof StratifiedKFold) return s.split(X, y as unknown[]);
    return s.split(X, groups ?? (y as unknown[]));
  }
  const k = cv ?? 5;
  if (typeof k !== "number" || !Number.isInteger(k) || k < 2) throw new InvalidInputError(`cv must be a number of folds ≥ 2, a splitter or a list of folds, got ${String(cv)}`);
  if (groups !== undefined) return new GroupKFold({ nSplits: k }).split(X, groups);
  const numeric = y.every((v) => typeof v === "number" && !Number.isInteger(v));
  if (classifier && !numeric && !y.some((v) => Array.isArray(v))) return new StratifiedKFold({ nSplits: k }).split(X, y as unknown[]);
  return new KFold({ nSplits: k }).split(X);
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/**
 * Fits `makeEstimator()` on each fold's training rows and scores it on its test rows. Folds run
 * one after another; `fit` may return a promise (neural models). Like `cross_validate`, the
 * scores are "greater is better" (losses come negated, `neg_log_loss`).
 */
export async function crossValidate<X>(makeEstimator: () => Fittable<X>, X: X, y: readonly unknown[], options: CrossValidateOptions<X> = {}): Promise<CrossValidation> {
  if (typeof makeEstimator !== "function") throw new InvalidInputError("crossValidate takes a function that makes a fresh estimator, e.g. () => new LogisticRegression({ C: 10 })");
  const n = rowCount(X);
  if (!Array.isArray(y) || y.length !== n) throw new InvalidInputError(`X has ${n} samples but y has ${(y as unknown[])?.length}: they must describe the same samples`);
  if (options.groups !== undefined) perRow(X, options.groups, "groups");
  const first = makeEstimator();
  const classifier = isClassifier(first);
  const scorers = resolveMetrics(options.metrics, classifier);
  const folds = resolveFolds(options.cv, X, y, options.groups, classifier);
  const results: FoldResult[] = [];
  for (let f = 0; f < folds.length; f++) {
    const { train, test } = folds[f];
    if (!train.length || !test.length) throw new InvalidInputError(`fold ${f} has ${train.length} training and ${test.length} test rows: every fold needs both`);
    const model = f === 0 ? first : makeEstimator();
    const Xtr = takeRows(X, train);
    const ytr = train.map((i) => y[i]);
    const Xte = takeRows(X, test);
    const yte = test.map((i) => y[i]);
    let t0 = process.hrtime.bigint();
    await model.fit(Xtr, ytr);
    const fitTime = seconds(t0);
    t0 = process.hrtime.bigint();
    const score = (Xs: X, ys: unknown[]) => Object.fromEntries(Object.entries(scorers).map(([k, s]) => [k, s(model, Xs, ys as any[])]));
    const testScores = score(Xte, yte);
    const scoreTime = seconds(t0);
    const result: FoldResult = { fitTime, scoreTime, test: testScores };
    if (options.returnTrainScore) result.train = score(Xtr, ytr);
    results.push(result);
    await options.onFold?.(result, f);
  }
  return new CrossValidation(Object.keys(scorers), results);
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
/** Population standard deviation (ddof 0, numpy's default), as `scores.std()` gives in scikit-learn's examples. */
const std = (v: readonly number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};

export class CrossValidation {
  constructor(
    readonly metrics: readonly string[],
    readonly folds: readonly FoldResult[],
  ) {}

  /** Per-fold test scores of a metric (the first metric by default). */
  scores(metric = this.metrics[0]): number[] {
    if (!this.metrics.includes(metric)) throw new InvalidInputError(`no metric '${metric}' in this cross-validation: it has ${this.metrics.join(", ")}`);
    return this.folds.map((f) => f.test[metric]);
  }
  mean(metric = this.metrics[0]): number {
    return mean(this.scores(metric));
  }
  std(metric = this.metrics[0]): number {
    return std(this.scores(metric));
  }

  /** scikit-learn's dict: fit_time, score_time, test_<metric> (and train_<metric>), one entry per fold. */
  toJSON(): Record<string, number[]> {
    const out: Record<string, number[]> = { fit_time: this.folds.map((f) => f.fitTime), score_time: this.folds.map((f) => f.scoreTime) };
    for (const m of this.metrics) {
      out[`test_${m}`] = this.scores(m);
      if (this.folds.every((f) => f.train)) out[`train_${m}`] = this.folds.map((f) => f.train![m]);
    }
    return out;
  }

  [MIME](): MimeBundle {
    const fmt = (v: number[]) => `${mean(v).toFixed(4)} ± ${std(v).toFixed(4)}`;
    const head = ["metric", ...this.folds.map((_, i) => `fold ${i}`), "mean ± std"];
    const rows = this.metrics.map((m) => [m, ...this.scores(m).map((v) => v.toFixed(4)), fmt(this.scores(m))]);
    const times = ["fit s", ...this.folds.map((f) => f.fitTime.toFixed(3)), fmt(this.folds.map((f) => f.fitTime))];
    const all = [...rows, times];
    const text = [head, ...all].map((r) => r.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(10))).join(" ")).join("\n");
    const html = `<table class="modelbench-table"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${all
      .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
      .join("")}</tbody></table>`;
    return { "text/html": html, "text/plain": text };
  }
}

/** What a sweep objective gets: the trial to report folds to (tune's Trial has these). */
export interface ReportingTrial {
  report(value: number, step: number): void;
  shouldPrune(): boolean;
}


/**
 * A sweep objective's value by cross-validation: after fold k it reports the mean of folds 0..k
 * to the trial at step k and asks the pruner, so a poor trial stops after a fold or two instead of
 * fitting all k. Returns the mean over folds of the first metric (greater is better: sweep with
 * direction "maximize").
 */
export async function crossValidateTrial<X>(trial: ReportingTrial, makeEstimator: () => Fittable<X>, X: X, y: readonly unknown[], options: Omit<CrossValidateOptions<X>, "onFold"> = {}): Promise<number> {
  const seen: number[] = [];
  let metric = "";
  const cv = await crossValidate(makeEstimator, X, y, {
    ...options,
    onFold: (fold, k) => {
      metric ||= Object.keys(fold.test)[0];
      seen.push(fold.test[metric]);
      trial.report(mean(seen), k);
      if (trial.shouldPrune()) throw new TrialPruned(`pruned after fold ${k}`);
    },
  });
  return cv.mean();
}
