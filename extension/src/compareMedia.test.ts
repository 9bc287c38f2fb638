// Compare's media rows, the step each run shows, and one table across runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mediaRows, stackTables, stepFor, type MediaEntry } from "./compareMedia";

const item = (key: string, kind: MediaEntry["kind"], step: number): MediaEntry => ({ key, kind, step, ts: 0, mime: "", bytes: 1, meta: {} });

test("rows for the keys two runs or more logged: figures, then tables, images, text; each run's steps", () => {
  const rows = mediaRows([
    [item("eval/confusion_matrix", "figure", 0), item("eval/confusion_matrix", "figure", 5), item("errors", "table", 5), item("only-a", "figure", 0), item("sample", "text", 1)],
    [item("eval/confusion_matrix", "figure", 3), item("errors", "table", 3), item("sample", "text", 2)],
    [item("errors", "image", 1)], // another kind under the same key is not compared with the tables
  ]);
  assert.deepEqual(rows.map((r) => [r.key, r.kind]), [["eval/confusion_matrix", "figure"], ["errors", "table"], ["sample", "text"]]);
  assert.deepEqual(rows[0].steps, [[0, 5], [3], []]);
  assert.deepEqual(rows[0].allSteps, [0, 3, 5]);
});

test("the step shown: the last, or the last at or before a chosen step, or none yet", () => {
  assert.equal(stepFor([0, 5, 9], null), 9);
  assert.equal(stepFor([0, 5, 9], 6), 5);
  assert.equal(stepFor([3], 1), null);
  assert.equal(stepFor([], null), null);
});

test("tables stacked: a run column, then every column; a missing column is empty; a run's own 'run' column is kept", () => {
  const t = stackTables([
    { run: "xgb", columns: ["label", "pred"], rows: [["a", "b"], ["b", "b"]] },
    null,
    { run: "bert", columns: ["label", "p", "pred"], rows: [["a", 0.9, "a"]] },
  ]);
  assert.deepEqual(t.columns, ["run", "label", "pred", "p"]);
  assert.deepEqual(t.rows, [["xgb", "a", "b", null], ["xgb", "b", "b", null], ["bert", "a", "a", 0.9]]);
  assert.deepEqual(stackTables([{ run: "x", columns: ["run"], rows: [[1]] }]).columns, ["compared run", "run"]);
});
