import { test } from "node:test";
import assert from "node:assert/strict";
import { explore, quantiles } from "./explore";
import { toSpace, uniform, logUniform, int, choice } from "../space";
import { seededRng } from "../random";

const space = toSpace({ lr: logUniform(1e-4, 1e-1), momentum: uniform(0, 1), batch: int(8, 256, { step: 8 }), layers: int(1, 6), act: choice(["relu", "tanh", "gelu"]), drop: uniform(0, 0.5).when("act", "gelu") });
const base = { lr: 0.01, momentum: 0.5, batch: 64, layers: 3, act: "tanh" };
const noResample = { resampleProbability: 0, perturbationFactors: [1.2, 0.8] as const };

test("explore perturbs numbers by ×1.2 or ×0.8 and moves a category to a neighbour, as Ray's PBT", () => {
  const rng = seededRng(0);
  const seen = { up: 0, down: 0, left: 0, right: 0 };
  for (let i = 0; i < 200; i++) {
    const { params, operations } = explore(base, space, rng, noResample);
    assert.ok(params.lr === 0.01 * 1.2 || params.lr === 0.01 * 0.8, `lr ${params.lr}`);
    assert.equal(operations.lr, params.lr === 0.01 * 1.2 ? "* 1.2" : "* 0.8");
    assert.ok(params.momentum === 0.5 * 1.2 || params.momentum === 0.5 * 0.8);
    // An int is scaled then rounded to its grid: 64 × 1.2 = 76.8 → 80, 64 × 0.8 = 51.2 → 48 (step 8).
    assert.ok(params.batch === 80 || params.batch === 48, `batch ${params.batch}`);
    assert.ok(params.layers === 4 || params.layers === 2, `layers ${params.layers}`); // 3.6 → 4, 2.4 → 2
    assert.ok(params.act === "relu" || params.act === "gelu");
    assert.equal(operations.act, params.act === "relu" ? "shift left" : "shift right");
    assert.equal("drop" in params, false, "a conditional parameter that was off stays off");
    seen.up += Number(params.lr > 0.01);
    seen.down += Number(params.lr < 0.01);
    seen.left += Number(params.act === "relu");
    seen.right += Number(params.act === "gelu");
  }
  assert.ok(Object.values(seen).every((n) => n > 60), `both directions happen about half the time: ${JSON.stringify(seen)}`);
  assert.deepEqual(base, { lr: 0.01, momentum: 0.5, batch: 64, layers: 3, act: "tanh" }, "the donor's params are not changed");
});

test("explore keeps values in their distribution: clipped at the bounds, a category at an end may stay (noop)", () => {
  const rng = seededRng(1);
  const edge = { lr: 0.1, momentum: 0.95, batch: 256, layers: 6, act: "relu" };
  for (let i = 0; i < 100; i++) {
    const { params, operations } = explore(edge, space, rng, noResample);
    assert.ok(params.lr === 0.1 || params.lr === 0.08000000000000002, `lr ${params.lr}`);
    if (params.lr === 0.1) assert.match(operations.lr, /^\* 1\.2 \(kept in \[0\.0001, 0\.1\]\)$/);
    assert.ok((params.momentum as number) <= 1);
    assert.ok((params.batch as number) <= 256 && (params.batch as number) % 8 === 0);
    assert.ok(params.act === "relu" || params.act === "tanh");
    if (params.act === "relu") assert.equal(operations.act, "shift left (noop)");
  }
});

test("explore resamples with the given probability, from the parameter's own distribution; `specs` limits what changes", () => {
  const rng = seededRng(2);
  let resampled = 0;
  for (let i = 0; i < 1000; i++) {
    const { params, operations } = explore(base, space.slice(0, 1), rng, { resampleProbability: 0.25, perturbationFactors: [1.2, 0.8] });
    if (operations.lr === "resample") {
      resampled++;
      assert.ok((params.lr as number) >= 1e-4 && (params.lr as number) <= 0.1);
    }
    assert.deepEqual(Object.keys(operations), ["lr"]);
    assert.equal(params.momentum, 0.5, "not in specs: copied as it is");
  }
  assert.ok(resampled > 200 && resampled < 300, `${resampled} of 1000 resampled`);
  const a = explore(base, space, seededRng(7), noResample), b = explore(base, space, seededRng(7), noResample);
  assert.deepEqual(a, b, "a seed repeats the moves");
});

test("quantiles: ⌈n·q⌉ worst and best, at most half the population, none for fewer than two; direction decides", () => {
  const pop = [5, 1, 9, 3, 7, 2, 8, 6].map((value, i) => ({ id: i, value }));
  const max = quantiles(pop, 0.25, "maximize");
  assert.deepEqual(max.bottom.map((m) => m.value), [1, 2]);
  assert.deepEqual(max.top.map((m) => m.value), [8, 9]);
  const min = quantiles(pop, 0.25, "minimize");
  assert.deepEqual(min.bottom.map((m) => m.value), [9, 8]);
  assert.deepEqual(min.top.map((m) => m.value), [2, 1]);
  assert.equal(quantiles(pop.slice(0, 3), 0.5, "maximize").top.length, 1, "⌈1.5⌉ = 2 is capped at ⌊3/2⌋ = 1");
  assert.equal(quantiles(pop.slice(0, 5), 0.1, "maximize").top.length, 1);
  assert.deepEqual(quantiles(pop.slice(0, 1), 0.5, "maximize"), { bottom: [], top: [] });
});
