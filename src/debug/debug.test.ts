import { test, before } from "node:test";
import assert from "node:assert/strict";
import { overfitOneBatch, OverfitError, gradientNorms, NonFiniteCheck, NonFiniteError, deadUnits, checkReproducible, errorAnalysis } from "./index";
import { neuralBackend, MLPClassifier, TextClassifier } from "../neural";
import { tfjs } from "../neural/backend";
import { runSync, type Callback } from "../train";
import { DecisionTreeClassifier } from "../models";
import { MIME } from "../display";
import { denseSplit } from "../../tests/fixtures/modelData";

const digits = denseSplit("digits", "standardised");
const X = digits.Xtrain.slice(0, 200);
const y = digits.ytrain.slice(0, 200);

before(async () => {
  await neuralBackend();
});

test("overfitOneBatch: a sane model memorises 8 samples; learning rate 0 fails loudly", () => {
  const sane = new MLPClassifier({ hiddenLayers: [32], learningRate: 0.01, seed: 0 });
  const ok = overfitOneBatch(sane, X, y);
  assert.throws(() => sane.predict(X), /not fitted/, "the model given is left as it was");
  assert.equal(ok.samples, 8);
  assert.ok(ok.finalLoss < 0.05 && ok.initialLoss > 1, `${ok.initialLoss} → ${ok.finalLoss}`);
  assert.throws(
    () => overfitOneBatch(new MLPClassifier({ hiddenLayers: [32], learningRate: 0, seed: 0 }), X, y, { steps: 50 }),
    (e: Error) => e instanceof OverfitError && /cannot overfit 8 samples/.test(e.message) && /did not move at all: is the learning rate 0/.test(e.message),
  );
  // Too little capacity to move fast enough is a different hint.
  assert.throws(() => overfitOneBatch(new MLPClassifier({ hiddenLayers: [2], learningRate: 1e-4, seed: 0 }), X, y, { steps: 20 }), /moves but too slowly/);
});

test("gradientNorms: one finite positive norm per layer; zero for a layer whose units are all dead", () => {
  const m = new MLPClassifier({ hiddenLayers: [16, 8], epochs: 3, alpha: 0, seed: 0 }).fit(X, y); // no L2: its gradient reaches every layer
  const norms = gradientNorms(m, X, y);
  assert.deepEqual(Object.keys(norms), ["dense_1", "dense_2", "output"]);
  assert.ok(Object.values(norms).every((v) => Number.isFinite(v) && v > 0));
  const w = m.getWeights();
  const bias = w.find((l) => l.layer === "dense_2" && l.name === "bias")!;
  bias.values = bias.values.map(() => -1e4); // every unit of dense_2 is now dead: no gradient reaches dense_1
  m.setWeights(w);
  const dead = gradientNorms(m, X, y);
  assert.equal(dead.dense_1, 0);
  assert.ok(dead.output > 0, "the output bias still learns");
});

test("gradientNorms probes a fitted model on rows of one class, and a fitted text model on its own vocabulary", () => {
  const m = new MLPClassifier({ hiddenLayers: [16], epochs: 2, seed: 0 }).fit(X, y);
  const zeros = y.map((v, i) => [v, i] as const).filter(([v]) => v === y[0]).map(([, i]) => i);
  const tensorsBefore = tfjs().memory().numTensors;
  const norms = gradientNorms(m, zeros.map((i) => X[i]), zeros.map((i) => y[i]));
  assert.deepEqual(Object.keys(norms), ["dense_1", "output"]);
  assert.ok(Object.values(norms).every((v) => Number.isFinite(v) && v > 0));
  assert.equal(tfjs().memory().numTensors, tensorsBefore, "the probe frees its tensors");

  const docs = ["space ship rocket", "love kiss darling", "police murder detective", "rocket planet earth", "love letter kiss", "detective killer gun"];
  const genres = ["scifi", "romance", "mystery", "scifi", "romance", "mystery"];
  const text = new TextClassifier({ embeddingDim: 8, epochs: 2, seed: 0 }).fit(docs, genres);
  const textNorms = gradientNorms(text, ["a rocket we never saw"], ["scifi"]);
  assert.ok(Object.values(textNorms).every((v) => Number.isFinite(v)));
});

test("NonFiniteCheck stops training at the step where a weight became NaN and names the layer", () => {
  const tensorsBefore = tfjs().memory().numTensors;
  const session = new MLPClassifier({ hiddenLayers: [8], epochs: 5, batchSize: 50, seed: 0 }).fitSession(X, y);
  const poison: Callback = {
    onBatchEnd(logs, ctx) {
      if (logs.step !== 6) return;
      const w = ctx.session.getWeights() as { layer: string; values: number[] }[];
      w.find((l) => l.layer === "output")!.values[3] = NaN;
      ctx.session.setWeights(w);
    },
  };
  const check = new NonFiniteCheck();
  let steps = 0;
  const counter: Callback = { onBatchEnd: () => void steps++ };
  assert.throws(
    () => runSync(session, [poison, check, counter]),
    (e: Error) => e instanceof NonFiniteError && e.step === 6 && e.epoch === 1 && e.batch === 1 && e.layer === "output" && /the weights became non-finite at step 6/.test(e.message),
  );
  assert.equal(steps, 5, "training went no further than the offending step");
  assert.equal(tfjs().memory().numTensors, tensorsBefore, "the failed fit freed its weights and optimiser state");
  // Without throwing: training stops there and the finding is kept.
  const quiet = new NonFiniteCheck({ throwOnFind: false });
  const s2 = new MLPClassifier({ hiddenLayers: [8], epochs: 5, batchSize: 50, seed: 0 }).fitSession(X, y);
  const r = runSync(s2, [poison, quiet]);
  assert.equal(quiet.found?.step, 6);
  assert.equal(r.steps, 6);
  assert.match(r.stopReason!, /non-finite at step 6/);
});

test("NonFiniteCheck catches a loss that overflows on its own (absurd learning rate)", () => {
  const session = new MLPClassifier({ hiddenLayers: [32], optimizer: "sgd", learningRate: 1e6, epochs: 20, batchSize: 50, seed: 0 }).fitSession(X, y);
  assert.throws(() => runSync(session, [new NonFiniteCheck()]), (e: Error) => e instanceof NonFiniteError && e.step >= 1);
});

test("deadUnits counts hidden units that never fire on the data", () => {
  const m = new MLPClassifier({ hiddenLayers: [16], epochs: 5, seed: 0 }).fit(X, y);
  const [before] = deadUnits(m, X);
  assert.equal(before.layer, "dense_1");
  assert.equal(before.units, 16);
  const outputs = m.hiddenOutputs(X)[0].values;
  const alive = Array.from({ length: 16 }, (_, j) => j).filter((j) => outputs.some((v, i) => i % 16 === j && v > 0));
  assert.equal(before.dead, 16 - alive.length);
  const w = m.getWeights();
  const bias = w.find((l) => l.layer === "dense_1" && l.name === "bias")!;
  for (const j of alive.slice(0, 3)) bias.values[j] = -1e4;
  m.setWeights(w);
  const [after] = deadUnits(m, X);
  assert.equal(after.dead, before.dead + Math.min(3, alive.length));
  assert.equal(after.deadFraction, after.dead / 16);
  const text = new TextClassifier({ hiddenLayers: [4], epochs: 2, seed: 0 }).fit(["good film", "bad film", "good plot", "bad plot"], [1, 0, 1, 0]);
  assert.equal(deadUnits(text, ["good"])[0].units, 4);
});

test("checkReproducible: same global seed, same model; a hidden random source is caught", () => {
  const ok = checkReproducible(() => new MLPClassifier({ hiddenLayers: [8], epochs: 3, dropout: 0.3 }), X, y, { seed: 42 });
  assert.deepEqual(ok, { reproducible: true, seed: 42, maxDifference: 0, differences: [] });
  const bad = checkReproducible(() => new MLPClassifier({ hiddenLayers: [8], epochs: 3, seed: Math.floor(Math.random() * 1e9) }), X, y);
  assert.equal(bad.reproducible, false);
  assert.ok(bad.maxDifference > 0);
  assert.ok(bad.differences.some((d) => d.startsWith("state.weights[0].values[")), bad.differences.join("\n"));
  assert.equal(checkReproducible(() => new DecisionTreeClassifier(), X, y).reproducible, true, "works for any estimator with toJSON");
});

test("errorAnalysis: misclassified examples grouped by (true, predicted), commonest first, with extra columns", () => {
  const yt = ["a", "a", "a", "b", "b", "c", "c"];
  const yp = ["a", "b", "b", "a", "b", "b", "c"];
  const t = errorAnalysis(yt, yp, { text: ["t0", "t1", "t2", "t3", "t4", "t5", "t6"] });
  assert.equal(t.errors, 4);
  assert.deepEqual(t.groups.map((g) => [g.true, g.predicted, g.count]), [["a", "b", 2], ["b", "a", 1], ["c", "b", 1]]);
  assert.deepEqual(t.groups[0].rows.map((r) => [r.index, r.extra.text]), [[1, "t1"], [2, "t2"]]);
  const bundle = t[MIME]();
  assert.match(String(bundle["text/plain"]), /^4 of 7 misclassified \(57\.1%\)/);
  assert.match(String(bundle["text/html"]), /<td rowspan="2">a<\/td><td rowspan="2">b<\/td><td rowspan="2">2<\/td><td>1<\/td><td>t1<\/td>/);
  // Label sets compare as sets; extra as one object per row.
  const sets = errorAnalysis([["x", "y"], ["x"]], [["y", "x"], []], [{ id: 10 }, { id: 11 }]);
  assert.equal(sets.errors, 1);
  assert.deepEqual(sets.rows[0].extra, { id: 11 });
  assert.throws(() => errorAnalysis(yt, yp.slice(1)), /y has 7 samples but yPred has 6/);
  assert.throws(() => errorAnalysis(yt, yp, { text: ["only one"] }), /extra column 'text' must be an array with one value per sample \(7\)/);
});
