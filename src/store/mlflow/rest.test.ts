import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../../track";
import { sqliteBackend } from "../../../tests/support/backends";
import { freePort, mlflowBin, NO_MLFLOW, repoRoot, startMlflow } from "../../../tests/support/mlflowServer";

const cli = path.join(repoRoot, "bin", "modelbench.mjs");
const root = repoRoot, venvBin = mlflowBin;

test("export to a real MLflow server: MLflow's client reads back params, metric histories, tags, artifacts, versions and aliases", async () => {
  assert.ok(venvBin, NO_MLFLOW);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-mlflow-"));
  const server = await startMlflow(dir);
  try {
    const from = await sqliteBackend.fresh();
    const st = await track.useStore(from);
    const parent = await track.startRun({ name: "sweep parent", tags: ["sweep"], params: { C: 1, grid: [1, 2], name: "lr" }, notes: "a note" });
    const child = await track.startRun({ name: "child" });
    for (let i = 0; i < 2500; i++) track.log({ loss: 1 / (i + 1) }); // more than one log-batch
    track.log({ odd: NaN });
    track.log({ odd: Infinity });
    await track.artifact("model", { weights: [1, 2, 3] });
    await child.end();
    await track.artifact("notes", "plain text");
    await parent.end("failed", "boom");
    await st.registerModel("clf", child.id, "model");
    await st.registerModel("clf", child.id, "model");
    await st.setAlias("clf", "champion", 1);

    const r = spawnSync(process.execPath, [cli, "export", "--from", from, "--to", `mlflow+${server.url}`], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const [, points] = /exported 2 runs \((\d+) points, 2 artifacts\), 2 model versions and 1 aliases/.exec(r.stdout) ?? [];
    const stored = (await st.metricHistory(parent.id)).length + (await st.metricHistory(child.id)).length;
    assert.equal(Number(points), stored, r.stdout);
    assert.ok(stored >= 2502);

    const read = spawnSync(path.join(venvBin!, "python"), [path.join(root, "tests", "mlflow", "read_back.py"), server.url], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(read.status, 0, read.stderr);
    const got = JSON.parse(read.stdout);
    for (const run of [parent, child]) {
      const d = await st.getRun(run.id);
      const m = got.runs[run.id];
      assert.ok(m, `run ${d.name} is in MLflow`);
      assert.equal(m.name, d.name);
      assert.equal(m.experiment, d.project);
      assert.equal(m.start_time, Math.round(d.startedAt));
      assert.equal(m.end_time, Math.round(d.endedAt!));
      assert.deepEqual(m.params, Object.fromEntries(Object.entries(d.params).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));
      const history = await st.metricHistory(run.id);
      const want: Record<string, unknown[]> = {};
      // MLflow's SQL store keeps NaN but clamps ±Infinity to ±Number.MAX_VALUE (its documented behaviour).
      const asMlflow = (v: number) => (Number.isNaN(v) ? "NaN" : v === Infinity ? Number.MAX_VALUE : v === -Infinity ? -Number.MAX_VALUE : v);
      for (const p of history) (want[p.key] ??= []).push([p.step, asMlflow(p.value), Math.round(p.ts)]);
      assert.deepEqual(m.metrics, want);
      const arts = Object.fromEntries(await Promise.all(d.artifacts.map(async (a) => [a.name, (await st.readArtifact(a.hash)).toString("hex")])));
      assert.deepEqual(m.artifacts, arts);
      assert.equal(m.tags["mlflow.runName"], d.name);
      assert.equal(m.tags["mlflow.source.git.commit"], d.gitCommit);
    }
    assert.equal(got.runs[parent.id].status, "FAILED");
    assert.equal(got.runs[child.id].status, "FINISHED");
    assert.equal(got.runs[child.id].tags["mlflow.parentRunId"], got.runs[parent.id].mlflow_id);
    assert.equal(got.runs[parent.id].tags["mlflow.note.content"], "a note");
    assert.equal(got.runs[parent.id].tags.sweep, "true");
    assert.deepEqual(got.models.clf.aliases, { champion: "1" });
    assert.deepEqual(got.models.clf.versions.map((v: any) => [v.version, v.run_id]), [[1, got.runs[child.id].mlflow_id], [2, got.runs[child.id].mlflow_id]]);
    await st.close();
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("export refuses a wrong URI and an unreachable server clearly", async () => {
  const from = await sqliteBackend.fresh();
  track.openStore(from);
  const bad = spawnSync(process.execPath, [cli, "export", "--from", from, "--to", "http://x:5000"], { encoding: "utf8" });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /is not an MLflow URI: write mlflow\+http:\/\/host:port/);
  const st = await track.useStore(from);
  const run = await track.startRun({ name: "one" });
  await run.end();
  await st.close();
  const port = await freePort(); // nothing listens there
  const down = spawnSync(process.execPath, [cli, "export", "--from", from, "--to", `mlflow+http://127.0.0.1:${port}`], { encoding: "utf8" });
  assert.equal(down.status, 1);
  assert.match(down.stderr, new RegExp(`cannot reach the MLflow server at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): start it`));
  const usage = spawnSync(process.execPath, [cli, "export"], { encoding: "utf8" });
  assert.equal(usage.status, 2);
});
