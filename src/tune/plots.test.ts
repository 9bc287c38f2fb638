import { test } from "node:test";
import assert from "node:assert/strict";
import { sliceFigure, contourFigure, edfFigure } from "./plots";
import { importanceFigure, intermediateFigure } from "./views";
import { paramImportances } from "./importance";
import { StudyError } from "./storage";
import { toSpace, uniform, logUniform, int, choice } from "./space";
import type { FrozenTrial, TrialState } from "./types";

const space = toSpace({ x: uniform(-2, 2), lr: logUniform(1e-4, 1e-1), depth: int(1, 5), opt: choice(["adam", "sgd"]) });

function trial(number: number, params: Record<string, unknown>, value: number | null, state: TrialState = "complete", intermediate: Array<[number, number]> = []): FrozenTrial {
  return { number, state, params, value, intermediate: new Map(intermediate), startedAt: 0, endedAt: 0 };
}

const trials: FrozenTrial[] = Array.from({ length: 12 }, (_, i) => {
  const p = { x: -2 + (i * 4) / 11, lr: 10 ** (-4 + (i % 4)), depth: 1 + (i % 5), opt: i % 3 ? "adam" : "sgd" };
  return trial(i, p, p.x ** 2 + (p.opt === "sgd" ? 1 : 0));
});
trials.push(trial(12, { x: 0, lr: 0.01, depth: 2, opt: "adam" }, null, "failed"));
trials.push(trial(13, { x: 1, lr: 0.01, depth: 2, opt: "adam" }, 0.7, "pruned", [[0, 3], [1, 2]]));
trials.push(trial(14, { x: 1.5, lr: 0.01, depth: 2, opt: "adam" }, null, "running", [[0, 2.5]]));
trials[0].intermediate = new Map([[0, 9], [1, 6], [2, 4]]);

const plotly = (f: { [k: symbol]: () => Record<string, any> }) => f[Symbol.for("modelbench.mime")]()["application/vnd.plotly.v1+json"];

test("sliceFigure: one panel per parameter (by name) sharing the value axis; log and category axes; dots coloured by trial", () => {
  const spec = plotly(sliceFigure(space, "loss", trials) as any);
  assert.deepEqual(spec.data.map((d: any) => d.name), ["depth", "lr", "opt", "x"]);
  assert.deepEqual(spec.data.map((d: any) => d.xaxis), ["x", "x2", "x3", "x4"]);
  assert.ok(spec.data.every((d: any) => d.yaxis === "y" && d.x.length === 12 && d.y.length === 12), "the 12 complete trials, no failed/pruned/running one");
  assert.deepEqual(spec.data[0].marker.color, [...Array(12).keys()]);
  assert.equal(spec.layout.xaxis2.type, "log");
  assert.equal(spec.layout.xaxis3.type, "category");
  assert.deepEqual(spec.layout.xaxis3.categoryarray, ["adam", "sgd"]);
  assert.equal(spec.layout.xaxis4.type, undefined);
  assert.ok(spec.layout.xaxis.domain[1] < spec.layout.xaxis2.domain[0], "panels side by side");
  assert.equal(spec.layout.width, 1200, "four panels: 300 px each, as Optuna");
  const one = plotly(sliceFigure(space, "loss", trials, { params: ["x"] }) as any);
  assert.equal(one.data.length, 1);
  assert.throws(() => sliceFigure(space, "loss", trials, { params: ["nope"] }), (e: Error) => e instanceof StudyError && /'nope' is not in the study's space \(x, lr, depth, opt\)/.test(e.message));
});

test("contourFigure: two parameters give one contour on the tried values (padded), the best value per point; more give every pair", () => {
  const spec = plotly(contourFigure(space, "loss", "minimize", trials, { params: ["x", "opt"] }) as any);
  assert.equal(spec.data.length, 2);
  const [contour, dots] = spec.data;
  assert.equal(contour.type, "contour");
  assert.equal(contour.reversescale, true, "minimised: darker is lower");
  // Parameters by name, as Optuna: opt across, x up.
  assert.deepEqual(contour.x, ["adam", "sgd"]);
  assert.equal(contour.y.length, 12 + 2, "each x tried, plus a padded point at each end");
  assert.equal(contour.z.length, 14);
  assert.equal(contour.z[0].length, 2);
  assert.equal(contour.z[1][1], trials[0].value, "trial 0 (x = -2, sgd) sits at its own grid point");
  assert.equal(contour.z[1][0], null, "no adam trial at x = -2");
  assert.ok(Math.abs(spec.layout.yaxis.range[0] - (-2 - 0.2)) < 1e-12, "5% padding");
  assert.equal(spec.layout.xaxis.type, "category");
  assert.equal(dots.type, "scatter");
  assert.equal(dots.x.length, 12);
  const max = plotly(contourFigure(space, "score", "maximize", trials, { params: ["x", "lr"] }) as any);
  assert.equal(max.data[0].reversescale, false);
  assert.equal(max.layout.xaxis.type, "log");
  assert.deepEqual(max.layout.xaxis.range.map((v: number) => Number(v.toFixed(6))), [-4.15, -0.85], "a log axis's range is in decades");
  const grid = plotly(contourFigure(space, "loss", "minimize", trials) as any);
  assert.equal(grid.data.filter((d: any) => d.type === "contour").length, 12, "4 parameters: 4 × 3 ordered pairs");
  assert.equal(grid.data.filter((d: any) => d.showscale).length, 1, "one colour bar");
  assert.ok(grid.layout.xaxis16 && grid.layout.yaxis16, "a 4 × 4 grid of axes");
  assert.equal(plotly(contourFigure(space, "loss", "minimize", trials, { params: ["x"] }) as any).data.length, 0);
});

test("edfFigure: the share of trials at or below each of 100 values; one line per study", () => {
  const a = trials.slice(0, 6), b = trials.slice(6, 12);
  const spec = plotly(edfFigure("loss", [{ name: "a", trials: a }, { name: "b", trials: b }]) as any);
  assert.equal(spec.data.length, 2);
  const values = trials.slice(0, 12).map((t) => t.value!);
  assert.equal(spec.data[0].x.length, 100);
  assert.equal(spec.data[0].x[0], Math.min(...values));
  assert.equal(spec.data[0].x[99], Math.max(...values));
  assert.equal(spec.data[0].y[99], 1);
  assert.ok(spec.data[0].y.every((v: number, i: number, ys: number[]) => i === 0 || v >= ys[i - 1]), "non-decreasing");
  const xmid = spec.data[1].x[50];
  assert.equal(spec.data[1].y[50], b.filter((t) => t.value! <= xmid).length / 6);
  assert.deepEqual(spec.layout.yaxis.range, [0, 1]);
  assert.throws(() => edfFigure("loss", []), /at least one study/);
});

test("intermediateFigure: every trial that reported, complete solid, pruned dotted, running dashed; importanceFigure: fANOVA by default", () => {
  const spec = plotly(intermediateFigure("loss", trials) as any);
  assert.deepEqual(spec.data.map((d: any) => [d.name, d.line.dash]), [["#0 (complete)", "solid"], ["#13 (pruned)", "dot"], ["#14 (running)", "dash"]]);
  assert.deepEqual(spec.data[0].x, [0, 1, 2]);
  const imp = plotly(importanceFigure(space, trials) as any);
  assert.match(imp.layout.title.text, /fANOVA/);
  const fanova = paramImportances(space, trials);
  assert.deepEqual(imp.data[0].y, Object.keys(fanova).reverse(), "bars from least to most important");
  assert.equal(Object.keys(fanova)[0], "x");
  assert.match(plotly(importanceFigure(space, trials, { method: "variance" }) as any).layout.title.text, /share of variance/);
  assert.throws(() => paramImportances(space, trials, { method: "shap" as any }), /unknown importance method "shap": use one of "fanova", "variance"/);
});
