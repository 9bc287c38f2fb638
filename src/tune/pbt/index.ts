// Population-based training: the scheduler (./population), its exploit/explore moves (./explore),
// the checkpoint contract a model needs (./resumable) and what a run leaves (./result).
export { populationBasedTraining, PbtError, type PbtOptions, type PbtRound, type RoundContext, type RoundResult } from "./population";
export { explore, quantiles, type ExploreOptions } from "./explore";
export { PbtResult, lineageFigure, type Member, type MemberRound, type LineageEvent } from "./result";
export { trainRounds, isResumable, type Resumable, type TrainRoundsOptions } from "./resumable";
