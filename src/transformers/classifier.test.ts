// TransformerClassifier on all-MiniLM-L6-v2 at CI sizes (a few short texts, short maxLength, few
// steps): it overfits one batch, saves and loads exactly, trains label sets, repeats with a seed,
// freezes what it is told to, works with train()'s callbacks, and turns bad input into clear errors.
// Each option has a test of its effect: clipNorm, CLS pooling, classWeight, earlyStopping.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InvalidInputError, NotFittedError } from "../errors";
import { NonFiniteCheck, NonFiniteError, overfitOneBatch } from "../debug";
import { modelFromJSON } from "../models";
import { neuralBackend } from "../neural";
import { Random, setGlobalSeed } from "../random";
import { MIME } from "../display";
import { EarlyStopping, runSync, train, type BatchLogs } from "../train";
import { tfjs } from "../neural/backend";
import { splitForValidation } from "../neural/classifier";
import { BackendLimitError, ModelNotFoundError, Safetensors, TransformerClassifier, TransformerWeights, lengthGroupedOrder, linearSchedule, loadPretrained } from "./index";

const X = [
  "the stock market fell sharply today", "shares rose on strong earnings", "investors sold their bonds", "the central bank raised interest rates",
  "the team won the cup final", "the striker scored twice in the second half", "the coach praised his young players", "fans cheered the late goal",
];
const y = ["finance", "finance", "finance", "finance", "sport", "sport", "sport", "sport"];
// Small and fast: short texts, the top two layers trained, no dropout.
const small = { maxLength: 16, trainableLayers: 2, dropout: 0, learningRate: 5e-4, warmupFraction: 0, schedule: "constant" as const, batchSize: 8, seed: 3 };

before(async () => {
  await neuralBackend();
});

test("a tiny fine-tune overfits one batch (overfitOneBatch), single- and multi-label", () => {
  const single = overfitOneBatch(new TransformerClassifier(small), X, y, { steps: 25 });
  assert.ok(single.initialLoss > 0.5 && single.finalLoss < 0.05, `${single.initialLoss} → ${single.finalLoss}`);
  const sets = y.map((label, i) => (i % 3 === 0 ? [label, "news"] : [label]));
  const multi = overfitOneBatch(new TransformerClassifier(small), X, sets, { steps: 40, threshold: 0.1 });
  assert.ok(multi.finalLoss < 0.1, `${multi.initialLoss} → ${multi.finalLoss}`);
});

test("multi-label: label sets in, label sets out (sigmoid + binary cross-entropy)", () => {
  const sets = y.map((label, i) => (i % 2 === 0 ? [label, "even"] : [label]));
  const m = new TransformerClassifier({ ...small, epochs: 30 }).fit(X, sets);
  assert.equal(m.multiLabel, true);
  assert.deepEqual(m.classes, ["even", "finance", "sport"]);
  assert.deepEqual(m.predict(X), sets.map((s) => [...s].sort()));
  const proba = m.predictProba(X.slice(0, 2));
  assert.ok(proba.every((row) => row.length === 3 && row.every((q) => q > 0 && q < 1)), "independent probabilities per label");
  m.dispose();
});

test("save → load gives identical predictions: safetensors file, toJSON/modelFromJSON (what loadModel uses)", () => {
  const m = new TransformerClassifier({ ...small, epochs: 3 }).fit(X, y);
  const proba = m.predictProba(X);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tc-")), "model.safetensors");
  m.save(file);
  const loaded = TransformerClassifier.load(file);
  assert.deepEqual(loaded.predictProba(X), proba);
  assert.deepEqual(loaded.params(), m.params());
  assert.deepEqual(loaded.history, m.history);
  const revived = modelFromJSON(JSON.parse(JSON.stringify(m))) as TransformerClassifier;
  assert.deepEqual(revived.predictProba(X), proba);
  assert.deepEqual(revived.predict(X), m.predict(X));
  // An unfitted model saves its settings and stays unfitted.
  assert.throws(() => (modelFromJSON(JSON.parse(JSON.stringify(new TransformerClassifier(small)))) as TransformerClassifier).predict(X), NotFittedError);
  assert.throws(() => TransformerClassifier.fromSafetensors(fs.readFileSync(path.join(path.dirname(require.resolve("./index")), "..", "..", "..", ".data", "models", "all-MiniLM-L6-v2", "model.safetensors"))), /not a saved TransformerClassifier .* loadPretrained/);
  for (const model of [m, loaded, revived]) model.dispose();
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test("a seed repeats a fine-tune exactly (weights, dropout, batch order); another seed differs", () => {
  const fit = (seed: number) => {
    const m = new TransformerClassifier({ ...small, dropout: 0.1, batchSize: 4, epochs: 2, seed }).fit(X, y);
    const p = m.predictProba(X);
    m.dispose();
    return p;
  };
  const a = fit(5);
  assert.deepEqual(fit(5), a);
  assert.notDeepEqual(fit(6), a);
  // No seed of its own: %seed (setGlobalSeed) makes the fine-tune repeat.
  const underGlobalSeed = () => {
    setGlobalSeed(11);
    const m = new TransformerClassifier({ ...small, dropout: 0.1, batchSize: 4, epochs: 1, seed: null }).fit(X, y);
    const p = m.predictProba(X);
    m.dispose();
    return p;
  };
  try {
    assert.deepEqual(underGlobalSeed(), underGlobalSeed());
  } finally {
    setGlobalSeed(null);
  }
});

test("the estimator contract: fit returns the model, sorted classes, rows summing to 1, predict = argmax, params() rebuilds it", () => {
  const m = new TransformerClassifier({ ...small, epochs: 2 });
  assert.equal(m.fit(X, y), m);
  assert.deepEqual(m.classes, ["finance", "sport"]);
  const proba = m.predictProba(X);
  assert.ok(proba.every((row) => row.length === 2 && Math.abs(row[0] + row[1] - 1) < 1e-6));
  assert.deepEqual(m.predict(X), proba.map((r) => m.classes[r.indexOf(Math.max(...r))]));
  const twin = new TransformerClassifier(m.params()).fit(X, y);
  assert.deepEqual(twin.predictProba(X), proba);
  assert.match(m[MIME]()["text/plain"] as string, /^TransformerClassifier\(\{.*\}\)\n  fitted: 2 classes, all-MiniLM-L6-v2 \(6 layers\), 2 epochs, final loss/);
  assert.match(new TransformerClassifier()[MIME]()["text/plain"] as string, /not fitted$/);
  assert.deepEqual(m.predictProba([]), []);
  m.dispose();
  twin.dispose();
});

test("freezing: only the top k layers and the head change; the rest keeps the pretrained weights", () => {
  const m = new TransformerClassifier({ ...small, trainableLayers: 1 });
  const session = m.fitSession(X, y, { epochs: 1 });
  const before = session.getWeights();
  assert.deepEqual([...new Set([...before.tensors.keys()].map((k) => k.split(".").slice(0, 3).join(".")))], ["encoder.layer.5", "head.kernel", "head.bias"]);
  session.step(Int32Array.from(X.keys()));
  const after = session.getWeights();
  for (const [name, t] of after.tensors) assert.notDeepEqual(t.data, before.tensors.get(name)!.data, `${name} was trained`);
  session.finish([]);
  // trainableLayers 0 trains the head alone: the encoder stays exactly the pretrained one.
  const headOnly = new TransformerClassifier({ ...small, trainableLayers: 0 });
  const s0 = headOnly.fitSession(X, y, { epochs: 1 });
  s0.step(Int32Array.from(X.keys()));
  s0.finish([]);
  const { encoder } = loadPretrained("all-MiniLM-L6-v2");
  const reference = encoder.embed(["a cat sat on the mat"], { maxLength: 16 });
  assert.deepEqual(headOnly.embed(["a cat sat on the mat"]), reference);
  assert.notDeepEqual(m.embed(["a cat sat on the mat"]), reference, "training the top layer changed the embeddings");
  for (const model of [m, headOnly, encoder]) model.dispose();
});

test("trainableLayers null fine-tunes the embeddings too, where the backend can (WASM cannot: a clear error)", () => {
  const m = new TransformerClassifier({ ...small, trainableLayers: null });
  if (!tfjs().getKernel("UnsortedSegmentSum", tfjs().getBackend())) {
    assert.throws(() => m.fitSession(X, y), (e: unknown) => e instanceof BackendLimitError && /set trainableLayers to fewer than 6 .*`node scripts\/setup.mjs`/.test((e as Error).message));
    return;
  }
  const session = m.fitSession(X, y, { epochs: 1 });
  const before = session.getWeights().tensors.get("embeddings.word_embeddings.weight")!.data;
  session.step(Int32Array.from(X.keys()));
  assert.notDeepEqual(session.getWeights().tensors.get("embeddings.word_embeddings.weight")!.data, before);
  session.dispose();
});

test("with train(): per-step loss, learning rate (warm-up then linear decay) and gradient norm; EarlyStopping on validation", async () => {
  const m = new TransformerClassifier({ ...small, learningRate: 1e-4, warmupFraction: 0.25, schedule: "linear", clipNorm: 0.5, batchSize: 2, epochs: 2 });
  const steps: BatchLogs[] = [];
  const stop = new EarlyStopping({ monitor: "val_loss", patience: 5 });
  const r = await train(m, X, y, { validation: { X, y }, progress: false, callbacks: [{ onBatchEnd: (l) => void steps.push(l) }, stop] });
  assert.equal(r.steps, 8);
  assert.deepEqual(steps.map((s) => s.metrics!.learning_rate), [1, 2, 3, 4, 5, 6, 7, 8].map(linearSchedule(1e-4, 2, 8)));
  assert.ok(steps.every((s) => Number.isFinite(s.loss) && s.metrics!.grad_norm > 0));
  assert.equal(r.history.length, 2);
  assert.ok("val_loss" in r.history[0] && "val_accuracy" in r.history[0]);
  assert.ok(stop.bestEpoch >= 0);
  m.dispose();
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(linearSchedule(1, 2, 6)), [0, 0.5, 1, 0.75, 0.5, 0.25]);
});

test("a NaN loss is stopped by NonFiniteCheck, which names the step", () => {
  const m = new TransformerClassifier(small);
  const session = m.fitSession(X, y, { epochs: 2 });
  const w = session.getWeights();
  const kernel = w.tensors.get("head.kernel")!;
  kernel.data[0] = NaN;
  session.setWeights(new TransformerWeights(new Map([["head.kernel", kernel]])));
  assert.throws(() => runSync(session, [new NonFiniteCheck()]), (e: unknown) => e instanceof NonFiniteError && /the loss became non-finite at step 1 .*lower the learning rate/.test((e as Error).message));
});

test("batches grouped by length: a permutation, each mega-batch longest first", () => {
  const lengths = Array.from({ length: 230 }, (_, i) => (i * 37) % 101);
  const order = lengthGroupedOrder(lengths, 2, new Random(0));
  assert.deepEqual([...order].sort((a, b) => a - b), [...lengths.keys()]);
  for (let a = 0; a < order.length; a += 100) {
    const part = [...order.subarray(a, a + 100)].map((i) => lengths[i]);
    assert.deepEqual(part, [...part].sort((p, q) => q - p));
  }
});

test("bad input: settings, texts, labels, class weights, a missing model, over-long texts", () => {
  const check = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InvalidInputError && message.test((e as Error).message), String(message));
  check(() => new TransformerClassifier({ pooling: "max" as any }), /unknown pooling "max": use one of "mean", "cls"/);
  check(() => new TransformerClassifier({ learningRate: -1 }), /learningRate must be ≥ 0/);
  check(() => new TransformerClassifier({ trainableLayers: 1.5 }), /trainableLayers must be a whole number/);
  check(() => new TransformerClassifier({ classWeight: [1, 2] as any }), /classWeight must be "balanced", an object/);
  check(() => new TransformerClassifier({ ...small, maxLength: 600 }).fitSession(X, y), /maxLength 600 is more than the model's 512 positions/);
  check(() => new TransformerClassifier(small).fitSession([1, 2] as any, [0, 1]), /X\[0\] is number: TransformerClassifier takes texts/);
  check(() => new TransformerClassifier(small).fitSession(X, y.slice(1)), /X has 8 samples but y has 7/);
  check(() => new TransformerClassifier({ ...small, classWeight: { poetry: 2 } }).fitSession(X, y), /classWeight names "poetry", not among the classes/);
  assert.throws(() => new TransformerClassifier(small).predict(X), NotFittedError);
  assert.throws(() => new TransformerClassifier({ model: "bert-base-uncased" }).fitSession(X, y), (e: unknown) => e instanceof ModelNotFoundError && /no model folder 'bert-base-uncased'/.test((e as Error).message));
  const warnings: string[] = [];
  const session = new TransformerClassifier(small).fitSession([...X, "word ".repeat(40)], [...y, "sport"], { onWarning: (w) => warnings.push(w.message) });
  session.dispose();
  assert.deepEqual(warnings, ["1 of 9 texts were longer than maxLength 16 tokens and were truncated (26 tokens dropped): raise maxLength (the model reads at most 512) or split long texts into passages"]);
});

test("clipNorm scales the applied gradient to that global norm; the logged grad_norm is the norm before clipping", () => {
  // AdamW's first step moves each weight by lr·g/(|g| + ε), about ±lr whatever the gradient's scale,
  // so clipping shows where the clipped gradient is far below ε = 1e-8: the step is then lr·g/ε, whose
  // L2 norm over all weights is lr·clipNorm/ε (within clipNorm/ε = 1%).
  const lr = 0.1;
  const oneStep = (clipNorm: number | null) => {
    const session = new TransformerClassifier({ ...small, trainableLayers: 1, learningRate: lr, weightDecay: 0, clipNorm }).fitSession(X, y, { epochs: 1 });
    const before = session.getWeights();
    const { metrics } = session.step(Int32Array.from(X.keys()));
    const after = session.getWeights();
    session.dispose();
    let squares = 0;
    for (const [name, t] of after.tensors) {
      const b = before.tensors.get(name)!.data;
      t.data.forEach((v, i) => (squares += (v - b[i]) ** 2));
    }
    return { moved: Math.sqrt(squares), gradNorm: metrics!.grad_norm, after };
  };
  const free = oneStep(null);
  const clipped = oneStep(1e-10);
  const expected = (lr * 1e-10) / 1e-8;
  assert.ok(Math.abs(clipped.moved / expected - 1) < 0.02, `clipped step moved ${clipped.moved}, expected ${expected}`);
  assert.ok(free.moved > 1000 * clipped.moved, `unclipped ${free.moved} against clipped ${clipped.moved}`);
  assert.equal(clipped.gradNorm, free.gradNorm, "grad_norm is measured before clipping");
  // A clipNorm above the gradient's norm leaves the step exactly as without clipping.
  const loose = oneStep(2 * free.gradNorm);
  for (const [name, t] of loose.after.tensors) assert.deepEqual(t.data, free.after.tensors.get(name)!.data, name);
});

test("CLS pooling: the head reads the [CLS] vector (not the mean), and a saved CLS model keeps it", () => {
  const cls = new TransformerClassifier({ ...small, pooling: "cls", epochs: 2 }).fit(X, y);
  const mean = new TransformerClassifier({ ...small, epochs: 2 }).fit(X, y);
  const proba = cls.predictProba(X);
  assert.notDeepEqual(proba, mean.predictProba(X));
  const revived = modelFromJSON(JSON.parse(JSON.stringify(cls))) as TransformerClassifier;
  assert.equal(revived.params().pooling, "cls");
  assert.deepEqual(revived.predictProba(X), proba);
  // Head alone: the probabilities are softmax(head(pretrained [CLS] embedding)).
  const headOnly = new TransformerClassifier({ ...small, pooling: "cls", trainableLayers: 0, epochs: 1 }).fit(X, y);
  const { encoder } = loadPretrained("all-MiniLM-L6-v2");
  const texts = X.slice(0, 3);
  const embeddings = encoder.embed(texts, { maxLength: 16, pooling: "cls" });
  assert.deepEqual(headOnly.embed(texts), embeddings);
  assert.notDeepEqual(embeddings, encoder.embed(texts, { maxLength: 16, pooling: "mean" }));
  const file = headOnly.toSafetensors();
  // modelSize() (what autolog and evaluate report) is the saved file's size but for its tensor index.
  assert.ok(Math.abs(headOnly.modelSize() - file.length) < 32 * 1024, `${headOnly.modelSize()} vs ${file.length}`);
  const saved = Safetensors.parse(file);
  const kernel = saved.float32("head.kernel");
  const bias = saved.float32("head.bias");
  headOnly.predictProba(texts).forEach((row, i) => {
    const logits = [0, 1].map((c) => bias[c] + embeddings[i].reduce((s, e, h) => s + e * kernel[h * 2 + c], 0));
    const top = Math.max(...logits);
    const exp = logits.map((l) => Math.exp(l - top));
    row.forEach((q, c) => assert.ok(Math.abs(q - exp[c] / (exp[0] + exp[1])) < 1e-5, `text ${i} class ${c}: ${q}`));
  });
  for (const model of [cls, mean, revived, headOnly, encoder]) model.dispose();
});

test("classWeight: up-weighting the minority class raises its probability; \"balanced\" is n / (k · count)", () => {
  // 6 finance texts, 2 sport: unweighted, the loss pulls towards finance.
  const texts = [...X.slice(0, 4), "bond yields climbed this week", "the bank reported a quarterly loss", X[4], X[5]];
  const labels = ["finance", "finance", "finance", "finance", "finance", "finance", "sport", "sport"];
  const meanSport = (classWeight: "balanced" | Record<string, number> | null) => {
    const m = new TransformerClassifier({ ...small, trainableLayers: 1, epochs: 2, classWeight }).fit(texts, labels);
    const proba = m.predictProba(X);
    m.dispose();
    return { proba, sport: proba.reduce((s, r) => s + r[1], 0) / proba.length };
  };
  const none = meanSport(null);
  const balanced = meanSport("balanced");
  const heavy = meanSport({ sport: 10 });
  assert.ok(none.sport < balanced.sport && balanced.sport < heavy.sport, `P(sport): none ${none.sport}, balanced ${balanced.sport}, sport ×10 ${heavy.sport}`);
  // "balanced" is exactly the explicit weights 8 / (2 · 6) and 8 / (2 · 2).
  assert.deepEqual(meanSport({ finance: 8 / 12, sport: 2 }).proba, balanced.proba);
});

test("earlyStopping in fit(): holds out validationFraction, stops nIterNoChange epochs after val_loss's best, restores that epoch", () => {
  const seed = 3;
  const validationFraction = 0.25;
  // fit() holds out rows drawn with Random(seed + 1): labelled against their topic, their loss rises as training learns the topics.
  const { held } = splitForValidation(X.length, validationFraction, new Random(seed + 1));
  const labels = y.map((label, i) => (held.includes(i) ? (label === "finance" ? "sport" : "finance") : label));
  const epochs = 10;
  const m = new TransformerClassifier({ ...small, seed, epochs, earlyStopping: true, validationFraction, nIterNoChange: 2 }).fit(X, labels);
  const losses = m.history.map((h) => h.val_loss as number);
  const best = losses.indexOf(Math.min(...losses));
  assert.ok(losses.length < epochs, `stopped after ${losses.length} of ${epochs} epochs: ${losses}`);
  assert.equal(losses.length - 1 - best, 2, `val_loss ${losses}: stops 2 epochs after the best`);
  // The weights are the best epoch's: the held-out loss now is its val_loss, not the last one.
  const proba = m.predictProba(held.map((i) => X[i]));
  const heldLoss = -held.reduce((s, i, r) => s + Math.log(proba[r][m.classes.indexOf(labels[i])]), 0) / held.length;
  assert.ok(Math.abs(heldLoss - losses[best]) < 1e-4 * losses[best], `held-out loss ${heldLoss}, best val_loss ${losses[best]}`);
  assert.ok(Math.abs(heldLoss - losses.at(-1)!) > 1e-3, `the last epoch's val_loss ${losses.at(-1)} differs`);
  m.dispose();
});
