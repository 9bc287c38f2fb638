// The rows of a long list that are in view: tops from heights, the window with its overscan.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rowTops, rowsInView } from "./rowWindow";

test("tops are the running total of the heights", () => {
  assert.deepEqual([...rowTops([50, 70, 50])], [0, 50, 120, 170]);
  assert.deepEqual([...rowTops([])], [0]);
});

test("the rows in view, and a few more each side, for rows of two heights", () => {
  const tops = rowTops(Array.from({ length: 10_000 }, (_, i) => (i % 3 ? 50 : 70)));
  assert.deepEqual(rowsInView(tops, 0, 300, 0), [0, 6], "rows 0..5 reach 300 px (70+50+50+70+50+50 = 340)");
  assert.deepEqual(rowsInView(tops, 0, 300), [0, 12]);
  const [first, end] = rowsInView(tops, 57_000, 600, 0);
  assert.ok(tops[first] <= 57_000 && tops[first + 1] > 57_000, "the first row is the one cut by the top");
  assert.ok(tops[end - 1] < 57_600 && tops[end] >= 57_600, "the last is the one cut by the bottom");
  const last = tops[10_000];
  assert.deepEqual(rowsInView(tops, last - 600, 600, 6)[1], 10_000, "scrolled to the end: the last row");
  assert.deepEqual(rowsInView(rowTops([]), 0, 600), [0, 0]);
});
