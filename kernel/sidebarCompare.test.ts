// The "compare" op: beside the comparison's rows, each run's curves (thinned when long, NaN as the
// wire's string), params, tags and start (to group and to draw against time) and media records.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SqliteStore } from "../src/store/sqlite/store";
import { ENCODERS } from "../src/track/media";
import type { RunInit } from "../src/track/types";
import { SidebarSession } from "./sidebar";
import { MAX_CURVE_POINTS } from "./thinCurve";
import { decode, encode, newHeader, Signer } from "./wire";

function runInit(id: string, extra: Partial<RunInit> = {}): RunInit {
  return {
    id, name: id, project: "p", parentId: null, tags: [], notes: null, startedAt: 1_000_000, pid: process.pid, host: os.hostname(),
    seed: null, source: null, notebook: null, notebookPath: null, git: null, env: {}, ...extra,
  };
}

/** Through the real wire: what the frontend's JSON.parse gets. */
function overTheWire(content: unknown): any {
  const signer = new Signer("key");
  return decode(encode({ identities: [], header: newHeader("comm_msg", "s"), parent_header: {}, metadata: {}, content, buffers: [] }, signer), signer).content;
}

test("compare answers each run's curves, params, tags, start and media records beside the rows", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-sidebar-compare-"));
  try {
    const store = new SqliteStore(path.join(dir, "store.db"));
    await store.createRun(runInit("xgb-run", { tags: ["xgboost"], startedAt: 5000 }));
    await store.createRun(runInit("bert-run", { tags: ["bert", "seed-1"] }));
    const n = 10_000;
    const steps = Array.from({ length: n }, (_, i) => i);
    await store.writeBatch({
      runId: "xgb-run", params: [["model", "xgboost"], ["depth", 6]],
      series: [
        { key: "loss", steps, values: steps.map((i) => (i === 3 ? NaN : 1 / (i + 1))), ts: steps.map((i) => 5000 + i) },
        { key: "accuracy", steps: [9], values: [0.8], ts: [6000] },
        { key: "system/cpu", steps: [0, 1], values: [10, 20], ts: [5000, 6000] },
      ],
    });
    await store.writeBatch({ runId: "bert-run", params: [["model", "bert"]], series: [{ key: "loss", steps: [0, 1, 2], values: [2, 1, 0.5], ts: [1_000_100, 1_000_200, 1_000_300] }] });
    const cm = { data: [{ type: "heatmap", z: [[3, 1], [0, 4]] }], layout: { title: { text: "confusion" } } };
    for (const [run, step] of [["xgb-run", 0], ["xgb-run", 5], ["bert-run", 2]] as const) {
      await store.putMedia(run, { ...ENCODERS.figure("eval/confusion_matrix", cm), key: "eval/confusion_matrix", step, ts: 7000 + step });
    }
    await store.putMedia("bert-run", { ...ENCODERS.table("errors", [{ text: "a", pred: "b" }]), key: "errors", step: 0, ts: 8000 });

    const sent: any[] = [];
    const comm = { closed: false, onMsg() {}, onClose() {}, send: (d: unknown) => sent.push(overTheWire(d)) };
    const session = new SidebarSession(comm as any, { reader: store, on() {}, off() {}, watched: new Set<string>() } as any);
    await session.handle({ op: "compare", id: "q", runIds: ["xgb-run", "bert-run"] });
    const reply = sent.pop();
    assert.equal(reply.type, "compare");
    assert.deepEqual(reply.runs.map((r: any) => [r.name, r.startedAt, r.tags, r.params]), [
      ["xgb-run", 5000, ["xgboost"], { model: "xgboost", depth: 6 }],
      ["bert-run", 1_000_000, ["bert", "seed-1"], { model: "bert" }],
    ]);
    assert.deepEqual(reply.metrics.map((m: any) => m.key), ["accuracy", "loss"], "the rows are still there");
    assert.equal("figure" in reply, false, "the panel draws the curves itself");
    // Curves: two points or more, no system metrics; a long one thinned with its ends, NaN as a string.
    assert.deepEqual(Object.keys(reply.curves[0]), ["loss"]);
    const loss = reply.curves[0].loss;
    assert.ok(loss.steps.length <= MAX_CURVE_POINTS, `${loss.steps.length} points`);
    assert.deepEqual([loss.steps[0], loss.steps.at(-1)], [0, n - 1]);
    assert.equal(loss.values[loss.steps.indexOf(3)], "NaN");
    assert.equal(loss.ts.length, loss.steps.length);
    assert.deepEqual(reply.curves[1].loss, { steps: [0, 1, 2], values: [2, 1, 0.5], ts: [1_000_100, 1_000_200, 1_000_300] });
    // Media records without their hashes: the panel asks for content by run, key and step.
    assert.deepEqual(reply.media.map((rs: any[]) => rs.map((m) => `${m.key}@${m.step}:${m.kind}`)), [
      ["eval/confusion_matrix@0:figure", "eval/confusion_matrix@5:figure"],
      ["errors@0:table", "eval/confusion_matrix@2:figure"],
    ]);
    assert.equal(reply.media.flat().some((m: any) => "hash" in m), false);
    assert.equal(reply.media[1][0].meta.rows, 1);
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
