// Models that learn from features: linear (logistic regression), naive Bayes, trees and
// gradient-boosted trees, all speaking the estimator contract of ./estimator and saving to JSON.
export type { Estimator, Classifier, Regressor, Transformer, Samples } from "./estimator";
export { LogisticRegression, type LogisticRegressionParams } from "./logistic";
export { modelFromJSON, MODEL_FORMAT, type SerializedModel } from "./serialize";
export type { DenseMatrix, Features } from "./input";
export { MultinomialNB, type MultinomialNBParams } from "./naiveBayes";
export { DecisionTreeClassifier, type DecisionTreeClassifierParams, type SplitCriterion } from "./tree";
export { DecisionTreeRegressor, type DecisionTreeRegressorParams } from "./treeRegressor";
export { HistGradientBoostingClassifier, type HistGradientBoostingClassifierParams, type HistGradientBoostingFitOptions } from "./histGradientBoosting";
export { OneVsRestClassifier, type OneVsRestParams, type BinaryClassifier } from "./oneVsRest";
export { HistGradientBoostingRegressor, type HistGradientBoostingRegressorParams, type HistGradientBoostingRegressorFitOptions, type RegressionLoss } from "./histGradientBoostingRegressor";
export { featureImportances, importanceBars, type ImportanceType, type FeatureImportance } from "./gbdt";
export { permutationImportance, type PermutationImportance, type PermutationImportanceOptions } from "./permutation";
export { autolog, type AutologSettings } from "./autolog";
export { LinearRegression, Ridge, Lasso, type LinearRegressionParams, type RidgeParams, type LassoParams } from "./linear";
export { KNeighborsClassifier, KNeighborsRegressor, type KNeighborsParams } from "./neighbors";
