// The hyperparameters every histogram gradient-boosting model shares, under scikit-learn's names,
// with the XGBoost / LightGBM names users reach for accepted as aliases (lambda, alpha, gamma,
// nEstimators, maxLeaves, eta), and one check of them all.
import * as os from "os";
import { InvalidInputError, checkOption } from "../../errors";
import { checkNumber } from "../input";
import type { BoostParams } from "./booster";

export interface GradientBoostingParams {
  learningRate: number;
  /** Boosting rounds (one tree per class each for several classes, one tree in all otherwise). */
  maxIter: number;
  /** Leaves per tree at most; null for no limit (then set maxDepth). */
  maxLeafNodes: number | null;
  /** Edges from the root to the deepest leaf at most; null for no limit. */
  maxDepth: number | null;
  /** Samples every leaf must hold at least. */
  minSamplesLeaf: number;
  /** Hessian sum every leaf must hold at least (XGBoost's min_child_weight). */
  minChildWeight: number;
  /** L2 penalty λ on leaf values (XGBoost's lambda). */
  l2Regularization: number;
  /** L1 penalty α on leaf values (XGBoost's alpha). */
  l1Regularization: number;
  /** A split must reduce the loss by more than this (XGBoost's gamma, LightGBM's min_split_gain). */
  minSplitGain: number;
  /** Share of the rows drawn (without replacement) for each round, in (0, 1]. */
  subsample: number;
  /** Share of the features each tree may use, in (0, 1]. */
  colsampleBytree: number;
  /** Bins per feature, 2 to 255. */
  maxBins: number;
  /** Stop when the validation loss stops improving; "auto" turns it on above 10,000 samples or when fit is given a validation set. */
  earlyStopping: boolean | "auto";
  /** What early stopping watches: the loss ("loss" is the one choice for now). */
  scoring: "loss";
  /** Share of the training rows held out for early stopping, when fit gets no validation set. */
  validationFraction: number;
  /** Stop after this many rounds without the validation loss improving by more than tol. */
  nIterNoChange: number;
  tol: number;
  /** Seeds the held-out rows, the binning sample and subsampling. */
  randomState: number | null;
  /** Threads growing a round's trees (one per class); null for all cores. The model is the same for any value. */
  nThreads: number | null;
  /**
   * Columns holding categories rather than quantities (scikit-learn's categorical_features):
   * their indices, or one boolean per column. Each category gets its own bin and a split sends a
   * set of categories left (dense input only; at most maxBins categories per column).
   */
  categoricalFeatures: readonly number[] | readonly boolean[] | null;
}

/** XGBoost's and LightGBM's names for the same settings. */
export interface GradientBoostingAliases {
  lambda?: number;
  alpha?: number;
  gamma?: number;
  eta?: number;
  nEstimators?: number;
  maxLeaves?: number;
}

const ALIASES: Record<keyof GradientBoostingAliases, keyof GradientBoostingParams> = {
  lambda: "l2Regularization",
  alpha: "l1Regularization",
  gamma: "minSplitGain",
  eta: "learningRate",
  nEstimators: "maxIter",
  maxLeaves: "maxLeafNodes",
};

export const GRADIENT_BOOSTING_DEFAULTS: GradientBoostingParams = {
  learningRate: 0.1,
  maxIter: 100,
  maxLeafNodes: 31,
  maxDepth: null,
  minSamplesLeaf: 20,
  // scikit-learn's min_hessian_to_split; XGBoost's default is 1.
  minChildWeight: 1e-3,
  l2Regularization: 0,
  l1Regularization: 0,
  minSplitGain: 0,
  subsample: 1,
  colsampleBytree: 1,
  maxBins: 255,
  earlyStopping: "auto",
  scoring: "loss",
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-7,
  randomState: null,
  nThreads: null,
  categoricalFeatures: null,
};

/** All cores (what XGBoost and LightGBM use by default). */
function defaultThreads(): number {
  return Math.max(1, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);
}

/** Defaults filled in, aliases turned into the canonical names, every value checked. */
export function resolveParams<P extends GradientBoostingParams>(given: Partial<P> & GradientBoostingAliases, defaults: P): P {
  const canonical: Record<string, unknown> = { ...given };
  for (const [alias, name] of Object.entries(ALIASES)) {
    if (!(alias in canonical)) continue;
    const value = canonical[alias];
    delete canonical[alias];
    if (value === undefined) continue;
    if (canonical[name] !== undefined && canonical[name] !== value) {
      throw new InvalidInputError(`${alias} and ${name} name the same setting but got ${JSON.stringify(value)} and ${JSON.stringify(canonical[name])}: give one of them`);
    }
    canonical[name] = value;
  }
  for (const key of Object.keys(canonical)) if (canonical[key] === undefined) delete canonical[key];
  const p = { ...defaults, ...canonical } as P;
  checkNumber("learningRate", p.learningRate, { min: 0, minExclusive: true });
  checkNumber("maxIter", p.maxIter, { min: 1, integer: true });
  checkNumber("maxLeafNodes", p.maxLeafNodes, { min: 2, integer: true, nullable: true });
  checkNumber("maxDepth", p.maxDepth, { min: 1, integer: true, nullable: true });
  checkNumber("minSamplesLeaf", p.minSamplesLeaf, { min: 1, integer: true });
  checkNumber("minChildWeight", p.minChildWeight, { min: 0 });
  checkNumber("l2Regularization (lambda)", p.l2Regularization, { min: 0 });
  checkNumber("l1Regularization (alpha)", p.l1Regularization, { min: 0 });
  checkNumber("minSplitGain (gamma)", p.minSplitGain, { min: 0 });
  checkNumber("subsample", p.subsample, { min: 0, max: 1, minExclusive: true });
  checkNumber("colsampleBytree", p.colsampleBytree, { min: 0, max: 1, minExclusive: true });
  checkNumber("maxBins", p.maxBins, { min: 2, max: 255, integer: true });
  checkOption("earlyStopping", p.earlyStopping, [true, false, "auto"] as const);
  checkOption("scoring", p.scoring, ["loss"] as const);
  checkNumber("validationFraction", p.validationFraction, { min: 0, max: 1, minExclusive: true });
  checkNumber("nIterNoChange", p.nIterNoChange, { min: 1, integer: true });
  checkNumber("tol", p.tol, { min: 0 });
  checkNumber("randomState", p.randomState, { integer: true, nullable: true });
  checkNumber("nThreads", p.nThreads, { min: 1, max: 256, integer: true, nullable: true });
  const cat = p.categoricalFeatures;
  if (cat !== null) {
    const indices = Array.isArray(cat) && cat.every((v) => Number.isInteger(v) && (v as number) >= 0);
    const mask = Array.isArray(cat) && cat.every((v) => typeof v === "boolean");
    if (!indices && !mask) {
      throw new InvalidInputError(`categoricalFeatures must be column indices (whole numbers ≥ 0) or one boolean per column, got ${JSON.stringify(cat)}: e.g. categoricalFeatures: [0, 3]`);
    }
    if (indices && new Set(cat).size !== cat.length) throw new InvalidInputError(`categoricalFeatures names a column twice (${JSON.stringify(cat)}): list each column once`);
  }
  if (p.maxLeafNodes === null && p.maxDepth === null) {
    throw new InvalidInputError("maxLeafNodes and maxDepth are both null, so trees would grow until every leaf is tiny: set at least one");
  }
  return p;
}

/**
 * The categorical setting for X's d columns as one flag per column, or null when there are none;
 * a column X does not have is an error.
 */
export function categoricalMask(setting: GradientBoostingParams["categoricalFeatures"], d: number): Uint8Array | null {
  if (setting === null || setting.length === 0) return null;
  if (typeof setting[0] === "boolean") {
    if (setting.length !== d) throw new InvalidInputError(`categoricalFeatures has ${setting.length} booleans but X has ${d} features: give one per column, or list the categorical columns' indices`);
    return setting.some((v) => v) ? Uint8Array.from(setting as readonly boolean[], (v) => (v ? 1 : 0)) : null;
  }
  const mask = new Uint8Array(d);
  for (const f of setting as readonly number[]) {
    if (f >= d) throw new InvalidInputError(`categoricalFeatures names column ${f}, but X has ${d} features (columns 0 to ${d - 1}): name the categorical columns by their index in X`);
    mask[f] = 1;
  }
  return mask;
}

/** What the booster needs of the settings, once early stopping is decided. */
export function boostParams(p: GradientBoostingParams, earlyStopping: boolean): BoostParams {
  return {
    learningRate: p.learningRate,
    maxLeaves: p.maxLeafNodes ?? Infinity,
    maxDepth: p.maxDepth ?? Infinity,
    minSamplesLeaf: p.minSamplesLeaf,
    minChildWeight: p.minChildWeight,
    lambda: p.l2Regularization,
    alpha: p.l1Regularization,
    gamma: p.minSplitGain,
    maxIter: p.maxIter,
    subsample: p.subsample,
    colsampleBytree: p.colsampleBytree,
    earlyStopping,
    nIterNoChange: p.nIterNoChange,
    tol: p.tol,
    nThreads: p.nThreads ?? defaultThreads(),
  };
}
