// Media, console output, notes, archive and delete: the same behaviour on every backend.
import { test as nodeTest } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "./index";
import { BACKENDS, type Backend } from "../../tests/support/backends";
import { confusionMatrixFigure, lineChart } from "../display/figures";
import { MAX_OUTPUT_BYTES } from "./media";

// A 2×1 PNG: signature, IHDR (width 2, height 1), IDAT, IEND.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000002000000010806000000f478d4fa0000000d49444154789c63f8cfc0f01f0005000201a1f2e6ca0000000049454e44ae426082",
  "hex",
);
const SVG = `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>`;

for (const b of BACKENDS) suite(b);

function suite(b: Backend) {
  const fresh = async () => track.useStore(await b.fresh());
  const test = (name: string, fn: () => unknown) => nodeTest(`${b.name}: ${name}`, fn as any);

  test("figures, tables, images and text come back as logged, by key and step", async () => {
    const st = await fresh();
    const run = await track.startRun({ name: "media" });
    const curve = lineChart([{ name: "loss", y: [3, 2, 1] }], { title: "Loss" });
    await track.logFigure("curves/loss", curve, { step: 0 });
    await track.logFigure("curves/loss", { data: [{ type: "bar", x: ["a"], y: [1] }], layout: {} }, { step: 5 });
    await track.logFigure("confusion", confusionMatrixFigure({ labels: ["a", "b"], matrix: [[3, 1], [0, 4]] }));
    await track.logTable("errors", [{ text: "x", label: "a", pred: "b", p: 0.9 }, { text: "y", label: "b", pred: "a", p: NaN }]);
    await track.logImage("png", PNG);
    await track.logImage("svg", SVG);
    await track.logText("report", "precision recall\n0.5 0.6");
    await track.logText("report", "second", {}); // auto step: 1
    await run.end();

    const all = await st.listMedia(run.id);
    assert.deepEqual(all.map((m) => [m.key, m.step, m.kind]), [
      ["confusion", 0, "figure"], ["curves/loss", 0, "figure"], ["curves/loss", 5, "figure"], ["errors", 0, "table"],
      ["png", 0, "image"], ["report", 0, "text"], ["report", 1, "text"], ["svg", 0, "image"],
    ]);
    const loss = await track.loadMedia(run.id, "curves/loss");
    assert.deepEqual(loss.map((m) => m.step), [0, 5]);
    assert.equal((loss[0].value as any).layout.title.text, "Loss");
    assert.deepEqual((loss[0].value as any).data[0].y, [3, 2, 1]);
    assert.equal(loss[0].meta.title, "Loss");
    const [table] = await track.loadMedia(run.id, "errors");
    assert.deepEqual(table.value, { columns: ["text", "label", "pred", "p"], data: [["x", "a", "b", 0.9], ["y", "b", "a", "NaN"]] });
    assert.equal(table.mime, "application/json");
    assert.deepEqual([table.meta.rows, table.meta.columns], [2, 4]);
    const [png] = await track.loadMedia(run.id, "png");
    assert.ok(PNG.equals(png.value as Buffer));
    assert.deepEqual([png.mime, png.meta.width, png.meta.height], ["image/png", 2, 1]);
    const [svg] = await track.loadMedia(run.id, "svg");
    assert.equal(svg.mime, "image/svg+xml");
    assert.equal((svg.value as Buffer).toString(), SVG);
    const report = await track.loadMedia(run.id, "report", { step: 1 });
    assert.equal(report[0].value, "second");
    assert.ok(all.every((m) => m.ts > 0 && m.bytes > 0 && /^[0-9a-f]{64}$/.test(m.hash)));
  });

  test("a key logged again at the same step is replaced; equal content is stored once and gc keeps it", async () => {
    const st = await fresh();
    const run = await track.startRun({ name: "replace" });
    await track.logText("note", "first", { step: 3 });
    await track.logText("note", "second", { step: 3 });
    await track.logText("copy", "second");
    await run.end();
    const items = await st.listMedia(run.id, "note");
    assert.equal(items.length, 1);
    assert.equal((await track.loadMedia(run.id, "note"))[0].value, "second");
    const copy = (await st.listMedia(run.id, "copy"))[0];
    assert.equal(copy.hash, items[0].hash);
    await st.gcArtifacts();
    assert.equal((await st.readArtifact(copy.hash)).toString(), "second");
  });

  test("bad media are refused before anything is written, and what was logged stays", async () => {
    const st = await fresh();
    const run = await track.startRun({ name: "bad" });
    await track.logText("kept", "safe");
    assert.throws(() => track.logFigure("f", { nope: 1 }), /not a figure.*logFigure takes a Figure/);
    assert.throws(() => track.logFigure("f", [1, 2]), /not a figure \(got an array\)/);
    assert.throws(() => track.logFigure("f", { [Symbol.for("modelbench.mime")]: () => ({ "text/html": "<b>" }) }), /displays as text\/html, not as a plotly figure/);
    assert.throws(() => track.logImage("i", Buffer.from("GIF89a........")), /neither PNG nor SVG/);
    assert.throws(() => track.logImage("i", 42 as any), /not an image/);
    assert.throws(() => track.logText("t", { a: 1 } as any), /not text/);
    assert.throws(() => track.logTable("t", "rows" as any), /not a table/);
    assert.throws(() => track.logTable("t", [1, 2] as any), /row 0 is number/);
    assert.throws(() => track.logText("", "x"), /media names are 1 to 250 characters/);
    assert.throws(() => track.logText("x", "x", { step: -1 }), /step must be a whole number/);
    // Ten million cells: refused with what to do, nothing built first.
    const huge = { columns: Array.from({ length: 100 }, (_, i) => `c${i}`), data: { length: 100_000 } as any };
    huge.data = new Proxy([], { get: (t, k) => (k === "length" ? 100_000 : (t as any)[k]) });
    assert.throws(() => track.logTable("huge", huge), /10,000,000 cells \(100,000 rows × 100 columns\).*capped at 1,000,000 cells: log a sample \(e\.g\. the first 10,000 rows\)/);
    await run.end();
    assert.throws(() => run.logText("late", "x"), /logText\(\) on run 'bad' which has finished: start a new run/);
    assert.throws(() => track.logText("late", "x"), /no active run|start/i);
    assert.deepEqual((await st.listMedia(run.id)).map((m) => m.key), ["kept"]);
  });

  test("notes, tags and archive can change after a run ended; delete removes it and gc collects its files", async () => {
    const st = await fresh();
    const keep = await track.startRun({ name: "keep" });
    await keep.end();
    const run = await track.startRun({ name: "edit", notes: "first" });
    track.log({ loss: 1 });
    const art = await track.artifact("model.json", { w: [1, 2, 3] });
    const fig = await track.logText("only-here", "unique text of a deleted run");
    await run.end();
    await st.setNotes(run.id, "better notes");
    await st.setTags(run.id, ["reviewed"]);
    assert.equal((await st.getRun(run.id)).notes, "better notes");
    assert.deepEqual((await st.getRun(run.id)).tags, ["reviewed"]);
    await st.setNotes(run.id, null);
    assert.equal((await st.getRun(run.id)).notes, null);

    await st.setArchived(run.id, true);
    assert.deepEqual((await st.listRuns()).map((r) => r.name), ["keep"]);
    assert.equal(await st.countRuns(), 1);
    assert.deepEqual((await st.listRuns({ archived: true })).map((r) => r.name), ["edit"]);
    assert.equal((await st.listRuns({ archived: "all" })).length, 2);
    assert.equal((await st.getRun(run.id)).archived, true, "an archived run still opens by id");
    await st.setArchived(run.id, false);
    assert.deepEqual((await st.listRuns()).map((r) => r.name).sort(), ["edit", "keep"]);

    await st.deleteRun(run.id);
    await assert.rejects(st.getRun(run.id), /unknown run/);
    assert.deepEqual((await st.listRuns({ archived: "all" })).map((r) => r.name), ["keep"]);
    const gc = await st.gcArtifacts();
    assert.ok(gc.removed.includes(art.hash) && gc.removed.includes(fig.hash), "the deleted run's files are collected");
  });

  test("delete refuses a run with nested runs or registered models", async () => {
    const st = await fresh();
    const parent = await track.startRun({ name: "parent" });
    const child = await track.startRun({ name: "child" });
    await child.end();
    await assert.rejects(st.deleteRun(parent.id), /1 nested run\(s\): delete them first/);
    await track.artifact("m.json", { a: 1 });
    await parent.end();
    await st.registerModel("m", parent.id, "m.json");
    await st.deleteRun(child.id);
    await assert.rejects(st.deleteRun(parent.id), /registered model versions \(m\/1\): archive the run instead/);
  });

  test("a script's console output is kept with its run, capped with a note of what was cut", async () => {
    const st = await fresh();
    const uri = st.uri;
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-out-")), "s.js");
    const lib = path.resolve(__dirname, "index.js");
    fs.writeFileSync(script, `
      const track = require(${JSON.stringify(lib)});
      (async () => {
        await track.useStore(${JSON.stringify(uri)});
        console.log("before any run");
        const run = await track.startRun({ name: "printing" });
        console.log("epoch 1 loss 0.5");
        console.error("warning: slow");
        process.stdout.write("no newline");
        const quiet = await track.startRun({ name: "quiet", captureOutput: false, parent: null });
        console.log("not kept by quiet");
        await quiet.end();
        const big = "y".repeat(1024 * 1024) + "\\n";
        for (let i = 0; i < 3; i++) process.stdout.write(big);
        await run.end();
        console.log("after the run");
      })();
    `);
    const r = spawnSync(process.execPath, [script], { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^before any run\nepoch 1 loss 0\.5\nno newline/, "the terminal still gets everything");
    const runs = await st.listRuns();
    const printing = runs.find((x) => x.name === "printing")!;
    const quiet = runs.find((x) => x.name === "quiet")!;
    const out = await track.runOutput(printing.id);
    assert.match(out, /^epoch 1 loss 0\.5\nwarning: slow\nno newline/);
    assert.ok(!out.includes("before any run") && !out.includes("after the run"));
    assert.ok(out.includes("not kept by quiet"), "an inner run that does not capture leaves output to the one that does");
    assert.equal(await track.runOutput(quiet.id), "");
    assert.match(out, /\[modelbench: [\d,]+ more bytes of output were not kept: a run keeps its first 2 MB\]\n$/);
    assert.ok(Buffer.byteLength(out) < MAX_OUTPUT_BYTES + 200);
    const chunks = await st.readOutput(printing.id);
    assert.ok(chunks.some((c) => c.stream === "stderr" && c.text.includes("warning: slow")));
    assert.deepEqual((await st.readOutput(printing.id, "WARNING")).map((c) => c.text.trim()), ["warning: slow"]);
  });
}
