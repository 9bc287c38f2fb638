// The signal that ends a trial as pruned: in a module of its own so that code outside tune/ (the
// cross-validated objective in train/) can throw it without loading a study.

/** Throw this from an objective (or return after trial.shouldPrune()) to end a trial as pruned. */
export class TrialPruned extends Error {
  constructor(message = "pruned") {
    super(message);
    this.name = "TrialPruned";
  }
}
