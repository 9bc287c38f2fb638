import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { neuralBackend, nativePackageInstalled, MLPClassifier, TextClassifier, Tokenizer } from "./index";
import { tfjs } from "./backend";
import { modelFromJSON } from "../models";
import { CsrMatrix } from "../features/sparse";
import { accuracy } from "../metrics";
import { InvalidInputError, NotFittedError } from "../errors";
import { denseSplit, models } from "../../tests/fixtures/modelData";
import { loadFixture } from "../../tests/fixtures/sklearn";

const neural = loadFixture("neural");
const digits = denseSplit("digits", "standardised");

before(async () => {
  await neuralBackend();
});

test("the backend is native TensorFlow when the set-up built it, else WASM with a note saying why", async () => {
  const info = await neuralBackend();
  if (process.env.MODELBENCH_BACKEND === "wasm") assert.deepEqual(info, { package: "@tensorflow/tfjs", backend: "wasm", note: "MODELBENCH_BACKEND=wasm chose it" });
  else if (nativePackageInstalled()) assert.deepEqual(info, { package: "@tensorflow/tfjs-node", backend: "tensorflow" });
  else assert.match(`${info.backend}: ${info.note}`, /^wasm: native TensorFlow \(@tensorflow\/tfjs-node\) is not built: run `node scripts\/setup.mjs`/);
  // CI's set-up builds tfjs-node; a silent fall-back to WASM there would hide a broken build.
  if (process.env.CI === "true" && !process.env.MODELBENCH_BACKEND) assert.equal(info.backend, "tensorflow", info.note);
  assert.equal(await neuralBackend(), info, "started once");
});

test("a library that switches tfjs's engine to its own backend (as USE-lite does) is undone at the next fit", async () => {
  const info = await neuralBackend();
  const tf = tfjs();
  await tf.setBackend("cpu");
  new MLPClassifier({ hiddenLayers: [2], epochs: 1, seed: 0 }).fit([[0], [1], [0], [1]], [0, 1, 0, 1]);
  assert.equal(tf.getBackend(), info.backend);
});

test("without a native build, or with one that does not load, tfjs runs on WASM and says why", () => {
  const probe = (dir: string) => {
    const code = `require(${JSON.stringify(require.resolve("./index"))}).neuralBackend().then((i) => console.log(JSON.stringify(i)))`;
    const r = spawnSync(process.execPath, ["-e", code], { env: { ...process.env, MODELBENCH_TFJS_NODE_DIR: dir, MODELBENCH_BACKEND: "" }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop()!);
  };
  const absent = probe("/nonexistent/tfjs-node");
  assert.equal(absent.backend, "wasm");
  assert.match(absent.note, /is not built: run `node scripts\/setup.mjs` .* builds @tensorflow\/tfjs-node from PyPI's tensorflow-cpu wheel/);
  const fake = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-node-"));
  fs.mkdirSync(path.join(fake, "lib", "napi-v8"), { recursive: true });
  fs.writeFileSync(path.join(fake, "lib", "napi-v8", "tfjs_binding.node"), "not a shared library");
  fs.writeFileSync(path.join(fake, "package.json"), JSON.stringify({ name: "@tensorflow/tfjs-node", main: "index.js" }));
  fs.writeFileSync(path.join(fake, "index.js"), "require('./lib/napi-v8/tfjs_binding.node')");
  const broken = probe(fake);
  assert.equal(broken.backend, "wasm");
  assert.match(broken.note, /failed to load \(.*\): run `node scripts\/setup.mjs`/);
  fs.rmSync(fake, { recursive: true, force: true });
});

test("MLP on digits: held-out accuracy within 0.02 of scikit-learn's MLPClassifier with the same settings", () => {
  const f = neural.mlp_digits;
  const p = f.params;
  const scores = [0, 1, 2].map((seed) => {
    const m = new MLPClassifier({ hiddenLayers: p.hidden_layer_sizes, learningRate: p.learning_rate_init, batchSize: p.batch_size, alpha: p.alpha, epochs: p.max_iter, nIterNoChange: p.n_iter_no_change, seed });
    m.fit(digits.Xtrain, digits.ytrain);
    assert.equal(m.history.length, p.max_iter);
    return accuracy(digits.ytest, m.predict(digits.Xtest) as number[]);
  });
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  assert.ok(Math.abs(mean - f.mean_accuracy) <= 0.02, `ours ${mean.toFixed(4)} (${scores.map((s) => s.toFixed(3))}) vs scikit-learn ${f.mean_accuracy.toFixed(4)}`);
});

const small = { Xtrain: digits.Xtrain.slice(0, 300), ytrain: digits.ytrain.slice(0, 300) };
const quick = { hiddenLayers: [16], epochs: 5, batchSize: 64, learningRate: 0.01 };

test("a seed reproduces a fit exactly (weights, shuffling, dropout); another seed differs", () => {
  const fit = (seed: number) => new MLPClassifier({ ...quick, dropout: 0.2, seed }).fit(small.Xtrain, small.ytrain);
  const [a, b, c] = [fit(7), fit(7), fit(8)];
  assert.deepEqual(a.getWeights(), b.getWeights());
  assert.deepEqual(a.history, b.history);
  assert.notDeepEqual(a.getWeights(), c.getWeights());
});

test("saved with weights: modelFromJSON (what loadModel uses) revives a model that predicts the same", () => {
  const m = new MLPClassifier({ ...quick, seed: 1 }).fit(small.Xtrain, small.ytrain);
  const back = modelFromJSON(JSON.parse(JSON.stringify(m.toJSON()))) as MLPClassifier;
  assert.ok(back instanceof MLPClassifier);
  assert.deepEqual(back.predictProba(digits.Xtest), m.predictProba(digits.Xtest));
  assert.deepEqual(back.params(), m.params());
  assert.deepEqual(back.classes, m.classes);
  const unfitted = modelFromJSON(new MLPClassifier({ hiddenLayers: [3] }).toJSON()) as MLPClassifier;
  assert.throws(() => unfitted.predict(digits.Xtest), NotFittedError);
});

test("a CsrMatrix trains exactly like the same dense rows (densified a batch at a time)", () => {
  const dense = new MLPClassifier({ ...quick, seed: 3 }).fit(small.Xtrain, small.ytrain);
  const sparse = new MLPClassifier({ ...quick, seed: 3 }).fit(CsrMatrix.fromDense(small.Xtrain), small.ytrain);
  assert.deepEqual(sparse.getWeights(), dense.getWeights());
  assert.deepEqual(sparse.predict(CsrMatrix.fromDense(digits.Xtest)), dense.predict(digits.Xtest));
  assert.throws(() => dense.predict(digits.Xtest.map((r) => r.slice(1))), /63 features but the model was fitted on 64/);
  // A refit that fails (here on its labels) leaves the fitted model as it was.
  const before = dense.predictProba(digits.Xtest.slice(0, 3));
  assert.throws(() => dense.fit(small.Xtrain.map((r) => r.slice(1)), small.ytrain.map(() => 1)), /only 1 class/);
  assert.deepEqual(dense.predictProba(digits.Xtest.slice(0, 3)), before);
  assert.throws(() => dense.setWeights(dense.getWeights().slice(1)), /expected 4 weight arrays/);
});

test("multi-label: label sets in, label sets out (sigmoid outputs); indicator rows stay indicator rows", () => {
  const sets = (ys: unknown[]) => ys.map((d) => [...((d as number) % 2 === 0 ? ["even"] : []), ...((d as number) >= 5 ? ["big"] : [])]);
  const m = new MLPClassifier({ hiddenLayers: [32], epochs: 40, learningRate: 0.01, seed: 0 }).fit(digits.Xtrain, sets(digits.ytrain));
  assert.deepEqual(m.classes, ["big", "even"]);
  assert.ok(m.multiLabel);
  const pred = m.predict(digits.Xtest) as string[][];
  assert.ok(pred.every((r) => Array.isArray(r)));
  const subset = accuracy(sets(digits.ytest), pred);
  assert.ok(subset > 0.85, `subset accuracy ${subset}`);
  const proba = m.predictProba(digits.Xtest.slice(0, 20));
  assert.ok(proba.some((r) => Math.abs(r[0] + r[1] - 1) > 0.05), "per-label probabilities, not a softmax");
  const indicator = sets(digits.ytrain).map((r) => [r.includes("big") ? 1 : 0, r.includes("even") ? 1 : 0]);
  const mi = new MLPClassifier({ ...quick, seed: 0 }).fit(small.Xtrain, indicator.slice(0, 300));
  assert.deepEqual(mi.classes, [0, 1]);
  assert.ok((mi.predict(digits.Xtest.slice(0, 5)) as number[][]).every((r) => r.length === 2 && r.every((v) => v === 0 || v === 1)));
});

test("bad settings and data get errors that say what to do", () => {
  assert.throws(() => new MLPClassifier({ hiddenLayers: [0] }), /hiddenLayers\[0\] must be ≥ 1/);
  assert.throws(() => new MLPClassifier({ optimizer: "rmsprop" as any }), /unknown optimizer "rmsprop"/);
  assert.throws(() => new MLPClassifier(quick).fit(small.Xtrain, small.ytrain.slice(1)), /300 samples but y has 299/);
  assert.throws(() => new MLPClassifier(quick).fit(small.Xtrain, small.ytrain.map(() => 1)), /only 1 class/);
  assert.throws(() => new MLPClassifier(quick).predict(small.Xtrain), NotFittedError);
  assert.throws(() => new MLPClassifier(quick).fit([[1, NaN], [2, 3]], [0, 1]), InvalidInputError);
});

test("Tokenizer: lowercase words, min count, max vocabulary, padding and truncation", () => {
  const t = new Tokenizer({ minCount: 2, maxLength: 4 }).fit(["The cat sat", "the CAT ran", "a dog ran far away"]);
  assert.deepEqual(t.words, ["cat", "ran", "the"]); // count 2 each, ties alphabetical; "a" is not a word (one letter)
  assert.deepEqual(t.transform(["the cat", "cat ran the dog and more"]).map((r) => [...r]), [[4, 2, 0, 0], [2, 3, 4, 1]]);
  const pre = new Tokenizer({ maxLength: 2, truncating: "pre", maxVocab: 1 }).fit(["x1 x1 yy", "zz"]);
  assert.deepEqual(pre.words, ["x1"]);
  assert.deepEqual([...pre.transform(["yy zz x1"])[0]], [1, 2]);
  assert.deepEqual(Tokenizer.fromJSON(JSON.parse(JSON.stringify(t.toJSON()))).transform(["ran"]), t.transform(["ran"]));
  assert.throws(() => new Tokenizer({ minCount: 9 }).fit(["a b"]), /lower minCount/);
  assert.throws(() => t.transform(["ok", 3 as any]), /texts\[1\] is number/);
});

test("TextClassifier on the licence paragraphs: far above the majority class, saved and revived with its vocabulary", () => {
  const t = models.text;
  const pick = <T>(v: T[], idx: number[]) => idx.map((i) => v[i]);
  const [Xtr, ytr, Xte, yte] = [pick<string>(t.docs, t.train), pick<string>(t.y, t.train), pick<string>(t.docs, t.test), pick<string>(t.y, t.test)];
  const m = new TextClassifier({ epochs: 15, seed: 0, tokenizer: { minCount: 2, maxLength: 120 } }).fit(Xtr, ytr);
  const acc = accuracy(yte, m.predict(Xte) as string[]);
  const counts = new Map<string, number>();
  for (const y of ytr) counts.set(y, (counts.get(y) ?? 0) + 1);
  const majority = Math.max(...counts.values()) / ytr.length;
  assert.ok(acc > majority + 0.3, `accuracy ${acc} vs majority ${majority}`);
  const back = modelFromJSON(JSON.stringify(m.toJSON())) as TextClassifier;
  assert.deepEqual(back.predictProba(Xte.slice(0, 10)), m.predictProba(Xte.slice(0, 10)));
  assert.deepEqual(back.vocabulary!.words, m.vocabulary!.words);
});

test("TextClassifier over token ids (max pooling) needs vocabularySize and checks the ids", () => {
  const X = [[2, 3, 0], [2, 3], [4, 5], [5, 4, 4], [2, 2], [4]];
  const y = ["a", "a", "b", "b", "a", "b"];
  assert.throws(() => new TextClassifier({ seed: 0 }).fit(X, y), /set vocabularySize/);
  const m = new TextClassifier({ vocabularySize: 6, pooling: "max", epochs: 60, batchSize: 6, seed: 0 }).fit(X, y);
  assert.deepEqual(m.predict([[3, 2], [5]]), ["a", "b"]);
  assert.throws(() => m.predict([[9]]), /X\[0\]\[0\] is 9: token ids must be whole numbers in \[0, 6\)/);
  assert.throws(() => m.predict(["text"]), /fitted on token ids/);
});
