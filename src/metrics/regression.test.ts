import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture, assertClose, warningsOf } from "../../tests/fixtures/sklearn";
import { InvalidInputError } from "../errors";
import { meanAbsoluteError, meanSquaredError, r2, rootMeanSquaredError, type MultiOutput } from "./index";

const { regression } = loadFixture("metrics");
const multiOutputOf = (m: string | number[]): MultiOutput =>
  m === "uniform_average" ? "uniformAverage" : m === "raw_values" ? "rawValues" : (m as number[]);

for (const c of regression) {
  test(`regression metrics match sklearn: ${c.name}`, () => {
    for (const r of c.results ?? []) {
      const multioutput = multiOutputOf(r.multioutput);
      assertClose(meanAbsoluteError(c.y_true, c.y_pred, { multioutput }), r.mae, `mae ${r.multioutput}`);
      assertClose(meanSquaredError(c.y_true, c.y_pred, { multioutput }), r.mse, `mse ${r.multioutput}`);
      assertClose(rootMeanSquaredError(c.y_true, c.y_pred, { multioutput }), r.rmse, `rmse ${r.multioutput}`);
      assertClose(r2(c.y_true, c.y_pred, { multioutput }), r.r2, `r2 ${r.multioutput}`);
    }
    if (c.r2_variance_weighted !== undefined) assertClose(r2(c.y_true, c.y_pred, { multioutput: "varianceWeighted" }), c.r2_variance_weighted);
    if (c.r2 !== undefined) assertClose(r2(c.y_true, c.y_pred), c.r2);
  });
}

test("regression metrics refuse bad input with a clear error", () => {
  assert.throws(() => meanSquaredError([1, 2, 3], [1, 2]), /3 samples but y_pred has 2/);
  assert.throws(() => meanAbsoluteError([], []), /empty/);
  assert.throws(() => r2([1, NaN, 3], [1, 2, 3]), /y_true\[1\] is NaN/);
  assert.throws(() => meanSquaredError([[1, 2], [3, 4]], [1, 2]), InvalidInputError);
  assert.throws(() => meanSquaredError([[1, 2], [3, 4]], [[1, 2], [3, 4]], { multioutput: [1] }), /one weight per output/);
  assert.throws(() => meanSquaredError([1], [1], { multioutput: "mean" as any }), /unknown multioutput/);
});

test("R² of a single sample is NaN with a warning", () => {
  const { result, warnings } = warningsOf((onWarning) => r2([3], [2], { onWarning }));
  assert.ok(Number.isNaN(result));
  assert.equal(warnings.length, 1);
});
