import { test } from "node:test";
import assert from "node:assert/strict";
import { Random, globalSeed, setGlobalSeed } from "./index";

test("a seed fixes the sequence; different seeds give different sequences", () => {
  const draw = (seed: number) => {
    const r = new Random(seed);
    return Array.from({ length: 20 }, () => r.uint32());
  };
  assert.deepEqual(draw(1), draw(1));
  assert.notDeepEqual(draw(1), draw(2));
});

test("floats lie in [0, 1) with mean near 1/2; int(n) covers 0..n-1 evenly", () => {
  const r = new Random(123);
  const n = 100000;
  let sum = 0;
  const counts = new Array(6).fill(0);
  for (let i = 0; i < n; i++) {
    const f = r.float();
    assert.ok(f >= 0 && f < 1);
    sum += f;
    counts[r.int(6)]++;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.005);
  for (const c of counts) assert.ok(Math.abs(c / n - 1 / 6) < 0.006);
});

test("categorical draws follow the probabilities and never pick a zero-probability class", () => {
  const r = new Random(9);
  const p = [0.2, 0, 0.5, 0.3];
  const counts = new Array(4).fill(0);
  for (let i = 0; i < 50000; i++) counts[r.categorical(p)]++;
  assert.equal(counts[1], 0);
  p.forEach((q, k) => assert.ok(Math.abs(counts[k] / 50000 - q) < 0.01));
});

test("a global seed makes unseeded sources reproducible, in creation order", () => {
  try {
    setGlobalSeed(42);
    const a = [new Random().float(), new Random().float()];
    setGlobalSeed(42);
    const b = [new Random().float(), new Random().float()];
    assert.deepEqual(a, b);
    assert.notEqual(a[0], a[1]); // two sources, two streams
    assert.equal(globalSeed(), 42);
    assert.throws(() => setGlobalSeed(-1), /whole number from 0 to 4294967295/);
  } finally {
    setGlobalSeed(null);
  }
  assert.equal(globalSeed(), null);
});
