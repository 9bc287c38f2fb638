// What the run detail draws: numbers for values logged once, curves from two points, axes from the data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { detailCharts, paddedRange } from "./charts";
import { fitMiddle } from "./elide";
import type { MetricSummary } from "./wire";

const summary = (key: string, last: number, count: number, goal: "min" | "max" | null = null): MetricSummary =>
  ({ key, last, lastStep: count - 1, min: last, max: last, count, goal, best: last });

test("a metric logged once is a number with its rank; a curve needs two points", () => {
  const curves = new Map([
    ["accuracy", { steps: [0], values: [0.41] }],
    ["loss", { steps: [0, 1, 2], values: [1, 0.5, 0.25], ts: [1000, 2000, 4000] }],
  ]);
  const charts = detailCharts(curves, { accuracy: summary("accuracy", 0.41, 1, "max"), loss: summary("loss", 0.25, 3, "min") }, "step", 0, (k) => (k === "accuracy" ? { rank: 2, of: 5 } : null));
  assert.deepEqual(charts.numbers.map((n) => [n.key, n.value, n.rank]), [["accuracy", 0.41, { rank: 2, of: 5 }]]);
  assert.deepEqual(charts.curves.map((c) => [c.key, c.points, c.x]), [["loss", 3, "step"]]);
  const layout = charts.curves[0].figure.layout as any;
  assert.equal(layout.showlegend, false, "one trace, no legend to cover anything");
  assert.deepEqual((charts.curves[0].figure.data[0] as any).x, [0, 1, 2]);
});

test("x by time since the start or wall time; system metrics always against time", () => {
  const curves = new Map([
    ["loss", { steps: [0, 1], values: [1, 0.5], ts: [11_000, 13_000] }],
    ["system/cpu", { steps: [0, 1, 2], values: [10, 20, 30], ts: [10_000, 20_000, 30_000] }],
    ["system/mem", { steps: [0], values: [100], ts: [10_000] }],
  ]);
  const rel = detailCharts(curves, {}, "relative", 10_000);
  assert.deepEqual((rel.curves.find((c) => c.key === "loss")!.figure.data[0] as any).x, [1, 3]);
  const step = detailCharts(curves, {}, "step", 10_000);
  const cpu = step.curves.find((c) => c.key === "system/cpu")!;
  assert.equal(cpu.x, "relative");
  assert.deepEqual((cpu.figure.data[0] as any).x, [0, 10, 20]);
  assert.ok(cpu.system);
  assert.deepEqual(step.numbers.map((n) => [n.key, n.system]), [["system/mem", true]], "one sample is a number");
  const wall = detailCharts(curves, {}, "wall", 10_000).curves.find((c) => c.key === "loss")!;
  assert.equal((wall.figure.layout as any).xaxis.type, "date");
  const noTimes = detailCharts(new Map([["loss", { steps: [0, 1], values: [1, 2] }]]), {}, "wall", 0).curves[0];
  assert.equal(noTimes.x, "step", "points without wall times fall back to the step");
});

test("axes span the data: a flat line gets room, a metric that stays ≥ 0 is not drawn below zero", () => {
  assert.deepEqual(paddedRange([0.4, 0.4]), [0.38, 0.42000000000000004]);
  const [lo, hi] = paddedRange([0.1, 0.9])!;
  assert.ok(lo === 0.052 || Math.abs(lo - 0.052) < 1e-9, String(lo));
  assert.ok(hi > 0.9 && hi < 1);
  assert.equal(paddedRange([0, 0.5])![0], 0);
  assert.ok(paddedRange([-1, 1])![0] < -1);
  assert.equal(paddedRange([NaN]), null);
});

test("names are cut in the middle to the width they have", () => {
  const measure = (s: string) => s.length * 7;
  assert.equal(fitMiddle("baseline/most_frequent", 200, measure), "baseline/most_frequent");
  const cut = fitMiddle("baseline/most_frequent", 70, measure);
  assert.equal(cut, "basel…uent");
  assert.ok(measure(cut) <= 70);
  assert.notEqual(fitMiddle("baseline/stratified", 70, measure), fitMiddle("baseline/uniform", 70, measure), "two baselines stay apart");
});
