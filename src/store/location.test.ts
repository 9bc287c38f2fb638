import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot, sqlitePath, storeUri } from "./location";

test("the store defaults to .modelbench/store.db at the project root", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mb-root-"));
  fs.writeFileSync(path.join(root, "package.json"), "{}");
  const nb = path.join(root, "notebooks");
  fs.mkdirSync(nb);
  assert.equal(projectRoot(nb), root);
  assert.equal(sqlitePath(storeUri(nb, {})), path.join(root, ".modelbench", "store.db"));
});

test("MODELBENCH_STORE wins; a non-SQLite URI is a clear error here", () => {
  assert.equal(storeUri("/x", { MODELBENCH_STORE: "sqlite:///tmp/a.db" }), "sqlite:///tmp/a.db");
  assert.equal(sqlitePath("sqlite:///tmp/a.db"), "/tmp/a.db");
  assert.throws(() => sqlitePath("postgres://h/db"), /sqlite:\/\/\/absolute/);
});
