import { test } from "node:test";
import assert from "node:assert/strict";
import { codePointToIndex, completeness, indexToCodePoint, maskMagics } from "./language";

test("cursor positions convert between code points and UTF-16 indices", () => {
  const s = "a😀b";
  assert.equal(codePointToIndex(s, 2), 3);
  assert.equal(indexToCodePoint(s, 3), 2);
  assert.equal(codePointToIndex("abc", 10), 3);
});

test("is_complete: complete, incomplete with an indent, invalid", () => {
  assert.deepEqual(completeness("const a = 1"), { status: "complete" });
  assert.equal(completeness("function f() {").status, "incomplete");
  assert.equal(completeness("function f() {").indent, "  ");
  assert.deepEqual(completeness("const = 1"), { status: "invalid" });
  assert.deepEqual(completeness("%time 1"), { status: "complete" });
});

test("magic lines are blanked without moving offsets", () => {
  const code = "%time x\nconst y = 1";
  const masked = maskMagics(code);
  assert.equal(masked.length, code.length);
  assert.equal(masked.split("\n")[1], "const y = 1");
});
