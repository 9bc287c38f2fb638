import { test } from "node:test";
import assert from "node:assert/strict";
import { diffLines } from "../../src/diff";
import { writePercent } from "../../src/notebook/percent";
import { diffNotebooks } from "../../src/notebook/diff";
import { Notebook } from "../../src/notebook/ipynb";
import {
  DiffModel,
  contentsError,
  describeSync,
  diffBlocks,
  jupytextFromProbe,
  notebookFromIpynb,
  notebookFromRunSource,
  notebookFromScript,
  notebookKind,
  sideBySideRows,
  type DiffDocument,
} from "./pairing";

function nb(...sources: Array<string | [string, string]>): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: sources.map((s, i) => {
      const [type, source] = typeof s === "string" ? ["code", s] : s;
      return type === "code"
        ? { cell_type: "code", id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source }
        : { cell_type: type as "markdown", id: `c${i}`, metadata: {}, source };
    }),
  };
}

test("side-by-side rows face removed lines with added ones and keep line numbers", () => {
  const rows = sideBySideRows(diffLines(["a", "b", "c", "d"], ["a", "B", "B2", "d", "e"]));
  assert.deepEqual(
    rows.map((r) => [r.left ? `${r.left.n}${r.left.op[0]}:${r.left.text}` : "", r.right ? `${r.right.n}${r.right.op[0]}:${r.right.text}` : ""]),
    [
      ["1e:a", "1e:a"],
      ["2d:b", "2i:B"],
      ["3d:c", "3i:B2"],
      ["4e:d", "4e:d"],
      ["", "5i:e"],
    ],
  );
});

test("unchanged cells fold into one block per run; each differing cell stands alone", () => {
  const a = nb("x = 1", "y = 2", "z = 3", "w = 4", "v = 5");
  const b = nb("x = 1", "y = 20", "z = 3", "w = 4", "v = 5", "u = 6");
  const blocks = diffBlocks(diffNotebooks(a, b));
  assert.deepEqual(
    blocks.map((bl) => (bl.kind === "unchanged" ? `=${bl.cells.length}@${bl.start}` : `${bl.cell.op}@${bl.index}`)),
    ["=1@0", "changed@1", "=3@2", "added@5"],
  );
});

test("the diff model recomputes for outputs and keeps a load error for the view", async () => {
  const a = nb("print()");
  const b = nb("print()");
  (b.cells[0].outputs as unknown[]) = [{ output_type: "stream", name: "stdout", text: "hi\n" }];
  const doc: DiffDocument = { kind: "drift", title: "t", labels: ["a", "b"], a, b };
  const model = new DiffModel(async () => doc);
  let emitted = 0;
  model.changed.connect(() => emitted++);
  await model.refresh();
  assert.equal(model.diff!.equal, true, "inputs only by default");
  model.setOptions({ outputs: true });
  assert.equal(model.diff!.equal, false);
  assert.equal(model.blocks[0].kind, "cell");
  model.setOptions({ layout: "inline" });
  assert.equal(model.options.layout, "inline");
  assert.ok(emitted >= 4);

  const failing = new DiffModel(async () => notebookFromScript("// %%\nx\n\u0000", "blob.ts") as never);
  await failing.refresh();
  assert.match(failing.error!, /blob\.ts is a binary file/);
  assert.equal(failing.diff, null);
});

test("expanded folds toggle and reset when the diff changes", async () => {
  const model = new DiffModel(async () => ({ kind: "runs", title: "t", labels: ["a", "b"], a: nb("a", "b"), b: nb("a", "c") }));
  await model.refresh();
  model.toggleExpanded(0);
  assert.ok(model.expanded.has(0));
  model.toggleExpanded(0);
  assert.ok(!model.expanded.has(0));
  model.toggleExpanded(0);
  await model.refresh();
  assert.equal(model.expanded.size, 0);
});

test("a script reads as its cells, and a malformed one is an error that names the file", () => {
  const text = writePercent(nb(["markdown", "# Title"], "const x = 1;"), { extension: ".ts" });
  const read = notebookFromScript(text, "a.ts");
  assert.deepEqual(read.cells.map((c) => [c.cell_type, c.source]), [["markdown", "# Title"], ["code", "const x = 1;"]]);
  assert.equal((read.metadata.jupytext as any)?.text_representation, undefined, "no text_representation bookkeeping to diff");
  assert.throws(() => notebookFromScript("// ---\n// jupyter:\n\n// %%\nx\n", "m.ts"), /m\.ts: the '\/\/ ---' header is never closed/);
  assert.throws(() => notebookFromScript("const a = 1;\nconst b = 2;\n", "plain.ts"), /plain\.ts has no '\/\/ %%' cell marker/);
});

test("notebooks from .ipynb text or the editor's JSON; invalid JSON is a clear error", () => {
  const json = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", metadata: {}, source: ["a\n", "b"], outputs: [], execution_count: null }] };
  assert.equal(notebookFromIpynb(json, "n.ipynb").cells[0].source, "a\nb");
  assert.equal(notebookFromIpynb(JSON.stringify(json), "n.ipynb").cells[0].source, "a\nb");
  assert.throws(() => notebookFromIpynb('{"cells": [', "bad.ipynb"), /bad\.ipynb is not valid JSON/);
  assert.throws(() => notebookFromIpynb("{\u0000}", "bin.ipynb"), /bin\.ipynb is a binary file/);
});

test("a run's code: percent scripts by cell, anything else as one cell, none as an empty notebook", () => {
  assert.deepEqual(notebookFromRunSource("// %%\nconst a = 1;\n\n// %%\nfit(a);\n").cells.map((c) => c.source), ["const a = 1;", "fit(a);"]);
  assert.deepEqual(notebookFromRunSource("%%track r\nlog({ a: 1 })").cells.map((c) => c.source), ["%%track r\nlog({ a: 1 })"]);
  assert.equal(notebookFromRunSource(null).cells.length, 0);
});

test("file kinds, the Contents API's errors, and the jupytext probe", () => {
  assert.equal(notebookKind("dir/a.ipynb"), "ipynb");
  assert.equal(notebookKind("a.ts"), "script");
  assert.throws(() => notebookKind("data.csv"), /data\.csv: unknown notebook format '\.csv'/);
  assert.throws(() => notebookKind("dir.v2/Makefile"), /unknown notebook format '\(no extension\)'/);
  assert.match(contentsError(new Error("Invalid response: 400 Bad Request: x.ts is not UTF-8 encoded"), "x.ts").message, /x\.ts is a binary file/);
  assert.match(contentsError(new Error("Invalid response: 404 Not Found"), "y.ts").message, /y\.ts does not exist: sync/);
  assert.equal(jupytextFromProbe(200, "notebook"), "present");
  assert.equal(jupytextFromProbe(400), "absent");
  assert.equal(jupytextFromProbe(500), "unknown");
  assert.equal(jupytextFromProbe(0), "unknown");
});

test("a sync reply reads as one sentence", () => {
  const line = describeSync({ ok: true, inputsFrom: "text", reason: "changed-since-sync", written: ["nb/a.ipynb"], warnings: [], ipynb: "nb/a.ipynb", text: "nb/a.ts" });
  assert.equal(line, "a.ipynb ⇄ a.ts: inputs from a.ts (it changed since the last sync); wrote a.ipynb.");
  assert.match(describeSync({ ok: true, inputsFrom: "ipynb", reason: "in-sync", written: [], warnings: [], ipynb: "a.ipynb", text: "a.ts" }), /nothing to write/);
});
