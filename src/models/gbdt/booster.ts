// The boosting loop: start from the objective's baseline, then every round compute gradients, draw
// the round's rows and each tree's columns, grow one tree per output and add it to the scores;
// watch a validation set (loss per round) and stop once it stalls. It knows the task only through
// the objective and the data only through its bins. With several outputs (classes) and nThreads
// above 1, a round's trees grow in parallel on worker threads over shared memory (./parallel);
// with one output, each large node's features are shared out to helper threads (./featurePool).
// Every random draw happens here, in the same order, so the model does not depend on nThreads.
import type { Random } from "../../random";
import type { BinnedMatrix } from "./bins";
import { type Forest, ForestBuilder, type ScoredRows, type TreeNodes, addTreeScores } from "./forest";
import { type GrowerParams, type RoundBuffers, TreeGrower, growAndScore } from "./grower";
import type { Objective, Target } from "./objective";
import { FeaturePool } from "./featurePool";
import { TreePool, shareBins } from "./parallel";

export interface BoostParams extends GrowerParams {
  maxIter: number;
  /** Share of the rows each round's trees learn from (XGBoost's subsample), drawn anew every round. */
  subsample: number;
  /** Share of the features each tree may split on (XGBoost's colsample_bytree). */
  colsampleBytree: number;
  /** Stop when the validation loss has not beaten its value nIterNoChange rounds before by more than tol. */
  earlyStopping: boolean;
  nIterNoChange: number;
  tol: number;
  /** Threads growing a round's trees (1: all on this thread). */
  nThreads: number;
}

export interface Boosted {
  baseline: Float64Array;
  forest: Forest;
  nIter: number;
  /** Mean training loss after each round (index 0: baseline only). */
  trainLoss: number[];
  /** The same on the validation rows, when there are some. */
  validationLoss: number[];
}

export interface ValidationSet {
  rows: ScoredRows;
  target: Target;
}

/** True when none of the last m losses beat the one just before them by more than tol. */
export function stalled(losses: readonly number[], m: number, tol: number): boolean {
  if (losses.length <= m) return false;
  const reference = losses[losses.length - m - 1] - tol;
  for (let t = losses.length - m; t < losses.length; t++) if (losses[t] < reference) return false;
  return true;
}

/** Writes into `out` a uniform draw of k of the indices 0..n−1, sorted, and returns k. */
function draw(n: number, k: number, rng: Random, pool: Int32Array, out: Int32Array): number {
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < k; i++) {
    const r = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[r];
    pool[r] = t;
  }
  out.set(pool.subarray(0, k));
  out.subarray(0, k).sort();
  return k;
}

/** A typed array over shared memory when threads will read it, else over ordinary memory. */
function buffer<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(Type: { new (b: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, length: number, shared: boolean): T {
  const bytes = length * Type.BYTES_PER_ELEMENT;
  return new Type(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

export function boost(
  X: BinnedMatrix,
  target: Target,
  objective: Objective,
  p: BoostParams,
  rng: Random,
  val: ValidationSet | null,
  onRound?: (round: number, trainLoss: number, validationLoss: number | null) => void,
): Boosted {
  const n = X.nRows;
  const d = X.nFeatures;
  const K = objective.nOutputs;
  // Threads pay off when a round has several trees; a residual-per-leaf loss (absolute error) has one.
  const threads = objective.leafValue ? 1 : Math.min(p.nThreads, K);
  const shared = threads > 1;
  const baseline = objective.baseline(target);
  // Gradients in single precision, as scikit-learn and LightGBM keep them: half the memory traffic
  // when histograms are built; sums still accumulate in double precision.
  const b: RoundBuffers = {
    K,
    g: Array.from({ length: K }, () => buffer(Float32Array, n, shared)),
    h: Array.from({ length: K }, () => buffer(Float32Array, n, shared)),
    raw: buffer(Float64Array, n * K, shared),
    rows: buffer(Int32Array, n, shared),
    others: buffer(Int32Array, n, shared),
    allowed: Array.from({ length: K }, () => buffer(Uint8Array, d, shared).fill(1)),
  };
  const raw = b.raw;
  for (let i = 0; i < n; i++) raw.set(baseline, i * K);
  const nVal = val ? val.rows.X.nRows : 0;
  const valRaw = new Float64Array(nVal * K);
  for (let i = 0; i < nVal; i++) valRaw.set(baseline, i * K);

  const forest = new ForestBuilder();
  const trainLoss = [objective.loss(raw, target)];
  const validationLoss = val ? [objective.loss(valRaw, val.target)] : [];
  const pool = new Int32Array(Math.max(n, d));
  const picked = new Int32Array(d);
  const inRound = new Uint8Array(n);
  const nRows = p.subsample < 1 ? Math.max(1, Math.round(p.subsample * n)) : n;
  const nCols = p.colsampleBytree < 1 ? Math.max(1, Math.round(p.colsampleBytree * d)) : d;
  // A residual-per-leaf objective (absolute error) reads its rows' current scores of the one output.
  const leafValue = objective.leafValue && ((r: Int32Array, a: number, e: number) => objective.leafValue!(r, a, e, raw, target));
  const workers = threads > 1 ? new TreePool(shareBins(X), p, b, threads) : null;
  // One tree a round: helper threads take part of each large node's features instead (dense,
  // numeric input: a categorical split is a set of bins, which the helpers do not hand back).
  const helpers = K === 1 && p.nThreads > 1 && X.kind === "dense" && !X.categories.some((c) => c) ? new FeaturePool(shareBins(X), p, p.nThreads) : null;
  const grower = threads > 1 ? null : new TreeGrower(X, p, helpers);

  let nIter = 0;
  try {
    for (let round = 0; round < p.maxIter; round++) {
      objective.gradients(raw, target, b.g, b.h);
      let count = n;
      let others = 0;
      if (nRows < n) {
        count = draw(n, nRows, rng, pool, b.rows);
        inRound.fill(0);
        for (let q = 0; q < count; q++) inRound[b.rows[q]] = 1;
        for (let i = 0; i < n; i++) if (!inRound[i]) b.others[others++] = i;
      } else if (round === 0) for (let i = 0; i < n; i++) b.rows[i] = i;
      if (nCols < d) {
        for (let k = 0; k < K; k++) {
          const m = draw(d, nCols, rng, pool, picked);
          b.allowed[k].fill(0);
          for (let q = 0; q < m; q++) b.allowed[k][picked[q]] = 1;
        }
      }
      const trees: TreeNodes[] = workers ? workers.growRound(count, others) : Array.from({ length: K }, (_, k) => growAndScore(grower!, X, b, k, count, others, leafValue));
      for (const tree of trees) {
        forest.append(tree);
        if (val) addTreeScores(forest, forest.roots.length - 1, val.rows, valRaw, K);
      }
      nIter = round + 1;
      trainLoss.push(objective.loss(raw, target));
      if (val) validationLoss.push(objective.loss(valRaw, val.target));
      onRound?.(nIter, trainLoss[nIter], val ? validationLoss[nIter] : null);
      if (val && p.earlyStopping && stalled(validationLoss, p.nIterNoChange, p.tol)) break;
    }
  } finally {
    workers?.close();
    helpers?.close();
  }
  return { baseline, forest: forest.build(), nIter, trainLoss, validationLoss };
}
