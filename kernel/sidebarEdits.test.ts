// Runs edited from the Runs panel: notes, tags, archive/restore and delete, each answered, written
// to the store and told to every open panel (the tail reports new runs and points, not edits);
// refusals (a running run, nested runs, registered models, bad tags) come back as messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommRegistry, type Comm } from "../src/comm";
import { SqliteStore } from "../src/store/sqlite/store";
import type { RunInit } from "../src/track/types";
import { checkTags } from "./sidebar";
import { SidebarStore } from "./sidebarStore";
import { decode, encode, newHeader, Signer } from "./wire";

function runInit(id: string, extra: Partial<RunInit> = {}): RunInit {
  return {
    id, name: id, project: "p", parentId: null, tags: ["old"], notes: null, startedAt: Date.now(), pid: process.pid, host: os.hostname(),
    seed: null, source: null, notebook: null, notebookPath: null, git: null, env: {}, ...extra,
  };
}

function overTheWire(content: unknown): any {
  const signer = new Signer("key");
  return decode(encode({ identities: [], header: newHeader("comm_msg", "s"), parent_header: {}, metadata: {}, content, buffers: [] }, signer), signer).content;
}

const until = async (what: string, ok: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Two open panels on one store; `ask` sends a request from the first and waits for its answer. */
async function twoPanels(t: { after(fn: () => unknown): void }) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-sidebar-edit-")), "store.db");
  const store = new SqliteStore(file);
  for (const id of ["a1", "b2", "c3"]) {
    await store.createRun(runInit(id));
    await store.writeBatch({ runId: id, params: [], series: [{ key: "loss", steps: [0, 1], values: [0.5, NaN], ts: [1, 2] }] });
    await store.endRun(id, "finished", Date.now(), null);
  }
  await store.createRun(runInit("still-running"));
  const sidebar = new SidebarStore(`sqlite://${file}`, () => {});
  const registry = new CommRegistry();
  const sent = new Map<string, any[]>();
  registry.setTransport({ open() {}, send: (c: Comm, data) => void (sent.get(c.id) ?? sent.set(c.id, []).get(c.id)!).push(overTheWire(data)), close() {} });
  sidebar.register(registry);
  registry.acceptOpen("panel-1", "modelbench", {});
  registry.acceptOpen("panel-2", "modelbench", {});
  t.after(async () => {
    sidebar.stop();
    await store.close();
  });
  let n = 0;
  const ask = async (msg: Record<string, unknown>) => {
    const id = `q${++n}`;
    registry.get("panel-1")!.deliver({ id, ...msg });
    await until(`the answer to ${msg.op}`, () => (sent.get("panel-1") ?? []).some((m) => m.id === id));
    return sent.get("panel-1")!.find((m) => m.id === id);
  };
  const pushes = (panel: string, type: string) => (sent.get(panel) ?? []).filter((m) => m.type === type && !("id" in m));
  return { store, ask, pushes };
}

test("notes: saved, cleared when blank, told to every panel with the run's numbers wire-safe", async (t) => {
  const { store, ask, pushes } = await twoPanels(t);
  const saved = await ask({ op: "setNotes", runId: "a1", notes: "lr too high?\nsecond line" });
  assert.deepEqual([saved.type, saved.run.id, saved.run.notes], ["setNotes", "a1", "lr too high?\nsecond line"]);
  assert.equal((await store.getRun("a1")).notes, "lr too high?\nsecond line");
  for (const panel of ["panel-1", "panel-2"]) {
    const [changed] = pushes(panel, "changed");
    assert.deepEqual(changed.runs.map((r: any) => [r.id, r.notes]), [["a1", "lr too high?\nsecond line"]], panel);
    assert.equal(changed.runs[0].metrics.loss.last, "NaN", "a NaN as the wire's string");
    assert.equal(changed.runs[0].metrics.loss.count, 2);
  }
  await ask({ op: "setNotes", runId: "a1", notes: "  \n" });
  assert.equal((await store.getRun("a1")).notes, null, "blank notes clear them");
  const long = await ask({ op: "setNotes", runId: "a1", notes: "x".repeat(100_001) });
  assert.match(long.message, /notes are kept up to 100,000 characters .*logText/);
});

test("tags: trimmed and deduplicated; a comma or an overlong tag is refused with what a tag may be", async (t) => {
  const { store, ask, pushes } = await twoPanels(t);
  const answer = await ask({ op: "setTags", runId: "b2", tags: [" best ", "old", "best", ""] });
  assert.deepEqual(answer.run.tags, ["best", "old"]);
  assert.deepEqual((await store.getRun("b2")).tags, ["best", "old"]);
  assert.deepEqual(pushes("panel-2", "changed").at(-1).runs[0].tags, ["best", "old"]);
  const bad = await ask({ op: "setTags", runId: "b2", tags: ["a,b"] });
  assert.deepEqual([bad.type, bad.message], ["error", 'a tag is 1 to 100 characters without commas, got "a,b"']);
  assert.match((await ask({ op: "setTags", runId: "b2", tags: "solo" })).message, /an array of strings/);
  assert.deepEqual(checkTags([]), []);
});

test("archive hides a run from the list (archived: 'all' or true shows it), restore brings it back; a running run is not archived", async (t) => {
  const { ask, pushes } = await twoPanels(t);
  const names = async (extra: Record<string, unknown> = {}) => (await ask({ op: "list", ...extra })).runs.map((r: any) => r.id).sort();
  assert.deepEqual(await names(), ["a1", "b2", "c3", "still-running"]);
  const archived = await ask({ op: "archive", runId: "c3", archived: true });
  assert.deepEqual([archived.type, archived.run.archived], ["archive", true]);
  assert.equal(pushes("panel-2", "changed").at(-1).runs[0].archived, true, "every panel learns it, to drop the run");
  assert.deepEqual(await names(), ["a1", "b2", "still-running"]);
  assert.deepEqual(await names({ archived: "all" }), ["a1", "b2", "c3", "still-running"]);
  assert.deepEqual(await names({ archived: true }), ["c3"]);
  assert.deepEqual(await names({ archived: "all", where: "metrics.loss.min < 1", sort: "-metrics.loss.min" }), ["a1", "b2", "c3"], "a filtered, sorted list too");
  const detail = await ask({ op: "detail", runId: "c3" });
  assert.equal(detail.run.archived, true, "an archived run still opens");
  const restored = await ask({ op: "archive", runId: "c3", archived: false });
  assert.equal(restored.run.archived, false);
  assert.deepEqual(await names(), ["a1", "b2", "c3", "still-running"]);
  const running = await ask({ op: "archive", runId: "still-running" });
  assert.equal(running.message, "run 'still-running' is still running: archive it once it has ended");
});

test("delete: a finished run goes (every panel told, %gc named); one still running, with nested runs or with a registered model is refused", async (t) => {
  const { store, ask, pushes } = await twoPanels(t);
  await store.createRun(runInit("child", { parentId: "b2" }));
  await store.endRun("child", "finished", Date.now(), null);
  await store.putArtifact("c3", "model.json", Buffer.from("{}"), "json");
  await store.registerModel("genre", "c3", "model.json");

  const nested = await ask({ op: "delete", runId: "b2" });
  assert.equal(nested.type, "error");
  assert.match(nested.message, /has 1 nested run\(s\): delete them first/);
  const model = await ask({ op: "delete", runId: "c3" });
  assert.match(model.message, /registered model versions \(genre\/1\): archive the run instead/);
  assert.match((await ask({ op: "delete", runId: "still-running" })).message, /still running: stop it/);
  assert.deepEqual(pushes("panel-2", "deleted"), [], "nothing told when nothing was deleted");

  const done = await ask({ op: "delete", runId: "a1" });
  assert.deepEqual([done.type, done.runId], ["delete", "a1"]);
  assert.match(done.message, /deleted run 'a1': run %gc/);
  for (const panel of ["panel-1", "panel-2"]) assert.deepEqual(pushes(panel, "deleted").map((m) => m.runIds), [["a1"]], panel);
  await assert.rejects(() => store.getRun("a1"), /unknown run 'a1'/);
  assert.match((await ask({ op: "delete", runId: "a1" })).message, /unknown run 'a1'/);
  assert.equal((await ask({ op: "delete" })).message, "delete needs a runId");
});
