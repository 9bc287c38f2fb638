// Baselines: models that ignore the features, the bar every real model has to clear.
export {
  DummyClassifier,
  DummyRegressor,
  type DummyClassifierParams,
  type DummyClassifierStrategy,
  type DummyRegressorParams,
  type DummyRegressorStrategy,
} from "./dummy";
export { KeywordRuleClassifier, parseRules, compileRules, formatRule, RuleSyntaxError, type KeywordRule, type KeywordRuleParams, type RuleDecision, type RuleExplanation, type RuleFiring } from "./rules";
export { labelSample, stratifiedSample, parseChoice, type LabelingOptions, type LabelingResult, type LabelingAnswer } from "./human";
export { Leaderboard, leaderboard, humanReference, kindOf, latestPerName, type LeaderboardRow, type LeaderboardOptions, type HumanReferenceOptions, type RowKind } from "./leaderboard";
export { runBaselines, inferTask, holdOut, scoreBaseline, BaselineReport, METRICS as BASELINE_METRICS, type BaselineOptions, type BaselineResult, type Task } from "./suite";
export type { TableLike, ColumnTable, DataFrameLike } from "./table";
