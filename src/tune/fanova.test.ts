import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { fanovaImportances } from "./fanova";
import { importances } from "./views";
import { OptionError } from "./options";
import type { FrozenTrial, Space } from "./types";

interface FixtureStudy {
  name: string;
  space: Space;
  trials: { number: number; params: Record<string, unknown>; value: number }[];
  importances: { seeds: number[]; mean: Record<string, number>; std: Record<string, number> };
}

// Written by tests/fixtures/make_fanova_fixtures.py with Optuna's FanovaImportanceEvaluator.
const fixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../tests/fixtures/optuna/fanova.json"), "utf8")) as { optuna: string; studies: FixtureStudy[] };

const frozen = (s: FixtureStudy): FrozenTrial[] =>
  s.trials.map((t) => ({ number: t.number, state: "complete", params: t.params, value: t.value, intermediate: new Map(), startedAt: 0, endedAt: 0 }));

const ranking = (imp: Record<string, number>) => Object.entries(imp).sort((a, b) => b[1] - a[1]).map(([k]) => k);

for (const study of fixture.studies) {
  test(`fANOVA on '${study.name}': Optuna ${fixture.optuna}'s importances, averaged over the same ten seeds, within 0.05 and in the same order`, () => {
    const seeds = study.importances.seeds;
    const runs = seeds.map((seed) => fanovaImportances(study.space, frozen(study), { seed }));
    const names = study.space.map((s) => s.name);
    const mean = Object.fromEntries(names.map((k) => [k, runs.reduce((a, r) => a + r[k], 0) / runs.length]));
    for (const k of names) {
      assert.ok(Math.abs(mean[k] - study.importances.mean[k]) <= 0.05, `${k}: ours ${mean[k].toFixed(4)}, Optuna's ${study.importances.mean[k].toFixed(4)}`);
    }
    // Parameters whose importances Optuna itself cannot tell apart (means within 0.02) may swap.
    const theirs = ranking(study.importances.mean);
    const ours = ranking(mean);
    theirs.forEach((k, i) => {
      if (ours[i] !== k) assert.ok(Math.abs(study.importances.mean[k] - study.importances.mean[ours[i]]) < 0.02, `rank ${i + 1}: ours ${ours[i]}, Optuna's ${k}`);
    });
    for (const r of runs) assert.ok(Math.abs(Object.values(r).reduce((a, b) => a + b, 0) - 1) < 1e-9, "normalised to sum to one");
  });
}

test("fANOVA: a seed repeats the importances; conditional and single-valued parameters; too few trials", () => {
  const study = fixture.studies[0];
  assert.deepEqual(fanovaImportances(study.space, frozen(study), { seed: 3, nTrees: 8 }), fanovaImportances(study.space, frozen(study), { seed: 3, nTrees: 8 }));
  const space: Space = [
    { name: "x", dist: { kind: "float", low: 0, high: 1, log: false } },
    { name: "fixed", dist: { kind: "categorical", choices: ["only"] } },
    { name: "kind", dist: { kind: "categorical", choices: ["a", "b"] } },
    { name: "extra", dist: { kind: "float", low: 0, high: 1, log: false }, condition: { param: "kind", values: ["b"] } },
  ];
  const trials: FrozenTrial[] = Array.from({ length: 40 }, (_, i) => {
    const x = (i * 0.618) % 1;
    const kind = i % 2 ? "a" : "b";
    const params: Record<string, unknown> = { x, fixed: "only", kind };
    if (kind === "b") params.extra = (i * 0.37) % 1;
    return { number: i, state: "complete", params, value: 10 * x + (kind === "a" ? 1 : 0), intermediate: new Map(), startedAt: 0, endedAt: 0 };
  });
  const imp = fanovaImportances(space, trials, { seed: 0 });
  assert.deepEqual(Object.keys(imp).sort(), ["fixed", "kind", "x"], "'extra' is not in every trial: left out, as Optuna does");
  assert.equal(imp.fixed, 0);
  assert.ok(imp.x > 0.9 && imp.kind > 0 && imp.kind < 0.1, JSON.stringify(imp));
  // One trial cannot say anything: every parameter gets an equal share (Optuna's normalisation of zeros).
  assert.deepEqual(fanovaImportances(space.slice(0, 1), trials.slice(0, 1)), { x: 1 });
  assert.throws(() => fanovaImportances(space, trials, { nTrees: 0 }), OptionError);
  assert.throws(() => fanovaImportances(space, trials, { trees: 10 } as any), /fANOVA has no option 'trees'/);
});

test("the η² importance stays available and ranks the fixture's clear parameters alike", () => {
  const study = fixture.studies[1];
  const eta = importances(study.space, frozen(study));
  assert.equal(ranking(eta)[0], ranking(study.importances.mean)[0]);
});
