// Logistic regression with an L2 penalty, fitted by L-BFGS: the linear model for classification,
// and with TF-IDF features the standard strong baseline for text. Two classes use one weight
// vector and the logistic loss; more use one vector per class and the softmax (multinomial) loss.
// The objective is scikit-learn's, so both land on the same unique minimum:
//   C · Σᵢ loss(yᵢ, xᵢ·W + b) + ½‖W‖²      (the intercept b is not penalised)
// It is minimised divided by C·n, which makes `tol` a bound on the gradient of the mean loss,
// the quantity scikit-learn's tol bounds too.
import { InvalidInputError, NotFittedError } from "../errors";
import { MIME, type MimeBundle } from "../display";
import type { CsrMatrix } from "../features/sparse";
import type { Label } from "../labels";
import type { Classifier } from "./estimator";
import { type Features, type FitOptions, argmax, checkNumber, checkSampleWeight, encodeLabels, rowsOf, sigmoid, softmaxRows, toRows } from "./input";
import { autologFit } from "./autolog";
import { minimizeLbfgs } from "./lbfgs";
import { type SerializedModel, plainArray, readSerialized, registerModel, serializeModel } from "./serialize";
import { modelBundle } from "./summary";

export interface LogisticRegressionParams {
  /** Inverse regularisation strength: smaller C, stronger penalty on the weights. */
  C: number;
  fitIntercept: boolean;
  /** L-BFGS iterations at most. */
  maxIter: number;
  /** Stop once no gradient component of the mean loss exceeds this. */
  tol: number;
}

interface LogisticState {
  classes: Label[];
  nFeatures: number;
  /** One weight vector per column (1 for two classes, else one per class), row-major columns × features. */
  coef: Float64Array;
  intercept: Float64Array;
  nIter: number;
  converged: boolean;
  /** The objective after each L-BFGS iteration of this fit (not saved: empty for a loaded model). */
  lossCurve?: number[];
}

/** ln(1 + eᶻ) without overflow. */
function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

interface Problem {
  X: CsrMatrix;
  codes: Int32Array;
  /** Weight columns: 1 for two classes (logistic loss), else one per class (softmax loss). */
  K: number;
  fitIntercept: boolean;
  C: number;
  /** Per-row scratch: scores, then residuals (probability − target). */
  z: Float64Array;
  /** Sample weights (null: all 1) and their sum, which stands for n in the mean loss and the penalty, as in scikit-learn. */
  weight: Float64Array | null;
  total: number;
}

// The two kernels below carry the whole cost of a fit: every evaluation runs both over every
// stored entry. They take the K weight columns four (then two, then one) at a time with the
// running sums in local variables, which V8 keeps in registers: about twice as fast as
// accumulating into an array.

/** out[o + k] = Σ_p data[p] · w[indices[p]·K + k] over the stored entries p in [start, end). */
function rowScores(indices: Int32Array, data: Float64Array, start: number, end: number, w: Float64Array, K: number, out: Float64Array, o: number): void {
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let p = start; p < end; p++) {
      const v = data[p];
      const b = indices[p] * K + k;
      a0 += v * w[b];
      a1 += v * w[b + 1];
      a2 += v * w[b + 2];
      a3 += v * w[b + 3];
    }
    out[o + k] = a0;
    out[o + k + 1] = a1;
    out[o + k + 2] = a2;
    out[o + k + 3] = a3;
  }
  for (; k + 2 <= K; k += 2) {
    let a0 = 0, a1 = 0;
    for (let p = start; p < end; p++) {
      const v = data[p];
      const b = indices[p] * K + k;
      a0 += v * w[b];
      a1 += v * w[b + 1];
    }
    out[o + k] = a0;
    out[o + k + 1] = a1;
  }
  for (; k < K; k++) {
    let a0 = 0;
    for (let p = start; p < end; p++) a0 += data[p] * w[indices[p] * K + k];
    out[o + k] = a0;
  }
}

/** grad[indices[p]·K + k] += data[p] · r[k] over the stored entries p in [start, end). */
function addRowGradient(indices: Int32Array, data: Float64Array, start: number, end: number, r: Float64Array, K: number, grad: Float64Array): void {
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const [r0, r1, r2, r3] = [r[k], r[k + 1], r[k + 2], r[k + 3]];
    for (let p = start; p < end; p++) {
      const v = data[p];
      const b = indices[p] * K + k;
      grad[b] += v * r0;
      grad[b + 1] += v * r1;
      grad[b + 2] += v * r2;
      grad[b + 3] += v * r3;
    }
  }
  for (; k + 2 <= K; k += 2) {
    const [r0, r1] = [r[k], r[k + 1]];
    for (let p = start; p < end; p++) {
      const v = data[p];
      const b = indices[p] * K + k;
      grad[b] += v * r0;
      grad[b + 1] += v * r1;
    }
  }
  for (; k < K; k++) {
    const r0 = r[k];
    for (let p = start; p < end; p++) grad[indices[p] * K + k] += data[p] * r0;
  }
}

/**
 * Mean loss plus penalty, and its gradient, for parameters laid out feature-major
 * (w[j·K + k] is feature j's weight for column k, intercepts last): a sparse row then touches
 * K contiguous weights per stored entry, both for the scores and for the gradient.
 */
function lossAndGradient(problem: Problem, w: Float64Array, grad: Float64Array): number {
  const { codes, K, fitIntercept, C, z, weight, total } = problem;
  const { nRows: n, nCols: d, indptr, indices, data } = problem.X;
  const interceptAt = d * K;
  grad.fill(0);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const start = indptr[i];
    const end = indptr[i + 1];
    rowScores(indices, data, start, end, w, K, z, 0);
    if (fitIntercept) for (let k = 0; k < K; k++) z[k] += w[interceptAt + k];
    const y = codes[i];
    const sw = weight ? weight[i] : 1;
    if (sw === 0) continue;
    if (K === 1) {
      const s = z[0];
      loss += sw * (log1pExp(s) - y * s);
      z[0] = sw * (sigmoid(s) - y);
    } else {
      let max = z[0];
      for (let k = 1; k < K; k++) if (z[k] > max) max = z[k];
      const top = z[y] - max;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += z[k] = Math.exp(z[k] - max);
      loss += sw * (Math.log(sum) - top);
      for (let k = 0; k < K; k++) z[k] /= sum;
      z[y] -= 1;
      if (sw !== 1) for (let k = 0; k < K; k++) z[k] *= sw;
    }
    addRowGradient(indices, data, start, end, z, K, grad);
    if (fitIntercept) for (let k = 0; k < K; k++) grad[interceptAt + k] += z[k];
  }
  const alpha = 1 / (C * total);
  loss /= total;
  for (let q = 0; q < grad.length; q++) grad[q] /= total;
  for (let q = 0; q < interceptAt; q++) {
    loss += 0.5 * alpha * w[q] * w[q];
    grad[q] += alpha * w[q];
  }
  return loss;
}

export class LogisticRegression implements Classifier<Features, LogisticRegressionParams> {
  private readonly p: LogisticRegressionParams;
  private fitted: LogisticState | undefined;

  constructor(params: Partial<LogisticRegressionParams> = {}) {
    this.p = { C: 1, fitIntercept: true, maxIter: 100, tol: 1e-4, ...params };
    checkNumber("C", this.p.C, { min: 0, minExclusive: true });
    checkNumber("maxIter", this.p.maxIter, { min: 1, integer: true });
    checkNumber("tol", this.p.tol, { min: 0 });
  }

  params(): LogisticRegressionParams {
    return { ...this.p };
  }

  private get state(): LogisticState {
    if (!this.fitted) throw new NotFittedError("LogisticRegression");
    return this.fitted;
  }

  get classes(): readonly Label[] {
    return this.state.classes;
  }

  /** Weights: one row per class (a single row, for classes[1], when there are two classes). */
  get coef(): number[][] {
    return rowsOf(this.state.coef, this.state.nFeatures);
  }

  get intercept(): number[] {
    return plainArray(this.state.intercept);
  }

  /** L-BFGS iterations the fit took. */
  get nIter(): number {
    return this.state.nIter;
  }

  /** False when fit stopped at maxIter (or on a failed line search) before reaching tol. */
  get converged(): boolean {
    return this.state.converged;
  }

  /**
   * The objective (mean log loss plus the penalty over C·n) at the start and after each L-BFGS
   * iteration of the last fit; empty for a model loaded from JSON. Autolog logs it as `loss`.
   */
  get lossCurve(): readonly number[] {
    return this.state.lossCurve ?? [];
  }

  /** Minimises the (sample-weighted) mean log loss plus the L2 penalty ‖w‖²/(2·C·Σweights), as scikit-learn's lbfgs solver. */
  fit(X: Features, y: readonly Label[], options: FitOptions = {}): this {
    return autologFit(this, () => this.fitOnce(X, y, options), () => ({ iterations: { loss: this.lossCurve } }));
  }

  private fitOnce(X: Features, y: readonly Label[], options: FitOptions): this {
    const rows = toRows(X, { model: "LogisticRegression" });
    const { classes, codes } = encodeLabels(y, rows.nRows, { model: "LogisticRegression", minClasses: 2 });
    const weight = checkSampleWeight(options.sampleWeight, rows.nRows, "LogisticRegression");
    const K = classes.length === 2 ? 1 : classes.length;
    const d = rows.nCols;
    const total = weight ? weight.reduce((a, b) => a + b, 0) : rows.nRows;
    const problem: Problem = { X: rows, codes, K, fitIntercept: this.p.fitIntercept, C: this.p.C, z: new Float64Array(K), weight, total };
    const result = minimizeLbfgs((w, grad) => lossAndGradient(problem, w, grad), new Float64Array(d * K + K), {
      maxIter: this.p.maxIter,
      gtol: this.p.tol,
    });
    const coef = new Float64Array(K * d);
    for (let j = 0; j < d; j++) for (let k = 0; k < K; k++) coef[k * d + j] = result.x[j * K + k];
    const intercept = this.p.fitIntercept ? result.x.slice(d * K) : new Float64Array(K);
    this.fitted = { classes, nFeatures: d, coef, intercept, nIter: result.nIter, converged: result.converged, lossCurve: result.history };
    return this;
  }

  /** Scores xᵢ·wₖ + bₖ, one row per sample: one column (for classes[1]) with two classes, else one per class. */
  decisionFunction(X: Features): number[][] {
    return rowsOf(this.scores(X), this.state.intercept.length);
  }

  private scores(X: Features): Float64Array {
    const { coef, intercept, nFeatures: d } = this.state;
    const K = intercept.length;
    const rows = toRows(X, { model: "LogisticRegression", nFeatures: d });
    const featureMajor = new Float64Array(d * K);
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) featureMajor[j * K + k] = coef[k * d + j];
    const out = new Float64Array(rows.nRows * K);
    for (let i = 0; i < rows.nRows; i++) {
      rowScores(rows.indices, rows.data, rows.indptr[i], rows.indptr[i + 1], featureMajor, K, out, i * K);
      for (let k = 0; k < K; k++) out[i * K + k] += intercept[k];
    }
    return out;
  }

  predictProba(X: Features): number[][] {
    const scores = this.scores(X);
    if (this.state.intercept.length > 1) return softmaxRows(scores, this.state.intercept.length);
    return Array.from(scores, (z) => {
      const p = sigmoid(z);
      return [1 - p, p];
    });
  }

  predict(X: Features): Label[] {
    const { classes, intercept } = this.state;
    const scores = this.scores(X);
    const K = intercept.length;
    if (K === 1) return Array.from(scores, (z) => classes[z > 0 ? 1 : 0]);
    return Array.from({ length: scores.length / K }, (_, i) => classes[argmax(scores, i * K, K)]);
  }

  toJSON(): SerializedModel<LogisticRegressionParams> {
    const s = this.fitted;
    return serializeModel(
      "LogisticRegression",
      this.params(),
      s && { classes: s.classes, nFeatures: s.nFeatures, coef: plainArray(s.coef), intercept: plainArray(s.intercept), nIter: s.nIter, converged: s.converged },
    );
  }

  static fromJSON(json: unknown): LogisticRegression {
    const saved = readSerialized<LogisticRegressionParams, any>(json, "LogisticRegression");
    const model = new LogisticRegression(saved.params);
    const s = saved.state;
    if (s) {
      if (s.coef.length !== s.intercept.length * s.nFeatures) throw new InvalidInputError("saved LogisticRegression is damaged: coef does not match nFeatures × classes");
      model.fitted = { ...s, coef: Float64Array.from(s.coef), intercept: Float64Array.from(s.intercept) };
    }
    return model;
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    return modelBundle(
      "LogisticRegression",
      this.p,
      s ? `fitted: ${s.classes.length} classes, ${s.nFeatures} features, ${s.nIter} L-BFGS iterations${s.converged ? "" : " (not converged: raise maxIter)"}` : null,
    );
  }
}

registerModel("LogisticRegression", (json) => LogisticRegression.fromJSON(json));
