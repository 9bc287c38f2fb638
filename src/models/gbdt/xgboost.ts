// XGBoost's JSON model format (the file `Booster.save_model("m.json")` writes, schema of XGBoost
// 3.x): a boosted model saved for Python's xgboost to load, and an XGBoost model loaded to predict
// here. XGBoost sends x left when float32(x) < split_condition, a float32; modelbench sends x left
// when x ≤ threshold. Saving takes the smallest float32 above the threshold (the same decision for
// every float32 input, which is what XGBoost reads); loading takes the largest double whose float32
// rounding falls below the condition (the same decision for every input).
//
// A categorical split (split_type 1) in XGBoost sends the categories of its set RIGHT and every
// other category — one never seen in training, a negative one — left; modelbench sends its set
// left and an unseen category where missing values go. Saving picks, per split, the set and child
// order that keep both rules (see categoricalNode); loading swaps the children. XGBoost reads a
// category as a whole number (2.5 as 2): a loaded model is exact for whole-number categories.
import { InvalidInputError } from "../../errors";
import { indexOfSorted } from "./bins";
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

// XGBoost reads a category as a whole number below 2^24 (a float32 holds each exactly).
const MAX_CATEGORY = 2 ** 24;

/** Refuses categories XGBoost cannot read as categories. */
function checkCategories(categories: readonly (Float64Array | null)[]): void {
  categories.forEach((known, f) => {
    const bad = known && Array.from(known).find((c) => !(Number.isInteger(c) && c >= 0 && c < MAX_CATEGORY));
    if (bad !== undefined && bad !== null) {
      throw new InvalidInputError(`feature ${f} has category ${bad}, and XGBoost reads categories as whole numbers 0 … 2^24−1: recode the column's categories as 0, 1, 2, … and fit again to export the model`);
    }
  });
}

/**
 * A categorical split as XGBoost writes it: its categories (sent right), whether the children
 * trade places, and whether missing values go left. When modelbench sends missing (and unseen)
 * values left, XGBoost's set is the known categories modelbench sends right; otherwise the
 * children trade places and the set is modelbench's own, so an unseen category goes with missing
 * values either way. Without known categories (a model loaded from XGBoost) a category outside
 * the set already goes where XGBoost sends it: the children trade places.
 */
function categoricalNode(goLeft: Float64Array, known: Float64Array | null, missingLeft: boolean): { right: number[]; swap: boolean; defaultLeft: boolean } {
  if (known && missingLeft) return { right: Array.from(known).filter((c) => indexOfSorted(goLeft, c) < 0), swap: false, defaultLeft: true };
  return { right: Array.from(goLeft), swap: true, defaultLeft: !missingLeft };
}

/** A fitted boosted model as an XGBoost JSON model (an object; stringifyXGBoost writes its file). */
export function toXGBoostJSON(state: BoostedState, objective: XGBoostObjective, attributes: Record<string, string> = {}, featureNames: readonly string[] = []): object {
  const { forest, baseline, nFeatures, categories } = state;
  if (categories) checkCategories(categories);
  const K = baseline.length;
  const trees = [];
  for (let t = 0; t < forest.roots.length; t++) {
    const root = forest.roots[t];
    const end = t + 1 < forest.roots.length ? forest.roots[t + 1] : forest.feature.length;
    const n = end - root;
    // Per node: XGBoost's left and right child, and a categorical split's set (sent right).
    const xgbLeft = new Int32Array(n);
    const xgbRight = new Int32Array(n);
    const sets = new Map<number, { right: number[]; defaultLeft: boolean }>();
    for (let q = root; q < end; q++) {
      let swap = false;
      const set = forest.feature[q] < 0 ? -1 : forest.catSet[q];
      if (set >= 0) {
        const node = categoricalNode(forest.catValues[set], categories?.[forest.feature[q]] ?? null, forest.missingLeft[q] === 1);
        swap = node.swap;
        sets.set(q, node);
      }
      xgbLeft[q - root] = swap ? forest.right[q] : forest.left[q];
      xgbRight[q - root] = swap ? forest.left[q] : forest.right[q];
    }
    // XGBoost's predictor finds a right child next to its left one: nodes numbered breadth-first, children in pairs.
    const nodes = [root];
    for (let k = 0; k < nodes.length; k++) if (forest.feature[nodes[k]] >= 0) nodes.push(xgbLeft[nodes[k] - root], xgbRight[nodes[k] - root]);
    const id = new Int32Array(n);
    nodes.forEach((q, k) => (id[q - root] = k));
    const parents = new Array<number>(n).fill(2147483647);
    const tree = {
      base_weights: [] as number[],
      categories: [] as number[],
      categories_nodes: [] as number[],
      categories_segments: [] as number[],
      categories_sizes: [] as number[],
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
    nodes.forEach((q, k) => {
      const leaf = forest.feature[q] < 0;
      const set = sets.get(q);
      if (set) {
        tree.categories_nodes.push(k);
        tree.categories_segments.push(tree.categories.length);
        tree.categories_sizes.push(set.right.length);
        tree.categories.push(...set.right);
      }
      const l = leaf ? -1 : id[xgbLeft[q - root] - root];
      const r = leaf ? -1 : id[xgbRight[q - root] - root];
      tree.left_children.push(l);
      tree.right_children.push(r);
      if (!leaf) parents[l] = parents[r] = k;
      tree.split_indices.push(leaf ? 0 : forest.feature[q]);
      tree.split_conditions.push(leaf ? forest.value[q] : set ? 0 : conditionAbove(forest.threshold[q]));
      tree.base_weights.push(leaf ? forest.value[q] : 0);
      tree.default_left.push(leaf ? 0 : set ? Number(set.defaultLeft) : forest.missingLeft[q]);
      tree.loss_changes.push(num(forest.gain[q]));
      tree.sum_hessian.push(num(forest.cover[q]));
      tree.split_type.push(set ? 1 : 0);
    });
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
      // "c" marks a categorical column (XGBoost writes types without names too).
      feature_types: categories ? Array.from({ length: nFeatures }, (_, f) => (categories[f] ? "c" : "float")) : featureNames.length ? featureNames.map(() => "float") : [],
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

/** A tree's categorical splits: node → its categories (those XGBoost sends right), increasing. */
function categorySets(tree: any): Map<number, Float64Array> {
  const sets = new Map<number, Float64Array>();
  const nodes: number[] = tree.categories_nodes ?? [];
  nodes.forEach((node, j) => {
    const start = tree.categories_segments[j];
    const values: number[] = tree.categories.slice(start, start + tree.categories_sizes[j]);
    sets.set(node, Float64Array.from(values).sort());
  });
  return sets;
}

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
  const cols: Record<keyof Omit<Forest, "roots" | "catValues">, number[]> = { feature: [], threshold: [], missingLeft: [], left: [], right: [], value: [], gain: [], cover: [], catSet: [] };
  const catValues: Float64Array[] = [];
  const roots: number[] = [];
  const info: number[] = model.tree_info ?? [];
  model.trees.forEach((tree: any, t: number) => {
    if (Number(tree.tree_param?.size_leaf_vector ?? 1) > 1) {
      throw new InvalidInputError('the XGBoost model has vector leaves (multi_strategy="multi_output_tree"), which modelbench does not read: train it with the default multi_strategy="one_output_per_tree"');
    }
    if ((info[t] ?? t % K) !== t % K) throw new InvalidInputError("the XGBoost model's trees are not in round-by-round, class-by-class order");
    const base = cols.feature.length;
    roots.push(base);
    const n = tree.left_children.length;
    const sets = categorySets(tree);
    for (let q = 0; q < n; q++) {
      const leaf = tree.left_children[q] === -1;
      const set = leaf ? undefined : sets.get(q);
      if (!leaf && (tree.split_type?.[q] ?? 0) === 1 && !set) throw bad(`tree ${t} node ${q} is a categorical split without categories`);
      cols.feature.push(leaf ? -1 : tree.split_indices[q]);
      cols.threshold.push(leaf || set ? 0 : thresholdBelow(tree.split_conditions[q]));
      // XGBoost's set goes right: here it goes left, so the children trade places (and missing values with them).
      const swap = set !== undefined;
      cols.missingLeft.push(leaf ? 0 : (tree.default_left[q] ? 1 : 0) ^ (swap ? 1 : 0));
      cols.left.push(leaf ? -1 : (swap ? tree.right_children[q] : tree.left_children[q]) + base);
      cols.right.push(leaf ? -1 : (swap ? tree.left_children[q] : tree.right_children[q]) + base);
      cols.catSet.push(set ? catValues.push(set) - 1 : -1);
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
    catSet: Int32Array.from(cols.catSet),
    catValues,
  };
  return {
    // XGBoost reads absent CSR entries as missing values, as models trained here on CSR do. With
    // no list of known categories, any category outside a split's set goes as XGBoost sends it.
    state: { forest, baseline, nFeatures, nIter: roots.length / K, trainLoss: [], validationLoss: [], sparse: true, categories: null },
    objective,
    attributes: learner.attributes ?? {},
    featureNames: learner.feature_names ?? [],
  };
}
