// Errors a user of pretrained transformers can hit, each saying what to do.
import { ModelbenchError } from "../errors";

/** No checkpoint folder by that name or path (or one without its files). */
export class ModelNotFoundError extends ModelbenchError {}

/** config.json describes a model modelbench cannot run. */
export class UnsupportedArchitectureError extends ModelbenchError {}

/** The checkpoint's parts do not fit together (vocabulary vs embeddings, missing or misshapen weights). */
export class CheckpointMismatchError extends ModelbenchError {}
