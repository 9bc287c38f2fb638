// What a store backend provides, whichever it is: the seam between the tracking and tuning code
// (which never names a backend) and the backends under src/store/<name>/.
import type { EventEmitter } from "events";
import type { Batch, RunStatus, Store } from "../track/types";
import type { StudyStorage } from "../tune/storage";

/**
 * Follows a store as other processes write to it: what the kernel's sidebar needs, whichever the
 * backend. Events: "runs" (RunSummary[] that changed), "points" (PointsEvent[]), "media"
 * (MediaEvent[]) and "output" (OutputEvent[]) of watched runs, "registry" (no payload), "error".
 */
export interface Tail extends EventEmitter {
  /** Runs whose new points are reported in "points" events. */
  readonly watched: Set<string>;
  /** The store it reads, for answering questions about what it reports. */
  readonly reader: Store;
  start(): void | Promise<void>;
  stop(): void;
}

/** A run's end, as written at process exit. */
export interface RunEnd {
  id: string;
  status: Exclude<RunStatus, "running">;
  endedAt: number;
  error: string | null;
}

/**
 * One store backend, registered under its URI schemes (as MLflow's TrackingStoreRegistry and
 * Optuna's storages). Adding a backend is adding a folder with one of these and one line in
 * src/store/registry.ts.
 */
export interface StoreBackend {
  /** For messages: "SQLite", "PostgreSQL", "MLflow". */
  readonly name: string;
  /** The URI schemes it serves, the part before "://": ["sqlite"], ["postgres", "postgresql"]. */
  readonly schemes: readonly string[];
  /** A URI to show users, e.g. "sqlite:///path/to/store.db". */
  readonly example: string;
  openStore(uri: string): Store;
  openTail(uri: string): Tail;
  /** Where studies live in this store; a backend without studies throws a StudyError that says which have them. */
  openStudyStorage(store: Store): StudyStorage;
  /**
   * At process exit there is no event loop left: writes the run's last batch and its end before
   * this returns.
   */
  finishSync(store: Store, batch: Batch | null, end: RunEnd): void;
  /**
   * Writes a batch before returning, for a tight synchronous loop that never lets a timer fire.
   * Absent when the backend cannot (a network store): the batch then waits for the loop to yield.
   */
  writeBatchSync?(store: Store, batch: Batch): void;
  /** The address another process (a sweep worker) opens this store by: the URI with any password. */
  address(store: Store): string;
}
