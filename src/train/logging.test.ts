// What neural training leaves in the active run without extra code (autolog of fit() and train())
// and with the LogGradients and LogHistograms callbacks.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { denseSplit } from "../../tests/fixtures/modelData";
import { neuralBackend, MLPClassifier } from "../neural";
import { autolog } from "../models";
import * as track from "../track";
import type { Store } from "../track";
import { train, LogGradients, LogHistograms, binCounts } from "./index";
import { recorded as record } from "../../tests/support/recorded";

const digits = denseSplit("digits", "standardised");
const few = { X: digits.Xtrain.slice(0, 80), y: digits.ytrain.slice(0, 80) };
let st: Store;

before(async () => {
  await neuralBackend();
  st = await track.useStore(`sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-trainlog-")), "store.db")}`);
});

const recorded = (fn: () => unknown) => record(st, fn, "neural");

test("MLPClassifier.fit in a run: its params, fit_time, model_size and every epoch's loss (and val_loss with early stopping)", async () => {
  let model!: MLPClassifier;
  const { detail, history } = await recorded(() => (model = new MLPClassifier({ hiddenLayers: [16], epochs: 6, earlyStopping: true, nIterNoChange: 50, seed: 0 }).fit(few.X, few.y)));
  assert.equal(detail.params.estimator_name, "MLPClassifier");
  assert.deepEqual(detail.params.hiddenLayers, [16]);
  assert.equal(detail.params.epochs, 6);
  assert.ok(detail.metrics.fit_time.last > 0);
  assert.equal(detail.metrics.model_size.last, Buffer.byteLength(JSON.stringify(model.toJSON())));
  assert.deepEqual(await history("loss"), model.history.map((h) => [h.epoch, h.loss]));
  assert.deepEqual(await history("val_loss"), model.history.map((h) => [h.epoch, h.val_loss]));
  assert.equal(detail.metrics.val_accuracy.count, 6);
});

test("autolog(false): an MLP fit records nothing", async () => {
  autolog(false);
  try {
    const { detail } = await recorded(() => new MLPClassifier({ hiddenLayers: [4], epochs: 2, seed: 0 }).fit(few.X, few.y));
    assert.deepEqual(detail.params, {});
    assert.deepEqual(detail.metrics, {});
  } finally {
    autolog(true);
  }
});

test("train(): autolog records the model once (params, fit_time, model_size), LogToRun the epochs; LogGradients the global and per-layer gradient norms per step", async () => {
  const grads = new LogGradients({ every: 2 });
  let model!: MLPClassifier;
  const { detail, history } = await recorded(async () => {
    model = new MLPClassifier({ hiddenLayers: [8], epochs: 2, batchSize: 20, seed: 0 });
    await train(model, few.X, few.y, { callbacks: [grads], progress: false });
  });
  assert.equal(detail.params.estimator_name, "MLPClassifier");
  assert.equal(detail.metrics.fit_time.count, 1);
  assert.equal(detail.metrics.model_size.last, Buffer.byteLength(JSON.stringify(model.toJSON())));
  assert.deepEqual((await history("loss")).map(([s]) => s), [0, 1], "epochs logged once, by LogToRun");
  // 80 rows in batches of 20: 4 steps per epoch, 8 in all; every 2nd from the first.
  assert.deepEqual(grads.steps.map((s) => s.step), [1, 3, 5, 7]);
  for (const s of grads.steps) {
    assert.deepEqual(Object.keys(s.layers), ["dense_1", "output"]);
    assert.ok(Math.abs(s.total - Math.hypot(s.layers.dense_1, s.layers.output)) < 1e-12);
  }
  assert.deepEqual(await history("grad_norm/total"), grads.steps.map((s) => [s.step, s.total]));
  assert.deepEqual(await history("grad_norm/dense_1"), grads.steps.map((s) => [s.step, s.layers.dense_1]));
});

test("LogHistograms: weight and activation histograms every N steps as figures, and every bin as a table", async () => {
  const hist = new LogHistograms({ every: 3, bins: 10, samples: 50 });
  const { run } = await recorded(() => train(new MLPClassifier({ hiddenLayers: [8], epochs: 2, batchSize: 20, seed: 0 }), few.X, few.y, { callbacks: [hist], progress: false }));
  const media = await st.listMedia(run.id);
  const at = (key: string) => media.filter((m) => m.key === key).map((m) => m.step);
  for (const key of ["histograms/weights/dense_1/kernel", "histograms/weights/dense_1/bias", "histograms/weights/output/kernel", "histograms/activations/dense_1", "histograms/weights_bins", "histograms/activations_bins"]) {
    assert.deepEqual(at(key), [3, 6], key);
  }
  const [table] = await track.loadMedia(run.id, "histograms/activations_bins", { step: 6 });
  const { columns, data } = table.value as { columns: string[]; data: unknown[][] };
  assert.deepEqual(columns, ["name", "bin_start", "bin_end", "count"]);
  assert.equal(data.length, 10);
  assert.equal(data.reduce((a, r) => a + (r[3] as number), 0), 50 * 8, "50 rows × 8 units");
  const [figure] = await track.loadMedia(run.id, "histograms/weights/dense_1/kernel", { step: 3 });
  assert.equal((figure.value as any).data[0].y.reduce((a: number, b: number) => a + b, 0), 64 * 8);
  assert.throws(() => new LogHistograms({ every: 0 }), /every must be/);
});

test("binCounts: equal-width bins as numpy.histogram (the last bin closed), non-finite values counted apart", () => {
  const h = binCounts([0, 1, 2, 3, 4, NaN, Infinity], 4);
  assert.deepEqual(h.edges, [0, 1, 2, 3, 4]);
  assert.deepEqual(h.counts, [1, 1, 1, 2]);
  assert.equal(h.nonFinite, 2);
  assert.deepEqual(binCounts([5, 5], 2).counts, [0, 2]);
});
