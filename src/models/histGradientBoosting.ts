// Histogram-based gradient boosting for classification (the LightGBM / XGBoost algorithm, as in
// scikit-learn's HistGradientBoostingClassifier). Features are binned once into ≤ 255 buckets;
// each iteration fits a regression tree per class to the gradient and hessian of the log loss
// (softmax loss for several classes) by a second-order (Newton) step:
//   split gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ),   leaf value = −learningRate · G/(H+λ)
// Trees grow best-first (the leaf with the largest gain splits next, up to maxLeafNodes).
// A node's histogram is built only for the smaller child; the sibling's is the parent's minus it.
// Missing values (NaN) are binned apart and sent, at every split, to the side that gains most
// (scikit-learn's rule); features without any in training send them to the child with more samples.
import { InvalidInputError, NotFittedError, checkOption } from "../errors";
import { MIME, type MimeBundle } from "../display";
import { type Label, labelIndex } from "../labels";
import { Random } from "../random";
import { holdOutMask } from "../data/split";
import type { Classifier } from "./estimator";
import { applyBins, fitBins, missingBin } from "./binning";
import { type Dense, type DenseMatrix, argmax, checkNumber, encodeLabels, logSumExp, rowsOf, sigmoid, softmaxRows, toDense } from "./input";
import { type SerializedModel, plainArray, readSerialized, registerModel, serializeModel } from "./serialize";
import { modelBundle } from "./summary";

export interface HistGradientBoostingClassifierParams {
  learningRate: number;
  /** Boosting iterations (one tree per class each, one tree in all for two classes). */
  maxIter: number;
  /** Leaves per tree at most; null for no limit (then set maxDepth). */
  maxLeafNodes: number | null;
  /** Edges from the root to the deepest leaf at most; null for no limit. */
  maxDepth: number | null;
  /** Samples every leaf must hold at least. */
  minSamplesLeaf: number;
  /** L2 penalty λ on leaf values. */
  l2Regularization: number;
  /** Bins per feature, 2 to 255. */
  maxBins: number;
  /** Stop when the validation loss stops improving; "auto" turns it on above 10,000 samples or when fit is given a validation set. */
  earlyStopping: boolean | "auto";
  /** What early stopping watches: the log loss ("loss" is the one choice for now). */
  scoring: "loss";
  /** Share of the training rows held out (stratified) for early stopping, when fit gets no validation set. */
  validationFraction: number;
  /** Stop after this many iterations without the validation loss improving by more than tol. */
  nIterNoChange: number;
  tol: number;
  /** Seeds the held-out rows and the binning sample. */
  randomState: number | null;
}

export interface HistGradientBoostingFitOptions {
  /** A validation set for early stopping, instead of holding out validationFraction of X. */
  Xval?: DenseMatrix;
  yval?: readonly Label[];
}

/** Every tree's nodes in flat arrays; a leaf has feature −1 and its value. */
interface Forest {
  feature: Int32Array;
  threshold: Float64Array;
  /** 1 where a missing value (NaN) goes to the left child. */
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  /** Root node of tree t (trees go iteration by iteration, class by class within one). */
  roots: Int32Array;
}

interface BoostingState {
  classes: Label[];
  nFeatures: number;
  /** Raw score before any tree: the log-odds (or log class shares) of the training labels. */
  baseline: Float64Array;
  forest: Forest;
  nIter: number;
  /** Mean log loss on the training rows after each iteration (index 0: baseline only). */
  trainLoss: number[];
  /** The same on the validation rows, when early stopping ran. */
  validationLoss: number[];
}

// Hessian sums below this cannot support a Newton step (scikit-learn's min_hessian_to_split).
const MIN_HESSIAN = 1e-3;

class NodeList {
  feature: number[] = [];
  threshold: number[] = [];
  missingLeft: number[] = [];
  left: number[] = [];
  right: number[] = [];
  value: number[] = [];

  add(value: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.missingLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(value);
    return this.value.length - 1;
  }

  toForest(roots: number[]): Forest {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      missingLeft: Uint8Array.from(this.missingLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      roots: Int32Array.from(roots),
    };
  }
}

type Nodes = { [F in "feature" | "threshold" | "missingLeft" | "left" | "right" | "value"]: ArrayLike<number> };

/** Adds the output of the tree at `root` for every row of X to scores[i·K + column]. */
function addTreeScores(nodes: Nodes, root: number, X: Dense, scores: Float64Array, K: number, column: number): void {
  const { feature, threshold, missingLeft, left, right, value } = nodes;
  const d = X.nCols;
  for (let i = 0; i < X.nRows; i++) {
    let node = root;
    while (feature[node] >= 0) {
      const x = X.data[i * d + feature[node]];
      const goLeft = x === x ? x <= threshold[node] : missingLeft[node] === 1;
      node = goLeft ? left[node] : right[node];
    }
    scores[i * K + column] += value[node];
  }
}

/** Mean log loss of raw scores (one column: log-odds of class 1; else one per class). */
function meanLogLoss(raw: Float64Array, codes: Int32Array, K: number): number {
  let loss = 0;
  const n = codes.length;
  for (let i = 0; i < n; i++) {
    if (K === 1) {
      const z = raw[i];
      loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - codes[i] * z;
    } else {
      loss += logSumExp(raw, i * K, K) - raw[i * K + codes[i]];
    }
  }
  return loss / n;
}

interface Candidate {
  start: number;
  end: number;
  depth: number;
  node: number;
  G: number;
  H: number;
  /** Newton step −G/(H+λ) (0 for the root, whose step the baseline already took). */
  value: number;
  histogram: Float64Array;
  /** Bins ≤ bin go left; missing values go left when missingLeft. */
  split: { feature: number; bin: number; missingLeft: boolean; gain: number; GL: number; HL: number; nL: number } | null;
}

/** Grows one regression tree on binned features; keeps its buffers from tree to tree. */
class TreeGrower {
  private readonly samples: Int32Array;
  private readonly scratch: Int32Array;
  private readonly orderedG: Float32Array;
  private readonly orderedH: Float32Array;
  private readonly pool: Float64Array[] = [];
  /** Features with at least two bins, the only ones a split can use. */
  private readonly splittable: Int32Array;
  private readonly width: number;
  /** Per feature: 1 when the training rows have missing values in it. */
  private readonly hasMissing: Uint8Array;

  constructor(
    private readonly codes: Uint8Array,
    private readonly n: number,
    private readonly thresholds: Float64Array[],
    private readonly p: HistGradientBoostingClassifierParams,
  ) {
    this.hasMissing = Uint8Array.from(thresholds, (t, j) => {
      const code = missingBin(t);
      for (let i = 0; i < n; i++) if (codes[j * n + i] === code) return 1;
      return 0;
    });
    this.samples = new Int32Array(n);
    this.scratch = new Int32Array(n);
    this.orderedG = new Float32Array(n);
    this.orderedH = new Float32Array(n);
    this.splittable = Int32Array.from(thresholds.flatMap((t, j) => (t.length > 0 || this.hasMissing[j] ? [j] : [])));
    // Histogram slots per feature: (bins, then the missing-value bin) × (gradient sum, hessian sum, count).
    this.width = 3 * (Math.max(1, ...thresholds.map((t) => t.length)) + 2);
  }

  private take(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.thresholds.length * this.width);
  }

  private build(c: Candidate, g: Float32Array, h: Float32Array): void {
    const hist = c.histogram;
    const { samples, orderedG, orderedH, codes, n, width } = this;
    const count = c.end - c.start;
    for (let q = 0; q < count; q++) {
      const i = samples[c.start + q];
      orderedG[q] = g[i];
      orderedH[q] = h[i];
    }
    for (const f of this.splittable) {
      const base = f * width;
      hist.fill(0, base, base + width);
      const col = f * n;
      for (let q = 0; q < count; q++) {
        const at = base + 3 * codes[col + samples[c.start + q]];
        hist[at] += orderedG[q];
        hist[at + 1] += orderedH[q];
        hist[at + 2]++;
      }
    }
  }

  private findSplit(c: Candidate): void {
    const { minSamplesLeaf, l2Regularization: lambda } = this.p;
    const hist = c.histogram;
    const count = c.end - c.start;
    // Gain = loss before − loss after, a node's loss being G·v at its Newton value v = −G/(H+λ).
    // Written this way, a split of a pure node (every gradient equal) gains exactly nothing.
    const before = c.G * c.value;
    c.split = null;
    let bestGain = 0;
    const consider = (f: number, b: number, missingLeft: boolean, GL: number, HL: number, nL: number) => {
      const nR = count - nL;
      if (nL < minSamplesLeaf || nR < minSamplesLeaf) return;
      const HR = c.H - HL;
      if (HL < MIN_HESSIAN || HR < MIN_HESSIAN) return;
      const GR = c.G - GL;
      const gain = before - GL * (-GL / (HL + lambda)) - GR * (-GR / (HR + lambda));
      if (gain > bestGain) {
        bestGain = gain;
        c.split = { feature: f, bin: b, missingLeft, gain, GL, HL, nL };
      }
    };
    for (const f of this.splittable) {
      const base = f * this.width;
      const nBins = this.thresholds[f].length + 1;
      const missing = this.hasMissing[f] === 1;
      // Missing values to the right: left holds bins 0..b. With missing values the last candidate
      // (b = nBins − 1) splits the present values from the missing ones.
      let GL = 0;
      let HL = 0;
      let nL = 0;
      for (let b = 0; b < nBins - 1 + (missing ? 1 : 0); b++) {
        GL += hist[base + 3 * b];
        HL += hist[base + 3 * b + 1];
        nL += hist[base + 3 * b + 2];
        consider(f, b, false, GL, HL, nL);
      }
      if (!missing) continue;
      // Missing values to the left: right holds bins b+1..nBins−1, left the rest with the missing ones.
      let GR = 0;
      let HR = 0;
      let nR = 0;
      for (let b = nBins - 2; b >= 0; b--) {
        GR += hist[base + 3 * (b + 1)];
        HR += hist[base + 3 * (b + 1) + 1];
        nR += hist[base + 3 * (b + 1) + 2];
        consider(f, b, true, c.G - GR, c.H - HR, count - nR);
      }
    }
  }

  /** Grows a tree for gradients g and hessians h, adds it to `nodes`, and adds its leaf values to raw[i·K + column]. */
  grow(g: Float32Array, h: Float32Array, nodes: NodeList, raw: Float64Array, K: number, column: number): number {
    const { n, p } = this;
    const lambda = p.l2Regularization;
    const maxLeaves = p.maxLeafNodes ?? Infinity;
    const maxDepth = p.maxDepth ?? Infinity;
    for (let i = 0; i < n; i++) this.samples[i] = i;
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) {
      G += g[i];
      H += h[i];
    }
    const leaves: Candidate[] = [];
    const open: Candidate[] = [];
    const finish = (c: Candidate) => {
      // A root that cannot split keeps value 0: such a tree adds nothing.
      nodes.value[c.node] = p.learningRate * c.value;
      this.pool.push(c.histogram);
      leaves.push(c);
    };
    /** Finds a split for c if it may split, else makes it a leaf. */
    const consider = (c: Candidate) => {
      if (c.depth < maxDepth && c.end - c.start >= 2 * p.minSamplesLeaf) this.findSplit(c);
      if (c.split) open.push(c);
      else finish(c);
    };
    const root: Candidate = { start: 0, end: n, depth: 0, node: nodes.add(0), G, H, value: 0, histogram: this.take(), split: null };
    this.build(root, g, h);
    if (root.H >= MIN_HESSIAN) consider(root);
    else finish(root);
    let nLeaves = 1;
    while (open.length && nLeaves < maxLeaves) {
      let pick = 0;
      for (let t = 1; t < open.length; t++) if (open[t].split!.gain > open[pick].split!.gain) pick = t;
      const c = open.splice(pick, 1)[0];
      const s = c.split!;
      // Stable partition: samples whose bin is ≤ the split bin go left, missing ones where the split says.
      const col = s.feature * n;
      const missingCode = missingBin(this.thresholds[s.feature]);
      let l = c.start;
      let r = 0;
      for (let q = c.start; q < c.end; q++) {
        const i = this.samples[q];
        const code = this.codes[col + i];
        if (code === missingCode ? s.missingLeft : code <= s.bin) this.samples[l++] = i;
        else this.scratch[r++] = i;
      }
      this.samples.set(this.scratch.subarray(0, r), l);
      const left: Candidate = { start: c.start, end: l, depth: c.depth + 1, node: nodes.add(0), G: s.GL, H: s.HL, value: -s.GL / (s.HL + lambda), histogram: this.take(), split: null };
      const right: Candidate = { start: l, end: c.end, depth: c.depth + 1, node: nodes.add(0), G: c.G - s.GL, H: c.H - s.HL, value: -(c.G - s.GL) / (c.H - s.HL + lambda), histogram: c.histogram, split: null };
      nodes.feature[c.node] = s.feature;
      // The split of present from missing values has no threshold: every present value goes left.
      nodes.threshold[c.node] = s.bin < this.thresholds[s.feature].length ? this.thresholds[s.feature][s.bin] : Infinity;
      // A feature with no missing values in training sends them to the child with more samples (ties: right).
      nodes.missingLeft[c.node] = (this.hasMissing[s.feature] ? s.missingLeft : l - c.start > c.end - l) ? 1 : 0;
      nodes.left[c.node] = left.node;
      nodes.right[c.node] = right.node;
      nLeaves++;
      // Build the smaller child's histogram; the larger one's is the parent's minus it (in place).
      // (On a tie the right child is built, as scikit-learn does, which keeps sums in the same order.)
      const [small, large] = left.end - left.start < right.end - right.start ? [left, right] : [right, left];
      small.histogram = left.histogram;
      large.histogram = c.histogram;
      this.build(small, g, h);
      const ph = large.histogram;
      const sh = small.histogram;
      for (const f of this.splittable) {
        const base = f * this.width;
        for (let q = base; q < base + this.width; q++) ph[q] -= sh[q];
      }
      consider(left);
      consider(right);
    }
    for (const c of open) finish(c);
    for (const c of leaves) {
      const v = nodes.value[c.node];
      for (let q = c.start; q < c.end; q++) raw[this.samples[q] * K + column] += v;
    }
    return root.node;
  }
}

/** Stratified hold-out: about `fraction` of each class (at least one row in all), drawn with rng. */
function subsetRows(X: Dense, keep: (i: number) => boolean): Dense {
  const rows: number[] = [];
  for (let i = 0; i < X.nRows; i++) if (keep(i)) rows.push(i);
  const data = new Float64Array(rows.length * X.nCols);
  rows.forEach((i, r) => data.set(X.data.subarray(i * X.nCols, (i + 1) * X.nCols), r * X.nCols));
  return { nRows: rows.length, nCols: X.nCols, data };
}

export class HistGradientBoostingClassifier implements Classifier<DenseMatrix, HistGradientBoostingClassifierParams> {
  private readonly p: HistGradientBoostingClassifierParams;
  private fitted: BoostingState | undefined;

  constructor(params: Partial<HistGradientBoostingClassifierParams> = {}) {
    this.p = {
      learningRate: 0.1,
      maxIter: 100,
      maxLeafNodes: 31,
      maxDepth: null,
      minSamplesLeaf: 20,
      l2Regularization: 0,
      maxBins: 255,
      earlyStopping: "auto",
      scoring: "loss",
      validationFraction: 0.1,
      nIterNoChange: 10,
      tol: 1e-7,
      randomState: null,
      ...params,
    };
    const p = this.p;
    checkNumber("learningRate", p.learningRate, { min: 0, minExclusive: true });
    checkNumber("maxIter", p.maxIter, { min: 1, integer: true });
    checkNumber("maxLeafNodes", p.maxLeafNodes, { min: 2, integer: true, nullable: true });
    checkNumber("maxDepth", p.maxDepth, { min: 1, integer: true, nullable: true });
    checkNumber("minSamplesLeaf", p.minSamplesLeaf, { min: 1, integer: true });
    checkNumber("l2Regularization", p.l2Regularization, { min: 0 });
    checkNumber("maxBins", p.maxBins, { min: 2, max: 255, integer: true });
    checkOption("earlyStopping", p.earlyStopping, [true, false, "auto"] as const);
    checkOption("scoring", p.scoring, ["loss"] as const);
    checkNumber("validationFraction", p.validationFraction, { min: 0, max: 1, minExclusive: true });
    checkNumber("nIterNoChange", p.nIterNoChange, { min: 1, integer: true });
    checkNumber("tol", p.tol, { min: 0 });
    if (p.maxLeafNodes === null && p.maxDepth === null) {
      throw new InvalidInputError("maxLeafNodes and maxDepth are both null, so trees would grow until every leaf is tiny: set at least one");
    }
  }

  params(): HistGradientBoostingClassifierParams {
    return { ...this.p };
  }

  private get state(): BoostingState {
    if (!this.fitted) throw new NotFittedError("HistGradientBoostingClassifier");
    return this.fitted;
  }

  get classes(): readonly Label[] {
    return this.state.classes;
  }

  /** Boosting iterations actually run (fewer than maxIter when early stopping stopped it). */
  get nIter(): number {
    return this.state.nIter;
  }

  get trainLoss(): readonly number[] {
    return this.state.trainLoss;
  }

  /** Validation log loss per iteration (index 0: before any tree); empty without early stopping. */
  get validationLoss(): readonly number[] {
    return this.state.validationLoss;
  }

  fit(X: DenseMatrix, y: readonly Label[], options: HistGradientBoostingFitOptions = {}): this {
    const model = "HistGradientBoostingClassifier";
    // NaN is a missing value and ±Infinity lands in the outermost bins, as in scikit-learn.
    const all = toDense(X, { model, allowNaN: true, allowInfinite: true });
    const { classes, codes: allCodes } = encodeLabels(y, all.nRows, { model, minClasses: 2 });
    const K = classes.length === 2 ? 1 : classes.length;
    const rng = new Random(this.p.randomState ?? undefined);
    const hasValidationSet = options.Xval !== undefined || options.yval !== undefined;
    const early = this.p.earlyStopping === "auto" ? all.nRows > 10_000 || hasValidationSet : this.p.earlyStopping;
    if (hasValidationSet && !early) throw new InvalidInputError("fit got a validation set but earlyStopping is false: set earlyStopping to true or \"auto\" to use it");

    let train = all;
    let codes = allCodes;
    let val: { X: Dense; codes: Int32Array } | null = null;
    if (early && hasValidationSet) {
      if (!options.Xval || !options.yval) throw new InvalidInputError("pass both Xval and yval (the validation rows and their labels)");
      const Xval = toDense(options.Xval, { model, what: "Xval", nFeatures: all.nCols, allowNaN: true, allowInfinite: true });
      if (options.yval.length !== Xval.nRows) throw new InvalidInputError(`Xval has ${Xval.nRows} samples but yval has ${options.yval.length}: they must describe the same samples`);
      const index = labelIndex(classes);
      const valCodes = Int32Array.from(options.yval, (v) => {
        const k = index.get(v);
        if (k === undefined) throw new InvalidInputError(`yval holds ${JSON.stringify(v)}, a class not in y: validation labels must be among ${JSON.stringify(classes)}`);
        return k;
      });
      val = { X: Xval, codes: valCodes };
    } else if (early) {
      const held = holdOutMask(allCodes.length, this.p.validationFraction, rng, allCodes, classes.length);
      train = subsetRows(all, (i) => !held[i]);
      codes = allCodes.filter((_, i) => !held[i]);
      val = { X: subsetRows(all, (i) => held[i] === 1), codes: allCodes.filter((_, i) => held[i] === 1) };
    }

    const n = train.nRows;
    const thresholds = fitBins(train, this.p.maxBins, rng);
    const grower = new TreeGrower(applyBins(train, thresholds), n, thresholds, this.p);

    // Baseline: log-odds of class 1, or log class shares (centred; softmax ignores a shared shift).
    const share = new Float64Array(classes.length);
    for (const c of codes) share[c] += 1 / n;
    const clip = (v: number) => Math.min(Math.max(v, Number.EPSILON), 1 - Number.EPSILON);
    let baseline: Float64Array;
    if (K === 1) baseline = Float64Array.of(Math.log(clip(share[1]) / (1 - clip(share[1]))));
    else {
      const logs = Array.from(share, (s) => Math.log(clip(s)));
      const mean = logs.reduce((a, b) => a + b, 0) / K;
      baseline = Float64Array.from(logs, (l) => l - mean);
    }
    const raw = new Float64Array(n * K);
    for (let i = 0; i < n; i++) raw.set(baseline, i * K);
    const valRaw = val ? new Float64Array(val.X.nRows * K) : null;
    if (val) for (let i = 0; i < val.X.nRows; i++) valRaw!.set(baseline, i * K);

    const nodes = new NodeList();
    const roots: number[] = [];
    const trainLoss = [meanLogLoss(raw, codes, K)];
    const validationLoss = val ? [meanLogLoss(valRaw!, val.codes, K)] : [];
    // Gradients in single precision, as scikit-learn keeps them: half the memory traffic when
    // histograms are built, and sums still accumulate in double precision.
    const g = Array.from({ length: K }, () => new Float32Array(n));
    const h = Array.from({ length: K }, () => new Float32Array(n));
    const prob = new Float64Array(K);
    let nIter = 0;
    for (let iter = 0; iter < this.p.maxIter; iter++) {
      for (let i = 0; i < n; i++) {
        if (K === 1) {
          // With e = exp(−z): p = 1/(1+e), so p − 1 = −e/(1+e) and p(1−p) = e/(1+e)²; for very
          // negative z, e overflows and p ≈ exp(z) instead.
          const z = raw[i];
          if (z > -37) {
            const e = Math.exp(-z);
            g[0][i] = (codes[i] ? -e : 1) / (1 + e);
            h[0][i] = e / ((1 + e) * (1 + e));
          } else {
            const e = Math.exp(z);
            g[0][i] = e - codes[i];
            h[0][i] = e;
          }
        } else {
          let max = -Infinity;
          for (let k = 0; k < K; k++) max = Math.max(max, raw[i * K + k]);
          let sum = 0;
          for (let k = 0; k < K; k++) sum += prob[k] = Math.exp(raw[i * K + k] - max);
          for (let k = 0; k < K; k++) prob[k] /= sum;
          for (let k = 0; k < K; k++) {
            g[k][i] = prob[k] - (codes[i] === k ? 1 : 0);
            h[k][i] = prob[k] * (1 - prob[k]);
          }
        }
      }
      for (let k = 0; k < K; k++) {
        const root = grower.grow(g[k], h[k], nodes, raw, K, k);
        roots.push(root);
        if (val) addTreeScores(nodes, root, val.X, valRaw!, K, k);
      }
      nIter = iter + 1;
      trainLoss.push(meanLogLoss(raw, codes, K));
      if (val) {
        validationLoss.push(meanLogLoss(valRaw!, val.codes, K));
        if (this.shouldStop(validationLoss)) break;
      }
    }
    this.fitted = { classes, nFeatures: all.nCols, baseline, forest: nodes.toForest(roots), nIter, trainLoss, validationLoss };
    return this;
  }

  /** True when none of the last nIterNoChange iterations beat the loss just before them by more than tol. */
  private shouldStop(losses: number[]): boolean {
    const m = this.p.nIterNoChange;
    if (losses.length <= m) return false;
    const reference = losses[losses.length - m - 1] - this.p.tol;
    for (let t = losses.length - m; t < losses.length; t++) if (losses[t] < reference) return false;
    return true;
  }

  /** Raw scores: log-odds of classes[1] (one column) for two classes, else one column per class. */
  decisionFunction(X: DenseMatrix): number[][] {
    return rowsOf(this.scores(X), this.state.baseline.length);
  }

  private scores(X: DenseMatrix): Float64Array {
    const { baseline, forest, nFeatures } = this.state;
    const dense = toDense(X, { model: "HistGradientBoostingClassifier", nFeatures, allowNaN: true, allowInfinite: true });
    const K = baseline.length;
    const out = new Float64Array(dense.nRows * K);
    for (let i = 0; i < dense.nRows; i++) out.set(baseline, i * K);
    forest.roots.forEach((root, t) => addTreeScores(forest, root, dense, out, K, t % K));
    return out;
  }

  predictProba(X: DenseMatrix): number[][] {
    const scores = this.scores(X);
    const K = this.state.baseline.length;
    if (K > 1) return softmaxRows(scores, K);
    return Array.from(scores, (z) => {
      const p = sigmoid(z);
      return [1 - p, p];
    });
  }

  predict(X: DenseMatrix): Label[] {
    const scores = this.scores(X);
    const { classes } = this.state;
    const K = this.state.baseline.length;
    if (K === 1) return Array.from(scores, (z) => classes[z > 0 ? 1 : 0]);
    return Array.from({ length: scores.length / K }, (_, i) => classes[argmax(scores, i * K, K)]);
  }

  toJSON(): SerializedModel<HistGradientBoostingClassifierParams> {
    const s = this.fitted;
    const f = s?.forest;
    return serializeModel(
      "HistGradientBoostingClassifier",
      this.params(),
      s && {
        classes: s.classes,
        nFeatures: s.nFeatures,
        baseline: plainArray(s.baseline),
        nIter: s.nIter,
        trainLoss: s.trainLoss,
        validationLoss: s.validationLoss,
        forest: {
          feature: plainArray(f!.feature),
          // ±Infinity (a split of present from missing values, or on infinite values) is not JSON: kept as text.
          threshold: Array.from(f!.threshold, (t) => (Number.isFinite(t) ? t : String(t))),
          missingLeft: plainArray(f!.missingLeft),
          left: plainArray(f!.left),
          right: plainArray(f!.right),
          value: plainArray(f!.value),
          roots: plainArray(f!.roots),
        },
      },
    );
  }

  static fromJSON(json: unknown): HistGradientBoostingClassifier {
    const saved = readSerialized<HistGradientBoostingClassifierParams, any>(json, "HistGradientBoostingClassifier");
    const model = new HistGradientBoostingClassifier(saved.params);
    const s = saved.state;
    if (s) {
      const f = s.forest;
      model.fitted = {
        ...s,
        baseline: Float64Array.from(s.baseline),
        forest: {
          feature: Int32Array.from(f.feature),
          threshold: Float64Array.from(f.threshold as (number | string)[], (t) => Number(t)),
          // Saved before missing values were supported: no split saw one.
          missingLeft: f.missingLeft ? Uint8Array.from(f.missingLeft) : new Uint8Array(f.feature.length),
          left: Int32Array.from(f.left),
          right: Int32Array.from(f.right),
          value: Float64Array.from(f.value),
          roots: Int32Array.from(f.roots),
        },
      };
    }
    return model;
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    const stopped = s && s.nIter < this.p.maxIter ? " (early stopping)" : "";
    return modelBundle("HistGradientBoostingClassifier", this.p, s ? `fitted: ${s.classes.length} classes, ${s.nFeatures} features, ${s.nIter} iterations${stopped}, ${s.forest.roots.length} trees` : null);
  }
}

registerModel("HistGradientBoostingClassifier", (json) => HistGradientBoostingClassifier.fromJSON(json));
