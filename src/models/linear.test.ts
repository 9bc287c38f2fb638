// LinearRegression, Ridge and Lasso against scikit-learn's on the diabetes data (fixtures from
// tests/fixtures/make_gbdt_fixtures.py): coefficients, intercept and predictions to 1e-6.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture } from "../../tests/fixtures/sklearn";
import { camelParams } from "../../tests/fixtures/modelData";
import { InvalidInputError } from "../errors";
import { Lasso, LinearRegression, Ridge, modelFromJSON } from "./index";

const gbdt = loadFixture("gbdt");
const d = gbdt.datasets.diabetes;
const Xtrain: number[][] = d.train.map((i: number) => d.X[i]);
const ytrain: number[] = d.train.map((i: number) => d.y[i]);
const Xtest: number[][] = d.test.map((i: number) => d.X[i]);
const makers: Record<string, (p: any) => LinearRegression | Ridge | Lasso> = { LinearRegression: (p) => new LinearRegression(p), Ridge: (p) => new Ridge(p), Lasso: (p) => new Lasso(p) };

const close = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))));

for (const c of gbdt.linear) {
  test(`${c.model} ${JSON.stringify(c.params)} matches sklearn's coefficients and predictions to 1e-6`, () => {
    const model = makers[c.model](camelParams(c.params)).fit(Xtrain, ytrain);
    assert.ok(close(model.coef, c.coef) < 1e-6, `coefficients differ by ${close(model.coef, c.coef)}`);
    assert.ok(Math.abs(model.intercept - c.intercept) < 1e-6 * Math.max(1, Math.abs(c.intercept)));
    assert.ok(close(model.predict(Xtest), c.predict) < 1e-6);
    const revived = modelFromJSON(JSON.parse(JSON.stringify(model))) as typeof model;
    assert.deepEqual(revived.predict(Xtest), model.predict(Xtest));
    assert.deepEqual(revived.params(), model.params());
  });
}

test("linear models: bad settings and dependent columns are clear errors", () => {
  assert.throws(() => new Ridge({ alpha: -1 }), /alpha must be ≥ 0/);
  assert.throws(() => new Lasso({ maxIter: 0 }), /maxIter must be ≥ 1/);
  const twice = Xtrain.map((r) => [r[0], r[0] * 2, r[1]]);
  assert.throws(() => new LinearRegression().fit(twice, ytrain), (e: unknown) => e instanceof InvalidInputError && /linearly dependent .* use Ridge/.test((e as Error).message));
  assert.doesNotThrow(() => new Ridge({ alpha: 1 }).fit(twice, ytrain));
  assert.throws(() => new LinearRegression().fit(Xtrain, ytrain.map((v, i) => (i === 2 ? NaN : v))), /y\[2\] is NaN/);
});
