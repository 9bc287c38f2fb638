// The runs table's columns: defaults (metrics first, varying params), the user's changes, the rows in view.
import { test } from "node:test";
import assert from "node:assert/strict";
import { allColumns, cellText, emptyState, moveColumn, nextSort, setPinned, setShown, sortSpecOf, visibleColumns, visibleRange, widthOf } from "./tableColumns";
import type { MetricSummary, RunSummary } from "./wire";

const metric = (key: string, last: number): MetricSummary => ({ key, last, lastStep: 0, min: last, max: last, count: 1, goal: key === "loss" ? "min" : key === "f1" ? "max" : null, best: last });
const run = (name: string, params: Record<string, unknown>, metrics: Record<string, number>): RunSummary =>
  ({
    id: `${name}-id`, name, project: "p", parentId: null, status: "finished", tags: [], notes: null, startedAt: 0, endedAt: 1, durationMs: 1500, error: null,
    pid: 1, host: "h", seed: null, gitCommit: null, gitBranch: null, gitDirty: false, archived: false, params, metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, metric(k, v)])),
  }) as RunSummary;

const runs = [run("a", { C: 1, seed: 0 }, { f1: 0.5, loss: 0.3 }), run("b", { C: 10, seed: 0 }, { f1: 0.7 })];

test("by default: the run's fields, every metric, then only the params that vary", () => {
  const ids = visibleColumns(allColumns(runs), emptyState()).map((c) => c.id);
  assert.deepEqual(ids, ["name", "status", "started", "duration", "metrics.f1", "metrics.loss", "params.C"]);
  assert.ok(allColumns(runs).some((c) => c.id === "params.seed"), "the others can be chosen");
});

test("show, hide, pin and move columns; the changes are plain data", () => {
  const all = allColumns(runs);
  let s = setShown(emptyState(), "params.seed", true);
  s = setShown(s, "status", false);
  s = setPinned(s, "metrics.f1", true);
  s = moveColumn(all, s, "params.C", "duration");
  const ids = visibleColumns(all, s).map((c) => c.id);
  assert.deepEqual(ids, ["name", "metrics.f1", "started", "params.C", "duration", "metrics.loss", "params.seed"]);
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s, "saved and loaded as JSON");
  assert.equal(widthOf(all[0], { ...s, widths: { name: 10 } }), 48, "never narrower than a minimum");
});

test("sort specs, cell texts and the rows a viewport needs", () => {
  const [name, , , duration, , f1] = allColumns(runs);
  assert.equal(sortSpecOf(f1, true), "-metrics.f1");
  assert.equal(sortSpecOf(name, false), "name");
  assert.equal(cellText(runs[0], duration).text, "1.50s");
  assert.equal(cellText(runs[1], allColumns(runs).find((c) => c.id === "metrics.loss")!).text, "");
  assert.deepEqual(visibleRange(0, 280, 28, 10_000), [0, 18]);
  assert.deepEqual(visibleRange(28_000, 280, 28, 10_000), [992, 1018]);
  assert.deepEqual(visibleRange(279_800, 280, 28, 10_000), [9984, 10_000]);
});

test("a header click sorts best first by the metric's goal: loss ascending, f1 descending; then the other way, then none", () => {
  const all = allColumns([...runs, run("c", {}, { note: 3 })]);
  const col = (id: string) => all.find((c) => c.id === id)!;
  const clicks = (c: ReturnType<typeof col>) => [nextSort(c, ""), nextSort(c, nextSort(c, "")), nextSort(c, nextSort(c, nextSort(c, "")))];
  assert.deepEqual(clicks(col("metrics.loss")), ["metrics.loss", "-metrics.loss", ""]);
  assert.deepEqual(clicks(col("metrics.f1")), ["-metrics.f1", "metrics.f1", ""]);
  assert.deepEqual(clicks(col("metrics.note")), ["-metrics.note", "metrics.note", ""], "no goal: descending first");
  assert.deepEqual(clicks(col("name")), ["-name", "name", ""]);
  assert.equal(nextSort(col("metrics.loss"), "-metrics.f1"), "metrics.loss", "another column's sort starts over");
});
