// Cell-aware notebook diffs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Cell, Notebook } from "./ipynb";
import { diffNotebooks, formatNotebookDiff, similarity } from "./diff";

const code = (source: string, outputs: Cell["outputs"] = []): Cell => ({ cell_type: "code", metadata: {}, source, outputs, execution_count: null });
const md = (source: string): Cell => ({ cell_type: "markdown", metadata: {}, source });
const nb = (...cells: Cell[]): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

const ops = (a: Notebook, b: Notebook) => diffNotebooks(a, b).cells.map((c) => [c.op, c.a, c.b]);

test("identical notebooks are equal cell by cell", () => {
  const a = nb(md("# T"), code("x"));
  const d = diffNotebooks(a, a);
  assert.ok(d.equal);
  assert.deepEqual(ops(a, a), [["equal", 0, 0], ["equal", 1, 1]]);
  assert.equal(formatNotebookDiff(d), "");
});

test("an inserted cell is one added cell, not every later cell changed", () => {
  const a = nb(code("const a = 1;"), code("const b = 2;"), code("const c = 3;"));
  const b = nb(code("const a = 1;"), code("const inserted = 0;\nlog(inserted);"), code("const b = 2;"), code("const c = 3;"));
  assert.deepEqual(ops(a, b), [["equal", 0, 0], ["added", undefined, 1], ["equal", 1, 2], ["equal", 2, 3]]);
});

test("an edited cell is paired with its old self by similarity, with a line diff", () => {
  const a = nb(md("# Data"), code("const rows = load('a.csv');\nrows.length"), code("train(rows)"));
  const b = nb(md("# Data"), code("const rows = load('b.csv');\nrows.length"), code("train(rows)"));
  const d = diffNotebooks(a, b);
  assert.deepEqual(d.cells.map((c) => c.op), ["equal", "changed", "equal"]);
  assert.deepEqual(d.cells[1].source.lines.map((l) => l.op), ["delete", "insert", "equal"]);
  assert.equal(
    formatNotebookDiff(d, ["a.ipynb", "b.ts"]),
    "--- a.ipynb\n+++ b.ts\n@@ cell 2 changed (code) @@\n-const rows = load('a.csv');\n+const rows = load('b.csv');\n rows.length\n",
  );
});

test("edits, a removal and an insertion in one region are told apart", () => {
  const a = nb(code("alpha();\nalpha2();"), code("beta();"), code("gamma(1);"), md("end"));
  const b = nb(code("alpha();\nalpha3();"), code("gamma(2);"), code("totally different code here"), md("end"));
  assert.deepEqual(ops(a, b), [["changed", 0, 0], ["removed", 1, undefined], ["changed", 2, 1], ["added", undefined, 2], ["equal", 3, 3]]);
});

test("a cell that changes type is removed and added", () => {
  assert.deepEqual(ops(nb(code("text")), nb(md("text"))), [["removed", 0, undefined], ["added", undefined, 0]]);
});

test("outputs and metadata are compared only when asked", () => {
  const a = nb(code("x", [{ output_type: "stream", name: "stdout", text: "1\n" }]));
  const b = nb(code("x", [{ output_type: "stream", name: "stdout", text: "2\n" }]));
  b.cells[0].metadata = { tags: ["t"] };
  assert.ok(diffNotebooks(a, b).equal);
  const d = diffNotebooks(a, b, { outputs: true, metadata: true });
  assert.equal(d.cells[0].op, "changed");
  assert.notEqual(d.cells[0].outputs!.a, d.cells[0].outputs!.b);
  assert.match(formatNotebookDiff(d), /\(outputs\)\n[\s\S]*- "text": "1\\n"\n\+ "text": "2\\n"/);
  assert.match(formatNotebookDiff(d), /\(metadata\)/);
});

test("similarity: 1 for equal, high for small edits, low for unrelated text", () => {
  assert.equal(similarity("a\nb", "a\nb"), 1);
  assert.ok(similarity("x = 1", "x = 2") > 0.7);
  assert.ok(similarity("const a = load();", "plot(history, { title: 'loss' })") < 0.5);
});
