// k-nearest neighbours (scikit-learn's KNeighborsClassifier and KNeighborsRegressor, brute force):
// fit keeps the training rows; a prediction is the vote (or mean) of the k closest, by Minkowski
// distance p = 2 (Euclidean) or p = 1 (Manhattan), each weighted equally or by 1 / distance (an
// exact match then decides alone, as in scikit-learn). Dense input; no training cost, so it is a
// cheap candidate for small tables (AutoML's `knn` family).
import { InvalidInputError, NotFittedError } from "../errors";
import { MIME, type MimeBundle } from "../display";
import type { Label } from "../labels";
import type { Classifier, Regressor } from "./estimator";
import { type DenseMatrix, checkNumber, encodeLabels, toDense, type Dense } from "./input";
import { plainArray, readSerialized, registerModel, serializeModel, type SerializedModel } from "./serialize";
import { autologFit } from "./autolog";
import { modelBundle } from "./summary";

export interface KNeighborsParams {
  nNeighbors: number;
  weights: "uniform" | "distance";
  /** Minkowski power: 2 Euclidean, 1 Manhattan. */
  p: 1 | 2;
}

interface Stored {
  nFeatures: number;
  X: Float64Array;
  nRows: number;
}

/** The training rows as saved by toJSON. */
function storedFrom(state: { nFeatures: number; X: number[] }): Stored {
  const X = Float64Array.from(state.X);
  return { nFeatures: state.nFeatures, X, nRows: X.length / state.nFeatures };
}

function checkParams(p: KNeighborsParams, model: string): void {
  checkNumber("nNeighbors", p.nNeighbors, { min: 1, integer: true });
  if (p.weights !== "uniform" && p.weights !== "distance") throw new InvalidInputError(`${model} weights is "uniform" or "distance", got ${JSON.stringify(p.weights)}`);
  if (p.p !== 1 && p.p !== 2) throw new InvalidInputError(`${model} p is 1 (Manhattan) or 2 (Euclidean), got ${JSON.stringify(p.p)}`);
}

/**
 * For each query row, the indices and distances of its k nearest stored rows, nearest first (ties
 * by the lower index, as scikit-learn's brute force). Distances are the true ones (square root taken).
 */
function kNearest(stored: Stored, Q: Dense, k: number, p: 1 | 2): { index: Int32Array; dist: Float64Array } {
  const { X, nRows, nFeatures: d } = stored;
  const index = new Int32Array(Q.nRows * k);
  const dist = new Float64Array(Q.nRows * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let q = 0; q < Q.nRows; q++) {
    bestD.fill(Infinity);
    bestI.fill(-1);
    const qo = q * d;
    for (let i = 0; i < nRows; i++) {
      const io = i * d;
      let s = 0;
      if (p === 2) {
        for (let j = 0; j < d; j++) {
          const t = Q.data[qo + j] - X[io + j];
          s += t * t;
        }
      } else for (let j = 0; j < d; j++) s += Math.abs(Q.data[qo + j] - X[io + j]);
      if (s >= bestD[k - 1]) continue;
      // Insert, keeping the list sorted (a strictly smaller distance goes before an equal one found earlier: no).
      let m = k - 1;
      while (m > 0 && bestD[m - 1] > s) {
        bestD[m] = bestD[m - 1];
        bestI[m] = bestI[m - 1];
        m--;
      }
      bestD[m] = s;
      bestI[m] = i;
    }
    for (let m = 0; m < k; m++) {
      index[q * k + m] = bestI[m];
      dist[q * k + m] = p === 2 ? Math.sqrt(bestD[m]) : bestD[m];
    }
  }
  return { index, dist };
}

/** Each neighbour's weight; with "distance", exact matches (distance 0) take all the weight. */
function neighbourWeights(dist: Float64Array, offset: number, k: number, weights: "uniform" | "distance"): Float64Array {
  const w = new Float64Array(k);
  if (weights === "uniform") return w.fill(1);
  let exact = false;
  for (let m = 0; m < k; m++) if (dist[offset + m] === 0) exact = true;
  for (let m = 0; m < k; m++) w[m] = exact ? (dist[offset + m] === 0 ? 1 : 0) : 1 / dist[offset + m];
  return w;
}

abstract class KNeighborsBase {
  protected readonly p: KNeighborsParams;
  protected stored: Stored | undefined;

  constructor(params: Partial<KNeighborsParams>, protected readonly modelName: string) {
    this.p = { nNeighbors: 5, weights: "uniform", p: 2, ...params };
    checkParams(this.p, modelName);
  }

  params(): KNeighborsParams {
    return { ...this.p };
  }

  protected store(X: DenseMatrix): Dense {
    const dense = toDense(X, { model: this.modelName });
    if (dense.nRows < this.p.nNeighbors) throw new InvalidInputError(`${this.modelName} with nNeighbors ${this.p.nNeighbors} needs at least that many training rows, got ${dense.nRows}: lower nNeighbors`);
    this.stored = { nFeatures: dense.nCols, X: dense.data, nRows: dense.nRows };
    return dense;
  }

  protected neighbours(X: DenseMatrix) {
    if (!this.stored) throw new NotFittedError(this.modelName);
    const Q = toDense(X, { model: this.modelName, nFeatures: this.stored.nFeatures });
    return { Q, ...kNearest(this.stored, Q, this.p.nNeighbors, this.p.p) };
  }
}

export class KNeighborsClassifier extends KNeighborsBase implements Classifier<DenseMatrix, KNeighborsParams> {
  private labels: { classes: Label[]; codes: Int32Array } | undefined;

  constructor(params: Partial<KNeighborsParams> = {}) {
    super(params, "KNeighborsClassifier");
  }

  get classes(): readonly Label[] {
    if (!this.labels) throw new NotFittedError("KNeighborsClassifier");
    return this.labels.classes;
  }

  fit(X: DenseMatrix, y: readonly Label[]): this {
    return autologFit(this, () => {
      const dense = this.store(X);
      this.labels = encodeLabels(y, dense.nRows, { model: "KNeighborsClassifier" });
      return this;
    });
  }

  predictProba(X: DenseMatrix): number[][] {
    const { Q, index, dist } = this.neighbours(X);
    const { classes, codes } = this.labels!;
    const k = this.p.nNeighbors;
    const out: number[][] = [];
    for (let q = 0; q < Q.nRows; q++) {
      const w = neighbourWeights(dist, q * k, k, this.p.weights);
      const votes = new Array<number>(classes.length).fill(0);
      let total = 0;
      for (let m = 0; m < k; m++) {
        votes[codes[index[q * k + m]]] += w[m];
        total += w[m];
      }
      out.push(votes.map((v) => v / total));
    }
    return out;
  }

  /** The class with the most (weighted) votes; a tie goes to the class listed first. */
  predict(X: DenseMatrix): Label[] {
    const classes = this.classes;
    return this.predictProba(X).map((row) => classes[row.indexOf(Math.max(...row))]);
  }

  toJSON(): SerializedModel<KNeighborsParams> {
    const s = this.stored;
    return serializeModel("KNeighborsClassifier", this.params(), s && this.labels ? { nFeatures: s.nFeatures, X: plainArray(s.X), classes: this.labels.classes, codes: Array.from(this.labels.codes) } : null);
  }

  static fromJSON(json: unknown): KNeighborsClassifier {
    const saved = readSerialized<KNeighborsParams, any>(json, "KNeighborsClassifier");
    const m = new KNeighborsClassifier(saved.params);
    if (saved.state) {
      m.stored = storedFrom(saved.state);
      m.labels = { classes: saved.state.classes, codes: Int32Array.from(saved.state.codes) };
    }
    return m;
  }

  [MIME](): MimeBundle {
    return modelBundle("KNeighborsClassifier", this.p, this.stored ? `fitted: ${this.stored.nRows} rows, ${this.labels!.classes.length} classes` : null);
  }
}

export class KNeighborsRegressor extends KNeighborsBase implements Regressor<DenseMatrix, KNeighborsParams> {
  private y: Float64Array | undefined;

  constructor(params: Partial<KNeighborsParams> = {}) {
    super(params, "KNeighborsRegressor");
  }

  fit(X: DenseMatrix, y: readonly number[]): this {
    return autologFit(this, () => {
      const dense = this.store(X);
      if (!Array.isArray(y) || y.length !== dense.nRows) throw new InvalidInputError(`X has ${dense.nRows} samples but y has ${(y as unknown[])?.length}: they must describe the same samples`);
      if (y.some((v) => typeof v !== "number" || !Number.isFinite(v))) throw new InvalidInputError("KNeighborsRegressor needs finite numbers in y");
      this.y = Float64Array.from(y);
      return this;
    });
  }

  /** The (weighted) mean of the neighbours' targets. */
  predict(X: DenseMatrix): number[] {
    const { Q, index, dist } = this.neighbours(X);
    const k = this.p.nNeighbors;
    const out: number[] = [];
    for (let q = 0; q < Q.nRows; q++) {
      const w = neighbourWeights(dist, q * k, k, this.p.weights);
      let s = 0, total = 0;
      for (let m = 0; m < k; m++) {
        s += w[m] * this.y![index[q * k + m]];
        total += w[m];
      }
      out.push(s / total);
    }
    return out;
  }

  toJSON(): SerializedModel<KNeighborsParams> {
    const s = this.stored;
    return serializeModel("KNeighborsRegressor", this.params(), s && this.y ? { nFeatures: s.nFeatures, X: plainArray(s.X), y: plainArray(this.y) } : null);
  }

  static fromJSON(json: unknown): KNeighborsRegressor {
    const saved = readSerialized<KNeighborsParams, any>(json, "KNeighborsRegressor");
    const m = new KNeighborsRegressor(saved.params);
    if (saved.state) {
      m.stored = storedFrom(saved.state);
      m.y = Float64Array.from(saved.state.y);
    }
    return m;
  }

  [MIME](): MimeBundle {
    return modelBundle("KNeighborsRegressor", this.p, this.stored ? `fitted: ${this.stored.nRows} rows` : null);
  }
}

registerModel("KNeighborsClassifier", (json) => KNeighborsClassifier.fromJSON(json));
registerModel("KNeighborsRegressor", (json) => KNeighborsRegressor.fromJSON(json));
