import { test } from "node:test";
import assert from "node:assert/strict";
import { decode, encode, newHeader, Signer } from "./wire";
import { runColumns, SidebarSession } from "./sidebar";
import type { MetricSummary, RunSummary } from "../src/track/types";

function metric(key: string, last: number, extra: Partial<MetricSummary> = {}): MetricSummary {
  return { key, last, lastStep: 4, min: last, max: last, count: 5, goal: null, goalSet: false, best: last, ...extra };
}

function run(name: string, startedAt: number, extra: Partial<RunSummary> = {}): RunSummary {
  return {
    id: `${name}-id`, name, project: "p", parentId: null, status: "finished", tags: [], notes: "a note", startedAt, endedAt: startedAt + 1500,
    durationMs: 1500, error: null, pid: 42, host: "box", seed: 7, gitCommit: "abc", gitBranch: "main", gitDirty: true, archived: false, params: {}, metrics: {}, ...extra,
  };
}

/** Through the real wire: what the frontend's JSON.parse gets. */
function overTheWire(content: unknown): any {
  const signer = new Signer("key");
  return decode(encode({ identities: [], header: newHeader("comm_msg", "s"), parent_header: {}, metadata: {}, content, buffers: [] }, signer), signer).content;
}

test("the table's columns: one array per field, no process or git fields, NaN and ±Infinity as wire strings, sparse metrics and params", () => {
  const runs = [
    run("a", 2000, {
      tags: ["x"], params: { C: 1, odd: NaN },
      metrics: { loss: metric("loss", NaN, { min: -Infinity, max: Infinity, goal: "min" }), f1: metric("f1", 0.5, { goal: "max", goalSet: true }) },
    }),
    run("b", 1000, { status: "failed", error: "boom", endedAt: null, durationMs: null, params: { C: 10 }, metrics: { loss: metric("loss", 0.25, { goal: "min" }) } }),
    run("empty", 500),
  ];
  const cols = overTheWire(runColumns(runs));
  assert.deepEqual(Object.keys(cols).sort(), ["endedAt", "error", "id", "metrics", "name", "params", "parentId", "project", "startedAt", "status", "tags"]);
  assert.deepEqual(cols.name, ["a", "b", "empty"]);
  assert.deepEqual(cols.endedAt, [3500, null, 2000]);
  assert.deepEqual(cols.error, [null, "boom", null]);
  assert.deepEqual(cols.tags, [["x"], [], []]);
  assert.deepEqual(cols.params, { C: { at: [0, 1], values: [1, 10] }, odd: { at: [0], values: ["NaN"] } });
  assert.deepEqual(cols.metrics.loss, { at: [0, 1], last: ["NaN", 0.25], lastStep: [4, 4], min: ["-Infinity", null], max: ["Infinity", null], count: [5, 5], goal: "min", goalSet: false });
  assert.deepEqual(cols.metrics.f1, { at: [0], last: [0.5], lastStep: [4], min: [null], max: [null], count: [5], goal: "max", goalSet: true }, "min and max equal to last are null");
});

test("a metric or param every run has carries no index; goals that differ between runs are listed per run", () => {
  const runs = [
    run("a", 2, { params: { C: 1 }, metrics: { score: metric("score", 1, { goal: "max", goalSet: true }) } }),
    run("b", 1, { params: { C: 2 }, metrics: { score: metric("score", 2) } }),
  ];
  const cols = runColumns(runs);
  assert.deepEqual(cols.params.C, { values: [1, 2] });
  assert.equal("at" in cols.metrics.score, false);
  assert.deepEqual([cols.metrics.score.goal, cols.metrics.score.goalSet], [["max", null], [true, false]]);
  assert.deepEqual(runColumns([]), { id: [], name: [], project: [], parentId: [], status: [], tags: [], startedAt: [], endedAt: [], error: [], params: {}, metrics: {} });
});

/** A session on a store that counts its reads. */
function session(runs: RunSummary[]) {
  const reads: Array<{ filter: any; shape: any }> = [];
  const store = {
    async countRuns() {
      return runs.length;
    },
    async listRuns(filter: any = {}, shape: any = {}) {
      reads.push({ filter, shape });
      const picked = filter.ids ? runs.filter((r) => filter.ids.includes(r.id)) : runs;
      return picked.slice(0, shape.limit ?? picked.length).map((r) => ({ ...r }));
    },
  };
  const sent: any[] = [];
  const comm = { closed: false, onMsg() {}, onClose() {}, send: (d: unknown) => sent.push(d) };
  const tail = { reader: store, on() {}, off() {}, watched: new Set<string>() };
  return { s: new SidebarSession(comm as any, tail as any), sent, reads };
}

test("the table sorted by a metric: the store is read once when every run fits the page, twice (fields, then the page) when not", async () => {
  const runs = [1, 3, 2].map((v, i) => run(`r${v}`, i, { metrics: { f1: metric("f1", v / 10, { goal: "max" }) } }));
  const { s, sent, reads } = session(runs);
  await s.handle({ op: "table", id: "t1", sort: "-metrics.f1", limit: 10_000 });
  assert.equal(reads.length, 1);
  assert.equal(sent[0].type, "table");
  assert.deepEqual([sent[0].id, sent[0].total, sent[0].columns.name], ["t1", 3, ["r3", "r2", "r1"]]);
  await s.handle({ op: "table", id: "t2", sort: "-metrics.f1", limit: 2 });
  assert.equal(reads.length, 3);
  assert.deepEqual([sent[1].total, sent[1].columns.name], [3, ["r3", "r2"]]);
  // The panel's list is unchanged: whole runs.
  await s.handle({ op: "list", id: "l", sort: "-metrics.f1", where: "metrics.f1 > 0.15" });
  assert.deepEqual(sent[2].runs.map((r: RunSummary) => [r.name, r.host]), [["r3", "box"], ["r2", "box"]]);
  assert.equal(sent[2].total, 2);
});

test("an unfiltered table whose runs all fit asks the store for all of them (no limit), else for the page", async () => {
  const runs = [run("b", 2), run("a", 1)];
  const { s, sent, reads } = session(runs);
  await s.handle({ op: "table", id: "all", limit: 10_000 });
  await s.handle({ op: "table", id: "page", limit: 1 });
  assert.deepEqual(reads.map((r) => r.shape), [{}, { limit: 1 }]);
  assert.deepEqual(sent.map((m) => [m.columns.name, m.total]), [[["b", "a"], 2], [["b"], 2]]);
});
