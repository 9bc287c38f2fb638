// Media, console output, notes, archive and delete on a real MLflow server, read back with MLflow's
// own Python client: the layout its UI shows (log_table, log_image, log_figure, log_text) and ours.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import * as track from "../../track";
import { confusionMatrixFigure, lineChart } from "../../display/figures";
import { openTail } from "../registry";
import { MlflowTail } from "./tail";
import { OUTPUT_SEGMENT_BYTES, PLOTLY_JS } from "./layout";
import { freePort, mlflowBin, NO_MLFLOW, startMlflow } from "../../../tests/support/mlflowServer";
import type { MediaEvent, OutputEvent, Store } from "../../track/types";

// A 2×1 PNG: signature, IHDR (width 2, height 1), IDAT, IEND.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000002000000010806000000f478d4fa0000000d49444154789c63f8cfc0f01f0005000201a1f2e6ca0000000049454e44ae426082",
  "hex",
);
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>`;
/** How MLflow's UI parses an image grid file name (server/js: imagesByRunUuid). */
const IMAGE_NAME = /^images\/([A-Za-z0-9_\-. ~]+)\+step\+(\d+)\+timestamp\+(\d+)\+([0-9a-f-]{36})(\+compressed)?\.(png|webp)$/;

let server: { url: string; stop: () => Promise<void> } | null = null;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-mlflow-media-"));

before(async () => {
  if (mlflowBin) server = await startMlflow(dir);
});
after(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function mlflowUrl(): string {
  assert.ok(server, NO_MLFLOW);
  return server!.url;
}

/** What MLflow's Python client sees of a run: every artifact (hex), tags, lifecycle, and each logged table through mlflow.load_table. */
function readWithMlflow(runId: string): { files: Record<string, string>; tags: Record<string, string>; lifecycle: string; tables: Record<string, { columns: string[]; data: unknown[][] }> } {
  const script = `
import json, sys, tempfile, mlflow
from mlflow import MlflowClient
uri, run_id = sys.argv[1], sys.argv[2]
mlflow.set_tracking_uri(uri)
c = MlflowClient(uri)
r = c.get_run(run_id)
out = {"files": {}, "tags": r.data.tags, "lifecycle": r.info.lifecycle_stage, "tables": {}}
with tempfile.TemporaryDirectory() as d:
    todo = list(c.list_artifacts(run_id))
    while todo:
        a = todo.pop()
        if a.is_dir:
            todo.extend(c.list_artifacts(run_id, a.path))
            continue
        with open(c.download_artifacts(run_id, a.path, d), "rb") as f:
            out["files"][a.path] = f.read().hex()
mlflow.set_experiment(experiment_id=r.info.experiment_id)
for t in json.loads(r.data.tags.get("mlflow.loggedArtifacts", "[]")):
    df = mlflow.load_table(t["path"], run_ids=[run_id])
    out["tables"][t["path"]] = {"columns": list(df.columns), "data": json.loads(df.to_json(orient="values"))}
json.dump(out, sys.stdout)
`;
  const r = spawnSync(path.join(mlflowBin!, "python"), ["-c", script, mlflowUrl(), runId], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const text = (hex: string | undefined) => Buffer.from(hex ?? "", "hex").toString("utf8");

async function mlflowRunId(st: Store, runId: string): Promise<string> {
  return (st as any).mlflowId(runId);
}

test("figures, tables, images, text and output logged through modelbench are MLflow's own to read: load_table, the image grid's names, a figure page", async () => {
  const st = await track.useStore(`mlflow+${mlflowUrl()}`);
  const run = await track.startRun({ name: "media", project: "mb-media", captureOutput: false });
  const curve = lineChart([{ name: "loss", y: [3, 2, 1] }], { title: "Loss </script>" });
  await track.logFigure("curves/loss", curve, { step: 0 });
  await track.logFigure("confusion", confusionMatrixFigure({ labels: ["a", "b"], matrix: [[3, 1], [0, 4]] }));
  await track.logTable("errors", [{ text: "x", label: "a", p: 0.9 }, { text: "y", label: "b", p: NaN }]);
  await track.logTable("eval/per class: v2", { columns: ["class", "f1"], data: [["a", 0.5], ["b", 0.75]] });
  await track.logImage("samples/first", PNG, { step: 2 });
  const replacedImage = await track.logImage("samples/first", PNG, { step: 2 }); // replaced: its first files go
  await track.logImage("diagram", SVG);
  await track.logText("report", "first");
  await track.logText("report", "precision recall\n0.5 0.6", { step: 0 });
  run.appendOutput("stdout", "epoch 1 loss 0.5\n");
  run.appendOutput("stderr", "warning: slow\n");
  await run.flush();
  run.appendOutput("stdout", "épоch 2 ✓\n");
  await run.end();

  // MLflow's client.
  const got = readWithMlflow(await mlflowRunId(st, run.id));
  const files = Object.keys(got.files).sort();
  // pandas reads our "NaN" cell as a missing value (and writes it back as null).
  assert.deepEqual(got.tables["tables/errors/step_0.json"], { columns: ["text", "label", "p"], data: [["x", "a", 0.9], ["y", "b", null]] }, "load_table reads the table");
  const other = Object.keys(got.tables).find((p) => p.startsWith("tables/eval/per class_ v2-"));
  assert.ok(other, `a key with a colon gets a path log_table accepts: ${Object.keys(got.tables)}`);
  assert.deepEqual(got.tables[other!], { columns: ["class", "f1"], data: [["a", 0.5], ["b", 0.75]] });
  assert.deepEqual(JSON.parse(got.tags["mlflow.loggedArtifacts"]).map((t: any) => t.type), ["table", "table"]);
  assert.match(got.tags["mlflow.loggedArtifacts"], /^\[\{"path": "tables\/errors\/step_0\.json", "type": "table"\}, /, "as json.dumps writes it");

  const images = files.filter((f) => f.startsWith("images/") && !f.endsWith(".svg"));
  assert.equal(images.length, 2, `one image and its thumbnail; the replaced one's files are gone: ${images}`);
  for (const f of images) {
    const m = IMAGE_NAME.exec(f);
    assert.ok(m, `${f} parses as MLflow's UI parses logged images`);
    assert.deepEqual([m![1], m![2], m![3]], ["samples~first", "2", String(replacedImage.ts)]);
    assert.ok(PNG.equals(Buffer.from(got.files[f], "hex")));
  }
  assert.equal(got.tags["mlflow.loggedImages"], "True", "the run page shows its image grid");
  assert.equal(text(got.files["images/diagram/step_0.svg"]), SVG);

  const spec = JSON.parse(text(got.files["figures/curves/loss/step_0.json"]));
  assert.deepEqual(spec.data[0].y, [3, 2, 1]);
  const page = text(got.files["figures/curves/loss/step_0.html"]);
  assert.ok(page.includes(`<script src="${PLOTLY_JS}"`), "the page loads plotly.js from its CDN, as log_figure's default");
  assert.ok(!page.includes("Loss </script>") && page.includes("Loss \\u003c/script>"), "a title cannot end the page's script early");
  assert.ok(files.includes("figures/confusion/step_0.html"));
  assert.equal(text(got.files["text/report/step_0.txt"]), "precision recall\n0.5 0.6", "logged again at the same step: replaced");
  assert.equal(text(got.files["modelbench/output/0001.log"]), "epoch 1 loss 0.5\nwarning: slow\népоch 2 ✓\n", "the console, as text MLflow's viewer shows");

  // Our own API, from a store that did not write them.
  const reader = track.openStore(`mlflow+${mlflowUrl()}`);
  const all = await reader.listMedia(run.id);
  assert.deepEqual(all.map((m) => [m.key, m.step, m.kind]), [
    ["confusion", 0, "figure"], ["curves/loss", 0, "figure"], ["diagram", 0, "image"], ["errors", 0, "table"],
    ["eval/per class: v2", 0, "table"], ["report", 0, "text"], ["samples/first", 2, "image"],
  ]);
  const [table] = await track.loadMedia(run.id, "errors");
  assert.deepEqual(table.value, { columns: ["text", "label", "p"], data: [["x", "a", 0.9], ["y", "b", "NaN"]] });
  assert.deepEqual([table.meta.rows, table.meta.columns], [2, 3]);
  const [image] = await track.loadMedia(run.id, "samples/first");
  assert.ok(PNG.equals(image.value as Buffer));
  assert.deepEqual([image.meta.width, image.meta.height], [2, 1]);
  assert.equal((await track.loadMedia(run.id, "report"))[0].value, "precision recall\n0.5 0.6");
  assert.equal((await reader.readArtifact(all.find((m) => m.key === "diagram")!.hash)).toString(), SVG, "found by hash by a fresh store");
  const chunks = await reader.readOutput(run.id);
  assert.deepEqual(chunks.map((c) => [c.stream, c.text]), [["stdout", "epoch 1 loss 0.5\n"], ["stderr", "warning: slow\n"], ["stdout", "épоch 2 ✓\n"]]);
  assert.deepEqual((await reader.readOutput(run.id, "WARNING")).map((c) => c.text), ["warning: slow\n"]);
  await reader.close();
});

test("output past a segment goes on in the next; readers get all of it in order, once", async () => {
  const st = await track.useStore(`mlflow+${mlflowUrl()}`);
  const run = await track.startRun({ name: "chatty", project: "mb-media", captureOutput: false });
  const line = "x".repeat(1023) + "\n";
  const lines = Math.ceil((OUTPUT_SEGMENT_BYTES * 2.5) / line.length);
  for (let i = 0; i < lines; i++) {
    run.appendOutput(i % 7 ? "stdout" : "stderr", line);
    if (i % 100 === 99) await run.flush();
  }
  await run.end();
  const got = readWithMlflow(await mlflowRunId(st, run.id));
  const segments = Object.keys(got.files).filter((f) => /^modelbench\/output\/\d{4}\.log$/.test(f)).sort();
  assert.deepEqual(segments, ["modelbench/output/0001.log", "modelbench/output/0002.log", "modelbench/output/0003.log"]);
  assert.ok(segments.every((f) => got.files[f].length / 2 <= OUTPUT_SEGMENT_BYTES + 100 * line.length), "a segment grows by a flush past its size at most");
  const out = (await st.readOutput(run.id)).map((c) => c.text).join("");
  assert.equal(out, line.repeat(lines));
});

test("notes are MLflow's description, archive a tag lists honour, delete MLflow's own delete (refused for nested runs and registered versions)", async () => {
  const st = await track.useStore(`mlflow+${mlflowUrl()}`);
  const project = "mb-edit";
  const keep = await track.startRun({ name: "keep", project });
  await keep.end();
  const run = await track.startRun({ name: "edit", project, notes: "first" });
  await track.logText("only-here", "x");
  await run.end();

  const mlflowId = await mlflowRunId(st, run.id);
  await st.setNotes(run.id, "better notes");
  await st.setArchived(run.id, true);
  const tags = readWithMlflow(mlflowId).tags;
  assert.equal(tags["mlflow.note.content"], "better notes", "what MLflow's UI shows and edits as the description");
  assert.equal(tags["modelbench.archived"], "true");
  assert.equal((await st.getRun(run.id)).notes, "better notes");
  await st.setNotes(run.id, null);
  assert.equal((await st.getRun(run.id)).notes, null);
  await st.setNotes(run.id, null); // nothing to clear: fine
  await assert.rejects(st.setNotes(run.id, "n".repeat(9000)), /notes of 9,000 characters do not fit MLflow's run description .*: shorten them/);

  assert.deepEqual((await st.listRuns({ project })).map((r) => r.name), ["keep"]);
  assert.equal(await st.countRuns({ project }), 1);
  assert.deepEqual((await st.listRuns({ project, archived: true })).map((r) => r.name), ["edit"]);
  assert.equal((await st.listRuns({ project, archived: "all" })).length, 2);
  assert.equal((await st.getRun(run.id)).archived, true, "an archived run still opens by id");
  await st.setArchived(run.id, false);
  assert.deepEqual((await st.listRuns({ project })).map((r) => r.name).sort(), ["edit", "keep"]);

  const parent = await track.startRun({ name: "parent", project });
  const child = await track.startRun({ name: "child", project });
  await child.end();
  await assert.rejects(st.deleteRun(parent.id), /1 nested run\(s\): delete them first/);
  await track.artifact("m.json", { a: 1 });
  await parent.end();
  await st.registerModel("mb-edit-model", parent.id, "m.json");
  await st.deleteRun(child.id);
  await assert.rejects(st.deleteRun(parent.id), /registered model versions \(mb-edit-model\/1\): archive the run instead/);

  await st.deleteRun(run.id);
  const gone = readWithMlflow(mlflowId);
  assert.equal(gone.lifecycle, "deleted", "MLflow's own (restorable) delete");
  assert.equal(gone.tags["mlflow.note.content"], undefined, "cleared notes are no tag");
  assert.equal(gone.tags["modelbench.archived"], undefined);
  await assert.rejects(st.getRun(run.id), /unknown run/);
  await assert.rejects(st.listMedia(run.id), /unknown run/);
  await assert.rejects(track.openStore(`mlflow+${mlflowUrl()}`).getRun(run.id), /unknown run/, "for another store too");
  assert.deepEqual((await st.listRuns({ project, archived: "all" })).map((r) => r.name).sort(), ["keep", "parent"]);
});

/** A proxy in front of the MLflow server that answers some requests itself (a server that refuses them). */
async function refusingProxy(target: string, refuse: (method: string, url: string, bytes: number) => number | null) {
  const port = await freePort();
  const proxy = http.createServer(async (req, res) => {
    const body: Buffer[] = [];
    for await (const c of req) body.push(c as Buffer);
    const content = Buffer.concat(body);
    const status = refuse(req.method!, req.url!, content.length);
    if (status) {
      res.writeHead(status, { "content-type": "text/html" }).end(`<html><body><h1>${status} refused by the proxy</h1></body></html>`);
      return;
    }
    const r = await fetch(`${target}${req.url}`, {
      method: req.method, headers: { "content-type": req.headers["content-type"] ?? "application/octet-stream" },
      body: req.method === "GET" || req.method === "HEAD" ? undefined : content,
    });
    res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/octet-stream" }).end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((r) => proxy.listen(port, "127.0.0.1", r));
  return { uri: `mlflow+http://127.0.0.1:${port}`, close: () => new Promise((r) => proxy.close(r)) };
}

test("a server that refuses an upload: the error says what to do, the run's media and output stay whole, output is written once it takes it", async () => {
  let outputDown = false;
  const proxy = await refusingProxy(mlflowUrl(), (method, url, bytes) =>
    method !== "PUT" ? null
      : url.includes("/images/") && bytes > 4000 ? 413
        : url.includes("%2Bcompressed") ? 403
          : outputDown && url.includes("/modelbench/output/") ? 503 : null);
  try {
    const st = await track.useStore(proxy.uri);
    const run = await track.startRun({ name: "refused", project: "mb-media", captureOutput: false });
    await track.logText("kept", "safe");
    const big = `<svg xmlns="http://www.w3.org/2000/svg"><!-- ${"x".repeat(10_000)} --></svg>`;
    await assert.rejects(track.logImage("big", big), (e: Error) => {
      assert.match(e.message, /^MLflow did not store the artifact 'images\/big\/step_0\.svg' \(10,\d{3} bytes; HTTP 413: 413 refused by the proxy\): it is larger than the server \(or a proxy in front of it\) takes: raise that upload limit \(e\.g\. nginx client_max_body_size\) or log something smaller$/);
      return true;
    });
    await assert.rejects(track.logImage("half", PNG), /'images\/half\+step\+0\+.*\+compressed\.png' \(70 bytes; HTTP 403.*: the server does not let this client write artifacts: check its authentication and permissions$/);
    const listed: any = await (await fetch(`${mlflowUrl()}/api/2.0/mlflow/artifacts/list?run_id=${await mlflowRunId(st, run.id)}&path=images`)).json();
    assert.deepEqual(listed.files ?? [], [], "an image whose thumbnail was refused leaves no half item in MLflow's image grid");
    assert.deepEqual((await st.listMedia(run.id)).map((m) => m.key), ["kept"], "the refused items are not recorded");
    await track.logText("after", "still logging"); // the run goes on

    run.appendOutput("stdout", "line 1\n");
    await run.flush();
    outputDown = true;
    run.appendOutput("stdout", "line 2\n");
    await assert.rejects(run.flush(), /HTTP 503.*the server failed to store it: look at the server's log .*then try again/);
    run.appendOutput("stderr", "line 3\n");
    await assert.rejects(run.flush(), /HTTP 503/);
    outputDown = false;
    await run.end();
    assert.deepEqual((await st.readOutput(run.id)).map((c) => c.text), ["line 1\n", "line 2\n", "line 3\n"], "kept and written once the server took it, nothing twice");
    assert.deepEqual((await st.listMedia(run.id)).map((m) => m.key), ["after", "kept"]);
  } finally {
    await proxy.close();
  }
});

test("a script that exits with its run open: its last output is written at exit", async () => {
  const uri = `mlflow+${mlflowUrl()}`;
  const script = spawnSync(process.execPath, ["-e", `
    const t = require(${JSON.stringify(path.join(__dirname, "..", "..", "track", "index.js"))});
    t.startRun({ name: "exits", project: "mb-media" }).then((r) => { console.log("id " + r.id); console.error("last words"); });
  `], { encoding: "utf8", env: { ...process.env, MODELBENCH_STORE: uri } });
  assert.equal(script.status, 0, script.stderr);
  const id = /id (\S+)/.exec(script.stdout)![1];
  const st = track.openStore(uri);
  assert.equal((await st.getRun(id)).status, "finished");
  assert.deepEqual((await st.readOutput(id)).map((c) => [c.stream, c.text]), [["stdout", `id ${id}\n`], ["stderr", "last words\n"]]);
});

test("the MLflow tail reports new media and output of watched runs, from their tags in its one search", async () => {
  const uri = `mlflow+${mlflowUrl()}`;
  await track.useStore(uri);
  const tail = openTail(uri) as MlflowTail;
  assert.ok(tail instanceof MlflowTail);
  const media: MediaEvent[] = [];
  const output: OutputEvent[] = [];
  tail.on("media", (evs: MediaEvent[]) => media.push(...evs));
  tail.on("output", (evs: OutputEvent[]) => output.push(...evs));
  const before = await track.startRun({ name: "before", project: "mb-tail", captureOutput: false });
  await track.logText("old", "logged before the tail looked");
  await before.flush();
  await tail.poll();
  tail.watched.add(before.id);
  const unwatched = await track.startRun({ name: "unwatched", project: "mb-tail", parent: null, captureOutput: false });
  await unwatched.logText("x", "not reported");
  unwatched.appendOutput("stdout", "not reported\n");
  await unwatched.end();
  await before.logTable("t", [{ a: 1 }]);
  before.appendOutput("stdout", "one\n");
  await before.flush();
  await tail.poll();
  assert.deepEqual(media.map((e) => [e.runId, e.media.key, e.media.kind]), [[before.id, "t", "table"]], "only what is new, only of watched runs");
  assert.deepEqual(output.map((e) => [e.runId, e.chunks.map((c) => c.text)]), [[before.id, ["one\n"]]]);
  await tail.poll();
  assert.equal(media.length + output.length, 2, "nothing twice");
  before.appendOutput("stderr", "two\n");
  await before.logText("old", "replaced", { step: 0 });
  await before.end();
  await tail.poll();
  assert.deepEqual(output.slice(1).map((e) => e.chunks.map((c) => [c.stream, c.text])), [[["stderr", "two\n"]]]);
  assert.deepEqual(media.slice(1).map((e) => [e.media.key, e.media.step]), [["old", 0]]);
  assert.equal((await tail.reader.readArtifact(media[1].media.hash)).toString(), "replaced");
  tail.stop();
});
