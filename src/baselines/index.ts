// Baselines: models that ignore the features, the bar every real model has to clear.
export {
  DummyClassifier,
  DummyRegressor,
  type DummyClassifierParams,
  type DummyClassifierStrategy,
  type DummyRegressorParams,
  type DummyRegressorStrategy,
} from "./dummy";
