import { test } from "node:test";
import assert from "node:assert/strict";
import { cellText, MAX_PAGE_ROWS, tableOrder, tablePage } from "./tablePage";

const table = {
  columns: ["name", "n", "extra"],
  data: [["b10", 2, { a: 1 }], ["b9", "NaN", null], ["a", "-Infinity", true], ["B1", 10, null], ["c", null, "note"]],
};

test("sorting: numbers numerically (non-finite as the wire spells them, NaN and missing last either way), text naturally and ignoring case", () => {
  assert.deepEqual(tableOrder(table, { sort: "n" }), [2, 0, 3, 1, 4]);
  assert.deepEqual(tableOrder(table, { sort: "n", desc: true }), [3, 0, 2, 1, 4]);
  assert.deepEqual(tableOrder(table, { sort: "name" }).map((r) => table.data[r][0]), ["a", "B1", "b9", "b10", "c"]);
  assert.deepEqual(tableOrder(table, {}), [0, 1, 2, 3, 4], "no sort keeps the logged order");
  assert.throws(() => tableOrder(table, { sort: "zz" }), /no column 'zz': it has name, n, extra/);
});

test("filtering matches any cell's text, case-insensitive; pages are clamped to the rows there are", () => {
  assert.deepEqual(tableOrder(table, { filter: " NOTE " }), [4]);
  assert.deepEqual(tableOrder(table, { filter: '"a":1' }), [0], "objects as JSON");
  assert.equal(cellText(null), "");
  const p = tablePage(table, { offset: 99, limit: 2, sort: "name", desc: true, filter: "b" });
  assert.deepEqual([p.rows.map((r) => r[0]), p.offset, p.total, p.rowCount, p.sort, p.desc], [["B1"], 2, 3, 5, "name", true]);
  assert.equal(tablePage(table, { limit: 1e9 }).rows.length, Math.min(5, MAX_PAGE_ROWS));
  assert.deepEqual(tablePage({ columns: ["x"], data: [] }, {}), { columns: ["x"], rows: [], offset: 0, total: 0, rowCount: 0, sort: null, desc: false, filter: "" });
});
