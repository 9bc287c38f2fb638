// The EMA slider's smoothing: W&B's debiased exponential moving average.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ema, MAX_SMOOTHING } from "./smoothing";

const close = (a: number[], b: number[]) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12, `${i}: ${v} vs ${b[i]}`));

test("weight 0 is the raw curve", () => {
  assert.deepEqual(ema([3, 1, 2], 0), [3, 1, 2]);
});

test("debiased: the first point is the first value, then each is weight·last + (1 − weight)·value over 1 − weightⁿ", () => {
  // W&B's docs, by hand for weight 0.5: last = 0.5, 1.25, 1.125; debias 0.5, 0.75, 0.875.
  close(ema([1, 2, 1], 0.5), [1, 1.25 / 0.75, 1.125 / 0.875]);
  // A constant stays constant at any weight (no climb from zero).
  close(ema([5, 5, 5, 5], 0.9), [5, 5, 5, 5]);
});

test("smoothing pulls a noisy curve towards its trend and keeps its length", () => {
  const noisy = Array.from({ length: 200 }, (_, i) => 1 / (i + 1) + (i % 2 ? 0.2 : -0.2));
  const s = ema(noisy, 0.9);
  assert.equal(s.length, noisy.length);
  const wiggle = (xs: number[]) => xs.slice(100).reduce((n, v, i, a) => (i ? n + Math.abs(v - a[i - 1]) : n), 0);
  assert.ok(wiggle(s) < wiggle(noisy) / 5, `${wiggle(s)} vs ${wiggle(noisy)}`);
});

test("a NaN stays where it was and leaves the average alone; the weight is clamped below 1", () => {
  const s = ema([1, NaN, 1], 0.5);
  assert.ok(Number.isNaN(s[1]));
  close([s[0], s[2]], [1, 1]);
  const top = ema([0, 1, 1], 1);
  close(top, ema([0, 1, 1], MAX_SMOOTHING));
  assert.ok(top[2] > 0, "a weight of 1 would never move");
});
