// The store backends, keyed by URI scheme. Callers ask here for a store, a tail or a study storage
// by URI (or for the backend of a store they hold) and never name a backend themselves.
import { StoreError } from "../track/errors";
import type { Store } from "../track/types";
import type { StoreBackend, Tail } from "./types";
import { sqliteBackend } from "./sqlite";
import { postgresBackend } from "./postgres";
import { mlflowBackend } from "./mlflow";

const backends: StoreBackend[] = [];
const byScheme = new Map<string, StoreBackend>();

/** Makes a backend available under its schemes (a scheme already taken is an error, not a silent swap). */
export function registerBackend(backend: StoreBackend): void {
  for (const scheme of backend.schemes) {
    const taken = byScheme.get(scheme);
    if (taken && taken !== backend) throw new StoreError(`store URI scheme '${scheme}' is already served by the ${taken.name} backend`);
  }
  for (const scheme of backend.schemes) byScheme.set(scheme, backend);
  if (!backends.includes(backend)) backends.push(backend);
}

registerBackend(sqliteBackend);
registerBackend(postgresBackend);
registerBackend(mlflowBackend);

export function registeredBackends(): readonly StoreBackend[] {
  return backends;
}

/** The scheme of a URI: what comes before "://" ("mlflow+http" for mlflow+http://host:port). */
function schemeOf(uri: string): string | null {
  return /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(uri)?.[1]?.toLowerCase() ?? null;
}

/** The backend that serves `uri` (a URI, or a store's `uri`); a StoreError naming the known ones otherwise. */
export function backendFor(uri: string): StoreBackend {
  const scheme = schemeOf(uri);
  const backend = scheme ? byScheme.get(scheme) : undefined;
  if (backend) return backend;
  const known = backends.map((b) => b.example).join(", ");
  throw new StoreError(
    scheme
      ? `store URI scheme '${scheme}' has no backend: use one of ${known}`
      : `'${uri}' is not a store URI: use one of ${known} (or unset MODELBENCH_STORE for the default)`,
  );
}

/** The backend a store was opened by. */
export function backendOf(store: Store): StoreBackend {
  return backendFor(store.uri);
}

/** Opens a store by URI: `sqlite:///path`, `postgres://user@host:port/db` or `mlflow+http://host:port`. */
export function openStore(uri: string): Store {
  return backendFor(uri).openStore(uri);
}

/** A tail of the store at `uri`: LISTEN/NOTIFY on PostgreSQL, a cheap poll on SQLite, runs/search every second on MLflow. */
export function openTail(uri: string): Tail {
  return backendFor(uri).openTail(uri);
}
