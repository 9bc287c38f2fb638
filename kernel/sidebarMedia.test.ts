// The Runs panel's view of a run's media and console: the detail lists media records and thins long
// curves; "media" answers one item (figure, text, PNG/SVG, a page of a table) or says what the run
// has; "output" answers the kept console; watched runs get new media and output pushed.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommRegistry, type Comm } from "../src/comm";
import { openTail } from "../src/store";
import { SqliteStore } from "../src/store/sqlite/store";
import { ENCODERS } from "../src/track/media";
import type { MediaKind, RunInit } from "../src/track/types";
import { SidebarSession } from "./sidebar";
import { SidebarStore } from "./sidebarStore";
import { MAX_CURVE_POINTS } from "./thinCurve";
import { decode, encode, newHeader, Signer } from "./wire";

function runInit(id: string, extra: Partial<RunInit> = {}): RunInit {
  return {
    id, name: id, project: "p", parentId: null, tags: [], notes: null, startedAt: Date.now(), pid: process.pid, host: os.hostname(),
    seed: null, source: null, notebook: null, notebookPath: null, git: null, env: {}, ...extra,
  };
}

const until = async (what: string, ok: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Through the real wire: what the frontend's JSON.parse gets. */
function overTheWire(content: unknown): any {
  const signer = new Signer("key");
  return decode(encode({ identities: [], header: newHeader("comm_msg", "s"), parent_header: {}, metadata: {}, content, buffers: [] }, signer), signer).content;
}

/** Hex, as real ids are: a cell's loadMedia takes its 8-character prefix. */
const RUN = "0123abcd-0000-4000-8000-000000000001";

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000002000000030806000000b8d3b1d70000001049444154789c63f8cfc0f09f8181010000ff0f0601a3b4dc2e0000000049454e44ae426082",
  "hex",
);
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="teal"/></svg>`;

async function storeWithMedia() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-sidebar-media-"));
  const uri = `sqlite://${path.join(dir, "store.db")}`;
  const store = new SqliteStore(path.join(dir, "store.db"));
  await store.createRun(runInit(RUN, { name: "media-run" }));
  const put = (kind: MediaKind, key: string, value: unknown, step = 0) => store.putMedia(RUN, { ...ENCODERS[kind](key, value), key, step, ts: 1000 + step });
  for (const step of [0, 1, 2]) await put("figure", "charts/loss", { data: [{ type: "scatter", y: [step, step + 1] }], layout: { title: { text: `step ${step}` } } }, step);
  await put("table", "eval/predictions", [
    { id: 1, label: "cat", score: 0.5 }, { id: 2, label: "dog", score: NaN }, { id: 3, label: "Cat", score: 0.9 },
    { id: 4, label: "bird", score: null }, { id: 5, label: "dog", score: Infinity }, { id: 6, label: "cow", score: 0.1 },
  ]);
  await put("image", "samples/png", PNG);
  await put("image", "samples/svg", SVG);
  await put("text", "report", "precision 0.9\nrecall 0.8\n");
  return { dir, uri, store };
}

/** A session on `store` whose sent messages are collected. */
function sessionOn(store: SqliteStore, options: { maxMediaBytes?: number } = {}) {
  const sent: any[] = [];
  const comm = { closed: false, onMsg() {}, onClose() {}, send: (d: unknown) => sent.push(overTheWire(d)) };
  const tail = { reader: store, on() {}, off() {}, watched: new Set<string>() };
  const s = new SidebarSession(comm as any, tail as any, undefined, options);
  const ask = async (msg: Record<string, unknown>) => {
    await s.handle({ id: "q", ...msg });
    return sent.pop();
  };
  return { s, sent, ask };
}

test("the detail lists a run's media records when asked (content stays behind), and thins a long curve keeping its ends and spikes", async () => {
  const { store } = await storeWithMedia();
  const n = 10_000;
  const steps = Array.from({ length: n }, (_, i) => i);
  const values = steps.map((i) => (i === 7777 ? 50 : i === 5000 ? NaN : 1 / (i + 1)));
  await store.writeBatch({ runId: RUN, params: [], series: [{ key: "loss", steps, values, ts: steps.map((i) => 1e12 + i) }, { key: "acc", steps: [0, 1], values: [0.5, Infinity], ts: [1, 2] }] });
  const { ask } = sessionOn(store);
  const plain = await ask({ op: "detail", runId: RUN });
  assert.equal(plain.type, "detail");
  assert.equal("media" in plain, false, "no media records unless asked");
  const d = await ask({ op: "detail", runId: RUN, media: true });
  assert.deepEqual(d.media.map((m: any) => `${m.key}@${m.step}:${m.kind}`), [
    "charts/loss@0:figure", "charts/loss@1:figure", "charts/loss@2:figure", "eval/predictions@0:table", "report@0:text", "samples/png@0:image", "samples/svg@0:image",
  ]);
  assert.equal(d.media.some((m: any) => "content" in m || "json" in m), false, "records only");
  assert.deepEqual(d.media.find((m: any) => m.key === "samples/png").meta, { width: 2, height: 3 });
  const loss = d.history.loss;
  assert.ok(loss.steps.length <= MAX_CURVE_POINTS && loss.steps.length > MAX_CURVE_POINTS / 2, `${loss.steps.length} points`);
  assert.deepEqual(d.thinned, { loss: n }, "only the long curve is thinned, and its full length is said");
  assert.equal(loss.steps[0], 0);
  assert.equal(loss.steps.at(-1), n - 1);
  assert.ok(loss.steps.includes(7777) && loss.values[loss.steps.indexOf(7777)] === 50, "the spike survives");
  assert.equal(loss.values[loss.steps.indexOf(5000)], "NaN", "a NaN survives, as the wire's string");
  assert.deepEqual(loss.steps, [...loss.steps].sort((a: number, b: number) => a - b));
  assert.equal(loss.ts.length, loss.steps.length);
  assert.deepEqual(d.history.acc.values, [0.5, "Infinity"]);
});

test("media: a figure at a step or the latest, text, PNG and SVG bytes; each answer names its step", async () => {
  const { store } = await storeWithMedia();
  const { ask } = sessionOn(store);
  const latest = await ask({ op: "media", runId: RUN, key: "charts/loss" });
  assert.equal(latest.type, "mediaContent");
  assert.deepEqual([latest.id, latest.kind, latest.step, latest.mime], ["q", "figure", 2, "application/vnd.plotly.v1+json"]);
  assert.equal(latest.json.layout.title.text, "step 2");
  const first = await ask({ op: "media", runId: RUN, key: "charts/loss", step: 0 });
  assert.deepEqual(first.json.data[0].y, [0, 1]);
  const text = await ask({ op: "media", runId: RUN, key: "report" });
  assert.equal(text.text, "precision 0.9\nrecall 0.8\n");
  const png = await ask({ op: "media", runId: RUN, key: "samples/png" });
  assert.deepEqual([png.mime, Buffer.from(png.base64, "base64").equals(PNG)], ["image/png", true]);
  const svg = await ask({ op: "media", runId: RUN, key: "samples/svg" });
  assert.deepEqual([svg.mime, Buffer.from(svg.base64, "base64").toString()], ["image/svg+xml", SVG]);
});

test("media: a table comes a page at a time, sorted (missing and NaN last either way) and filtered in the kernel", async () => {
  const { store } = await storeWithMedia();
  const { ask } = sessionOn(store);
  const page = async (table: Record<string, unknown>) => (await ask({ op: "media", runId: RUN, key: "eval/predictions", table })).table;
  const all = await page({});
  assert.deepEqual(all.columns, ["id", "label", "score"]);
  assert.deepEqual([all.total, all.rowCount, all.offset, all.sort, all.desc], [6, 6, 0, null, false]);
  assert.deepEqual(all.rows.map((r: unknown[]) => r[2]), [0.5, "NaN", 0.9, null, "Infinity", 0.1], "non-finite cells as the wire's strings");
  const up = await page({ sort: "score" });
  assert.deepEqual(up.rows.map((r: unknown[]) => r[0]), [6, 1, 3, 5, 2, 4]);
  const down = await page({ sort: "score", desc: true });
  assert.deepEqual(down.rows.map((r: unknown[]) => r[0]), [5, 3, 1, 6, 2, 4], "missing values stay last when sorting down");
  const byLabel = await page({ sort: "label", limit: 2, offset: 2 });
  assert.deepEqual([byLabel.rows.map((r: unknown[]) => r[1]), byLabel.total, byLabel.offset], [["Cat", "cow"], 6, 2]);
  const cats = await page({ filter: "CAT" });
  assert.deepEqual([cats.rows.map((r: unknown[]) => r[0]), cats.total, cats.rowCount, cats.filter], [[1, 3], 2, 6, "CAT"]);
  const none = await page({ filter: "zebra" });
  assert.deepEqual([none.rows, none.total], [[], 0]);
  const bad = await ask({ op: "media", runId: RUN, key: "eval/predictions", table: { sort: "nope" } });
  assert.deepEqual([bad.type, bad.message], ["error", "the table has no column 'nope': it has id, label, score"]);
});

test("media errors say what the run has: an unknown key, step or run; content over the cap names the call that reads it", async () => {
  const { store, uri } = await storeWithMedia();
  const { ask } = sessionOn(store, { maxMediaBytes: 50 });
  const key = await ask({ op: "media", runId: RUN, key: "nope" });
  assert.deepEqual([key.type, key.id], ["error", "q"]);
  assert.equal(key.message, "run 'media-run' has no media 'nope': it has charts/loss, eval/predictions, report, samples/png, samples/svg");
  const step = await ask({ op: "media", runId: RUN, key: "charts/loss", step: 9 });
  assert.equal(step.message, "media 'charts/loss' has no step 9: it has steps 0, 1, 2");
  assert.match((await ask({ op: "media", runId: "no-such-run", key: "x" })).message, /unknown run 'no-such-run'/);
  assert.match((await ask({ op: "media", runId: RUN, key: "charts/loss", step: 1.5 })).message, /whole number/);
  const big = await ask({ op: "media", runId: RUN, key: "samples/svg" });
  assert.equal(big.type, "error");
  const call = /over the .* the panel shows: read it in a cell with await loadMedia\((.*)\)$/.exec(big.message);
  assert.ok(call, big.message);
  const track = await import("../src/track");
  await track.useStore(uri);
  const [item] = await track.loadMedia(...(JSON.parse(`[${call[1].replace(/\{ step: (\d+) \}/, '{"step": $1}')}]`) as [string, string, { step: number }]));
  assert.equal(Buffer.from(item.value as Buffer).toString(), SVG);
  const table = await ask({ op: "media", runId: RUN, key: "eval/predictions" });
  assert.equal(table.type, "mediaContent", "a table is paged, so any size is served");
});

test("output: the run's kept console in order, stderr marked; an unknown run is an error", async () => {
  const { store } = await storeWithMedia();
  await store.writeBatch({ runId: RUN, params: [], series: [], output: [{ stream: "stdout", ts: 1, text: "epoch 1\n" }, { stream: "stderr", ts: 2, text: "warning: slow\n" }] });
  const { ask } = sessionOn(store);
  const out = await ask({ op: "output", runId: RUN });
  assert.deepEqual(out, { type: "output", id: "q", runId: RUN, chunks: [{ stream: "stdout", ts: 1, text: "epoch 1\n" }, { stream: "stderr", ts: 2, text: "warning: slow\n" }] });
  assert.match((await ask({ op: "output", runId: "gone" })).message, /unknown run 'gone'/);
  assert.equal((await ask({ op: "output" })).message, "output needs a runId");
});

test("a watched run's new media and output are pushed to the panel watching it, not to another", async () => {
  const { store, uri } = await storeWithMedia();
  await store.createRun(runInit("run-other"));
  const sidebar = new SidebarStore(uri, () => {});
  const registry = new CommRegistry();
  const sent = new Map<string, any[]>();
  registry.setTransport({ open() {}, send: (c: Comm, data) => void (sent.get(c.id) ?? sent.set(c.id, []).get(c.id)!).push(overTheWire(data)), close() {} });
  sidebar.register(registry);
  const of = (panel: string, type: string) => (sent.get(panel) ?? []).filter((m) => m.type === type);
  try {
    registry.acceptOpen("panel-1", "modelbench", {});
    registry.acceptOpen("panel-2", "modelbench", {});
    registry.get("panel-1")!.deliver({ op: "watch", runIds: [RUN] });
    registry.get("panel-2")!.deliver({ op: "watch", runIds: ["run-other"] });
    await new Promise((r) => setTimeout(r, 150)); // the tail has started
    await store.putMedia(RUN, { ...ENCODERS.figure("charts/loss", { data: [], layout: {} }), key: "charts/loss", step: 3, ts: Date.now() });
    await store.writeBatch({ runId: RUN, params: [], series: [], output: [{ stream: "stderr", ts: 5, text: "live line\n" }] });
    await until("the pushes", () => of("panel-1", "media").length > 0 && of("panel-1", "output").length > 0);
    const [media] = of("panel-1", "media");
    assert.deepEqual([media.runId, media.media.map((m: any) => [m.key, m.step, m.kind])], [RUN, [["charts/loss", 3, "figure"]]]);
    assert.deepEqual(media.content.map((c: any) => [c.key, c.step, c.json]), [["charts/loss", 3, { data: [], layout: {} }]], "a small item's content comes with it");
    assert.equal("id" in media, false, "a push, not an answer");
    assert.deepEqual(of("panel-1", "output")[0], { type: "output", runId: RUN, chunks: [{ stream: "stderr", ts: 5, text: "live line\n" }] });
    await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual([of("panel-2", "media").length, of("panel-2", "output").length], [0, 0]);
  } finally {
    sidebar.stop();
    await store.close();
  }
});

test("the tail's own events reach a session built on it (media and output are subscribed, and dropped on dispose)", async () => {
  const { uri, store } = await storeWithMedia();
  const tail = openTail(uri);
  const sent: any[] = [];
  let closed: () => void = () => {};
  const comm = { closed: false, onMsg() {}, onClose: (f: () => void) => (closed = f), send: (d: unknown) => sent.push(d) };
  const s = new SidebarSession(comm as any, tail);
  try {
    await s.handle({ op: "watch", runIds: [RUN] });
    tail.emit("media", [{ runId: RUN, media: { key: "k", kind: "text", step: 0, ts: 1, hash: "h", bytes: 1, mime: "text/plain", meta: {} } }, { runId: "someone-else", media: {} }]);
    tail.emit("output", [{ runId: RUN, chunks: [{ stream: "stdout", ts: 1, text: "a" }] }, { runId: RUN, chunks: [{ stream: "stdout", ts: 2, text: "b" }] }]);
    await until("the media push", () => sent.some((m) => m.type === "media"));
    assert.deepEqual(sent.map((m) => m.type).sort(), ["media", "output"]);
    const media = sent.find((m) => m.type === "media");
    assert.deepEqual([media.media.length, "content" in media], [1, false], "content that cannot be read stays behind; the record still comes");
    assert.deepEqual(sent.find((m) => m.type === "output").chunks.map((c: any) => c.text), ["a", "b"], "one message per run");
    closed();
    sent.length = 0;
    tail.emit("output", [{ runId: RUN, chunks: [{ stream: "stdout", ts: 3, text: "c" }] }]);
    assert.equal(sent.length, 0);
  } finally {
    tail.stop();
    await store.close();
  }
});
