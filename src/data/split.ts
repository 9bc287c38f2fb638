// Train/test splits and k-fold cross-validation over arrays, typed arrays, arquero tables and
// danfo DataFrames: random, stratified (single-label by class, multi-label by iterative
// stratification) and by group (all rows of a group on one side). Every shuffle draws from a
// seeded src/random source, so a seed gives the same split on every machine. KFold and
// StratifiedKFold give scikit-learn's folds exactly when not shuffled.
import { InvalidInputError } from "../errors";
import { Random } from "../random";
import { iterativeStratification } from "./iterative";
import { columnValues, isArqueroTable, isDanfoFrame, rowCount, takeRows } from "./table";

export interface Fold {
  train: number[];
  test: number[];
}

export interface Split<T> {
  train: T;
  test: T;
  trainIndex: number[];
  testIndex: number[];
}

/** Labels, groups…: an array with one value per row, or the name of a column of a table. */
export type PerRow = readonly unknown[] | string;

export interface SplitOptions {
  /** Fraction of rows (0 < x < 1) or a number of rows for the test side; default 0.25. */
  testSize?: number;
  /** Fraction or number of rows for training; default: all rows not in test. */
  trainSize?: number;
  /** Shuffle before splitting (default true); false takes the last rows as test. */
  shuffle?: boolean;
  seed?: number;
  /** Keep label proportions on both sides: labels per row, or a column name. Rows whose label is an array are multi-label. */
  stratify?: PerRow;
}

export interface GroupSplitOptions {
  /** The group of every row (or a column name); no group is split across train and test. */
  groups: PerRow;
  /** Fraction (0 < x < 1) or number of groups for the test side; default 0.25. */
  testSize?: number;
  seed?: number;
}

function shuffle<T>(a: T[], rng: Random): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const ascending = (a: number[]) => a.sort((x, y) => x - y);

/** The values of `spec` for each row of `data`. */
export function perRow(data: unknown, spec: PerRow, what: string): unknown[] {
  const n = rowCount(data);
  if (typeof spec === "string") {
    if (!isArqueroTable(data) && !isDanfoFrame(data)) throw new InvalidInputError(`${what} names a column (${JSON.stringify(spec)}) but the data is not a table: pass an array with one value per row`);
    return columnValues(data, spec);
  }
  if (!Array.isArray(spec)) throw new InvalidInputError(`${what} must be an array with one value per row or a column name`);
  if (spec.length !== n) throw new InvalidInputError(`${what} has ${spec.length} values for ${n} rows: give one per row`);
  return spec as unknown[];
}

/** sklearn's rule: a fraction is rounded up for test (down for train); a whole number is a count. */
function sizes(n: number, testSize: number | undefined, trainSize: number | undefined): { nTest: number; nTrain: number } {
  const count = (x: number, name: string, up: boolean) => {
    if (!(x > 0) || !Number.isFinite(x)) throw new InvalidInputError(`${name} must be a fraction between 0 and 1 or a number of rows, got ${x}`);
    if (x < 1) return up ? Math.ceil(x * n) : Math.floor(x * n);
    if (!Number.isInteger(x)) throw new InvalidInputError(`${name} ${x} is neither a fraction below 1 nor a whole number of rows`);
    return x;
  };
  const nTest = testSize === undefined ? (trainSize === undefined ? Math.ceil(0.25 * n) : n - count(trainSize, "trainSize", false)) : count(testSize, "testSize", true);
  const nTrain = trainSize === undefined ? n - nTest : count(trainSize, "trainSize", false);
  if (nTest + nTrain > n) throw new InvalidInputError(`${nTrain} train + ${nTest} test rows is more than the ${n} rows there are`);
  if (nTest === 0 || nTrain === 0) throw new InvalidInputError(`with ${n} rows that leaves ${nTrain} train and ${nTest} test rows: use a larger data set or another testSize`);
  return { nTest, nTrain };
}

/** Class keys; arrays (multi-label) are not allowed here. */
function classKey(v: unknown): string {
  return typeof v === "string" ? `s:${v}` : `j:${JSON.stringify(v)}`;
}

/** Per-class counts summing to `total`, proportional to `counts` (largest remainders, ties at random). */
function apportion(counts: number[], total: number, rng: Random): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((c) => (c * total) / n);
  const out = exact.map(Math.floor);
  let rest = total - out.reduce((a, b) => a + b, 0);
  const order = shuffle(range(counts.length), rng).sort((a, b) => (exact[b] - out[b]) - (exact[a] - out[a]));
  for (const c of order) {
    if (rest <= 0) break;
    if (out[c] < counts[c]) (out[c]++, rest--);
  }
  return out;
}

/**
 * Rows held out for validation inside a fit (early stopping): ceil(fraction·n) of them, as
 * scikit-learn does, at least one and never all; stratified by `codes` (class indices below
 * `nClasses`) when given, each class by its share (largest remainders). A 1 in the mask is held out.
 * Unlike trainTestIndices it refuses no rare class: early stopping must work on whatever data fit gets.
 */
export function holdOutMask(n: number, fraction: number, rng: Random, codes?: ArrayLike<number>, nClasses = 1): Uint8Array {
  const nHeld = Math.min(n - 1, Math.max(1, Math.ceil(fraction * n)));
  const byClass: number[][] = Array.from({ length: codes ? nClasses : 1 }, () => []);
  for (let i = 0; i < n; i++) byClass[codes ? codes[i] : 0].push(i);
  // Largest-remainder allocation of the held-out rows to classes by their share.
  const exact = byClass.map((rows) => (rows.length * nHeld) / n);
  const take = exact.map(Math.floor);
  let left = nHeld - take.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, k) => [e - Math.floor(e), k]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, k] of byRemainder) if (left > 0 && take[k] < byClass[k].length) (take[k]++, left--);
  const held = new Uint8Array(n);
  byClass.forEach((rows, k) => {
    for (let t = 0; t < take[k]; t++) {
      const r = t + rng.int(rows.length - t);
      [rows[t], rows[r]] = [rows[r], rows[t]];
      held[rows[t]] = 1;
    }
  });
  return held;
}

/** The indices of a train/test split; `trainTestSplit` applies them to the data. */
export function trainTestIndices(n: number, options: SplitOptions & { labels?: readonly unknown[] } = {}): Fold {
  const { nTest, nTrain } = sizes(n, options.testSize, options.trainSize);
  const rng = new Random(options.seed);
  const labels = options.labels;
  if (!labels) {
    const idx = options.shuffle === false ? range(n) : shuffle(range(n), rng);
    return options.shuffle === false
      ? { train: idx.slice(0, nTrain), test: idx.slice(n - nTest) }
      : { train: ascending(idx.slice(nTest, nTest + nTrain)), test: ascending(idx.slice(0, nTest)) };
  }
  if (options.shuffle === false) throw new InvalidInputError("a stratified split shuffles: drop shuffle: false or stratify");
  if (labels.some((l) => Array.isArray(l))) {
    if (!labels.every((l) => Array.isArray(l))) throw new InvalidInputError("stratify mixes arrays (multi-label) and single labels: make every row's label an array");
    const fold = iterativeStratification(labels as string[][], [nTrain / n, nTest / n, (n - nTrain - nTest) / n].filter((p) => p > 0), { seed: rng.uint32() });
    return { train: range(n).filter((i) => fold[i] === 0), test: range(n).filter((i) => fold[i] === 1) };
  }
  const byClass = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const k = classKey(l);
    if (!byClass.has(k)) byClass.set(k, []);
    byClass.get(k)!.push(i);
  });
  const classes = [...byClass.values()];
  const tiny = [...byClass.entries()].find(([, rows]) => rows.length < 2);
  if (tiny) throw new InvalidInputError(`class ${tiny[0].slice(2)} has only 1 row: a stratified split needs at least 2 per class (drop or merge rare classes)`);
  if (nTest < classes.length || nTrain < classes.length) {
    throw new InvalidInputError(`${nTest} test and ${nTrain} train rows cannot hold all ${classes.length} classes: use a testSize of at least ${classes.length} rows`);
  }
  const counts = classes.map((c) => c.length);
  const testPer = apportion(counts, nTest, rng);
  const trainPer = apportion(counts.map((c, j) => c - testPer[j]), nTrain, rng);
  const train: number[] = [];
  const test: number[] = [];
  classes.forEach((rows, j) => {
    const s = shuffle([...rows], rng);
    test.push(...s.slice(0, testPer[j]));
    train.push(...s.slice(testPer[j], testPer[j] + trainPer[j]));
  });
  return { train: ascending(train), test: ascending(test) };
}

/**
 * Splits rows into train and test: `trainTestSplit(table, { testSize: 0.2, stratify: "genre", seed: 0 })`.
 * Works on arrays, typed arrays, arquero tables and danfo DataFrames; the indices come back too,
 * for splitting a matching `y` with `takeRows(y, split.trainIndex)`.
 */
export function trainTestSplit<T>(data: T, options: SplitOptions = {}): Split<T> {
  const n = rowCount(data);
  const labels = options.stratify === undefined ? undefined : perRow(data, options.stratify, "stratify");
  const f = trainTestIndices(n, { ...options, labels });
  return { train: takeRows(data, f.train), test: takeRows(data, f.test), trainIndex: f.train, testIndex: f.test };
}

function groupIds(values: readonly unknown[], what: string): { ids: number[]; count: number } {
  const map = new Map<string, number>();
  const ids = values.map((v, i) => {
    if (v === null || v === undefined) throw new InvalidInputError(`row ${i} has no ${what} (null): give every row one, or drop those rows first`);
    const k = classKey(v);
    if (!map.has(k)) map.set(k, map.size);
    return map.get(k)!;
  });
  return { ids, count: map.size };
}

/** Like trainTestSplit, but whole groups go to one side (e.g. every passage of one source text). */
export function groupSplit<T>(data: T, options: GroupSplitOptions): Split<T> {
  const { ids, count } = groupIds(perRow(data, options.groups, "groups"), "group");
  const t = options.testSize ?? 0.25;
  if (!(t > 0) || (t >= 1 && !Number.isInteger(t))) throw new InvalidInputError(`testSize must be a fraction between 0 and 1 or a number of groups, got ${t}`);
  const nTestGroups = t < 1 ? Math.ceil(t * count) : t;
  if (nTestGroups >= count) throw new InvalidInputError(`${nTestGroups} test groups leave none of the ${count} groups for training: use a smaller testSize`);
  const order = shuffle(range(count), new Random(options.seed));
  const isTest = new Array<boolean>(count).fill(false);
  for (const g of order.slice(0, nTestGroups)) isTest[g] = true;
  const train = range(ids.length).filter((i) => !isTest[ids[i]]);
  const test = range(ids.length).filter((i) => isTest[ids[i]]);
  return { train: takeRows(data, train), test: takeRows(data, test), trainIndex: train, testIndex: test };
}

function checkSplits(nSplits: number): number {
  if (!Number.isInteger(nSplits) || nSplits < 2) throw new InvalidInputError(`nSplits must be a whole number of at least 2, got ${nSplits}`);
  return nSplits;
}

function foldsFrom(testFold: readonly number[], nSplits: number): Fold[] {
  return range(nSplits).map((f) => ({
    train: range(testFold.length).filter((i) => testFold[i] !== f),
    test: range(testFold.length).filter((i) => testFold[i] === f),
  }));
}

export interface KFoldOptions {
  nSplits?: number;
  shuffle?: boolean;
  seed?: number;
}

/** k consecutive folds (scikit-learn's KFold: the first n mod k folds hold one row more). */
export class KFold {
  readonly nSplits: number;
  constructor(readonly options: KFoldOptions = {}) {
    this.nSplits = checkSplits(options.nSplits ?? 5);
  }
  split(data: unknown): Fold[] {
    const n = rowCount(data);
    if (n < this.nSplits) throw new InvalidInputError(`cannot make ${this.nSplits} folds of ${n} rows: use nSplits ≤ ${n}`);
    const idx = this.options.shuffle ? shuffle(range(n), new Random(this.options.seed)) : range(n);
    const testFold = new Array<number>(n);
    let start = 0;
    for (let f = 0; f < this.nSplits; f++) {
      const size = Math.floor(n / this.nSplits) + (f < n % this.nSplits ? 1 : 0);
      for (let i = start; i < start + size; i++) testFold[idx[i]] = f;
      start += size;
    }
    return foldsFrom(testFold, this.nSplits);
  }
}

/**
 * Folds that keep each class's share (scikit-learn's StratifiedKFold: classes in order of first
 * appearance, the sorted labels dealt round-robin to folds; unshuffled folds equal sklearn's).
 * Multi-label rows (arrays of labels) are dealt by iterative stratification instead.
 */
export class StratifiedKFold {
  readonly nSplits: number;
  constructor(readonly options: KFoldOptions = {}) {
    this.nSplits = checkSplits(options.nSplits ?? 5);
  }
  split(data: unknown, labels: PerRow): Fold[] {
    const y = perRow(data, labels, "labels");
    const k = this.nSplits;
    const rng = new Random(this.options.seed);
    if (y.some((l) => Array.isArray(l))) {
      if (!y.every((l) => Array.isArray(l))) throw new InvalidInputError("labels mix arrays (multi-label) and single labels: make every row's label an array");
      return foldsFrom(iterativeStratification(y as string[][], new Array(k).fill(1 / k), { seed: rng.uint32() }), k);
    }
    const enc = groupIds(y, "label");
    const counts = new Array<number>(enc.count).fill(0);
    for (const c of enc.ids) counts[c]++;
    if (counts.every((c) => c < k)) throw new InvalidInputError(`nSplits=${k} is more than the rows of every class (largest class: ${Math.max(...counts)}): use fewer folds`);
    // allocation[f][c]: rows of class c in fold f, from dealing the sorted labels round-robin.
    const sorted = [...enc.ids].sort((a, b) => a - b);
    const allocation = range(k).map(() => new Array<number>(enc.count).fill(0));
    sorted.forEach((c, i) => allocation[i % k][c]++);
    const testFold = new Array<number>(y.length);
    const rowsOf: number[][] = range(enc.count).map(() => []);
    enc.ids.forEach((c, i) => rowsOf[c].push(i));
    for (let c = 0; c < enc.count; c++) {
      const folds: number[] = [];
      for (let f = 0; f < k; f++) for (let t = 0; t < allocation[f][c]; t++) folds.push(f);
      if (this.options.shuffle) shuffle(folds, rng);
      rowsOf[c].forEach((row, t) => (testFold[row] = folds[t]));
    }
    return foldsFrom(testFold, k);
  }
}

/**
 * Folds in which every group sits in exactly one test fold (scikit-learn's GroupKFold: largest
 * groups first, each to the fold with the fewest rows so far; ties by first appearance).
 */
export class GroupKFold {
  readonly nSplits: number;
  constructor(readonly options: { nSplits?: number } = {}) {
    this.nSplits = checkSplits(options.nSplits ?? 5);
  }
  split(data: unknown, groups: PerRow): Fold[] {
    const { ids, count } = groupIds(perRow(data, groups, "groups"), "group");
    if (count < this.nSplits) throw new InvalidInputError(`cannot make ${this.nSplits} folds from ${count} groups: use nSplits ≤ ${count}`);
    const size = new Array<number>(count).fill(0);
    for (const g of ids) size[g]++;
    const foldOf = new Array<number>(count);
    const load = new Array<number>(this.nSplits).fill(0);
    for (const g of range(count).sort((a, b) => size[b] - size[a] || a - b)) {
      let lightest = 0;
      for (let f = 1; f < this.nSplits; f++) if (load[f] < load[lightest]) lightest = f;
      foldOf[g] = lightest;
      load[lightest] += size[g];
    }
    return foldsFrom(ids.map((g) => foldOf[g]), this.nSplits);
  }
}
