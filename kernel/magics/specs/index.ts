// Every magic's spec, without its implementation: the protocol process completes and shows
// --help from these, and never loads src/track, src/tune or src/baselines to do so.
import { MagicRegistry, type MagicSpec } from "../spec";
import { envSpec, lsmagicSpec, seedSpec, timeitSpec, timeSpec, whoSpec } from "./builtins";
import { compareSpec, gcSpec, logSpec, paramSpec, registrySpec, rerunSpec, runsSpec, storeSpec, trackSpec } from "./track";
import { sweepSpec } from "./sweep";
import { baselineSpec } from "./baseline";
import { automlSpec } from "./automl";
import { bashSpec, cdSpec, installSpec, npmSpec, pwdSpec, shSpec } from "./system";
import { autoreloadSpec, captureSpec, historySpec, loadSpec, recallSpec, runSpec, whosSpec } from "./session";

export const MAGIC_SPECS: readonly MagicSpec[] = [
  lsmagicSpec, timeSpec, timeitSpec, envSpec, whoSpec, seedSpec,
  trackSpec, logSpec, paramSpec, runsSpec, compareSpec, rerunSpec, registrySpec, storeSpec, gcSpec,
  sweepSpec, baselineSpec, automlSpec,
  shSpec, bashSpec, npmSpec, installSpec, pwdSpec, cdSpec,
  captureSpec, loadSpec, runSpec, historySpec, recallSpec, whosSpec, autoreloadSpec,
];

/** The specs by name, as completion and inspection look them up. */
export function magicSpecs(): MagicRegistry<{ spec: MagicSpec }> {
  return new MagicRegistry(MAGIC_SPECS.map((spec) => ({ spec })));
}
