import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as os from "os";
import * as path from "path";
import { openTail } from "../registry";
import { PgTail } from "./tail";
import { PostgresStore } from "./store";
import { postgresBackend } from "../../../tests/support/backends";
import type { PointsEvent, RunInit, RunSummary } from "../../track/types";

const init = (id: string, name: string): RunInit => ({
  id, name, project: "p", parentId: null, tags: [], notes: null, startedAt: Date.now(), pid: process.pid, host: os.hostname(),
  seed: null, source: null, notebook: null, notebookPath: null, git: null, env: {},
});

function until<T>(tail: PgTail, event: string, pick: (x: any) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const on = (x: any) => {
      const got = pick(x);
      if (got !== undefined) {
        tail.off(event, on);
        resolve(got);
      }
    };
    tail.on(event, on);
  });
}

test("postgres tail: a new run, its points and its end reach a subscriber through LISTEN/NOTIFY", async () => {
  const url = await postgresBackend.fresh();
  const tail = openTail(url);
  assert.ok(tail instanceof PgTail, "a postgres:// URI is followed by LISTEN/NOTIFY");
  await tail.start();
  const writer = new PostgresStore(url);
  try {
    const seen = until(tail, "runs", (runs: RunSummary[]) => runs.find((r) => r.name === "live"));
    await writer.createRun(init("run-live", "live"));
    assert.equal((await seen).status, "running");
    tail.watched.add("run-live");
    const got = until(tail, "points", (evs: PointsEvent[]) => evs.find((e) => e.runId === "run-live"));
    const t0 = performance.now();
    await writer.writeBatch({ runId: "run-live", params: [], series: [{ key: "loss", steps: [0, 1, 2], values: [0.9, NaN, -Infinity], ts: [1, 2, 3] }] });
    const ev = await got;
    process.stdout.write(`# points event ${(performance.now() - t0).toFixed(1)} ms after the write committed\n`);
    assert.deepEqual({ ...ev }, { runId: "run-live", key: "loss", steps: [0, 1, 2], values: [0.9, NaN, -Infinity], ts: [1, 2, 3] });
    const ended = until(tail, "runs", (runs: RunSummary[]) => runs.find((r) => r.id === "run-live" && r.status !== "running"));
    await writer.endRun("run-live", "finished", Date.now(), null);
    assert.equal((await ended).status, "finished");
  } finally {
    tail.stop();
    await writer.close();
  }
});

test("postgres tail: four processes writing at once, every point reaches the subscriber exactly once", async () => {
  const url = await postgresBackend.fresh();
  const writer = new PostgresStore(url);
  const ids = ["w0", "w1", "w2", "w3"];
  for (const id of ids) await writer.createRun(init(id, id));
  const tail = new PgTail(url);
  for (const id of ids) tail.watched.add(id);
  await tail.start();
  const seen = new Map<string, number[]>(ids.map((id) => [id, []]));
  tail.on("points", (evs: PointsEvent[]) => { for (const e of evs) seen.get(e.runId)!.push(...e.values); });
  const BATCHES = 40, PER = 25;
  const script = (runId: string) => `
    const { PostgresStore } = require(${JSON.stringify(path.join(__dirname, "store.js"))});
    (async () => { const s = new PostgresStore(${JSON.stringify(url)});
      for (let b = 0; b < ${BATCHES}; b++) {
        const values = Array.from({ length: ${PER} }, (_, i) => b * ${PER} + i);
        await s.writeBatch({ runId: ${JSON.stringify(runId)}, params: [], series: [{ key: "x", steps: values, values, ts: values }] });
      }
      await s.close(); })().catch((e) => { console.error(e); process.exit(1); });`;
  const codes = await Promise.all(ids.map((id) => new Promise((r) => spawn(process.execPath, ["-e", script(id)], { stdio: "inherit" }).on("exit", r))));
  assert.deepEqual(codes, [0, 0, 0, 0]);
  await tail.drain();
  // Notifications of the last commits may still be on their way.
  for (let i = 0; i < 100 && [...seen.values()].some((v) => v.length < BATCHES * PER); i++) await new Promise((r) => setTimeout(r, 50));
  tail.stop();
  await writer.close();
  const expected = Array.from({ length: BATCHES * PER }, (_, i) => i);
  for (const id of ids) assert.deepEqual([...seen.get(id)!].sort((a, b) => a - b), expected, `points of ${id}`);
});
