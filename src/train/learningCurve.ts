// Learning curves: fit on growing subsets of the training rows and score on the rows used and on
// held-out rows. High error on both means bias (a bigger model or better features help); a gap that
// closes slowly as data grows means variance (more data or regularisation help). Works with any
// estimator that has fit and predict, from src/models, src/baselines or src/neural.
import { InvalidInputError } from "../errors";
import { rowCount, takeRows } from "../data/table";
import { accuracy } from "../metrics";
import { MIME, type MimeBundle } from "../display";
import { escapeHtml } from "../metrics/render";
import { Random } from "../random";
import { withoutAutolog } from "../models/autolog";

export interface Predictor<X> {
  fit(X: X, y: any): unknown;
  predict(X: X): unknown[];
}

export interface LearningCurveOptions<X> {
  /** Training-set sizes: proportions in (0, 1] of the training rows, or whole counts. */
  sizes?: readonly number[];
  /** k-fold cross-validation (default 5) … */
  cv?: number;
  /** … or one fixed validation set instead. */
  validation?: { X: X; y: readonly unknown[] };
  /** score(yTrue, yPred), higher is better; accuracy by default (subset accuracy for label sets). */
  score?: (yTrue: any[], yPred: any[]) => number;
  scoreName?: string;
  /** Seeds the fold assignment and the order rows are added in. */
  seed?: number;
}

function shuffled(n: number, rng: Random): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export class LearningCurve {
  constructor(
    readonly scoreName: string,
    /** Training rows used at each point. */
    readonly sizes: number[],
    /** [size][fold] scores on the rows trained on and on the held-out rows. */
    readonly trainScores: number[][],
    readonly validationScores: number[][],
  ) {}

  get trainMean(): number[] {
    return this.trainScores.map(mean);
  }

  get validationMean(): number[] {
    return this.validationScores.map(mean);
  }

  /** A plotly figure: mean train and validation score against training-set size, with ± 1 std bands as error bars. */
  figure(): { data: object[]; layout: object } {
    const trace = (name: string, scores: number[][]) => ({
      type: "scatter",
      mode: "lines+markers",
      name,
      x: this.sizes,
      y: scores.map(mean),
      error_y: { type: "data", array: scores.map(std), visible: true },
    });
    return {
      data: [trace("train", this.trainScores), trace("validation", this.validationScores)],
      layout: { title: { text: "Learning curve" }, xaxis: { title: { text: "training samples" } }, yaxis: { title: { text: this.scoreName } } },
    };
  }

  [MIME](): MimeBundle {
    const rows = this.sizes.map((n, i) => [String(n), this.trainMean[i].toFixed(4), this.validationMean[i].toFixed(4), (this.trainMean[i] - this.validationMean[i]).toFixed(4)]);
    const head = ["samples", `train ${this.scoreName}`, `validation ${this.scoreName}`, "gap"];
    const text = [head, ...rows].map((r) => r.map((c) => c.padStart(12)).join(" ")).join("\n");
    const html = `<table class="modelbench-table"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`)
      .join("")}</tbody></table>`;
    return { "application/vnd.plotly.v1+json": this.figure(), "text/html": html, "text/plain": text };
  }
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};

/**
 * Train and validation scores against training-set size. `makeEstimator` returns a fresh unfitted
 * estimator each time (e.g. `() => new LogisticRegression({ C: 10 })`).
 */
export function learningCurve<X>(makeEstimator: () => Predictor<X>, X: X, y: readonly unknown[], options: LearningCurveOptions<X> = {}): LearningCurve {
  if (typeof makeEstimator !== "function") throw new InvalidInputError("learningCurve takes a function that makes a fresh estimator, e.g. () => new LogisticRegression()");
  const n = rowCount(X);
  if (!Array.isArray(y) || y.length !== n) throw new InvalidInputError(`X has ${n} samples but y has ${(y as unknown[])?.length}: they must describe the same samples`);
  const score = options.score ?? ((a: any[], b: any[]) => accuracy(a, b));
  const rng = new Random(options.seed ?? 0);
  // Each split: training rows (in a random order, so a prefix is a random subset) and held-out rows.
  let splits: { train: number[]; held: { X: X; y: unknown[] } }[];
  if (options.validation) {
    if (options.cv !== undefined) throw new InvalidInputError("give either cv or validation, not both");
    splits = [{ train: shuffled(n, rng), held: { X: options.validation.X, y: [...options.validation.y] } }];
  } else {
    const k = options.cv ?? 5;
    if (!Number.isInteger(k) || k < 2 || k > n) throw new InvalidInputError(`cv must be a whole number of folds from 2 to the number of samples (${n}), got ${k}`);
    const order = shuffled(n, rng);
    splits = Array.from({ length: k }, (_, f) => {
      const held = order.filter((_, i) => i % k === f);
      const train = order.filter((_, i) => i % k !== f);
      return { train, held: { X: takeRows(X, held), y: held.map((i) => y[i]) } };
    });
  }
  const maxTrain = Math.min(...splits.map((s) => s.train.length));
  const sizes = (options.sizes ?? [0.1, 0.325, 0.55, 0.775, 1]).map((s) => {
    if (!(s > 0)) throw new InvalidInputError(`training sizes must be > 0, got ${s}`);
    const count = s <= 1 && !Number.isInteger(s) ? Math.round(s * maxTrain) : s === 1 ? maxTrain : s;
    if (!Number.isInteger(count) || count > maxTrain) throw new InvalidInputError(`training size ${s} is more than the ${maxTrain} training rows available per split`);
    return Math.max(1, count);
  });
  const trainScores: number[][] = [];
  const validationScores: number[][] = [];
  for (const size of sizes) {
    const tr: number[] = [];
    const va: number[] = [];
    for (const split of splits) {
      const rows = split.train.slice(0, size);
      const Xs = takeRows(X, rows);
      const ys = rows.map((i) => y[i]);
      const model = makeEstimator();
      withoutAutolog(() => model.fit(Xs, ys)); // refits for a curve are not fits to log
      tr.push(score(ys, model.predict(Xs)));
      va.push(score(split.held.y, model.predict(split.held.X)));
    }
    trainScores.push(tr);
    validationScores.push(va);
  }
  return new LearningCurve(options.scoreName ?? (options.score ? "score" : "accuracy"), sizes, trainScores, validationScores);
}
