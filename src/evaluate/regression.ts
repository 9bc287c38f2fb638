// Evaluating a regressor, as mlflow.evaluate's regressor evaluator does: MAE, MSE, RMSE, R², max
// error and MAPE (sklearn's definitions), residuals against the prediction, predicted against true,
// and the rows it misses by most.
import { meanAbsoluteError, meanSquaredError, r2, rootMeanSquaredError, type MetricWarning } from "../metrics";
import { Figure } from "../display/figures";
import { byScoreDescending, emptyFindings, worstTable, type ExampleColumns, type Findings } from "./findings";

export interface RegressionInput {
  y: readonly number[];
  pred: readonly number[];
  worst: number;
  examples: ExampleColumns;
}

/** The largest absolute error (sklearn's max_error). */
export function maxError(y: readonly number[], pred: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i] - pred[i]));
  return worst;
}

/**
 * Mean of |y − ŷ| / |y| (sklearn's mean_absolute_percentage_error, a fraction, not per cent).
 * sklearn divides by max(|y|, machine epsilon), which turns a zero target into an error of about
 * 10¹⁶; here a zero target makes it undefined: null.
 */
export function meanAbsolutePercentageError(y: readonly number[], pred: readonly number[]): number | null {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 0) return null;
    sum += Math.abs(y[i] - pred[i]) / Math.abs(y[i]);
  }
  return sum / y.length;
}

/** Most points a scatter draws: past it every k-th row is shown (and the title says so). */
const MAX_POINTS = 5000;

function shownRows(n: number): { rows: number[]; note: string } {
  if (n <= MAX_POINTS) return { rows: Array.from({ length: n }, (_, i) => i), note: "" };
  const stride = Math.ceil(n / MAX_POINTS);
  const rows = Array.from({ length: Math.ceil(n / stride) }, (_, k) => k * stride);
  return { rows, note: ` (every ${stride}th of ${n} rows)` };
}

/** Smallest and largest value (spread arguments overflow the stack on large arrays). */
function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

export function evaluateRegressor(input: RegressionInput): Findings {
  const { y, pred } = input;
  const found = emptyFindings();
  const onWarning = (w: MetricWarning) => void (found.notes.includes(w.message) || found.notes.push(w.message));
  const m = found.metrics;
  m.mae = meanAbsoluteError(y, pred);
  m.mse = meanSquaredError(y, pred);
  m.rmse = rootMeanSquaredError(y, pred);
  m.r2 = r2(y, pred, { onWarning });
  m.max_error = maxError(y, pred);
  const mape = meanAbsolutePercentageError(y, pred);
  if (mape === null) found.notes.push("mape is left out: y holds 0, where a percentage error is undefined");
  else m.mape = mape;

  const residual = y.map((v, i) => v - pred[i]);
  const { rows, note } = shownRows(y.length);
  const [lo, hi] = extent([...y, ...pred]);
  const [pLo, pHi] = extent(pred);
  const mean = residual.reduce((a, b) => a + b, 0) / residual.length;
  found.figures.residuals = new Figure({
    data: [
      { type: "scatter", mode: "markers", name: "residual", x: rows.map((i) => pred[i]), y: rows.map((i) => residual[i]), customdata: rows, marker: { size: 5, opacity: 0.6 },
        hovertemplate: "row %{customdata}<br>predicted %{x:.4g}<br>true − predicted %{y:.4g}<extra></extra>" },
      { type: "scatter", mode: "lines", name: "zero", x: [pLo, pHi], y: [0, 0], line: { dash: "dash", color: "gray" }, hoverinfo: "skip" },
    ],
    layout: { title: { text: `Residuals${note}` }, xaxis: { title: { text: "predicted" } }, yaxis: { title: { text: "true − predicted" } }, height: 400, showlegend: false },
  }, `Residuals: ${y.length} rows, mean ${mean.toPrecision(4)}, largest |residual| ${m.max_error.toPrecision(4)}`);
  found.figures.predicted_vs_true = new Figure({
    data: [
      { type: "scatter", mode: "markers", name: "rows", x: rows.map((i) => y[i]), y: rows.map((i) => pred[i]), customdata: rows, marker: { size: 5, opacity: 0.6 },
        hovertemplate: "row %{customdata}<br>true %{x:.4g}<br>predicted %{y:.4g}<extra></extra>" },
      { type: "scatter", mode: "lines", name: "predicted = true", x: [lo, hi], y: [lo, hi], line: { dash: "dash", color: "gray" }, hoverinfo: "skip" },
    ],
    layout: { title: { text: `Predicted vs true${note}` }, xaxis: { title: { text: "true" } }, yaxis: { title: { text: "predicted" } }, height: 400, showlegend: false },
  }, `Predicted vs true: ${y.length} rows, R² ${m.r2.toPrecision(4)}`);

  const order = byScoreDescending(y.map((_, i) => i), (i) => Math.abs(residual[i]));
  found.tables.worst_errors = worstTable(order, input.worst, (i) => ({ true: y[i], predicted: pred[i], error: residual[i] }), input.examples);
  return found;
}
