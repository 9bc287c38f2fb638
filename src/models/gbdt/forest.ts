// The trees of a boosted model in flat arrays, how they are added to while training, and how they
// score rows: dense rows (NaN is missing), CSR rows (an absent entry is missing when the model was
// trained on CSR, as in XGBoost; 0 otherwise), or the binned training rows. A categorical split
// sends the categories of its set left; any other category (and a missing value, unless the split
// learned otherwise) goes right.
import { type CsrMatrix, findEntry } from "../../features/sparse";
import type { Dense } from "../input";
import { type BinnedMatrix, codeAt, indexOfSorted } from "./bins";

/** Every tree's nodes; a leaf has feature −1 and its value. */
export interface Forest {
  feature: Int32Array;
  threshold: Float64Array;
  /** 1 where a missing value goes to the left child. */
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  /** Split gain (0 at leaves). */
  gain: Float64Array;
  /** Hessian sum of the training rows reaching the node (XGBoost's cover). */
  cover: Float64Array;
  /** Root node of tree t (trees go round by round, output by output within one). */
  roots: Int32Array;
  /** Per node: −1 for a threshold split (or a leaf), else the index of its categories in catValues. */
  catSet: Int32Array;
  /** The categories each categorical split sends left, increasing. */
  catValues: Float64Array[];
}

/** A categorical split's left categories, as values and as the training bins they hold (the last slot: missing). */
export interface CategorySplit {
  values: Float64Array;
  bins: Uint8Array;
}

/** One tree's nodes (root at 0), as a worker hands it back. */
export type TreeNodes = { readonly [F in "feature" | "threshold" | "missingLeft" | "left" | "right" | "value" | "gain" | "cover" | "bin" | "catSet"]: ArrayLike<number> } & { readonly sets: readonly CategorySplit[] };

export class ForestBuilder {
  feature: number[] = [];
  threshold: number[] = [];
  missingLeft: number[] = [];
  left: number[] = [];
  right: number[] = [];
  value: number[] = [];
  gain: number[] = [];
  cover: number[] = [];
  /** The split bin per node, to route binned rows while training (not kept). */
  bin: number[] = [];
  catSet: number[] = [];
  sets: CategorySplit[] = [];
  /** sets' values, as the forest reads them. */
  catValues: Float64Array[] = [];
  roots: number[] = [];

  add(cover: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.missingLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(0);
    this.gain.push(0);
    this.cover.push(cover);
    this.bin.push(0);
    this.catSet.push(-1);
    return this.value.length - 1;
  }

  /** Makes `node` a categorical split sending `split`'s categories left. */
  setCategories(node: number, split: CategorySplit): void {
    this.catSet[node] = this.sets.length;
    this.sets.push(split);
    this.catValues.push(split.values);
  }

  /** Appends a tree grown on its own (root at its node 0), renumbering its nodes after ours. */
  append(tree: TreeNodes): void {
    const base = this.value.length;
    const setBase = this.sets.length;
    this.roots.push(base);
    for (const set of tree.sets) {
      this.sets.push(set);
      this.catValues.push(set.values);
    }
    for (let q = 0; q < tree.value.length; q++) {
      this.feature.push(tree.feature[q]);
      this.threshold.push(tree.threshold[q]);
      this.missingLeft.push(tree.missingLeft[q]);
      this.left.push(tree.left[q] < 0 ? -1 : tree.left[q] + base);
      this.right.push(tree.right[q] < 0 ? -1 : tree.right[q] + base);
      this.value.push(tree.value[q]);
      this.gain.push(tree.gain[q]);
      this.cover.push(tree.cover[q]);
      this.bin.push(tree.bin[q]);
      this.catSet.push(tree.catSet[q] < 0 ? -1 : tree.catSet[q] + setBase);
    }
  }

  /** The nodes as typed arrays, e.g. to send one tree from a worker thread. */
  nodes(): TreeNodes {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      missingLeft: Uint8Array.from(this.missingLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      gain: Float64Array.from(this.gain),
      cover: Float64Array.from(this.cover),
      bin: Int32Array.from(this.bin),
      catSet: Int32Array.from(this.catSet),
      sets: this.sets,
    };
  }

  build(): Forest {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      missingLeft: Uint8Array.from(this.missingLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      gain: Float64Array.from(this.gain),
      cover: Float64Array.from(this.cover),
      roots: Int32Array.from(this.roots),
      catSet: Int32Array.from(this.catSet),
      catValues: [...this.catValues],
    };
  }
}

type Nodes = { readonly [F in "feature" | "threshold" | "missingLeft" | "left" | "right" | "value" | "catSet"]: ArrayLike<number> } & { readonly catValues: readonly ArrayLike<number>[] };

/** The leaf row `value(f)` reaches from `root` (value returns NaN for a missing value). */
function leafOf(nodes: Nodes, root: number, value: (f: number) => number): number {
  const { feature, left, right } = nodes;
  let node = root;
  while (feature[node] >= 0) {
    node = goesLeft(nodes, node, value(feature[node])) ? left[node] : right[node];
  }
  return node;
}

/** Rows to score: dense, or CSR with absent entries read as missing (absentIsMissing) or as 0. */
export type ScoredRows = { kind: "dense"; X: Dense } | { kind: "sparse"; X: CsrMatrix; absentIsMissing: boolean };

/** Row i's value of each feature (NaN for a missing one), as the forest reads it. */
export function rowReader(rows: ScoredRows, i: number): (f: number) => number {
  if (rows.kind === "dense") {
    const { nCols: d, data } = rows.X;
    return (f) => data[i * d + f];
  }
  const { X, absentIsMissing } = rows;
  const absent = absentIsMissing ? NaN : 0;
  const a = X.indptr[i];
  const b = X.indptr[i + 1];
  return (f) => {
    const k = findEntry(X.indices, a, b, f);
    return k < 0 ? absent : X.data[k];
  };
}

/** Whether a split at `node` sends value x (NaN: missing) to the left child. */
export function goesLeft(nodes: Nodes, node: number, x: number): boolean {
  if (x !== x) return nodes.missingLeft[node] === 1;
  const set = nodes.catSet[node];
  return set < 0 ? x <= nodes.threshold[node] : indexOfSorted(nodes.catValues[set], x) >= 0;
}

/** Calls visit(i, leaf) for every row i and the leaf it reaches in the tree at `root`. */
export function forEachLeaf(nodes: Nodes, root: number, rows: ScoredRows, visit: (i: number, leaf: number) => void): void {
  for (let i = 0; i < rows.X.nRows; i++) visit(i, leafOf(nodes, root, rowReader(rows, i)));
}

/** Adds tree t's output for every row to scores[i·K + t mod K]. */
export function addTreeScores(forest: Nodes & { roots: ArrayLike<number> }, t: number, rows: ScoredRows, scores: Float64Array, K: number): void {
  const column = t % K;
  const value = forest.value;
  forEachLeaf(forest, forest.roots[t], rows, (i, leaf) => (scores[i * K + column] += value[leaf]));
}

/** Adds the output of a tree (root at node 0) to raw[i·K + column] for the binned rows listed. */
export function addBinnedScores(b: TreeNodes, X: BinnedMatrix, rows: Int32Array, count: number, raw: Float64Array, K: number, column: number): void {
  for (let q = 0; q < count; q++) {
    const i = rows[q];
    let node = 0;
    while (b.feature[node] >= 0) {
      const f = b.feature[node];
      const code = codeAt(X, f, i);
      const set = b.catSet[node];
      const goLeft = set >= 0 ? b.sets[set].bins[code] === 1 : code === X.nBins[f] ? b.missingLeft[node] === 1 : code <= b.bin[node];
      node = goLeft ? b.left[node] : b.right[node];
    }
    raw[i * K + column] += b.value[node];
  }
}
