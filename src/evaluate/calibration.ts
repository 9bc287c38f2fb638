// Reliability of predicted probabilities: sklearn.calibration.calibration_curve with uniform bins
// (the fraction of positives against the mean predicted probability in each non-empty bin), and
// its reliability diagram.
import { InvalidInputError } from "../errors";
import { Figure } from "../display/figures";

export interface CalibrationCurve {
  /** Fraction of positives in each non-empty bin. */
  probTrue: number[];
  /** Mean predicted probability in each non-empty bin. */
  probPred: number[];
  /** Samples in each non-empty bin. */
  counts: number[];
}

/**
 * Bins [0, 0.1], (0.1, 0.2], … (nBins equal widths, a value on an edge in the lower bin, as
 * numpy's searchsorted puts it); `positive` is 1/true for a positive sample.
 */
export function calibrationCurve(positive: ArrayLike<number | boolean>, prob: ArrayLike<number>, options: { nBins?: number } = {}): CalibrationCurve {
  const nBins = options.nBins ?? 10;
  if (!Number.isInteger(nBins) || nBins < 1) throw new InvalidInputError(`nBins must be a whole number ≥ 1 (got ${nBins})`);
  if (positive.length !== prob.length) throw new InvalidInputError(`${positive.length} targets but ${prob.length} probabilities: give one probability per sample`);
  // The inner edges as numpy.linspace(0, 1, nBins + 1)[1:-1] computes them (i · step), so ties land alike.
  const step = 1 / nBins;
  const edges = Array.from({ length: nBins - 1 }, (_, i) => (i + 1) * step);
  const sums = new Float64Array(nBins);
  const trues = new Float64Array(nBins);
  const totals = new Float64Array(nBins);
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i];
    if (!(p >= 0 && p <= 1)) throw new InvalidInputError(`probability ${p} at row ${i} is outside [0, 1]: pass probabilities (predictProba), not scores`);
    let bin = 0;
    while (bin < edges.length && edges[bin] < p) bin++;
    sums[bin] += p;
    trues[bin] += positive[i] ? 1 : 0;
    totals[bin]++;
  }
  const out: CalibrationCurve = { probTrue: [], probPred: [], counts: [] };
  for (let b = 0; b < nBins; b++) {
    if (totals[b] === 0) continue;
    out.probTrue.push(trues[b] / totals[b]);
    out.probPred.push(sums[b] / totals[b]);
    out.counts.push(totals[b]);
  }
  return out;
}

/** One reliability line per class or label, against the diagonal of perfect calibration. */
export function calibrationFigure(curves: readonly { name: string; curve: CalibrationCurve }[], title = "Calibration (reliability diagram)"): Figure {
  const data: unknown[] = curves.map(({ name, curve }) => ({
    type: "scatter", mode: "lines+markers", name, x: curve.probPred, y: curve.probTrue, customdata: curve.counts,
    hovertemplate: `${name}<br>mean predicted %{x:.3f}<br>fraction positive %{y:.3f}<br>%{customdata} samples<extra></extra>`,
  }));
  data.push({ type: "scatter", mode: "lines", name: "perfectly calibrated", x: [0, 1], y: [0, 1], line: { dash: "dot", color: "gray" }, hoverinfo: "skip" });
  const summary = [`${title}:`, ...curves.map(({ name, curve }) => `  ${name}: ${curve.counts.length} bins, expected calibration error ${expectedCalibrationError(curve).toFixed(4)}`)].join("\n");
  return new Figure({
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: "mean predicted probability" }, range: [0, 1] },
      yaxis: { title: { text: "fraction of positives" }, range: [0, 1.02] },
      height: 400,
    },
  }, summary);
}

/** Σ over bins of (bin share) · |fraction positive − mean predicted|: the gap the diagram shows, as one number. */
export function expectedCalibrationError(curve: CalibrationCurve): number {
  const n = curve.counts.reduce((a, b) => a + b, 0);
  return curve.counts.reduce((a, k, i) => a + (k / n) * Math.abs(curve.probTrue[i] - curve.probPred[i]), 0);
}
