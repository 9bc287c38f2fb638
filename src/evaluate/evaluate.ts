// evaluate(model, X, y): one call that scores a fitted model on held-out data the way
// mlflow.evaluate's default evaluator does — the metrics of its task, the figures and tables that
// explain them, how fast it predicts and how big it is — and logs all of it to the active run.
import { modelSize } from "../models/autolog";
import { performance } from "perf_hooks";
import { InvalidInputError } from "../errors";
import { type Label, uniqueLabels } from "../labels";
import { estimatorName } from "../models/autolog";
import { countSamples, type Samples } from "../models/estimator";
import { checkNumber } from "../models/input";
import { activeRun } from "../track/tracker";
import { evaluateClassifier } from "./classification";
import { emptyFindings, type ExampleColumns, type Findings } from "./findings";
import { featureImportance, importanceFigure, importanceTable, type FeatureNames } from "./importance";
import { evaluateMultilabel, indicatorRows } from "./multilabel";
import { evaluateRegressor } from "./regression";
import { EvaluationResult, type EvaluationFields, type Task } from "./result";

export interface EvaluateOptions {
  /** What the model does; inferred from y and the model (label sets: multi-label; a model with classes: classification; numbers: regression). */
  task?: "classification" | "multilabel" | "regression";
  /** Prefix of every logged name (default "eval/"), e.g. "test/" and "val/" to evaluate two datasets in one run. */
  prefix?: string;
  /** Binary classification: the positive class (default: the greater of the two, as scikit-learn and MLflow take it). */
  posLabel?: Label;
  /** Names of X's columns, or the fitted vectoriser that made them (its getFeatureNamesOut()). */
  featureNames?: FeatureNames;
  /** Shown beside each of the worst errors: an id per row, the text per row. */
  ids?: readonly unknown[];
  texts?: readonly unknown[];
  /** Rows kept in the worst-errors table (default 20). */
  worst?: number;
  /** Equal-width bins of the calibration curves (default 10). */
  nBins?: number;
  /** More classes than this (default 20): no ROC, PR or calibration figure (the curves are still in result.curves). */
  maxCurveClasses?: number;
  /** Features in the importance figure (default 20; the table keeps all). */
  topFeatures?: number;
  /** Rows TreeSHAP explains for the importance of boosted trees (default 200, spread over X; 0 uses split gain instead). */
  shapSamples?: number;
  /** Step to log the metrics and media at (default: the next one for each name). */
  step?: number;
  /** false: compute and show, but log nothing even inside a run (default true). */
  log?: boolean;
}

type Model = {
  predict(X: unknown): ArrayLike<unknown>;
  predictProba?(X: unknown): number[][];
  readonly classes?: readonly Label[];
  toJSON?(): unknown;
};

const shown = (v: unknown) => (typeof v === "number" ? String(v) : JSON.stringify(v) ?? String(v));

function checkModel(model: unknown): asserts model is Model {
  if (model === null || typeof model !== "object" || typeof (model as Model).predict !== "function") {
    const what = model === null ? "null" : Array.isArray(model) ? "an array" : typeof model === "object" ? `a ${model!.constructor?.name ?? "object"} without predict()` : typeof model;
    throw new InvalidInputError(`evaluate needs a fitted model with predict(X), got ${what}: pass the estimator itself after fit(), e.g. evaluate(model, Xtest, ytest)`);
  }
}

function checkColumn(values: unknown, n: number, name: string): readonly unknown[] | undefined {
  if (values === undefined) return undefined;
  if (!Array.isArray(values)) throw new InvalidInputError(`${name} must be an array with one entry per row of X`);
  if (values.length !== n) throw new InvalidInputError(`X has ${n} rows but ${name} has ${values.length}: give one ${name === "ids" ? "id" : "text"} per row`);
  return values;
}

/** The model's sorted classes, or the labels seen in y and the predictions when it does not say. */
function classesOf(model: Model, seen: () => Label[]): Label[] {
  const classes = (model as { classes?: unknown }).classes;
  return Array.isArray(classes) ? [...classes] : seen();
}

function refuseUnseen(labels: Iterable<Label>, classes: readonly Label[], what: string): void {
  const known = new Set(classes);
  const unseen = new Map<Label, number>();
  for (const l of labels) if (!known.has(l)) unseen.set(l, (unseen.get(l) ?? 0) + 1);
  if (!unseen.size) return;
  const list = [...unseen].slice(0, 5).map(([l, k]) => `${JSON.stringify(l)} (${k} row${k === 1 ? "" : "s"})`).join(", ");
  throw new InvalidInputError(
    `y holds ${unseen.size === 1 ? "a label" : `${unseen.size} labels`} the model never saw in fit: ${list}${unseen.size > 5 ? ", …" : ""}. ` +
      `Its ${what} are ${JSON.stringify(classes.slice(0, 20))}${classes.length > 20 ? "…" : ""}: evaluate on rows whose labels it knows, or refit on data that includes them`,
  );
}

function inferTask(model: Model, y: readonly unknown[], asked: EvaluateOptions["task"]): "classification" | "multilabel" | "regression" {
  if (asked !== undefined) {
    if (!["classification", "multilabel", "regression"].includes(asked)) throw new InvalidInputError(`unknown task ${JSON.stringify(asked)}: use "classification", "multilabel" or "regression"`);
    return asked;
  }
  if (y.some(Array.isArray)) return "multilabel";
  if (typeof model.predictProba === "function" || "classes" in model) return "classification";
  return y.every((v) => typeof v === "number") ? "regression" : "classification";
}

/** Scores `model` on X and y; inside an active run everything is logged there too (see EvaluateOptions.prefix). */
export async function evaluate(model: unknown, X: Samples, y: ArrayLike<unknown>, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  checkModel(model);
  const prefix = options.prefix ?? "eval/";
  const worst = options.worst ?? 20;
  const nBins = options.nBins ?? 10;
  const maxCurveClasses = options.maxCurveClasses ?? 20;
  const topFeatures = options.topFeatures ?? 20;
  const shapSamples = options.shapSamples ?? 200;
  checkNumber("worst", worst, { min: 0, integer: true });
  checkNumber("nBins", nBins, { min: 1, integer: true });
  checkNumber("maxCurveClasses", maxCurveClasses, { min: 0, integer: true });
  checkNumber("topFeatures", topFeatures, { min: 1, integer: true });
  checkNumber("shapSamples", shapSamples, { min: 0, integer: true });
  if (typeof prefix !== "string") throw new InvalidInputError(`prefix must be a string such as "eval/" or "test/", got ${typeof prefix}`);

  let n: number;
  try {
    n = countSamples(X, "X");
  } catch {
    throw new InvalidInputError(`X must be the rows to predict (an array, a matrix such as CsrMatrix, or texts), got ${X === null ? "null" : typeof X}`);
  }
  if (y === null || typeof y !== "object" || typeof (y as ArrayLike<unknown>).length !== "number") throw new InvalidInputError("y must be an array with the true target of each row of X");
  const yList = Array.from(y);
  if (yList.length !== n) throw new InvalidInputError(`X has ${n} rows but y has ${yList.length}: pass the targets of the same rows, in the same order`);
  if (n === 0) throw new InvalidInputError("X and y are empty: there is nothing to evaluate");
  const examples: ExampleColumns = { ids: checkColumn(options.ids, n, "ids"), texts: checkColumn(options.texts, n, "texts") };
  const task = inferTask(model, yList, options.task);
  if (task === "regression") {
    yList.forEach((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidInputError(`y[${i}] is ${shown(v)}: a regressor is scored on rows with a finite target; drop or fill those rows first (or pass task: "classification" for labels)`);
    });
  }

  const started = performance.now();
  const predictions = Array.from(model.predict(X));
  const predictMs = performance.now() - started;
  if (predictions.length !== n) throw new InvalidInputError(`the model predicted ${predictions.length} rows for the ${n} rows of X: is X what it was fitted on (rows, not columns)?`);
  const proba = task !== "regression" && typeof model.predictProba === "function" ? model.predictProba(X) : null;
  if (proba && proba.length !== n) throw new InvalidInputError(`predictProba gave ${proba.length} rows for the ${n} rows of X`);

  let classes: Label[] = [];
  let findings: Findings & Partial<Pick<EvaluationFields, "curves" | "report" | "confusion" | "confusionNormalized">>;
  let kind: Task;
  if (task === "regression") {
    predictions.forEach((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidInputError(`the model predicted ${String(v)} for row ${i}: check that row of X for missing or infinite values`);
    });
    findings = evaluateRegressor({ y: yList as number[], pred: predictions as number[], worst, examples });
    kind = "regression";
  } else if (task === "multilabel") {
    yList.forEach((row, i) => {
      if (!Array.isArray(row)) throw new InvalidInputError(`y[${i}] is ${JSON.stringify(row)}: a multi-label target is a label set (array) per row`);
    });
    predictions.forEach((row, i) => {
      if (!Array.isArray(row)) throw new InvalidInputError(`the model predicted ${JSON.stringify(row)} for row ${i}, not a label set: is it a multi-label model (fitted on label sets, e.g. OneVsRestClassifier or HistGradientBoostingClassifier)?`);
    });
    const rows = yList as Label[][];
    classes = classesOf(model, () => uniqueLabels([...rows.flat(), ...(predictions as Label[][]).flat()], "y"));
    const indicator = rows.every((r) => r.length === classes.length && r.every((v) => v === 0 || v === 1));
    if (!indicator) refuseUnseen(rows.flat(), classes, "labels");
    findings = evaluateMultilabel({ y: rows, pred: predictions as Label[][], proba: checkProba(proba, classes), classes, nBins, maxCurveClasses, worst, examples });
    kind = "multilabel";
  } else {
    yList.forEach((v, i) => {
      if (typeof v !== "string" && !(typeof v === "number" && Number.isFinite(v))) throw new InvalidInputError(`y[${i}] is ${shown(v)}: labels are strings or finite numbers; drop rows without a label first`);
    });
    const labels = yList as Label[];
    classes = classesOf(model, () => uniqueLabels([...labels, ...(predictions as Label[])], "y"));
    refuseUnseen(labels, classes, "classes");
    if (options.posLabel !== undefined && !classes.includes(options.posLabel)) throw new InvalidInputError(`posLabel ${JSON.stringify(options.posLabel)} is not one of the classes ${JSON.stringify(classes)}`);
    findings = evaluateClassifier({ y: labels, pred: predictions as Label[], proba: checkProba(proba, classes), classes, posLabel: options.posLabel, nBins, maxCurveClasses, worst, examples });
    kind = classes.length === 2 ? "binary" : "multiclass";
  }

  // What every model gets: size, speed, and the features it leans on.
  const common = emptyFindings();
  common.metrics.example_count = n;
  common.metrics.latency_ms_per_row = predictMs / n;
  const size = modelSize(model);
  if (size !== null) common.metrics.model_size = size;
  else common.notes.push("model_size is left out: the model has no toJSON()");
  const importance = featureImportance(model, X, { featureNames: options.featureNames, shapSamples });
  if (importance && importance.features.length) {
    common.tables.feature_importance_values = importanceTable(importance);
    common.figures.feature_importance = importanceFigure(importance, topFeatures);
  }

  const run = options.log === false ? null : activeRun();
  const result = new EvaluationResult({
    task: kind,
    n,
    model: estimatorName(model),
    metrics: { ...findings.metrics, ...common.metrics },
    figures: { ...findings.figures, ...common.figures },
    tables: { ...findings.tables, ...common.tables },
    texts: { ...findings.texts },
    notes: [...findings.notes, ...common.notes],
    classes,
    predictions,
    probabilities: proba,
    curves: findings.curves ?? [],
    report: findings.report ?? null,
    confusion: findings.confusion ?? null,
    confusionNormalized: findings.confusionNormalized ?? null,
    importance,
    logged: run ? { runId: run.id, runName: run.name, prefix } : null,
  });
  if (run) {
    const at = options.step === undefined ? {} : { step: options.step };
    run.log(Object.fromEntries(Object.entries(result.metrics).map(([k, v]) => [prefix + k, v])), at);
    await Promise.all([
      ...Object.entries(result.figures).map(([k, f]) => run.logFigure(prefix + k, f, at)),
      ...Object.entries(result.tables).map(([k, t]) => run.logTable(prefix + k, t, at)),
      ...Object.entries(result.texts).map(([k, t]) => run.logText(prefix + k, t, at)),
    ]);
  }
  return result;
}

/** predictProba's rows checked against the classes (its columns follow them). */
function checkProba(proba: number[][] | null, classes: readonly Label[]): number[][] | null {
  if (!proba) return null;
  proba.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== classes.length) {
      throw new InvalidInputError(`predictProba gave ${Array.isArray(row) ? `${row.length} columns` : JSON.stringify(row)} in row ${i} but the model has ${classes.length} classes: its columns must follow model.classes`);
    }
  });
  return proba;
}
