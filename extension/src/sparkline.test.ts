// Curves merged by step, thinned, and drawn as SVG path data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeCurve, sparklinePath, thin } from "./series";

test("points merge by step: appended, inserted in order, replaced when repeated", () => {
  let c = mergeCurve(undefined, [0, 1, 2], [3, 2, 1]);
  c = mergeCurve(c, [4, 3], [0.5, 0.7]);
  c = mergeCurve(c, [1], [9]);
  assert.deepEqual(c, { steps: [0, 1, 2, 3, 4], values: [3, 9, 1, 0.7, 0.5] });
});

test("merging returns a new curve and leaves the old one alone", () => {
  const a = mergeCurve(undefined, [0], [1]);
  const b = mergeCurve(a, [1], [2]);
  assert.deepEqual(a.steps, [0]);
  assert.deepEqual(b.steps, [0, 1]);
});

test("thinning keeps the first and last points", () => {
  const steps = Array.from({ length: 1000 }, (_, i) => i);
  const t = thin({ steps, values: steps }, 50);
  assert.equal(t.steps.length, 50);
  assert.equal(t.steps[0], 0);
  assert.equal(t.steps[49], 999);
});

test("the sparkline spans the box, higher values drawn higher", () => {
  const d = sparklinePath({ steps: [0, 1, 2], values: [0, 1, 2] }, 60, 20, 0);
  assert.equal(d, "M0,20L30,10L60,0");
});

test("non-finite values break the line; nothing to draw is an empty path", () => {
  const d = sparklinePath({ steps: [0, 1, 2, 3], values: [1, NaN, 2, 3] }, 30, 10, 0);
  assert.equal(d.split("M").length - 1, 2);
  assert.equal(sparklinePath(undefined, 60, 20), "");
  assert.equal(sparklinePath({ steps: [0], values: [NaN] }, 60, 20), "");
  assert.match(sparklinePath({ steps: [5], values: [1] }, 60, 20), /^M30,/);
});
