// The embedded default backend: one SQLite file per project (sqlite:///path/to/store.db). Its
// modules load on first use, so a process that talks to another backend never loads better-sqlite3.
import type { StoreBackend } from "../types";
import type { Batch, Store } from "../../track/types";
import { sqlitePath } from "../location";
import type * as StoreModule from "./store";
import type * as TailModule from "./tail";
import type * as StudiesModule from "./studies";

/* eslint-disable @typescript-eslint/no-var-requires */
const impl = () => require("./store") as typeof StoreModule;
const own = (store: Store) => store as StoreModule.SqliteStore;

export const sqliteBackend: StoreBackend = {
  name: "SQLite",
  schemes: ["sqlite"],
  example: "sqlite:///path/to/store.db",
  openStore: (uri) => new (impl().SqliteStore)(sqlitePath(uri)),
  openTail: (uri) => new (require("./tail") as typeof TailModule).StoreTail(sqlitePath(uri)),
  openStudyStorage: (store) => new (require("./studies") as typeof StudiesModule).SqliteStudyStorage(own(store)),
  finishSync: (store, batch, end) => own(store).finishSync(batch, end.id, end.status, end.endedAt, end.error),
  writeBatchSync: (store: Store, batch: Batch) => own(store).writeBatchSync(batch),
  address: (store) => store.uri,
};
