// AutoML's winner as one model: the featurizer it was searched with and the fitted estimator.
// Takes the same kind of table it was trained on (the target column may be there or not), saves
// as JSON, and loads back from the registry (`loadModel("genre@automl")`).
import { InvalidInputError } from "../errors";
import { modelFromJSON, registerModel, readSerialized, serializeModel, type SerializedModel } from "../models/serialize";
import { Featurizer, columnSource } from "./featurizer";

export interface AutoMLPipelineParams {
  family: string;
  params: Record<string, unknown>;
  target: string;
  task: "classification" | "regression";
}

export class AutoMLPipeline {
  constructor(readonly info: AutoMLPipelineParams, readonly featurizer: Featurizer, readonly estimator: any) {}

  get model(): string {
    return "AutoMLPipeline";
  }

  /** The features the estimator sees for these rows. */
  features(data: unknown) {
    return this.featurizer.transform(columnSource(data));
  }

  predict(data: unknown): unknown[] {
    return this.estimator.predict(this.features(data));
  }

  predictProba(data: unknown): number[][] {
    if (typeof this.estimator.predictProba !== "function") throw new InvalidInputError(`a ${this.info.family} model gives no probabilities: use predict()`);
    return this.estimator.predictProba(this.features(data));
  }

  get classes(): unknown[] | undefined {
    return this.estimator.classes;
  }

  params(): AutoMLPipelineParams {
    return { ...this.info };
  }

  toJSON(): SerializedModel<AutoMLPipelineParams, { featurizer: ReturnType<Featurizer["toJSON"]>; estimator: unknown }> {
    return serializeModel("AutoMLPipeline", this.info, { featurizer: this.featurizer.toJSON(), estimator: this.estimator.toJSON() });
  }

  static fromJSON(json: unknown): AutoMLPipeline {
    const s = readSerialized<AutoMLPipelineParams, { featurizer: ReturnType<Featurizer["toJSON"]>; estimator: unknown }>(json, "AutoMLPipeline");
    if (!s.state) throw new InvalidInputError("this AutoMLPipeline was saved before it was fitted");
    return new AutoMLPipeline(s.params, Featurizer.fromJSON(s.state.featurizer), modelFromJSON(s.state.estimator));
  }
}

registerModel("AutoMLPipeline", (json) => AutoMLPipeline.fromJSON(json));
