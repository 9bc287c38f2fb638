// Hyperparameter search: studies of one objective or several, samplers (grid, random, TPE, GP,
// CMA-ES, NSGA-II), pruners (median, ASHA, Hyperband), every trial a tracked run. Modelled on Optuna's seams; works from a plain Node script.
export * from "./types";
export { uniform, logUniform, int, choice, toSpace, SpaceError, type Dist } from "./space";
export { createStudy, optimizeInProcesses, Study, Trial, TrialPruned, StudySummary, type StudyOptions, type Objective, type OptimizeOptions, type ProcessOptions } from "./study";
export { StudyError } from "./storage";
export { paretoFront, paretoFigure, paretoView, hypervolume, nonDominatedSort, crowdingDistance, dominates } from "./pareto";
export { historyFigure, parallelCoordinatesFigure, importanceFigure, intermediateFigure, importances } from "./views";
export * from "./samplers";
export * from "./pruners";
export { sliceFigure, contourFigure, edfFigure } from "./plots";
export { fanovaImportances, type FanovaOptions } from "./fanova";
export { paramImportances, varianceImportances, IMPORTANCE_METHODS, type ImportanceMethod, type ImportanceOptions } from "./importance";
export { populationBasedTraining, trainRounds, isResumable, PbtError, PbtResult, explore as pbtExplore, quantiles as pbtQuantiles, type PbtOptions, type PbtRound, type RoundContext, type RoundResult, type Resumable, type TrainRoundsOptions, type Member as PbtMember, type LineageEvent } from "./pbt";
export { listStudies, studyReport, studyStorageOf, type StudyReport, type StudyListing, type TrialOverview, type StudyFigureKey } from "./studyReport";
export { headlessSweep, formatSweepReport, gateOf, SweepUsageError, type HeadlessSweepOptions, type SweepReport, type Gate } from "./headless";
export { loadObjectiveModule, ObjectiveModuleError } from "./objectiveModule";
