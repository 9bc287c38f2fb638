// A CART decision tree for classification: each node splits on the feature and threshold that
// lower the weighted Gini impurity (or entropy) of its children most, until leaves are pure or a
// size limit stops it. Each feature's samples are sorted once; a split partitions those sorted
// lists stably, so every node scans its samples in order without sorting again.
import { InvalidInputError, NotFittedError, checkOption } from "../errors";
import { MIME, type MimeBundle } from "../display";
import type { Label } from "../labels";
import { Random } from "../random";
import type { Classifier } from "./estimator";
import { type DenseMatrix, type FitOptions, argmax, checkNumber, checkSampleWeight, encodeLabels, rowsOf, toDense } from "./input";
import { type SerializedModel, plainArray, readSerialized, registerModel, serializeModel } from "./serialize";
import { modelBundle } from "./summary";

export type SplitCriterion = "gini" | "entropy";

export interface DecisionTreeClassifierParams {
  criterion: SplitCriterion;
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

interface TreeState {
  classes: Label[];
  nFeatures: number;
  /** Per node: the feature split on (−1 for a leaf), its threshold, and children indices. */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Per node: class fractions of its training samples (nodes × classes). */
  value: Float64Array;
  maxDepth: number;
}

// Values closer than this count as equal: no threshold is put between them (as in scikit-learn).
const FEATURE_THRESHOLD = 1e-7;

function featuresPerNode(setting: DecisionTreeClassifierParams["maxFeatures"], d: number): number {
  if (setting === null) return d;
  if (setting === "sqrt") return Math.max(1, Math.floor(Math.sqrt(d)));
  if (setting === "log2") return Math.max(1, Math.floor(Math.log2(d)));
  return setting >= 1 ? Math.min(d, setting) : Math.max(1, Math.floor(setting * d));
}

/** Impurity of a node times its size, from its class counts. */
function weightedImpurity(criterion: SplitCriterion, counts: Float64Array, n: number): number {
  let s = 0;
  if (criterion === "gini") {
    for (let k = 0; k < counts.length; k++) s += counts[k] * counts[k];
    return n - s / n;
  }
  for (let k = 0; k < counts.length; k++) if (counts[k] > 0) s -= counts[k] * Math.log2(counts[k] / n);
  return s;
}

interface Split {
  feature: number;
  threshold: number;
  /** Children's summed size-weighted impurity: lower is better. */
  cost: number;
}

export class DecisionTreeClassifier implements Classifier<DenseMatrix, DecisionTreeClassifierParams> {
  private readonly p: DecisionTreeClassifierParams;
  private fitted: TreeState | undefined;

  constructor(params: Partial<DecisionTreeClassifierParams> = {}) {
    this.p = { criterion: "gini", maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: null, randomState: null, ...params };
    checkOption("criterion", this.p.criterion, ["gini", "entropy"] as const);
    checkNumber("maxDepth", this.p.maxDepth, { min: 0, integer: true, nullable: true });
    checkNumber("minSamplesSplit", this.p.minSamplesSplit, { min: 2, integer: true });
    checkNumber("minSamplesLeaf", this.p.minSamplesLeaf, { min: 1, integer: true });
    const mf = this.p.maxFeatures;
    if (mf !== null && mf !== "sqrt" && mf !== "log2" && !(typeof mf === "number" && mf > 0 && (mf < 1 || Number.isInteger(mf)))) {
      throw new InvalidInputError(`maxFeatures must be a whole count ≥ 1, a proportion in (0, 1), "sqrt", "log2" or null (got ${JSON.stringify(mf)})`);
    }
  }

  params(): DecisionTreeClassifierParams {
    return { ...this.p };
  }

  private get state(): TreeState {
    if (!this.fitted) throw new NotFittedError("DecisionTreeClassifier");
    return this.fitted;
  }

  get classes(): readonly Label[] {
    return this.state.classes;
  }

  get nodeCount(): number {
    return this.state.feature.length;
  }

  get leafCount(): number {
    return this.state.feature.filter((f) => f < 0).length;
  }

  get depth(): number {
    return this.state.maxDepth;
  }

  /**
   * Grows the tree. With sampleWeight, class counts, impurities and leaf fractions are weighted
   * (as scikit-learn's); minSamplesLeaf and minSamplesSplit still count samples.
   */
  fit(X: DenseMatrix, y: readonly Label[], options: FitOptions = {}): this {
    const dense = toDense(X, { model: "DecisionTreeClassifier" });
    const { classes, codes } = encodeLabels(y, dense.nRows, { model: "DecisionTreeClassifier" });
    const { nRows: n, nCols: d } = dense;
    const weight = checkSampleWeight(options.sampleWeight, n, "DecisionTreeClassifier") ?? new Float64Array(n).fill(1);
    const K = classes.length;
    const { criterion, minSamplesLeaf, minSamplesSplit } = this.p;
    const maxDepth = this.p.maxDepth ?? Infinity;
    const mtry = featuresPerNode(this.p.maxFeatures, d);
    const rng = new Random(this.p.randomState ?? undefined);

    // Column-major values and, per feature, the sample indices in increasing value order.
    const column = new Float64Array(d * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) column[j * n + i] = dense.data[i * d + j];
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
    const countsL = new Float64Array(K);
    const countsR = new Float64Array(K);
    const goesLeft = new Uint8Array(n);
    const scratch = new Int32Array(n);
    const features = Int32Array.from({ length: d }, (_, j) => j);

    /** Summed weight of a node's class counts. */
    const total = (counts: Float64Array) => counts.reduce((a, b) => a + b, 0);
    const newNode = (counts: Float64Array, size: number): number => {
      feature.push(-1);
      threshold.push(0);
      leftChild.push(-1);
      rightChild.push(-1);
      for (let k = 0; k < K; k++) value.push(counts[k] / size);
      return feature.length - 1;
    };

    const bestSplit = (start: number, end: number, counts: Float64Array): Split | null => {
      const size = end - start;
      const W = total(counts);
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
        countsL.fill(0);
        countsR.set(counts);
        let WL = 0;
        for (let q = 0; q < size - 1; q++) {
          const c = codes[ord[q]];
          const w = weight[ord[q]];
          countsL[c] += w;
          countsR[c] -= w;
          WL += w;
          const x = column[base + ord[q]];
          const next = column[base + ord[q + 1]];
          if (next <= x + FEATURE_THRESHOLD) continue;
          const nL = q + 1;
          const nR = size - nL;
          if (nL < minSamplesLeaf || nR < minSamplesLeaf) continue;
          const WR = W - WL;
          // A side that weighs nothing has no class fractions to learn.
          if (!(WL > 0 && WR > 1e-12 * W)) continue;
          const cost = weightedImpurity(criterion, countsL, WL) + weightedImpurity(criterion, countsR, WR);
          if (best === null || cost < best.cost) {
            let thr = (x + next) / 2;
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

    const rootCounts = new Float64Array(K);
    for (let i = 0; i < n; i++) rootCounts[codes[i]] += weight[i];
    const stack: { node: number; start: number; end: number; depth: number; counts: Float64Array }[] = [
      { node: newNode(rootCounts, total(rootCounts)), start: 0, end: n, depth: 0, counts: rootCounts },
    ];
    while (stack.length) {
      const { node, start, end, depth, counts } = stack.pop()!;
      deepest = Math.max(deepest, depth);
      const size = end - start;
      if (depth >= maxDepth || size < minSamplesSplit || size < 2 * minSamplesLeaf) continue;
      const W = total(counts);
      if (weightedImpurity(criterion, counts, W) <= Number.EPSILON * W) continue;
      const split = bestSplit(start, end, counts);
      if (!split) continue;
      const mid = partition(start, end, split);
      const childCounts = [new Float64Array(K), new Float64Array(K)];
      for (let q = start; q < end; q++) childCounts[q < mid ? 0 : 1][codes[order[q]]] += weight[order[q]];
      feature[node] = split.feature;
      threshold[node] = split.threshold;
      leftChild[node] = newNode(childCounts[0], total(childCounts[0]));
      rightChild[node] = newNode(childCounts[1], total(childCounts[1]));
      // Right first so the left subtree is built (and numbered) first, as a depth-first tree reads.
      stack.push({ node: rightChild[node], start: mid, end, depth: depth + 1, counts: childCounts[1] });
      stack.push({ node: leftChild[node], start, end: mid, depth: depth + 1, counts: childCounts[0] });
    }
    this.fitted = {
      classes,
      nFeatures: d,
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(leftChild),
      right: Int32Array.from(rightChild),
      value: Float64Array.from(value),
      maxDepth: deepest,
    };
    return this;
  }

  /** The leaf each sample lands in. */
  apply(X: DenseMatrix): number[] {
    const s = this.state;
    const dense = toDense(X, { model: "DecisionTreeClassifier", nFeatures: s.nFeatures });
    return Array.from({ length: dense.nRows }, (_, i) => {
      let node = 0;
      while (s.feature[node] >= 0) node = dense.data[i * s.nFeatures + s.feature[node]] <= s.threshold[node] ? s.left[node] : s.right[node];
      return node;
    });
  }

  predictProba(X: DenseMatrix): number[][] {
    const K = this.state.classes.length;
    const value = this.state.value;
    return this.apply(X).map((leaf) => Array.from(value.subarray(leaf * K, (leaf + 1) * K)));
  }

  predict(X: DenseMatrix): Label[] {
    const K = this.state.classes.length;
    return this.apply(X).map((leaf) => this.state.classes[argmax(this.state.value, leaf * K, K)]);
  }

  toJSON(): SerializedModel<DecisionTreeClassifierParams> {
    const s = this.fitted;
    return serializeModel(
      "DecisionTreeClassifier",
      this.params(),
      s && {
        classes: s.classes,
        nFeatures: s.nFeatures,
        feature: plainArray(s.feature),
        threshold: plainArray(s.threshold),
        left: plainArray(s.left),
        right: plainArray(s.right),
        value: rowsOf(s.value, s.classes.length),
        maxDepth: s.maxDepth,
      },
    );
  }

  static fromJSON(json: unknown): DecisionTreeClassifier {
    const saved = readSerialized<DecisionTreeClassifierParams, any>(json, "DecisionTreeClassifier");
    const model = new DecisionTreeClassifier(saved.params);
    const s = saved.state;
    if (s) {
      model.fitted = {
        classes: s.classes,
        nFeatures: s.nFeatures,
        feature: Int32Array.from(s.feature),
        threshold: Float64Array.from(s.threshold),
        left: Int32Array.from(s.left),
        right: Int32Array.from(s.right),
        value: Float64Array.from((s.value as number[][]).flat()),
        maxDepth: s.maxDepth,
      };
    }
    return model;
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    return modelBundle("DecisionTreeClassifier", this.p, s ? `fitted: ${s.classes.length} classes, ${this.nodeCount} nodes, ${this.leafCount} leaves, depth ${s.maxDepth}` : null);
  }
}

registerModel("DecisionTreeClassifier", (json) => DecisionTreeClassifier.fromJSON(json));
