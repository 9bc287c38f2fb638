import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Writable } from "stream";
import { train, EarlyStopping, Checkpoint, ProgressBar, learningCurve, runSync, AsyncCallbackError, type Callback, type CheckpointRecord } from "./index";
import { neuralBackend, MLPClassifier, type LayerWeights } from "../neural";
import { LogisticRegression, DecisionTreeClassifier, MultinomialNB } from "../models";
import { DummyClassifier } from "../baselines";
import * as track from "../track";
import { setDisplaySink, type DisplayOutput } from "../display";
import { InvalidInputError } from "../errors";
import { fireInterrupt } from "../runtime/interrupt";
import { denseSplit } from "../../tests/fixtures/modelData";

const digits = denseSplit("digits", "standardised");
const few = { X: digits.Xtrain.slice(0, 60), y: digits.ytrain.slice(0, 60) };
const val = { X: digits.Xtest.slice(0, 150), y: digits.ytest.slice(0, 150) };

before(async () => {
  await neuralBackend();
});

/** Records the weights at the end of every epoch (runs before the callbacks after it). */
class WeightLog implements Callback {
  readonly epochs: LayerWeights[][] = [];
  onEpochEnd(_logs: unknown, ctx: { session: { getWeights(): unknown } }) {
    this.epochs.push(ctx.session.getWeights() as LayerWeights[]);
  }
}

test("EarlyStopping stops once val_loss has not improved for `patience` epochs and restores the best epoch's weights", async () => {
  // 60 training rows and a fast learning rate: the model overfits and val_loss turns upward.
  const model = new MLPClassifier({ hiddenLayers: [64], learningRate: 0.05, batchSize: 20, epochs: 300, alpha: 0, seed: 0 });
  const log = new WeightLog();
  const stop = new EarlyStopping({ monitor: "val_loss", patience: 3 });
  const r = await train(model, few.X, few.y, { validation: val, callbacks: [log, stop], progress: false });
  assert.ok(r.history.length < 300, `stopped after ${r.history.length} epochs`);
  const losses = r.history.map((h) => h.val_loss);
  const best = losses.indexOf(Math.min(...losses));
  assert.equal(stop.bestEpoch, best);
  assert.equal(stop.stoppedEpoch, best + 3);
  assert.equal(r.history.length, best + 4);
  assert.match(r.stopReason!, /early stopping: val_loss did not improve/);
  assert.deepEqual(model.getWeights(), log.epochs[best], "the best epoch's weights are back");
  assert.notDeepEqual(model.getWeights(), log.epochs[log.epochs.length - 1]);
});

test("EarlyStopping on a metric the epochs do not log says how to get it", () => {
  const session = new MLPClassifier({ hiddenLayers: [4], epochs: 3, seed: 0 }).fitSession(few.X, few.y);
  assert.throws(() => runSync(session, [new EarlyStopping()]), (e: Error) => e instanceof InvalidInputError && /pass validation data/.test(e.message));
});

test("model.fit cannot wait for async callbacks: a clear error points to train()", () => {
  const session = new MLPClassifier({ hiddenLayers: [4], epochs: 2, seed: 0 }).fitSession(few.X, few.y);
  assert.throws(() => runSync(session, [{ onEpochEnd: async () => {} }]), AsyncCallbackError);
});

test("Checkpoint saves weights as artifacts of the active run; LogToRun logs every epoch", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-train-"));
  const st = await track.useStore(`sqlite://${path.join(dir, "store.db")}`);
  const model = new MLPClassifier({ hiddenLayers: [8], epochs: 4, batchSize: 30, seed: 2 });
  await assert.rejects(train(model, few.X, few.y, { callbacks: [new Checkpoint()], progress: false }), /Checkpoint saves weights as artifacts of the active run, and there is none/);
  const run = await track.startRun({ name: "ckpt" });
  const log = new WeightLog();
  const ckpt = new Checkpoint({ every: 2 });
  const best = new Checkpoint({ name: "best", bestOnly: true, monitor: "val_loss" });
  await train(model, few.X, few.y, { validation: val, callbacks: [log, ckpt, best], progress: false });
  await run.end();
  const detail = await st.getRun(run.id);
  const names = detail.artifacts.map((a) => a.name).sort();
  assert.deepEqual(ckpt.saved, ["checkpoint-epoch1.json", "checkpoint-epoch3.json"]);
  assert.ok(names.includes("checkpoint-epoch1.json") && names.includes("checkpoint-epoch3.json") && names.includes("best-best.json"));
  const art = detail.artifacts.find((a) => a.name === "checkpoint-epoch1.json")!;
  const saved = JSON.parse((await st.readArtifact(art.hash)).toString("utf8")) as CheckpointRecord;
  assert.equal(saved.epoch, 1);
  assert.deepEqual(saved.weights, log.epochs[1]);
  const loss = await st.metricHistory(run.id, "loss");
  assert.deepEqual(loss.map((p) => p.step), [0, 1, 2, 3]);
  assert.deepEqual(loss.map((p) => p.value), model.history.map((h) => h.loss));
  assert.equal((await st.metricHistory(run.id, "val_accuracy")).length, 4);
});

test("progress: text bar on stderr outside Jupyter; one display updated in place under a display sink", async () => {
  let text = "";
  const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  const model = new MLPClassifier({ hiddenLayers: [4], epochs: 3, batchSize: 20, seed: 0 });
  const bar = new ProgressBar({ stream, intervalMs: 0 });
  assert.equal(bar.mode, "text");
  await train(model, few.X, few.y, { callbacks: [bar] });
  const last = text.split("\r").at(-1)!;
  assert.match(last, /^epoch 3\/3 \[#{20}\] 3\/3 batches · \d+s total · loss \d\.\d{4}\s*\n$/);
  assert.match(text, /ETA/);

  const calls: { id: string | undefined; update: boolean; out: DisplayOutput }[] = [];
  setDisplaySink({ display: (out, id, update) => calls.push({ id, update, out }), clear() {} });
  try {
    const inKernel = new ProgressBar({ intervalMs: 0 });
    assert.equal(inKernel.mode, "display");
    await train(model, few.X, few.y, { validation: val, callbacks: [inKernel] });
  } finally {
    setDisplaySink(null);
  }
  assert.equal(calls.filter((c) => !c.update).length, 1, "one display");
  assert.ok(calls.length > 3 && calls.every((c) => c.id === calls[0].id), "then updates of that display");
  const final = calls.at(-1)!.out.data;
  assert.match(String(final["text/html"]), /<progress value="100\.0"/);
  assert.match(String(final["text/plain"]), /val_accuracy/);
});

test("an interrupt ends train() after the current batch; the model keeps the weights it reached", async () => {
  const model = new MLPClassifier({ hiddenLayers: [4], epochs: 50, batchSize: 20, seed: 0 });
  let steps = 0;
  const pressStop: Callback = { onBatchEnd: (logs) => void ((steps = logs.step) === 4 && fireInterrupt()) };
  await assert.rejects(train(model, few.X, few.y, { callbacks: [pressStop], progress: false }), (e: Error) => e.name === "KeyboardInterrupt" && /stopped after 4 steps/.test(e.message));
  assert.equal(steps, 4);
  assert.equal(model.history.length, 2, "epoch 0 and the partial epoch 1");
  assert.equal(model.predict(few.X).length, 60);
  const again = await train(model, few.X, few.y, { epochs: 2, progress: false });
  assert.equal(again.history.length, 2, "the next train() is not interrupted by the old press");
});

test("learningCurve works with any estimator: cv folds or a validation set, sizes as proportions or counts", () => {
  const wine = denseSplit("wine", "standardised");
  const lc = learningCurve(() => new LogisticRegression(), digits.Xtrain, digits.ytrain, { sizes: [0.03, 1], cv: 3, seed: 0 });
  const perFold = Math.floor((digits.Xtrain.length * 2) / 3);
  assert.deepEqual(lc.sizes, [Math.round(0.03 * perFold), perFold]);
  assert.equal(lc.trainScores[0].length, 3);
  assert.ok(lc.validationMean[1] >= lc.validationMean[0], "more data helps");
  // An unpruned tree memorises whatever it is given (variance): train accuracy 1 at every size, a gap to validation.
  const tree = learningCurve(() => new DecisionTreeClassifier(), digits.Xtrain, digits.ytrain, { sizes: [50, 400], validation: { X: digits.Xtest, y: digits.ytest } });
  assert.deepEqual(tree.trainMean, [1, 1]);
  assert.ok(tree.validationMean.every((v) => v < 0.95));
  // The majority-class baseline is all bias: train and validation both low.
  const dummy = learningCurve(() => new DummyClassifier(), digits.Xtrain, digits.ytrain, { sizes: [1.0] });
  assert.ok(dummy.trainMean[0] < 0.2 && dummy.validationMean[0] < 0.2);
  const nb = learningCurve(() => new MultinomialNB(), denseSplit("digits").Xtrain, digits.ytrain, { sizes: [0.5] });
  assert.ok(nb.validationMean[0] > 0.8);
  const bundle = (lc as any)[Symbol.for("modelbench.mime")]();
  assert.equal(bundle["application/vnd.plotly.v1+json"].data.length, 2);
  assert.match(bundle["text/plain"], /validation accuracy/);
  assert.throws(() => learningCurve(() => new LogisticRegression(), wine.Xtrain, wine.ytrain, { sizes: [5000] }), /more than the \d+ training rows/);
  assert.throws(() => learningCurve(() => new LogisticRegression(), wine.Xtrain, wine.ytrain.slice(1)), /same samples/);
});
