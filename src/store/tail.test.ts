// A tail tells its subscribers when the registry changes (a version registered, an alias set or
// removed), so an open Models view reloads without a run having changed: on both backends.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "crypto";
import * as os from "os";
import { openTail } from "./registry";
import type { Tail } from "./types";
import { BACKENDS } from "../../tests/support/backends";
import { PostgresStore } from "./postgres/store";
import { SqliteStore } from "./sqlite/store";
import { sqlitePath } from "./location";
import type { RunInit, Store } from "../track/types";

const init = (id: string): RunInit => ({
  id, name: id, project: "p", parentId: null, tags: [], notes: null, startedAt: Date.now(), pid: process.pid, host: os.hostname(),
  seed: null, source: null, notebook: null, notebookPath: null, git: null, env: {},
});

/** Resolves on the next "registry" event (the SQLite tail is polled by hand so the test needs no timer). */
function nextRegistry(tail: Tail): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no registry event within 5 s")), 5000);
    tail.once("registry", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

for (const backend of BACKENDS) {
  test(`${backend.name}: registering a version, setting and removing an alias each reach the tail`, async () => {
    const uri = await backend.fresh();
    const writer: Store = backend.name === "postgres" ? new PostgresStore(uri) : new SqliteStore(sqlitePath(uri));
    await writer.createRun(init("r1"));
    await writer.putArtifact("r1", "model", Buffer.from("{}"), "json");
    const tail = openTail(uri);
    await tail.start();
    let events = 0;
    tail.on("registry", () => events++);
    try {
      for (const change of [
        () => writer.registerModel("genre", "r1", "model"),
        () => writer.setAlias("genre", "champion", 1),
        () => writer.removeAlias("genre", "champion"),
      ]) {
        const seen = nextRegistry(tail);
        await change();
        await seen;
      }
      assert.equal(events, 3);
      // Writing points is not a registry change.
      await writer.writeBatch({ runId: "r1", params: [], series: [{ key: "loss", steps: [0], values: [1], ts: [1] }] });
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(events, 3);
    } finally {
      tail.stop();
      await writer.close();
    }
  });
}

/** Resolves with the first event of `name` whose payload `pick` accepts. */
function nextEvent<T>(tail: Tail, name: string, pick: (x: any) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching "${name}" event within 5 s`)), 5000);
    const on = (x: any) => {
      const got = pick(x);
      if (got === undefined) return;
      clearTimeout(timer);
      tail.off(name, on);
      resolve(got);
    };
    tail.on(name, on);
  });
}

for (const backend of BACKENDS) {
  test(`${backend.name}: media and console output of a watched run reach the tail, an unwatched run's do not`, async () => {
    const uri = await backend.fresh();
    const writer: Store = backend.name === "postgres" ? new PostgresStore(uri) : new SqliteStore(sqlitePath(uri));
    await writer.createRun(init("watched"));
    await writer.createRun(init("other"));
    const tail = openTail(uri);
    await tail.start();
    tail.watched.add("watched");
    const media: Array<{ runId: string; key: string; step: number }> = [];
    const output: Array<{ runId: string; text: string }> = [];
    tail.on("media", (evs: any[]) => media.push(...evs.map((e) => ({ runId: e.runId, key: e.media.key, step: e.media.step }))));
    tail.on("output", (evs: any[]) => output.push(...evs.flatMap((e) => e.chunks.map((c: any) => ({ runId: e.runId, text: c.text })))));
    try {
      const item = { key: "report", kind: "text" as const, step: 2, ts: Date.now(), mime: "text/plain", meta: {} };
      const seenMedia = nextEvent(tail, "media", (evs: any[]) => evs.find((e) => e.runId === "watched"));
      await writer.putMedia("other", { ...item, content: Buffer.from("not watched") });
      await writer.putMedia("watched", { ...item, content: Buffer.from("precision 0.5") });
      const ev = await seenMedia;
      assert.deepEqual({ ...ev.media, ts: 0 }, {
        key: "report", kind: "text", step: 2, ts: 0, mime: "text/plain", meta: {}, bytes: 13,
        hash: createHash("sha256").update("precision 0.5").digest("hex"),
      });
      assert.equal((await tail.reader.readArtifact(ev.media.hash)).toString(), "precision 0.5", "the reader opens what the event names");

      // Logged again at the same step: reported again, with the new content.
      const replaced = nextEvent(tail, "media", (evs: any[]) => evs.find((e) => e.runId === "watched"));
      await writer.putMedia("watched", { ...item, content: Buffer.from("precision 0.75") });
      assert.equal((await tail.reader.readArtifact((await replaced).media.hash)).toString(), "precision 0.75");

      // One event per chunk or per batch, as the backend reads them: the chunks are what count.
      const chunks: any[] = [];
      const seenOutput = nextEvent(tail, "output", (evs: any[]) => {
        chunks.push(...evs.filter((e) => e.runId === "watched").flatMap((e) => e.chunks));
        return chunks.length >= 2 ? chunks : undefined;
      });
      await writer.writeBatch({ runId: "other", params: [], series: [], output: [{ stream: "stdout", ts: 1, text: "elsewhere\n" }] });
      await writer.writeBatch({
        runId: "watched", params: [], series: [{ key: "loss", steps: [0], values: [1], ts: [1] }],
        output: [{ stream: "stdout", ts: 1, text: "epoch 1\n" }, { stream: "stderr", ts: 2, text: "warning: slow\n" }],
      });
      assert.deepEqual(await seenOutput, [{ stream: "stdout", ts: 1, text: "epoch 1\n" }, { stream: "stderr", ts: 2, text: "warning: slow\n" }]);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(media.every((m) => m.runId === "watched") && output.every((o) => o.runId === "watched"), "nothing of the unwatched run");
      assert.deepEqual(media.map((m) => [m.key, m.step]), [["report", 2], ["report", 2]]);
    } finally {
      tail.stop();
      await writer.close();
    }
  });
}
