import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { historyFile, projectRoot, sqlitePath, sqliteUri, storeUri } from "./location";

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

test("the kernel's history is kept in the store's file when it is SQLite, else in the project's default file", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mb-root-"));
  fs.writeFileSync(path.join(root, "package.json"), "{}");
  const fallback = path.join(root, ".modelbench", "store.db");
  assert.equal(historyFile("sqlite:///tmp/team/a.db", root), "/tmp/team/a.db");
  assert.equal(historyFile("postgres://me@db.lan:5432/runs", root), fallback);
  assert.equal(historyFile("mlflow+http://127.0.0.1:5000", root), fallback);
  // And the sidebar opens that file as a store by the same URI the default store has.
  assert.equal(sqliteUri(fallback), storeUri(root, {}));
  assert.equal(sqlitePath(sqliteUri("rel/x.db"), root), path.resolve("rel/x.db"));
});
