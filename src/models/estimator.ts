// The one contract every model, baseline and transformer speaks, so that baselines, pipelines,
// cross-validation and sweeps compose without special cases (scikit-learn's estimator API).
// Hyperparameters go in the constructor and come back from `params()`; `fit` learns and returns
// the same object; learned state lives in readonly getters that throw NotFittedError before fit.
import type { Label } from "../labels";
import { InvalidInputError } from "../errors";

/** Any sample collection: an array of rows, or a matrix that knows its row count (e.g. CsrMatrix). */
export type Samples = ArrayLike<unknown> | { readonly nRows: number };

export function countSamples(X: Samples, what = "X"): number {
  if (X != null && typeof (X as { nRows?: unknown }).nRows === "number") return (X as { nRows: number }).nRows;
  if (X != null && typeof (X as ArrayLike<unknown>).length === "number") return (X as ArrayLike<unknown>).length;
  throw new InvalidInputError(`${what} must be an array of samples or a matrix with nRows`);
}

export interface Estimator<X, Y, P extends object> {
  fit(X: X, y: Y): this;
  /** The hyperparameters given to the constructor (defaults filled in), enough to rebuild the model. */
  params(): P;
}

export interface Classifier<X, P extends object> extends Estimator<X, readonly Label[], P> {
  /** The classes seen in fit, sorted; `predictProba` columns follow this order. */
  readonly classes: readonly Label[];
  predict(X: X): Label[];
  predictProba(X: X): number[][];
}

export interface Regressor<X, P extends object> extends Estimator<X, readonly number[], P> {
  predict(X: X): number[];
}

/** Unsupervised: learns from X alone and maps X to a new representation. */
export interface Transformer<X, Out, P extends object> {
  fit(X: X): this;
  transform(X: X): Out;
  fitTransform(X: X): Out;
  params(): P;
}
