// Model evaluation metrics with scikit-learn's definitions: classification (labels and
// multi-label), ranking (ROC, precision-recall), probabilistic (log loss) and regression.
export {
  accuracy,
  subsetAccuracy,
  hammingLoss,
  confusionMatrix,
  multilabelConfusionMatrix,
  ConfusionMatrix,
  precisionRecallFscoreSupport,
  precision,
  recall,
  fbeta,
  f1,
  type Average,
  type AveragedScores,
  type Normalize,
  type PerLabelScores,
  type ScoreOptions,
  type ZeroDivision,
} from "./classification";
export { classificationReport, ClassificationReport, type ReportOptions, type ReportRow } from "./report";
export {
  auc,
  averagePrecision,
  precisionRecallCurve,
  rocAuc,
  rocCurve,
  type PrecisionRecallCurve,
  type RocAucOptions,
  type RocCurve,
  type ScoreAverage,
} from "./ranking";
export { logLoss, type LogLossOptions } from "./probabilistic";
export {
  meanAbsoluteError,
  meanSquaredError,
  rootMeanSquaredError,
  r2,
  type MultiOutput,
  type R2MultiOutput,
  type RegressionTarget,
} from "./regression";
export type { ClassTarget, Label, LabelVector, MultilabelTarget } from "./targets";
export type { MetricWarning, WarningHook } from "./warnings";
export { formatFixed } from "./render";
