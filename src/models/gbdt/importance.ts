// Which features a boosted model leans on, read off its splits the way XGBoost reports it: gain
// (mean loss reduction of the splits on a feature), total gain, split count, and cover (mean hessian
// sum of the rows those splits saw), with names from the vectorizer, and a bar figure of the top.
import { InvalidInputError } from "../../errors";
import { type Figure, metricBars } from "../../display/figures";
import type { Forest } from "./forest";

export type ImportanceType = "gain" | "totalGain" | "split" | "cover" | "totalCover";

export interface FeatureImportance {
  /** Column index. */
  feature: number;
  /** The column's name (featureNames[feature]), or f<index> as XGBoost names unnamed columns. */
  name: string;
  value: number;
}

const TYPES: readonly ImportanceType[] = ["gain", "totalGain", "split", "cover", "totalCover"];

/** Importance of every feature some split uses, most important first (ties: lower index first). */
export function featureImportances(model: { forest: Forest; nFeatures: number }, type: ImportanceType = "gain", options: { featureNames?: readonly string[]; top?: number } = {}): FeatureImportance[] {
  if (!TYPES.includes(type)) throw new InvalidInputError(`unknown importance type ${JSON.stringify(type)}: use one of ${TYPES.map((t) => JSON.stringify(t)).join(", ")}`);
  const { forest, nFeatures } = model;
  const names = options.featureNames;
  if (names !== undefined && names.length !== nFeatures) {
    throw new InvalidInputError(`featureNames has ${names.length} names but the model has ${nFeatures} features: pass the vectorizer's getFeatureNamesOut() of the fitted columns`);
  }
  const splits = new Float64Array(nFeatures);
  const gain = new Float64Array(nFeatures);
  const cover = new Float64Array(nFeatures);
  for (let node = 0; node < forest.feature.length; node++) {
    const f = forest.feature[node];
    if (f < 0) continue;
    splits[f]++;
    gain[f] += forest.gain[node];
    cover[f] += forest.cover[node];
  }
  const value = (f: number) =>
    type === "split" ? splits[f] : type === "totalGain" ? gain[f] : type === "totalCover" ? cover[f] : type === "gain" ? gain[f] / splits[f] : cover[f] / splits[f];
  const out: FeatureImportance[] = [];
  for (let f = 0; f < nFeatures; f++) if (splits[f] > 0) out.push({ feature: f, name: names ? names[f] : `f${f}`, value: value(f) });
  out.sort((a, b) => b.value - a.value || a.feature - b.feature);
  return options.top === undefined ? out : out.slice(0, options.top);
}

/** A plotly bar chart of the top features (most important on top). */
export function importanceBars(importances: readonly FeatureImportance[], options: { type?: ImportanceType; top?: number; title?: string } = {}): Figure {
  const shown = importances.slice(0, options.top ?? 20);
  if (shown.length === 0) throw new InvalidInputError("no feature is used by any split (every tree is a single leaf): nothing to rank");
  const type = options.type ?? "gain";
  return metricBars(shown.map((r) => ({ name: r.name, value: r.value })), { title: options.title ?? `Top ${shown.length} features by ${type}`, xTitle: type, goal: "max" });
}
