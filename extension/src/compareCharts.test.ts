// Compare's curve figures: smoothing with the raw line faint behind, log y, x by time, group bands.
import { test } from "node:test";
import assert from "node:assert/strict";
import { groupCurvesFigure, runCurvesFigure, usedX, withAlpha } from "./compareCharts";
import { ema } from "./smoothing";

const curve = (values: number[], t0 = 1000, dt = 500) => ({ steps: values.map((_, i) => i), values, ts: values.map((_, i) => t0 + i * dt) });
const a = { label: "a", color: "#1f77b4", startedAt: 0, curve: curve([1, 0.5, 0.8, 0.2, 0.4]) };
const b = { label: "b", color: "#ff7f0e", startedAt: 1000, curve: curve([2, 1, 0.5, 0.25, 0.1], 2000, 1000) };
const roles = (f: { data: unknown[] }) => f.data.map((t: any) => `${t.meta.run ?? t.meta.group}:${t.meta.role}`);

test("raw: one line per run, the values as logged, x the step", () => {
  const f = runCurvesFigure("loss", [a, b], { smoothing: 0, logY: false, x: "step" });
  assert.deepEqual(roles(f), ["a:line", "b:line"]);
  assert.deepEqual((f.data[0] as any).y, a.curve.values);
  assert.deepEqual((f.data[0] as any).x, [0, 1, 2, 3, 4]);
  assert.equal((f.layout as any).yaxis.type, "linear");
  assert.equal((f.layout as any).title.text, "loss");
});

test("smoothed: the EMA in front, the raw line faint behind it and out of the legend", () => {
  const f = runCurvesFigure("loss", [a, b], { smoothing: 0.6, logY: false, x: "step" });
  assert.deepEqual(roles(f), ["a:raw", "a:smoothed", "b:raw", "b:smoothed"]);
  const [raw, smooth] = f.data as any[];
  assert.deepEqual(raw.y, a.curve.values);
  assert.ok(raw.opacity < 0.5 && raw.showlegend === false);
  assert.deepEqual(smooth.y, ema(a.curve.values, 0.6));
  assert.notDeepEqual(smooth.y, raw.y);
});

test("log y: the axis type, and values at or below zero break the line", () => {
  const f = runCurvesFigure("loss", [{ ...a, curve: curve([1, 0, -1, 0.1]) }], { smoothing: 0, logY: true, x: "step" });
  assert.equal((f.layout as any).yaxis.type, "log");
  assert.deepEqual((f.data[0] as any).y, [1, null, null, 0.1]);
});

test("x by time: seconds since each run started; without wall times on every point, the step for all", () => {
  const f = runCurvesFigure("loss", [a, b], { smoothing: 0, logY: false, x: "relative" });
  assert.deepEqual((f.data[0] as any).x, [1, 1.5, 2, 2.5, 3]);
  assert.deepEqual((f.data[1] as any).x, [1, 2, 3, 4, 5]);
  assert.equal((f.layout as any).xaxis.title.text, "seconds since start");
  const untimed = { ...b, curve: { steps: [0, 1], values: [1, 2] } };
  assert.equal(usedX([a, untimed], "relative"), "step");
  assert.deepEqual((runCurvesFigure("loss", [a, untimed], { smoothing: 0, logY: false, x: "relative" }).data[0] as any).x, [0, 1, 2, 3, 4]);
});

test("groups: each a mean line over a ± std band (low edge, then high filled to it), aligned by step", () => {
  const g1 = { label: "model=bert", color: "#1f77b4", members: [{ ...a, curve: curve([1, 2, 3]) }, { ...a, curve: curve([3, 4, 5]) }] };
  const g2 = { label: "model=xgb", color: "#ff7f0e", members: [{ ...b, curve: curve([1, 1, 1]) }] };
  const f = groupCurvesFigure("f1", [g1, g2], { smoothing: 0, logY: false, x: "step" });
  assert.deepEqual(roles(f), ["model=bert:band-low", "model=bert:band-high", "model=bert:mean", "model=xgb:band-low", "model=xgb:band-high", "model=xgb:mean"]);
  const [low, high, mean] = f.data as any[];
  assert.deepEqual(mean.y, [2, 3, 4]);
  assert.equal(mean.name, "model=bert (2 runs)");
  const s = Math.SQRT2;
  assert.deepEqual(low.y.map((v: number) => +v.toFixed(9)), [2 - s, 3 - s, 4 - s].map((v) => +v.toFixed(9)));
  assert.deepEqual(high.y.map((v: number) => +v.toFixed(9)), [2 + s, 3 + s, 4 + s].map((v) => +v.toFixed(9)));
  assert.equal(high.fill, "tonexty");
  assert.equal(high.fillcolor, withAlpha("#1f77b4", 0.2));
  assert.equal(withAlpha("#ff7f0e", 0.5), "rgba(255,127,14,0.5)");
});

test("groups smoothed: the band of the smoothed runs, the raw mean faint behind; on a log axis the band stays above zero", () => {
  const g = { label: "g", color: "#1f77b4", members: [{ ...a, curve: curve([1, 3, 1, 3]) }, { ...a, curve: curve([3, 1, 3, 1]) }] };
  const f = groupCurvesFigure("loss", [g], { smoothing: 0.5, logY: true, x: "step" });
  assert.deepEqual(roles(f), ["g:raw", "g:band-low", "g:band-high", "g:mean"]);
  const [raw, low, , mean] = f.data as any[];
  assert.deepEqual(raw.y, [2, 2, 2, 2]);
  const want = ema([1, 3, 1, 3], 0.5).map((v, i) => (v + ema([3, 1, 3, 1], 0.5)[i]) / 2);
  mean.y.forEach((v: number, i: number) => assert.ok(Math.abs(v - want[i]) < 1e-12));
  assert.ok(low.y.every((v: number | null) => v !== null && v > 0), `${low.y}`);
});
