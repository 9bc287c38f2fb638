import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { GroupKFold, KFold, StratifiedKFold, groupSplit, iterativeStratification, trainTestSplit, loadBrown, loadReuters, loadReutersTm, columnValues, debianDataDir, type Fold } from "./index";
import { Random } from "../random";
import { InvalidInputError } from "../errors";

const fx = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../tests/fixtures/sklearn/data.json"), "utf8"));
const haveDebian = fs.existsSync(path.join(debianDataDir(), "usr/share/doc/weka/examples/ReutersGrain-train.arff")) &&
  fs.existsSync(path.join(debianDataDir(), "usr/lib/R/site-library/tm/texts/acq"));
const noDebian = haveDebian ? false : "the Debian corpora are not extracted: run node scripts/setup.mjs";

/** Every row is in exactly one test fold (one split: on exactly one side), and train is the rest. */
function assertPartition(folds: Fold[], n: number): void {
  const seen = new Array<number>(n).fill(0);
  for (const f of folds) {
    const test = new Set(f.test);
    assert.equal(test.size, f.test.length, "no row twice in a test fold");
    assert.equal(f.train.length + f.test.length, n);
    for (const i of f.train) assert.ok(!test.has(i), "train and test are disjoint");
    for (const i of f.test) seen[i]++;
    if (folds.length === 1) for (const i of f.train) seen[i]++;
  }
  assert.ok(seen.every((c) => c === 1), folds.length === 1 ? "every row is on one side" : "every row is tested exactly once");
}

test("KFold and StratifiedKFold without shuffling equal scikit-learn's folds exactly", () => {
  const n = fx.stratifiedKFold.wine.y.length;
  for (const k of ["3", "5", "7"]) {
    assert.deepEqual(new KFold({ nSplits: Number(k) }).split(new Array(n).fill(0)), fx.kfold[k]);
  }
  for (const [name, ks] of [["wine", ["3", "5"]], ["brown", ["5", "10"]]] as const) {
    const y = fx.stratifiedKFold[name].y;
    for (const k of ks) {
      const folds = new StratifiedKFold({ nSplits: Number(k) }).split(y, y);
      assert.deepEqual(folds, fx.stratifiedKFold[name][k], `${name}, ${k} folds`);
      assertPartition(folds, y.length);
    }
  }
});

test("shuffled StratifiedKFold: other rows, scikit-learn's class counts per fold, the same folds for the same seed", () => {
  const y: string[] = fx.stratifiedKFold.brown.y;
  const a = new StratifiedKFold({ nSplits: 5, shuffle: true, seed: 3 }).split(y, y);
  const b = new StratifiedKFold({ nSplits: 5, shuffle: true, seed: 3 }).split(y, y);
  const c = new StratifiedKFold({ nSplits: 5, shuffle: true, seed: 4 }).split(y, y);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.notDeepEqual(a, fx.stratifiedKFold.brown["5"]);
  assertPartition(a, y.length);
  const counts = a.map((f) => {
    const m: Record<string, number> = {};
    for (const g of [...new Set(y)].sort()) m[g] = f.test.filter((i) => y[i] === g).length;
    return m;
  });
  assert.deepEqual(counts, fx.stratifiedKFold.brownShuffledClassCounts["5"]);
  assert.throws(() => new StratifiedKFold({ nSplits: 5 }).split(["a", "b", "a"], ["a", "b", "a"]), InvalidInputError);
});

test("GroupKFold on Brown passages grouped by source text: no text in two folds, scikit-learn's fold sizes", () => {
  const groups: number[] = fx.groupKFold.groups;
  for (const k of ["3", "5"]) {
    const folds = new GroupKFold({ nSplits: Number(k) }).split(groups, groups);
    assertPartition(folds, groups.length);
    assert.deepEqual(folds.map((f) => f.test.length).sort((x, y) => x - y), fx.groupKFold[k]);
    for (const f of folds) {
      const inTest = new Set(f.test.map((i) => groups[i]));
      assert.ok(f.train.every((i) => !inTest.has(groups[i])), "a group is on one side only");
    }
  }
});

test("trainTestSplit: sizes, disjoint and covering, deterministic per seed, on arrays and arquero tables", async () => {
  const brown = await loadBrown();
  const n = brown.numRows();
  const s1 = trainTestSplit(brown, { testSize: 0.2, seed: 7 });
  const s2 = trainTestSplit(brown, { testSize: 0.2, seed: 7 });
  const s3 = trainTestSplit(brown, { testSize: 0.2, seed: 8 });
  assert.equal(s1.test.numRows(), Math.ceil(0.2 * n));
  assert.equal(s1.train.numRows() + s1.test.numRows(), n);
  assert.deepEqual(s1.testIndex, s2.testIndex);
  assert.notDeepEqual(s1.testIndex, s3.testIndex);
  assertPartition([{ train: s1.trainIndex, test: s1.testIndex }], n);
  const text = columnValues(brown, "text");
  assert.deepEqual(columnValues(s1.test, "text"), s1.testIndex.map((i) => text[i]), "table rows follow the indices");
  const arr = trainTestSplit(text, { testSize: 100, seed: 7 });
  assert.equal(arr.test.length, 100);
  assert.deepEqual(arr.test, arr.testIndex.map((i) => text[i]));
  assert.deepEqual(trainTestSplit([1, 2, 3, 4], { testSize: 0.5, shuffle: false }).test, [3, 4]);
  assert.throws(() => trainTestSplit([1, 2], { testSize: 1.5 }), /testSize 1.5 is neither/);
  assert.throws(() => trainTestSplit([1, 2, 3], { stratify: [1, 2] }), /stratify has 2 values for 3 rows/);
});

test("stratified trainTestSplit keeps every genre's share; per-class test counts within 1 of scikit-learn's", async () => {
  const y: string[] = fx.trainTestSplit.y;
  const classes = [...new Set(y)];
  for (const seed of [0, 1]) {
    const s = trainTestSplit(y, { testSize: fx.trainTestSplit.testSize, stratify: y, seed });
    assert.equal(s.testIndex.length, Math.ceil(0.2 * y.length));
    for (const c of classes) {
      const got = s.test.filter((v) => v === c).length;
      assert.ok(Math.abs(got - fx.trainTestSplit.testCounts[String(seed)][c]) <= 1, `${c}: ${got} vs sklearn ${fx.trainTestSplit.testCounts[String(seed)][c]}`);
    }
  }
  const brown = await loadBrown();
  const s = trainTestSplit(brown, { stratify: "genre", testSize: 0.25, seed: 1 });
  const share = (t: any, g: string) => columnValues(t, "genre").filter((v) => v === g).length / t.numRows();
  for (const g of classes) assert.ok(Math.abs(share(s.test, g) - share(brown, g)) < 0.001, g);
  assert.throws(() => trainTestSplit(["a", "a", "b"], { stratify: ["a", "a", "b"], testSize: 1 }), /class b has only 1 row/);
});

test("groupSplit keeps every Brown text on one side", async () => {
  const brown = await loadBrown();
  const s = groupSplit(brown, { groups: "file", testSize: 0.25, seed: 0 });
  const trainFiles = new Set(columnValues(s.train, "file"));
  const testFiles = new Set(columnValues(s.test, "file"));
  assert.equal(testFiles.size, 125);
  assert.equal(trainFiles.size, 375);
  for (const f of testFiles) assert.ok(!trainFiles.has(f));
  assert.equal(s.train.numRows() + s.test.numRows(), brown.numRows());
  assert.deepEqual(groupSplit(brown, { groups: "file", seed: 0 }).testIndex, s.testIndex);
});

/** Sechidis et al.'s label distribution (LD) measure: how far each subset's label shares are from the whole's. */
function labelDeviation(labels: string[][], fold: number[], k: number): number {
  const all = [...new Set(labels.flat())];
  let total = 0;
  for (const l of all) {
    const share = (rows: number[]) => rows.filter((i) => labels[i].includes(l)).length / Math.max(rows.length, 1);
    const whole = share(labels.map((_, i) => i));
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.abs(share(fold.flatMap((f, i) => (f === j ? [i] : []))) - whole);
    total += sum / k;
  }
  return total / all.length;
}

function randomFolds(n: number, k: number, seed: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  const rng = new Random(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const fold = new Array<number>(n);
  idx.forEach((row, pos) => (fold[row] = pos % k));
  return fold;
}

test("iterative stratification beats random folds on label-distribution deviation (Reuters, multi-label)", { skip: noDebian }, async () => {
  const tm = await loadReutersTm();
  const tmLabels = columnValues(tm, "topics").map((t, i) => [...(t as string[]), ...(columnValues(tm, "places")[i] as string[])]);
  const reuters = await loadReuters();
  const grainCorn = columnValues(reuters, "labels") as string[][];
  for (const [name, labels, k] of [["tm topics+places", tmLabels, 5], ["grain/corn", grainCorn, 10]] as const) {
    let iterative = 0;
    let random = 0;
    for (let seed = 0; seed < 10; seed++) {
      const fold = iterativeStratification(labels, new Array(k).fill(1 / k), { seed });
      iterative += labelDeviation(labels, fold, k);
      random += labelDeviation(labels, randomFolds(labels.length, k, seed), k);
      // Sizes stay near the desired ones.
      for (let j = 0; j < k; j++) assert.ok(Math.abs(fold.filter((f) => f === j).length - labels.length / k) <= Math.max(3, labels.length * 0.02), `${name} fold ${j} size`);
    }
    assert.ok(iterative < random * 0.75, `${name}: iterative ${iterative / 10} vs random ${random / 10}`);
  }
  // Same seed, same folds; multi-label stratify in trainTestSplit and StratifiedKFold goes through it.
  assert.deepEqual(iterativeStratification(tmLabels, [0.8, 0.2], { seed: 5 }), iterativeStratification(tmLabels, [0.8, 0.2], { seed: 5 }));
  const s = trainTestSplit(tmLabels, { stratify: tmLabels, testSize: 0.2, seed: 1 });
  assertPartition([{ train: s.trainIndex, test: s.testIndex }], tmLabels.length);
  for (const label of ["acq", "crude"]) {
    const share = (rows: string[][]) => rows.filter((r) => r.includes(label)).length / rows.length;
    assert.ok(Math.abs(share(s.test) - share(tmLabels)) < 0.05, label);
  }
  const folds = new StratifiedKFold({ nSplits: 5, seed: 2 }).split(reuters, "labels");
  assertPartition(folds, reuters.numRows());
  assert.throws(() => iterativeStratification([["a"], "b" as any], [0.5, 0.5]), /row 1's label is "b"/);
});

test("one hold-out for early stopping (boosted trees, networks): ceil(fraction·n) rows, stratified when asked, rare classes kept", async () => {
  const { holdOutMask } = await import("./split");
  const { Random } = await import("../random");
  const { splitForValidation } = await import("../neural/classifier");
  const mask = holdOutMask(25, 0.1, new Random(3));
  assert.equal(mask.reduce((a, b) => a + b, 0), 3); // ceil(2.5), as scikit-learn's train_test_split
  // Stratified: 10 % of each class, and a class of one row does not make it fail.
  const codes = Int32Array.from([...Array(60).fill(0), ...Array(39).fill(1), 2]);
  const held = holdOutMask(100, 0.1, new Random(0), codes, 3);
  const perClass = [0, 1, 2].map((k) => codes.filter((c, i) => c === k && held[i] === 1).length);
  assert.deepEqual(perClass, [6, 4, 0]);
  assert.equal(holdOutMask(2, 0.9, new Random(0)).reduce((a, b) => a + b, 0), 1); // never all rows
  // The networks' early stopping is that same hold-out (the boosted trees call it with their classes).
  const rowsOf = (m: Uint8Array, v: number) => [...m.keys()].filter((i) => m[i] === v);
  const v = splitForValidation(25, 0.1, new Random(3));
  assert.deepEqual(v, { held: rowsOf(mask, 1), train: rowsOf(mask, 0) });
});
