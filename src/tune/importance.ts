// Which parameters mattered: fANOVA (Optuna's FanovaImportanceEvaluator, the default) or the
// cheaper η² (the share of the objective's variance each parameter's bins explain on their own).
import { fanovaImportances, type FanovaOptions } from "./fanova";
import { oneOf } from "./options";
import type { FrozenTrial, Space } from "./types";

export const IMPORTANCE_METHODS = ["fanova", "variance"] as const;
export type ImportanceMethod = (typeof IMPORTANCE_METHODS)[number];

export interface ImportanceOptions extends FanovaOptions {
  method?: ImportanceMethod;
}

/**
 * Each parameter's importance over the complete trials, summing to one, most important first
 * (as optuna.importance.get_param_importances). fANOVA is seeded with 0 unless told otherwise,
 * so the same trials always give the same answer.
 */
export function paramImportances(space: Space, trials: readonly FrozenTrial[], options: ImportanceOptions = {}): Record<string, number> {
  const { method = "fanova", ...fanova } = options;
  if (oneOf("importance method", method, IMPORTANCE_METHODS) === "variance") {
    return Object.fromEntries(Object.entries(varianceImportances(space, trials)).sort((a, b) => b[1] - a[1]));
  }
  return fanovaImportances(space, trials, { seed: 0, ...fanova });
}

/**
 * How much of the objective's variance each parameter explains on its own (η², the correlation
 * ratio over bins of the parameter), normalised to sum to one. Cheaper than fANOVA, and says the
 * same thing for the usual few-parameter sweeps.
 */
export function varianceImportances(space: Space, trials: readonly FrozenTrial[]): Record<string, number> {
  const done = trials.filter((t) => t.state === "complete" && t.value !== null && Number.isFinite(t.value));
  const raw: Record<string, number> = {};
  if (done.length < 3) return raw;
  const mean = done.reduce((a, t) => a + t.value!, 0) / done.length;
  const total = done.reduce((a, t) => a + (t.value! - mean) ** 2, 0);
  for (const spec of space) {
    const groups = new Map<string, number[]>();
    const nums = done.map((t) => t.params[spec.name]).filter((v): v is number => typeof v === "number");
    const lo = Math.min(...nums), hi = Math.max(...nums);
    const bins = Math.max(2, Math.min(8, Math.round(Math.sqrt(done.length))));
    for (const t of done) {
      const v = t.params[spec.name];
      let key: string;
      if (v === undefined) key = "(inactive)";
      else if (spec.dist.kind === "categorical" || typeof v !== "number" || hi === lo) key = JSON.stringify(v);
      else {
        const x = spec.dist.log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
        key = String(Math.min(bins - 1, Math.floor(x * bins)));
      }
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(t.value!);
    }
    let between = 0;
    for (const g of groups.values()) {
      const m = g.reduce((a, b) => a + b, 0) / g.length;
      between += g.length * (m - mean) ** 2;
    }
    raw[spec.name] = total > 0 ? between / total : 0;
  }
  const sum = Object.values(raw).reduce((a, b) => a + b, 0);
  for (const k of Object.keys(raw)) raw[k] = sum > 0 ? raw[k] / sum : 0;
  return raw;
}
