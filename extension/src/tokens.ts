// Tokens other plugins of this extension require: the Runs panel's model, whose kernel channel the
// pairing commands share.
import { Token } from "@lumino/coreutils";
import type { RunsModel } from "./model";

export const IRunsModel = new Token<RunsModel>("modelbench-labextension:IRunsModel", "The Runs panel's model and its modelbench kernel channel.");
