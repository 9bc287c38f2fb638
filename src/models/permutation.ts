// Permutation importance (scikit-learn's permutation_importance) for any fitted estimator: how much
// the score on held-out rows drops when one feature's column is shuffled, breaking its link to the
// target while keeping its distribution. Unlike split gain it says what the model needs on new data.
import { InvalidInputError } from "../errors";
import { CsrMatrix } from "../features/sparse";
import type { Label } from "../labels";
import { accuracy, r2 } from "../metrics";
import { Random } from "../random";
import { type Features, checkNumber } from "./input";

export interface PermutationImportanceOptions {
  /** Higher-is-better score of predictions; default accuracy for classifiers (predictProba), R² otherwise. */
  score?: (yTrue: any[], yPred: any[]) => number;
  /** Shuffles per feature. */
  nRepeats?: number;
  randomState?: number;
  /** Names for the result rows, e.g. a vectorizer's getFeatureNamesOut(). */
  featureNames?: readonly string[];
}

export interface PermutationImportance {
  /** The score on the rows as given. */
  baseline: number;
  /** Per feature: baseline minus the score with that column shuffled, each repeat. */
  importances: number[][];
  importancesMean: number[];
  importancesStd: number[];
  /** Features by mean importance, largest first. */
  ranking: { feature: number; name: string; mean: number; std: number }[];
}

type Predictor = { predict(X: any): readonly (Label | number)[]; predictProba?: unknown };

function width(X: Features): number {
  if (X instanceof CsrMatrix) return X.nCols;
  if (!Array.isArray(X) || X.length === 0 || typeof X[0]?.length !== "number") throw new InvalidInputError("X must be a non-empty array of rows or a CsrMatrix");
  return X[0].length;
}

/** X with column j's values moved between rows by `order` (row i takes row order[i]'s value). */
function permuteColumn(X: Features, j: number, order: Int32Array): Features {
  if (!(X instanceof CsrMatrix)) return X.map((row, i) => {
    const copy = Array.from(row);
    copy[j] = X[order[i]][j];
    return copy;
  });
  const column = Float64Array.from({ length: X.nRows }, (_, i) => X.get(i, j));
  const indptr = new Int32Array(X.nRows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < X.nRows; i++) {
    const v = column[order[i]];
    let placed = v === 0;
    for (let k = X.indptr[i]; k < X.indptr[i + 1]; k++) {
      const c = X.indices[k];
      if (c === j) continue;
      if (!placed && c > j) {
        indices.push(j), data.push(v);
        placed = true;
      }
      indices.push(c), data.push(X.data[k]);
    }
    if (!placed) indices.push(j), data.push(v);
    indptr[i + 1] = indices.length;
  }
  return new CsrMatrix(X.nRows, X.nCols, indptr, Int32Array.from(indices), Float64Array.from(data));
}

export function permutationImportance(model: Predictor, X: Features, y: readonly (Label | number)[], options: PermutationImportanceOptions = {}): PermutationImportance {
  const nRepeats = options.nRepeats ?? 5;
  checkNumber("nRepeats", nRepeats, { min: 1, integer: true });
  if (typeof model?.predict !== "function") throw new InvalidInputError("permutationImportance needs a fitted model with predict(X)");
  const d = width(X);
  const n = X instanceof CsrMatrix ? X.nRows : X.length;
  if (y.length !== n) throw new InvalidInputError(`X has ${n} samples but y has ${y.length}: they must describe the same samples`);
  const names = options.featureNames;
  if (names && names.length !== d) throw new InvalidInputError(`featureNames has ${names.length} names but X has ${d} features`);
  const score = options.score ?? (typeof model.predictProba === "function" ? (a: any[], b: any[]) => accuracy(a, b) : (a: any[], b: any[]) => r2(a as number[], b as number[]));
  const baseline = score(y as any[], model.predict(X) as any[]);
  const rng = new Random(options.randomState ?? 0);
  const order = new Int32Array(n);
  const importances = Array.from({ length: d }, () => new Array<number>(nRepeats));
  for (let j = 0; j < d; j++) {
    for (let r = 0; r < nRepeats; r++) {
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const k = rng.int(i + 1);
        const t = order[i];
        order[i] = order[k];
        order[k] = t;
      }
      importances[j][r] = baseline - score(y as any[], model.predict(permuteColumn(X, j, order)) as any[]);
    }
  }
  const importancesMean = importances.map((v) => v.reduce((a, b) => a + b, 0) / nRepeats);
  // Population standard deviation, as numpy's std in scikit-learn's result.
  const importancesStd = importances.map((v, j) => Math.sqrt(v.reduce((a, b) => a + (b - importancesMean[j]) ** 2, 0) / nRepeats));
  const ranking = importancesMean
    .map((mean, feature) => ({ feature, name: names ? names[feature] : `f${feature}`, mean, std: importancesStd[feature] }))
    .sort((a, b) => b.mean - a.mean || a.feature - b.feature);
  return { baseline, importances, importancesMean, importancesStd, ranking };
}
