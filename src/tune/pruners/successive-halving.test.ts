import { test } from "node:test";
import assert from "node:assert/strict";
import { SuccessiveHalvingPruner, promotable, rungValue } from "./successive-halving";
import { OptionError } from "../options";
import { frozenTrial, reporting } from "../../../tests/support/trials";
import type { FrozenTrial } from "../types";

/** A curve that is `v` at every step up to `last`. */
const flat = (v: number, last: number) => Array.from({ length: last + 1 }, () => v);

test("sha: with a full rung, exactly the top 1/η go on at each rung", () => {
  const pruner = new SuccessiveHalvingPruner({ reductionFactor: 4 }); // rungs at steps 1, 4, 16
  // rung 0: 16 trials at step 1 with values 1..16 (shuffled numbers), each judged with all present
  const values = [7, 3, 12, 1, 16, 9, 4, 14, 2, 11, 6, 15, 5, 10, 8, 13];
  const atRung0 = values.map((v, n) => reporting(n, flat(v, 1)));
  const kept0 = atRung0.filter((t) => !pruner.shouldPrune(t, 1, atRung0, "minimize")).map((t) => t.intermediate.get(1));
  assert.deepEqual(kept0.sort((a, b) => a! - b!), [1, 2, 3, 4]);

  // no decision between rungs
  const survivors = atRung0.filter((t) => kept0.includes(t.intermediate.get(1)));
  for (const t of survivors) {
    const grown = reporting(t.number, [...flat(t.intermediate.get(1)!, 1), 9, 9]);
    assert.equal(pruner.shouldPrune(grown, 3, atRung0, "minimize"), false);
  }
  // rung 1 (step 4): the 4 survivors report new values; only the best of 4 goes on
  const rung1Values = new Map(survivors.map((t, i) => [t.number, [0.4, 0.1, 0.3, 0.2][i]]));
  const atRung1 = atRung0.map((t) => (rung1Values.has(t.number) ? reporting(t.number, [...flat(t.intermediate.get(1)!, 1), 1, 1, rung1Values.get(t.number)!]) : frozenTrial({ ...t, state: "pruned", value: t.intermediate.get(1)! })));
  const kept1 = atRung1.filter((t) => rung1Values.has(t.number) && !pruner.shouldPrune(t, 4, atRung1, "minimize"));
  assert.deepEqual(kept1.map((t) => t.intermediate.get(4)), [0.1]);
});

test("sha: asynchronous — the first trial at a rung goes on, later ones must beat the top 1/η so far", () => {
  const pruner = new SuccessiveHalvingPruner({ reductionFactor: 2 }); // rungs at 1, 2, 4, …
  const first = reporting(0, [0.5, 0.5]);
  assert.equal(pruner.shouldPrune(first, 1, [first], "minimize"), false);
  const worse = reporting(1, [0.9, 0.9]);
  assert.equal(pruner.shouldPrune(worse, 1, [first, worse], "minimize"), true, "2 at the rung: only the best 1 goes on");
  const better = reporting(2, [0.2, 0.2]);
  assert.equal(pruner.shouldPrune(better, 1, [first, worse, better], "minimize"), false);
  // maximising flips it
  assert.equal(pruner.shouldPrune(worse, 1, [first, worse], "maximize"), false);
});

test("sha: minEarlyStoppingRate moves the first rung to minResource · η^s", () => {
  const pruner = new SuccessiveHalvingPruner({ minResource: 2, reductionFactor: 3, minEarlyStoppingRate: 1 });
  assert.equal(pruner.rungStep(0), 6);
  assert.equal(pruner.rungStep(1), 18);
  const good = reporting(0, flat(0.1, 6));
  const bad = reporting(1, flat(0.9, 6));
  for (let step = 0; step < 6; step++) assert.equal(pruner.shouldPrune(reporting(1, flat(0.9, step)), step, [good], "minimize"), false);
  assert.equal(pruner.shouldPrune(bad, 6, [good, bad], "minimize"), true);
});

test("sha: a trial whose report jumps past a rung is judged by the value it reported there", () => {
  const t = frozenTrial({ number: 0, intermediate: [[0, 1], [10, 0.3]] });
  assert.equal(rungValue(t, 4), 0.3);
  assert.equal(rungValue(t, 11), undefined);
  assert.equal(promotable(0.3, [0.3, 0.1, 0.5, 0.9], 4, "minimize"), false);
  assert.equal(promotable(0.1, [0.3, 0.1, 0.5, 0.9], 4, "minimize"), true);
});

test("sha: minResource 'auto' waits for a complete trial, then uses 1/100 of its length", () => {
  const pruner = new SuccessiveHalvingPruner({ minResource: "auto", reductionFactor: 2 });
  const best = reporting(0, flat(0.1, 5));
  const bad = reporting(1, flat(0.9, 5));
  assert.equal(pruner.shouldPrune(bad, 5, [best, bad], "minimize"), false, "no complete trial yet");
  const done = reporting(2, flat(0.1, 399), "complete"); // last step 399 → minResource 3
  assert.equal(pruner.rungStep(0), null);
  const bad2 = reporting(3, flat(0.9, 3));
  assert.equal(pruner.shouldPrune(bad2, 3, [best, done, bad2], "minimize"), true);
  assert.equal(pruner.rungStep(0), 3);
});

test("sha: bootstrapCount prunes until more than that many trials reached the rung", () => {
  const pruner = new SuccessiveHalvingPruner({ reductionFactor: 2, bootstrapCount: 2 });
  const a = reporting(0, [0.1, 0.1]);
  const b = reporting(1, [0.2, 0.2]);
  assert.equal(pruner.shouldPrune(a, 1, [a], "minimize"), true);
  assert.equal(pruner.shouldPrune(b, 1, [a, b], "minimize"), true);
  const c = reporting(2, [0.05, 0.05]);
  assert.equal(pruner.shouldPrune(c, 1, [a, b, c], "minimize"), false);
});

test("sha: NaN at a rung is pruned; bad options are clear errors", () => {
  const pruner = new SuccessiveHalvingPruner();
  const t: FrozenTrial = reporting(0, [NaN, NaN]);
  assert.equal(pruner.shouldPrune(t, 1, [t], "minimize"), true);
  assert.throws(() => new SuccessiveHalvingPruner({ reductionFactor: 1 }), (e: Error) => e instanceof OptionError && /reductionFactor must be a whole number ≥ 2/.test(e.message));
  assert.throws(() => new SuccessiveHalvingPruner({ minResource: 0 }), /minResource/);
  assert.throws(() => new SuccessiveHalvingPruner({ minResource: "auto", bootstrapCount: 1 }), /bootstrapCount needs a fixed minResource/);
});
