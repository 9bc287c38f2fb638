// Linear regression by least squares, with an L2 penalty (Ridge) or an L1 penalty (Lasso), as
// scikit-learn defines them: the intercept is fitted on centred data and never penalised.
//   LinearRegression, Ridge:  minimise ‖y − Xw − b‖² + α‖w‖²  (α = 0: ordinary least squares),
//                             solved exactly from the normal equations by Cholesky;
//   Lasso:                    minimise ‖y − Xw − b‖²/(2n) + α‖w‖₁, by cyclic coordinate descent
//                             until no coefficient moves by more than tol·max|w|, or the duality gap
//                             is below tol·‖y‖²/n (scikit-learn's stopping rule).
import { InvalidInputError, NotFittedError } from "../errors";
import { MIME, type MimeBundle } from "../display";
import type { Regressor } from "./estimator";
import { type Dense, type DenseMatrix, checkNumber, toDense } from "./input";
import { checkTarget } from "./histGradientBoostingRegressor";
import { type SerializedModel, plainArray, readSerialized, registerModel, serializeModel } from "./serialize";
import { autologFit } from "./autolog";
import { modelBundle } from "./summary";

interface LinearState {
  coef: Float64Array;
  intercept: number;
  nIter: number;
}

/** Column means of X and of y (zeros without an intercept), and the centred copy of X. */
function centre(X: Dense, y: Float64Array, fitIntercept: boolean) {
  const { nRows: n, nCols: d, data } = X;
  const mean = new Float64Array(d);
  let ymean = 0;
  if (fitIntercept) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
    for (let i = 0; i < n; i++) ymean += y[i] / n;
  }
  const Xc = Float64Array.from(data, (v, k) => v - mean[k % d]);
  const yc = Float64Array.from(y, (v) => v - ymean);
  return { Xc, yc, mean, ymean };
}

/** Solves (A + αI) w = b for symmetric positive (semi)definite A by Cholesky; null if singular. */
function choleskySolve(A: Float64Array, b: Float64Array, d: number): Float64Array | null {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * d + j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      if (i === j) {
        if (!(s > 1e-12 * Math.max(1, Math.abs(A[i * d + i])))) return null;
        L[i * d + i] = Math.sqrt(s);
      } else L[i * d + j] = s / L[j * d + j];
    }
  }
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * d + k] * z[k];
    z[i] = s / L[i * d + i];
  }
  const w = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < d; k++) s -= L[k * d + i] * w[k];
    w[i] = s / L[i * d + i];
  }
  return w;
}

abstract class LinearModel<P extends { fitIntercept: boolean }> implements Regressor<DenseMatrix, P> {
  protected fitted: LinearState | undefined;
  constructor(
    protected readonly name: string,
    protected readonly p: P,
  ) {}

  params(): P {
    return { ...this.p };
  }

  protected get state(): LinearState {
    if (!this.fitted) throw new NotFittedError(this.name);
    return this.fitted;
  }

  get coef(): number[] {
    return Array.from(this.state.coef);
  }

  get intercept(): number {
    return this.state.intercept;
  }

  protected abstract solve(Xc: Float64Array, yc: Float64Array, n: number, d: number): { coef: Float64Array; nIter: number };

  fit(X: DenseMatrix, y: readonly number[]): this {
    return autologFit(this, () => this.fitOnce(X, y));
  }

  private fitOnce(X: DenseMatrix, y: readonly number[]): this {
    const dense = toDense(X, { model: this.name });
    const target = checkTarget(y, dense.nRows, "y", this.name);
    const { Xc, yc, mean, ymean } = centre(dense, target, this.p.fitIntercept);
    const { coef, nIter } = this.solve(Xc, yc, dense.nRows, dense.nCols);
    let intercept = ymean;
    for (let j = 0; j < dense.nCols; j++) intercept -= mean[j] * coef[j];
    this.fitted = { coef, intercept: this.p.fitIntercept ? intercept : 0, nIter };
    return this;
  }

  predict(X: DenseMatrix): number[] {
    const { coef, intercept } = this.state;
    const dense = toDense(X, { model: this.name, nFeatures: coef.length });
    return Array.from({ length: dense.nRows }, (_, i) => {
      let s = intercept;
      for (let j = 0; j < coef.length; j++) s += dense.data[i * coef.length + j] * coef[j];
      return s;
    });
  }

  toJSON(): SerializedModel<P> {
    const s = this.fitted;
    return serializeModel(this.name, this.params(), s && { coef: plainArray(s.coef), intercept: s.intercept, nIter: s.nIter });
  }

  protected restore(state: any): this {
    if (state) this.fitted = { coef: Float64Array.from(state.coef), intercept: state.intercept, nIter: state.nIter };
    return this;
  }

  [MIME](): MimeBundle {
    return modelBundle(this.name, this.p, this.fitted ? `fitted: ${this.fitted.coef.length} features` : null);
  }
}

/** Normal equations XᵀX + αI, Xᵀy of centred data. */
function gram(Xc: Float64Array, yc: Float64Array, n: number, d: number, alpha: number) {
  const A = new Float64Array(d * d);
  const b = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const x = Xc[i * d + j];
      b[j] += x * yc[i];
      for (let k = 0; k <= j; k++) A[j * d + k] += x * Xc[i * d + k];
    }
  }
  for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) A[k * d + j] = A[j * d + k];
  for (let j = 0; j < d; j++) A[j * d + j] += alpha;
  return { A, b };
}

export interface LinearRegressionParams {
  fitIntercept: boolean;
}

export class LinearRegression extends LinearModel<LinearRegressionParams> {
  constructor(params: Partial<LinearRegressionParams> = {}) {
    super("LinearRegression", { fitIntercept: true, ...params });
  }

  protected solve(Xc: Float64Array, yc: Float64Array, n: number, d: number) {
    const { A, b } = gram(Xc, yc, n, d, 0);
    const coef = choleskySolve(A, b, d);
    if (!coef) throw new InvalidInputError("the features are linearly dependent (a column is a combination of others, or there are fewer samples than features): drop the redundant columns, or use Ridge, which handles them");
    return { coef, nIter: 1 };
  }

  static fromJSON(json: unknown): LinearRegression {
    const saved = readSerialized<LinearRegressionParams, any>(json, "LinearRegression");
    return new LinearRegression(saved.params).restore(saved.state);
  }
}

export interface RidgeParams {
  /** L2 penalty on the coefficients (scikit-learn's alpha). */
  alpha: number;
  fitIntercept: boolean;
}

export class Ridge extends LinearModel<RidgeParams> {
  constructor(params: Partial<RidgeParams> = {}) {
    super("Ridge", { alpha: 1, fitIntercept: true, ...params });
    checkNumber("alpha", this.p.alpha, { min: 0 });
  }

  protected solve(Xc: Float64Array, yc: Float64Array, n: number, d: number) {
    const { A, b } = gram(Xc, yc, n, d, this.p.alpha);
    const coef = choleskySolve(A, b, d);
    if (!coef) throw new InvalidInputError("the features are linearly dependent and alpha is 0: give alpha > 0");
    return { coef, nIter: 1 };
  }

  static fromJSON(json: unknown): Ridge {
    const saved = readSerialized<RidgeParams, any>(json, "Ridge");
    return new Ridge(saved.params).restore(saved.state);
  }
}

export interface LassoParams {
  /** L1 penalty (scikit-learn's alpha, on the mean squared error halved). */
  alpha: number;
  fitIntercept: boolean;
  maxIter: number;
  tol: number;
}

export class Lasso extends LinearModel<LassoParams> {
  constructor(params: Partial<LassoParams> = {}) {
    super("Lasso", { alpha: 1, fitIntercept: true, maxIter: 1000, tol: 1e-4, ...params });
    checkNumber("alpha", this.p.alpha, { min: 0 });
    checkNumber("maxIter", this.p.maxIter, { min: 1, integer: true });
    checkNumber("tol", this.p.tol, { min: 0 });
  }

  get nIter(): number {
    return this.state.nIter;
  }

  protected solve(Xc: Float64Array, yc: Float64Array, n: number, d: number) {
    const { alpha, maxIter, tol } = this.p;
    const w = new Float64Array(d);
    const r = Float64Array.from(yc);
    const norms = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) norms[j] += Xc[i * d + j] ** 2;
    let yy = 0;
    for (let i = 0; i < n; i++) yy += yc[i] * yc[i];
    const l1 = alpha * n;
    const stop = tol * yy;
    let iter = 0;
    for (; iter < maxIter; iter++) {
      let maxStep = 0;
      let maxW = 0;
      for (let j = 0; j < d; j++) {
        if (norms[j] === 0) continue;
        const old = w[j];
        let rho = 0;
        for (let i = 0; i < n; i++) rho += Xc[i * d + j] * r[i];
        rho += norms[j] * old;
        const next = Math.sign(rho) * Math.max(Math.abs(rho) - l1, 0) / norms[j];
        if (next !== old) for (let i = 0; i < n; i++) r[i] -= Xc[i * d + j] * (next - old);
        w[j] = next;
        maxStep = Math.max(maxStep, Math.abs(next - old));
        maxW = Math.max(maxW, Math.abs(next));
      }
      if (maxW === 0 || maxStep / maxW < tol || iter === maxIter - 1) {
        // The duality gap of scikit-learn's cd_fast, on the unscaled objective ½‖r‖² + l1‖w‖₁.
        let dual = 0;
        for (let j = 0; j < d; j++) {
          let g = 0;
          for (let i = 0; i < n; i++) g += Xc[i * d + j] * r[i];
          dual = Math.max(dual, Math.abs(g));
        }
        let rr = 0;
        let ry = 0;
        for (let i = 0; i < n; i++) (rr += r[i] * r[i]), (ry += r[i] * yc[i]);
        const scale = dual > l1 ? l1 / dual : 1;
        const wl1 = w.reduce((a, v) => a + Math.abs(v), 0);
        const gap = 0.5 * rr * (1 + scale * scale) + l1 * wl1 - scale * ry;
        if (gap < stop) return { coef: w, nIter: iter + 1 };
      }
    }
    return { coef: w, nIter: iter };
  }

  static fromJSON(json: unknown): Lasso {
    const saved = readSerialized<LassoParams, any>(json, "Lasso");
    return new Lasso(saved.params).restore(saved.state);
  }
}

registerModel("LinearRegression", (json) => LinearRegression.fromJSON(json));
registerModel("Ridge", (json) => Ridge.fromJSON(json));
registerModel("Lasso", (json) => Lasso.fromJSON(json));
