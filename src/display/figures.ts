// Plotly figures for model development: learning curves, confusion-matrix heatmaps, ROC and PR
// curves, metric bars, histograms and bar charts. Each displays itself as
// application/vnd.plotly.v1+json with a text/plain summary that says what a chart would show.
import { MIME, type MimeBundle } from "./index";
import { InvalidInputError } from "../errors";
import { type Label, uniqueLabels } from "../labels";
import { auc, averagePrecision, precisionRecallCurve, rocCurve, type ConfusionMatrix } from "../metrics";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export interface FigureSpec {
  data: unknown[];
  layout: Record<string, unknown>;
}

/** A plotly figure that displays itself; `summary` is the text/plain fallback (default: title and trace count). */
export class Figure {
  constructor(readonly spec: FigureSpec, readonly summary?: string) {}
  [MIME](): MimeBundle {
    const title = (this.spec.layout.title as { text?: string } | undefined)?.text ?? "figure";
    return { [PLOTLY_MIME]: this.spec, "text/plain": this.summary ?? `<${title}: ${this.spec.data.length} trace(s)>` };
  }
}

const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));
const axis = (text: string | undefined, extra: Record<string, unknown> = {}) => ({ ...(text ? { title: { text } } : {}), ...extra });

function checkNumbers(values: ArrayLike<number>, what: string, allowNaN = false): void {
  if (values == null || typeof values.length !== "number") throw new InvalidInputError(`${what} must be an array of numbers`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || (!allowNaN && !Number.isFinite(v))) throw new InvalidInputError(`${what}[${i}] is ${JSON.stringify(v) ?? String(v)}: give finite numbers`);
  }
}

// ---------------------------------------------------------------------------------------------

export interface Series {
  name: string;
  x?: readonly (number | string)[];
  y: readonly number[];
}

export interface ChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  height?: number;
}

/** Lines, one per series (x defaults to 0, 1, 2 …); NaN points leave gaps. */
export function lineChart(series: readonly Series[], options: ChartOptions = {}): Figure {
  if (!Array.isArray(series) || series.length === 0) throw new InvalidInputError("lineChart needs at least one series: [{ name, x?, y }]");
  const data = series.map((s, k) => {
    if (!s || !Array.isArray(s.y)) throw new InvalidInputError(`series ${k} has no y: give { name, x?, y: number[] }`);
    checkNumbers(s.y, `series ${k} (${s.name}) y`, true);
    const y: readonly number[] = s.y;
    const x = s.x ?? y.map((_, i) => i);
    if (x.length !== s.y.length) throw new InvalidInputError(`series ${k} (${s.name}) has ${x.length} x values but ${s.y.length} y values`);
    return { type: "scatter", mode: s.y.length > 1 ? "lines+markers" : "markers", name: String(s.name), x: [...x], y: y.map((v) => (Number.isFinite(v) ? v : null)) };
  });
  const title = options.title ?? "Line chart";
  const summary = [`${title}:`, ...series.map((s) => {
    const finite = s.y.filter(Number.isFinite);
    return `  ${s.name}: ${s.y.length} points, last ${fmt(s.y[s.y.length - 1])}${finite.length ? `, min ${fmt(Math.min(...finite))}, max ${fmt(Math.max(...finite))}` : ""}`;
  })].join("\n");
  return new Figure({ data, layout: { title: { text: title }, xaxis: axis(options.xTitle), yaxis: axis(options.yTitle), height: options.height ?? 360 } }, summary);
}

export interface LearningCurveInput {
  /** Training-set sizes. */
  sizes: readonly number[];
  /** A score per size, or the scores of several folds per size (shown as mean ± standard deviation). */
  train: readonly number[] | readonly (readonly number[])[];
  validation: readonly number[] | readonly (readonly number[])[];
  metric?: string;
}

function meanStd(values: readonly number[] | readonly (readonly number[])[], n: number, what: string): { mean: number[]; std: number[] | null } {
  if (!Array.isArray(values) || values.length !== n) throw new InvalidInputError(`${what} needs one entry per training size (${n}), got ${Array.isArray(values) ? values.length : typeof values}`);
  if (!Array.isArray(values[0])) {
    checkNumbers(values as number[], what, true);
    return { mean: [...(values as number[])], std: null };
  }
  const rows = values as readonly (readonly number[])[];
  rows.forEach((r, i) => checkNumbers(r, `${what}[${i}]`, true));
  const mean = rows.map((r) => r.reduce((a, b) => a + b, 0) / r.length);
  const std = rows.map((r, i) => Math.sqrt(r.reduce((a, b) => a + (b - mean[i]) ** 2, 0) / r.length));
  return { mean, std };
}

/** Train vs validation score against training-set size: the gap shows variance, a low plateau bias. */
export function learningCurveFigure(input: LearningCurveInput, options: ChartOptions = {}): Figure {
  const { sizes, metric = "score" } = input;
  if (!Array.isArray(sizes) || sizes.length === 0) throw new InvalidInputError("learningCurveFigure needs sizes: the training-set sizes, one per point");
  checkNumbers(sizes, "sizes");
  const train = meanStd(input.train, sizes.length, "train");
  const val = meanStd(input.validation, sizes.length, "validation");
  const trace = (name: string, s: { mean: number[]; std: number[] | null }) => ({
    type: "scatter", mode: "lines+markers", name, x: [...sizes], y: s.mean,
    ...(s.std ? { error_y: { type: "data", array: s.std, visible: true } } : {}),
  });
  const last = sizes.length - 1;
  const gap = train.mean[last] - val.mean[last];
  const title = options.title ?? `Learning curve (${metric})`;
  const summary = `${title}: at ${sizes[last]} samples train ${fmt(train.mean[last])}, validation ${fmt(val.mean[last])} (gap ${fmt(gap)}); ` +
    `at ${sizes[0]} samples train ${fmt(train.mean[0])}, validation ${fmt(val.mean[0])}`;
  return new Figure({
    data: [trace("train", train), trace("validation", val)],
    layout: { title: { text: title }, xaxis: axis(options.xTitle ?? "training examples"), yaxis: axis(options.yTitle ?? metric), height: options.height ?? 360 },
  }, summary);
}

// ---------------------------------------------------------------------------------------------

/** A heatmap of counts (true label down, predicted across), each cell labelled with its count. */
export function confusionMatrixFigure(cm: ConfusionMatrix | { labels: readonly Label[]; matrix: readonly (readonly number[])[] }, options: ChartOptions = {}): Figure {
  if (!cm || !Array.isArray(cm.labels) || !Array.isArray(cm.matrix) || cm.matrix.length !== cm.labels.length) {
    throw new InvalidInputError("confusionMatrixFigure takes confusionMatrix(yTrue, yPred) (labels and a square matrix)");
  }
  const labels = cm.labels.map(String);
  const z = cm.matrix.map((r) => [...r]);
  const counts = z.every((r) => r.every(Number.isInteger));
  const title = options.title ?? "Confusion matrix";
  const total = z.flat().reduce((a, b) => a + b, 0);
  const diagonal = z.reduce((a, r, i) => a + r[i], 0);
  const worst = z.flatMap((r, i) => r.map((v, j) => ({ v, i, j }))).filter((c) => c.i !== c.j && c.v > 0).sort((a, b) => b.v - a.v)[0];
  const summary = `${title}: ${labels.length} labels, ${counts ? `${diagonal} of ${total} on the diagonal` : `diagonal sum ${fmt(diagonal)}`}` +
    (worst ? `; most confused: true ${labels[worst.i]} predicted as ${labels[worst.j]} (${fmt(worst.v)})` : "");
  return new Figure({
    data: [{
      // plotly.js's "Blues" runs dark to light: reversed, an empty cell is light and a full one dark.
      type: "heatmap", x: labels, y: labels, z, colorscale: "Blues", reversescale: true, hoverongaps: false,
      texttemplate: counts ? "%{z}" : "%{z:.2f}", hovertemplate: "true %{y}<br>predicted %{x}<br>%{z}<extra></extra>",
    }],
    layout: {
      title: { text: title },
      xaxis: axis(options.xTitle ?? "predicted", { type: "category" }),
      yaxis: axis(options.yTitle ?? "true", { type: "category", autorange: "reversed" }),
      height: options.height ?? Math.max(300, 60 + 36 * labels.length),
    },
  }, summary);
}

// ---------------------------------------------------------------------------------------------

/** Scores of one model: one score per sample (binary), or a probability row per sample (a curve per class). */
export interface CurveInput {
  yTrue: readonly Label[];
  yScore: readonly number[] | readonly (readonly number[])[];
  /** The positive label for binary scores (default: 1, or the larger of two labels). */
  posLabel?: Label;
  /** Column labels of a score matrix (default: the sorted labels of yTrue). */
  classes?: readonly Label[];
  /** The model's name in the legend. */
  name?: string;
}

interface Binary {
  name: string;
  yTrue: readonly Label[];
  scores: number[];
  posLabel: Label;
}

/** Splits a model's scores into binary (positive-vs-rest) problems, one per curve to draw. */
function binaryProblems(input: CurveInput, many: boolean): Binary[] {
  const { yTrue, yScore } = input;
  if (!Array.isArray(yTrue) || !Array.isArray(yScore)) throw new InvalidInputError("give yTrue (labels) and yScore (scores or probability rows) as arrays");
  const prefix = input.name ?? (many ? "model" : "");
  const named = (suffix: string) => [prefix, suffix].filter(Boolean).join(" · ") || "model";
  if (!Array.isArray(yScore[0])) {
    const classes = uniqueLabels(yTrue);
    const posLabel = input.posLabel ?? (classes.includes(1) ? 1 : classes[classes.length - 1]);
    return [{ name: named(""), yTrue, scores: yScore as number[], posLabel }];
  }
  const rows = yScore as readonly (readonly number[])[];
  const classes = input.classes ?? uniqueLabels(yTrue);
  if (rows[0].length !== classes.length) {
    throw new InvalidInputError(`yScore has ${rows[0].length} columns but there are ${classes.length} classes (${JSON.stringify(classes.slice(0, 10))}): pass classes in column order (e.g. model.classes)`);
  }
  const column = (k: number) => rows.map((r) => r[k]);
  if (classes.length === 2 && input.posLabel === undefined) return [{ name: named(""), yTrue, scores: column(1), posLabel: classes[1] }];
  if (input.posLabel !== undefined) {
    const k = classes.indexOf(input.posLabel);
    if (k < 0) throw new InvalidInputError(`posLabel ${JSON.stringify(input.posLabel)} is not one of the classes ${JSON.stringify(classes)}`);
    return [{ name: named(""), yTrue, scores: column(k), posLabel: input.posLabel }];
  }
  return classes.map((c, k) => ({ name: named(String(c)), yTrue, scores: column(k), posLabel: c }));
}

function curveInputs(a: CurveInput | readonly CurveInput[] | readonly Label[], b?: CurveInput["yScore"], o?: Omit<CurveInput, "yTrue" | "yScore">): CurveInput[] {
  if (b !== undefined) return [{ ...o, yTrue: a as readonly Label[], yScore: b }];
  const list = Array.isArray(a) ? (a as CurveInput[]) : [a as CurveInput];
  if (!list.length || typeof list[0] !== "object" || list[0] === null || !("yTrue" in list[0])) {
    throw new InvalidInputError("give (yTrue, yScore) or { yTrue, yScore, name } per model");
  }
  return list;
}

/** The ROC curve of each model (or each class, one-vs-rest), with its AUC in the legend, and the chance line. */
export function rocFigure(yTrue: readonly Label[], yScore: CurveInput["yScore"], options?: Omit<CurveInput, "yTrue" | "yScore">): Figure;
export function rocFigure(models: CurveInput | readonly CurveInput[]): Figure;
export function rocFigure(a: CurveInput | readonly CurveInput[] | readonly Label[], b?: CurveInput["yScore"], o?: Omit<CurveInput, "yTrue" | "yScore">): Figure {
  const inputs = curveInputs(a, b, o);
  const problems = inputs.flatMap((i) => binaryProblems(i, inputs.length > 1));
  const lines: string[] = [];
  const data: unknown[] = problems.map((p) => {
    const c = rocCurve(p.yTrue, p.scores, { posLabel: p.posLabel, onWarning: () => {} });
    const area = auc(c.fpr, c.tpr);
    lines.push(`  ${p.name}: AUC = ${fmt(area)}`);
    return { type: "scatter", mode: "lines", name: `${p.name} (AUC = ${area.toFixed(3)})`, x: c.fpr, y: c.tpr, line: { shape: "linear" }, meta: { auc: area } };
  });
  data.push({ type: "scatter", mode: "lines", name: "chance (AUC = 0.5)", x: [0, 1], y: [0, 1], line: { dash: "dash", color: "gray" }, hoverinfo: "skip" });
  return new Figure({
    data,
    layout: {
      title: { text: "ROC curve" }, xaxis: axis("false positive rate", { range: [0, 1] }), yaxis: axis("true positive rate", { range: [0, 1.02] }),
      height: 400, legend: { x: 0.98, xanchor: "right", y: 0.02, yanchor: "bottom" },
    },
  }, ["ROC curve:", ...lines].join("\n"));
}

/** The precision-recall curve of each model (or class), with its average precision in the legend and the positive rate as baseline. */
export function prFigure(yTrue: readonly Label[], yScore: CurveInput["yScore"], options?: Omit<CurveInput, "yTrue" | "yScore">): Figure;
export function prFigure(models: CurveInput | readonly CurveInput[]): Figure;
export function prFigure(a: CurveInput | readonly CurveInput[] | readonly Label[], b?: CurveInput["yScore"], o?: Omit<CurveInput, "yTrue" | "yScore">): Figure {
  const inputs = curveInputs(a, b, o);
  const problems = inputs.flatMap((i) => binaryProblems(i, inputs.length > 1));
  const lines: string[] = [];
  const data: unknown[] = [];
  for (const p of problems) {
    const c = precisionRecallCurve(p.yTrue, p.scores, { posLabel: p.posLabel, onWarning: () => {} });
    const positive = p.yTrue.map((v) => (v === p.posLabel ? 1 : 0));
    const ap = averagePrecision(positive, p.scores);
    const rate = positive.reduce((s: number, v) => s + v, 0) / positive.length;
    lines.push(`  ${p.name}: AP = ${fmt(ap)} (positive rate ${fmt(rate)})`);
    // A step function, as average precision sums it: precision holds until recall drops.
    data.push({ type: "scatter", mode: "lines", name: `${p.name} (AP = ${ap.toFixed(3)})`, x: c.recall, y: c.precision, line: { shape: "vh" }, meta: { ap, positiveRate: rate } });
  }
  if (problems.length === 1) {
    const rate = (data[0] as { meta: { positiveRate: number } }).meta.positiveRate;
    data.push({ type: "scatter", mode: "lines", name: `chance (AP = ${rate.toFixed(3)})`, x: [0, 1], y: [rate, rate], line: { dash: "dash", color: "gray" }, hoverinfo: "skip" });
  }
  return new Figure({
    data,
    layout: { title: { text: "Precision-recall curve" }, xaxis: axis("recall", { range: [0, 1] }), yaxis: axis("precision", { range: [0, 1.02] }), height: 400 },
  }, ["Precision-recall curve:", ...lines].join("\n"));
}

// ---------------------------------------------------------------------------------------------

/** Something with a name and a score: `{ name, value }`, or a run with `metrics[metric]` (a number or a summary with `last`). */
export type BarItem = { name: string; value: number; group?: string } | { name: string; metrics: Record<string, number | { last: number }>; tags?: readonly string[] };

export interface MetricBarsOptions extends ChartOptions {
  metric?: string;
  /** Which direction is better: bars are sorted best first. */
  goal?: "min" | "max";
}

/** Horizontal bars of one metric per model or run, best on top (a leaderboard at a glance). */
export function metricBars(items: readonly BarItem[] | { runs: readonly BarItem[] }, options: MetricBarsOptions = {}): Figure {
  const list = Array.isArray(items) ? items : (items as { runs?: readonly BarItem[] })?.runs;
  if (!Array.isArray(list) || list.length === 0) throw new InvalidInputError("metricBars needs at least one { name, value } (or runs with metrics)");
  const metric = options.metric;
  const rows = list.map((it, i) => {
    if ("value" in it) {
      if (typeof it.value !== "number") throw new InvalidInputError(`item ${i} (${it.name}) has value ${JSON.stringify(it.value)}: give a number`);
      return { name: String(it.name), value: it.value, group: it.group };
    }
    if (!metric) throw new InvalidInputError("metricBars over runs needs the metric to show: metricBars(runs, { metric: 'macro_f1' })");
    const m = it.metrics?.[metric];
    const value = typeof m === "number" ? m : m && typeof m.last === "number" ? m.last : NaN;
    const group = it.tags?.includes("reference") ? "reference" : it.tags?.includes("baseline") ? "baseline" : "model";
    return { name: String(it.name), value, group };
  }).filter((r) => Number.isFinite(r.value));
  if (!rows.length) throw new InvalidInputError(`none of the items has a finite ${metric ?? "value"} to show`);
  const goal = options.goal ?? "max";
  rows.sort((a, b) => (goal === "max" ? b.value - a.value : a.value - b.value));
  const colors: Record<string, string> = { baseline: "#9e9e9e", reference: "#ef6c00", model: "#1f77b4" };
  const title = options.title ?? (metric ? `${metric} by run` : "Scores");
  // Plotly draws the first category at the bottom of a horizontal bar chart: reverse so the best is on top.
  const shown = [...rows].reverse();
  const width = Math.max(...rows.map((r) => r.name.length));
  const top = Math.max(...rows.map((r) => Math.abs(r.value))) || 1;
  const summary = [`${title} (${goal === "max" ? "higher" : "lower"} is better):`, ...rows.map((r) =>
    `  ${r.name.padEnd(width)}  ${fmt(r.value).padStart(8)}  ${"█".repeat(Math.round((20 * Math.abs(r.value)) / top))}${r.group && r.group !== "model" ? `  (${r.group})` : ""}`)].join("\n");
  return new Figure({
    data: [{
      type: "bar", orientation: "h", x: shown.map((r) => r.value), y: shown.map((r) => r.name),
      text: shown.map((r) => fmt(r.value)), textposition: "auto",
      marker: { color: shown.map((r) => colors[r.group ?? "model"] ?? colors.model) },
    }],
    layout: { title: { text: title }, xaxis: axis(options.xTitle ?? metric ?? "value"), yaxis: axis(options.yTitle, { type: "category", automargin: true }), height: options.height ?? Math.max(240, 80 + 28 * rows.length) },
  }, summary);
}

// ---------------------------------------------------------------------------------------------

export interface HistogramOptions extends ChartOptions {
  /** Number of equal-width bins (default: Sturges' rule, as numpy's "sturges"). */
  bins?: number;
}

/** Equal-width bins over the values (e.g. text lengths), with the counts in the summary. */
export function histogram(values: readonly number[], options: HistogramOptions = {}): Figure {
  if (!Array.isArray(values) || values.length === 0) throw new InvalidInputError("histogram needs a non-empty array of numbers");
  checkNumbers(values, "values");
  const n = values.length;
  const bins = options.bins ?? Math.ceil(Math.log2(n) + 1);
  if (!Number.isInteger(bins) || bins < 1) throw new InvalidInputError(`bins must be a whole number ≥ 1 (got ${options.bins})`);
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const size = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  // Half-open bins [a, b), the last one closed, as numpy.histogram.
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / size))]++;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * size));
  const title = options.title ?? "Histogram";
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sorted = [...values].sort((a, b) => a - b);
  const median = n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const peak = Math.max(...counts);
  const summary = [`${title}: ${n} values, min ${fmt(lo)}, median ${fmt(median)}, mean ${fmt(mean)}, max ${fmt(sorted[n - 1])}`,
    ...counts.map((c, i) => `  [${fmt(edges[i])}, ${fmt(edges[i + 1])}${i === bins - 1 ? "]" : ")"}  ${String(c).padStart(6)}  ${"█".repeat(Math.round((30 * c) / peak))}`)].join("\n");
  return new Figure({
    data: [{ type: "bar", x: edges.slice(0, -1).map((e) => e + size / 2), y: counts, width: size, name: "count", customdata: edges.slice(0, -1).map((e, i) => [e, edges[i + 1]]),
      hovertemplate: "[%{customdata[0]:.4g}, %{customdata[1]:.4g}): %{y}<extra></extra>", marker: { line: { width: 1, color: "white" } } }],
    layout: { title: { text: title }, xaxis: axis(options.xTitle), yaxis: axis(options.yTitle ?? "count"), bargap: 0, height: options.height ?? 320 },
  }, summary);
}

/**
 * Bars of counts or values per category: a `{ label: count }` object or Map, or the raw labels
 * (label sets count every label), e.g. label frequencies. Sorted by size, largest first.
 */
export function barChart(data: Record<string, number> | ReadonlyMap<Label, number> | readonly (Label | readonly Label[])[], options: ChartOptions & { sort?: boolean } = {}): Figure {
  let entries: Array<[string, number]>;
  if (Array.isArray(data)) {
    const counts = new Map<string, number>();
    for (const v of data) for (const label of Array.isArray(v) ? v : [v]) counts.set(String(label), (counts.get(String(label)) ?? 0) + 1);
    entries = [...counts];
  } else if (data instanceof Map) entries = [...data].map(([k, v]) => [String(k), v]);
  else if (data && typeof data === "object") entries = Object.entries(data as Record<string, number>);
  else throw new InvalidInputError("barChart takes { label: count }, a Map, or an array of labels to count");
  if (!entries.length) throw new InvalidInputError("barChart has nothing to show: the data is empty");
  entries.forEach(([k, v]) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidInputError(`the value of ${JSON.stringify(k)} is ${JSON.stringify(v)}: give finite numbers`);
  });
  if (options.sort ?? true) entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const title = options.title ?? "Counts";
  const total = entries.reduce((a, [, v]) => a + v, 0);
  const width = Math.max(...entries.map(([k]) => k.length));
  const summary = [`${title}: ${entries.length} categories, total ${fmt(total)}`, ...entries.slice(0, 30).map(([k, v]) => `  ${k.padEnd(width)}  ${fmt(v).padStart(7)}  ${total > 0 ? `${((100 * v) / total).toFixed(1)}%` : ""}`),
    ...(entries.length > 30 ? [`  … ${entries.length - 30} more`] : [])].join("\n");
  return new Figure({
    data: [{ type: "bar", x: entries.map(([k]) => k), y: entries.map(([, v]) => v), text: entries.map(([, v]) => fmt(v)), textposition: "auto" }],
    layout: { title: { text: title }, xaxis: axis(options.xTitle, { type: "category" }), yaxis: axis(options.yTitle ?? "count"), height: options.height ?? 360 },
  }, summary);
}
