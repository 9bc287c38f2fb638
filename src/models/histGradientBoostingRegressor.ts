// Histogram-based gradient boosting for regression (scikit-learn's HistGradientBoostingRegressor):
// the same bins, grower and booster as the classifier (./gbdt), with squared error, absolute error
// (leaves set to the median residual) or Poisson deviance (log link) as the loss.
import { InvalidInputError, NotFittedError, checkOption } from "../errors";
import { MIME, type MimeBundle } from "../display";
import { Random } from "../random";
import { holdOutMask } from "../data/split";
import type { Regressor } from "./estimator";
import { type Features, checkSampleWeight } from "./input";
import { type SerializedModel, readSerialized, registerModel, serializeModel } from "./serialize";
import { autologFit } from "./autolog";
import { modelBundle } from "./summary";
import {
  type BoostedState,
  type GradientBoostingAliases,
  type GradientBoostingParams,
  type ImportanceType,
  type Objective,
  GRADIENT_BOOSTING_DEFAULTS,
  absoluteError,
  binRows,
  categoricalMask,
  categoriesOf,
  withKnownCategories,
  contributionRows,
  fromXGBoostJSON,
  toXGBoostJSON,
  stringifyXGBoost,
  boost,
  boostParams,
  featureImportances,
  lossLogger,
  nRowsOf,
  poisson,
  rawScores,
  readFeatures,
  resolveParams,
  selectRows,
  squaredError,
  stateFromJSON,
  stateToJSON,
} from "./gbdt";

export type RegressionLoss = "squared_error" | "absolute_error" | "poisson";

export interface HistGradientBoostingRegressorParams extends GradientBoostingParams {
  loss: RegressionLoss;
}

export interface HistGradientBoostingRegressorFitOptions {
  /** A validation set: its loss is recorded (and logged) every round, and drives early stopping unless earlyStopping is false. */
  Xval?: Features;
  yval?: readonly number[];
  sampleWeight?: ArrayLike<number> | null;
}

const MODEL = "HistGradientBoostingRegressor";
const OBJECTIVES: Record<RegressionLoss, Objective> = { squared_error: squaredError, absolute_error: absoluteError, poisson };
const XGBOOST_OBJECTIVE = { squared_error: "reg:squarederror", absolute_error: "reg:absoluteerror", poisson: "count:poisson" } as const;

/** A numeric target checked: one finite number per sample (≥ 0 with a positive sum for Poisson). */
export function checkTarget(y: readonly number[], nRows: number, what: string, model: string, loss?: RegressionLoss): Float64Array {
  if (!Array.isArray(y)) throw new InvalidInputError(`${what} must be an array with one number per sample`);
  if (y.length !== nRows) throw new InvalidInputError(`X has ${nRows} samples but ${what} has ${y.length}: they must describe the same samples`);
  const out = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const v = y[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new InvalidInputError(`${what}[${i}] is ${typeof v === "number" ? v : JSON.stringify(v)}: ${model} needs a finite number per sample (drop or impute rows without a target; encode classes with a classifier instead)`);
    }
    if (loss === "poisson" && v < 0) throw new InvalidInputError(`${what}[${i}] is ${v}: the Poisson loss needs counts ≥ 0; use loss "squared_error" for signed targets`);
    out[i] = v;
  }
  if (loss === "poisson" && !out.some((v) => v > 0)) throw new InvalidInputError(`every ${what} is 0: the Poisson loss needs some positive counts`);
  return out;
}

export class HistGradientBoostingRegressor implements Regressor<Features, HistGradientBoostingRegressorParams> {
  private readonly p: HistGradientBoostingRegressorParams;
  private fitted: BoostedState | undefined;

  constructor(params: Partial<HistGradientBoostingRegressorParams> & GradientBoostingAliases = {}) {
    this.p = resolveParams<HistGradientBoostingRegressorParams>(params, { ...GRADIENT_BOOSTING_DEFAULTS, loss: "squared_error" });
    checkOption("loss", this.p.loss, ["squared_error", "absolute_error", "poisson"] as const);
  }

  params(): HistGradientBoostingRegressorParams {
    return { ...this.p };
  }

  private get state(): BoostedState {
    if (!this.fitted) throw new NotFittedError(MODEL);
    return this.fitted;
  }

  get nIter(): number {
    return this.state.nIter;
  }

  /** Mean training loss after each iteration (index 0: baseline only); half squared error for "squared_error", as scikit-learn. */
  get trainLoss(): readonly number[] {
    return this.state.trainLoss;
  }

  get validationLoss(): readonly number[] {
    return this.state.validationLoss;
  }

  /** Boosts; inside an active run each round's loss (and val_loss) is logged as it is made (see autolog). */
  fit(X: Features, y: readonly number[], options: HistGradientBoostingRegressorFitOptions = {}): this {
    return autologFit(this, () => this.fitOnce(X, y, options));
  }

  private fitOnce(X: Features, y: readonly number[], options: HistGradientBoostingRegressorFitOptions): this {
    const all = readFeatures(X, { model: MODEL, absentIsMissing: true });
    const nAll = nRowsOf(all);
    const target = checkTarget(y, nAll, "y", MODEL, this.p.loss);
    const allWeights = checkSampleWeight(options.sampleWeight, nAll, MODEL);
    const rng = new Random(this.p.randomState ?? undefined);
    const hasValidationSet = options.Xval !== undefined || options.yval !== undefined;
    const early = this.p.earlyStopping === "auto" ? nAll > 10_000 || hasValidationSet : this.p.earlyStopping;

    let train = all;
    let ys = target;
    let weights = allWeights;
    let val: { rows: typeof all; y: Float64Array; weight: Float64Array | null } | null = null;
    if (hasValidationSet) {
      if (!options.Xval || !options.yval) throw new InvalidInputError("pass both Xval and yval (the validation rows and their targets)");
      const rows = readFeatures(options.Xval, { model: MODEL, what: "Xval", nFeatures: all.X.nCols, absentIsMissing: true });
      val = { rows, y: checkTarget(options.yval as number[], nRowsOf(rows), "yval", MODEL, this.p.loss), weight: null };
    } else if (early) {
      const held = holdOutMask(nAll, this.p.validationFraction, rng);
      const kept: number[] = [];
      const out: number[] = [];
      for (let i = 0; i < nAll; i++) (held[i] ? out : kept).push(i);
      train = selectRows(all, kept);
      ys = Float64Array.from(kept, (i) => target[i]);
      weights = allWeights && Float64Array.from(kept, (i) => allWeights[i]);
      val = { rows: selectRows(all, out), y: Float64Array.from(out, (i) => target[i]), weight: allWeights && Float64Array.from(out, (i) => allWeights[i]) };
    }
    const binned = binRows(train, this.p.maxBins, rng, this.p.minSamplesLeaf, categoricalMask(this.p.categoricalFeatures, all.X.nCols));
    const categories = categoriesOf(binned);
    if (val) val.rows = withKnownCategories(val.rows, categories);
    const boosted = boost(binned, { y: ys, weight: weights }, OBJECTIVES[this.p.loss], boostParams(this.p, early), rng, val && { rows: val.rows, target: { y: val.y, weight: val.weight } }, lossLogger());
    this.fitted = { ...boosted, nFeatures: all.X.nCols, sparse: all.kind === "sparse", categories };
    return this;
  }

  predict(X: Features): number[] {
    const raw = rawScores(this.state, X, MODEL);
    return this.p.loss === "poisson" ? Array.from(raw, Math.exp) : Array.from(raw);
  }

  /** See HistGradientBoostingClassifier.featureImportances. */
  featureImportances(type: ImportanceType = "gain", options: { featureNames?: readonly string[]; top?: number } = {}) {
    return featureImportances(this.state, type, options);
  }

  /**
   * TreeSHAP contributions (XGBoost's pred_contribs): out[i][0] holds one value per feature and,
   * last, the bias; they sum to the row's raw score (the prediction; its log for Poisson).
   */
  contributions(X: Features): number[][][] {
    return contributionRows(this.state, X, MODEL);
  }

  /** The model as the text of an XGBoost JSON model (reg:squarederror, reg:absoluteerror or count:poisson); see HistGradientBoostingClassifier.toXGBoost. */
  toXGBoost(options: { featureNames?: readonly string[] } = {}): string {
    return stringifyXGBoost(toXGBoostJSON(this.state, XGBOOST_OBJECTIVE[this.p.loss], {}, options.featureNames));
  }

  /** A regressor from an XGBoost JSON model, text or parsed. */
  static fromXGBoost(json: unknown): HistGradientBoostingRegressor {
    const loaded = fromXGBoostJSON(json);
    const loss = (Object.keys(XGBOOST_OBJECTIVE) as RegressionLoss[]).find((l) => XGBOOST_OBJECTIVE[l] === loaded.objective);
    if (!loss) throw new InvalidInputError(`the XGBoost model's objective is ${loaded.objective}: load it with HistGradientBoostingClassifier.fromXGBoost`);
    const model = new HistGradientBoostingRegressor({ loss, maxIter: loaded.state.nIter, earlyStopping: false });
    model.fitted = loaded.state;
    return model;
  }

  toJSON(): SerializedModel<HistGradientBoostingRegressorParams> {
    return serializeModel(MODEL, this.params(), this.fitted && stateToJSON(this.fitted));
  }

  static fromJSON(json: unknown): HistGradientBoostingRegressor {
    const saved = readSerialized<HistGradientBoostingRegressorParams, any>(json, MODEL);
    const model = new HistGradientBoostingRegressor(saved.params);
    if (saved.state) model.fitted = stateFromJSON(saved.state);
    return model;
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    const stopped = s && s.nIter < this.p.maxIter ? " (early stopping)" : "";
    return modelBundle(MODEL, this.p, s ? `fitted: ${s.nFeatures} features${s.sparse ? " (sparse)" : ""}, ${s.nIter} iterations${stopped}, loss ${this.p.loss}` : null);
  }
}

registerModel(MODEL, (json) => HistGradientBoostingRegressor.fromJSON(json));
