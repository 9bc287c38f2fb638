import { test } from "node:test";
import assert from "node:assert/strict";
import { compareStrings, uniqueLabels } from "./index";

test("strings sort by code point as in Python, numbers numerically", () => {
  // "\u{1F600}" (a surrogate pair in UTF-16) sorts after "\uFF21" by code point, though not by code unit.
  assert.deepEqual(["\u{1F600}", "\uFF21", "b", "B", "a"].sort(compareStrings), ["B", "a", "b", "\uFF21", "\u{1F600}"]);
  assert.deepEqual(uniqueLabels([10, 9, 10, -1]), [-1, 9, 10]);
});

test("mixed or non-finite labels are refused", () => {
  assert.throws(() => uniqueLabels(["a", 1]), /mixes string and number labels/);
  assert.throws(() => uniqueLabels([1, NaN]), /must be finite/);
  assert.throws(() => uniqueLabels([null as any]), /strings or numbers/);
});
