// The shared backend: PostgreSQL (postgres://user:password@host:5432/database), for a team and for
// sweep workers on several machines. Its modules (and `pg`) load on first use.
import type { StoreBackend } from "../types";
import type { Store } from "../../track/types";
import type * as StoreModule from "./store";
import type * as TailModule from "./tail";
import type * as StudiesModule from "./studies";

/* eslint-disable @typescript-eslint/no-var-requires */
const impl = () => require("./store") as typeof StoreModule;
const own = (store: Store) => store as StoreModule.PostgresStore;

export const postgresBackend: StoreBackend = {
  name: "PostgreSQL",
  schemes: ["postgres", "postgresql"],
  example: "postgres://user@host:5432/database",
  openStore: (uri) => new (impl().PostgresStore)(uri),
  openTail: (uri) => new (require("./tail") as typeof TailModule).PgTail(uri),
  openStudyStorage: (store) => new (require("./studies") as typeof StudiesModule).PgStudyStorage(own(store)),
  finishSync: (store, batch, end) => own(store).finishSync(batch, end.id, end.status, end.endedAt, end.error),
  // A PostgreSQL store's `uri` hides the password; workers need the full URL.
  address: (store) => own(store).url,
};
