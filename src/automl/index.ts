// AutoML: model families, their hyperparameters and the text features searched under a time
// budget, cross-validated, with a leaderboard; the winner refitted, evaluated and registered.
export { automl, planColumns, chooseFamilies, type AutoMLOptions } from "./automl";
export { AutoMLResult, type FamilyRow } from "./result";
export { AutoMLPipeline } from "./pipeline";
export { Featurizer, columnSource, type FeaturizerSettings } from "./featurizer";
export { FAMILIES, familyNames, type Family, type Task as AutoMLTask } from "./families";
