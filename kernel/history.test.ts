import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { History } from "./history";

function tmpdb(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-hist-")), "store.db");
}

test("history survives a new session on the same store and keeps sessions apart", () => {
  const file = tmpdb();
  const a = new History(file);
  a.add(1, "const x = 1");
  a.add(2, "x + 1");
  a.setOutput(2, "2");
  a.close();
  const b = new History(file);
  assert.equal(b.session, a.session + 1);
  b.add(1, "x * 3");
  assert.deepEqual(b.tail(2, false), [
    [a.session, 2, "x + 1"],
    [b.session, 1, "x * 3"],
  ]);
  assert.deepEqual(b.range(-1, 2, 3, true), [[a.session, 2, ["x + 1", "2"]]]);
  assert.deepEqual(b.range(0, 1, undefined, false), [[b.session, 1, "x * 3"]]);
  b.close();
});

test("search matches a glob, keeps the last n and can keep one per source", () => {
  const h = new History(tmpdb());
  ["a = 1", "b = 2", "a = 1", "a = 3"].forEach((src, i) => h.add(i + 1, src));
  assert.deepEqual(h.search("a = *", undefined, false, false).map((e) => e[1]), [1, 3, 4]);
  assert.deepEqual(h.search("a = *", 2, false, false).map((e) => e[1]), [3, 4]);
  assert.deepEqual(h.search("a = *", undefined, true, false).map((e) => [e[1], e[2]]), [[3, "a = 1"], [4, "a = 3"]]);
  h.close();
});
