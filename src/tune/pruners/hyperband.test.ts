import { test } from "node:test";
import assert from "node:assert/strict";
import { HyperbandPruner, crc32 } from "./hyperband";
import { makePruner, MedianPruner, NopPruner, SuccessiveHalvingPruner } from "./index";
import { OptionError } from "../options";
import { reporting } from "../../../tests/support/trials";

const flat = (v: number, last: number) => Array.from({ length: last + 1 }, () => v);

test("hyperband: CRC-32 is the standard one", () => {
  assert.equal(crc32("123456789"), 0xcbf43926);
  assert.equal(crc32(""), 0);
});

test("hyperband: brackets are dealt deterministically, in proportion to their budgets", () => {
  const make = () => new HyperbandPruner({ minResource: 1, maxResource: 81, reductionFactor: 3 });
  const a = make();
  const b = make();
  const none = reporting(0, [1]);
  a.shouldPrune(none, 0, [none], "minimize");
  b.shouldPrune(none, 0, [none], "minimize");
  assert.equal(a.nBrackets, 5); // ⌊log₃ 81⌋ + 1
  const deal = (p: HyperbandPruner) => Array.from({ length: 2000 }, (_, n) => p.bracketOf(n));
  assert.deepEqual(deal(a), deal(b));
  const counts = [0, 0, 0, 0, 0];
  for (const br of deal(a)) counts[br]++;
  // budgets ⌈5·3^s/(s+1)⌉ = 81, 34, 15, 8, 5 of 143
  const expected = [81, 34, 15, 8, 5].map((x) => (2000 * x) / 143);
  counts.forEach((c, i) => assert.ok(Math.abs(c - expected[i]) < 4 * Math.sqrt(expected[i]) + 5, `bracket ${i}: ${c} vs ${expected[i]}`));
  // the study name changes the deal
  const named = new HyperbandPruner({ maxResource: 81, studyName: "other" });
  named.shouldPrune(none, 0, [none], "minimize");
  assert.notDeepEqual(deal(named), deal(a));
});

test("hyperband: prunes within a bracket, never against trials of another", () => {
  const p = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 }); // 4 brackets; bracket 0's first rung at step 1
  const warm = reporting(999, [1]);
  p.shouldPrune(warm, 0, [warm], "minimize");
  const inBracket = (b: number, skip = 0) => {
    let n = 0;
    for (let seen = 0; ; n++) if (p.bracketOf(n) === b && seen++ === skip) return n;
  };
  const good0 = reporting(inBracket(0, 0), flat(0.1, 1));
  const bad0 = reporting(inBracket(0, 1), flat(0.9, 1));
  const good1 = reporting(inBracket(1, 0), flat(0.01, 1));

  // alone in bracket 0 (the better trial is in bracket 1): the first at the rung goes on
  assert.equal(p.shouldPrune(bad0, 1, [good1, bad0], "minimize"), false);
  // with a better trial of its own bracket at the rung, it is pruned
  assert.equal(p.shouldPrune(bad0, 1, [good0, good1, bad0], "minimize"), true);
  // a bracket-1 trial at step 1 is below its first rung (step 3): not judged
  const bad1 = reporting(inBracket(1, 1), flat(5, 1));
  assert.equal(p.shouldPrune(bad1, 1, [good0, good1, bad1], "minimize"), false);
});

test("hyperband: maxResource 'auto' waits for a complete trial", () => {
  const p = new HyperbandPruner({ reductionFactor: 3 });
  const t = reporting(0, [1, 1]);
  assert.equal(p.shouldPrune(t, 1, [t], "minimize"), false);
  assert.equal(p.nBrackets, null);
  const done = reporting(1, flat(0.5, 80), "complete"); // maxResource 81 → 5 brackets
  p.shouldPrune(t, 1, [t, done], "minimize");
  assert.equal(p.nBrackets, 5);
});

test("pruners: made by name; unknown names and bad options are clear errors", () => {
  assert.ok(makePruner("none") instanceof NopPruner);
  assert.ok(makePruner("median", { nStartupTrials: 2 }) instanceof MedianPruner);
  assert.ok(makePruner("asha") instanceof SuccessiveHalvingPruner);
  assert.ok(makePruner("sha", { reductionFactor: 3 }) instanceof SuccessiveHalvingPruner);
  assert.ok(makePruner("hyperband", { maxResource: 100 }) instanceof HyperbandPruner);
  assert.equal(new NopPruner().shouldPrune(), false);
  assert.throws(() => makePruner("halving"), (e: Error) => e instanceof OptionError && e.message === 'unknown pruner "halving": use one of "none", "median", "asha", "sha", "hyperband"');
  assert.throws(() => makePruner("hyperband", { maxResource: "big" }), /maxResource must be a whole number/);
  assert.throws(() => new HyperbandPruner({ minResource: 10, maxResource: 5 }), /maxResource must be a whole number ≥ 10, got 5/);
  assert.throws(() => makePruner("none", { x: 1 }), /NopPruner has no option 'x'/);
});
