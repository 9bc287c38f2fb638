// ROC, precision-recall and calibration curves of binary problems: the positive class of a binary
// model, each class against the rest, or each label of a multi-label model. One place computes
// them, so the numbers in `result.curves` are the ones the figures draw.
import type { Label } from "../labels";
import { auc, averagePrecision, precisionRecallCurve, rocCurve, type PrecisionRecallCurve, type RocCurve } from "../metrics";
import { prFigure, rocFigure } from "../display/figures";
import { calibrationCurve, calibrationFigure, expectedCalibrationError, type CalibrationCurve } from "./calibration";
import type { Findings } from "./findings";

/** One binary problem: which samples are positive, and the model's probability that they are. */
export interface BinaryProblem {
  label: Label;
  positive: readonly number[];
  score: readonly number[];
}

export interface LabelCurves {
  label: Label;
  /** Positive samples in y. */
  support: number;
  roc: RocCurve & { auc: number };
  pr: PrecisionRecallCurve & { averagePrecision: number };
  calibration: CalibrationCurve & { expectedCalibrationError: number };
}

const quiet = () => {};

/**
 * Curves of every problem that has both positive and negative samples (the others are named in
 * the notes), and their figures added to `into`; at most `maxCurves` lines per figure.
 */
export function binaryCurves(problems: readonly BinaryProblem[], options: { nBins: number; maxCurves: number }, into: Findings): LabelCurves[] {
  const out: LabelCurves[] = [];
  for (const p of problems) {
    const support = p.positive.reduce((a, b) => a + b, 0);
    if (support === 0 || support === p.positive.length) {
      into.notes.push(`no ROC, precision-recall or calibration curve for ${JSON.stringify(p.label)}: y has ${support === 0 ? "no" : "only"} samples of it`);
      continue;
    }
    const roc = rocCurve(p.positive, p.score, { posLabel: 1, onWarning: quiet });
    const pr = precisionRecallCurve(p.positive, p.score, { posLabel: 1, onWarning: quiet });
    const calibration = calibrationCurve(p.positive, p.score, { nBins: options.nBins });
    out.push({
      label: p.label,
      support,
      roc: { ...roc, auc: auc(roc.fpr, roc.tpr) },
      pr: { ...pr, averagePrecision: averagePrecision(p.positive, p.score, { onWarning: quiet }) },
      calibration: { ...calibration, expectedCalibrationError: expectedCalibrationError(calibration) },
    });
  }
  if (!out.length) return out;
  if (out.length > options.maxCurves) {
    into.notes.push(`${out.length} classes: the ROC, precision-recall and calibration figures are left out above maxCurveClasses (${options.maxCurves}); their numbers are in result.curves`);
    return out;
  }
  const drawn = problems.filter((p) => out.some((c) => c.label === p.label));
  const inputs = drawn.map((p) => ({ yTrue: p.positive as number[], yScore: p.score as number[], posLabel: 1, name: String(p.label) }));
  into.figures.roc_curve = rocFigure(inputs);
  into.figures.pr_curve = prFigure(inputs);
  into.figures.calibration_curve = calibrationFigure(out.map((c) => ({ name: String(c.label), curve: c.calibration })));
  return out;
}
