// XGBoost's JSON model format (the file `Booster.save_model("m.json")` writes, schema of XGBoost
// 3.x): a boosted model saved for Python's xgboost to load, and an XGBoost model loaded to predict
// here. XGBoost sends x left when float32(x) < split_condition, a float32; modelbench sends x left
// when x ≤ threshold. Saving takes the smallest float32 above the threshold (the same decision for
// every float32 input, which is what XGBoost reads); loading takes the largest double whose float32
// rounding falls below the condition (the same decision for every input).
import { InvalidInputError } from "../../errors";
import type { Forest } from "./forest";
import type { BoostedState } from "./model";

export type XGBoostObjective = "binary:logistic" | "multi:softprob" | "reg:squarederror" | "reg:absoluteerror" | "count:poisson";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const FLT_MAX = 3.4028234663852886e38;

/** The float32 next to float32 v, up or down (v finite). */
function nextFloat32(v: number, up: boolean): number {
  f32[0] = v;
  if (v === 0) {
    u32[0] = up ? 1 : 0x80000001;
    return f32[0];
  }
  u32[0] += (v > 0) === up ? 1 : -1;
  return f32[0];
}

/** The smallest float32 above t: float32(x) < it exactly when x ≤ t, for float32 x. */
export function conditionAbove(t: number): number {
  if (t >= FLT_MAX) return FLT_MAX;
  if (t < -FLT_MAX) return -FLT_MAX;
  const r = Math.fround(t);
  return r > t ? r : nextFloat32(r, true);
}

/** The largest double x with float32(x) < c, for float32 c (ties round to even, as the cast does). */
export function thresholdBelow(condition: number): number {
  // The file prints the float32 in its shortest form, which parses to a nearby double: round back.
  const c = Math.fround(condition);
  if (!Number.isFinite(c)) return c;
  const p = nextFloat32(c, false);
  const mid = (p + c) / 2;
  f32[0] = p;
  // At the midpoint float32() picks the one with an even last mantissa bit.
  const pEven = (u32[0] & 1) === 0;
  if (pEven) return mid;
  // The double just below mid.
  const b = new Float64Array([mid]);
  const w = new BigInt64Array(b.buffer);
  w[0] += mid > 0 ? -1n : 1n;
  return b[0];
}

const num = (v: number) => (Number.isFinite(v) ? v : v > 0 ? FLT_MAX : -FLT_MAX);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Arrays XGBoost's JSON parser wants as floating-point numbers (it refuses an integer there). */
const FLOAT_ARRAYS = new Set(["split_conditions", "loss_changes", "sum_hessian", "base_weights"]);

/**
 * JSON text of an XGBoost model: like JSON.stringify, but numbers in the float arrays are always
 * written as floats ("0.0", not "0"), as XGBoost's parser distinguishes the two.
 */
export function stringifyXGBoost(model: object): string {
  return JSON.stringify(model, (key, value) =>
    FLOAT_ARRAYS.has(key) ? (value as number[]).map((v) => `@float:${Number.isInteger(v) ? v.toFixed(1) : String(v)}`) : value,
  ).replace(/"@float:([^"]+)"/g, "$1");
}

/** A fitted boosted model as an XGBoost JSON model (an object; stringifyXGBoost writes its file). */
export function toXGBoostJSON(state: BoostedState, objective: XGBoostObjective, attributes: Record<string, string> = {}, featureNames: readonly string[] = []): object {
  const { forest, baseline, nFeatures } = state;
  if (state.categories) {
    throw new InvalidInputError("this model splits on categorical features, which modelbench does not write to XGBoost's JSON format yet: keep it as modelbench JSON (toJSON), or one-hot encode the categories and fit again to export it");
  }
  const K = baseline.length;
  const trees = [];
  for (let t = 0; t < forest.roots.length; t++) {
    const root = forest.roots[t];
    const end = t + 1 < forest.roots.length ? forest.roots[t + 1] : forest.feature.length;
    const n = end - root;
    const local = (q: number) => (q < 0 ? -1 : q - root);
    const parents = new Array<number>(n).fill(2147483647);
    const tree = {
      base_weights: [] as number[],
      categories: [],
      categories_nodes: [],
      categories_segments: [],
      categories_sizes: [],
      default_left: [] as number[],
      id: t,
      left_children: [] as number[],
      loss_changes: [] as number[],
      parents,
      right_children: [] as number[],
      split_conditions: [] as number[],
      split_indices: [] as number[],
      split_type: [] as number[],
      sum_hessian: [] as number[],
      tree_param: { num_deleted: "0", num_feature: String(nFeatures), num_nodes: String(n), size_leaf_vector: "1" },
    };
    for (let q = root; q < end; q++) {
      const leaf = forest.feature[q] < 0;
      tree.left_children.push(local(forest.left[q]));
      tree.right_children.push(local(forest.right[q]));
      if (!leaf) parents[local(forest.left[q])] = parents[local(forest.right[q])] = q - root;
      tree.split_indices.push(leaf ? 0 : forest.feature[q]);
      tree.split_conditions.push(leaf ? forest.value[q] : conditionAbove(forest.threshold[q]));
      tree.base_weights.push(leaf ? forest.value[q] : 0);
      tree.default_left.push(leaf ? 0 : forest.missingLeft[q]);
      tree.loss_changes.push(num(forest.gain[q]));
      tree.sum_hessian.push(num(forest.cover[q]));
      tree.split_type.push(0);
    }
    trees.push(tree);
  }
  // base_score is in the objective's output space: a probability for logistic, a mean for Poisson.
  const base = Array.from(baseline, (b) => (objective === "binary:logistic" ? sigmoid(b) : objective === "count:poisson" ? Math.exp(b) : b));
  const objectives: Record<XGBoostObjective, object> = {
    "binary:logistic": { name: objective, reg_loss_param: { scale_pos_weight: "1" } },
    "multi:softprob": { name: objective, softmax_multiclass_param: { num_class: String(K) } },
    "reg:squarederror": { name: objective, reg_loss_param: { scale_pos_weight: "1" } },
    "reg:absoluteerror": { name: objective },
    "count:poisson": { name: objective, poisson_regression_param: { max_delta_step: "0.699999988" } },
  };
  const nRounds = forest.roots.length / K;
  return {
    learner: {
      attributes,
      feature_names: [...featureNames],
      feature_types: featureNames.length ? featureNames.map(() => "float") : [],
      gradient_booster: {
        model: {
          cats: { enc: [], feature_segments: [], sorted_idx: [] },
          gbtree_model_param: { num_parallel_tree: "1", num_trees: String(trees.length) },
          iteration_indptr: Array.from({ length: nRounds + 1 }, (_, r) => r * K),
          tree_info: trees.map((_, t) => t % K),
          trees,
        },
        name: "gbtree",
      },
      learner_model_param: {
        base_score: `[${base.map((b) => b.toExponential(8).toUpperCase()).join(",")}]`,
        boost_from_average: "1",
        num_class: objective === "multi:softprob" ? String(K) : "0",
        num_feature: String(nFeatures),
        // Several outputs of binary:logistic are labels (multi-label), one tree per label per round.
        num_target: objective === "multi:softprob" ? "1" : String(K),
      },
      objective: objectives[objective],
    },
    version: [3, 2, 0],
  };
}

/** What an XGBoost JSON model holds, read into modelbench's forest. */
export interface LoadedXGBoost {
  state: BoostedState;
  objective: XGBoostObjective;
  attributes: Record<string, string>;
  featureNames: string[];
}

const bad = (what: string) => new InvalidInputError(`not an XGBoost JSON model (${what}): save it from Python with booster.save_model("model.json") (XGBoost ≥ 2)`);

export function fromXGBoostJSON(json: unknown): LoadedXGBoost {
  let doc: any = json;
  if (typeof json === "string") {
    try {
      doc = JSON.parse(json);
    } catch {
      throw bad("the text is not valid JSON");
    }
  }
  const learner = doc?.learner;
  const model = learner?.gradient_booster?.model;
  if (!learner || !model || !Array.isArray(model.trees)) throw bad("no learner.gradient_booster.model.trees");
  if (learner.gradient_booster.name !== "gbtree") throw bad(`booster ${JSON.stringify(learner.gradient_booster.name)}: only gbtree models are read`);
  const objective = learner.objective?.name as XGBoostObjective;
  const known: XGBoostObjective[] = ["binary:logistic", "multi:softprob", "reg:squarederror", "reg:absoluteerror", "count:poisson"];
  if (!known.includes(objective)) throw new InvalidInputError(`XGBoost objective ${JSON.stringify(objective)} is not supported: modelbench reads ${known.join(", ")}`);
  const param = learner.learner_model_param ?? {};
  // Classes of multi:softprob, or targets (labels of binary:logistic, multi-label): one tree each per round.
  const K = Math.max(1, Number(param.num_class) || Number(param.num_target) || 1);
  const nFeatures = Number(param.num_feature);
  if (Number(model.gbtree_model_param?.num_parallel_tree ?? 1) !== 1) throw new InvalidInputError("XGBoost models with num_parallel_tree > 1 (boosted random forests) are not supported");
  const baseText = String(param.base_score ?? "0.5");
  const base = baseText.startsWith("[") ? JSON.parse(baseText.replace(/E/g, "e")) as number[] : [Number(baseText)];
  const baseline = Float64Array.from({ length: K }, (_, k) => {
    const b = Math.fround(base.length === K ? base[k] : base[0]);
    return objective === "binary:logistic" ? Math.log(b / (1 - b)) : objective === "count:poisson" ? Math.log(b) : b;
  });
  const cols: Record<keyof Omit<Forest, "roots" | "catSet" | "catValues">, number[]> = { feature: [], threshold: [], missingLeft: [], left: [], right: [], value: [], gain: [], cover: [] };
  const roots: number[] = [];
  const info: number[] = model.tree_info ?? [];
  model.trees.forEach((tree: any, t: number) => {
    if (tree.categories_nodes?.length) throw new InvalidInputError("XGBoost models with categorical splits are not supported yet");
    if (Number(tree.tree_param?.size_leaf_vector ?? 1) > 1) {
      throw new InvalidInputError('the XGBoost model has vector leaves (multi_strategy="multi_output_tree"), which modelbench does not read: train it with the default multi_strategy="one_output_per_tree"');
    }
    if ((info[t] ?? t % K) !== t % K) throw new InvalidInputError("the XGBoost model's trees are not in round-by-round, class-by-class order");
    const base = cols.feature.length;
    roots.push(base);
    const n = tree.left_children.length;
    for (let q = 0; q < n; q++) {
      const leaf = tree.left_children[q] === -1;
      cols.feature.push(leaf ? -1 : tree.split_indices[q]);
      cols.threshold.push(leaf ? 0 : thresholdBelow(tree.split_conditions[q]));
      cols.missingLeft.push(leaf ? 0 : tree.default_left[q] ? 1 : 0);
      cols.left.push(leaf ? -1 : tree.left_children[q] + base);
      cols.right.push(leaf ? -1 : tree.right_children[q] + base);
      cols.value.push(leaf ? Math.fround(tree.split_conditions[q]) : 0);
      cols.gain.push(tree.loss_changes?.[q] ?? 0);
      cols.cover.push(tree.sum_hessian?.[q] ?? 0);
    }
  });
  if (roots.length % K !== 0) throw bad(`${roots.length} trees for ${K} classes`);
  const forest: Forest = {
    feature: Int32Array.from(cols.feature),
    threshold: Float64Array.from(cols.threshold),
    missingLeft: Uint8Array.from(cols.missingLeft),
    left: Int32Array.from(cols.left),
    right: Int32Array.from(cols.right),
    value: Float64Array.from(cols.value),
    gain: Float64Array.from(cols.gain),
    cover: Float64Array.from(cols.cover),
    roots: Int32Array.from(roots),
    catSet: new Int32Array(cols.feature.length).fill(-1),
    catValues: [],
  };
  return {
    // XGBoost reads absent CSR entries as missing values, as models trained here on CSR do.
    state: { forest, baseline, nFeatures, nIter: roots.length / K, trainLoss: [], validationLoss: [], sparse: true, categories: null },
    objective,
    attributes: learner.attributes ?? {},
    featureNames: learner.feature_names ?? [],
  };
}
