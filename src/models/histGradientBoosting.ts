// Histogram-based gradient boosting for classification (the LightGBM / XGBoost algorithm, as in
// scikit-learn's HistGradientBoostingClassifier): log loss for two classes, softmax loss (one tree
// per class per round) for more. The pieces live in ./gbdt (bins, histograms, split finder, grower,
// objective, booster); this file reads labels, class weights and the validation set, and speaks
// the estimator contract. Dense rows (NaN is missing) and CSR matrices (absent entries are missing,
// with a learned default direction, as in XGBoost) both go in directly. Multi-label targets (label
// sets or 0/1 rows) grow one tree per label each round over one binning of X, a sigmoid per label:
// each label's trees are the binary model of that label (XGBoost's binary:logistic, num_target K).
import { InvalidInputError, NotFittedError } from "../errors";
import { MIME, type MimeBundle } from "../display";
import { type Label, labelIndex } from "../labels";
import { Random } from "../random";
import { holdOutMask } from "../data/split";
import type { Classifier } from "./estimator";
import { type Features, argmax, checkSampleWeight, encodeLabels, rowsOf, sigmoid, softmaxRows } from "./input";
import { type TargetCoding, codingOf, labelRows, targetMatrix } from "./targetCoding";
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
  perLabelLogistic,
  featureImportances,
  lossLogger,
  nRowsOf,
  rawScores,
  readFeatures,
  resolveParams,
  selectRows,
  softmax,
  type Target,
  stateFromJSON,
  stateToJSON,
} from "./gbdt";

export interface HistGradientBoostingClassifierParams extends GradientBoostingParams {
  /**
   * Weights per class ("balanced": n / (classes · count), as scikit-learn), multiplying sample
   * weights; null for none. Multi-label: "balanced" weighs each label's two sides as a binary fit would.
   */
  classWeight: "balanced" | Record<string, number> | null;
  /** Two classes: the weight of the positive class (classes[1]), XGBoost's scale_pos_weight; multi-label: of each label's positive rows. */
  scalePosWeight: number;
}

export interface HistGradientBoostingFitOptions {
  /** A validation set: its loss is recorded (and logged) every round, and drives early stopping unless earlyStopping is false. */
  Xval?: Features;
  yval?: readonly Label[] | readonly (readonly Label[])[];
  /** How much each training sample counts (scikit-learn's sample_weight). */
  sampleWeight?: ArrayLike<number> | null;
}

const MODEL = "HistGradientBoostingClassifier";

interface ClassifierState extends BoostedState {
  classes: Label[];
  /** One class per sample ("single"), or multi-label: label sets or 0/1 rows, given back in that form. */
  target: TargetCoding["kind"];
}

/** Multi-label y (label sets or 0/1 rows). */
type LabelSets = readonly (readonly Label[])[];

/** The target's entries of the rows at `index` (width entries per row). */
function selectTarget(t: Target, index: readonly number[], width: number): Target {
  const pick = <A extends Int32Array | Float64Array>(a: A, out: A): A => {
    index.forEach((i, r) => out.set(a.subarray(i * width, (i + 1) * width), r * width));
    return out;
  };
  return { y: pick(t.y as Int32Array, new Int32Array(index.length * width)), weight: t.weight && pick(t.weight, new Float64Array(index.length * width)) };
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

  /** The classes seen in fit, sorted; for a multi-label model its labels (0 … width−1 for 0/1 rows), in predictProba's column order. */
  get classes(): readonly Label[] {
    return this.state.classes;
  }

  /** Fitted on label sets or 0/1 rows: one sigmoid output (and one ensemble) per label. */
  get multiLabel(): boolean {
    return this.state.target !== "single";
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

  /** The weight of each class from classWeight (× scalePosWeight on classes[1]); codes index classes. */
  private classWeights(codes: ArrayLike<number>, classes: readonly Label[]): Float64Array {
    const K = classes.length;
    const perClass = new Float64Array(K).fill(1);
    const cw = this.p.classWeight;
    if (cw === "balanced") {
      const count = new Float64Array(K);
      for (let i = 0; i < codes.length; i++) count[codes[i]]++;
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
    return perClass;
  }

  /**
   * The training target: class codes (one per row) or, multi-label, n × K 0/1 entries; the weight
   * of each entry is sampleWeight × its class weight, or null when all are 1.
   */
  private target(y: readonly unknown[], coding: TargetCoding, sampleWeight: Float64Array | null): Target {
    if (coding.kind === "single") {
      const { codes } = encodeLabels(y as Label[], y.length, { model: MODEL, minClasses: 2 });
      const perClass = this.classWeights(codes, coding.classes);
      if (!sampleWeight && perClass.every((w) => w === 1)) return { y: codes, weight: null };
      return { y: codes, weight: Float64Array.from(codes, (c, i) => perClass[c] * (sampleWeight ? sampleWeight[i] : 1)) };
    }
    if (this.p.classWeight !== null && this.p.classWeight !== "balanced") {
      throw new InvalidInputError('classWeight as an object weighs the classes of one label per sample: with label sets use "balanced" or scalePosWeight (the weight of each label\'s positive rows)');
    }
    const K = coding.classes.length;
    const n = y.length;
    const entries = Int32Array.from(targetMatrix(y, coding, "y"));
    // Each label's class weights as its binary fit would have them (classes 0 and 1).
    const perLabel = coding.classes.map((_, k) => this.classWeights(Int32Array.from({ length: n }, (_, i) => entries[i * K + k]), [0, 1]));
    if (!sampleWeight && perLabel.every((perClass) => perClass.every((w) => w === 1))) return { y: entries, weight: null };
    return { y: entries, weight: Float64Array.from(entries, (c, e) => perLabel[e % K][c] * (sampleWeight ? sampleWeight[Math.floor(e / K)] : 1)) };
  }

  /**
   * Boosts; inside an active run each round's loss (and val_loss) is logged as it is made (see
   * autolog). y is one class per sample, or label sets / 0/1 rows for a multi-label model.
   */
  fit(X: Features, y: readonly Label[] | LabelSets, options: HistGradientBoostingFitOptions = {}): this {
    return autologFit(this, () => this.fitOnce(X, y, options));
  }

  private fitOnce(X: Features, y: readonly Label[] | LabelSets, options: HistGradientBoostingFitOptions): this {
    const all = readFeatures(X, { model: MODEL, absentIsMissing: true });
    const nAll = nRowsOf(all);
    const coding = codingOf(y, nAll, MODEL);
    const { classes } = coding;
    const single = coding.kind === "single";
    // Entries per row: one class code, or one 0/1 per label.
    const width = single ? 1 : classes.length;
    const allTarget = this.target(y, coding, checkSampleWeight(options.sampleWeight, nAll, MODEL));
    const rng = new Random(this.p.randomState ?? undefined);
    const hasValidationSet = options.Xval !== undefined || options.yval !== undefined;
    const early = this.p.earlyStopping === "auto" ? nAll > 10_000 || hasValidationSet : this.p.earlyStopping;

    let train = all;
    let target = allTarget;
    let val: { rows: typeof all; target: Target } | null = null;
    if (hasValidationSet) {
      if (!options.Xval || !options.yval) throw new InvalidInputError("pass both Xval and yval (the validation rows and their labels)");
      const rows = readFeatures(options.Xval, { model: MODEL, what: "Xval", nFeatures: all.X.nCols, absentIsMissing: true });
      if (options.yval.length !== nRowsOf(rows)) throw new InvalidInputError(`Xval has ${nRowsOf(rows)} samples but yval has ${options.yval.length}: they must describe the same samples`);
      val = { rows, target: { y: this.validationCodes(options.yval, coding), weight: null } };
    } else if (early) {
      // Label sets are held out at random; one class per sample, stratified by class.
      const held = single ? holdOutMask(nAll, this.p.validationFraction, rng, allTarget.y, classes.length) : holdOutMask(nAll, this.p.validationFraction, rng);
      const kept: number[] = [];
      const out: number[] = [];
      for (let i = 0; i < nAll; i++) (held[i] ? out : kept).push(i);
      train = selectRows(all, kept);
      target = selectTarget(allTarget, kept, width);
      val = { rows: selectRows(all, out), target: selectTarget(allTarget, out, width) };
    }

    const binned = binRows(train, this.p.maxBins, rng, this.p.minSamplesLeaf, categoricalMask(this.p.categoricalFeatures, all.X.nCols));
    const categories = categoriesOf(binned);
    if (val) val.rows = withKnownCategories(val.rows, categories);
    const objective = !single ? perLabelLogistic(classes.length) : classes.length === 2 ? binaryLogistic : softmax(classes.length);
    const boosted = boost(binned, target, objective, boostParams(this.p, early), rng, val, lossLogger());
    this.fitted = { ...boosted, classes, target: coding.kind, nFeatures: all.X.nCols, sparse: all.kind === "sparse", categories };
    return this;
  }

  /** yval as the training target reads it: class codes, or n × K 0/1 entries. */
  private validationCodes(yval: readonly unknown[], coding: TargetCoding): Int32Array {
    if (coding.kind !== "single") {
      if (!yval.every(Array.isArray)) throw new InvalidInputError("y holds label sets but yval does not: give yval a label set (array) per sample too");
      return Int32Array.from(targetMatrix(yval, coding, "yval"));
    }
    const index = labelIndex(coding.classes);
    return Int32Array.from(yval as readonly Label[], (v) => {
      const k = index.get(v);
      if (k === undefined) throw new InvalidInputError(`yval holds ${JSON.stringify(v)}, a class not in y: validation labels must be among ${JSON.stringify(coding.classes)}`);
      return k;
    });
  }

  /** Raw scores: log-odds of classes[1] (one column) for two classes, else one column per class; multi-label: each label's log-odds. */
  decisionFunction(X: Features): number[][] {
    return rowsOf(rawScores(this.state, X, MODEL), this.state.baseline.length);
  }

  /** Class probabilities; multi-label: each label's probability (columns in `classes` order; rows need not sum to 1). */
  predictProba(X: Features): number[][] {
    const scores = rawScores(this.state, X, MODEL);
    const K = this.state.baseline.length;
    if (this.state.target !== "single") return rowsOf(Float64Array.from(scores, sigmoid), K);
    if (K > 1) return softmaxRows(scores, K);
    return Array.from(scores, (z) => {
      const p = sigmoid(z);
      return [1 - p, p];
    });
  }

  /** A class per sample; multi-label: a label set (or 0/1 row, as y was given) of the labels with probability above 0.5. */
  predict(X: Features): Label[] {
    const scores = rawScores(this.state, X, MODEL);
    const { classes, target } = this.state;
    const K = this.state.baseline.length;
    // Typed as one label per sample for the Classifier contract; multi-label rows are label sets.
    if (target !== "single") return labelRows(scores.length / K, { kind: target, classes }, (i, k) => scores[i * K + k] > 0) as unknown as Label[];
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
   * attribute modelbench_classes (XGBoost itself numbers them 0, 1, …); a multi-label model is
   * binary:logistic with num_target = its labels, as XGBClassifier writes one, and its target form
   * (label sets or 0/1 rows) travels in modelbench_target.
   */
  toXGBoost(options: { featureNames?: readonly string[] } = {}): string {
    const s = this.state;
    const attributes: Record<string, string> = { modelbench_classes: JSON.stringify(s.classes) };
    if (s.target !== "single") attributes.modelbench_target = s.target;
    const objective = s.target !== "single" || s.classes.length === 2 ? "binary:logistic" : "multi:softprob";
    return stringifyXGBoost(toXGBoostJSON(s, objective, attributes, options.featureNames));
  }

  /**
   * A classifier from an XGBoost JSON model (binary:logistic or multi:softprob), text or parsed.
   * binary:logistic with num_target above 1 (XGBClassifier fitted on 0/1 rows) is a multi-label
   * model predicting 0/1 rows, or label sets when `classes` names the labels.
   */
  static fromXGBoost(json: unknown, options: { classes?: readonly Label[] } = {}): HistGradientBoostingClassifier {
    const loaded = fromXGBoostJSON(json);
    if (loaded.objective !== "binary:logistic" && loaded.objective !== "multi:softprob") {
      throw new InvalidInputError(`the XGBoost model's objective is ${loaded.objective}: load it with HistGradientBoostingRegressor.fromXGBoost`);
    }
    const K = loaded.state.baseline.length;
    const saved = loaded.attributes.modelbench_classes;
    const savedTarget = loaded.attributes.modelbench_target;
    const multiLabel = loaded.objective === "binary:logistic" && (K > 1 || savedTarget === "sets" || savedTarget === "indicator");
    const target: ClassifierState["target"] = !multiLabel ? "single" : savedTarget === "sets" || savedTarget === "indicator" ? savedTarget : options.classes ? "sets" : "indicator";
    const nClasses = multiLabel || K > 1 ? K : 2;
    const classes = [...(options.classes ?? (saved ? (JSON.parse(saved) as Label[]) : Array.from({ length: nClasses }, (_, k) => k)))];
    const what = multiLabel ? "labels" : "classes";
    if (classes.length !== nClasses) throw new InvalidInputError(`classes has ${classes.length} labels but the XGBoost model has ${nClasses} ${what}`);
    const model = new HistGradientBoostingClassifier({ maxIter: loaded.state.nIter, earlyStopping: false });
    model.fitted = { ...loaded.state, classes, target };
    return model;
  }

  toJSON(): SerializedModel<HistGradientBoostingClassifierParams> {
    const s = this.fitted;
    return serializeModel(MODEL, this.params(), s && { classes: s.classes, target: s.target, ...stateToJSON(s) });
  }

  static fromJSON(json: unknown): HistGradientBoostingClassifier {
    const saved = readSerialized<HistGradientBoostingClassifierParams, any>(json, MODEL);
    const model = new HistGradientBoostingClassifier(saved.params);
    // Saved before multi-label models: one class per sample.
    if (saved.state) model.fitted = { ...stateFromJSON(saved.state), classes: saved.state.classes, target: saved.state.target ?? "single" };
    return model;
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    const stopped = s && s.nIter < this.p.maxIter ? " (early stopping)" : "";
    return modelBundle(MODEL, this.p, s ? `fitted: ${s.classes.length} ${s.target === "single" ? "classes" : "labels"}, ${s.nFeatures} features${s.sparse ? " (sparse)" : ""}, ${s.nIter} iterations${stopped}, ${s.forest.roots.length} trees` : null);
  }
}

registerModel(MODEL, (json) => HistGradientBoostingClassifier.fromJSON(json));
