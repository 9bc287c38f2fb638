import { test } from "node:test";
import assert from "node:assert/strict";
import { MedianPruner, median } from "./median";
import { makePruner } from "./index";
import { OptionError } from "../options";
import { reporting } from "../../../tests/support/trials";
import type { FrozenTrial } from "../types";

/** Complete trials whose curves fall from 1.0 by 0.1 per step (tiny offsets keep them distinct). */
const complete = (n: number): FrozenTrial[] =>
  Array.from({ length: n }, (_, i) => reporting(i, Array.from({ length: 10 }, (_, s) => 1 - 0.1 * s + 0.01 * i), "complete"));

/** Asks at every step of `curve` as the trial reports it; returns the first step pruned, or null. */
function prunedAt(pruner: MedianPruner, curve: number[], others: FrozenTrial[], direction: "minimize" | "maximize" = "minimize"): number | null {
  for (let step = 0; step < curve.length; step++) {
    const me = reporting(100, curve.slice(0, step + 1));
    if (pruner.shouldPrune(me, step, [...others, me], direction)) return step;
  }
  return null;
}

const worse = Array.from({ length: 10 }, () => 5);

test("median: prunes a clearly worse trial once nStartupTrials trials have completed", () => {
  assert.equal(prunedAt(new MedianPruner(), worse, complete(5)), 0);
  assert.equal(prunedAt(new MedianPruner(), worse, complete(4)), null, "only 4 of 5 start-up trials complete");
  // running and pruned trials do not count as complete
  const notComplete = [reporting(50, [0.1, 0.1]), reporting(51, [0.1], "pruned")];
  assert.equal(prunedAt(new MedianPruner(), worse, [...complete(4), ...notComplete]), null);
});

test("median: a trial at least as good as the median runs on", () => {
  const good = Array.from({ length: 10 }, (_, s) => 0.95 - 0.1 * s);
  assert.equal(prunedAt(new MedianPruner(), good, complete(6)), null);
  // its best value so far counts, not its latest: a blip above the median after a good value is kept
  const blip = [0.5, 3, 3];
  assert.equal(prunedAt(new MedianPruner(), blip, complete(6)), null);
});

test("median: not before the warmup, and only every intervalSteps steps after it", () => {
  assert.equal(prunedAt(new MedianPruner({ nWarmupSteps: 3 }), worse, complete(5)), 3);
  const p = new MedianPruner({ nWarmupSteps: 2, intervalSteps: 3 });
  const others = complete(5);
  const decided = [0, 1, 2, 3, 4, 5, 6, 7, 8].filter((step) => {
    const me = reporting(100, worse.slice(0, step + 1));
    return p.shouldPrune(me, step, others, "minimize");
  });
  assert.deepEqual(decided, [2, 5, 8]);
});

test("median: maximising flips the comparison", () => {
  const up = (n: number) => Array.from({ length: n }, (_, i) => reporting(i, [0.5 + 0.01 * i, 0.6 + 0.01 * i], "complete"));
  assert.equal(prunedAt(new MedianPruner(), [0.1, 0.1], up(5), "maximize"), 0);
  assert.equal(prunedAt(new MedianPruner(), [0.9, 0.9], up(5), "maximize"), null);
});

test("median: a trial reporting only NaN is pruned; steps no complete trial reached are not judged", () => {
  assert.equal(prunedAt(new MedianPruner(), [NaN], complete(5)), 0);
  const long = Array.from({ length: 12 }, () => 5);
  const p = new MedianPruner({ nWarmupSteps: 10 });
  assert.equal(p.shouldPrune(reporting(100, long), 11, complete(5), "minimize"), false);
});

test("median: the median of an even count averages the middle two", () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([3, 1, 2]), 2);
});

test("median: bad options are clear errors", () => {
  assert.throws(() => new MedianPruner({ intervalSteps: 0 }), (e: Error) => e instanceof OptionError && /intervalSteps must be a whole number ≥ 1, got 0/.test(e.message));
  assert.throws(() => new MedianPruner({ nWarmupSteps: -1 }), /nWarmupSteps/);
  assert.throws(() => makePruner("median", { warmup: 3 }), /MedianPruner has no option 'warmup'/);
});
