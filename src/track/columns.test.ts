import { test } from "node:test";
import assert from "node:assert/strict";
import { compactTime, differ, elideEnd, elideMiddle, metricColumns, varyingParams } from "./columns";
import { Comparison, RunsTable } from "./views";
import { MIME } from "../display";
import type { MetricSummary, RunDetail } from "./types";

const m = (key: string, last: number, count = 1, goal: "min" | "max" | null = null): MetricSummary =>
  ({ key, last, lastStep: count - 1, min: last, max: last, count, goal, best: last });

test("blank vs blank is no difference; a value vs blank is", () => {
  assert.equal(differ([undefined, null]), false);
  assert.equal(differ(["", undefined]), false);
  assert.equal(differ([1, 1]), false);
  assert.equal(differ([1, "1"]), true, "a number and a string are told apart");
  assert.equal(differ([0.5, undefined]), true);
  assert.equal(differ([{ a: 1 }, { a: 1 }]), false);
});

test("columns: metrics by how many runs logged them (no system metrics); only the params that vary", () => {
  const runs: Array<{ metrics: Record<string, MetricSummary>; params: Record<string, unknown> }> = [
    { metrics: { acc: m("acc", 1), loss: m("loss", 1), "system/cpu": m("system/cpu", 1) }, params: { C: 1, seed: 0, rules: "x" } },
    { metrics: { loss: m("loss", 1) }, params: { C: 2, seed: 0 } },
  ];
  assert.deepEqual(metricColumns(runs), ["loss", "acc"]);
  assert.deepEqual(varyingParams(runs), ["C", "rules"]);
  assert.deepEqual(varyingParams([runs[0]]), ["C", "rules", "seed"], "one run: all its params");
});

test("names elide in the middle, values at the end, by characters", () => {
  assert.equal(elideMiddle("baseline/most_frequent", 12), "baseli…quent");
  assert.equal(elideMiddle("short", 12), "short");
  assert.equal([...elideMiddle("baseline/😀😀😀😀😀/end", 9)].length, 9);
  assert.equal(elideEnd("a".repeat(100), 10), "aaaaaaaaa…");
});

test("start times are compact: the time today, the day this year, the date before", () => {
  const now = new Date(2026, 11, 3, 15, 0).getTime();
  assert.equal(compactTime(new Date(2026, 11, 3, 9, 5).getTime(), now), "09:05");
  assert.equal(compactTime(new Date(2026, 1, 7, 9, 5).getTime(), now), "Feb 7 09:05");
  assert.equal(compactTime(new Date(2025, 1, 7, 9, 5).getTime(), now), "2025-02-07");
});

const detail = (name: string, params: Record<string, unknown>, metrics: MetricSummary[]): RunDetail =>
  ({
    id: `${name}-0000-id`, name, project: "p", status: "finished", tags: [], parentId: null, notes: null, startedAt: 0, endedAt: 1, durationMs: 1,
    error: null, pid: 1, host: "h", seed: null, gitCommit: null, gitBranch: null, gitDirty: false, archived: false, source: "", notebook: null, notebookPath: null,
    gitDiff: null, env: {}, params, metrics: Object.fromEntries(metrics.map((x) => [x.key, x])), data: [], artifacts: [],
  }) as RunDetail;

test("%runs: metrics first, then the varying params, elided to fit, with the full value on hover", () => {
  const long = "x".repeat(600);
  const runs = [detail("baseline/most_frequent_by_genre", { rules: long, C: 1, same: 3 }, [m("accuracy", 0.4, 1, "max")]),
    detail("baseline/most_frequent_by_author", { rules: "y", C: 2, same: 3 }, [m("accuracy", 0.5, 1, "max")])];
  const table = new RunsTable(runs, 2, 0);
  assert.deepEqual(table.metricKeys, ["accuracy"]);
  assert.deepEqual(table.paramKeys, ["C", "rules"]);
  const html = String(table[MIME]()["text/html"]);
  assert.match(html, /title="baseline\/most_frequent_by_genre \(baseline\/most_frequent_by_genre-0000-id\)">baseline\/mo…t_by_genre<br>/, "the ends of a name tell runs apart");
  assert.match(html, new RegExp(`title="${long}">x{11}…<`), "a 600-character value takes 12 characters");
  assert.doesNotMatch(html, /same/, "a param equal in every run is left out");
  assert.ok(html.indexOf("accuracy") < html.indexOf("params.C"));
});

test("compare: the best value by the goal, deltas against the first run; single values without min/max", () => {
  const a = detail("a", { classPrior: undefined, C: 1 }, [m("acc", 0.5, 1, "max"), { ...m("loss", 0.3, 20, "min"), min: 0.2, max: 1, best: 0.2 }]);
  const b = detail("b", { classPrior: null, C: 2 }, [m("acc", 0.7, 1, "max"), { ...m("loss", 0.4, 20, "min"), min: 0.35, max: 1.2, best: 0.35 }]);
  const c = detail("c", { C: 3 }, [m("acc", 0.7, 1, "max")]);
  const cmp = new Comparison([a, b, c], []);
  const rows = Object.fromEntries(cmp.metricRows().map((r) => [r.key, r]));
  assert.deepEqual(rows.acc.best, [1, 2], "ties share the mark");
  assert.deepEqual(rows.loss.shown, [0.2, 0.35, null]);
  assert.deepEqual(rows.loss.best, [0]);
  assert.equal(rows.acc.deltas[0], null);
  assert.ok(Math.abs(rows.acc.deltas[1]! - 0.2) < 1e-12);
  assert.deepEqual(cmp.paramRows().map((r) => [r.key, r.differs]), [["C", true], ["classPrior", false]]);
  const html = String(cmp[MIME]()["text/html"]);
  assert.match(html, /min 0\.2 · max 1 · last 0\.3/, "a curve's range is shown");
  const accRow = html.slice(html.indexOf('data-key="acc"'), html.indexOf("</tr>", html.indexOf('data-key="acc"')));
  assert.doesNotMatch(accRow, /min /, "a single value has no range");
  assert.match(String(cmp[MIME]()["text/plain"]), /acc ↑\s+0\.5\s+0\.7 \* \(\+0\.2\)\s+0\.7 \* \(\+0\.2\)/);
});

test("compare: two runs with one name get a short id in their labels", () => {
  const a = detail("same", {}, []);
  const b = { ...detail("same", {}, []), id: "other-0000-id" };
  assert.deepEqual(new Comparison([a, b], []).labels(), ["same (same-0)", "same (other-)"]);
});
