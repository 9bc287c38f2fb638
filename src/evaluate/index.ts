// Evaluating a fitted model on held-out data in one call (mlflow.evaluate's counterpart): metrics,
// figures and tables by task, logged to the active run, shown inline.
export { evaluate, type EvaluateOptions } from "./evaluate";
export { EvaluationResult, type EvaluationFields, type Task as EvaluationTask } from "./result";
export { calibrationCurve, calibrationFigure, expectedCalibrationError, type CalibrationCurve } from "./calibration";
export { maxError, meanAbsolutePercentageError } from "./regression";
export type { LabelCurves } from "./curves";
export type { TableValue } from "./findings";
export type { FeatureNames, Importance } from "./importance";
