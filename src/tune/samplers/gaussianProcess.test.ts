import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { fitGP, logH } from "./gaussianProcess";
import { boxLbfgs } from "./boxLbfgs";

// tests/fixtures/make_gp_fixture.py: Optuna 5's fit_kernel_params on the same 20 points.
const fx = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../../tests/fixtures/optuna/gp_fit.json"), "utf8"));
const X: Float64Array[] = fx.X.map((r: number[]) => Float64Array.from(r));
const y = Float64Array.from(fx.y as number[]);
const close = (a: number, b: number, rel: number, what: string) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs Optuna's ${b}`);

test("the kernel fit lands where Optuna's does (marginal likelihood with Optuna's priors)", () => {
  const gp = fitGP(X, y, [false, false, false]);
  fx.inverse_squared_lengthscales.forEach((v: number, k: number) => close(gp.params.invSqLengthscales[k], v, 0.02, `1/ℓ² of input ${k}`));
  close(gp.params.kernelScale, fx.kernel_scale, 0.02, "kernel scale");
  close(gp.params.noise, fx.noise_var, 0.1, "noise (weakly determined, L-BFGS stops at gtol 1e-2 on both sides)");
  // Starting from the previous fit (as the sampler does each trial) gives the same optimum.
  const again = fitGP(X, y, [false, false, false], { init: gp.params });
  close(again.params.kernelScale, gp.params.kernelScale, 0.02, "warm-started kernel scale");
});

test("log EI: its gradient in x matches finite differences, the batch agrees with one at a time, and far tails stay finite", () => {
  const gp = fitGP(X, y, [false, false, false]);
  const x = Float64Array.from([0.3, 0.6, 0.2]);
  for (const threshold of [Math.max(...y), 5, 20]) {
    const g = new Float64Array(3);
    gp.logEI(x, threshold, g, [0, 1, 2]);
    for (let k = 0; k < 3; k++) {
      const a = Float64Array.from(x);
      const b = Float64Array.from(x);
      a[k] += 1e-6;
      b[k] -= 1e-6;
      const num = (gp.logEI(a, threshold) - gp.logEI(b, threshold)) / 2e-6;
      assert.ok(Math.abs(num - g[k]) <= 1e-4 * Math.max(1, Math.abs(num)), `threshold ${threshold}, input ${k}: ${g[k]} vs ${num}`);
    }
  }
  const xs = [x, Float64Array.from([0.9, 0.1, 0.5]), Float64Array.from([0, 1, 1])];
  const many = gp.logEIMany(xs, Math.max(...y));
  xs.forEach((p, i) => assert.ok(Math.abs(many[i] - gp.logEI(p, Math.max(...y))) < 1e-9 * Math.max(1, Math.abs(many[i]))));
  for (const z of [-0.5, -1, -5, -40, -1e4]) {
    const [v, slope] = logH(z);
    assert.ok(Number.isFinite(v) && Number.isFinite(slope), `logH(${z})`);
    if (z > -1e3) assert.ok(Math.abs((logH(z + 1e-6)[0] - logH(z - 1e-6)[0]) / 2e-6 - slope) < 1e-4 * Math.abs(slope), `slope at ${z}`);
  }
});

test("boxLbfgs: finds a minimum inside the box and stops at a bound when the minimum is outside", () => {
  const f = (x: Float64Array, g: Float64Array) => {
    g[0] = 2 * (x[0] - 0.3);
    g[1] = 2 * (x[1] - 2);
    return (x[0] - 0.3) ** 2 + (x[1] - 2) ** 2;
  };
  const r = boxLbfgs(f, Float64Array.from([0.9, 0.1]), [0, 0], [1, 1], { pgtol: 1e-8 });
  assert.ok(Math.abs(r.x[0] - 0.3) < 1e-6 && r.x[1] === 1, `${[...r.x]}`);
});
