// Histogram-based gradient boosting for classification (the LightGBM / XGBoost algorithm, as in
// scikit-learn's HistGradientBoostingClassifier): log loss for two classes, softmax loss (one tree
// per class per round) for more. The pieces live in ./gbdt (bins, histograms, split finder, grower,
// objective, booster); this file reads labels, class weights and the validation set, and speaks
// the estimator contract. Dense rows (NaN is missing) and CSR matrices (absent entries are missing,
// with a learned default direction, as in XGBoost) both go in directly.
import { InvalidInputError, NotFittedError } from "../errors";
import { MIME, type MimeBundle } from "../display";
import { type Label, labelIndex } from "../labels";
import { Random } from "../random";
import { holdOutMask } from "../data/split";
import type { Classifier } from "./estimator";
import { type Features, argmax, checkSampleWeight, encodeLabels, rowsOf, sigmoid, softmaxRows } from "./input";
import { type SerializedModel, readSerialized, registerModel, serializeModel } from "./serialize";
import { autologFit } from "./autolog";
import { modelBundle } from "./summary";
import {
  type BoostedState,
  type GradientBoostingAliases,
  type GradientBoostingParams,
  type ImportanceType,
  GRADIENT_BOOSTING_DEFAULTS,
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
  binaryLogistic,
  featureImportances,
  lossLogger,
  nRowsOf,
  rawScores,
  readFeatures,
  resolveParams,
  selectRows,
  softmax,
  stateFromJSON,
  stateToJSON,
} from "./gbdt";

export interface HistGradientBoostingClassifierParams extends GradientBoostingParams {
  /** Weights per class ("balanced": n / (classes · count), as scikit-learn), multiplying sample weights; null for none. */
  classWeight: "balanced" | Record<string, number> | null;
  /** Two classes: the weight of the positive class (classes[1]), XGBoost's scale_pos_weight. */
  scalePosWeight: number;
}

export interface HistGradientBoostingFitOptions {
  /** A validation set: its loss is recorded (and logged) every round, and drives early stopping unless earlyStopping is false. */
  Xval?: Features;
  yval?: readonly Label[];
  /** How much each training sample counts (scikit-learn's sample_weight). */
  sampleWeight?: ArrayLike<number> | null;
}

const MODEL = "HistGradientBoostingClassifier";

interface ClassifierState extends BoostedState {
  classes: Label[];
}

export class HistGradientBoostingClassifier implements Classifier<Features, HistGradientBoostingClassifierParams> {
  private readonly p: HistGradientBoostingClassifierParams;
  private fitted: ClassifierState | undefined;

  constructor(params: Partial<HistGradientBoostingClassifierParams> & GradientBoostingAliases = {}) {
    this.p = resolveParams<HistGradientBoostingClassifierParams>(params, { ...GRADIENT_BOOSTING_DEFAULTS, classWeight: null, scalePosWeight: 1 });
    const cw = this.p.classWeight;
    if (cw !== null && cw !== "balanced" && (typeof cw !== "object" || Object.values(cw).some((w) => typeof w !== "number" || !Number.isFinite(w) || w < 0))) {
      throw new InvalidInputError(`classWeight must be "balanced", null or an object of class → weight ≥ 0, e.g. { spam: 5 } (got ${JSON.stringify(cw)})`);
    }
    if (!(typeof this.p.scalePosWeight === "number" && this.p.scalePosWeight > 0 && Number.isFinite(this.p.scalePosWeight))) {
      throw new InvalidInputError(`scalePosWeight must be a number > 0 (got ${JSON.stringify(this.p.scalePosWeight)})`);
    }
  }

  params(): HistGradientBoostingClassifierParams {
    return { ...this.p };
  }

  private get state(): ClassifierState {
    if (!this.fitted) throw new NotFittedError(MODEL);
    return this.fitted;
  }

  get classes(): readonly Label[] {
    return this.state.classes;
  }

  /** Boosting iterations actually run (fewer than maxIter when early stopping stopped it). */
  get nIter(): number {
    return this.state.nIter;
  }

  /** Mean log loss on the training rows after each iteration (index 0: baseline only). */
  get trainLoss(): readonly number[] {
    return this.state.trainLoss;
  }

  /** Validation log loss per iteration (index 0: before any tree); empty without a validation set. */
  get validationLoss(): readonly number[] {
    return this.state.validationLoss;
  }

  /** Per-sample weights from sampleWeight × class weights (× scalePosWeight), or null when all are 1. */
  private weights(codes: Int32Array, classes: Label[], sampleWeight: Float64Array | null): Float64Array | null {
    const K = classes.length;
    const perClass = new Float64Array(K).fill(1);
    const cw = this.p.classWeight;
    if (cw === "balanced") {
      const count = new Float64Array(K);
      for (const c of codes) count[c]++;
      for (let k = 0; k < K; k++) perClass[k] = codes.length / (K * count[k]);
    } else if (cw) {
      const known = new Set(classes.map(String));
      for (const key of Object.keys(cw)) if (!known.has(key)) throw new InvalidInputError(`classWeight names class ${JSON.stringify(key)}, which is not in y: classes are ${JSON.stringify(classes)}`);
      classes.forEach((c, k) => (perClass[k] = cw[String(c)] ?? 1));
    }
    if (this.p.scalePosWeight !== 1) {
      if (K !== 2) throw new InvalidInputError(`scalePosWeight is for two classes, and y has ${K}: use classWeight to weigh several classes`);
      perClass[1] *= this.p.scalePosWeight;
    }
    if (!sampleWeight && perClass.every((w) => w === 1)) return null;
    return Float64Array.from(codes, (c, i) => perClass[c] * (sampleWeight ? sampleWeight[i] : 1));
  }

  /** Boosts; inside an active run each round's loss (and val_loss) is logged as it is made (see autolog). */
  fit(X: Features, y: readonly Label[], options: HistGradientBoostingFitOptions = {}): this {
    return autologFit(this, () => this.fitOnce(X, y, options));
  }

  private fitOnce(X: Features, y: readonly Label[], options: HistGradientBoostingFitOptions): this {
    const all = readFeatures(X, { model: MODEL, absentIsMissing: true });
    const nAll = nRowsOf(all);
    const { classes, codes: allCodes } = encodeLabels(y, nAll, { model: MODEL, minClasses: 2 });
    const allWeights = this.weights(allCodes, classes, checkSampleWeight(options.sampleWeight, nAll, MODEL));
    const rng = new Random(this.p.randomState ?? undefined);
    const hasValidationSet = options.Xval !== undefined || options.yval !== undefined;
    const early = this.p.earlyStopping === "auto" ? nAll > 10_000 || hasValidationSet : this.p.earlyStopping;

    let train = all;
    let codes = allCodes;
    let weights = allWeights;
    let val: { rows: typeof all; codes: Int32Array; weights: Float64Array | null } | null = null;
    if (hasValidationSet) {
      if (!options.Xval || !options.yval) throw new InvalidInputError("pass both Xval and yval (the validation rows and their labels)");
      const rows = readFeatures(options.Xval, { model: MODEL, what: "Xval", nFeatures: all.X.nCols, absentIsMissing: true });
      if (options.yval.length !== nRowsOf(rows)) throw new InvalidInputError(`Xval has ${nRowsOf(rows)} samples but yval has ${options.yval.length}: they must describe the same samples`);
      const index = labelIndex(classes);
      const valCodes = Int32Array.from(options.yval, (v) => {
        const k = index.get(v);
        if (k === undefined) throw new InvalidInputError(`yval holds ${JSON.stringify(v)}, a class not in y: validation labels must be among ${JSON.stringify(classes)}`);
        return k;
      });
      val = { rows, codes: valCodes, weights: null };
    } else if (early) {
      const held = holdOutMask(allCodes.length, this.p.validationFraction, rng, allCodes, classes.length);
      const kept: number[] = [];
      const out: number[] = [];
      for (let i = 0; i < nAll; i++) (held[i] ? out : kept).push(i);
      train = selectRows(all, kept);
      codes = Int32Array.from(kept, (i) => allCodes[i]);
      weights = allWeights && Float64Array.from(kept, (i) => allWeights[i]);
      val = { rows: selectRows(all, out), codes: Int32Array.from(out, (i) => allCodes[i]), weights: allWeights && Float64Array.from(out, (i) => allWeights[i]) };
    }

    const binned = binRows(train, this.p.maxBins, rng, this.p.minSamplesLeaf, categoricalMask(this.p.categoricalFeatures, all.X.nCols));
    const categories = categoriesOf(binned);
    if (val) val.rows = withKnownCategories(val.rows, categories);
    const objective = classes.length === 2 ? binaryLogistic : softmax(classes.length);
    const boosted = boost(
      binned,
      { y: codes, weight: weights },
      objective,
      boostParams(this.p, early),
      rng,
      val && { rows: val.rows, target: { y: val.codes, weight: val.weights } },
      lossLogger(),
    );
    this.fitted = { ...boosted, classes, nFeatures: all.X.nCols, sparse: all.kind === "sparse", categories };
    return this;
  }

  /** Raw scores: log-odds of classes[1] (one column) for two classes, else one column per class. */
  decisionFunction(X: Features): number[][] {
    return rowsOf(rawScores(this.state, X, MODEL), this.state.baseline.length);
  }

  predictProba(X: Features): number[][] {
    const scores = rawScores(this.state, X, MODEL);
    const K = this.state.baseline.length;
    if (K > 1) return softmaxRows(scores, K);
    return Array.from(scores, (z) => {
      const p = sigmoid(z);
      return [1 - p, p];
    });
  }

  predict(X: Features): Label[] {
    const scores = rawScores(this.state, X, MODEL);
    const { classes } = this.state;
    const K = this.state.baseline.length;
    if (K === 1) return Array.from(scores, (z) => classes[z > 0 ? 1 : 0]);
    return Array.from({ length: scores.length / K }, (_, i) => classes[argmax(scores, i * K, K)]);
  }

  /**
   * Importance per feature, most important first: "gain" (mean split gain, XGBoost's default),
   * "totalGain", "split" (times used), "cover" (mean hessian sum at its splits) or "totalCover".
   * featureNames (e.g. a vectorizer's getFeatureNamesOut()) name the columns; top keeps the first few.
   */
  featureImportances(type: ImportanceType = "gain", options: { featureNames?: readonly string[]; top?: number } = {}) {
    return featureImportances(this.state, type, options);
  }

  /**
   * TreeSHAP contributions (XGBoost's pred_contribs): out[i][k] holds one value per feature and,
   * last, the bias, for output k (one output for two classes or regression, else one per class);
   * each sums to decisionFunction's margin of that row and output.
   */
  contributions(X: Features): number[][][] {
    return contributionRows(this.state, X, MODEL);
  }

  /**
   * The model as the text of an XGBoost JSON model: write it to a file and Python's
   * `xgboost.Booster(model_file="model.json")` predicts the same margins. The classes travel in the
   * attribute modelbench_classes (XGBoost itself numbers them 0, 1, …).
   */
  toXGBoost(options: { featureNames?: readonly string[] } = {}): string {
    const s = this.state;
    return stringifyXGBoost(toXGBoostJSON(s, s.classes.length === 2 ? "binary:logistic" : "multi:softprob", { modelbench_classes: JSON.stringify(s.classes) }, options.featureNames));
  }

  /** A classifier from an XGBoost JSON model (binary:logistic or multi:softprob), text or parsed. */
  static fromXGBoost(json: unknown, options: { classes?: readonly Label[] } = {}): HistGradientBoostingClassifier {
    const loaded = fromXGBoostJSON(json);
    if (loaded.objective !== "binary:logistic" && loaded.objective !== "multi:softprob") {
      throw new InvalidInputError(`the XGBoost model's objective is ${loaded.objective}: load it with HistGradientBoostingRegressor.fromXGBoost`);
    }
    const K = loaded.state.baseline.length;
    const nClasses = K === 1 ? 2 : K;
    const saved = loaded.attributes.modelbench_classes;
    const classes = [...(options.classes ?? (saved ? (JSON.parse(saved) as Label[]) : Array.from({ length: nClasses }, (_, k) => k)))];
    if (classes.length !== nClasses) throw new InvalidInputError(`classes has ${classes.length} labels but the XGBoost model has ${nClasses} classes`);
    const model = new HistGradientBoostingClassifier({ maxIter: loaded.state.nIter, earlyStopping: false });
    model.fitted = { ...loaded.state, classes };
    return model;
  }

  toJSON(): SerializedModel<HistGradientBoostingClassifierParams> {
    const s = this.fitted;
    return serializeModel(MODEL, this.params(), s && { classes: s.classes, ...stateToJSON(s) });
  }

  static fromJSON(json: unknown): HistGradientBoostingClassifier {
    const saved = readSerialized<HistGradientBoostingClassifierParams, any>(json, MODEL);
    const model = new HistGradientBoostingClassifier(saved.params);
    if (saved.state) model.fitted = { ...stateFromJSON(saved.state), classes: saved.state.classes };
    return model;
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    const stopped = s && s.nIter < this.p.maxIter ? " (early stopping)" : "";
    return modelBundle(MODEL, this.p, s ? `fitted: ${s.classes.length} classes, ${s.nFeatures} features${s.sparse ? " (sparse)" : ""}, ${s.nIter} iterations${stopped}, ${s.forest.roots.length} trees` : null);
  }
}

registerModel(MODEL, (json) => HistGradientBoostingClassifier.fromJSON(json));
