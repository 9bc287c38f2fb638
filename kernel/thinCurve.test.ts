import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_CURVE_POINTS, thinCurve, thinIndices } from "./thinCurve";

test("a curve that fits is kept whole (the same object)", () => {
  const c = { steps: [0, 1, 2], values: [3, 2, 1], ts: [1, 2, 3] };
  assert.equal(thinCurve(c), c);
  assert.deepEqual(thinIndices([1, 2, 3], 3), [0, 1, 2]);
});

test("a long curve keeps at most max points: its ends, each stretch's low and high, and a non-finite value's first", () => {
  const n = 100_000;
  const values = Array.from({ length: n }, (_, i) => Math.sin(i / 500));
  values[12_345] = 40;
  values[54_321] = -40;
  values[77_777] = NaN;
  const keep = thinIndices(values);
  assert.ok(keep.length <= MAX_CURVE_POINTS, `${keep.length}`);
  assert.deepEqual([keep[0], keep.at(-1)], [0, n - 1]);
  for (const i of [12_345, 54_321, 77_777]) assert.ok(keep.includes(i), `point ${i} kept`);
  assert.deepEqual(keep, [...new Set(keep)].sort((a, b) => a - b), "in order, each once");
  const thin = thinCurve({ steps: values.map((_, i) => i * 10), values, ts: values.map((_, i) => 1e12 + i) });
  assert.equal(thin.steps.length, keep.length);
  assert.deepEqual([thin.steps[1] / 10, thin.ts[1] - 1e12], [keep[1], keep[1]], "steps, values and times picked together");
  assert.deepEqual(thinIndices([5, NaN, NaN, NaN, NaN, 6], 5), [0, 1, 5], "a stretch of NaN keeps one");
});
