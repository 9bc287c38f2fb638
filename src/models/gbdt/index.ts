// Gradient-boosted decision trees in pieces, as LightGBM and XGBoost split them: bins (compact
// codes, dense or sparse), histograms, the split finder, the tree grower, the objective, the
// boosting loop, and what models built on them share (params, state, importance).
export { type BinnedMatrix, type BinLayout, binDense, binSparse } from "./bins";
export { HistogramBuilder, type Histogram } from "./histogram";
export { findSplit, leafWeight, type Split, type SplitRules } from "./split";
export { TreeGrower, type GrowerParams } from "./grower";
export { type Objective, type Target, binaryLogistic, perLabelLogistic, softmax, squaredError, absoluteError, poisson } from "./objective";
export { boost, stalled, type BoostParams, type Boosted, type ValidationSet } from "./booster";
export { type Forest, type ScoredRows, addTreeScores } from "./forest";
export { GRADIENT_BOOSTING_DEFAULTS, resolveParams, boostParams, categoricalMask, type GradientBoostingParams, type GradientBoostingAliases } from "./params";
export { type BoostedState, readFeatures, binRows, categoriesOf, withKnownCategories, nRowsOf, selectRows, rawScores, contributionRows, lossLogger, stateToJSON, stateFromJSON } from "./model";
export { featureImportances, importanceBars, type ImportanceType, type FeatureImportance } from "./importance";
export { contributions } from "./shap";
export { toXGBoostJSON, fromXGBoostJSON, stringifyXGBoost, type XGBoostObjective, type LoadedXGBoost } from "./xgboost";
