// XGBoost's JSON model format against real XGBoost (the test peer in .venv, from requirements.txt):
// a model trained here loads in Python's xgboost with the same margins, and models XGBoost trained
// load here and predict the same; dense rows with NaN, and CSR rows whose absent entries are missing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { denseSplit, textSplit } from "../../../tests/fixtures/modelData";
import { loadFixture } from "../../../tests/fixtures/sklearn";
import { InvalidInputError } from "../../errors";
import { CsrMatrix } from "../../features";
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from "../index";
import { conditionAbove, thresholdBelow } from "./xgboost";

const ROOT = path.resolve(__dirname, "..", "..", "..", "..");
const PYTHON = path.join(ROOT, ".venv", "bin", "python");
const PEER = path.join(ROOT, "tests", "fixtures", "xgboost_peer.py");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-xgb-"));

function peer(args: string[]): { version: string; margins: number[][] } {
  const r = spawnSync(PYTHON, [PEER, ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, `xgboost_peer.py failed (is xgboost-cpu from requirements.txt installed in .venv? npm test's setup installs it):\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const write = (name: string, value: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
};

/** Rows as XGBoost reads them: float32 values (NaN as null in JSON). */
const float32Rows = (rows: number[][]) => rows.map((r) => r.map((v) => (Number.isNaN(v) ? NaN : Math.fround(v))));
const jsonRows = (rows: number[][]) => rows.map((r) => r.map((v) => (Number.isNaN(v) ? null : v)));
const csrJSON = (X: CsrMatrix) => ({ indptr: Array.from(X.indptr), indices: Array.from(X.indices), data: Array.from(X.data), shape: [X.nRows, X.nCols] });
const float32Csr = (X: CsrMatrix) => new CsrMatrix(X.nRows, X.nCols, X.indptr, X.indices, Float64Array.from(X.data, Math.fround));

function assertMargins(ours: number[][], theirs: number[][], what: string): void {
  assert.equal(ours.length, theirs.length);
  // XGBoost adds the trees' float32 outputs in float32: relative differences of float32 rounding.
  const worst = Math.max(...ours.flatMap((r, i) => r.map((v, k) => Math.abs(v - theirs[i][k]) / Math.max(1, Math.abs(theirs[i][k])))));
  assert.ok(worst < 1e-6, `${what}: margins differ by up to ${worst} (relative)`);
}

/** Thresholds, leaf values and base scores are float32 in XGBoost's file: margins agree to float32 rounding summed over trees. */
test("float32 split conditions: x ≤ t and float32(x) < condition agree", () => {
  for (const t of [0.1, -2.5, 1e-8, 0, 3.75, -1e-30, 123456.789]) {
    const c = conditionAbove(t);
    assert.ok(Math.fround(c) === c && c > t);
    for (const x of [t, Math.fround(t), c, Math.fround(t) - 1e-9]) if (Math.fround(x) === x) assert.equal(x <= t, Math.fround(x) < c, `t=${t} x=${x}`);
    const back = thresholdBelow(c);
    for (const x of [back, back + Number.EPSILON * Math.abs(back) * 4, c, c - Math.abs(c) * 1e-9, (c + Math.fround(c - Math.abs(c) * 1e-7)) / 2]) assert.equal(x <= back, Math.fround(x) < c, `c=${c} x=${x}`);
  }
});

test("a model trained here loads in Python's xgboost with the same margins: binary, multi-class with NaN, sparse TF-IDF, regression", () => {
  const cancer = denseSplit("breast_cancer");
  const binary = new HistGradientBoostingClassifier({ maxIter: 20, earlyStopping: false, lambda: 1 }).fit(float32Rows(cancer.Xtrain), cancer.ytrain);
  const test1 = float32Rows(cancer.Xtest);
  const r1 = peer(["margins", write("binary.json", binary.toXGBoost()), write("binary-data.json", { test: jsonRows(test1) })]);
  assert.equal(r1.version, "3.2.0");
  assertMargins(binary.decisionFunction(test1), r1.margins, "binary");

  const wine = denseSplit("wine");
  const withNaN = (rows: number[][]) => float32Rows(rows.map((r, i) => r.map((v, j) => ((i + j) % 6 === 0 ? NaN : v))));
  const multi = new HistGradientBoostingClassifier({ maxIter: 15, earlyStopping: false, subsample: 0.8, randomState: 0 }).fit(withNaN(wine.Xtrain), wine.ytrain.map((k) => `class ${k}`));
  const test2 = withNaN(wine.Xtest);
  const r2 = peer(["margins", write("multi.json", multi.toXGBoost()), write("multi-data.json", { test: jsonRows(test2) })]);
  assertMargins(multi.decisionFunction(test2), r2.margins, "multi-class");
  // Back here from the file, with the class names it carries.
  const back = HistGradientBoostingClassifier.fromXGBoost(fs.readFileSync(path.join(dir, "multi.json"), "utf8"));
  assert.deepEqual(back.classes, ["class 0", "class 1", "class 2"]);
  assert.deepEqual(back.predict(test2), multi.predict(test2));

  const text = textSplit("tfidf");
  const Xtr = float32Csr(text.Xtrain);
  const Xte = float32Csr(text.Xtest);
  const sparse = new HistGradientBoostingClassifier({ maxIter: 5, earlyStopping: false }).fit(Xtr, text.ytrain);
  const r3 = peer(["margins", write("sparse.json", sparse.toXGBoost()), write("sparse-data.json", { test: csrJSON(Xte) })]);
  assertMargins(sparse.decisionFunction(Xte), r3.margins, "sparse TF-IDF");

  const d = loadFixture("gbdt").datasets.diabetes;
  const rows = float32Rows(d.X);
  for (const loss of ["squared_error", "poisson"] as const) {
    const reg = new HistGradientBoostingRegressor({ loss, maxIter: 30 }).fit(rows.slice(0, 300), d.y.slice(0, 300));
    const r4 = peer(["margins", write(`${loss}.json`, reg.toXGBoost()), write(`${loss}-data.json`, { test: jsonRows(rows.slice(300)) })]);
    const ours = reg.predict(rows.slice(300)).map((v) => [loss === "poisson" ? Math.log(v) : v]);
    assertMargins(ours, r4.margins, loss);
  }
});

test("models XGBoost trained load here and predict the same: binary:logistic, multi:softprob with NaN, sparse, reg:squarederror", () => {
  const cancer = denseSplit("breast_cancer");
  const data1 = write("t-binary-data.json", { train: jsonRows(cancer.Xtrain), y: cancer.ytrain, test: jsonRows(cancer.Xtest) });
  const r1 = peer(["train", data1, write("p1.json", { objective: "binary:logistic", max_depth: 4, eta: 0.3, rounds: 20, tree_method: "hist" }), path.join(dir, "x1.json")]);
  const m1 = HistGradientBoostingClassifier.fromXGBoost(fs.readFileSync(path.join(dir, "x1.json"), "utf8"));
  assert.deepEqual(m1.classes, [0, 1]);
  assertMargins(m1.decisionFunction(cancer.Xtest), r1.margins, "binary:logistic");

  const wine = denseSplit("wine");
  const holes = (rows: number[][]) => rows.map((r, i) => r.map((v, j) => ((i * 3 + j) % 7 === 0 ? NaN : v)));
  const data2 = write("t-multi-data.json", { train: jsonRows(holes(wine.Xtrain)), y: wine.ytrain, test: jsonRows(holes(wine.Xtest)) });
  const r2 = peer(["train", data2, write("p2.json", { objective: "multi:softprob", num_class: 3, max_depth: 3, rounds: 10 }), path.join(dir, "x2.json")]);
  const m2 = HistGradientBoostingClassifier.fromXGBoost(fs.readFileSync(path.join(dir, "x2.json"), "utf8"), { classes: ["a", "b", "c"] });
  assertMargins(m2.decisionFunction(holes(wine.Xtest)), r2.margins, "multi:softprob");
  // Contributions work on a loaded model too (XGBoost keeps the covers): rows sum to the margin.
  const contrib = m2.contributions(holes(wine.Xtest).slice(0, 3));
  contrib.forEach((perClass, i) => perClass.forEach((phi, k) => assert.ok(Math.abs(phi.reduce((a, b) => a + b, 0) - r2.margins[i][k]) < 1e-5)));

  const text = textSplit("tfidf");
  const codes = new Map([...new Set(text.ytrain)].map((c, k) => [c, k]));
  const data3 = write("t-sparse-data.json", { train: csrJSON(text.Xtrain), y: text.ytrain.map((c) => codes.get(c)), test: csrJSON(text.Xtest) });
  const r3 = peer(["train", data3, write("p3.json", { objective: "multi:softprob", num_class: codes.size, max_depth: 4, rounds: 5 }), path.join(dir, "x3.json")]);
  const m3 = HistGradientBoostingClassifier.fromXGBoost(fs.readFileSync(path.join(dir, "x3.json"), "utf8"));
  assertMargins(m3.decisionFunction(text.Xtest), r3.margins, "sparse multi:softprob");

  const d = loadFixture("gbdt").datasets.diabetes;
  const data4 = write("t-reg-data.json", { train: d.X.slice(0, 300), y: d.y.slice(0, 300), test: d.X.slice(300) });
  const r4 = peer(["train", data4, write("p4.json", { objective: "reg:squarederror", max_depth: 3, rounds: 25 }), path.join(dir, "x4.json")]);
  const m4 = HistGradientBoostingRegressor.fromXGBoost(JSON.parse(fs.readFileSync(path.join(dir, "x4.json"), "utf8")));
  assertMargins(m4.predict(d.X.slice(300)).map((v) => [v]), r4.margins, "reg:squarederror");
  // The wrong kind of model, or not a model at all, says what to do.
  assert.throws(() => HistGradientBoostingClassifier.fromXGBoost(fs.readFileSync(path.join(dir, "x4.json"), "utf8")), /objective is reg:squarederror: load it with HistGradientBoostingRegressor/);
  assert.throws(() => HistGradientBoostingRegressor.fromXGBoost("{oops"), (e: unknown) => e instanceof InvalidInputError && /not valid JSON/.test((e as Error).message));
  assert.throws(() => HistGradientBoostingRegressor.fromXGBoost({ learner: {} }), /not an XGBoost JSON model/);
});

test("multi-label: binary:logistic with one target per label, both ways through real xgboost", () => {
  const wine = denseSplit("wine");
  const labels = (X: number[][], y: readonly unknown[]) => y.map((c, i) => [c === 0 ? 1 : 0, c === 2 ? 1 : 0, X[i][0] > 13 ? 1 : 0]);
  const Xtr = float32Rows(wine.Xtrain);
  const Xte = float32Rows(wine.Xtest);
  // Trained here on label sets: XGBoost reads num_target 3 and gives the same margins.
  const sets = labels(Xtr, wine.ytrain).map((r) => ["first", "third", "strong"].filter((_, k) => r[k]));
  const ours = new HistGradientBoostingClassifier({ maxIter: 12, earlyStopping: false, lambda: 1 }).fit(Xtr, sets);
  const text = ours.toXGBoost();
  const param = JSON.parse(text).learner.learner_model_param;
  assert.equal(param.num_target, "3");
  assert.equal(param.num_class, "0");
  const r1 = peer(["margins", write("ml.json", text), write("ml-data.json", { test: jsonRows(Xte) })]);
  assertMargins(ours.decisionFunction(Xte), r1.margins, "multi-label export");
  const back = HistGradientBoostingClassifier.fromXGBoost(text);
  assert.deepEqual(back.classes, ["first", "strong", "third"]);
  assert.deepEqual(back.predict(Xte), ours.predict(Xte));

  // Trained by XGBoost on 0/1 rows (what XGBClassifier does with a label matrix): loads as 0/1 rows.
  const data = write("t-ml-data.json", { train: jsonRows(wine.Xtrain), y: labels(wine.Xtrain, wine.ytrain), test: jsonRows(wine.Xtest) });
  const r2 = peer(["train", data, write("p-ml.json", { objective: "binary:logistic", tree_method: "hist", max_depth: 3, rounds: 10 }), path.join(dir, "x-ml.json")]);
  const loaded = HistGradientBoostingClassifier.fromXGBoost(fs.readFileSync(path.join(dir, "x-ml.json"), "utf8"));
  assert.ok(loaded.multiLabel);
  assert.deepEqual(loaded.classes, [0, 1, 2]);
  const margins = loaded.decisionFunction(wine.Xtest);
  assertMargins(margins, r2.margins, "multi-label import");
  assert.deepEqual(loaded.predict(wine.Xtest), margins.map((r) => r.map((z) => (z > 0 ? 1 : 0))));
  const named = HistGradientBoostingClassifier.fromXGBoost(fs.readFileSync(path.join(dir, "x-ml.json"), "utf8"), { classes: ["first", "third", "strong"] });
  assert.deepEqual(named.predict(wine.Xtest.slice(0, 3)), margins.slice(0, 3).map((r) => ["first", "third", "strong"].filter((_, k) => r[k] > 0)));
  // Vector leaves (multi_strategy "multi_output_tree") are not read, and say so.
  peer(["train", data, write("p-mo.json", { objective: "binary:logistic", tree_method: "hist", multi_strategy: "multi_output_tree", max_depth: 3, rounds: 2 }), path.join(dir, "x-mo.json")]);
  assert.throws(() => HistGradientBoostingClassifier.fromXGBoost(fs.readFileSync(path.join(dir, "x-mo.json"), "utf8")), /multi_output_tree/);
});

test("categorical splits both ways through real xgboost: XGBoost's set goes right, ours left; missing and unseen categories go the same way", () => {
  const d = loadFixture("gbdt").datasets.categorical;
  const rows = float32Rows(d.X.map((r: (number | null)[]) => r.map((v) => (v === null ? NaN : v))));
  const pick = <T>(a: readonly T[], idx: readonly number[]) => idx.map((i) => a[i]);
  const Xtrain = pick(rows, d.train);
  // The test rows hold missing categories and category 99, never seen in training.
  const Xtest = pick(rows, d.test);
  assert.ok(Xtest.some((r) => r[0] === 99) && Xtest.some((r) => Number.isNaN(r[0])));
  const testData = write("cat-data.json", { test: jsonRows(Xtest) });

  // Trained here: exported categorical splits give XGBoost's margins.
  const reg = new HistGradientBoostingRegressor({ maxIter: 30, categoricalFeatures: [0, 1] }).fit(Xtrain, pick<number>(d.y, d.train));
  const text = reg.toXGBoost();
  const trees = JSON.parse(text).learner.gradient_booster.model.trees;
  assert.ok(trees.some((t: any) => t.split_type.includes(1) && t.categories.length > 0), "the export holds categorical splits");
  assertMargins(reg.predict(Xtest).map((v) => [v]), peer(["margins", write("cat-reg.json", text), testData]).margins, "categorical regressor export");
  const back = HistGradientBoostingRegressor.fromXGBoost(text);
  assertMargins(back.predict(Xtest).map((v) => [v]), reg.predict(Xtest).map((v) => [v]), "categorical regressor back");
  const clf = new HistGradientBoostingClassifier({ maxIter: 15, earlyStopping: false, categoricalFeatures: [0, 1], l2Regularization: 1 }).fit(Xtrain, pick<number>(d.y_class, d.train));
  assertMargins(clf.decisionFunction(Xtest), peer(["margins", write("cat-clf.json", clf.toXGBoost()), testData]).margins, "categorical classifier export");

  // Trained by XGBoost on categorical columns (partition splits, and one-hot splits of few categories): same margins here.
  const data = write("t-cat-data.json", { train: jsonRows(Xtrain), y: pick(d.y, d.train), test: jsonRows(Xtest) });
  const types = ["c", "c", "q", "q"];
  const r1 = peer(["train", data, write("p-cat1.json", { objective: "reg:squarederror", tree_method: "hist", max_depth: 4, rounds: 20, feature_types: types, max_cat_to_onehot: 1 }), path.join(dir, "x-cat1.json")]);
  const m1 = HistGradientBoostingRegressor.fromXGBoost(fs.readFileSync(path.join(dir, "x-cat1.json"), "utf8"));
  assertMargins(m1.predict(Xtest).map((v) => [v]), r1.margins, "XGBoost categorical regressor");
  // Saved again from here, it is still XGBoost's model.
  assertMargins(peer(["margins", write("cat-again.json", m1.toXGBoost()), testData]).margins, r1.margins, "XGBoost categorical regressor, saved again");
  const classes = write("t-cat-clf.json", { train: jsonRows(Xtrain), y: pick(d.y_class, d.train), test: jsonRows(Xtest) });
  const r2 = peer(["train", classes, write("p-cat2.json", { objective: "multi:softprob", num_class: 3, tree_method: "hist", max_depth: 3, rounds: 10, feature_types: types, max_cat_to_onehot: 8 }), path.join(dir, "x-cat2.json")]);
  const m2 = HistGradientBoostingClassifier.fromXGBoost(fs.readFileSync(path.join(dir, "x-cat2.json"), "utf8"));
  assertMargins(m2.decisionFunction(Xtest), r2.margins, "XGBoost categorical classifier (one-hot splits)");
  // Contributions still sum to the margin on categorical splits.
  m2.contributions(Xtest.slice(0, 5)).forEach((perClass, i) => perClass.forEach((phi, k) => assert.ok(Math.abs(phi.reduce((a, b) => a + b, 0) - r2.margins[i][k]) < 1e-5)));

  // Categories XGBoost cannot read (negative, fractional) are a clear error on export.
  const shifted = Xtrain.map((r) => [r[0] - 1.5, ...r.slice(1)]);
  const odd = new HistGradientBoostingRegressor({ maxIter: 2, categoricalFeatures: [0] }).fit(shifted, pick<number>(d.y, d.train));
  assert.throws(() => odd.toXGBoost(), (e: unknown) => e instanceof InvalidInputError && /feature 0 has category -1.5, and XGBoost reads categories as whole numbers/.test((e as Error).message));
});
