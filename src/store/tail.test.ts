// A tail tells its subscribers when the registry changes (a version registered, an alias set or
// removed), so an open Models view reloads without a run having changed: on both backends.
import { test } from "node:test";
import assert from "node:assert/strict";
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
