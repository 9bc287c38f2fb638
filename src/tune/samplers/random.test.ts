import { test } from "node:test";
import assert from "node:assert/strict";
import { RandomSampler } from "./random";
import { choice, contains, int, logUniform, toSpace, uniform } from "../space";
import { OptionError } from "../options";

const space = toSpace({
  x: uniform(-2, 3),
  lr: logUniform(1e-4, 1),
  units: int(8, 64, { step: 8 }),
  batch: int(1, 1024, { log: true }),
  drop: uniform(0, 0.5, { step: 0.1 }),
  opt: choice(["adam", "sgd", null]),
  momentum: uniform(0.5, 0.99).when("opt", "sgd"),
});

test("random: values stay in bounds, on their steps, with conditions respected", () => {
  const sampler = new RandomSampler({ seed: 1 });
  const seen = { units: new Set<unknown>(), drop: new Set<unknown>(), opt: new Set<unknown>() };
  for (let i = 0; i < 3000; i++) {
    const p = sampler.sample(space);
    for (const spec of space) {
      if (spec.name === "momentum") assert.equal("momentum" in p, p.opt === "sgd");
      else assert.ok(spec.name in p, `${spec.name} missing`);
      if (spec.name in p) assert.ok(contains(spec.dist, p[spec.name]), `${spec.name} = ${p[spec.name]}`);
    }
    assert.ok(Number.isInteger(p.batch));
    seen.units.add(p.units);
    seen.drop.add(p.drop);
    seen.opt.add(p.opt);
  }
  assert.deepEqual([...seen.units].sort((a, b) => (a as number) - (b as number)), [8, 16, 24, 32, 40, 48, 56, 64]);
  assert.deepEqual([...seen.drop].sort(), [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  assert.equal(seen.opt.size, 3);
});

test("random: log params are uniform on the log scale", () => {
  const sampler = new RandomSampler({ seed: 2 });
  const sp = toSpace({ lr: logUniform(1e-4, 1), batch: int(1, 1000, { log: true }) });
  let belowMid = 0;
  let smallBatch = 0;
  const n = 4000;
  for (let i = 0; i < n; i++) {
    const p = sampler.sample(sp);
    if ((p.lr as number) < 1e-2) belowMid++;
    if ((p.batch as number) <= 31) smallBatch++;
  }
  assert.ok(Math.abs(belowMid / n - 0.5) < 0.04, `${belowMid / n} of draws below the geometric middle`);
  // a log int owns [k − ½, k + ½]: P(batch ≤ 31) = log(31.5 / 0.5) / log(1000.5 / 0.5) ≈ 0.545
  assert.ok(Math.abs(smallBatch / n - Math.log(63) / Math.log(2001)) < 0.04, `${smallBatch / n} of batches ≤ 31`);
});

test("random: the same seed gives the same sequence; another seed another", () => {
  const draw = (seed: number) => {
    const s = new RandomSampler({ seed });
    return Array.from({ length: 20 }, () => s.sample(space));
  };
  assert.deepEqual(draw(42), draw(42));
  assert.notDeepEqual(draw(42), draw(43));
});

test("random: bad options are clear errors", () => {
  assert.throws(() => new RandomSampler({ seed: 1.5 }), (e: Error) => e instanceof OptionError && /seed must be a whole number/.test(e.message));
  assert.throws(() => new RandomSampler({ sed: 1 } as never), /RandomSampler has no option 'sed'; its options are seed/);
});
