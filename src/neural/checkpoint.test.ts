// Training in rounds (warmStart) and stopping and resuming from a checkpoint: what population-based
// training needs from the tfjs networks.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { neuralBackend, MLPClassifier, TextClassifier } from "./index";
import { tfjs } from "./backend";
import { train } from "../train";
import { InvalidInputError, NotFittedError } from "../errors";
import { denseSplit } from "../../tests/fixtures/modelData";

const digits = denseSplit("digits", "standardised");
const X = digits.Xtrain.slice(0, 200), y = digits.ytrain.slice(0, 200);
// No shuffling and no dropout: the only state is the weights and the optimiser's.
const base = { hiddenLayers: [16], batchSize: 50, seed: 3, shuffle: false, alpha: 0, learningRate: 0.01 };
const maxDiff = (a: { values: number[] }[], b: { values: number[] }[]) => Math.max(...a.flatMap((w, i) => w.values.map((v, j) => Math.abs(v - b[i].values[j]))));

before(async () => {
  await neuralBackend();
});

test("two warm-start rounds of 2 epochs train exactly as one fit of 4 (Adam's moments carry over); history accumulates", async () => {
  for (const optimizer of ["adam", "sgd"] as const) {
    const once = new MLPClassifier({ ...base, optimizer, epochs: 4 });
    await train(once, X, y, { progress: false });
    const rounds = new MLPClassifier({ ...base, optimizer, epochs: 2 });
    await train(rounds, X, y, { progress: false, warmStart: true });
    await train(rounds, X, y, { progress: false, warmStart: true });
    assert.equal(maxDiff(once.getWeights(), rounds.getWeights()), 0, optimizer);
    assert.deepEqual(rounds.history.map((h) => h.epoch), [0, 1, 2, 3]);
    assert.deepEqual(rounds.history.map((h) => h.loss), once.history.map((h) => h.loss));
    // Without warmStart a fit starts afresh, as before.
    const fresh = new MLPClassifier({ ...base, optimizer, epochs: 2 });
    await train(fresh, X, y, { progress: false });
    await train(fresh, X, y, { progress: false });
    assert.notEqual(maxDiff(once.getWeights(), fresh.getWeights()), 0);
    assert.equal(fresh.history.length, 2);
  }
});

test("checkpoint() is plain data; restore() into a new model continues exactly as the original; another learning rate applies from then on", async () => {
  const a = new MLPClassifier({ ...base, epochs: 2 });
  await train(a, X, y, { progress: false, warmStart: true });
  const ckpt = JSON.parse(JSON.stringify(await a.checkpoint()));
  assert.equal(ckpt.format, "modelbench.checkpoint");
  assert.equal(ckpt.optimizer.kind, "adam");
  assert.deepEqual(ckpt.optimizer.slots[0], { name: "iter", shape: [], dtype: "int32", values: [8] }, "4 batches × 2 epochs");
  assert.equal(ckpt.optimizer.slots.length, 1 + 2 * 4, "Adam's first and second moments of 4 weight arrays");
  const b = await new MLPClassifier({ ...base, epochs: 2 }).restore(ckpt);
  assert.deepEqual(b.predict(X.slice(0, 20)), a.predict(X.slice(0, 20)));
  await train(a, X, y, { progress: false, warmStart: true });
  await train(b, X, y, { progress: false, warmStart: true });
  assert.equal(maxDiff(a.getWeights(), b.getWeights()), 0);
  const c = await new MLPClassifier({ ...base, learningRate: 0.001, epochs: 2 }).restore(ckpt);
  await train(c, X, y, { progress: false, warmStart: true });
  const step = (m: MLPClassifier) => maxDiff(m.getWeights(), (ckpt.model.state as { weights: { values: number[] }[] }).weights);
  assert.ok(step(c) < step(b) / 3, `a tenth of the learning rate moves the weights less: ${step(c)} vs ${step(b)}`);
  // An SGD model takes the weights but starts its own (momentum) state.
  const d = await new MLPClassifier({ ...base, optimizer: "sgd", epochs: 1 }).restore(ckpt);
  await train(d, X, y, { progress: false, warmStart: true });
  assert.equal(d.history.length, 3);
  for (const m of [a, b, c, d]) m.dispose();
});

test("a TextClassifier checkpoints its vocabulary with its weights: restored, it predicts and trains on exactly as the original", async () => {
  const docs = ["the cat sat", "a dog ran", "the cat ran", "a dog sat", "cats purr", "dogs bark", "the cat purrs", "a dog barks"];
  const labels = ["cat", "dog", "cat", "dog", "cat", "dog", "cat", "dog"];
  const params = { epochs: 3, batchSize: 4, seed: 1, shuffle: false, embeddingDim: 8 };
  const a = new TextClassifier(params);
  await train(a, docs, labels, { progress: false, warmStart: true });
  const b = await new TextClassifier(params).restore(JSON.parse(JSON.stringify(await a.checkpoint())));
  assert.deepEqual(b.predictProba(["the dog purrs"]), a.predictProba(["the dog purrs"]));
  await train(a, docs, labels, { progress: false, warmStart: true });
  await train(b, docs, labels, { progress: false, warmStart: true });
  assert.equal(maxDiff(a.getWeights(), b.getWeights()), 0);
  a.dispose();
  b.dispose();
});

test("restore() refuses what does not fit, and leaves the model as it was; checkpoint() needs a fitted model; no tensors leak", async () => {
  const tf = tfjs();
  const a = new MLPClassifier({ ...base, epochs: 1 });
  await assert.rejects(a.checkpoint(), NotFittedError);
  await train(a, X, y, { progress: false, warmStart: true });
  const ckpt = await a.checkpoint();
  const wide = new MLPClassifier({ ...base, hiddenLayers: [32], epochs: 1 });
  await train(wide, X, y, { progress: false });
  const before = wide.getWeights();
  await assert.rejects(wide.restore(ckpt), (e: Error) => e instanceof InvalidInputError && /were they saved from a model with the same layers/.test(e.message));
  assert.deepEqual(wide.getWeights(), before, "a refused checkpoint changes nothing");
  await assert.rejects(new TextClassifier().restore(ckpt as any), /this checkpoint is of a MLPClassifier, not a TextClassifier/);
  await assert.rejects(a.restore({ nope: 1 } as any), /not a checkpoint: pass what a model's checkpoint\(\) returned/);
  const tensors = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const m = await new MLPClassifier({ ...base, epochs: 1 }).restore(ckpt);
    await train(m, X, y, { progress: false, warmStart: true });
    await m.checkpoint();
    m.dispose();
  }
  assert.equal(tf.memory().numTensors, tensors);
  a.dispose();
  wide.dispose();
});
