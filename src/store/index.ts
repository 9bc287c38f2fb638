// Where runs and studies are kept: the backend registry (by URI scheme), one folder per backend
// (sqlite/, postgres/, mlflow/: store, tail, study storage, schema), where the default store lives,
// and copying a store from SQLite to PostgreSQL.
export { registerBackend, registeredBackends, backendFor, backendOf, openStore, openTail } from "./registry";
export type { StoreBackend, Tail, RunEnd } from "./types";
export { projectRoot, storeUri, sqlitePath, StoreUriError } from "./location";
export { SqliteStore } from "./sqlite/store";
export { StoreTail } from "./sqlite/tail";
export { PostgresStore } from "./postgres/store";
export { PgTail } from "./postgres/tail";
export { MlflowStore } from "./mlflow/store";
export { MlflowTail } from "./mlflow/tail";
export { migrateStore, type MigrateStats } from "./migrate";
