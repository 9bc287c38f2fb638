// Runs grouped by a param or their tags, a group's mean ± std, and a curve's band across a group.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatStat, groupFields, groupRuns, meanStd, stepBand, TAGS_FIELD } from "./grouping";

const run = (name: string, params: Record<string, unknown>, tags: string[] = []) => ({ name, params, tags });

test("runs grouped by a param: one group per value, numbers in order, runs without it last, order kept inside", () => {
  const runs = [run("a", { model: "bert", seed: 1 }), run("b", { model: "xgb", seed: 1 }), run("c", { model: "bert", seed: 2 }), run("d", { seed: 3 }), run("e", { model: "bert", seed: 3 })];
  const groups = groupRuns(runs, "params.model");
  assert.deepEqual(groups.map((g) => [g.label, g.runs.map((r) => r.name)]), [["model=bert", ["a", "c", "e"]], ["model=xgb", ["b"]], ["model: none", ["d"]]]);
  const byLr = groupRuns([run("x", { lr: 0.1 }), run("y", { lr: 0.01 }), run("z", { lr: "1e-3" }), run("w", { lr: 0.1 })], "params.lr");
  assert.deepEqual(byLr.map((g) => g.label), ["lr=0.01", "lr=0.1", "lr=1e-3"], "numbers by value, then text; 0.1 and '0.1' would be two groups");
  assert.equal(byLr[1].runs.length, 2);
});

test("runs grouped by their tags: the set of tags, in any order; untagged runs are a group", () => {
  const groups = groupRuns([run("a", {}, ["b", "a"]), run("b", {}, ["a", "b"]), run("c", {}, [])], TAGS_FIELD);
  assert.deepEqual(groups.map((g) => [g.label, g.runs.length]), [["#a #b", 2], ["(no tags)", 1]]);
});

test("the fields to group by: params that make groups first (not a seed that differs in every run, not one value for all)", () => {
  const runs = [run("a", { model: "bert", seed: 1, opt: "adam" }), run("b", { model: "xgb", seed: 2, opt: "adam" }), run("c", { model: "bert", seed: 3, opt: "adam" })];
  assert.deepEqual(groupFields(runs).map((f) => f.field), ["params.model", "params.opt", "params.seed", "tags"]);
  assert.throws(() => groupRuns(runs, "metrics.f1"), /cannot group by 'metrics.f1': choose params.<name> or tags/);
});

test("mean ± sample std of the finite values; one value has no spread; none is null", () => {
  const s = meanStd([1, 2, 3, 4, NaN])!;
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.std - Math.sqrt(5 / 3)) < 1e-12, "n − 1, as pandas");
  assert.equal(s.n, 4);
  assert.deepEqual(meanStd([7]), { mean: 7, std: 0, n: 1 });
  assert.equal(meanStd([NaN]), null);
  assert.equal(formatStat(meanStd([0.8, 0.82, 0.84])), "0.82 ± 0.02");
  assert.equal(formatStat({ mean: 0.052093, std: 0.009569, n: 3 }), "0.0521 ± 0.0096", "the mean to the spread's second digit");
  assert.equal(formatStat({ mean: 1234.56, std: 12.3, n: 3 }), "1235 ± 12");
  assert.equal(formatStat({ mean: 3, std: 0, n: 2 }), "3 ± 0");
  assert.equal(formatStat(meanStd([0.5])), "0.5");
  assert.equal(formatStat(null), "");
});

test("a band aligned by step: mean and std where runs overlap, a run between its points interpolated, not beyond its ends", () => {
  const band = stepBand([
    { steps: [0, 1, 2, 3], values: [1, 2, 3, 4] },
    { steps: [0, 2], values: [3, 5] }, // logged every other step: 4 at step 1 by interpolation
    { steps: [0, 1], values: [2, NaN] }, // a NaN is left out; it stops after step 0
  ]);
  assert.deepEqual(band.steps, [0, 1, 2, 3]);
  assert.deepEqual(band.n, [3, 2, 2, 1]);
  assert.deepEqual(band.mean, [2, 3, 4, 4]);
  assert.ok(Math.abs(band.std[0] - 1) < 1e-12 && Math.abs(band.std[1] - Math.SQRT2) < 1e-12);
  assert.equal(band.std[3], 0);
  assert.deepEqual(band.x, band.steps, "x is the step unless the members give theirs");
});

test("a band's x is the mean of its members' x (time since start) at each step; large values keep their small spread", () => {
  const band = stepBand([
    { steps: [0, 10], values: [1e9 + 1, 1e9 + 2], x: [0, 10] },
    { steps: [0, 10], values: [1e9 + 3, 1e9 + 4], x: [0, 30] },
  ]);
  assert.deepEqual(band.x, [0, 20]);
  assert.ok(Math.abs(band.std[0] - Math.SQRT2) < 1e-6, `${band.std[0]}`);
});
