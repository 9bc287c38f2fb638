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
