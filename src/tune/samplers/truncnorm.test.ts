import { test } from "node:test";
import assert from "node:assert/strict";
import { erfc, logGaussMass, logNdtr, truncNormQuantile } from "./truncnorm";

test("truncnorm: erfc and log Φ match reference values, far tails included", () => {
  const close = (a: number, b: number, rel = 1e-12) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);
  close(erfc(0.5), 0.4795001221869535);
  close(erfc(1.99), 0.004888586800383003);
  close(erfc(3), 2.2090496998585438e-5);
  close(erfc(10), 2.088487583762545e-45);
  close(erfc(-1), 1.842700792949715);
  close(logNdtr(-40), -804.6084420137538, 1e-10);
  close(logNdtr(-5), Math.log(2.866515718791939e-7));
  close(logGaussMass(-1, 1), Math.log(0.6826894921370859));
  assert.ok(Number.isFinite(logGaussMass(40, 41)) && logGaussMass(40, 41) < -790);
});

test("truncnorm: quantiles stay in the interval and are monotone, even deep in a tail", () => {
  for (const [a, b] of [[-3, 3], [5, 6], [-60, -59], [30, 31], [-0.1, 0.05]]) {
    let prev = -Infinity;
    for (let u = 0; u < 1; u += 0.01) {
      const z = truncNormQuantile(a, b, u);
      assert.ok(z >= a && z <= b, `${z} outside [${a}, ${b}]`);
      assert.ok(z >= prev - 1e-12, `not monotone at u=${u} on [${a}, ${b}]`);
      prev = z;
    }
  }
  // the median of N(0,1) truncated to [−0.5, 2]: Φ⁻¹((Φ(−0.5) + Φ(2)) / 2)
  assert.ok(Math.abs(truncNormQuantile(-0.5, 2, 0.5) - 0.3662043543720085) < 1e-9);
});
