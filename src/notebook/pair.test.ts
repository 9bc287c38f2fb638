// Pairing: which side's inputs win, refusal when both changed, missing pairs, bad files.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cell, parseIpynb, writeIpynb, Notebook } from "./ipynb";
import { readPercent, writePercent } from "./percent";
import { syncPair, syncPaths, findPairedNotebooks, pairedPaths } from "./pair";
import { loadConfig, parseConfig } from "./config";
import {
  BinaryFileError,
  InvalidNotebookError,
  MalformedTextNotebookError,
  NotebookNotFoundError,
  SyncConflictError,
  UnsupportedFormatError,
} from "./errors";

const KERNEL = { display_name: "TypeScript (modelbench)", language: "typescript", name: "modelbench" };

function notebook(sources: string[], withOutputs = true): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: KERNEL, language_info: { name: "typescript" } },
    cells: sources.map((source, i): Cell =>
      source.startsWith("#")
        ? { cell_type: "markdown", id: `md${i}`, metadata: {}, source }
        : {
            cell_type: "code",
            id: `code${i}`,
            metadata: { ExecuteTime: { end: "t" } },
            source,
            execution_count: withOutputs ? i + 1 : null,
            outputs: withOutputs ? [{ output_type: "execute_result", execution_count: i + 1, data: { "text/plain": `out ${i}` }, metadata: {} }] : [],
          },
    ),
  };
}

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-pair-"));
  fs.writeFileSync(path.join(dir, "jupytext.toml"), 'formats = "ipynb,ts:percent"\n');
  fs.mkdirSync(path.join(dir, "notebooks"));
  return dir;
}

/** Sets a file's mtime `seconds` from now. */
function age(file: string, seconds: number): void {
  const t = new Date(Date.now() + seconds * 1000);
  fs.utimesSync(file, t, t);
}

const snapshot = (files: string[]) => files.map((f) => (fs.existsSync(f) ? { bytes: fs.readFileSync(f, "utf8"), mtime: fs.statSync(f).mtimeMs } : null));

test("a missing text file is created from the notebook, and a second sync writes nothing", () => {
  const dir = project();
  const ipynb = path.join(dir, "notebooks/a.ipynb");
  fs.writeFileSync(ipynb, writeIpynb(notebook(["# Title", "const x = 1;\nx"])));
  const r = syncPair(ipynb);
  assert.equal(r.reason, "created");
  assert.deepEqual(r.written, [path.join(dir, "notebooks/a.ts")]);
  const text = fs.readFileSync(path.join(dir, "notebooks/a.ts"), "utf8");
  assert.match(text, /^\/\/ %% \[markdown\]\n\/\/ # Title\n\n\/\/ %%\nconst x = 1;\nx\n$/m);
  assert.ok(fs.existsSync(path.join(dir, ".modelbench/sync.json")));
  const before = snapshot([ipynb, path.join(dir, "notebooks/a.ts")]);
  assert.deepEqual(syncPair(ipynb).written, []);
  assert.deepEqual(snapshot([ipynb, path.join(dir, "notebooks/a.ts")]), before);
});

test("a missing notebook is created from the text file, without outputs", () => {
  const dir = project();
  const ts = path.join(dir, "notebooks/b.ts");
  fs.writeFileSync(ts, "// %%\nconst y = 2;\n\n// %% [markdown]\n// Notes\n");
  const r = syncPair(ts);
  assert.equal(r.inputsFrom, "text");
  const nb = parseIpynb(fs.readFileSync(path.join(dir, "notebooks/b.ipynb"), "utf8"));
  assert.deepEqual(nb.cells.map((c) => [c.cell_type, c.source]), [["code", "const y = 2;"], ["markdown", "Notes"]]);
  assert.deepEqual(nb.cells[0].outputs, []);
  // what `jupytext --sync` writes for a script without a header (and no text_representation)
  assert.deepEqual(nb.metadata, { jupytext: { cell_metadata_filter: "-all", main_language: "typescript", notebook_metadata_filter: "-all" } });
});

test("edits in the newer text file win; outputs, ids and hidden metadata come from the notebook", () => {
  const dir = project();
  const ipynb = path.join(dir, "notebooks/c.ipynb");
  const ts = path.join(dir, "notebooks/c.ts");
  fs.writeFileSync(ipynb, writeIpynb(notebook(["# T", "const a = 1;", "const b = 2;"])));
  syncPair(ipynb);
  fs.unlinkSync(path.join(dir, ".modelbench/sync.json")); // no record: timestamps decide, as in jupytext
  fs.writeFileSync(ts, fs.readFileSync(ts, "utf8").replace("const b = 2;", "const b = 3;\n\n// %%\nconst c = a + b;"));
  age(ipynb, -60);
  const r = syncPair(ipynb);
  assert.equal(r.inputsFrom, "text");
  assert.equal(r.reason, "newer");
  const nb = parseIpynb(fs.readFileSync(ipynb, "utf8"));
  assert.deepEqual(nb.cells.map((c) => c.source), ["# T", "const a = 1;", "const b = 3;", "const c = a + b;"]);
  assert.deepEqual(nb.cells[1].outputs, [{ output_type: "execute_result", execution_count: 2, data: { "text/plain": "out 1" }, metadata: {} }]);
  assert.equal(nb.cells[1].id, "code1");
  assert.deepEqual(nb.cells[1].metadata, { ExecuteTime: { end: "t" } }, "metadata hidden from the text is kept");
  assert.deepEqual(nb.cells[2].outputs?.length, 1, "an edited cell keeps its outputs (matched by position)");
  assert.deepEqual(nb.cells[3].outputs, []);
  assert.deepEqual(nb.metadata.language_info, { name: "typescript" });
});

test("a newer notebook wins over an older text file (beyond jupytext's 1 s margin)", () => {
  const dir = project();
  const ipynb = path.join(dir, "notebooks/d.ipynb");
  const ts = path.join(dir, "notebooks/d.ts");
  fs.writeFileSync(ts, "// %%\nold\n");
  fs.writeFileSync(ipynb, writeIpynb(notebook(["new"])));
  age(ts, -30);
  const r = syncPair(ipynb);
  assert.equal(r.inputsFrom, "ipynb");
  assert.equal(fs.readFileSync(ts, "utf8").split("// %%\n")[1], "new\n");
});

test("within the margin the text file counts as the newer one", () => {
  const dir = project();
  const ipynb = path.join(dir, "notebooks/e.ipynb");
  const ts = path.join(dir, "notebooks/e.ts");
  fs.writeFileSync(ipynb, writeIpynb(notebook(["from ipynb"])));
  fs.writeFileSync(ts, "// %%\nfrom text\n");
  age(ts, -0.5);
  assert.equal(syncPair(ipynb).inputsFrom, "text");
  assert.equal(parseIpynb(fs.readFileSync(ipynb, "utf8")).cells[0].source, "from text");
});

test("the sync record beats timestamps: a notebook re-saved with new outputs does not undo script edits", () => {
  const dir = project();
  const ipynb = path.join(dir, "notebooks/f.ipynb");
  const ts = path.join(dir, "notebooks/f.ts");
  fs.writeFileSync(ipynb, writeIpynb(notebook(["const v = 1;"])));
  syncPair(ipynb);
  fs.writeFileSync(ts, fs.readFileSync(ts, "utf8").replace("v = 1", "v = 2"));
  const nb = parseIpynb(fs.readFileSync(ipynb, "utf8"));
  nb.cells[0].outputs = [{ output_type: "stream", name: "stdout", text: "rerun\n" }];
  fs.writeFileSync(ipynb, writeIpynb(nb));
  age(ts, -60); // the notebook is much newer, yet only the script's inputs changed
  const r = syncPair(ipynb);
  assert.equal(r.inputsFrom, "text");
  assert.equal(r.reason, "changed-since-sync");
  const after = parseIpynb(fs.readFileSync(ipynb, "utf8"));
  assert.equal(after.cells[0].source, "const v = 2;");
  assert.deepEqual(after.cells[0].outputs, [{ output_type: "stream", name: "stdout", text: "rerun\n" }]);
});

test("when both sides changed since the last sync: refused, with a diff, and no file touched", () => {
  const dir = project();
  const ipynb = path.join(dir, "notebooks/g.ipynb");
  const ts = path.join(dir, "notebooks/g.ts");
  const state = path.join(dir, ".modelbench/sync.json");
  fs.writeFileSync(ipynb, writeIpynb(notebook(["const w = 1;", "const z = 0;"])));
  syncPair(ipynb);
  const nb = parseIpynb(fs.readFileSync(ipynb, "utf8"));
  nb.cells[0].source = "const w = 10;";
  fs.writeFileSync(ipynb, writeIpynb(nb));
  fs.writeFileSync(ts, fs.readFileSync(ts, "utf8").replace("z = 0", "z = 20"));
  age(ipynb, -5);
  const before = snapshot([ipynb, ts, state]);
  assert.throws(
    () => syncPair(ipynb),
    (e: unknown) => {
      assert.ok(e instanceof SyncConflictError);
      assert.match(e.message, /both changed since they were last synced; nothing was written/);
      assert.match(e.message, /--prefer ipynb/);
      assert.match(e.diff, /^-const w = 10;$/m);
      assert.match(e.diff, /^\+const w = 1;$/m);
      assert.match(e.diff, /^-const z = 0;$/m);
      assert.match(e.diff, /^\+const z = 20;$/m);
      return true;
    },
  );
  assert.deepEqual(snapshot([ipynb, ts, state]), before, "bytes and mtimes unchanged");
  assert.deepEqual(fs.readdirSync(path.join(dir, "notebooks")).sort(), ["g.ipynb", "g.ts"], "no temporary files left");

  const r = syncPair(ipynb, { prefer: "text" });
  assert.equal(r.inputsFrom, "text");
  assert.deepEqual(parseIpynb(fs.readFileSync(ipynb, "utf8")).cells.map((c) => c.source), ["const w = 1;", "const z = 20;"]);
});

test("both sides changed the same way: not a conflict", () => {
  const dir = project();
  const ipynb = path.join(dir, "notebooks/h.ipynb");
  const ts = path.join(dir, "notebooks/h.ts");
  fs.writeFileSync(ipynb, writeIpynb(notebook(["const q = 1;"])));
  syncPair(ipynb);
  const nb = parseIpynb(fs.readFileSync(ipynb, "utf8"));
  nb.cells[0].source = "const q = 2;";
  fs.writeFileSync(ipynb, writeIpynb(nb));
  fs.writeFileSync(ts, fs.readFileSync(ts, "utf8").replace("q = 1", "q = 2"));
  const r = syncPair(ipynb);
  assert.equal(r.reason, "in-sync");
  assert.deepEqual(r.written, []);
});

test("bad files are typed errors and nothing is overwritten", () => {
  const dir = project();
  const nbDir = path.join(dir, "notebooks");
  const cases: [string, string | Buffer, string, string | Buffer, new (...a: never[]) => Error, RegExp][] = [
    ["bad1.ipynb", "{ not json", "bad1.ts", "// %%\nx\n", InvalidNotebookError, /not valid JSON .*git checkout/],
    ["bad2.ipynb", JSON.stringify({ nbformat: 3, worksheets: [] }), "bad2.ts", "// %%\nx\n", InvalidNotebookError, /nbformat 3; convert it/],
    ["bad3.ipynb", JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "weird", source: "" }] }), "bad3.ts", "// %%\nx\n", InvalidNotebookError, /cell 1 has no valid cell_type/],
    ["bad4.ipynb", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]), "bad4.ts", "// %%\nx\n", BinaryFileError, /binary file/],
    ["bad5.ipynb", writeIpynb(notebook(["x"])), "bad5.ts", Buffer.from([0xff, 0xfe, 0x41]), BinaryFileError, /not UTF-8/],
    ["bad6.ipynb", writeIpynb(notebook(["x"])), "bad6.ts", "// ---\n// jupyter:\n//   kernelspec: [unclosed\n// ---\n\n// %%\nx\n", MalformedTextNotebookError, /not valid YAML/],
    ["bad7.ipynb", writeIpynb(notebook(["x"])), "bad7.ts", "const a = 1;\nconst b = 2;\n", MalformedTextNotebookError, /no '\/\/ %%' cell marker/],
    ["bad8.ipynb", writeIpynb(notebook(["x"])), "bad8.ts", "// ---\n// jupyter:\n//   kernelspec:\n//     name: ts\n\n// %%\nx\n", MalformedTextNotebookError, /never closed/],
    ["bad9.ipynb", writeIpynb(notebook(["x"])), "bad9.ts", "// ---\n// jupyter:\n//   jupytext:\n//     text_representation:\n//       format_name: light\n// ---\n\nx\n", MalformedTextNotebookError, /'light' format/],
    ["bad10.ipynb", writeIpynb(notebook(["x"])), "bad10.ts", "// -*- coding: latin-1 -*-\n// %%\nx\n", MalformedTextNotebookError, /only utf-8/],
  ];
  for (const [a, abytes, b, bbytes, type, message] of cases) {
    fs.writeFileSync(path.join(nbDir, a), abytes);
    fs.writeFileSync(path.join(nbDir, b), bbytes);
    const before = snapshot([path.join(nbDir, a), path.join(nbDir, b)]);
    assert.throws(() => syncPair(path.join(nbDir, a)), (e: unknown) => e instanceof type && message.test((e as Error).message), `${a}/${b}`);
    assert.deepEqual(snapshot([path.join(nbDir, a), path.join(nbDir, b)]), before, `${a}/${b} untouched`);
  }
  assert.throws(() => syncPair(path.join(nbDir, "nothing.ipynb")), NotebookNotFoundError);
});

test("unknown formats and pairings are refused with what to write instead", () => {
  assert.throws(() => pairedPaths("/x/a.ipynb", parseConfig('formats = "ipynb,py:percent"\n')), /not supported .*ipynb,ts:percent/);
  assert.throws(() => pairedPaths("/x/a.ipynb", parseConfig('formats = "ipynb,ts:light"\n')), UnsupportedFormatError);
  assert.throws(() => pairedPaths("/x/a.ipynb", parseConfig('formats = "notebooks///ipynb,scripts///ts:percent"\n')), /another folder/);
  assert.throws(() => pairedPaths("/x/a.md", parseConfig('formats = "ipynb,ts:percent"\n')), /not a paired notebook/);
  assert.throws(() => pairedPaths("/x/a.ipynb", { format: {}, outdatedTextNotebookMargin: 1 }), /is not paired: add formats/);
  assert.throws(() => parseConfig("[formats]\n"), UnsupportedFormatError);
  const cfg = parseConfig('# pairs\nformats = ["ipynb", "ts:percent"]\ncell_metadata_filter = "-all"\noutdated_text_notebook_margin = 5\n');
  assert.equal(cfg.formats, "ipynb,ts:percent");
  assert.deepEqual(cfg.format, { cell_metadata_filter: "-all" });
  assert.equal(cfg.outdatedTextNotebookMargin, 5);
});

test("syncPaths syncs each pair once and reports a bad pair without stopping", () => {
  const dir = project();
  const nbDir = path.join(dir, "notebooks");
  fs.writeFileSync(path.join(nbDir, "one.ipynb"), writeIpynb(notebook(["1"])));
  fs.writeFileSync(path.join(nbDir, "two.ipynb"), "broken");
  fs.writeFileSync(path.join(nbDir, "three.ts"), "// %%\n3\n");
  fs.writeFileSync(path.join(nbDir, "helper.ts"), "export const notANotebook = 1;\n");
  const files = findPairedNotebooks(nbDir, loadConfig(dir));
  assert.deepEqual(files.map((f) => path.basename(f)), ["one.ipynb", "three.ts", "two.ipynb"]);
  const outcomes = syncPaths([...files, path.join(nbDir, "one.ts")]);
  assert.deepEqual(outcomes.map((o) => [path.basename(o.file), o.error?.name ?? "ok"]), [["one.ipynb", "ok"], ["three.ts", "ok"], ["two.ipynb", "InvalidNotebookError"]]);
  assert.ok(fs.existsSync(path.join(nbDir, "three.ipynb")));
});

test("a cell containing a '// %%' line is synced as jupytext does, with a warning", () => {
  const dir = project();
  const ipynb = path.join(dir, "notebooks/m.ipynb");
  fs.writeFileSync(ipynb, writeIpynb(notebook(["const a = 1;\n// %%\nconst b = 2;"])));
  const r = syncPair(ipynb);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /cell 1 has a line that reads as a cell marker/);
  const back = readPercent(fs.readFileSync(path.join(dir, "notebooks/m.ts"), "utf8"));
  assert.equal(back.cells.length, 2, "jupytext splits the cell there too");
});

test("format options from jupytext.toml reach the text file", () => {
  const dir = project();
  fs.writeFileSync(path.join(dir, "jupytext.toml"), 'formats = "ipynb,ts:percent"\ncell_metadata_filter = "-all"\n');
  const ipynb = path.join(dir, "notebooks/o.ipynb");
  const nb = notebook(["x"]);
  nb.cells[0].metadata.tags = ["keep-out"];
  fs.writeFileSync(ipynb, writeIpynb(nb));
  syncPair(ipynb);
  const text = fs.readFileSync(path.join(dir, "notebooks/o.ts"), "utf8");
  assert.match(text, /cell_metadata_filter: -all/);
  assert.doesNotMatch(text, /keep-out/);
  assert.equal(text, writePercent(nb, { format: { cell_metadata_filter: "-all" } }));
});
