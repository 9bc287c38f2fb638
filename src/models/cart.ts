// The CART grower behind DecisionTreeClassifier and DecisionTreeRegressor: each node splits on the
// feature and threshold that lower its children's cost most, as the criterion measures it (Gini or
// entropy of class counts; squared or absolute error of the target), until a node is pure or a size limit stops
// it. Each feature's samples are sorted once; a split partitions those sorted lists stably, so every
// node scans its samples in order without sorting again.
import { InvalidInputError } from "../errors";
import { Random } from "../random";
import { type Dense, checkNumber, toDense } from "./input";
import { plainArray } from "./serialize";

/** Size limits and feature sampling shared by the tree models. */
export interface CartParams {
  /** Deepest a leaf may be (the root is depth 0); null grows until leaves are pure or too small. */
  maxDepth: number | null;
  /** A node with fewer samples than this becomes a leaf. */
  minSamplesSplit: number;
  /** A split must leave at least this many samples on each side. */
  minSamplesLeaf: number;
  /**
   * Features to consider at each node, drawn at random: a whole number ≥ 1 is a count, a number
   * in (0, 1) a proportion of the features, "sqrt" / "log2" of the feature count; null all.
   */
  maxFeatures: number | "sqrt" | "log2" | null;
  /** Seeds the feature order at each node (which decides between equally good splits). */
  randomState: number | null;
}

export const CART_DEFAULTS: CartParams = { maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: null, randomState: null };

export function checkCartParams(p: CartParams): void {
  checkNumber("maxDepth", p.maxDepth, { min: 0, integer: true, nullable: true });
  checkNumber("minSamplesSplit", p.minSamplesSplit, { min: 2, integer: true });
  checkNumber("minSamplesLeaf", p.minSamplesLeaf, { min: 1, integer: true });
  const mf = p.maxFeatures;
  if (mf !== null && mf !== "sqrt" && mf !== "log2" && !(typeof mf === "number" && mf > 0 && (mf < 1 || Number.isInteger(mf)))) {
    throw new InvalidInputError(`maxFeatures must be a whole count ≥ 1, a proportion in (0, 1), "sqrt", "log2" or null (got ${JSON.stringify(mf)})`);
  }
}

/**
 * What a node keeps about its samples and how a split is judged. `width` numbers per node (class
 * counts; or Σwy and Σwy²), filled by `add`; all costs are lower-is-better. A criterion that is no
 * running sum (absolute error, about a median) reads the node's samples instead: `scan` gets them
 * in the order a feature's split scan adds them, and the split's left side is its first nLeft.
 */
export interface CartCriterion {
  readonly width: number;
  /** Adds sample i, weighing w, to stats. */
  add(stats: Float64Array, i: number, w: number): void;
  /** Whether a node weighing W is pure enough that no split can help. */
  isPure(stats: Float64Array, W: number, samples: Int32Array): boolean;
  /** Called before a feature's split scan with the node's samples in the order `add` will see them. */
  scan?(samples: Int32Array): void;
  /** The cost of the children of a split: `left` (the first nLeft samples) weighs WL, the node's `total` weighs W. */
  splitCost(left: Float64Array, WL: number, total: Float64Array, W: number, nLeft: number): number;
  /** Appends the value a leaf with these stats (and samples) predicts (class fractions; the mean; the median). */
  leafValue(stats: Float64Array, W: number, out: number[], samples: Int32Array): void;
}

/** A fitted binary tree; `value` holds `width` numbers per node. */
export interface CartTree {
  nFeatures: number;
  /** Per node: the feature split on (−1 for a leaf), its threshold, and children indices. */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  maxDepth: number;
}

// Values closer than this count as equal: no threshold is put between them (as in scikit-learn).
const FEATURE_THRESHOLD = 1e-7;
// Features are read as float32, in fit and in predict, as scikit-learn's trees do: a midpoint
// threshold can land on a value that other samples hold, and which side they take must not
// depend on the last bits of a float64.

function featuresPerNode(setting: CartParams["maxFeatures"], d: number): number {
  if (setting === null) return d;
  if (setting === "sqrt") return Math.max(1, Math.floor(Math.sqrt(d)));
  if (setting === "log2") return Math.max(1, Math.floor(Math.log2(d)));
  return setting >= 1 ? Math.min(d, setting) : Math.max(1, Math.floor(setting * d));
}

interface Split {
  feature: number;
  threshold: number;
  cost: number;
}

/**
 * Grows a tree on checked dense rows. With sample weights, the criterion's statistics and leaf
 * values are weighted (as scikit-learn's); minSamplesLeaf and minSamplesSplit still count samples.
 */
export function growCart(dense: Dense, weight: Float64Array, criterion: CartCriterion, p: CartParams): CartTree {
  const { nRows: n, nCols: d } = dense;
  const S = criterion.width;
  const { minSamplesLeaf, minSamplesSplit } = p;
  const maxDepth = p.maxDepth ?? Infinity;
  const mtry = featuresPerNode(p.maxFeatures, d);
  const rng = new Random(p.randomState ?? undefined);

  // Column-major values and, per feature, the sample indices in increasing value order.
  const column = new Float64Array(d * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) column[j * n + i] = Math.fround(dense.data[i * d + j]);
  const order = new Int32Array(d * n);
  for (let j = 0; j < d; j++) {
    const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => column[j * n + a] - column[j * n + b] || a - b);
    order.set(idx, j * n);
  }

  const feature: number[] = [];
  const threshold: number[] = [];
  const leftChild: number[] = [];
  const rightChild: number[] = [];
  const value: number[] = [];
  let deepest = 0;
  const statsL = new Float64Array(S);
  const goesLeft = new Uint8Array(n);
  const scratch = new Int32Array(n);
  const features = Int32Array.from({ length: d }, (_, j) => j);

  /** A leaf for the samples order[start..end) (feature 0's segment holds the node's samples). */
  const newNode = (stats: Float64Array, W: number, start: number, end: number): number => {
    feature.push(-1);
    threshold.push(0);
    leftChild.push(-1);
    rightChild.push(-1);
    criterion.leafValue(stats, W, value, order.subarray(start, end));
    return feature.length - 1;
  };

  const bestSplit = (start: number, end: number, stats: Float64Array, W: number): Split | null => {
    const size = end - start;
    let best: Split | null = null;
    let visited = 0;
    // A fresh random feature order per node; equally good splits go to the feature seen first.
    for (let j = d - 1; j > 0; j--) {
      const r = rng.int(j + 1);
      [features[j], features[r]] = [features[r], features[j]];
    }
    for (let t = 0; t < d && (visited < mtry || best === null); t++) {
      const f = features[t];
      const base = f * n;
      const ord = order.subarray(base + start, base + end);
      if (column[base + ord[size - 1]] <= column[base + ord[0]] + FEATURE_THRESHOLD) continue;
      visited++;
      criterion.scan?.(ord);
      statsL.fill(0);
      let WL = 0;
      for (let q = 0; q < size - 1; q++) {
        const i = ord[q];
        criterion.add(statsL, i, weight[i]);
        WL += weight[i];
        const x = column[base + i];
        const next = column[base + ord[q + 1]];
        if (next <= x + FEATURE_THRESHOLD) continue;
        const nL = q + 1;
        if (nL < minSamplesLeaf || size - nL < minSamplesLeaf) continue;
        // A side that weighs nothing has nothing to learn.
        if (!(WL > 0 && W - WL > 1e-12 * W)) continue;
        const cost = criterion.splitCost(statsL, WL, stats, W, nL);
        if (best === null || cost < best.cost) {
          // Halves first, as scikit-learn, so huge values do not overflow.
          let thr = x / 2 + next / 2;
          // Rounding can put the midpoint on the upper value, which would then go left.
          if (thr === next || !Number.isFinite(thr)) thr = x;
          best = { feature: f, threshold: thr, cost };
        }
      }
    }
    return best;
  };

  /** Reorders every feature's segment so the left child's samples come first, keeping sorted order. */
  const partition = (start: number, end: number, split: Split): number => {
    const base = split.feature * n;
    let nLeft = 0;
    for (let q = start; q < end; q++) {
      const i = order[base + q];
      goesLeft[i] = column[base + i] <= split.threshold ? 1 : 0;
      nLeft += goesLeft[i];
    }
    for (let j = 0; j < d; j++) {
      let l = j * n + start;
      let r = 0;
      for (let q = j * n + start; q < j * n + end; q++) {
        const i = order[q];
        if (goesLeft[i]) order[l++] = i;
        else scratch[r++] = i;
      }
      order.set(scratch.subarray(0, r), l);
    }
    return start + nLeft;
  };

  const rootStats = new Float64Array(S);
  let rootWeight = 0;
  for (let i = 0; i < n; i++) {
    criterion.add(rootStats, i, weight[i]);
    rootWeight += weight[i];
  }
  const stack: { node: number; start: number; end: number; depth: number; stats: Float64Array; W: number }[] = [
    { node: newNode(rootStats, rootWeight, 0, n), start: 0, end: n, depth: 0, stats: rootStats, W: rootWeight },
  ];
  while (stack.length) {
    const { node, start, end, depth, stats, W } = stack.pop()!;
    deepest = Math.max(deepest, depth);
    const size = end - start;
    if (depth >= maxDepth || size < minSamplesSplit || size < 2 * minSamplesLeaf) continue;
    if (criterion.isPure(stats, W, order.subarray(start, end))) continue;
    const split = bestSplit(start, end, stats, W);
    if (!split) continue;
    const mid = partition(start, end, split);
    const childStats = [new Float64Array(S), new Float64Array(S)];
    const childWeight = [0, 0];
    for (let q = start; q < end; q++) {
      const i = order[q];
      criterion.add(childStats[q < mid ? 0 : 1], i, weight[i]);
      childWeight[q < mid ? 0 : 1] += weight[i];
    }
    feature[node] = split.feature;
    threshold[node] = split.threshold;
    leftChild[node] = newNode(childStats[0], childWeight[0], start, mid);
    rightChild[node] = newNode(childStats[1], childWeight[1], mid, end);
    // Right first so the left subtree is built (and numbered) first, as a depth-first tree reads.
    stack.push({ node: rightChild[node], start: mid, end, depth: depth + 1, stats: childStats[1], W: childWeight[1] });
    stack.push({ node: leftChild[node], start, end: mid, depth: depth + 1, stats: childStats[0], W: childWeight[0] });
  }
  return {
    nFeatures: d,
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(leftChild),
    right: Int32Array.from(rightChild),
    value: Float64Array.from(value),
    maxDepth: deepest,
  };
}

/** The leaf each sample lands in. */
export function applyCart(tree: CartTree, X: Parameters<typeof toDense>[0], model: string): number[] {
  const dense = toDense(X, { model, nFeatures: tree.nFeatures });
  const d = tree.nFeatures;
  return Array.from({ length: dense.nRows }, (_, i) => {
    let node = 0;
    while (tree.feature[node] >= 0) node = Math.fround(dense.data[i * d + tree.feature[node]]) <= tree.threshold[node] ? tree.left[node] : tree.right[node];
    return node;
  });
}

export function cartLeafCount(tree: CartTree): number {
  return tree.feature.filter((f) => f < 0).length;
}

/** The tree's arrays as JSON; `value` is written by the model (rows of class fractions, or means). */
export function cartToJSON(tree: CartTree) {
  return {
    nFeatures: tree.nFeatures,
    feature: plainArray(tree.feature),
    threshold: plainArray(tree.threshold),
    left: plainArray(tree.left),
    right: plainArray(tree.right),
    maxDepth: tree.maxDepth,
  };
}

export function cartFromJSON(s: ReturnType<typeof cartToJSON>, value: readonly number[]): CartTree {
  return {
    nFeatures: s.nFeatures,
    feature: Int32Array.from(s.feature),
    threshold: Float64Array.from(s.threshold),
    left: Int32Array.from(s.left),
    right: Int32Array.from(s.right),
    value: Float64Array.from(value),
    maxDepth: s.maxDepth,
  };
}
