// The contract a model needs for population-based training: its training state can be taken out
// (checkpoint) and put into a model with other hyperparameters (restore), so a weak member can go on
// from a strong one's state. The tfjs networks (MLPClassifier, TextClassifier) keep it; `trainRounds`
// turns such a model into PBT's round function.
import { PbtError, type PbtRound, type RoundContext } from "./population";

export interface Resumable {
  /** The training state as plain data (weights, optimiser state, whatever fitting goes on from). */
  checkpoint(): unknown;
  /** Takes a state from checkpoint() of a model of the same shape, keeping this model's hyperparameters. */
  restore(state: any): unknown;
}

export function isResumable(model: unknown): model is Resumable {
  return model !== null && typeof model === "object" && typeof (model as Resumable).checkpoint === "function" && typeof (model as Resumable).restore === "function";
}

export interface TrainRoundsOptions<M> {
  /** A model with these hyperparameters (a new one every round: the checkpoint carries what it learned). */
  model: (params: Record<string, any>) => M;
  /** Trains it `ctx.interval` steps further, e.g. train(model, X, y, { epochs: ctx.interval, warmStart: true }). */
  fit: (model: M, ctx: RoundContext & { params: Record<string, any> }) => unknown;
  /** Its score after the round (the study's metric). */
  score: (model: M, ctx: RoundContext & { params: Record<string, any> }) => number | Promise<number>;
}

/**
 * A PBT round for a model that can checkpoint: build it with the member's parameters, restore the
 * member's checkpoint (a donor's after a copy), fit, score, checkpoint, and free it. A model without
 * checkpoint()/restore() is refused before any training.
 */
export function trainRounds<M>(options: TrainRoundsOptions<M>): PbtRound {
  for (const k of ["model", "fit", "score"] as const) {
    if (typeof options?.[k] !== "function") throw new PbtError(`trainRounds needs { model: (params) => model, fit: (model, ctx) => …, score: (model, ctx) => number }: '${k}' is ${typeof options?.[k]}`);
  }
  return async (params, ctx) => {
    const model = options.model(params);
    try {
      if (!isResumable(model)) {
        const name = (model as object | null)?.constructor?.name ?? typeof model;
        throw new PbtError(
          `${name} cannot checkpoint: population-based training hands a member's training state to another, so the model needs checkpoint() and restore(state) ` +
            "(MLPClassifier and TextClassifier have them; fit them with train(model, X, y, { epochs: ctx.interval, warmStart: true })), " +
            "or write the round yourself: populationBasedTraining(options, async (params, ctx) => ({ value, checkpoint }))",
        );
      }
      if (ctx.checkpoint !== null) await model.restore(ctx.checkpoint);
      const c = { ...ctx, params };
      await options.fit(model, c);
      const value = await options.score(model, c);
      return { value, checkpoint: await model.checkpoint() };
    } finally {
      const disposable = model as { dispose?: () => void } | null;
      if (disposable && typeof disposable.dispose === "function") disposable.dispose();
    }
  };
}
