import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as path from "path";
import { PostgresStore } from "./store";
import { postgresBackend } from "../../../tests/support/backends";
import * as track from "../../track";
import { createStudy, uniform } from "../../tune";

// A writer "on another machine": its run names a host that is not this one, so only the server can
// tell whether its process still lives.
const remoteWriter = (url: string, host: string) => `
const { PostgresStore } = require(${JSON.stringify(path.join(__dirname, "store.js"))});
(async () => {
  const s = new PostgresStore(${JSON.stringify(url)});
  const id = "run-" + ${JSON.stringify(host)};
  await s.createRun({ id, name: id, project: "p", parentId: null, tags: [], notes: null, startedAt: Date.now(), pid: 424242,
    host: ${JSON.stringify(host)}, seed: null, source: null, notebook: null, notebookPath: null, git: null, env: {} });
  await s.writeBatch({ runId: id, params: [], series: [{ key: "loss", steps: [0], values: [1], ts: [Date.now()] }] });
  process.stdout.write("ready\\n");
  setInterval(() => {}, 1000);
})();`;

test("postgres: a run written from another machine is crashed once its writer's connection is gone, not before", async () => {
  const url = await postgresBackend.fresh();
  const start = (host: string) => {
    const child = spawn(process.execPath, ["-e", remoteWriter(url, host)], { stdio: ["ignore", "pipe", "inherit"] });
    return new Promise<typeof child>((resolve) => child.stdout.once("data", () => resolve(child)));
  };
  const [doomed, alive] = await Promise.all([start("far-away-1"), start("far-away-2")]);
  const st = new PostgresStore(url);
  try {
    assert.deepEqual(await st.markCrashed(), [], "both writers still hold their runs");
    doomed.kill("SIGKILL");
    await new Promise((r) => doomed.once("exit", r));
    // The server notices the dropped connection; give it a moment on a loaded machine.
    let crashed: string[] = [];
    for (let i = 0; i < 50 && !crashed.length; i++) {
      crashed = await st.markCrashed();
      if (!crashed.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(crashed, ["run-far-away-1"]);
    const d = await st.getRun("run-far-away-1");
    assert.equal(d.status, "crashed");
    assert.match(d.error ?? "", /pid 424242 on far-away-1\) ended without finishing/);
    assert.equal(d.metrics.loss.count, 1, "its data stays");
    assert.equal((await st.getRun("run-far-away-2")).status, "running");
  } finally {
    alive.kill("SIGKILL");
    await st.close();
  }
});

test("postgres: a trial whose worker on another machine died becomes failed; a live one stays running", async () => {
  const url = await postgresBackend.fresh();
  const st = (await track.useStore(url)) as PostgresStore;
  const study = await createStudy({ name: "remote", space: { x: uniform(0, 1) }, sampler: "random", track: false });
  const spawnWriter = (host: string) => {
    const child = spawn(process.execPath, ["-e", remoteWriter(url, host)], { stdio: ["ignore", "pipe", "inherit"] });
    return new Promise<typeof child>((resolve) => child.stdout.once("data", () => resolve(child)));
  };
  const [doomed, alive] = await Promise.all([spawnWriter("far-away-3"), spawnWriter("far-away-4")]);
  try {
    // Two trials reserved by workers elsewhere, each running as that worker's run.
    for (const [n, host] of [[0, "far-away-3"], [1, "far-away-4"]] as const) {
      await st.query("INSERT INTO trials (study_id, number, run_id, state, params, started_at, pid, host) VALUES ($1, $2, $3, 'running', '{\"x\":0.5}', $4, 424242, $5)",
        [study.id, n, `run-${host}`, Date.now(), host]);
    }
    assert.deepEqual(await study.storage.failOrphans(study.id), []);
    doomed.kill("SIGKILL");
    await new Promise((r) => doomed.once("exit", r));
    let failed: number[] = [];
    for (let i = 0; i < 50 && !failed.length; i++) {
      failed = await study.storage.failOrphans(study.id);
      if (!failed.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(failed, [0]);
    assert.deepEqual(study.trials.map((t) => t.state), ["failed", "running"]);
    assert.match(study.trials[0].error!, /worker \(pid 424242\) stopped before the trial ended/);
  } finally {
    alive.kill("SIGKILL");
    await st.close();
  }
});
