// fANOVA parameter importance (Hutter, Hoos & Leyton-Brown 2014), computed as Optuna's
// FanovaImportanceEvaluator does: a random forest learns the objective from the complete trials,
// and a parameter's importance is the variance of the forest's prediction as that parameter alone
// varies (the others averaged out), as a share of the total variance, averaged over the trees.
import { Random } from "../random";
import { growCart, type CartTree } from "../models/cart";
import { squaredErrorCriterion } from "../models/treeRegressor";
import { checkKeys, wholeNumber } from "./options";
import type { Distribution, FrozenTrial, Space } from "./types";

export interface FanovaOptions {
  /** Trees in the forest (Optuna: 64). */
  nTrees?: number;
  /** Deepest a tree may grow (Optuna: 64). */
  maxDepth?: number;
  /** Seeds the bootstrap samples and the feature order; the same seed gives the same importances. */
  seed?: number;
}

/**
 * Each parameter's share of the objective's variance as fANOVA's main effects see it, summing to
 * one (as `optuna.importance.get_param_importances` normalises). Like Optuna, only parameters
 * that every complete trial has are assessed (conditional ones are left out), numbers are read on
 * their own scale (a log-uniform parameter is not taken to its logarithm) and categories are
 * one-hot columns whose joint effect is the parameter's.
 */
export function fanovaImportances(space: Space, trials: readonly FrozenTrial[], options: FanovaOptions = {}): Record<string, number> {
  checkKeys("fANOVA", options, ["nTrees", "maxDepth", "seed"]);
  const nTrees = wholeNumber("fANOVA", "nTrees", options.nTrees ?? 64, 1);
  const maxDepth = wholeNumber("fANOVA", "maxDepth", options.maxDepth ?? 64, 1);
  const seed = options.seed === undefined ? undefined : wholeNumber("fANOVA", "seed", options.seed, 0);
  const done = trials.filter((t) => t.state === "complete" && t.value !== null && Number.isFinite(t.value));
  const specs = space.filter((s) => done.length > 0 && done.every((t) => t.params[s.name] !== undefined)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const varying = specs.filter((s) => !isSingle(s.dist));
  const raw: Record<string, number> = Object.fromEntries(specs.map((s) => [s.name, 0]));
  if (varying.length > 0 && done.length > 1) {
    const encoding = encode(varying.map((s) => s.dist));
    const X = done.map((t) => encoding.row(varying.map((s) => t.params[s.name])));
    const y = done.map((t) => t.value!);
    const forest = fitForest(X, y, encoding.bounds, { nTrees, maxDepth, seed });
    varying.forEach((s, k) => (raw[s.name] = forest.importance(encoding.columns[k])));
  }
  return normalise(raw);
}

function normalise(raw: Record<string, number>): Record<string, number> {
  const keys = Object.keys(raw);
  const sum = keys.reduce((a, k) => a + raw[k], 0);
  const out = Object.fromEntries(keys.map((k) => [k, sum > 0 ? raw[k] / sum : 1 / keys.length]));
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

function isSingle(d: Distribution): boolean {
  return d.kind === "categorical" ? d.choices.length === 1 : d.low === d.high;
}

/** Numbers as they are (bounds [low, high]); a categorical as one 0/1 column per choice. */
function encode(dists: Distribution[]) {
  const bounds: Array<[number, number]> = [];
  const columns: number[][] = [];
  for (const d of dists) {
    const width = d.kind === "categorical" ? d.choices.length : 1;
    columns.push(Array.from({ length: width }, (_, i) => bounds.length + i));
    for (let i = 0; i < width; i++) bounds.push(d.kind === "categorical" ? [0, 1] : [d.low, d.high]);
  }
  return {
    bounds,
    columns,
    row(values: unknown[]): number[] {
      const out: number[] = [];
      dists.forEach((d, k) => {
        if (d.kind === "categorical") for (const c of d.choices) out.push(c === values[k] ? 1 : 0);
        else out.push(Number(values[k]));
      });
      return out;
    },
  };
}

/**
 * A random forest as scikit-learn's RandomForestRegressor (bootstrap rows, every feature at every
 * node, squared error, grown until pure), each tree read as fANOVA reads it.
 */
function fitForest(X: number[][], y: number[], bounds: Array<[number, number]>, o: { nTrees: number; maxDepth: number; seed: number | undefined }) {
  const rng = new Random(o.seed);
  const n = X.length;
  const d = bounds.length;
  const trees: FanovaTree[] = [];
  for (let t = 0; t < o.nTrees; t++) {
    // A bootstrap sample as weights (how often each row was drawn); rows never drawn are left out,
    // as scikit-learn's splitter skips samples of weight zero.
    const counts = new Float64Array(n);
    for (let i = 0; i < n; i++) counts[rng.int(n)]++;
    const rows = [...counts.keys()].filter((i) => counts[i] > 0);
    const data = new Float64Array(rows.length * d);
    rows.forEach((i, r) => data.set(X[i], r * d));
    const tree = growCart(
      { nRows: rows.length, nCols: d, data },
      Float64Array.from(rows, (i) => counts[i]),
      squaredErrorCriterion(Float64Array.from(rows, (i) => y[i])),
      { maxDepth: o.maxDepth, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: null, randomState: rng.uint32() },
    );
    trees.push(new FanovaTree(tree, bounds));
  }
  return {
    /** Mean over trees (with any variance) of the marginal variance of `columns` over the tree's variance. */
    importance(columns: number[]): number {
      const fractions = trees.filter((t) => t.variance > 0).map((t) => Math.max(0, t.marginalVariance(columns)) / t.variance);
      return fractions.length ? fractions.reduce((a, b) => a + b, 0) / fractions.length : 0;
    },
  };
}

type Box = Float64Array; // [lo0, hi0, lo1, hi1, …]

const volume = (box: Box) => {
  let v = 1;
  for (let j = 0; j < box.length; j += 2) v *= box[j + 1] - box[j];
  return v;
};

function weightedVariance(values: number[], weights: number[]): number {
  const W = weights.reduce((a, b) => a + b, 0);
  const mean = values.reduce((a, v, i) => a + v * weights[i], 0) / W;
  return values.reduce((a, v, i) => a + weights[i] * (v - mean) ** 2, 0) / W;
}

/** One tree of the forest with what fANOVA needs: each node's mean prediction over its box. */
class FanovaTree {
  /** Per node: the volume-weighted mean of its leaves' values, and its box's volume. */
  private readonly mean: Float64Array;
  private readonly size: Float64Array;
  /** Per feature: the midpoints and widths of the cells its thresholds cut [low, high] into, and each cut's position. */
  private readonly cells: Array<{ mid: number[]; width: number[]; index: Map<number, number> }>;
  /** Per node, per feature: whether the subtree below splits on it. */
  private readonly splitsOn: Uint8Array[];
  private readonly leaves: number[];
  /** Each leaf's box, in the order of `leaves`. */
  private readonly leafBoxes: Box[];
  readonly variance: number;

  constructor(private readonly tree: CartTree, private readonly bounds: Array<[number, number]>) {
    const nodes = tree.feature.length;
    const d = bounds.length;
    const boxes: Box[] = new Array(nodes);
    boxes[0] = Float64Array.from(bounds.flat());
    this.mean = new Float64Array(nodes);
    this.size = new Float64Array(nodes);
    // Children always come after their parent, so one pass down gives every box and one pass up every mean.
    for (let v = 0; v < nodes; v++) {
      if (tree.feature[v] < 0) {
        this.mean[v] = tree.value[v];
        this.size[v] = volume(boxes[v]);
      } else {
        const [l, r] = this.childBoxes(v, boxes[v]);
        boxes[tree.left[v]] = l;
        boxes[tree.right[v]] = r;
      }
    }
    for (let v = nodes - 1; v >= 0; v--) {
      if (tree.feature[v] < 0) continue;
      const a = tree.left[v], b = tree.right[v];
      this.size[v] = this.size[a] + this.size[b];
      this.mean[v] = (this.mean[a] * this.size[a] + this.mean[b] * this.size[b]) / this.size[v];
    }
    const thresholds = Array.from({ length: d }, () => new Set<number>());
    for (let v = 0; v < nodes; v++) if (tree.feature[v] >= 0) thresholds[tree.feature[v]].add(tree.threshold[v]);
    this.cells = bounds.map(([lo, hi], f) => {
      const cuts = [lo, ...[...thresholds[f]].sort((a, b) => a - b), hi];
      return { mid: cuts.slice(1).map((c, i) => (c + cuts[i]) / 2), width: cuts.slice(1).map((c, i) => c - cuts[i]), index: new Map(cuts.map((c, i) => [c, i])) };
    });
    this.splitsOn = new Array(nodes);
    for (let v = nodes - 1; v >= 0; v--) {
      const s = new Uint8Array(d);
      const f = tree.feature[v];
      if (f >= 0) {
        s[f] = 1;
        for (const c of [tree.left[v], tree.right[v]]) for (let j = 0; j < d; j++) s[j] |= this.splitsOn[c][j];
      }
      this.splitsOn[v] = s;
    }
    this.leaves = [...Array(nodes).keys()].filter((v) => tree.feature[v] < 0);
    this.leafBoxes = this.leaves.map((v) => boxes[v]);
    this.variance = weightedVariance(this.leaves.map((v) => this.mean[v]), this.leaves.map((v) => this.size[v]));
  }

  private childBoxes(v: number, box: Box): [Box, Box] {
    const f = this.tree.feature[v], t = this.tree.threshold[v];
    const left = box.slice(), right = box.slice();
    left[2 * f + 1] = t;
    right[2 * f] = t;
    return [left, right];
  }

  /** Variance of the prediction over the cells of `features` (every other feature averaged out). */
  marginalVariance(features: number[]): number {
    if (features.length === 1) return this.marginalVarianceOf(features[0]);
    const values: number[] = [];
    const weights: number[] = [];
    const point = new Map<number, number>();
    const visit = (k: number, cellWeight: number) => {
      if (k === features.length) {
        const { value, weight } = this.marginal(point);
        values.push(value);
        weights.push(weight * cellWeight);
        return;
      }
      const { mid, width } = this.cells[features[k]];
      for (let i = 0; i < mid.length; i++) {
        point.set(features[k], mid[i]);
        visit(k + 1, cellWeight * width[i]);
      }
    };
    visit(0, 1);
    return weightedVariance(values, weights);
  }

  /**
   * The same for one feature, in one pass over the leaves instead of a walk per cell: the marginal
   * at a cell averages the leaves whose range of the feature covers it, each weighing its volume
   * over its width in that feature (what the walk in `marginal` adds up), so each leaf adds to a
   * run of cells, summed with a difference array.
   */
  private marginalVarianceOf(f: number): number {
    const { mid, width, index } = this.cells[f];
    const sum = new Float64Array(mid.length + 1);
    const weight = new Float64Array(mid.length + 1);
    this.leaves.forEach((v, k) => {
      const box = this.leafBoxes[k];
      const lo = index.get(box[2 * f])!, hi = index.get(box[2 * f + 1])!;
      const w = this.size[v] / (box[2 * f + 1] - box[2 * f]);
      sum[lo] += this.mean[v] * w;
      weight[lo] += w;
      sum[hi] -= this.mean[v] * w;
      weight[hi] -= w;
    });
    const values: number[] = [];
    const weights: number[] = [];
    let s = 0, w = 0;
    for (let i = 0; i < mid.length; i++) {
      s += sum[i];
      w += weight[i];
      values.push(s / w);
      weights.push(w * width[i]);
    }
    return weightedVariance(values, weights);
  }

  /** The mean prediction with `point`'s features fixed and the rest averaged over their ranges. */
  private marginal(point: Map<number, number>): { value: number; weight: number } {
    const d = this.bounds.length;
    const start = new Float64Array(2 * d);
    for (let j = 0; j < d; j++) {
      // Averaged-out features count with width one; fixed ones keep their range, cut along the path.
      start[2 * j] = point.has(j) ? this.bounds[j][0] : 0;
      start[2 * j + 1] = point.has(j) ? this.bounds[j][1] : 1;
    }
    const fixed = [...point.keys()];
    const stack: Array<[number, Box]> = [[0, start]];
    let sum = 0;
    let total = 0;
    while (stack.length) {
      const [v, box] = stack.pop()!;
      const f = this.tree.feature[v];
      if (f >= 0) {
        const x = point.get(f);
        if (x !== undefined) {
          const [l, r] = this.childBoxes(v, box);
          stack.push(x <= this.tree.threshold[v] ? [this.tree.left[v], l] : [this.tree.right[v], r]);
          continue;
        }
        if (fixed.some((j) => this.splitsOn[v][j])) {
          stack.push([this.tree.left[v], box], [this.tree.right[v], box]);
          continue;
        }
      }
      const w = this.size[v] / volume(box);
      sum += this.mean[v] * w;
      total += w;
    }
    return { value: sum / total, weight: total };
  }
}
