// A CART decision tree for regression: each node splits where its children's summed squared error
// falls most, and a leaf predicts the (weighted) mean target of its training samples, as
// scikit-learn's DecisionTreeRegressor with criterion "squared_error"; or, with "absolute_error",
// where the summed absolute deviation from each child's median falls most, a leaf predicting the
// (weighted) median (./absoluteErrorCriterion). The grower is ./cart.
import { NotFittedError, checkOption } from "../errors";
import { MIME, type MimeBundle } from "../display";
import { absoluteErrorCriterion } from "./absoluteErrorCriterion";
import { CART_DEFAULTS, type CartCriterion, type CartParams, type CartTree, applyCart, cartFromJSON, cartLeafCount, cartToJSON, checkCartParams, growCart } from "./cart";
import type { Regressor } from "./estimator";
import { checkTarget } from "./histGradientBoostingRegressor";
import { type DenseMatrix, type FitOptions, checkSampleWeight, toDense } from "./input";
import { type SerializedModel, plainArray, readSerialized, registerModel, serializeModel } from "./serialize";
import { autologFit } from "./autolog";
import { modelBundle } from "./summary";

export interface DecisionTreeRegressorParams extends CartParams {
  /**
   * What a split lowers: the squared error about each child's mean ("squared_error"; leaves predict
   * the mean), or the absolute error about each child's median ("absolute_error"; leaves predict the
   * median, robust to outliers, slower to fit).
   */
  criterion: "squared_error" | "absolute_error";
}

/**
 * Σwy and Σwy² per node. Minimising the children's squared error is maximising
 * Σ_L²/W_L + Σ_R²/W_R (scikit-learn's proxy), so the cost is its negative.
 */
export function squaredErrorCriterion(y: Float64Array): CartCriterion {
  return {
    width: 2,
    add: (stats, i, w) => {
      stats[0] += w * y[i];
      stats[1] += w * y[i] * y[i];
    },
    isPure: (stats, W) => stats[1] / W - (stats[0] / W) ** 2 <= Number.EPSILON,
    splitCost: (left, WL, total, W) => {
      const sumRight = total[0] - left[0];
      return -(left[0] * left[0] / WL + sumRight * sumRight / (W - WL));
    },
    leafValue: (stats, W, out) => {
      out.push(stats[0] / W);
    },
  };
}

export class DecisionTreeRegressor implements Regressor<DenseMatrix, DecisionTreeRegressorParams> {
  private readonly p: DecisionTreeRegressorParams;
  private fitted: CartTree | undefined;

  constructor(params: Partial<DecisionTreeRegressorParams> = {}) {
    this.p = { criterion: "squared_error", ...CART_DEFAULTS, ...params };
    checkOption("criterion", this.p.criterion, ["squared_error", "absolute_error"] as const);
    checkCartParams(this.p);
  }

  params(): DecisionTreeRegressorParams {
    return { ...this.p };
  }

  private get state(): CartTree {
    if (!this.fitted) throw new NotFittedError("DecisionTreeRegressor");
    return this.fitted;
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

  /** Grows the tree; with sampleWeight, errors and leaf means (medians) are weighted (minSamples* still count samples). */
  fit(X: DenseMatrix, y: readonly number[], options: FitOptions = {}): this {
    return autologFit(this, () => this.fitOnce(X, y, options));
  }

  private fitOnce(X: DenseMatrix, y: readonly number[], options: FitOptions): this {
    const dense = toDense(X, { model: "DecisionTreeRegressor" });
    const target = checkTarget(y, dense.nRows, "y", "DecisionTreeRegressor");
    const weight = checkSampleWeight(options.sampleWeight, dense.nRows, "DecisionTreeRegressor") ?? new Float64Array(dense.nRows).fill(1);
    const criterion = this.p.criterion === "absolute_error" ? absoluteErrorCriterion(target, weight) : squaredErrorCriterion(target);
    this.fitted = growCart(dense, weight, criterion, this.p);
    return this;
  }

  /** The leaf each sample lands in. */
  apply(X: DenseMatrix): number[] {
    return applyCart(this.state, X, "DecisionTreeRegressor");
  }

  predict(X: DenseMatrix): number[] {
    const value = this.state.value;
    return this.apply(X).map((leaf) => value[leaf]);
  }

  toJSON(): SerializedModel<DecisionTreeRegressorParams> {
    const s = this.fitted;
    return serializeModel("DecisionTreeRegressor", this.params(), s && { ...cartToJSON(s), value: plainArray(s.value) });
  }

  static fromJSON(json: unknown): DecisionTreeRegressor {
    const saved = readSerialized<DecisionTreeRegressorParams, any>(json, "DecisionTreeRegressor");
    const model = new DecisionTreeRegressor(saved.params);
    if (saved.state) model.fitted = cartFromJSON(saved.state, saved.state.value);
    return model;
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    return modelBundle("DecisionTreeRegressor", this.p, s ? `fitted: ${this.nodeCount} nodes, ${this.leafCount} leaves, depth ${s.maxDepth}` : null);
  }
}

registerModel("DecisionTreeRegressor", (json) => DecisionTreeRegressor.fromJSON(json));
