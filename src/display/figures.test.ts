import { test } from "node:test";
import assert from "node:assert/strict";
import { MIME, toDisplayOutput } from "./index";
import { PLOTLY_MIME, barChart, confusionMatrixFigure, histogram, learningCurveFigure, lineChart, metricBars, prFigure, rocFigure } from "./figures";
import { averagePrecision, confusionMatrix, rocAuc, rocCurve } from "../metrics";
import { Random } from "../random";
import { InvalidInputError } from "../errors";

const rng = new Random(7);
// A noisy binary problem: scores rise with the label but overlap.
const yBin = Array.from({ length: 200 }, () => (rng.float() < 0.4 ? 1 : 0));
const score = yBin.map((y) => y * 0.6 + rng.float());

function traces(fig: { [MIME](): Record<string, unknown> }): any[] {
  return (fig[MIME]()[PLOTLY_MIME] as { data: any[] }).data;
}

test("rocFigure draws sklearn's curve with the AUC of rocAuc in the legend", () => {
  const fig = rocFigure(yBin, score, { name: "noisy" });
  const [curve, chance] = traces(fig);
  const c = rocCurve(yBin, score);
  assert.deepEqual(curve.x, c.fpr);
  assert.deepEqual(curve.y, c.tpr);
  const expected = rocAuc(yBin, score);
  assert.ok(Math.abs(curve.meta.auc - expected) < 1e-12);
  assert.equal(curve.name, `noisy (AUC = ${expected.toFixed(3)})`);
  assert.deepEqual(chance.x, [0, 1]);
  const out = toDisplayOutput(fig);
  assert.match(String(out.data["text/plain"]), new RegExp(`noisy: AUC = ${String(Number(expected.toPrecision(4))).replace(".", "\\.")}`));
});

test("rocFigure over probability rows draws one curve per class (one-vs-rest) and overlays models", () => {
  const y = ["a", "b", "c", "a", "b", "c", "a", "c"];
  const proba = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.4, 0.4, 0.2], [0.3, 0.3, 0.4], [0.2, 0.2, 0.6], [0.5, 0.1, 0.4], [0.3, 0.4, 0.3]];
  const perClass = traces(rocFigure(y, proba)).slice(0, 3);
  const aucs = rocAuc(y, proba, { average: null, multiClass: "ovr" }) as number[];
  perClass.forEach((t, k) => assert.ok(Math.abs(t.meta.auc - aucs[k]) < 1e-12, t.name));
  assert.deepEqual(perClass.map((t) => t.name.split(" ")[0]), ["a", "b", "c"]);
  const two = traces(rocFigure([{ name: "m1", yTrue: yBin, yScore: score }, { name: "m2", yTrue: yBin, yScore: score.map((s) => -s) }]));
  assert.equal(two.length, 3);
  assert.ok(Math.abs(two[0].meta.auc + two[1].meta.auc - 1) < 1e-12, "reversed scores mirror the AUC");
  assert.throws(() => rocFigure(y, proba, { classes: ["a", "b"] }), /3 columns but there are 2 classes/);
});

test("prFigure shows average precision and the positive rate as the chance line", () => {
  const [curve, chance] = traces(prFigure(yBin, score));
  assert.ok(Math.abs(curve.meta.ap - averagePrecision(yBin, score)) < 1e-12);
  const rate = yBin.filter((v) => v === 1).length / yBin.length;
  assert.deepEqual(chance.y, [rate, rate]);
  assert.equal(curve.x[curve.x.length - 1], 0, "recall ends at 0 as sklearn's curve");
});

test("confusionMatrixFigure is a heatmap of the matrix's counts with labels on both axes", () => {
  const yt = ["cat", "dog", "dog", "bird", "cat", "dog"];
  const yp = ["cat", "cat", "dog", "bird", "dog", "dog"];
  const cm = confusionMatrix(yt, yp);
  const fig = confusionMatrixFigure(cm);
  const [h] = traces(fig);
  assert.equal(h.type, "heatmap");
  assert.deepEqual(h.z, cm.matrix);
  assert.deepEqual(h.x, ["bird", "cat", "dog"]);
  assert.equal(h.texttemplate, "%{z}");
  assert.match(String(toDisplayOutput(fig).data["text/plain"]), /4 of 6 on the diagonal; most confused: true cat predicted as dog \(1\)/);
});

test("learningCurveFigure: train and validation against size, mean ± std over folds", () => {
  const fig = learningCurveFigure({ sizes: [10, 20, 40], train: [[1, 0.9], [0.95, 0.85], [0.9, 0.9]], validation: [0.5, 0.6, 0.7], metric: "acc" });
  const [train, val] = traces(fig);
  assert.deepEqual(train.x, [10, 20, 40]);
  assert.deepEqual(train.y.map((v: number) => +v.toFixed(12)), [0.95, 0.9, 0.9]);
  assert.deepEqual(train.error_y.array.map((v: number) => +v.toFixed(12)), [0.05, 0.05, 0]);
  assert.deepEqual(val.y, [0.5, 0.6, 0.7]);
  assert.equal(val.error_y, undefined);
  assert.match(String(fig[MIME]()["text/plain"]), /at 40 samples train 0\.9, validation 0\.7 \(gap 0\.2\)/);
  assert.throws(() => learningCurveFigure({ sizes: [1, 2], train: [1], validation: [1, 2] }), /one entry per training size \(2\)/);
});

test("lineChart keeps series order and turns NaN into gaps", () => {
  const [a, b] = traces(lineChart([{ name: "loss", y: [3, 2, NaN, 1] }, { name: "val", x: [0, 2], y: [3, 2.5] }], { title: "t" }));
  assert.deepEqual(a.x, [0, 1, 2, 3]);
  assert.deepEqual(a.y, [3, 2, null, 1]);
  assert.deepEqual(b.x, [0, 2]);
  assert.throws(() => lineChart([{ name: "x", x: [1], y: [1, 2] }]), /1 x values but 2 y values/);
});

test("metricBars sorts best first (per goal), colours baselines and references, and reads run metrics", () => {
  const runs: { name: string; tags: string[]; metrics: Record<string, { last: number }> }[] = [
    { name: "most_frequent", tags: ["baseline"], metrics: { macro_f1: { last: 0.1 } } },
    { name: "human", tags: ["reference", "human"], metrics: { macro_f1: { last: 0.62 } } },
    { name: "lr", tags: [], metrics: { macro_f1: { last: 0.4 } } },
    { name: "no-metric", tags: [], metrics: {} },
  ];
  const fig = metricBars({ runs }, { metric: "macro_f1" });
  const [bars] = traces(fig);
  assert.deepEqual(bars.y, ["most_frequent", "lr", "human"], "best on top (plotly draws the first category at the bottom)");
  assert.deepEqual(bars.x, [0.1, 0.4, 0.62]);
  assert.deepEqual(bars.marker.color, ["#9e9e9e", "#1f77b4", "#ef6c00"]);
  const text = String(fig[MIME]()["text/plain"]).split("\n");
  assert.match(text[1], /^ {2}human +0\.62 .*\(reference\)$/);
  const lower = traces(metricBars([{ name: "a", value: 2 }, { name: "b", value: 1 }], { goal: "min" }))[0];
  assert.deepEqual(lower.y, ["a", "b"]);
  assert.throws(() => metricBars([]), InvalidInputError);
});

test("histogram bins like numpy.histogram (half-open, last bin closed)", () => {
  const values = [0, 1, 1, 2, 3, 3, 3, 4];
  const fig = histogram(values, { bins: 4, title: "lengths" });
  const [bars] = traces(fig);
  assert.deepEqual(bars.y, [1, 2, 1, 4]);
  assert.deepEqual(bars.x, [0.5, 1.5, 2.5, 3.5]);
  assert.equal(bars.y.reduce((a: number, b: number) => a + b, 0), values.length);
  assert.match(String(fig[MIME]()["text/plain"]), /lengths: 8 values, min 0, median 2\.5, mean 2\.125, max 4/);
  assert.deepEqual(traces(histogram([5, 5, 5]))[0].y.reduce((a: number, b: number) => a + b, 0), 3);
  assert.throws(() => histogram([1, NaN]), /values\[1\] is/);
});

test("barChart counts labels (label sets count each label) and sorts largest first", () => {
  const [bars] = traces(barChart([["news"], ["news", "romance"], ["humor"], ["news"]], { title: "genres" }));
  assert.deepEqual(bars.x, ["news", "humor", "romance"]);
  assert.deepEqual(bars.y, [3, 1, 1]);
  const fig = barChart({ b: 2, a: 5 });
  assert.deepEqual(traces(fig)[0].x, ["a", "b"]);
  assert.match(String(fig[MIME]()["text/plain"]), /a +5 +71\.4%/);
});
