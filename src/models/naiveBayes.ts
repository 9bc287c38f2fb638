// Multinomial naive Bayes: each class is a distribution over features (words), estimated from
// smoothed feature totals, and a sample's class score is log P(class) + Σⱼ xⱼ · log P(feature j | class).
// Closed-form, one pass over the data: the quick first model for word counts or TF-IDF.
//   log P(j | c) = ln(N_cj + α) − ln(Σⱼ N_cj + α·d)
import { InvalidInputError, NotFittedError } from "../errors";
import { MIME, type MimeBundle } from "../display";
import type { Label } from "../labels";
import type { Classifier } from "./estimator";
import { type Features, type FitOptions, argmax, checkNumber, checkSampleWeight, encodeLabels, logSumExp, rowsOf, toRows } from "./input";
import { type SerializedModel, plainArray, readSerialized, registerModel, serializeModel } from "./serialize";
import { autologFit } from "./autolog";
import { modelBundle } from "./summary";

export interface MultinomialNBParams {
  /** Additive (Laplace / Lidstone) smoothing; 0 means none (unseen words then rule a class out). */
  alpha: number;
  /** Learn class priors from the class frequencies; false uses a uniform prior. */
  fitPrior: boolean;
  /** Prior probabilities in `classes` order, overriding fitPrior. */
  classPrior: readonly number[] | null;
}

interface NBState {
  classes: Label[];
  nFeatures: number;
  classCount: Float64Array;
  /** Summed feature values per class, classes × features. */
  featureCount: Float64Array;
  classLogPrior: Float64Array;
  featureLogProb: Float64Array;
}

export class MultinomialNB implements Classifier<Features, MultinomialNBParams> {
  private readonly p: MultinomialNBParams;
  private fitted: NBState | undefined;

  constructor(params: Partial<MultinomialNBParams> = {}) {
    this.p = { alpha: 1, fitPrior: true, classPrior: null, ...params };
    checkNumber("alpha", this.p.alpha, { min: 0 });
  }

  params(): MultinomialNBParams {
    return { ...this.p, classPrior: this.p.classPrior && [...this.p.classPrior] };
  }

  private get state(): NBState {
    if (!this.fitted) throw new NotFittedError("MultinomialNB");
    return this.fitted;
  }

  get classes(): readonly Label[] {
    return this.state.classes;
  }

  get classLogPrior(): number[] {
    return plainArray(this.state.classLogPrior);
  }

  /** log P(feature | class), one row per class. */
  get featureLogProb(): number[][] {
    return rowsOf(this.state.featureLogProb, this.state.nFeatures);
  }

  get classCount(): number[] {
    return plainArray(this.state.classCount);
  }

  /** Counts features per class; with sampleWeight each sample's counts are scaled by its weight (as scikit-learn). */
  fit(X: Features, y: readonly Label[], options: FitOptions = {}): this {
    return autologFit(this, () => this.fitOnce(X, y, options));
  }

  private fitOnce(X: Features, y: readonly Label[], options: FitOptions): this {
    const rows = toRows(X, { model: "MultinomialNB" });
    const { classes, codes } = encodeLabels(y, rows.nRows, { model: "MultinomialNB" });
    const weight = checkSampleWeight(options.sampleWeight, rows.nRows, "MultinomialNB");
    const K = classes.length;
    const d = rows.nCols;
    const classCount = new Float64Array(K);
    const featureCount = new Float64Array(K * d);
    for (let i = 0; i < rows.nRows; i++) {
      const base = codes[i] * d;
      const w = weight ? weight[i] : 1;
      classCount[codes[i]] += w;
      for (let p = rows.indptr[i]; p < rows.indptr[i + 1]; p++) {
        const v = rows.data[p];
        if (v < 0) throw new InvalidInputError(`X[${i}][${rows.indices[p]}] is ${v}: MultinomialNB needs non-negative features (counts or TF-IDF); for signed features use LogisticRegression`);
        featureCount[base + rows.indices[p]] += w * v;
      }
    }
    const featureLogProb = new Float64Array(K * d);
    for (let k = 0; k < K; k++) {
      let total = 0;
      for (let j = 0; j < d; j++) total += featureCount[k * d + j] + this.p.alpha;
      const logTotal = Math.log(total);
      for (let j = 0; j < d; j++) featureLogProb[k * d + j] = Math.log(featureCount[k * d + j] + this.p.alpha) - logTotal;
    }
    this.fitted = { classes, nFeatures: d, classCount, featureCount, classLogPrior: this.priors(classes, classCount), featureLogProb };
    return this;
  }

  private priors(classes: Label[], classCount: Float64Array): Float64Array {
    const K = classes.length;
    const given = this.p.classPrior;
    if (given) {
      if (given.length !== K) throw new InvalidInputError(`classPrior has ${given.length} entries but y has ${K} classes (${JSON.stringify(classes)}): give one prior per class, in that order`);
      return Float64Array.from(given, (p) => Math.log(p));
    }
    if (!this.p.fitPrior) return new Float64Array(K).fill(-Math.log(K));
    const n = classCount.reduce((a, b) => a + b, 0);
    return Float64Array.from(classCount, (c) => Math.log(c) - Math.log(n));
  }

  /** log P(class) + Σⱼ xⱼ log P(j | class) per sample and class, row-major. */
  private jointLogLikelihood(X: Features): Float64Array {
    const { classLogPrior, featureLogProb, nFeatures: d } = this.state;
    const K = classLogPrior.length;
    const rows = toRows(X, { model: "MultinomialNB", nFeatures: d });
    const out = new Float64Array(rows.nRows * K);
    for (let i = 0; i < rows.nRows; i++) {
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let p = rows.indptr[i]; p < rows.indptr[i + 1]; p++) s += rows.data[p] * featureLogProb[k * d + rows.indices[p]];
        out[i * K + k] = s + classLogPrior[k];
      }
    }
    return out;
  }

  /** Log class probabilities, normalised by log-sum-exp so tiny likelihoods do not underflow. */
  predictLogProba(X: Features): number[][] {
    const jll = this.jointLogLikelihood(X);
    const K = this.state.classes.length;
    for (let i = 0; i < jll.length / K; i++) {
      const lse = logSumExp(jll, i * K, K);
      for (let k = 0; k < K; k++) jll[i * K + k] -= lse;
    }
    return rowsOf(jll, K);
  }

  predictProba(X: Features): number[][] {
    return this.predictLogProba(X).map((row) => row.map(Math.exp));
  }

  predict(X: Features): Label[] {
    const jll = this.jointLogLikelihood(X);
    const K = this.state.classes.length;
    return Array.from({ length: jll.length / K }, (_, i) => this.state.classes[argmax(jll, i * K, K)]);
  }

  toJSON(): SerializedModel<MultinomialNBParams> {
    const s = this.fitted;
    return serializeModel(
      "MultinomialNB",
      this.params(),
      s && {
        classes: s.classes,
        nFeatures: s.nFeatures,
        classCount: plainArray(s.classCount),
        featureCount: plainArray(s.featureCount),
        classLogPrior: plainArray(s.classLogPrior),
        featureLogProb: plainArray(s.featureLogProb),
      },
    );
  }

  static fromJSON(json: unknown): MultinomialNB {
    const saved = readSerialized<MultinomialNBParams, any>(json, "MultinomialNB");
    const model = new MultinomialNB(saved.params);
    const s = saved.state;
    if (s) {
      model.fitted = {
        classes: s.classes,
        nFeatures: s.nFeatures,
        classCount: Float64Array.from(s.classCount),
        featureCount: Float64Array.from(s.featureCount),
        classLogPrior: Float64Array.from(s.classLogPrior),
        featureLogProb: Float64Array.from(s.featureLogProb),
      };
    }
    return model;
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    return modelBundle("MultinomialNB", this.p, s ? `fitted: ${s.classes.length} classes, ${s.nFeatures} features` : null);
  }
}

registerModel("MultinomialNB", (json) => MultinomialNB.fromJSON(json));
