// The store backends a test suite runs against: SQLite (a temporary file) and PostgreSQL (a fresh
// database on a throw-away server started on first use and stopped after the file's tests).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after } from "node:test";
import { startTestPostgres, type TestPostgres } from "./pgserver";
import { PostgresStore } from "../../src/store/postgres/store";
import { SqliteStore } from "../../src/store/sqlite/store";
import type { Store } from "../../src/track/types";

export interface Backend {
  name: "sqlite" | "postgres";
  /** The URI of a new, empty store. */
  fresh(): Promise<string>;
  /** Raw SQL on the store, for tests that reach under the interface (simulated faults, hand edits). */
  exec(store: Store, sql: string): Promise<void>;
  /** The rows of one raw SELECT. */
  rows(store: Store, sql: string): Promise<any[]>;
}

let server: Promise<TestPostgres> | null = null;
// Registered when the test file loads (a hook added inside a test would run when that test ends).
after(async () => {
  if (server) await (await server).stop();
});

/** The shared throw-away PostgreSQL server of this test process. */
export function testPostgres(): Promise<TestPostgres> {
  return (server ??= startTestPostgres());
}

export const sqliteBackend: Backend = {
  name: "sqlite",
  async fresh() {
    return `sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-store-")), "store.db")}`;
  },
  async exec(store, sql) {
    (store as SqliteStore).db.exec(sql);
  },
  async rows(store, sql) {
    return (store as SqliteStore).db.prepare(sql).all();
  },
};

export const postgresBackend: Backend = {
  name: "postgres",
  async fresh() {
    return (await testPostgres()).createDatabase();
  },
  async exec(store, sql) {
    await (store as PostgresStore).query(sql);
  },
  async rows(store, sql) {
    return (store as PostgresStore).query(sql);
  },
};

export const BACKENDS: Backend[] = [sqliteBackend, postgresBackend];
