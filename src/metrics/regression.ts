// Regression metrics (MAE, MSE, RMSE, R²) for one target or several (one column per output),
// following sklearn.metrics: per-output errors, then combined by `multioutput`.
import { InvalidInputError } from "../errors";
import { checkNonEmpty, checkSameLength } from "./targets";
import { type WarningHook, warn } from "./warnings";

export type RegressionTarget = readonly number[] | readonly (readonly number[])[];
/** "uniformAverage" (default) averages outputs, "rawValues" returns one number per output, an array weights them. */
export type MultiOutput = "uniformAverage" | "rawValues" | readonly number[];

/** Columns of a 1-D or 2-D target, checked to be finite and of matching shape. */
function columns(yTrue: RegressionTarget, yPred: RegressionTarget): [number[][], number[][]] {
  checkNonEmpty(yTrue, "y_true");
  checkNonEmpty(yPred, "y_pred");
  checkSameLength(yTrue, yPred, "y_true", "y_pred");
  const twoD = (y: RegressionTarget) => Array.isArray(y[0]);
  if (twoD(yTrue) !== twoD(yPred)) throw new InvalidInputError("y_true and y_pred must both be 1-D or both be 2-D (one column per output)");
  const cols = (y: RegressionTarget, name: string): number[][] => {
    const rows = twoD(y) ? (y as number[][]) : (y as number[]).map((v) => [v]);
    const w = rows[0].length;
    const out = Array.from({ length: w }, () => new Array<number>(rows.length));
    rows.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== w) throw new InvalidInputError(`${name}[${i}] must have ${w} outputs like ${name}[0]`);
      r.forEach((v, j) => {
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new InvalidInputError(`${name}[${i}]${twoD(y) ? `[${j}]` : ""} is ${v}: regression targets must be finite numbers (fill or drop missing values first)`);
        }
        out[j][i] = v;
      });
    });
    return out;
  };
  const t = cols(yTrue, "y_true");
  const p = cols(yPred, "y_pred");
  if (t.length !== p.length) throw new InvalidInputError(`y_true has ${t.length} outputs but y_pred has ${p.length}`);
  return [t, p];
}

function combine(perOutput: number[], multioutput: MultiOutput): number | number[] {
  if (multioutput === "rawValues") return perOutput;
  if (multioutput === "uniformAverage") return perOutput.reduce((a, b) => a + b, 0) / perOutput.length;
  if (!Array.isArray(multioutput)) {
    throw new InvalidInputError(`unknown multioutput ${JSON.stringify(multioutput)}: use "uniformAverage", "rawValues" or an array of weights`);
  }
  if (multioutput.length !== perOutput.length) {
    throw new InvalidInputError(`${multioutput.length} multioutput weights for ${perOutput.length} outputs: give one weight per output`);
  }
  const w = multioutput.reduce((a, b) => a + b, 0);
  return perOutput.reduce((a, v, j) => a + v * multioutput[j], 0) / w;
}

function sumOf(t: number[], p: number[], f: (d: number) => number): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) s += f(t[i] - p[i]);
  return s;
}

function meanOf(t: number[], p: number[], f: (d: number) => number): number {
  return sumOf(t, p, f) / t.length;
}

type Options = { multioutput?: MultiOutput };

export function meanAbsoluteError(yTrue: readonly number[], yPred: readonly number[], options?: Options & { multioutput?: "uniformAverage" | readonly number[] }): number;
export function meanAbsoluteError(yTrue: RegressionTarget, yPred: RegressionTarget, options?: Options): number | number[];
export function meanAbsoluteError(yTrue: RegressionTarget, yPred: RegressionTarget, options: Options = {}): number | number[] {
  const [t, p] = columns(yTrue, yPred);
  return combine(t.map((c, j) => meanOf(c, p[j], Math.abs)), options.multioutput ?? "uniformAverage");
}

export function meanSquaredError(yTrue: readonly number[], yPred: readonly number[], options?: Options & { multioutput?: "uniformAverage" | readonly number[] }): number;
export function meanSquaredError(yTrue: RegressionTarget, yPred: RegressionTarget, options?: Options): number | number[];
export function meanSquaredError(yTrue: RegressionTarget, yPred: RegressionTarget, options: Options = {}): number | number[] {
  const [t, p] = columns(yTrue, yPred);
  return combine(t.map((c, j) => meanOf(c, p[j], (d) => d * d)), options.multioutput ?? "uniformAverage");
}

/** Square root per output, then combined (so it is not the root of the averaged MSE). */
export function rootMeanSquaredError(yTrue: readonly number[], yPred: readonly number[], options?: Options & { multioutput?: "uniformAverage" | readonly number[] }): number;
export function rootMeanSquaredError(yTrue: RegressionTarget, yPred: RegressionTarget, options?: Options): number | number[];
export function rootMeanSquaredError(yTrue: RegressionTarget, yPred: RegressionTarget, options: Options = {}): number | number[] {
  const [t, p] = columns(yTrue, yPred);
  return combine(t.map((c, j) => Math.sqrt(meanOf(c, p[j], (d) => d * d))), options.multioutput ?? "uniformAverage");
}

export type R2MultiOutput = MultiOutput | "varianceWeighted";

/**
 * Coefficient of determination 1 − SS_res / SS_tot. A constant y_true gives 1 when predicted
 * exactly and 0 otherwise (sklearn's force_finite); fewer than two samples give NaN with a warning.
 */
export function r2(yTrue: readonly number[], yPred: readonly number[], options?: { multioutput?: "uniformAverage" | "varianceWeighted" | readonly number[]; onWarning?: WarningHook }): number;
export function r2(yTrue: RegressionTarget, yPred: RegressionTarget, options?: { multioutput?: R2MultiOutput; onWarning?: WarningHook }): number | number[];
export function r2(
  yTrue: RegressionTarget,
  yPred: RegressionTarget,
  options: { multioutput?: R2MultiOutput; onWarning?: WarningHook } = {},
): number | number[] {
  const [t, p] = columns(yTrue, yPred);
  const multioutput = options.multioutput ?? "uniformAverage";
  if (t[0].length < 2) {
    warn(options.onWarning, "UndefinedMetricWarning", "R^2 score is not well-defined with less than two samples.");
    return NaN;
  }
  const numerators = t.map((c, j) => sumOf(c, p[j], (d) => d * d));
  const denominators = t.map((c) => {
    const mean = c.reduce((a, b) => a + b, 0) / c.length;
    return c.reduce((a, v) => a + (v - mean) ** 2, 0);
  });
  const scores = numerators.map((num, j) => {
    const den = denominators[j];
    if (den !== 0) return 1 - num / den;
    return num === 0 ? 1 : 0;
  });
  if (multioutput === "varianceWeighted") {
    const total = denominators.reduce((a, b) => a + b, 0);
    // All outputs constant: no variance to weight by, so fall back to the plain mean.
    if (total === 0) return combine(scores, "uniformAverage");
    return combine(scores, denominators);
  }
  return combine(scores, multioutput);
}
