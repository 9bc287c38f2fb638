import { test } from "node:test";
import assert from "node:assert/strict";
import { GridSampler, SearchExhausted } from "./grid";
import { makeSampler } from "./index";
import { SpaceError, choice, int, toSpace, uniform } from "../space";
import { frozenTrial } from "../../../tests/support/trials";
import type { FrozenTrial, Space } from "../types";

const space = toSpace({ opt: choice(["adam", "sgd"]), layers: int(1, 5, { step: 2 }), lr: uniform(0, 1) });
const grid = { lr: [0.1, 0.5] };

/** Asks until the grid runs out; returns every point and the error that ended it. */
function exhaust(sampler: GridSampler, sp: Space, trials: FrozenTrial[] = []): { points: Record<string, unknown>[]; end: unknown } {
  const points: Record<string, unknown>[] = [];
  for (let n = trials.length; n < 1000; n++) {
    try {
      const params = sampler.sample(sp, trials);
      points.push(params);
      trials.push(frozenTrial({ number: n, params, value: n }));
    } catch (e) {
      return { points, end: e };
    }
  }
  throw new Error("the grid never ran out");
}

test("grid: covers every point exactly once, then throws SearchExhausted", () => {
  const { points, end } = exhaust(new GridSampler({ grid, seed: 3 }), space);
  assert.equal(points.length, 2 * 3 * 2);
  assert.equal(new Set(points.map((p) => JSON.stringify(p))).size, 12);
  for (const p of points) {
    assert.ok(["adam", "sgd"].includes(p.opt as string));
    assert.ok([1, 3, 5].includes(p.layers as number));
    assert.ok([0.1, 0.5].includes(p.lr as number));
  }
  assert.ok(end instanceof SearchExhausted);
  assert.equal((end as SearchExhausted).points, 12);
  assert.match((end as Error).message, /all 12 points/);
});

test("grid: a seed shuffles the order reproducibly; no seed keeps the listing order", () => {
  const order = (seed?: number) => exhaust(new GridSampler({ grid, seed }), space).points.map((p) => JSON.stringify(p));
  assert.deepEqual(order(7), order(7));
  assert.notDeepEqual(order(7), order(8));
  assert.deepEqual(order()[0], JSON.stringify({ opt: "adam", layers: 1, lr: 0.1 }));
  assert.deepEqual(order()[11], JSON.stringify({ opt: "sgd", layers: 5, lr: 0.5 }));
});

test("grid: skips points held by trials in any state, running ones of other workers included", () => {
  const sp = toSpace({ a: choice([1, 2]), b: choice(["x", "y"]) });
  const trials = [
    frozenTrial({ number: 0, params: { b: "x", a: 1 }, state: "running" }), // key order must not matter
    frozenTrial({ number: 1, params: { a: 1, b: "y" }, state: "failed" }),
    frozenTrial({ number: 2, params: { a: 2, b: "x" }, state: "pruned", value: 3 }),
  ];
  const sampler = new GridSampler({ seed: 1 });
  for (let i = 0; i < 3; i++) assert.deepEqual(sampler.sample(sp, trials), { a: 2, b: "y" }); // asking again without telling repeats the free point
  trials.push(frozenTrial({ number: 3, params: { a: 2, b: "y" }, state: "running" }));
  assert.throws(() => sampler.sample(sp, trials), SearchExhausted);
});

test("grid: conditional params enumerate only the combinations that can occur", () => {
  const sp = toSpace({
    model: choice(["linear", "tree"]),
    C: choice([0.1, 1]).when("model", "linear"),
    depth: int(1, 3).when("model", "tree"),
    minLeaf: choice([1, 5]).when("depth", 3),
  });
  const sampler = new GridSampler();
  assert.equal(sampler.size(sp), 2 + 2 + 2); // linear×C, tree×depth 1|2, tree×depth 3×minLeaf
  const { points } = exhaust(sampler, sp);
  assert.equal(points.length, 6);
  for (const p of points) {
    assert.equal("C" in p, p.model === "linear");
    assert.equal("depth" in p, p.model === "tree");
    assert.equal("minLeaf" in p, p.depth === 3);
  }
});

test("grid: stepped floats enumerate their steps without float noise; ints honour their step", () => {
  const sp = toSpace({ dropout: uniform(0, 0.5, { step: 0.1 }), units: int(8, 40, { step: 16 }) });
  const sampler = new GridSampler();
  const { points } = exhaust(sampler, sp);
  assert.deepEqual([...new Set(points.map((p) => p.dropout))], [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  assert.deepEqual([...new Set(points.map((p) => p.units))], [8, 24, 40]);
});

test("grid: a continuous float without values is a SpaceError saying how to give them", () => {
  const sp = toSpace({ lr: uniform(0.001, 0.1) });
  assert.throws(() => new GridSampler().sample(sp, []), (e: Error) => e instanceof SpaceError && /grid: \{ lr: \[/.test(e.message) && /step/.test(e.message));
  assert.throws(() => new GridSampler({ grid: { lr: [0.5] } }).sample(sp, []), (e: Error) => e instanceof SpaceError && /outside/.test(e.message));
  assert.throws(() => new GridSampler({ grid: { lr: [0.01], momentum: [0.9] } }).sample(sp, []), (e: Error) => e instanceof SpaceError && /'momentum'/.test(e.message));
  assert.throws(() => new GridSampler({ grid: { lr: [] } }), /non-empty list/);
  assert.throws(() => new GridSampler({ grid: { lr: [0.01] }, seed: -1 }), /seed must be a whole number/);
  assert.throws(() => makeSampler("grid", { grdi: {} }), /no option 'grdi'/);
  assert.throws(() => new GridSampler().sample(toSpace({ n: int(0, 2_000_000) }), []), (e: Error) => e instanceof SpaceError && /2000001 values/.test(e.message));
});
