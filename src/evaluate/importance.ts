// Which features a model leans on, read from what the model exposes: TreeSHAP contributions on
// the evaluated rows (boosted trees: mean |SHAP| per feature), else its own importances (split
// gain), else the coefficients of a linear model. Names come from featureNames or a vectoriser.
import { InvalidInputError } from "../errors";
import { metricBars, type Figure } from "../display/figures";
import { rowCount, takeRows } from "../data/table";
import type { TableValue } from "./findings";

/** Column names, or something that knows them (a fitted TfidfVectorizer, OneHotEncoder, …). */
export type FeatureNames = readonly string[] | { getFeatureNamesOut(): string[] };

export interface Importance {
  /** How the values were measured: "mean |SHAP|", "gain" or "coefficient" (signed) / "mean |coefficient|". */
  kind: string;
  /** Most important first: by value, or by |value| for signed coefficients. */
  features: { feature: number; name: string; value: number }[];
}

/** The names as a list, checked against the model's width when it is known. */
function namesOf(names: FeatureNames | undefined, nFeatures: number | null): string[] | undefined {
  if (names === undefined) return undefined;
  const list = Array.isArray(names) ? names : typeof (names as { getFeatureNamesOut?: unknown }).getFeatureNamesOut === "function" ? (names as { getFeatureNamesOut(): string[] }).getFeatureNamesOut() : null;
  if (list === null) throw new InvalidInputError("featureNames must be an array of column names or a fitted vectoriser (something with getFeatureNamesOut())");
  if (nFeatures !== null && list.length !== nFeatures) {
    throw new InvalidInputError(`featureNames has ${list.length} names but the model has ${nFeatures} features: pass the names of the columns it was fitted on (e.g. the vectoriser's getFeatureNamesOut())`);
  }
  return list.map(String);
}

type Model = Record<string, unknown>;

/** Up to `limit` rows spread evenly over X, for TreeSHAP (its cost grows with rows × trees × depth²). */
function spreadRows<X>(X: X, limit: number): X {
  const n = rowCount(X);
  if (n <= limit) return X;
  return takeRows(X, Array.from({ length: limit }, (_, k) => Math.floor((k * n) / limit)));
}

/** The model's feature importances on X, or null when it exposes none. */
export function featureImportance(model: unknown, X: unknown, options: { featureNames?: FeatureNames; shapSamples: number }): Importance | null {
  const m = model as Model;
  const rank = (values: ArrayLike<number>, names: string[] | undefined, signed: boolean) =>
    Array.from(values, (value, feature) => ({ feature, name: names?.[feature] ?? `f${feature}`, value }))
      .filter((f) => f.value !== 0)
      .sort((a, b) => (signed ? Math.abs(b.value) - Math.abs(a.value) : b.value - a.value) || a.feature - b.feature);

  if (typeof m.contributions === "function" && options.shapSamples > 0) {
    // out[i][k] holds one value per feature and, last, the bias, per output k.
    const contributions = (m.contributions as (X: unknown) => number[][][]).call(model, spreadRows(X, options.shapSamples));
    const width = contributions[0]?.[0]?.length ?? 1;
    const sums = new Float64Array(width - 1);
    for (const row of contributions) for (const output of row) for (let j = 0; j < width - 1; j++) sums[j] += Math.abs(output[j]);
    for (let j = 0; j < sums.length; j++) sums[j] /= Math.max(contributions.length, 1);
    return { kind: "mean |SHAP|", features: rank(sums, namesOf(options.featureNames, sums.length), false) };
  }
  if (typeof m.featureImportances === "function") {
    // The model checks the names against its width and names unnamed columns f0, f1, … itself.
    const importances = m.featureImportances as (type: string, o: { featureNames?: readonly string[] }) => { feature: number; name: string; value: number }[];
    const features = importances.call(model, "gain", { featureNames: namesOf(options.featureNames, null) });
    return { kind: "gain", features: features.map(({ feature, name, value }) => ({ feature, name, value })) };
  }
  let coef: unknown;
  try {
    coef = m.coef;
  } catch {
    return null; // not fitted: predict would have said so already
  }
  if (Array.isArray(coef) && coef.length) {
    if (typeof coef[0] === "number") return { kind: "coefficient", features: rank(coef as number[], namesOf(options.featureNames, coef.length), true) };
    const rows = coef as number[][];
    if (rows.length === 1) return { kind: "coefficient", features: rank(rows[0], namesOf(options.featureNames, rows[0].length), true) };
    const mean = rows[0].map((_, j) => rows.reduce((a, r) => a + Math.abs(r[j]), 0) / rows.length);
    return { kind: "mean |coefficient|", features: rank(mean, namesOf(options.featureNames, mean.length), false) };
  }
  return null;
}

export function importanceTable(importance: Importance): TableValue {
  return { columns: ["feature", "index", importance.kind], data: importance.features.map((f) => [f.name, f.feature, f.value]) };
}

/** The top features as horizontal bars, the most important on top. */
export function importanceFigure(importance: Importance, top: number): Figure {
  const shown = importance.features.slice(0, top);
  const signed = importance.kind === "coefficient";
  const bars = metricBars(shown.map((f) => ({ name: f.name, value: signed ? Math.abs(f.value) : f.value })), {
    title: `Top ${shown.length} features by ${signed ? "|coefficient|" : importance.kind}`, xTitle: signed ? "|coefficient|" : importance.kind, goal: "max",
  });
  if (signed) {
    // Colour by sign: a coefficient pushes towards the positive class (or a larger value) or away from it.
    const trace = bars.spec.data[0] as { y: string[]; marker: { color: string[] }; text: string[] };
    const byName = new Map(shown.map((f) => [f.name, f.value]));
    trace.marker.color = trace.y.map((name) => ((byName.get(name) ?? 0) >= 0 ? "#1f77b4" : "#d62728"));
    trace.text = trace.y.map((name) => (byName.get(name) ?? 0).toPrecision(3));
  }
  return bars;
}
