import { test as nodeTest } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "./index";
import { SqliteStore } from "../store/sqlite/store";
import { BACKENDS, type Backend } from "../../tests/support/backends";
import { MIME } from "../display";

function tmpStore(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-track-")), "store.db");
}

for (const b of BACKENDS) suite(b);

function suite(b: Backend) {
const fresh = async () => track.useStore(await b.fresh());
const test = (name: string, fn: () => unknown) => nodeTest(`${b.name}: ${name}`, fn as any);

test("params, metrics in any order, NaN and ±Infinity come back as logged", async () => {
  const st = await fresh();
  const run = await track.startRun({ name: "basics", tags: ["lr", "tfidf"], params: { C: 1, grid: [1, 2], opts: { a: "x" } } });
  track.log({ loss: 0.9 });
  track.log({ loss: 0.5 });
  track.log({ acc: 0.7 }, { step: 10 });
  track.log({ acc: 0.6 }, { step: 2 }); // out of order: kept, and not the "last"
  track.log({ odd: NaN });
  track.log({ odd: Infinity });
  track.log({ odd: -Infinity });
  track.log({ flag: true });
  await run.end();
  const d = await st.getRun(run.id);
  assert.equal(d.status, "finished");
  assert.deepEqual(d.tags, ["lr", "tfidf"]);
  assert.deepEqual(d.params, { C: 1, grid: [1, 2], opts: { a: "x" } });
  assert.deepEqual({ ...d.metrics.loss }, { key: "loss", last: 0.5, lastStep: 1, min: 0.5, max: 0.9, count: 2, goal: "min", goalSet: false, best: 0.5 });
  assert.equal(d.metrics.acc.last, 0.7);
  assert.equal(d.metrics.acc.min, 0.6);
  assert.equal(d.metrics.flag.last, 1);
  const odd = await st.metricHistory(run.id, "odd");
  assert.deepEqual(odd.map((p) => p.value), [NaN, Infinity, -Infinity]);
  assert.equal(d.metrics.odd.last, -Infinity);
  const acc = await st.metricHistory(run.id, "acc");
  assert.deepEqual(acc.map((p) => [p.step, p.value]), [[2, 0.6], [10, 0.7]]);
  assert.ok(d.durationMs! >= 0);
  assert.ok(d.env.node && d.env.packages, "environment recorded");
  assert.ok(d.source && d.source.length > 0, "the script's code is recorded");
});

test("every run records git state and data hashes; different data never looks alike", async () => {
  const st = await fresh();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-data-"));
  const a = path.join(dir, "a.csv");
  fs.writeFileSync(a, "x,y\n1,2\n");
  const r1 = await track.startRun({ name: "data-1" });
  await track.recordData(a);
  await r1.end();
  fs.writeFileSync(a, "x,y\n1,3\n");
  const r2 = await track.startRun({ name: "data-2" });
  await track.recordData(a);
  await r2.end();
  const [d1, d2] = [await st.getRun(r1.id), await st.getRun(r2.id)];
  assert.notEqual(d1.data[0].hash, d2.data[0].hash);
  assert.equal(d1.data[0].bytes, 8);
  assert.match(d1.gitCommit ?? "", /^[0-9a-f]{40}$/); // this repository
});

test("bad input is refused with messages that say what to do, and nothing is lost", async () => {
  await fresh();
  assert.throws(() => track.log({ x: 1 }), /needs an active run: start one with %%track/);
  const run = await track.startRun({ name: "bad input" });
  track.log({ ok: 1 });
  assert.throws(() => track.log({ s: "high" as any }), /must be a number, got string/);
  assert.throws(() => track.log({ x: 1 }, { step: -1 }), /whole number/);
  assert.throws(() => track.param({ big: "x".repeat(70_000) }), /capped at 64 KB: save it with artifact/);
  assert.throws(() => track.param({ f: () => 1 }), /params are JSON values/);
  await assert.rejects(() => run.store.getRun("no-such-run"), /unknown run 'no-such-run': %runs lists runs/);
  await assert.rejects(() => track.startRun({ name: "   " }), /1 to 200 characters/);
  await run.end();
  assert.throws(() => run.log({ late: 1 }), /has finished: start a new run/);
  assert.equal((await run.store.getRun(run.id)).metrics.ok.count, 1);
});

test("names with odd characters are kept as given and found by name", async () => {
  const st = await fresh();
  const name = "résumé 'quoted' \"x\" ; DROP TABLE runs; -- 🚀";
  const run = await track.startRun({ name, tags: ["a b", "ü"] });
  track.log({ "val/loss (ema)": 1 });
  await run.end();
  const d = await st.getRun(name);
  assert.equal(d.id, run.id);
  assert.deepEqual(d.tags, ["a b", "ü"]);
  assert.ok(d.metrics["val/loss (ema)"]);
});

if (b.name === "sqlite") {
  test("a corrupt store is a clear error and is left untouched", () => {
    const file = tmpStore();
    fs.writeFileSync(file, "this is not a database, but somebody's notes ".repeat(100));
    const before = fs.readFileSync(file);
    assert.throws(() => track.openStore(`sqlite://${file}`), /not a readable modelbench store .* left untouched/);
    assert.deepEqual(fs.readFileSync(file), before);
  });
} else {
  test("an unreachable server or a missing database is a clear error", async () => {
    const down = track.openStore("postgres://nobody:secret@127.0.0.1:1/none");
    await assert.rejects(() => down.listRuns(), /cannot reach the PostgreSQL store postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none \(ECONNREFUSED\): start the server/);
    await down.close();
    const url = new URL(await b.fresh());
    url.pathname = "/no_such_database";
    const missing = track.openStore(url.toString());
    await assert.rejects(() => missing.countRuns(), /does not exist: create it/);
    await missing.close();
  });
}

test("a store from a newer modelbench is refused without changes", async () => {
  const uri = await b.fresh();
  const s = track.openStore(uri);
  await s.countRuns();
  await b.exec(s, "UPDATE meta SET value = '999' WHERE key = 'schema_version'");
  await s.close();
  const again = async () => {
    const t = track.openStore(uri);
    return t.countRuns().finally(() => t.close());
  };
  await assert.rejects(again, /newer modelbench .* not changed/);
});

test("a full disk or read-only store keeps the points in memory and says so", async () => {
  const st = await fresh();
  const run = await track.startRun({ name: "disk trouble" });
  await run.flush();
  if (b.name === "sqlite") {
    const db = (st as SqliteStore).db;
    const pages = (db.pragma("page_count", { simple: true }) as number);
    db.pragma(`max_page_count = ${pages}`); // what a full disk looks like to SQLite
  } else {
    // What a full disk looks like to a PostgreSQL client: SQLSTATE 53100 on insert.
    await b.exec(st, `CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = '53100'; END $$;
      CREATE TRIGGER full_disk BEFORE INSERT ON metric_chunks FOR EACH ROW EXECUTE FUNCTION full_disk()`);
  }
  for (let i = 0; i < 5000; i++) track.log({ loss: i, acc: i / 2 });
  await assert.rejects(() => run.flush(), /disk .* is full: free some space/);
  assert.equal(run.pending, 10000);
  if (b.name === "sqlite") (st as SqliteStore).db.pragma("max_page_count = 1073741823");
  else await b.exec(st, "DROP TRIGGER full_disk ON metric_chunks");
  await run.flush();
  assert.equal(run.pending, 0);
  if (b.name === "sqlite") (st as SqliteStore).db.pragma("query_only = 1"); // what a read-only file looks like to SQLite
  else {
    // What a read-only server (a standby, a read-only transaction) answers: SQLSTATE 25006.
    await b.exec(st, `CREATE FUNCTION read_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'read-only transaction' USING ERRCODE = '25006'; END $$;
      CREATE TRIGGER read_only BEFORE INSERT ON metric_chunks FOR EACH ROW EXECUTE FUNCTION read_only()`);
  }
  track.log({ loss: -1 });
  await assert.rejects(() => run.flush(), /read-only: make it writable|read-only: connect to the primary/);
  if (b.name === "sqlite") (st as SqliteStore).db.pragma("query_only = 0");
  else await b.exec(st, "DROP TRIGGER read_only ON metric_chunks");
  await run.end();
  assert.equal((await st.getRun(run.id)).metrics.loss.count, 5001);
});

const childScript = (uri: string) => `
process.env.MODELBENCH_STORE = ${JSON.stringify(uri)};
const t = require(${JSON.stringify(path.join(__dirname, "index.js"))});
(async () => {
  const run = await t.startRun({ name: "doomed" });
  let i = 0;
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < 10000; k++) t.log({ loss: i++ });
    await run.flush();
    process.stdout.write("flushed " + i + " " + run.id + "\\n");
  }
  for (;;) { t.log({ loss: i++ }); if (i % 1000 === 0) await new Promise((r) => setImmediate(r)); }
})();`;

test("SIGKILL mid-logging: every flushed point survives and the run is marked crashed", async () => {
  const uri = await b.fresh();
  const child = spawn(process.execPath, ["-e", childScript(uri)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (d) => {
      out += d;
      if ((out.match(/flushed/g) ?? []).length >= 3) resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 300)); // keep logging unflushed points for a while
  child.kill("SIGKILL");
  await new Promise((r) => child.on("exit", r));
  const [, flushed, runId] = /flushed (\d+) (\S+)\n$/.exec(out.split("\n").filter(Boolean).slice(-1)[0] + "\n")!;
  const st = track.openStore(uri);
  assert.equal((await st.getRun(runId)).status, "running");
  assert.deepEqual(await st.markCrashed(), [runId]);
  const d = await st.getRun(runId);
  assert.equal(d.status, "crashed");
  assert.match(d.error ?? "", /ended without finishing/);
  const points = await st.metricHistory(runId, "loss");
  assert.ok(points.length >= Number(flushed), `${points.length} points stored, ${flushed} were flushed`);
  assert.deepEqual(points.slice(0, Number(flushed)).map((p) => p.value), Array.from({ length: Number(flushed) }, (_, i) => i));
  await st.close();
});

test("two processes writing the same store at once lose nothing", async () => {
  const uri = await b.fresh();
  const script = `
    process.env.MODELBENCH_STORE = ${JSON.stringify(uri)};
    const t = require(${JSON.stringify(path.join(__dirname, "index.js"))});
    (async () => { const r = await t.startRun({ name: "w" + process.pid });
      for (let i = 0; i < 20000; i++) { t.log({ x: i }); if (i % 500 === 0) await r.flush(); }
      await r.end(); })();`;
  const procs = [0, 1, 2].map(() => spawn(process.execPath, ["-e", script], { stdio: "inherit" }));
  await Promise.all(procs.map((p) => new Promise((r) => p.on("exit", r))));
  const st = track.openStore(uri);
  const runs = await st.listRuns();
  assert.equal(runs.length, 3);
  for (const r of runs) {
    assert.equal(r.status, "finished");
    assert.equal(r.metrics.x.count, 20000);
  }
  await st.close();
});

test("a script that exits without ending its run still writes it, marked by exit code", async () => {
  const uri = await b.fresh();
  const body = (code: number) => `process.env.MODELBENCH_STORE = ${JSON.stringify(uri)};
    const t = require(${JSON.stringify(path.join(__dirname, "index.js"))});
    t.startRun({ name: "exit${code}" }).then(() => { t.log({ x: 1 }); process.exit(${code}); });`;
  spawnSync(process.execPath, ["-e", body(0)]);
  spawnSync(process.execPath, ["-e", body(3)]);
  const st = track.openStore(uri);
  const runs = (await st.listRuns()).sort((x, y) => (x.name < y.name ? -1 : 1));
  assert.deepEqual(runs.map((r) => [r.name, r.status]), [["exit0", "finished"], ["exit3", "failed"]]);
  assert.deepEqual(runs.map((r) => r.metrics.x.count), [1, 1]);
  await st.close();
});

test("nested runs point at their parent", async () => {
  const st = await fresh();
  const parent = await track.startRun({ name: "sweep" });
  const child = await track.startRun({ name: "trial-0" });
  assert.equal(track.activeRun(), child);
  await child.end();
  assert.equal(track.activeRun(), parent);
  await parent.end();
  assert.equal((await st.getRun(child.id)).parentId, parent.id);
  const kids = await st.listRuns({ parentId: parent.id });
  assert.deepEqual(kids.map((r) => r.name), ["trial-0"]);
});

test("listing filters, sorts and limits; the table shows itself as HTML and text", async () => {
  await fresh();
  for (const [name, C, f1, tags] of [["a", 0.1, 0.5, ["lr"]], ["b", 1, 0.7, ["lr"]], ["c", 10, 0.65, ["nb"]]] as const) {
    const r = await track.startRun({ name, tags: [...tags], params: { C } });
    track.log({ f1_macro: f1 });
    await r.end();
  }
  const names = async (o: track.ListOptions) => (await track.listRuns(o)).runs.map((r) => r.name);
  assert.deepEqual(await names({ where: "metrics.f1_macro > 0.6 and params.C < 10" }), ["b"]);
  assert.deepEqual(await names({ where: "tags contains lr", sort: "-metrics.f1_macro" }), ["b", "a"]);
  assert.deepEqual(await names({ sort: "params.C", limit: 2 }), ["a", "b"]);
  assert.deepEqual(await names({ where: "not (name = a or name = 'b')" }), ["c"]);
  assert.deepEqual(await names({ tags: ["nb"] }), ["c"]);
  const table = await track.listRuns({ limit: 2 });
  const bundle = table[MIME]();
  assert.match(bundle["text/html"], /<table class="modelbench-runs"[ >]/);
  // Metrics before params, and only the params that differ (every run here has its own C).
  assert.match(bundle["text/plain"], /^id\s+name\s+status\s+started\s+duration\s+f1_macro ↑\s+params\.C$/m);
  assert.match(bundle["text/plain"], /2 of 3 runs shown/);
  await assert.rejects(() => track.listRuns({ where: "metrics.f1 >" }), /expected a value/);
  await assert.rejects(() => track.listRuns({ where: "colour = red" }), /unknown field 'colour'/);
  await assert.rejects(() => track.listRuns({ limit: 0 }), /limit must be/);
});

test("compare shows differing params, curves and the code diff", async () => {
  await fresh();
  const a = await track.startRun({ name: "A", source: "fit(C=1)\n", params: { C: 1, seed: 0 } });
  for (let i = 0; i < 5; i++) track.log({ loss: 1 / (i + 1) });
  await a.end();
  const b = await track.startRun({ name: "B", source: "fit(C=10)\n", params: { C: 10, seed: 0 } });
  for (let i = 0; i < 5; i++) track.log({ loss: 2 / (i + 1) });
  await b.end();
  const cmp = await track.compareRuns(["A", "B"]);
  assert.deepEqual(cmp.paramRows().map((r) => [r.key, r.differs]), [["C", true], ["seed", false]]);
  assert.equal(cmp.figure().data.length, 2);
  assert.match(cmp.codeDiffs()[0].diff, /-fit\(C=1\)\n\+fit\(C=10\)/);
  // Metrics come first, with the better run marked (loss: lower is better) and deltas against A.
  const [loss] = cmp.metricRows();
  assert.deepEqual([loss.key, loss.goal, loss.shown, loss.best], ["loss", "min", [0.2, 0.4], [0]]);
  assert.ok(Math.abs(loss.deltas[1]! - 0.2) < 1e-12);
  const html = String(cmp[MIME]()["text/html"]);
  assert.ok(html.indexOf("Metrics") < html.indexOf("Params that differ (1 of 2)"), "metrics before params");
  assert.match(html, /<tr data-key="loss">.*font-weight:bold;background:var\(--jp-success-color3[^>]*title="best">0\.2</);
  assert.match(html, /1 param the same in every run<\/summary><p>seed = 0/, "equal params are folded away");
  assert.doesNotMatch(html, /data-key="params\.seed"/);
  const bars = cmp.barsFigure();
  assert.equal(bars.data.length, 1, "one bar chart per metric");
  assert.deepEqual((bars.data[0] as any).y, [0.2, 0.4]);
  await assert.rejects(() => track.compareRuns(["A"]), /at least two runs/);
});

test("registry: versions, moving aliases, loading by ref, lineage, and gc keeps what is referenced", async () => {
  const st = await fresh();
  const r1 = await track.startRun({ name: "m1" });
  await track.artifact("model", { weights: [1, 2] });
  await track.artifact("scratch", "temporary");
  await r1.end();
  const r2 = await track.startRun({ name: "m2" });
  await track.artifact("model", { weights: [3, 4] });
  await r2.end();
  assert.equal((await st.registerModel("genre-clf", r1.id, "model")).version, 1);
  assert.equal((await st.registerModel("genre-clf", r2.id, "model")).version, 2);
  await st.setAlias("genre-clf", "champion", 1);
  assert.deepEqual((await track.loadModel("genre-clf@champion")).value, { weights: [1, 2] });
  await st.setAlias("genre-clf", "champion", 2); // the alias moves
  assert.deepEqual((await track.loadModel("genre-clf@champion")).value, { weights: [3, 4] });
  assert.deepEqual((await track.loadModel("genre-clf/1")).value, { weights: [1, 2] });
  assert.equal((await track.loadModel("genre-clf")).version.version, 2);
  const v = await st.resolveModel("genre-clf@champion");
  assert.equal((await st.getRun(v.runId)).name, "m2"); // lineage: which run (code, data, git) made it
  await assert.rejects(() => st.resolveModel("genre-clf@staging"), /has no alias 'staging'/);
  await assert.rejects(() => st.resolveModel("nope"), /nothing is registered as 'nope'/);
  await assert.rejects(() => st.registerModel("genre-clf", r1.id, "missing"), /has no artifact 'missing' \(it has: model, scratch\)/);
  // gc: drop the run's reference to "scratch" and an orphan file; referenced files stay.
  await b.exec(st, "DELETE FROM artifacts WHERE name = 'scratch'");
  const gc = await st.gcArtifacts();
  assert.equal(gc.removed.length, 1);
  assert.deepEqual((await track.loadModel("genre-clf/1")).value, { weights: [1, 2] });
});

test("goals decide which value is best; well-known names have one already", async () => {
  const st = await fresh();
  const run = await track.startRun({ name: "goals", goals: { custom: "min" } });
  for (const v of [3, 1, 2]) track.log({ custom: v, val_loss: v, f1_macro: v / 10, other: v });
  await run.end();
  const m = (await st.getRun(run.id)).metrics;
  assert.deepEqual([m.custom.goal, m.custom.best], ["min", 1]);
  assert.deepEqual([m.val_loss.goal, m.val_loss.best], ["min", 1]);
  assert.deepEqual([m.f1_macro.goal, m.f1_macro.best], ["max", 0.3]);
  assert.deepEqual([m.other.goal, m.other.best], [null, 2]);
  const listed = await track.listRuns({ where: "metrics.custom.best = 1" });
  assert.equal(listed.runs.length, 1);
  await assert.rejects(() => run.store.setGoals(run.id, { x: "up" as any }), /"min" or "max"/);
});

test("implicit runs, when enabled, catch log() outside any run", async () => {
  const st = await fresh();
  track.setImplicitRuns(true);
  try {
    track.log({ loose: 1 });
    const run = track.activeRun()!;
    assert.match(run.name, /^implicit-/);
    await run.end();
    assert.equal((await st.getRun(run.id)).metrics.loose.count, 1);
  } finally {
    track.setImplicitRuns(false);
  }
  assert.throws(() => track.log({ loose: 2 }), /needs an active run/);
});

test("listing pages in the store and filters on the keys it needs, with the same answers", async () => {
  await fresh();
  for (let i = 0; i < 30; i++) {
    const r = await track.startRun({ name: `r${i}`, params: { C: i % 7, kind: i % 2 ? "a" : "10" } });
    track.log({ f1: i / 30, other: i });
    if (i % 5 === 0) track.log({ f1: NaN });
    await r.end();
  }
  const names = async (o: track.ListOptions) => (await track.listRuns(o)).runs.map((r) => r.name);
  const all = (await track.listRuns({})).runs;
  // The same predicate over every run, done by hand, must agree with the store-assisted answer.
  const expect = (pred: (r: track.RunSummary) => boolean) => all.filter(pred).map((r) => r.name);
  assert.deepEqual(await names({ where: "metrics.f1 > 0.5 and params.C < 4" }), expect((r) => r.metrics.f1.last > 0.5 && (r.params.C as number) < 4));
  assert.deepEqual(await names({ where: "params.kind = 10" }), expect((r) => r.params.kind === "10")); // numeric-looking text params
  assert.deepEqual(await names({ where: "metrics.f1 >= 0 or params.C = 6" }), expect((r) => r.metrics.f1.last >= 0 || r.params.C === 6));
  assert.deepEqual(await names({ where: "not metrics.f1 < 0.5" }), expect((r) => !(r.metrics.f1.last < 0.5)));
  const table = await track.listRuns({ where: "metrics.other > 3", sort: "-metrics.f1", limit: 3 });
  assert.equal(table.total, 26);
  assert.deepEqual(table.runs.map((r) => r.name), ["r29", "r28", "r27"]);
  assert.ok(table.runs[0].params.kind !== undefined && table.runs[0].metrics.other, "the page is loaded in full");
  const page = await track.listRuns({ limit: 2 });
  assert.deepEqual([page.runs.length, page.total], [2, 30]);
});

test("a registered model loads back ready to predict", async () => {
  const st = await fresh();
  const { MultinomialNB } = await import("../models");
  const X = [[3, 0, 1], [0, 2, 0], [4, 1, 0], [0, 3, 1]];
  const y = ["spam", "ham", "spam", "ham"];
  const model = new MultinomialNB({ alpha: 1 }).fit(X, y);
  const run = await track.startRun({ name: "nb" });
  await track.artifact("model", model);
  await run.end();
  await st.registerModel("spam-filter", run.id, "model");
  await st.setAlias("spam-filter", "champion", 1);
  const { value } = await track.loadModel("spam-filter@champion");
  assert.ok(value instanceof MultinomialNB);
  assert.deepEqual((value as InstanceType<typeof MultinomialNB>).predict(X), model.predict(X));
});

test("a batch naming a metric twice keeps both parts, and the summary counts them all", async () => {
  const st = await fresh();
  const run = await track.startRun({ name: "twice" });
  await run.flush();
  await st.writeBatch({ runId: run.id, params: [["p", 1], ["p", 2]], series: [
    { key: "x", steps: [0, 1], values: [5, 3], ts: [1, 2] },
    { key: "x", steps: [2], values: [4], ts: [3] },
  ] });
  await run.end();
  const d = await st.getRun(run.id);
  assert.deepEqual([d.metrics.x.count, d.metrics.x.last, d.metrics.x.min, d.metrics.x.max], [3, 4, 3, 5]);
  assert.deepEqual((await st.metricHistory(run.id, "x")).map((p) => p.value), [5, 3, 4]);
  assert.equal(d.params.p, 2, "the last value of a param wins");
});
}
