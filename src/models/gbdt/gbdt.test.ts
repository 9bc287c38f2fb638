// The gradient-boosting pieces and the models on them: scikit-learn's regressor to 1e-6, sparse
// input with learned default directions, the XGBoost-style parameters, importance invariants,
// per-round losses logged to the active run, and bad settings as clear errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadFixture } from "../../../tests/fixtures/sklearn";
import { camelParams, denseSplit, textSplit } from "../../../tests/fixtures/modelData";
import { InvalidInputError } from "../../errors";
import { MIME } from "../../display";
import { CsrMatrix } from "../../features";
import { accuracy, f1 } from "../../metrics";
import * as track from "../../track";
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor, importanceBars, modelFromJSON } from "../index";

const gbdt = loadFixture("gbdt");
const pick = <T>(values: readonly T[], idx: readonly number[]) => idx.map((i) => values[i]);

function regressionData(name: string) {
  const d = gbdt.datasets[name];
  const X: number[][] = d.X.map((r: (number | null)[]) => r.map((v) => (v === null ? NaN : v)));
  return { Xtrain: pick(X, d.train), ytrain: pick<number>(d.y, d.train), Xtest: pick(X, d.test) };
}

for (const c of gbdt.regressor) {
  test(`HistGradientBoostingRegressor predicts as sklearn's to 1e-6: ${c.name}`, () => {
    const s = regressionData(c.data);
    const model = new HistGradientBoostingRegressor({ ...camelParams(c.params), randomState: 0 }).fit(s.Xtrain, s.ytrain);
    assert.equal(model.nIter, c.n_iter);
    const predicted = model.predict(s.Xtest);
    const worst = Math.max(...predicted.map((p, i) => Math.abs(p - c.predict[i]) / Math.max(1, Math.abs(c.predict[i]))));
    assert.ok(worst < 1e-6, `predictions differ from sklearn's by up to ${worst} (relative)`);
  });
}

/** A CSR matrix storing every entry of dense rows, zeros included. */
function fullCsr(rows: number[][]): CsrMatrix {
  const d = rows[0].length;
  return new CsrMatrix(rows.length, d, Int32Array.from({ length: rows.length + 1 }, (_, i) => i * d), Int32Array.from({ length: rows.length * d }, (_, k) => k % d), Float64Array.from(rows.flat()));
}

test("a CSR matrix that stores every entry trains the same model as the dense rows", () => {
  const s = denseSplit("wine");
  const params = { maxIter: 20, earlyStopping: false as const, l2Regularization: 1 };
  const dense = new HistGradientBoostingClassifier(params).fit(s.Xtrain, s.ytrain);
  const sparse = new HistGradientBoostingClassifier(params).fit(fullCsr(s.Xtrain), s.ytrain);
  const a = dense.predictProba(s.Xtest);
  const b = sparse.predictProba(fullCsr(s.Xtest));
  const diff = Math.max(...a.flatMap((r, i) => r.map((p, k) => Math.abs(p - b[i][k]))));
  assert.ok(diff < 1e-12, `probabilities differ by ${diff}`);
  assert.deepEqual(sparse.predict(s.Xtest), dense.predict(s.Xtest));
});

test("sparse input: absent entries are missing values with a learned default direction", () => {
  // Feature 0 is stored only for class 1 rows (values vary), feature 1 is noise stored everywhere.
  const n = 400;
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    if (label === 1) indices.push(0), data.push(1 + (i % 7));
    indices.push(1), data.push((i * 37) % 11);
    indptr.push(indices.length);
    y.push(label);
  }
  const X = new CsrMatrix(n, 2, Int32Array.from(indptr), Int32Array.from(indices), Float64Array.from(data));
  const model = new HistGradientBoostingClassifier({ maxIter: 10, earlyStopping: false, minSamplesLeaf: 5 }).fit(X, y);
  assert.deepEqual(model.predict(X), y);
  // The first split separates present from absent on feature 0.
  const forest = (model.toJSON().state as any).forest;
  assert.equal(forest.feature[forest.roots[0]], 0);
  assert.equal(model.featureImportances("gain")[0].feature, 0);
});

test("TF-IDF CSR goes in directly and scores at least as well as the same matrix made dense", () => {
  const s = textSplit("tfidf");
  const params = { maxIter: 10, earlyStopping: false as const, randomState: 0 };
  const model = new HistGradientBoostingClassifier(params).fit(s.Xtrain, s.ytrain);
  const sparseScore = accuracy(s.ytest, model.predict(s.Xtest));
  // Dense, absent words are zeros rather than missing values: the splits differ, the score should not drop.
  const dense = new HistGradientBoostingClassifier(params).fit(s.Xtrain.toDense(), s.ytrain);
  const denseScore = accuracy(s.ytest, dense.predict(s.Xtest.toDense()));
  assert.ok(sparseScore >= denseScore - 0.02, `sparse accuracy ${sparseScore} vs dense ${denseScore}`);
  const majority = Math.max(...[...new Set(s.ytest)].map((c) => s.ytest.filter((v) => v === c).length)) / s.ytest.length;
  assert.ok(sparseScore > majority + 0.2, `sparse accuracy ${sparseScore} vs majority class ${majority}`);
  assert.match(model[MIME]()["text/plain"] as string, /\(sparse\)/);
  const revived = modelFromJSON(JSON.parse(JSON.stringify(model))) as HistGradientBoostingClassifier;
  assert.deepEqual(revived.predictProba(s.Xtest), model.predictProba(s.Xtest));
});

test("importance: split counts are the trees' internal nodes, total gain is mean gain × splits, names come along", () => {
  const s = denseSplit("breast_cancer");
  const model = new HistGradientBoostingClassifier({ maxIter: 15, earlyStopping: false }).fit(s.Xtrain, s.ytrain);
  const forest = (model.toJSON().state as any).forest;
  const internal = forest.feature.filter((f: number) => f >= 0).length;
  const splits = model.featureImportances("split");
  assert.equal(splits.reduce((a, r) => a + r.value, 0), internal);
  const gain = new Map(model.featureImportances("gain").map((r) => [r.feature, r.value]));
  const total = model.featureImportances("totalGain");
  for (const r of total) assert.ok(Math.abs(r.value - gain.get(r.feature)! * splits.find((q) => q.feature === r.feature)!.value) <= 1e-9 * r.value);
  const sortedGains = total.map((r) => r.value);
  assert.deepEqual(sortedGains, [...sortedGains].sort((a, b) => b - a));
  const names = s.Xtrain[0].map((_, j) => `col${j}`);
  const top = model.featureImportances("cover", { featureNames: names, top: 3 });
  assert.equal(top.length, 3);
  assert.equal(top[0].name, `col${top[0].feature}`);
  const figure = importanceBars(model.featureImportances("gain", { featureNames: names }), { top: 5 });
  const spec = figure.spec as any;
  assert.equal(spec.data[0].type, "bar");
  assert.equal(spec.data[0].y.length, 5);
  assert.throws(() => model.featureImportances("weight" as any), /unknown importance type "weight"/);
  assert.throws(() => model.featureImportances("gain", { featureNames: ["a"] }), /featureNames has 1 names but the model has 30 features/);
});

test("XGBoost's parameters: gamma prunes splits, alpha shrinks leaves, minChildWeight stops small leaves, aliases map to the same model", () => {
  const s = denseSplit("breast_cancer");
  const base = { maxIter: 10, earlyStopping: false as const };
  const nodes = (m: HistGradientBoostingClassifier) => (m.toJSON().state as any).forest.feature.length;
  const plain = new HistGradientBoostingClassifier(base).fit(s.Xtrain, s.ytrain);
  const pruned = new HistGradientBoostingClassifier({ ...base, minSplitGain: 5 }).fit(s.Xtrain, s.ytrain);
  assert.ok(nodes(pruned) < nodes(plain), `${nodes(pruned)} nodes with gamma vs ${nodes(plain)}`);
  const heavy = new HistGradientBoostingClassifier({ ...base, minChildWeight: 10 }).fit(s.Xtrain, s.ytrain);
  assert.ok(nodes(heavy) < nodes(plain));
  const maxAbs = (m: HistGradientBoostingClassifier) => Math.max(...(m.toJSON().state as any).forest.value.map(Math.abs));
  const shrunk = new HistGradientBoostingClassifier({ ...base, l1Regularization: 2 }).fit(s.Xtrain, s.ytrain);
  assert.ok(maxAbs(shrunk) < maxAbs(plain));
  const aliased = new HistGradientBoostingClassifier({ nEstimators: 10, lambda: 1, alpha: 0.5, gamma: 0.1, maxLeaves: 8, eta: 0.2, earlyStopping: false });
  const named = new HistGradientBoostingClassifier({ maxIter: 10, l2Regularization: 1, l1Regularization: 0.5, minSplitGain: 0.1, maxLeafNodes: 8, learningRate: 0.2, earlyStopping: false });
  assert.deepEqual(aliased.params(), named.params());
  assert.deepEqual(aliased.fit(s.Xtrain, s.ytrain).predictProba(s.Xtest), named.fit(s.Xtrain, s.ytrain).predictProba(s.Xtest));
});

test("subsampling rows and columns: seeded, reproducible, and different from the full model; scores hold", () => {
  const s = denseSplit("digits");
  const fit = (seed: number) => new HistGradientBoostingClassifier({ maxIter: 30, earlyStopping: false, subsample: 0.7, colsampleBytree: 0.5, randomState: seed }).fit(s.Xtrain, s.ytrain);
  const a = fit(3);
  assert.deepEqual(a.predictProba(s.Xtest), fit(3).predictProba(s.Xtest));
  assert.notDeepEqual(a.predictProba(s.Xtest), fit(4).predictProba(s.Xtest));
  assert.ok(f1(s.ytest, a.predict(s.Xtest), { average: "macro" }) > 0.9);
  // With colsampleBytree 0.5 of 64 features, no tree splits on more than 32 distinct features.
  const f = (a.toJSON().state as any).forest;
  for (let t = 0; t < f.roots.length; t++) {
    const end = t + 1 < f.roots.length ? f.roots[t + 1] : f.feature.length;
    const used = new Set(f.feature.slice(f.roots[t], end).filter((x: number) => x >= 0));
    assert.ok(used.size <= 32);
  }
});

test("class weights: 'balanced' and scalePosWeight equal the same sample weights", () => {
  const s = denseSplit("breast_cancer");
  const base = { maxIter: 10, earlyStopping: false as const };
  const pos = new HistGradientBoostingClassifier({ ...base, scalePosWeight: 3 }).fit(s.Xtrain, s.ytrain);
  const weighted = new HistGradientBoostingClassifier(base).fit(s.Xtrain, s.ytrain, { sampleWeight: s.ytrain.map((v) => (v === 1 ? 3 : 1)) });
  assert.deepEqual(pos.predictProba(s.Xtest), weighted.predictProba(s.Xtest));
  const counts = [0, 1].map((k) => s.ytrain.filter((v) => v === k).length);
  const balanced = new HistGradientBoostingClassifier({ ...base, classWeight: "balanced" }).fit(s.Xtrain, s.ytrain);
  const byHand = new HistGradientBoostingClassifier(base).fit(s.Xtrain, s.ytrain, { sampleWeight: s.ytrain.map((v) => s.ytrain.length / (2 * counts[v as number])) });
  assert.deepEqual(balanced.predictProba(s.Xtest), byHand.predictProba(s.Xtest));
  assert.throws(() => new HistGradientBoostingClassifier({ classWeight: { 7: 2 } }).fit(s.Xtrain, s.ytrain), /classWeight names class "7", which is not in y/);
  const wine = denseSplit("wine");
  assert.throws(() => new HistGradientBoostingClassifier({ scalePosWeight: 2 }).fit(wine.Xtrain, wine.ytrain), /scalePosWeight is for two classes/);
});

test("a validation set with earlyStopping false is watched every round but does not stop training", () => {
  const s = denseSplit("digits");
  const model = new HistGradientBoostingClassifier({ maxIter: 40, learningRate: 0.5, earlyStopping: false }).fit(s.Xtrain, s.ytrain, { Xval: s.Xtest, yval: s.ytest });
  assert.equal(model.nIter, 40);
  assert.equal(model.validationLoss.length, 41);
});

test("inside an active run, each round's training and validation loss are logged as curves", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-gbdt-"));
  const st = await track.useStore(`sqlite://${path.join(dir, "store.db")}`);
  const s = denseSplit("wine");
  const run = await track.startRun({ name: "boost" });
  const model = new HistGradientBoostingClassifier({ maxIter: 12, earlyStopping: false }).fit(s.Xtrain, s.ytrain, { Xval: s.Xtest, yval: s.ytest });
  const reg = regressionData("diabetes");
  await run.end();
  const loss = await st.metricHistory(run.id, "loss");
  assert.deepEqual(loss.map((p) => p.step), Array.from({ length: 12 }, (_, i) => i + 1));
  assert.deepEqual(loss.map((p) => p.value), model.trainLoss.slice(1));
  assert.deepEqual((await st.metricHistory(run.id, "val_loss")).map((p) => p.value), model.validationLoss.slice(1));
  // Outside a run nothing is logged and nothing fails.
  assert.equal(new HistGradientBoostingRegressor({ maxIter: 3 }).fit(reg.Xtrain, reg.ytrain).nIter, 3);
});

test("bad settings and bad input are clear errors", () => {
  const check = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InvalidInputError && message.test((e as Error).message), String(message));
  check(() => new HistGradientBoostingClassifier({ lambda: -1 }), /l2Regularization \(lambda\) must be ≥ 0 \(got -1\)/);
  check(() => new HistGradientBoostingClassifier({ subsample: 0 }), /subsample must be > 0/);
  check(() => new HistGradientBoostingClassifier({ colsampleBytree: 1.5 }), /colsampleBytree must be ≤ 1/);
  check(() => new HistGradientBoostingClassifier({ alpha: 1, l1Regularization: 2 }), /alpha and l1Regularization name the same setting/);
  check(() => new HistGradientBoostingRegressor({ loss: "huber" as any }), /unknown loss "huber"/);
  const s = denseSplit("wine");
  const bad = new CsrMatrix(2, 3, Int32Array.of(0, 1, 2), Int32Array.of(0, 5), Float64Array.of(1, 2));
  check(() => new HistGradientBoostingClassifier().fit(bad, [0, 1]), /X\[1\] stores column 5, but X has 3 columns/);
  const reg = regressionData("diabetes");
  check(() => new HistGradientBoostingRegressor().fit(reg.Xtrain, reg.ytrain.map((v, i) => (i === 3 ? NaN : v))), /y\[3\] is NaN/);
  check(() => new HistGradientBoostingRegressor({ loss: "poisson" }).fit(reg.Xtrain, reg.ytrain.map((v, i) => (i === 0 ? -1 : v))), /Poisson loss needs counts ≥ 0/);
  check(() => new HistGradientBoostingRegressor().fit(s.Xtrain, s.ytrain.slice(1) as number[]), /X has 133 samples but y has 132/);
});

test("nThreads: a round's class trees grow on worker threads, and the model is the same as on one thread", () => {
  const s = denseSplit("digits");
  const params = { maxIter: 8, earlyStopping: false as const, subsample: 0.8, colsampleBytree: 0.7, randomState: 1 };
  const one = new HistGradientBoostingClassifier({ ...params, nThreads: 1 }).fit(s.Xtrain, s.ytrain);
  const two = new HistGradientBoostingClassifier({ ...params, nThreads: 2 }).fit(s.Xtrain, s.ytrain);
  assert.deepEqual(two.toJSON().state, one.toJSON().state);
  const text = textSplit("tfidf");
  const sparse = (n: number) => new HistGradientBoostingClassifier({ maxIter: 3, earlyStopping: false, nThreads: n }).fit(text.Xtrain, text.ytrain).toJSON().state;
  assert.deepEqual(sparse(3), sparse(1));
});

test("nThreads: with one output, helper threads take part of each node's features, and the model is the same as on one thread", () => {
  const s = denseSplit("digits");
  const odd = s.ytrain.map((v) => (Number(v) % 2 ? "odd" : "even"));
  const params = { maxIter: 6, earlyStopping: false as const, subsample: 0.8, colsampleBytree: 0.7, randomState: 1 };
  const binary = (n: number) => new HistGradientBoostingClassifier({ ...params, nThreads: n }).fit(s.Xtrain, odd).toJSON().state;
  assert.deepEqual(binary(2), binary(1));
  assert.deepEqual(binary(3), binary(1));
  const digit = s.ytrain.map(Number);
  const regression = (n: number) => new HistGradientBoostingRegressor({ ...params, nThreads: n }).fit(s.Xtrain, digit).toJSON().state;
  assert.deepEqual(regression(2), regression(1));
});

for (const [fault, data, labels] of [
  ["throw", "wine", "classes"],
  ["exit", "wine", "classes"],
  ["throw", "breast_cancer", "two classes: helper threads per node"],
  ["exit", "breast_cancer", "two classes: helper threads per node"],
]) {
  test(`a worker thread that dies (${fault}, ${labels}) fails the fit with a clear error and leaves nothing running`, async () => {
    // In a child process, so that a stray thread would show as a process that does not end.
    const { spawn } = await import("child_process");
    const script = `
      const { HistGradientBoostingClassifier } = require(${JSON.stringify(path.resolve(__dirname, "..", "index.js"))});
      const { denseSplit } = require(${JSON.stringify(path.resolve(__dirname, "..", "..", "..", "tests", "fixtures", "modelData.js"))});
      const s = denseSplit(${JSON.stringify(data)});
      try {
        new HistGradientBoostingClassifier({ maxIter: 5, nThreads: 2 }).fit(s.Xtrain, s.ytrain);
        console.log("fitted");
      } catch (e) {
        console.log(e.name + ": " + e.message);
      }
      // The process must end on its own: no worker may keep it alive.
    `;
    const child = spawn(process.execPath, ["-e", script], { env: { ...process.env, MODELBENCH_GBDT_WORKER_FAULT: fault }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(code, 0);
    assert.match(out, /WorkerFailedError: a worker thread growing trees failed \(worker 1.*\): the fit was stopped and its threads ended; fit again, or with nThreads: 1/);
  });
}

/** v(S): the tree's output with the features in S known and the others averaged by cover (TreeSHAP's value function). */
function conditional(f: any, node: number, x: number[], known: Set<number>): number {
  if (f.feature[node] < 0) return f.value[node];
  const j = f.feature[node];
  const l = f.left[node];
  const r = f.right[node];
  if (known.has(j)) {
    const v = x[j];
    const left = v === v ? v <= Number(f.threshold[node]) : f.missingLeft[node] === 1;
    return conditional(f, left ? l : r, x, known);
  }
  return (f.cover[l] * conditional(f, l, x, known) + f.cover[r] * conditional(f, r, x, known)) / (f.cover[l] + f.cover[r]);
}

test("TreeSHAP: contributions are the exact Shapley values of the cover-weighted value function, and sum to the margin", () => {
  const s = denseSplit("iris");
  const model = new HistGradientBoostingClassifier({ maxIter: 4, earlyStopping: false, maxLeafNodes: 6, minSamplesLeaf: 5 }).fit(s.Xtrain, s.ytrain);
  const f = (model.toJSON().state as any).forest;
  const K = 3;
  const d = 4;
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  const rows = s.Xtest.slice(0, 6);
  const contribs = model.contributions(rows);
  rows.forEach((x, i) => {
    for (let k = 0; k < K; k++) {
      // Brute force over all 2^d coalitions, tree by tree.
      const phi = new Array(d).fill(0);
      for (let t = k; t < f.roots.length; t += K) {
        for (let j = 0; j < d; j++) {
          for (let mask = 0; mask < 1 << d; mask++) {
            if (mask & (1 << j)) continue;
            const S = new Set([0, 1, 2, 3].filter((q) => mask & (1 << q)));
            const weight = (factorial(S.size) * factorial(d - S.size - 1)) / factorial(d);
            phi[j] += weight * (conditional(f, f.roots[t], x, new Set([...S, j])) - conditional(f, f.roots[t], x, S));
          }
        }
      }
      for (let j = 0; j < d; j++) assert.ok(Math.abs(contribs[i][k][j] - phi[j]) < 1e-9, `row ${i} class ${k} feature ${j}: ${contribs[i][k][j]} vs ${phi[j]}`);
    }
  });
  const check = (contrib: number[][][], margins: number[][]) =>
    contrib.forEach((perOutput, i) => perOutput.forEach((phi, k) => assert.ok(Math.abs(phi.reduce((a, b) => a + b, 0) - margins[i][k]) < 1e-9)));
  check(contribs, model.decisionFunction(rows));
  const text = textSplit("tfidf");
  const sparse = new HistGradientBoostingClassifier({ maxIter: 3, earlyStopping: false }).fit(text.Xtrain, text.ytrain);
  const few = text.Xtest.selectRows([0, 1, 2, 3]);
  check(sparse.contributions(few), sparse.decisionFunction(few));
  const reg = regressionData("diabetes_missing");
  const regressor = new HistGradientBoostingRegressor({ maxIter: 20 }).fit(reg.Xtrain, reg.ytrain);
  check(regressor.contributions(reg.Xtest.slice(0, 5)), regressor.predict(reg.Xtest.slice(0, 5)).map((v) => [v]));
});

test("permutationImportance: unused features score 0, the model's main feature clearly above; dense and CSR; any estimator", async () => {
  const { permutationImportance, LogisticRegression } = await import("../index");
  const s = denseSplit("breast_cancer");
  const model = new HistGradientBoostingClassifier({ maxIter: 10, earlyStopping: false, maxLeafNodes: 4 }).fit(s.Xtrain, s.ytrain);
  const used = new Set(model.featureImportances("split").map((r) => r.feature));
  const result = permutationImportance(model, s.Xtest, s.ytest, { nRepeats: 3, randomState: 0 });
  assert.equal(result.baseline, accuracy(s.ytest, model.predict(s.Xtest)));
  result.importancesMean.forEach((m, j) => {
    if (!used.has(j)) assert.equal(m, 0, `feature ${j} is never split on`);
  });
  assert.ok(result.ranking[0].mean > 0.01 && used.has(result.ranking[0].feature));
  assert.equal(result.importances[0].length, 3);
  const text = textSplit("tfidf");
  const lr = new LogisticRegression({ C: 10 }).fit(text.Xtrain, text.ytrain);
  const names = Array.from({ length: text.Xtest.nCols }, (_, j) => `w${j}`);
  const sparse = permutationImportance(lr, text.Xtest, text.ytest, { nRepeats: 1, featureNames: names, score: (a, b) => f1(a, b, { average: "macro" }) });
  assert.equal(sparse.importancesMean.length, text.Xtest.nCols);
  assert.match(sparse.ranking[0].name, /^w\d+$/);
  assert.throws(() => permutationImportance(lr, text.Xtest, text.ytest.slice(1)), /but y has/);
});

test("multi-label: OneVsRestClassifier over boosted trees takes label sets on sparse TF-IDF, round-trips, and equals the boosted classifier fitted on the label sets", async () => {
  const { OneVsRestClassifier } = await import("../index");
  const text = textSplit("tfidf");
  // Two overlapping labels per licence paragraph: is it a GNU licence, is it a copyleft one.
  const sets = (y: readonly unknown[]) => y.map((l) => [...(/^(GPL|LGPL|GFDL)/.test(String(l)) ? ["gnu"] : []), ...(/^(GPL|LGPL|GFDL|MPL)/.test(String(l)) ? ["copyleft"] : [])]);
  const model = new OneVsRestClassifier(new HistGradientBoostingClassifier({ maxIter: 15, earlyStopping: false })).fit(text.Xtrain, sets(text.ytrain));
  assert.deepEqual(model.classes, ["copyleft", "gnu"]);
  const predicted = model.predict(text.Xtest);
  const micro = f1(sets(text.ytest), predicted, { average: "micro" });
  assert.ok(micro > 0.8, `micro-F1 ${micro}`);
  const again = modelFromJSON(JSON.parse(JSON.stringify(model))) as typeof model;
  assert.deepEqual(again.predictProba(text.Xtest), model.predictProba(text.Xtest));
  // The boosted classifier takes the label sets itself, over one binning, with the same per-label models.
  const native = new HistGradientBoostingClassifier({ maxIter: 15, earlyStopping: false }).fit(text.Xtrain, sets(text.ytrain));
  assert.deepEqual(native.predictProba(text.Xtest), model.predictProba(text.Xtest));
  assert.deepEqual(native.predict(text.Xtest), predicted);
});

test("HistGradientBoostingRegressor speaks the estimator contract: fit returns it, params() rebuilds it, JSON round trip, not-fitted error, summary", async () => {
  const { NotFittedError } = await import("../../errors");
  const s = regressionData("diabetes");
  for (const loss of ["squared_error", "absolute_error", "poisson"] as const) {
    const model = new HistGradientBoostingRegressor({ loss, maxIter: 10, randomState: 1 });
    assert.equal(model.fit(s.Xtrain, s.ytrain), model);
    const twin = new HistGradientBoostingRegressor(model.params()).fit(s.Xtrain, s.ytrain);
    assert.deepEqual(twin.predict(s.Xtest), model.predict(s.Xtest));
    const revived = modelFromJSON(JSON.parse(JSON.stringify(model))) as HistGradientBoostingRegressor;
    assert.deepEqual(revived.predict(s.Xtest), model.predict(s.Xtest));
    assert.deepEqual(revived.params(), model.params());
    assert.match(model[MIME]()["text/plain"] as string, new RegExp(`fitted: 10 features, 10 iterations, loss ${loss}`));
  }
  assert.throws(() => new HistGradientBoostingRegressor().predict(s.Xtest), NotFittedError);
  assert.throws(() => HistGradientBoostingRegressor.fromJSON("{oops"), /not valid JSON/);
});
