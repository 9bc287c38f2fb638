import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as path from "path";
import { Client } from "pg";
import { PostgresStore } from "./store";
import { PG_MIGRATIONS } from "./schema";
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

test("postgres: a script that exits with its run open keeps its last output (a NUL in it too) with the last points", async () => {
  const url = await postgresBackend.fresh();
  const script = `
    const t = require(${JSON.stringify(path.join(__dirname, "..", "..", "track", "index.js"))});
    t.useStore(${JSON.stringify(url)}).then(() => t.startRun({ name: "exits" })).then((r) => {
      console.log("id " + r.id);
      t.log({ acc: 0.5 });
      process.stdout.write("last words\\u0000 before exit\\n");
    });`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  assert.equal(await new Promise((r) => child.once("exit", r)), 0, err);
  const id = /id (\S+)/.exec(out)?.[1];
  assert.ok(id, out + err);
  const st = new PostgresStore(url);
  try {
    const run = await st.getRun(id!);
    assert.equal(run.status, "finished");
    assert.equal(run.metrics.acc.count, 1);
    const text = (await st.readOutput(id!)).map((c) => c.text).join("");
    assert.equal(text, `id ${id}\nlast words\uFFFD before exit\n`, "the NUL is shown as U+FFFD; nothing else is lost");
  } finally {
    await st.close();
  }
});

test("postgres: a store written before media (schema 2) is migrated in place: its runs stay, unarchived, and take media", async () => {
  const url = await postgresBackend.fresh();
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    for (const m of PG_MIGRATIONS.slice(0, 2)) await c.query(m);
    await c.query("INSERT INTO meta (key, value) VALUES ('schema_version', '2')");
    await c.query("INSERT INTO runs (id, name, project, status, started_at, pid, host) VALUES ('old-run', 'old', 'p', 'finished', 1, 1, 'h')");
  } finally {
    await c.end();
  }
  const st = new PostgresStore(url);
  try {
    const [run] = await st.listRuns();
    assert.deepEqual([run.id, run.archived], ["old-run", false]);
    await st.putMedia("old-run", { key: "k", kind: "text", step: 0, ts: 1, mime: "text/plain", meta: {}, content: Buffer.from("x") });
    assert.deepEqual((await st.listMedia("old-run")).map((m) => m.key), ["k"]);
    assert.equal((await st.query("SELECT value FROM meta WHERE key = 'schema_version'"))[0].value, String(PG_MIGRATIONS.length));
  } finally {
    await st.close();
  }
});
