// The panel's model against a fake kernel: requests and replies, live pushes, filters, curves.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RunsModel, TABLE_LIMIT, displayValue, isFilterExpression, metricRank, runKeyMetric, sortMetric } from "./model";
import { reviveColumns, type Incoming, type MetricSummary, type RunColumns, type RunSummary } from "./wire";

function metric(key: string, last: number, goal: "min" | "max" | null = null): MetricSummary {
  return { key, last, lastStep: 0, min: last, max: last, count: 1, goal, best: last };
}

let clock = 1_000;
function run(name: string, extra: Partial<RunSummary> = {}): RunSummary {
  return {
    id: `${name}-id`, name, project: "p", parentId: null, status: "finished", tags: [], notes: null,
    startedAt: (clock += 1000), endedAt: null, durationMs: 1500, error: null, pid: 1, host: "h", seed: null,
    gitCommit: null, gitBranch: null, gitDirty: false, archived: false, params: {}, metrics: {}, ...extra,
  };
}

/** A model on a fake channel: `sent` holds what it asked, `reply` answers the last request of an op. */
function harness(options: ConstructorParameters<typeof RunsModel>[0] = {}) {
  const model = new RunsModel(options);
  const sent: Array<Record<string, any>> = [];
  model.attach({ send: (d) => sent.push(d) }, "test kernel");
  const last = (op: string) => [...sent].reverse().find((m) => m.op === op)!;
  const reply = (op: string, data: Record<string, unknown>) => model.receive({ id: last(op).id, ...data } as Incoming);
  const settle = () => new Promise((r) => setImmediate(r));
  return { model, sent, last, reply, settle };
}

test("attaching lists the runs; the reply fills the model and announces it", async () => {
  const { model, last, reply, settle } = harness();
  let announced = 0;
  model.runsChanged.connect(() => announced++);
  assert.equal(last("list").limit, 200);
  reply("list", { type: "runs", runs: [run("b"), run("a")], total: 2 });
  await settle();
  assert.deepEqual(model.runs.map((r) => r.name), ["b", "a"]);
  assert.equal(model.total, 2);
  assert.ok(announced >= 1);
  assert.equal(model.connection.label, "test kernel");
});

test("non-finite numbers come back from their wire strings", async () => {
  const { model, reply, settle } = harness();
  const r = run("nan", { metrics: { loss: { ...metric("loss", 0), last: "NaN", best: "-Infinity" } as any } });
  reply("list", { type: "runs", runs: [r], total: 1 });
  await settle();
  assert.ok(Number.isNaN(model.runs[0].metrics.loss.last));
  assert.equal(model.runs[0].metrics.loss.best, -Infinity);
});

test("a pushed new run that matches is inserted newest first, without listing again", async () => {
  const { model, sent, reply, settle } = harness();
  reply("list", { type: "runs", runs: [run("old")], total: 1 });
  await settle();
  const lists = sent.filter((m) => m.op === "list").length;
  model.receive({ type: "changed", runs: [run("new", { status: "running" })] });
  assert.deepEqual(model.runs.map((r) => r.name), ["new", "old"]);
  assert.equal(model.total, 2);
  assert.equal(sent.filter((m) => m.op === "list").length, lists, "no reload");
});

test("running runs are watched, and watching stops when they end", async () => {
  const { model, sent, last, reply, settle } = harness();
  reply("list", { type: "runs", runs: [], total: 0 });
  await settle();
  const r = run("live", { status: "running" });
  model.receive({ type: "changed", runs: [r] });
  assert.deepEqual(last("watch").runIds, [r.id]);
  model.receive({ type: "changed", runs: [{ ...r, status: "finished" }] });
  assert.deepEqual(last("watch").runIds, []);
  assert.equal(sent.filter((m) => m.op === "watch").length, 2);
});

test("a row's history is fetched once, then pushed points extend it (merged by step)", async () => {
  const { model, sent, last, reply, settle } = harness();
  const r = run("curve", { status: "running", metrics: { loss: metric("loss", 0.5, "min") } });
  reply("list", { type: "runs", runs: [r], total: 1 });
  await settle();
  assert.equal(last("detail").runId, r.id);
  const grown: string[] = [];
  model.curvesChanged.connect((_, id) => grown.push(id));
  // A point pushed before the detail reply arrives, and repeated inside it.
  model.receive({ type: "points", points: [{ runId: r.id, key: "loss", steps: [2], values: [0.3], ts: [0] }] });
  reply("detail", { type: "detail", run: { ...r, source: "" }, history: { loss: { steps: [0, 1, 2], values: [0.9, "NaN", 0.3], ts: [0, 0, 0] } }, versions: [] });
  await settle();
  model.receive({ type: "points", points: [{ runId: r.id, key: "loss", steps: [3, 4], values: [0.2, 0.1], ts: [0, 0] }] });
  const c = model.curve(r.id, "loss")!;
  assert.deepEqual(c.steps, [0, 1, 2, 3, 4]);
  assert.ok(Number.isNaN(c.values[1]));
  assert.deepEqual(grown, [r.id, r.id, r.id]);
  model.receive({ type: "changed", runs: [r] });
  await settle();
  assert.equal(sent.filter((m) => m.op === "detail").length, 1, "history is not fetched again");
});

test("plain text searches names; a filter expression is sent as `where` and checks pushed runs", async () => {
  const { model, last, reply, settle } = harness();
  await Promise.all([model.setQuery({ search: "lr" }), settle().then(() => reply("list", { type: "runs", runs: [], total: 0 }))]);
  assert.equal(last("list").text, "lr");
  const listed = model.setQuery({ search: "metrics.f1 > 0.5" });
  assert.equal(last("list").where, "metrics.f1 > 0.5");
  reply("list", { type: "runs", runs: [], total: 0 });
  await listed;
  model.receive({ type: "changed", runs: [run("low", { metrics: { f1: metric("f1", 0.2) } }), run("high", { metrics: { f1: metric("f1", 0.9) } })] });
  assert.deepEqual(model.runs.map((r) => r.name), ["high"]);
});

test("a bad filter is an error shown in the panel, not a request", async () => {
  const { model, sent } = harness();
  const before = sent.length;
  await model.setQuery({ search: "metrics.f1 >" });
  assert.match(model.error!, /expected a value/);
  assert.equal(sent.length, before);
});

test("status and tag filters are sent and hold for pushed runs; a run leaving the filter leaves the list", async () => {
  const { model, last, reply } = harness();
  const listed = model.setQuery({ status: "running", tag: "lr" });
  assert.deepEqual([last("list").status, last("list").tags], [["running"], ["lr"]]);
  const r = run("x", { status: "running", tags: ["lr"] });
  reply("list", { type: "runs", runs: [r], total: 1 });
  await listed;
  model.receive({ type: "changed", runs: [run("other", { status: "running", tags: ["nb"] })] });
  assert.deepEqual(model.runs.map((x) => x.name), ["x"]);
  model.receive({ type: "changed", runs: [{ ...r, status: "finished" }] });
  assert.equal(model.runs.length, 0);
  assert.equal(model.total, 0);
});

test("sorting by a metric orders pushed runs too, and makes it the key metric", async () => {
  const { model, last, reply } = harness();
  const listed = model.setQuery({ sort: "-metrics.f1.best" });
  assert.equal(last("list").sort, "-metrics.f1.best");
  reply("list", { type: "runs", runs: [run("mid", { metrics: { f1: metric("f1", 0.5, "max") } })], total: 1 });
  await listed;
  model.receive({ type: "changed", runs: [run("top", { metrics: { f1: metric("f1", 0.8, "max") } }), run("none")] });
  assert.deepEqual(model.runs.map((r) => r.name), ["top", "mid", "none"]);
  assert.equal(model.keyMetricOf(model.runs[0]), "f1");
  assert.equal(model.keyMetricOf(model.runs[2]), null, "a run without the sorted metric shows its own, here none");
});

test("each run has its own key metric: the one its goal names, else the one it logged most", () => {
  const many = (key: string, count: number, goal: "min" | "max" | null = null, goalSet = false): MetricSummary => ({ ...metric(key, 1, goal), count, goalSet });
  const lossOnly = run("loss-only", { metrics: { loss: many("loss", 20, "min") } });
  const classifier = run("clf", { metrics: { accuracy: many("accuracy", 1, "max"), f1: many("f1", 1, "max"), loss: many("loss", 20, "min") } });
  const chosen = run("chosen", { metrics: { val_f1: many("val_f1", 3, "max", true), loss: many("loss", 50, "min") } });
  const system = run("sys", { metrics: { "system/cpu": many("system/cpu", 90), epoch: many("epoch", 3) } });
  assert.equal(runKeyMetric(lossOnly), "loss", "a loss-only run shows loss (not the panel's accuracy)");
  assert.equal(runKeyMetric(classifier), "loss", "the curve over the single values");
  assert.equal(runKeyMetric(chosen), "val_f1", "--goal wins over the most-logged");
  assert.equal(runKeyMetric(system), "epoch", "never a system metric");
  assert.equal(runKeyMetric(run("empty")), null);
  assert.equal(runKeyMetric(classifier, "-metrics.f1"), "f1", "sorted by f1: f1 is shown");
  assert.equal(runKeyMetric(lossOnly, "-metrics.f1"), "loss", "a run without the sorted metric keeps its own");
  assert.equal(displayValue(classifier, "accuracy"), 1);
  assert.equal(displayValue(lossOnly, "acc"), undefined);
  assert.equal(sortMetric("metrics.val.loss desc"), "val.loss");
  assert.equal(sortMetric("-metrics.f1.best"), "f1");
  assert.equal(sortMetric("duration"), null);
  assert.ok(isFilterExpression("tags contains lr") && !isFilterExpression("baseline"));
});

test("a run's rank on a metric follows the goal; ties share it; no goal, no rank", () => {
  const runs = [0.5, 0.7, 0.7, NaN].map((v, i) => run(`r${i}`, { metrics: { acc: metric("acc", v, "max"), x: metric("x", v) } }));
  assert.deepEqual(metricRank(runs, "r1-id", "acc"), { rank: 1, of: 3 });
  assert.deepEqual(metricRank(runs, "r2-id", "acc"), { rank: 1, of: 3 });
  assert.deepEqual(metricRank(runs, "r0-id", "acc"), { rank: 3, of: 3 });
  assert.equal(metricRank(runs, "r3-id", "acc"), null, "NaN has no rank");
  assert.equal(metricRank(runs, "r0-id", "x"), null, "no goal");
  assert.equal(metricRank(runs.slice(0, 1), "r0-id", "acc"), null, "alone, no rank");
});

test("an error reply rejects its own request and is shown", async () => {
  const { model, reply } = harness();
  const opened = model.openDetail("nope");
  reply("detail", { type: "error", message: "unknown run 'nope': %runs lists runs" });
  await opened;
  assert.equal(model.detail, null);
  assert.match(model.error!, /unknown run 'nope'/);
});

test("opening a detail watches the run and follows its status; closing stops watching", async () => {
  const { model, last, reply } = harness();
  const r = run("d", { status: "finished", metrics: { loss: metric("loss", 1, "min") } });
  const opened = model.openDetail(r.id);
  assert.deepEqual(last("watch").runIds, [r.id]);
  reply("detail", { type: "detail", run: { ...r, source: "code", params: { C: 1 } }, history: {}, versions: [] });
  await opened;
  assert.equal(model.detail!.run.source, "code");
  model.receive({ type: "changed", runs: [{ ...r, status: "failed", error: "Error: boom" }] });
  assert.equal(model.detail!.run.status, "failed");
  assert.equal(model.detail!.run.source, "code", "the summary does not wipe the detail's fields");
  model.closeDetail();
  assert.deepEqual(last("watch").runIds, []);
});

test("compare sends the selected runs in list order and keeps the result", async () => {
  const { model, last, reply, settle } = harness();
  const [a, b, c] = [run("a"), run("b"), run("c")];
  reply("list", { type: "runs", runs: [c, b, a], total: 3 });
  await settle();
  model.toggleSelected(a.id);
  model.toggleSelected(c.id);
  const compared = model.compare();
  assert.deepEqual(last("compare").runIds, [c.id, a.id]);
  reply("compare", {
    type: "compare", runs: [], labels: [], params: [{ key: "C", values: [1, 2], differs: true }],
    metrics: [{ key: "loss", goal: "min", values: [{ last: "NaN", min: 0, max: 1, best: 0, count: 2 }, null], shown: ["NaN", null], deltas: [null, null], best: [], differs: true }],
    bars: { data: [], layout: {} }, diffs: [], curves: [{ loss: { steps: [0, 1], values: ["NaN", 0.5], ts: [10, 20] } }, {}], media: [[], []],
  });
  await compared;
  assert.deepEqual(model.comparison!.curves[0].loss.values, [NaN, 0.5], "the curves are revived");
  assert.equal(model.comparison!.params[0].differs, true);
  assert.ok(Number.isNaN(model.comparison!.metrics[0].values[0]!.last));
  assert.ok(Number.isNaN(model.comparison!.metrics[0].shown[0]!), "the compared values are revived too");
  assert.equal(model.comparison!.metrics[0].shown[1], null);
});

test("comparing fewer than two runs says what to do", async () => {
  const { model } = harness();
  await model.compare([]);
  assert.match(model.error!, /two or more/);
});

test("a kernel change fails what was pending and lists again on the new kernel", async () => {
  const { model } = harness();
  const opened = model.openDetail("x");
  const second: Array<Record<string, any>> = [];
  model.attach({ send: (d) => second.push(d) }, "another");
  await opened;
  assert.ok(second.some((m) => m.op === "list"));
  assert.ok(second.some((m) => m.op === "detail" && m.runId === "x"), "the open detail is reloaded");
  model.detach();
  assert.equal(model.connected, false);
  await model.refresh();
  assert.match(model.error!, /no modelbench kernel/);
});

function version(name: string, v: number, aliases: string[] = [], runId = "r-id"): import("./wire").ModelVersion {
  return { name, version: v, runId, artifact: "model", hash: `h${v}`, createdAt: v, aliases, description: null };
}

test("the registry groups versions by model, newest first, with each alias's version", async () => {
  const { model, last, reply, settle } = harness();
  let announced = 0;
  model.registryChanged.connect(() => announced++);
  const loading = model.loadRegistry();
  assert.equal(last("registry").op, "registry");
  reply("registry", { type: "registry", versions: [version("genre", 1, ["baseline"]), version("churn", 1), version("genre", 3, ["champion"]), version("genre", 2)] });
  await loading;
  await settle();
  assert.deepEqual(model.registry!.map((m) => m.name), ["churn", "genre"]);
  const genre = model.registry![1];
  assert.deepEqual(genre.versions.map((v) => v.version), [3, 2, 1]);
  assert.deepEqual(genre.aliases, { champion: 3, baseline: 1 });
  assert.equal(genre.latest.version, 3);
  assert.equal(announced, 1);
});

test("a registry request that fails keeps the error for the view", async () => {
  const { model, last, reply } = harness();
  const loading = model.loadRegistry();
  reply("registry", { type: "error", message: "the store is locked" });
  await loading;
  assert.equal(model.registryError, "the store is locked");
  assert.equal(model.registry, null);
});

test("an open registry is reloaded when the kernel says it changed; a closed one is not asked for", async () => {
  const { model, sent, reply, settle } = harness();
  reply("list", { type: "runs", runs: [], total: 0 });
  model.receive({ type: "registryChanged" });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(sent.filter((m) => m.op === "registry").length, 0);
  const loading = model.loadRegistry();
  reply("registry", { type: "registry", versions: [] });
  await loading;
  model.receive({ type: "registryChanged" });
  model.receive({ type: "registryChanged" });
  await new Promise((r) => setTimeout(r, 150));
  await settle();
  assert.equal(sent.filter((m) => m.op === "registry").length, 2, "one reload for a burst of changes");
  model.closeRegistry();
  model.receive({ type: "registryChanged" });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(sent.filter((m) => m.op === "registry").length, 2, "none once the view is closed");
});

test("an artifact arrives as bytes with its MIME type; an unknown one is an error", async () => {
  const { model, last, reply } = harness();
  const content = new TextEncoder().encode('{"weights":[1,2,3]} ✓');
  const fetching = model.fetchArtifact("r-id", "model.json");
  assert.deepEqual({ runId: last("artifact").runId, name: last("artifact").name }, { runId: "r-id", name: "model.json" });
  reply("artifact", { type: "artifact", runId: "r-id", name: "model.json", kind: "json", mime: "application/json", bytes: content.length, base64: Buffer.from(content).toString("base64") });
  const got = await fetching;
  assert.equal(got.mime, "application/json");
  assert.deepEqual([...got.bytes], [...content]);
  const missing = model.fetchArtifact("r-id", "nope");
  reply("artifact", { type: "error", message: "run 'r' has no artifact 'nope'" });
  await assert.rejects(missing, /no artifact 'nope'/);
});

test("when the notebook switches its store, the panel forgets the old store's runs and lists the new one", async () => {
  const { model, sent, reply, settle } = harness();
  reply("list", { type: "runs", runs: [run("in-default")], total: 1 });
  await settle();
  model.toggleSelected("in-default-id", true);
  const lists = sent.filter((m) => m.op === "list").length;
  let reloaded = 0;
  model.connectionChanged.connect(() => reloaded++);
  model.receive({ type: "store", uri: "sqlite:///tmp/other.db" });
  assert.equal(model.store, "sqlite:///tmp/other.db");
  assert.equal(reloaded, 1);
  assert.equal(model.runs.length, 0);
  assert.equal(model.selection.size, 0);
  assert.equal(sent.filter((m) => m.op === "list").length, lists + 1); // asked again
  reply("list", { type: "runs", runs: [run("in-other")], total: 1 });
  await settle();
  assert.deepEqual(model.runs.map((r) => r.name), ["in-other"]);
  // a new kernel starts on its default store again
  model.attach({ send: (d) => sent.push(d) }, "another kernel");
  assert.equal(model.store, null);
});

/** Runs column-wise, as the kernel sends a "table" reply (kernel/sidebar.ts runColumns; tested there). */
function columnsOf(runs: RunSummary[]): RunColumns {
  const col = <K extends keyof RunSummary>(k: K) => runs.map((r) => r[k]);
  const sparse = (part: "params" | "metrics") => {
    const out: Record<string, any> = {};
    runs.forEach((r, i) => {
      for (const [k, v] of Object.entries(r[part])) {
        const c = (out[k] ??= part === "params" ? { at: [], values: [] } : { at: [], last: [], lastStep: [], min: [], max: [], count: [], goal: [], goalSet: [] });
        c.at.push(i);
        if (part === "params") c.values.push(v);
        else for (const f of ["last", "lastStep", "min", "max", "count", "goal", "goalSet"]) c[f].push((v as any)[f] ?? (f === "goalSet" ? false : null));
        if (part === "metrics" && (v as MetricSummary).max === (v as MetricSummary).last) c.max[c.max.length - 1] = null;
      }
    });
    return out;
  };
  return {
    id: col("id"), name: col("name"), project: col("project"), parentId: col("parentId"), status: col("status"), tags: col("tags"),
    startedAt: col("startedAt"), endedAt: col("endedAt"), error: col("error"), params: sparse("params"), metrics: sparse("metrics"),
  };
}

/** A model whose idle tasks run when the test says: the runs table's prefetch. */
function prefetching() {
  const idle: Array<() => void> = [];
  const h = harness({ whenIdle: (task) => idle.push(task) });
  const runIdle = () => idle.splice(0).forEach((t) => t());
  // The table's request: the store's newest runs, whatever the panel's query.
  const tableRequest = () => [...h.sent].reverse().find((m) => m.op === "table" && m.limit === TABLE_LIMIT);
  const replyTable = (runs: RunSummary[], total = runs.length) => h.model.receive({ id: tableRequest()!.id, type: "table", columns: columnsOf(runs), total } as Incoming);
  return { ...h, idle, runIdle, tableRequest, replyTable };
}

test("the runs table's rows are fetched when the page is idle after a connect, once, unfiltered", async () => {
  const { model, sent, idle, runIdle, tableRequest, replyTable, settle } = prefetching();
  assert.equal(idle.length, 1, "asked for when idle, not at once");
  assert.equal(tableRequest(), undefined);
  assert.equal(model.tableRows(), null);
  runIdle();
  assert.deepEqual(tableRequest(), { op: "table", id: tableRequest()!.id, limit: TABLE_LIMIT });
  replyTable([run("b", { tags: ["x"] }), run("a")]);
  await settle();
  assert.deepEqual(model.tableRows()!.runs.map((r) => r.name), ["b", "a"]);
  await model.prefetchTable();
  assert.equal(sent.filter((m) => m.limit === TABLE_LIMIT).length, 1, "fetched once");
  // All the store's runs are held: a filter is applied here, without a request.
  void model.setQuery({ tag: "x" });
  assert.deepEqual(model.tableRows(), { runs: [model.tableRows()!.runs[0]], total: 1 });
  assert.equal((await model.loadTableRows()).runs[0].name, "b");
  assert.equal(sent.filter((m) => m.limit === TABLE_LIMIT).length, 1);
});

test("pushed runs keep the fetched rows current: changed ones replaced, new ones added", async () => {
  const { model, runIdle, replyTable, settle } = prefetching();
  runIdle();
  const a = run("a", { status: "running" });
  replyTable([a]);
  await settle();
  let seen: string[] = [];
  model.runsPushed.connect(() => (seen = model.tableRows()!.runs.map((r) => `${r.name}:${r.status}`)));
  model.receive({ type: "changed", runs: [{ ...a, status: "finished" }, run("new", { status: "running" })] });
  assert.deepEqual(seen, ["a:finished", "new:running"], "current when the push is announced");
  assert.equal(model.tableRows()!.total, 2);
});

test("a push that arrives while the rows are on their way is applied to them too", async () => {
  const { model, runIdle, replyTable, settle } = prefetching();
  runIdle();
  const a = run("a", { status: "running" });
  model.receive({ type: "changed", runs: [{ ...a, status: "failed" }] });
  replyTable([a]);
  await settle();
  assert.deepEqual(model.tableRows()!.runs.map((r) => r.status), ["failed"]);
});

test("more runs than the table holds: a filter asks the kernel; older runs that change are not added", async () => {
  const { model, sent, runIdle, replyTable, settle, reply } = prefetching();
  runIdle();
  const held = [run("new2"), run("new1")];
  replyTable(held, TABLE_LIMIT + 5);
  await settle();
  assert.equal(model.tableRows()!.total, TABLE_LIMIT + 5);
  model.receive({ type: "changed", runs: [{ ...run("ancient"), startedAt: 0 }] });
  assert.deepEqual(model.tableRows()!.runs.map((r) => r.name), ["new2", "new1"]);
  void model.setQuery({ search: "new" });
  assert.equal(model.tableRows(), null, "the held runs are not all that match");
  const loading = model.loadTableRows();
  const ask = sent[sent.length - 1];
  assert.deepEqual([ask.op, ask.limit, ask.text], ["table", TABLE_LIMIT, "new"]);
  reply("table", { type: "table", columns: columnsOf([held[0]]), total: 1 });
  assert.equal((await loading).total, 1);
});

test("the table opened before the idle prefetch shares its request; a new kernel or store fetches again", async () => {
  const { model, sent, idle, tableRequest, replyTable, settle } = prefetching();
  const loading = model.loadTableRows();
  assert.ok(tableRequest(), "asked at once");
  idle.splice(0).forEach((t) => t());
  assert.equal(sent.filter((m) => m.limit === TABLE_LIMIT).length, 1, "one request for both");
  replyTable([run("a")]);
  assert.equal((await loading).runs.length, 1);
  model.receive({ type: "store", uri: "sqlite:///tmp/other.db" });
  assert.equal(model.tableRows(), null, "another store's runs");
  await settle();
  idle.splice(0).forEach((t) => t());
  assert.equal(sent.filter((m) => m.limit === TABLE_LIMIT).length, 2);
  model.attach({ send: (d) => sent.push(d) }, "another kernel");
  assert.equal(model.tableRows(), null);
});

test("a table reply's columns become runs: NaN and ±Infinity revived, best by the goal, sparse metrics and params, a run with no metrics", () => {
  const columns: RunColumns = {
    id: ["a-id", "b-id", "c-id"], name: ["a", "b", "c"], project: ["p", "p", "p"], parentId: [null, "a-id", null], status: ["finished", "failed", "running"],
    tags: [["x"], [], []], startedAt: [3000, 2000, 1000], endedAt: [4500, 2500, null], error: [null, "boom", null],
    params: { C: { values: [1, "NaN", null] }, penalty: { at: [2], values: ["l1"] } },
    metrics: {
      loss: { at: [0, 1], last: ["NaN", 0.25], lastStep: [9, 4], min: ["-Infinity", null], max: ["Infinity", 0.5], count: [10, 5], goal: "min", goalSet: false },
      score: { at: [0, 1], last: [0.5, 0.7], lastStep: [0, 0], min: [0.1, 0.2], max: [0.9, "Infinity"], count: [2, 2], goal: ["max", null], goalSet: [true, false] },
    },
  };
  const [a, b, c] = reviveColumns(JSON.parse(JSON.stringify(columns)));
  assert.deepEqual({ ...a, metrics: undefined }, {
    id: "a-id", name: "a", project: "p", parentId: null, status: "finished", tags: ["x"], startedAt: 3000, endedAt: 4500, durationMs: 1500, error: null,
    params: { C: 1 }, metrics: undefined,
  });
  assert.ok(Number.isNaN(a.metrics.loss.last));
  assert.deepEqual({ ...a.metrics.loss, last: 0 }, { key: "loss", last: 0, lastStep: 9, min: -Infinity, max: Infinity, count: 10, goal: "min", goalSet: false, best: -Infinity });
  assert.deepEqual(a.metrics.score, { key: "score", last: 0.5, lastStep: 0, min: 0.1, max: 0.9, count: 2, goal: "max", goalSet: true, best: 0.9 });
  assert.deepEqual(b.metrics.score, { key: "score", last: 0.7, lastStep: 0, min: 0.2, max: Infinity, count: 2, goal: null, goalSet: false, best: 0.7 });
  assert.deepEqual([b.metrics.loss.min, b.metrics.loss.max, b.metrics.loss.best], [0.25, 0.5, 0.25], "a null min is the last value");
  assert.deepEqual([b.params, b.error, b.parentId], [{ C: "NaN" }, "boom", "a-id"], "params stay as the kernel sent them");
  assert.deepEqual([c.metrics, c.params, c.durationMs], [{}, { C: null, penalty: "l1" }, null]);
  assert.equal("host" in a, false, "no process or git fields");
  assert.deepEqual(reviveColumns({ ...columns, id: [], name: [], project: [], parentId: [], status: [], tags: [], startedAt: [], endedAt: [], error: [], params: {}, metrics: {} }), []);
});

test("the table's rows are filtered and keyed like whole runs: a filter on a metric, the key metric and its value", async () => {
  const { model, runIdle, replyTable, settle } = prefetching();
  runIdle();
  replyTable([
    run("good", { metrics: { f1: metric("f1", 0.9, "max"), loss: { ...metric("loss", 0.1, "min"), count: 20 } } }),
    run("bad", { metrics: { f1: metric("f1", NaN, "max") } }),
    run("none"),
  ]);
  await settle();
  const [good, bad, none] = model.tableRows()!.runs;
  assert.equal(runKeyMetric(good as RunSummary), "loss");
  assert.equal(displayValue(good as RunSummary, "loss"), 0.1);
  assert.ok(Number.isNaN(bad.metrics.f1.last));
  assert.equal(runKeyMetric(none as RunSummary), null);
  void model.setQuery({ search: "metrics.f1 > 0.5" });
  assert.deepEqual(model.tableRows()!.runs.map((r) => r.name), ["good"]);
});
