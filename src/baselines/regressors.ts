// The simple models `%baseline` ranks beside the dummies on a numeric target: linear regression,
// ridge, a shallow decision tree and boosted trees with default settings, on the table's numeric
// columns. A model worth its cost beats these; one that cannot beat the mean has learned nothing.
import { InvalidInputError } from "../errors";
import { DecisionTreeRegressor, HistGradientBoostingRegressor, LinearRegression, Ridge } from "../models";
import { type TableLike, column, columnNames } from "./table";

/** Rows of numeric features for the training and the held-out part, missing values imputed. */
export interface FeatureRows {
  names: string[];
  train: number[][];
  test: number[][];
}

const isMissing = (v: unknown) => v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));

/**
 * The numeric columns to learn from: `chosen`, each checked, or else every column but the excluded
 * ones whose values are all numbers (or missing) with at least one present.
 */
export function numericColumns(table: TableLike, exclude: readonly string[], chosen?: readonly string[]): string[] {
  if (chosen) {
    for (const name of chosen) {
      if (exclude.includes(name)) throw new InvalidInputError(`'${name}' is the target or the text column, not a feature: leave it out of features`);
      const values = column(table, name);
      const i = values.findIndex((v) => !isMissing(v) && (typeof v !== "number" || !Number.isFinite(v)));
      if (i >= 0) throw new InvalidInputError(`the feature column '${name}' holds ${JSON.stringify(values[i])} in row ${i}: features are numbers (encode categories first, e.g. with OneHotEncoder, into numeric columns)`);
    }
    return [...chosen];
  }
  return columnNames(table).filter((name) => {
    if (exclude.includes(name)) return false;
    const values = column(table, name);
    return values.some((v) => !isMissing(v)) && values.every((v) => isMissing(v) || (typeof v === "number" && Number.isFinite(v)));
  });
}

/** Rows of the named columns; a missing value becomes its column's training mean (0 if none). */
export function featureRows(names: readonly string[], train: { table: TableLike; rows: readonly number[] }, test: { table: TableLike; rows: readonly number[] }): FeatureRows {
  const read = (part: typeof train) => {
    const cols = names.map((n) => column(part.table, n));
    return part.rows.map((i) => cols.map((c) => (isMissing(c[i]) ? NaN : (c[i] as number))));
  };
  const Xtrain = read(train);
  const Xtest = read(test);
  const means = names.map((_, j) => {
    const present = Xtrain.map((r) => r[j]).filter((v) => !Number.isNaN(v));
    return present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0;
  });
  const impute = (rows: number[][]) => rows.map((r) => r.map((v, j) => (Number.isNaN(v) ? means[j] : v)));
  return { names: [...names], train: impute(Xtrain), test: impute(Xtest) };
}

export interface SimpleRegressor {
  name: string;
  model: string;
  params: Record<string, unknown>;
  fitPredict(X: FeatureRows, y: readonly number[]): number[];
}

/** The simple regressors, seeded where they draw at random. */
export function simpleRegressors(seed: number): SimpleRegressor[] {
  const make = <P extends object>(name: string, model: string, params: P, build: (p: P) => { fit(X: number[][], y: readonly number[]): { predict(X: number[][]): number[] } }): SimpleRegressor => ({
    name,
    model,
    params: { ...params } as Record<string, unknown>,
    fitPredict: (X, y) => build(params).fit(X.train, y).predict(X.test),
  });
  return [
    make("linear_regression", "LinearRegression", {}, (p) => new LinearRegression(p)),
    make("ridge", "Ridge", { alpha: 1 }, (p) => new Ridge(p)),
    make("decision_tree", "DecisionTreeRegressor", { maxDepth: 3, randomState: seed }, (p) => new DecisionTreeRegressor(p)),
    make("hist_gradient_boosting", "HistGradientBoostingRegressor", { randomState: seed }, (p) => new HistGradientBoostingRegressor(p)),
  ];
}
