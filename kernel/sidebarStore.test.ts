import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommRegistry, type Comm } from "../src/comm";
import { SqliteStore } from "../src/store/sqlite/store";
import { SidebarStore } from "./sidebarStore";
import type { RunInit } from "../src/track/types";

function runInit(id: string): RunInit {
  return {
    id, name: id, project: "p", parentId: null, tags: [], notes: null, startedAt: Date.now(), pid: process.pid, host: os.hostname(),
    seed: null, source: null, notebook: null, notebookPath: null, git: null, env: {},
  };
}

const until = async (what: string, ok: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test("two Runs panels watching different runs each get their own run's points (one does not steal the other's)", async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-sidebar-")), "store.db");
  const writer = new SqliteStore(file);
  await writer.createRun(runInit("run-a"));
  await writer.createRun(runInit("run-b"));
  const sidebar = new SidebarStore(`sqlite://${file}`, () => {});
  const registry = new CommRegistry();
  const sent = new Map<string, any[]>();
  registry.setTransport({ open() {}, send: (c: Comm, data) => void (sent.get(c.id) ?? sent.set(c.id, []).get(c.id)!).push(data), close() {} });
  sidebar.register(registry);
  try {
    assert.ok(registry.acceptOpen("panel-1", "modelbench", {}));
    assert.ok(registry.acceptOpen("panel-2", "modelbench", {}));
    registry.get("panel-1")!.deliver({ op: "watch", runIds: ["run-a"] });
    registry.get("panel-2")!.deliver({ op: "watch", runIds: ["run-b"] });
    await writer.writeBatch({ runId: "run-a", params: [], series: [{ key: "loss", steps: [0], values: [0.5], ts: [Date.now()] }] });
    await writer.writeBatch({ runId: "run-b", params: [], series: [{ key: "loss", steps: [0], values: [0.7], ts: [Date.now()] }] });
    const points = (id: string) => (sent.get(id) ?? []).filter((m) => m.type === "points").flatMap((m) => m.points);
    await until("both panels' points", () => points("panel-1").length > 0 && points("panel-2").length > 0);
    assert.deepEqual(points("panel-1").map((p: any) => [p.runId, p.values]), [["run-a", [0.5]]]);
    assert.deepEqual(points("panel-2").map((p: any) => [p.runId, p.values]), [["run-b", [0.7]]]);
    // A panel that closes stops its runs being read; the other keeps its own.
    registry.get("panel-2")!.remoteClose({});
    await writer.writeBatch({ runId: "run-a", params: [], series: [{ key: "loss", steps: [1], values: [0.4], ts: [Date.now()] }] });
    await until("panel 1's second point", () => points("panel-1").length === 2);
  } finally {
    sidebar.stop();
    await writer.close();
  }
});

test("an artifact too big for the panel: the advice names a call that cells have, and that call reads it back", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-sidebar-"));
  const uri = `sqlite://${path.join(dir, "store.db")}`;
  const track = await import("../src/track");
  const { SidebarSession } = await import("./sidebar");
  const { openTail } = await import("../src/store");
  const { KERNEL_GLOBALS } = await import("./globals");
  await track.useStore(uri);
  const run = await track.startRun({ name: "big-artifact" });
  await run.artifact("report.json", { rows: Array.from({ length: 50 }, (_, i) => i) });
  await run.end();
  const tail = openTail(uri);
  const registry = new CommRegistry();
  const sent: any[] = [];
  registry.setTransport({ open() {}, send: (_c, data) => void sent.push(data), close() {} });
  registry.registerTarget("modelbench", (comm) => void new SidebarSession(comm, tail, undefined, { maxArtifactBytes: 64 }));
  try {
    registry.acceptOpen("panel", "modelbench", {});
    registry.get("panel")!.deliver({ op: "artifact", id: "q1", runId: run.id, name: "report.json" });
    await until("the panel's answer", () => sent.some((m) => m.id === "q1"));
    const answer = sent.find((m) => m.id === "q1");
    assert.equal(answer.type, "error");
    const call = /with (await (\w+)\((.*)\))$/.exec(answer.message);
    assert.ok(call, answer.message);
    assert.ok(KERNEL_GLOBALS.some((g) => g.name === call[2]), `${call[2]} is a kernel global`);
    const args = JSON.parse(`[${call[3]}]`);
    assert.deepEqual(await (track as any)[call[2]](...args), { rows: Array.from({ length: 50 }, (_, i) => i) });
    await assert.rejects(() => track.loadArtifact(run.id, "nope"), /run 'big-artifact' has no artifact 'nope': it has report\.json/);
  } finally {
    tail.stop();
  }
});
