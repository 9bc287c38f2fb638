// Where runs and studies are kept: the backend registry (by URI scheme), one folder per backend
// (sqlite/, postgres/, mlflow/: store, tail, study storage, schema), where the default store lives,
// and copying a store from SQLite to PostgreSQL. Importing it loads no backend.
export { registerBackend, registeredBackends, backendFor, backendOf, openStore, openTail } from "./registry";
export type { StoreBackend, Tail, RunEnd } from "./types";
export { projectRoot, storeUri, sqlitePath, StoreUriError } from "./location";
export { migrateStore, type MigrateStats } from "./migrate";
// No backend's classes here: a backend's modules (and its driver) load when a URI of its scheme is
// opened. Code that needs one by name imports it from its folder (src/store/sqlite/store).
