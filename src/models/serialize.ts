// Models as plain JSON, so the model registry can store a fitted model as an artifact and load it
// in another process. Every model writes the same envelope (its kind, a format version, its
// hyperparameters and its learned state); `modelFromJSON` revives any of them from the kind.
import { InvalidInputError } from "../errors";

export const MODEL_FORMAT = "modelbench.model";
export const MODEL_FORMAT_VERSION = 1;

export interface SerializedModel<P = unknown, S = unknown> {
  format: typeof MODEL_FORMAT;
  version: number;
  /** The class name, e.g. "LogisticRegression". */
  model: string;
  params: P;
  /** Learned state; null for a model that was never fitted. */
  state: S | null;
}

export function serializeModel<P, S>(model: string, params: P, state: S | null): SerializedModel<P, S> {
  return { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, model, params, state };
}

/** Parses (if given text) and checks an envelope written for `model`. */
export function readSerialized<P, S>(json: unknown, model: string): SerializedModel<P, S> {
  const envelope = parseEnvelope(json);
  if (envelope.model !== model) {
    throw new InvalidInputError(`this JSON holds a ${envelope.model}, not a ${model}: load it with ${envelope.model}.fromJSON or modelFromJSON`);
  }
  return envelope as SerializedModel<P, S>;
}

function parseEnvelope(json: unknown): SerializedModel {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new InvalidInputError(`not valid JSON (${(e as Error).message}): pass the text or object that toJSON() produced`);
    }
  }
  const v = value as Partial<SerializedModel> | null;
  if (v === null || typeof v !== "object" || v.format !== MODEL_FORMAT || typeof v.model !== "string") {
    throw new InvalidInputError("not a saved modelbench model: pass the object (or its JSON text) that a model's toJSON() returned");
  }
  if (v.version !== MODEL_FORMAT_VERSION) {
    throw new InvalidInputError(`this model was saved in format version ${v.version}, but this modelbench reads version ${MODEL_FORMAT_VERSION}: refit it or load it with the modelbench that saved it`);
  }
  return v as SerializedModel;
}

type Loader = (json: SerializedModel) => unknown;
const loaders = new Map<string, Loader>();

/** Each model module registers how to revive itself, so wrappers (one-vs-rest) and the registry need not know every kind. */
export function registerModel(model: string, load: Loader): void {
  loaders.set(model, load);
}

/** Revives any saved model from what its toJSON() returned. */
export function modelFromJSON(json: unknown): unknown {
  const envelope = parseEnvelope(json);
  const load = loaders.get(envelope.model);
  if (!load) throw new InvalidInputError(`unknown model kind ${JSON.stringify(envelope.model)}: known kinds are ${[...loaders.keys()].join(", ")}`);
  return load(envelope);
}

/** Typed arrays to plain arrays, for JSON. */
export function plainArray(values: ArrayLike<number>): number[] {
  return Array.from(values);
}
