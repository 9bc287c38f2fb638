import { test } from "node:test";
import assert from "node:assert/strict";
import { describe, whosTable } from "./describe";
import { selectLines } from "./session";

test("arrays show their element type and, when rectangular, their shape", () => {
  assert.deepEqual(describe([[1, 2, 3], [4, 5, 6]]), { kind: "array", type: "number[][]", info: "shape [2, 3]" });
  assert.deepEqual(describe([[1], [2, 3]]), { kind: "array", type: "array[]", info: "length 2" });
  assert.deepEqual(describe(["a", 1]), { kind: "array", type: "(string | number)[]", info: "length 2" });
  assert.deepEqual(describe(new Float32Array(7)), { kind: "array", type: "Float32Array", info: "length 7" });
});

test("tensors, arquero tables and DataFrames show their shape", () => {
  const tensor = { shape: [32, 10], dtype: "float32", dataSync: () => new Float32Array(0) };
  assert.deepEqual(describe(tensor), { kind: "Tensor", type: "Tensor", info: "shape [32, 10] float32" });
  class ColumnTable {
    numRows = () => 150;
    numCols = () => 5;
  }
  assert.deepEqual(describe(new ColumnTable()), { kind: "table", type: "ColumnTable", info: "150 rows × 5 columns" });
  class DataFrame {
    shape = [3, 2];
    values = [];
    print() {}
  }
  assert.deepEqual(describe(new DataFrame()), { kind: "table", type: "DataFrame", info: "3 rows × 2 columns" });
});

test("scalars, functions, classes and objects", () => {
  assert.equal(describe(3).info, "3");
  assert.equal(describe("x".repeat(100)).info.length, 60);
  assert.deepEqual(describe(function fit(x: number, y: number) { return x + y; }), { kind: "function", type: "function", info: "fit(2 parameters)" });
  assert.equal(describe(class Model {}).type, "class");
  assert.deepEqual(describe({ a: 1, b: 2 }), { kind: "object", type: "Object", info: "2 keys: a, b" });
  assert.deepEqual(describe(new Map([[1, 2]])), { kind: "object", type: "Map", info: "size 1" });
});

test("%whos lays rows out in columns", () => {
  const text = whosTable([{ name: "n", ...describe(1) }, { name: "rows", ...describe([[1, 2]]) }]);
  assert.deepEqual(text.split("\n").map((l) => l.split(/\s{3,}/)), [["Variable", "Type", "Data/Info"], [text.split("\n")[1]], ["n", "number", "1"], ["rows", "number[][]", "shape [1, 2]"]]);
});

test("%load -r picks lines by 1-based inclusive ranges", () => {
  const text = "a\nb\nc\nd\ne";
  assert.equal(selectLines(text, "2-3"), "b\nc");
  assert.equal(selectLines(text, "1,4-"), "a\nd\ne");
  assert.throws(() => selectLines(text, "3-1"), /not a range/);
  assert.throws(() => selectLines(text, "x"), /5-10/);
});
