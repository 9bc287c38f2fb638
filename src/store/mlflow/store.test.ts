import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../../track";
import { MlflowStore } from "./store";
import { backendOf, openTail } from "../registry";
import { StudyError } from "../../tune/storage";
import { freePort, mlflowBin, NO_MLFLOW, repoRoot, startMlflow } from "../../../tests/support/mlflowServer";
import type { PointsEvent, RunSummary } from "../../track/types";

const asMlflow = (v: number) => (Number.isNaN(v) ? "NaN" : v === Infinity ? Number.MAX_VALUE : v === -Infinity ? -Number.MAX_VALUE : v);

test("MODELBENCH_STORE=mlflow+http://…: runs logged through modelbench read back equal with MLflow's client and our own API", async () => {
  assert.ok(mlflowBin, NO_MLFLOW);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-mlflow-store-"));
  const server = await startMlflow(dir);
  const uri = `mlflow+${server.url}`;
  const before = process.env.MODELBENCH_STORE;
  process.env.MODELBENCH_STORE = uri;
  try {
    const st = track.store();
    assert.ok(st instanceof MlflowStore, `MODELBENCH_STORE=${uri} opens an MlflowStore`);
    const tail = openTail(uri);
    const seenRuns: RunSummary[] = [];
    const seenPoints: PointsEvent[] = [];
    tail.on("runs", (r: RunSummary[]) => seenRuns.push(...r));
    tail.on("points", (p: PointsEvent[]) => seenPoints.push(...p));
    await (tail as any).poll();

    const parent = await track.startRun({ name: "sweep parent", project: "mb-live", tags: ["sweep"], params: { C: 1, grid: [1, 2], kernel: "rbf" }, notes: "a note", seed: 7 });
    const child = await track.startRun({ name: "child", project: "mb-live", goals: { loss: "min" } });
    tail.watched.add(child.id);
    const many: Record<string, number> = {};
    for (let i = 0; i < 150; i++) many[`p${i}`] = i; // more params than one log-batch takes
    track.param(many);
    for (let i = 0; i < 1200; i++) track.log({ loss: 1 / (i + 1) }); // more points than one log-batch takes
    track.log({ odd: NaN });
    track.log({ odd: -Infinity });
    await track.artifact("model", { weights: [1, 2, 3] });
    await child.flush();
    await (tail as any).poll();
    await child.end();
    await track.artifact("notes", "plain text");
    await track.recordData(path.join(repoRoot, "package.json"));
    await parent.end("failed", "boom");
    await (tail as any).poll();
    tail.stop();
    await st.registerModel("clf", child.id, "model");
    await st.registerModel("clf", child.id, "model", "second");
    await st.setAlias("clf", "champion", 1);
    await st.setAlias("clf", "old", 2);
    await st.removeAlias("clf", "old");

    // MLflow's own Python client reads what modelbench wrote.
    const read = spawnSync(path.join(mlflowBin!, "python"), [path.join(repoRoot, "tests", "mlflow", "read_back.py"), server.url], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(read.status, 0, read.stderr);
    const got = JSON.parse(read.stdout);
    for (const run of [parent, child]) {
      const d = await st.getRun(run.id);
      const m = got.runs[run.id];
      assert.ok(m, `run ${run.name} is in MLflow, tagged with our id`);
      assert.equal(d.id, run.id);
      assert.equal(m.name, run.name);
      assert.equal(m.experiment, "mb-live");
      assert.equal(m.start_time, d.startedAt);
      assert.equal(m.end_time, d.endedAt);
      assert.deepEqual(m.params, Object.fromEntries(Object.entries(d.params).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));
      const want: Record<string, unknown[]> = {};
      const history = await st.metricHistory(run.id);
      for (const p of history) (want[p.key] ??= []).push([p.step, asMlflow(p.value), p.ts]);
      assert.deepEqual(m.metrics, want);
      for (const a of d.artifacts) assert.equal(m.artifacts[a.name], (await st.readArtifact(a.hash)).toString("hex"));
      assert.equal(m.tags["mlflow.source.git.commit"] ?? null, d.gitCommit);
      assert.equal(m.user, os.userInfo().username);
      assert.equal(m.tags["modelbench.pid"], String(process.pid));
      assert.equal(m.tags["modelbench.host"], os.hostname());
    }
    const pm = got.runs[parent.id], cm = got.runs[child.id];
    assert.equal(pm.status, "FAILED");
    assert.equal(cm.status, "FINISHED");
    assert.equal(cm.tags["mlflow.parentRunId"], pm.mlflow_id);
    assert.equal(pm.tags["mlflow.note.content"], "a note");
    assert.equal(pm.tags["modelbench.error"], "boom");
    assert.equal(pm.tags["modelbench.seed"], "7");
    assert.equal(pm.tags.sweep, "true");
    assert.equal(Buffer.from(pm.artifacts.notes, "hex").toString(), "plain text");
    assert.deepEqual(JSON.parse(Buffer.from(cm.artifacts.model, "hex").toString()), { weights: [1, 2, 3] });
    assert.ok(Buffer.from(pm.artifacts["modelbench/source.txt"] ?? "", "hex").toString().includes("MODELBENCH_STORE"), "the code is an artifact");
    assert.equal(Object.keys(cm.params).length, 150);
    assert.equal(cm.metrics.loss.length, 1200);
    assert.deepEqual(cm.metrics.odd.map((p: unknown[]) => p[1]), ["NaN", -Number.MAX_VALUE]);
    assert.deepEqual(got.models.clf.aliases, { champion: "1" });
    assert.deepEqual(got.models.clf.versions.map((v: any) => [v.version, v.run_id]), [[1, cm.mlflow_id], [2, cm.mlflow_id]]);

    // Our own API reads the same back.
    const pd = await st.getRun(parent.id), cd = await st.getRun(child.id);
    assert.equal(cd.parentId, parent.id);
    assert.equal(pd.status, "failed");
    assert.equal(pd.error, "boom");
    assert.deepEqual(pd.tags, ["sweep"]);
    assert.equal(pd.notes, "a note");
    assert.deepEqual(pd.params, { C: 1, grid: [1, 2], kernel: "rbf" });
    assert.equal(pd.data.length, 1);
    assert.equal(pd.data[0].bytes, fs.statSync(path.join(repoRoot, "package.json")).size);
    assert.equal(cd.metrics.loss.count, 1200);
    assert.equal(cd.metrics.loss.min, 1 / 1200);
    assert.equal(cd.metrics.loss.max, 1);
    assert.equal(cd.metrics.loss.goal, "min");
    assert.equal(cd.metrics.loss.best, 1 / 1200);
    assert.ok(Object.keys(pd.env).length > 0, "the environment comes back");
    assert.equal((await st.getRun("child")).id, child.id, "a run is found by name too");
    assert.equal((await st.getRun(cm.mlflow_id)).id, child.id, "and by MLflow's id");
    const listed = await st.listRuns({ project: "mb-live" });
    assert.deepEqual(listed.map((r) => r.id).sort(), [parent.id, child.id].sort());
    assert.deepEqual((await st.listRuns({ status: ["failed"] })).map((r) => r.id), [parent.id]);
    assert.deepEqual((await st.listRuns({ tags: ["sweep"] })).map((r) => r.id), [parent.id]);
    assert.equal(await st.countRuns({ parentId: parent.id }), 1);
    const odd = await st.metricHistory(child.id, "odd");
    assert.ok(Number.isNaN(odd[0].value));
    assert.equal(odd[1].value, -Number.MAX_VALUE);
    const versions = await st.modelVersions("clf");
    assert.deepEqual(versions.map((v) => [v.version, v.runId, v.artifact, v.aliases, v.description]), [[1, child.id, "model", ["champion"], null], [2, child.id, "model", [], "second"]]);
    assert.equal((await st.resolveModel("clf@champion")).version, 1);
    assert.equal(versions[0].hash, cd.artifacts.find((a) => a.name === "model")!.hash);
    const gc = await st.gcArtifacts();
    assert.deepEqual([gc.removed, gc.bytes], [[], 0]);

    // The polling tail saw both runs change and the child's points.
    assert.ok(seenRuns.some((r) => r.id === child.id && r.status === "finished"), "the tail reports the child finishing");
    assert.ok(seenRuns.some((r) => r.id === parent.id && r.status === "failed"), "the tail reports the parent failing");
    const tailed = seenPoints.filter((p) => p.runId === child.id && p.key === "loss").flatMap((p) => p.steps);
    assert.equal(tailed.length, 1200);

    // A run left RUNNING by a process that is gone is marked crashed.
    const orphan = spawnSync(process.execPath, ["-e", `
      const t = require(${JSON.stringify(path.join(__dirname, "..", "..", "track", "index.js"))});
      t.startRun({ name: "orphan", project: "mb-live" }).then((r) => { console.log(r.id); process.kill(process.pid, "SIGKILL"); });
    `], { encoding: "utf8", env: { ...process.env, MODELBENCH_STORE: uri } });
    const orphanId = orphan.stdout.trim();
    assert.match(orphanId, /^[0-9a-f-]{36}$/, orphan.stderr);
    assert.equal((await st.getRun(orphanId)).status, "running");
    assert.deepEqual(await st.markCrashed(), [orphanId]);
    assert.equal((await st.getRun(orphanId)).status, "crashed");

    // A script that exits with its run open: the last points and the end are written at exit.
    const script = spawnSync(process.execPath, ["-e", `
      const t = require(${JSON.stringify(path.join(__dirname, "..", "..", "track", "index.js"))});
      t.startRun({ name: "exits", project: "mb-live" }).then((r) => { console.log(r.id); for (let i = 0; i < 5; i++) t.log({ acc: i / 10 }); });
    `], { encoding: "utf8", env: { ...process.env, MODELBENCH_STORE: uri } });
    const exits = await st.getRun(script.stdout.trim());
    assert.equal(exits.status, "finished", script.stderr);
    assert.equal(exits.metrics.acc.count, 5);
  } finally {
    if (before === undefined) delete process.env.MODELBENCH_STORE;
    else process.env.MODELBENCH_STORE = before;
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an MLflow store that is down or wrong says so, naming the URL", async () => {
  const port = await freePort(); // nothing listens there
  const st = track.openStore(`mlflow+http://127.0.0.1:${port}`);
  await assert.rejects(st.listRuns(), new RegExp(`cannot reach the MLflow server at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): start it`));
  assert.throws(() => track.openStore("mlflow+ftp://x"), /store URI scheme 'mlflow\+ftp' has no backend: .*mlflow\+http:\/\/host:port/);
  assert.throws(() => track.openStore("mlflow+http://x:1/path"), /is not an MLflow URI: write mlflow\+http:\/\/host:port/);
});

test("studies on an MLflow store are a clear StudyError, before any request reaches the server", async () => {
  const port = await freePort(); // nothing listens there: the refusal needs no server
  const st = track.openStore(`mlflow+http://127.0.0.1:${port}`);
  assert.throws(() => backendOf(st).openStudyStorage(st), (e: unknown) =>
    e instanceof StudyError &&
    e.message.startsWith(`studies need a SQLite or PostgreSQL store, not mlflow+http://127.0.0.1:${port}: MLflow keeps no trials; sweep into sqlite:///… or postgres://…`));
});
