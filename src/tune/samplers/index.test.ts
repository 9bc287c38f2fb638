import { test } from "node:test";
import assert from "node:assert/strict";
import { GridSampler, OptionError, RandomSampler, TPESampler, makeSampler } from "./index";

test("samplers: made by name; unknown names are clear errors listing the valid ones", () => {
  assert.ok(makeSampler("grid") instanceof GridSampler);
  assert.ok(makeSampler("random", { seed: 1 }) instanceof RandomSampler);
  const tpe = makeSampler("tpe", { seed: 1, seed_: undefined });
  assert.ok(tpe instanceof TPESampler);
  assert.equal(tpe.name, "tpe-multivariate"); // like Optuna 5's default
  assert.equal(makeSampler("tpe-multivariate", { seed: undefined }).name, "tpe-multivariate");
  assert.equal(makeSampler("tpe-independent", { seed: 1 }).name, "tpe");
  assert.equal(makeSampler("gp", { seed: 1 }).name, "gp");
  assert.equal(makeSampler("cmaes", { seed: 1 }).name, "cmaes");
  assert.throws(() => makeSampler("bohb"), (e: Error) => e instanceof OptionError && e.message.startsWith('unknown sampler "bohb": use one of "grid", "random", "tpe", "tpe-multivariate", "tpe-independent", "gp", "cmaes", "nsga2"'));
  assert.throws(() => makeSampler("gp", { nCandidate: 10 }), /GPSampler has no option 'nCandidate'/);
  assert.throws(() => makeSampler("tpe", { nEiCandidates: -3 }), /nEiCandidates must be a whole number ≥ 1, got -3/);
});
