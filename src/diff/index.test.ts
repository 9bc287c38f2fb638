import { test } from "node:test";
import assert from "node:assert/strict";
import { diffLines, unifiedDiff } from "./index";

test("the edit script turns a into b with the fewest changes", () => {
  const a = ["a", "b", "c", "a", "b", "b", "a"];
  const b = ["c", "b", "a", "b", "a", "c"];
  const ops = diffLines(a, b);
  assert.deepEqual(ops.filter((o) => o.op !== "insert").map((o) => o.line), a);
  assert.deepEqual(ops.filter((o) => o.op !== "delete").map((o) => o.line), b);
  assert.equal(ops.filter((o) => o.op !== "equal").length, 5); // Myers' example: D = 5
});

test("unified diff has hunks with context and is empty for equal texts", () => {
  const a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  const b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  assert.equal(unifiedDiff(a, a), "");
  assert.equal(unifiedDiff(a, b, ["x", "y"]), "--- x\n+++ y\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  assert.equal(unifiedDiff("", "new\n"), "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+new\n");
});
