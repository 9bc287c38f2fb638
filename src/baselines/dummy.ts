// Baselines that ignore the features: a model has to beat these to have learned anything.
// Same strategies and definitions as scikit-learn's DummyClassifier and DummyRegressor, including
// several outputs at once (y given as one row of labels or values per sample).
import { InvalidInputError, NotFittedError, checkOption } from "../errors";
import { type Label, checkLabelKinds, compareLabels, uniqueLabels } from "../labels";
import { Random } from "../random";
import { type Classifier, type Regressor, type Samples, countSamples } from "../models/estimator";

type Target<T> = readonly T[] | readonly (readonly T[])[];

/** Splits y into one column per output; `multi` says whether y had rows (several outputs). */
function outputs<T>(X: Samples, y: Target<T>, check: (column: T[], name: string) => void): { columns: T[][]; multi: boolean } {
  const n = countSamples(X);
  if (!Array.isArray(y) || y.length === 0) throw new InvalidInputError("y is empty: fit needs at least one sample");
  if (y.length !== n) throw new InvalidInputError(`X has ${n} samples but y has ${y.length}: they must describe the same samples`);
  const multi = Array.isArray(y[0]);
  const rows = multi ? (y as readonly (readonly T[])[]) : (y as readonly T[]).map((v) => [v]);
  const width = rows[0].length;
  if (width === 0) throw new InvalidInputError("y's rows are empty: give at least one output per sample");
  const columns = Array.from({ length: width }, () => new Array<T>(rows.length));
  rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== width) throw new InvalidInputError(`y[${i}] must have ${width} outputs like y[0]`);
    r.forEach((v, j) => (columns[j][i] = v));
  });
  columns.forEach((c, j) => check(c, multi ? `y output ${j}` : "y"));
  return { columns, multi };
}

function wrongArity(model: string, multi: boolean): InvalidInputError {
  return multi
    ? new InvalidInputError(`this ${model} was fitted on several outputs (y with a row per sample): use predictMultiOutput`)
    : new InvalidInputError(`this ${model} was fitted on a single output: use predict`);
}

function transpose<T>(columns: T[][]): T[][] {
  return columns[0].map((_, i) => columns.map((c) => c[i]));
}

// ---------------------------------------------------------------------------------------------

export type DummyClassifierStrategy = "most_frequent" | "prior" | "stratified" | "uniform" | "constant";

export interface DummyClassifierParams {
  /**
   * most_frequent: always the commonest class (probability 1 on it); prior: the commonest class,
   * with the class frequencies as probabilities; stratified: random classes drawn with the class
   * frequencies; uniform: random classes, all equally likely; constant: the class given.
   */
  strategy: DummyClassifierStrategy;
  /** Seed for stratified and uniform; null draws a fresh seed on every call. */
  randomState: number | null;
  /** The class to predict with strategy "constant" (one per output for several outputs). */
  constant: Label | readonly Label[] | null;
}

interface ClassifierState {
  classes: Label[][];
  priors: number[][];
  multi: boolean;
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

export class DummyClassifier implements Classifier<Samples, DummyClassifierParams> {
  private readonly p: DummyClassifierParams;
  private fitted: ClassifierState | undefined;

  constructor(params: Partial<DummyClassifierParams> = {}) {
    this.p = { strategy: "prior", randomState: null, constant: null, ...params };
    checkOption("strategy", this.p.strategy, ["most_frequent", "prior", "stratified", "uniform", "constant"] as const);
  }

  params(): DummyClassifierParams {
    return { ...this.p };
  }

  private get state(): ClassifierState {
    if (!this.fitted) throw new NotFittedError("DummyClassifier");
    return this.fitted;
  }

  /** The sorted classes seen in fit (single output). */
  get classes(): readonly Label[] {
    if (this.state.multi) throw new InvalidInputError("this DummyClassifier has several outputs: read outputClasses");
    return this.state.classes[0];
  }

  /** Class frequencies in fit, in `classes` order (single output). */
  get classPrior(): readonly number[] {
    if (this.state.multi) throw new InvalidInputError("this DummyClassifier has several outputs: read outputClassPriors");
    return this.state.priors[0];
  }

  /** Sorted classes per output. */
  get outputClasses(): readonly (readonly Label[])[] {
    return this.state.classes;
  }

  get outputClassPriors(): readonly (readonly number[])[] {
    return this.state.priors;
  }

  get nOutputs(): number {
    return this.state.classes.length;
  }

  fit(X: Samples, y: Target<Label>): this {
    const { columns, multi } = outputs<Label>(X, y, (c, name) => checkLabelKinds(c, name));
    const classes = columns.map((c) => uniqueLabels(c));
    const priors = columns.map((c, j) => {
      const counts = new Map<Label, number>();
      for (const v of c) counts.set(v, (counts.get(v) ?? 0) + 1);
      return classes[j].map((k) => counts.get(k)! / c.length);
    });
    if (this.p.strategy === "constant") {
      const constant = this.p.constant;
      if (constant === null || constant === undefined) {
        throw new InvalidInputError('strategy "constant" needs the class to predict: pass constant');
      }
      const perOutput = Array.isArray(constant) ? constant : [constant];
      if (perOutput.length !== columns.length) {
        throw new InvalidInputError(`constant gives ${perOutput.length} classes for ${columns.length} outputs: give one per output`);
      }
      perOutput.forEach((k, j) => {
        if (!classes[j].some((c) => compareLabels(c, k) === 0 && typeof c === typeof k)) {
          throw new InvalidInputError(
            `constant ${JSON.stringify(k)} never occurs in the training data${multi ? ` for output ${j}` : ""}: use one of ${JSON.stringify(classes[j])}`,
          );
        }
      });
    }
    this.fitted = { classes, priors, multi };
    return this;
  }

  private constantIndex(j: number): number {
    const perOutput = Array.isArray(this.p.constant) ? this.p.constant : [this.p.constant];
    return this.state.classes[j].indexOf(perOutput[j] as Label);
  }

  /** Probability rows for every output: one array of n rows per output. */
  private probabilities(n: number): number[][][] {
    const { classes, priors } = this.state;
    const rng = new Random(this.p.randomState ?? undefined);
    return classes.map((cls, j) => {
      const k = cls.length;
      const oneHot = (at: number) => Array.from({ length: k }, (_, c) => (c === at ? 1 : 0));
      switch (this.p.strategy) {
        case "most_frequent":
          return Array.from({ length: n }, () => oneHot(argmax(priors[j])));
        case "prior":
          return Array.from({ length: n }, () => [...priors[j]]);
        case "stratified":
          return Array.from({ length: n }, () => oneHot(rng.categorical(priors[j])));
        case "uniform":
          return Array.from({ length: n }, () => new Array<number>(k).fill(1 / k));
        case "constant":
          return Array.from({ length: n }, () => oneHot(this.constantIndex(j)));
      }
    });
  }

  /** Predicted labels as columns, one per output. */
  private labels(n: number): Label[][] {
    const { classes, priors } = this.state;
    if (this.p.strategy === "stratified") {
      return this.probabilities(n).map((rows, j) => rows.map((r) => classes[j][argmax(r)]));
    }
    const rng = new Random(this.p.randomState ?? undefined);
    return classes.map((cls, j) => {
      switch (this.p.strategy) {
        case "uniform":
          return Array.from({ length: n }, () => cls[rng.int(cls.length)]);
        case "constant":
          return new Array<Label>(n).fill(cls[this.constantIndex(j)]);
        default:
          return new Array<Label>(n).fill(cls[argmax(priors[j])]);
      }
    });
  }

  predict(X: Samples): Label[] {
    if (this.state.multi) throw wrongArity("DummyClassifier", true);
    return this.labels(countSamples(X))[0];
  }

  /** One row per sample with a probability per class, in `classes` order. */
  predictProba(X: Samples): number[][] {
    if (this.state.multi) throw wrongArity("DummyClassifier", true);
    return this.probabilities(countSamples(X))[0];
  }

  /** For several outputs: one row of labels per sample. */
  predictMultiOutput(X: Samples): Label[][] {
    if (!this.state.multi) throw wrongArity("DummyClassifier", false);
    return transpose(this.labels(countSamples(X)));
  }

  /** For several outputs: per output, one probability row per sample. */
  predictProbaMultiOutput(X: Samples): number[][][] {
    if (!this.state.multi) throw wrongArity("DummyClassifier", false);
    return this.probabilities(countSamples(X));
  }
}

// ---------------------------------------------------------------------------------------------

export type DummyRegressorStrategy = "mean" | "median" | "quantile" | "constant";

export interface DummyRegressorParams {
  /** Predict the training mean, median, a quantile, or a given constant. */
  strategy: DummyRegressorStrategy;
  /** In [0, 1], for strategy "quantile" (0.5 is the median). */
  quantile: number | null;
  /** The value to predict with strategy "constant" (one per output for several outputs). */
  constant: number | readonly number[] | null;
}

/** numpy's default ("linear") percentile: interpolate between the two nearest order statistics. */
function quantileOf(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = position - lo;
  const [a, b] = [sorted[lo], sorted[hi]];
  // numpy interpolates from the nearer end, which keeps the result exact at t = 0 and t = 1.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

export class DummyRegressor implements Regressor<Samples, DummyRegressorParams> {
  private readonly p: DummyRegressorParams;
  private fitted: { constants: number[]; multi: boolean } | undefined;

  constructor(params: Partial<DummyRegressorParams> = {}) {
    this.p = { strategy: "mean", quantile: null, constant: null, ...params };
    checkOption("strategy", this.p.strategy, ["mean", "median", "quantile", "constant"] as const);
  }

  params(): DummyRegressorParams {
    return { ...this.p };
  }

  private get state(): { constants: number[]; multi: boolean } {
    if (!this.fitted) throw new NotFittedError("DummyRegressor");
    return this.fitted;
  }

  /** The value predicted for each output. */
  get constants(): readonly number[] {
    return this.state.constants;
  }

  fit(X: Samples, y: Target<number>): this {
    const { columns, multi } = outputs<number>(X, y, (c, name) =>
      c.forEach((v, i) => {
        if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidInputError(`${name}[${i}] is ${v}: targets must be finite numbers`);
      }),
    );
    let constants: number[];
    switch (this.p.strategy) {
      case "mean":
        constants = columns.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
        break;
      case "median":
        constants = columns.map(median);
        break;
      case "quantile": {
        const q = this.p.quantile;
        if (q === null || q === undefined || !(q >= 0 && q <= 1)) {
          throw new InvalidInputError(`strategy "quantile" needs quantile in [0, 1] (got ${q})`);
        }
        constants = columns.map((c) => quantileOf(c, q));
        break;
      }
      case "constant": {
        const c = this.p.constant;
        if (c === null || c === undefined) throw new InvalidInputError('strategy "constant" needs the value to predict: pass constant');
        constants = Array.isArray(c) ? [...c] : [c as number];
        if (constants.length !== columns.length) {
          throw new InvalidInputError(`constant gives ${constants.length} values for ${columns.length} outputs: give one per output`);
        }
      }
    }
    this.fitted = { constants, multi };
    return this;
  }

  predict(X: Samples): number[] {
    if (this.state.multi) throw wrongArity("DummyRegressor", true);
    return new Array<number>(countSamples(X)).fill(this.constants[0]);
  }

  predictMultiOutput(X: Samples): number[][] {
    if (!this.state.multi) throw wrongArity("DummyRegressor", false);
    return Array.from({ length: countSamples(X) }, () => [...this.constants]);
  }
}
