// The interop backend: a live store on an MLflow tracking server (mlflow+http://host:port), so the
// MLflow UI and its clients read the runs. MLflow keeps no studies.
import type { StoreBackend } from "../types";
import type { Store } from "../../track/types";
import { StudyError } from "../../tune/storage";
import type * as StoreModule from "./store";
import type * as TailModule from "./tail";

/* eslint-disable @typescript-eslint/no-var-requires */
const impl = () => require("./store") as typeof StoreModule;
const own = (store: Store) => store as StoreModule.MlflowStore;

export const mlflowBackend: StoreBackend = {
  name: "MLflow",
  schemes: ["mlflow+http", "mlflow+https"],
  example: "mlflow+http://host:port",
  openStore: (uri) => new (impl().MlflowStore)(uri),
  openTail: (uri) => new (require("./tail") as typeof TailModule).MlflowTail(uri),
  openStudyStorage: (store) => {
    throw new StudyError(
      `studies need a SQLite or PostgreSQL store, not ${store.uri}: MLflow keeps no trials; sweep into sqlite:///… or postgres://… (\`%store\` switches) and export the runs to MLflow afterwards`,
    );
  },
  finishSync: (store, batch, end) => own(store).finishSync(batch, end.id, end.status, end.endedAt, end.error),
  address: (store) => store.uri,
};
