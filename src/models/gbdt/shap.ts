// Per-prediction feature contributions of a boosted model by TreeSHAP (Lundberg, Erion & Lee 2018,
// "Consistent individualized feature attribution for tree ensembles", Algorithm 2), what XGBoost's
// pred_contribs returns: for each row, one Shapley value per feature plus a bias, summing to the
// raw margin. A feature outside the coalition is averaged over the tree's children in proportion
// to their training cover (hessian sums), as XGBoost does.
import type { BoostedState } from "./model";
import { type Forest, type ScoredRows, goesLeft, rowReader } from "./forest";

/** One element of the path: feature d, the fractions of zero (z) and one (o) paths, and weight w. */
interface PathElement {
  d: number;
  z: number;
  o: number;
  w: number;
}

function extend(m: PathElement[], z: number, o: number, d: number): PathElement[] {
  const l = m.length;
  const out = m.map((e) => ({ ...e }));
  out.push({ d, z, o, w: l === 0 ? 1 : 0 });
  for (let i = l - 1; i >= 0; i--) {
    out[i + 1].w += (o * out[i].w * (i + 1)) / (l + 1);
    out[i].w = (z * out[i].w * (l - i)) / (l + 1);
  }
  return out;
}

/** The path with element i's feature taken back out. */
function unwind(m: PathElement[], i: number): PathElement[] {
  const l = m.length - 1;
  const { o, z } = m[i];
  const out = m.slice(0, l).map((e) => ({ ...e }));
  let n = m[l].w;
  for (let j = l - 1; j >= 0; j--) {
    if (o !== 0) {
      const t = m[j].w;
      out[j].w = (n * (l + 1)) / ((j + 1) * o);
      n = t - (out[j].w * z * (l - j)) / (l + 1);
    } else {
      out[j].w = (m[j].w * (l + 1)) / (z * (l - j));
    }
  }
  for (let j = i; j < l; j++) {
    out[j].d = m[j + 1].d;
    out[j].z = m[j + 1].z;
    out[j].o = m[j + 1].o;
  }
  return out;
}

/** Sum of the weights of the path with element i unwound (without building it). */
function unwoundSum(m: PathElement[], i: number): number {
  return unwind(m, i).reduce((s, e) => s + e.w, 0);
}

/** Adds one tree's contributions for the row read by x to phi (one slot per feature). */
function treeShap(forest: Forest, root: number, x: (f: number) => number, phi: Float64Array): void {
  const { feature, left, right, value, cover } = forest;
  const recurse = (j: number, path: PathElement[], z: number, o: number, d: number) => {
    const m = extend(path, z, o, d);
    const f = feature[j];
    if (f < 0) {
      for (let i = 1; i < m.length; i++) phi[m[i].d] += unwoundSum(m, i) * (m[i].o - m[i].z) * value[j];
      return;
    }
    const hot = goesLeft(forest, j, x(f)) ? left[j] : right[j];
    const cold = hot === left[j] ? right[j] : left[j];
    let iz = 1;
    let io = 1;
    let rest = m;
    const k = m.findIndex((e, q) => q > 0 && e.d === f);
    if (k > 0) {
      iz = m[k].z;
      io = m[k].o;
      rest = unwind(m, k);
    }
    const r = cover[j];
    recurse(hot, rest, (iz * cover[hot]) / r, io, f);
    recurse(cold, rest, (iz * cover[cold]) / r, 0, f);
  };
  recurse(root, [], 1, 1, -1);
}

/** The cover-weighted mean output of the tree at `root` (its value when no feature is known). */
function expectedValue(forest: Forest, node: number): number {
  const { feature, left, right, value, cover } = forest;
  if (feature[node] < 0) return value[node];
  const l = left[node];
  const r = right[node];
  return (cover[l] * expectedValue(forest, l) + cover[r] * expectedValue(forest, r)) / (cover[l] + cover[r]);
}

/**
 * Contributions of every feature to every output's raw margin, row by row: out[i][k] has nFeatures
 * Shapley values and, last, the bias (the baseline plus each tree's expected output); they sum to
 * the margin of output k.
 */
export function contributions(state: BoostedState, rows: ScoredRows): Float64Array[][] {
  const { forest, baseline, nFeatures } = state;
  const K = baseline.length;
  const bias = Float64Array.from(baseline);
  for (let t = 0; t < forest.roots.length; t++) {
    // A tree whose root never split has no cover to weigh by: its one value is its expectation.
    bias[t % K] += forest.feature[forest.roots[t]] < 0 ? forest.value[forest.roots[t]] : expectedValue(forest, forest.roots[t]);
  }
  const out: Float64Array[][] = [];
  for (let i = 0; i < rows.X.nRows; i++) {
    const x = rowReader(rows, i);
    const perOutput = Array.from({ length: K }, (_, k) => {
      const phi = new Float64Array(nFeatures + 1);
      phi[nFeatures] = bias[k];
      return phi;
    });
    for (let t = 0; t < forest.roots.length; t++) if (forest.feature[forest.roots[t]] >= 0) treeShap(forest, forest.roots[t], x, perOutput[t % K]);
    out.push(perOutput);
  }
  return out;
}
