// Standardises numeric columns to zero mean and unit variance, as scikit-learn's StandardScaler:
// the population standard deviation (divide by n), constant columns left unscaled (scale 1), and
// missing values (NaN) ignored when fitting and passed through when transforming.
import { InvalidInputError, NotFittedError } from "../errors";
import type { Transformer } from "../models/estimator";
import { checkWidth, tableWidth } from "./tables";

export interface StandardScalerParams {
  /** Subtract each column's mean. */
  withMean: boolean;
  /** Divide by each column's standard deviation. */
  withStd: boolean;
}

type Table = readonly (readonly number[])[];

interface Fitted {
  mean: Float64Array | null;
  variance: Float64Array | null;
  scale: Float64Array | null;
  nSamplesSeen: Float64Array;
}

const EPS = 2 ** -52;

function numericWidth(X: Table, what: string): number {
  const width = tableWidth(X, what);
  X.forEach((row, i) =>
    row.forEach((v, j) => {
      if (typeof v !== "number" || v === Infinity || v === -Infinity) {
        throw new InvalidInputError(`X[${i}][${j}] is ${v}: ${what} needs numbers (NaN marks a missing value; encode categories with OneHotEncoder)`);
      }
    }),
  );
  return width;
}

export class StandardScaler implements Transformer<Table, number[][], StandardScalerParams> {
  private readonly p: StandardScalerParams;
  private fitted: Fitted | undefined;

  constructor(params: Partial<StandardScalerParams> = {}) {
    this.p = { withMean: true, withStd: true, ...params };
  }

  params(): StandardScalerParams {
    return { ...this.p };
  }

  private get state(): Fitted {
    if (!this.fitted) throw new NotFittedError("StandardScaler");
    return this.fitted;
  }

  /** Column means (null when neither centring nor scaling). */
  get mean(): Float64Array | null {
    return this.state.mean;
  }

  /** Column population variances (null without withStd). */
  get variance(): Float64Array | null {
    return this.state.variance;
  }

  /** What each column is divided by: its standard deviation, or 1 for a constant column (null without withStd). */
  get scale(): Float64Array | null {
    return this.state.scale;
  }

  /** Non-missing values seen per column. */
  get nSamplesSeen(): Float64Array {
    return this.state.nSamplesSeen;
  }

  fit(X: Table): this {
    const width = numericWidth(X, "StandardScaler");
    const n = new Float64Array(width);
    const sum = new Float64Array(width);
    for (const row of X) {
      for (let j = 0; j < width; j++) {
        if (!Number.isNaN(row[j])) (n[j] += 1), (sum[j] += row[j]);
      }
    }
    const needStats = this.p.withMean || this.p.withStd;
    const mean = needStats ? sum.map((s, j) => s / n[j]) : null;
    let variance: Float64Array | null = null;
    let scale: Float64Array | null = null;
    if (this.p.withStd) {
      // Corrected two-pass variance (Chan, Golub & LeVeque): the correction term removes most of the
      // rounding error the first pass leaves in the mean.
      const correction = new Float64Array(width);
      const squares = new Float64Array(width);
      for (const row of X) {
        for (let j = 0; j < width; j++) {
          if (Number.isNaN(row[j])) continue;
          const d = row[j] - mean![j];
          correction[j] += d;
          squares[j] += d * d;
        }
      }
      variance = squares.map((s, j) => (s - (correction[j] * correction[j]) / n[j]) / n[j]);
      scale = variance.map((v, j) => {
        // A variance within rounding noise of zero means a constant column: scaling it would only amplify noise.
        const bound = n[j] * EPS * v + (n[j] * mean![j] * EPS) ** 2;
        return v <= bound ? 1 : Math.sqrt(v);
      });
    }
    this.fitted = { mean, variance, scale, nSamplesSeen: n };
    return this;
  }

  transform(X: Table): number[][] {
    const { mean, scale } = this.state;
    checkWidth(numericWidth(X, "StandardScaler"), this.state.nSamplesSeen.length, "StandardScaler");
    return X.map((row) =>
      row.map((v, j) => {
        let out = v;
        if (this.p.withMean) out -= mean![j];
        if (this.p.withStd) out /= scale![j];
        return out;
      }),
    );
  }

  fitTransform(X: Table): number[][] {
    return this.fit(X).transform(X);
  }

  /** Back to the original units. */
  inverseTransform(X: Table): number[][] {
    const { mean, scale } = this.state;
    checkWidth(numericWidth(X, "StandardScaler"), this.state.nSamplesSeen.length, "StandardScaler");
    return X.map((row) =>
      row.map((v, j) => {
        let out = v;
        if (this.p.withStd) out *= scale![j];
        if (this.p.withMean) out += mean![j];
        return out;
      }),
    );
  }
}
