// A CART decision tree for classification: each node splits on the feature and threshold that
// lower the weighted Gini impurity (or entropy) of its children most, until leaves are pure or a
// size limit stops it (the grower is ./cart, shared with DecisionTreeRegressor).
import { NotFittedError, checkOption } from "../errors";
import { MIME, type MimeBundle } from "../display";
import type { Label } from "../labels";
import { CART_DEFAULTS, type CartCriterion, type CartParams, type CartTree, applyCart, cartFromJSON, cartLeafCount, cartToJSON, checkCartParams, growCart } from "./cart";
import type { Classifier } from "./estimator";
import { type DenseMatrix, type FitOptions, argmax, checkSampleWeight, encodeLabels, rowsOf, toDense } from "./input";
import { type SerializedModel, readSerialized, registerModel, serializeModel } from "./serialize";
import { autologFit } from "./autolog";
import { modelBundle } from "./summary";

export type SplitCriterion = "gini" | "entropy";

export interface DecisionTreeClassifierParams extends CartParams {
  criterion: SplitCriterion;
}

interface TreeState extends CartTree {
  classes: Label[];
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

/** Class counts per node; a split costs its children's summed size-weighted impurity. */
function classCriterion(criterion: SplitCriterion, codes: Int32Array, K: number): CartCriterion {
  const right = new Float64Array(K);
  return {
    width: K,
    add: (counts, i, w) => {
      counts[codes[i]] += w;
    },
    isPure: (counts, W) => weightedImpurity(criterion, counts, W) <= Number.EPSILON * W,
    splitCost(left, WL, total, W) {
      for (let k = 0; k < K; k++) right[k] = total[k] - left[k];
      return weightedImpurity(criterion, left, WL) + weightedImpurity(criterion, right, W - WL);
    },
    leafValue: (counts, W, out) => {
      for (let k = 0; k < K; k++) out.push(counts[k] / W);
    },
  };
}

export class DecisionTreeClassifier implements Classifier<DenseMatrix, DecisionTreeClassifierParams> {
  private readonly p: DecisionTreeClassifierParams;
  private fitted: TreeState | undefined;

  constructor(params: Partial<DecisionTreeClassifierParams> = {}) {
    this.p = { criterion: "gini", ...CART_DEFAULTS, ...params };
    checkOption("criterion", this.p.criterion, ["gini", "entropy"] as const);
    checkCartParams(this.p);
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
    return cartLeafCount(this.state);
  }

  get depth(): number {
    return this.state.maxDepth;
  }

  /**
   * Grows the tree. With sampleWeight, class counts, impurities and leaf fractions are weighted
   * (as scikit-learn's); minSamplesLeaf and minSamplesSplit still count samples.
   */
  fit(X: DenseMatrix, y: readonly Label[], options: FitOptions = {}): this {
    return autologFit(this, () => this.fitOnce(X, y, options));
  }

  private fitOnce(X: DenseMatrix, y: readonly Label[], options: FitOptions): this {
    const dense = toDense(X, { model: "DecisionTreeClassifier" });
    const { classes, codes } = encodeLabels(y, dense.nRows, { model: "DecisionTreeClassifier" });
    const weight = checkSampleWeight(options.sampleWeight, dense.nRows, "DecisionTreeClassifier") ?? new Float64Array(dense.nRows).fill(1);
    const tree = growCart(dense, weight, classCriterion(this.p.criterion, codes, classes.length), this.p);
    this.fitted = { ...tree, classes };
    return this;
  }

  /** The leaf each sample lands in. */
  apply(X: DenseMatrix): number[] {
    return applyCart(this.state, X, "DecisionTreeClassifier");
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
    return serializeModel("DecisionTreeClassifier", this.params(), s && { classes: s.classes, ...cartToJSON(s), value: rowsOf(s.value, s.classes.length) });
  }

  static fromJSON(json: unknown): DecisionTreeClassifier {
    const saved = readSerialized<DecisionTreeClassifierParams, any>(json, "DecisionTreeClassifier");
    const model = new DecisionTreeClassifier(saved.params);
    const s = saved.state;
    if (s) model.fitted = { ...cartFromJSON(s, (s.value as number[][]).flat()), classes: s.classes };
    return model;
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    return modelBundle("DecisionTreeClassifier", this.p, s ? `fitted: ${s.classes.length} classes, ${this.nodeCount} nodes, ${this.leafCount} leaves, depth ${s.maxDepth}` : null);
  }
}

registerModel("DecisionTreeClassifier", (json) => DecisionTreeClassifier.fromJSON(json));
