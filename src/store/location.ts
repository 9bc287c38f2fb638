// Where the project's store lives: MODELBENCH_STORE if set, else .modelbench/ at the project root.
import * as fs from "fs";
import * as path from "path";

export class StoreUriError extends Error {}

/** The nearest directory at or above `from` that holds .modelbench/, .git or package.json. */
export function projectRoot(from = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    for (const marker of [".modelbench", ".git", "package.json"]) {
      if (fs.existsSync(path.join(dir, marker))) return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(from);
    dir = up;
  }
}

export function storeUri(from = process.cwd(), env = process.env): string {
  return env.MODELBENCH_STORE || sqliteUri(path.join(projectRoot(from), ".modelbench", "store.db"));
}

/** The URI of the SQLite store in `file`. */
export function sqliteUri(file: string): string {
  return `sqlite://${path.resolve(file)}`;
}

/**
 * The SQLite file that keeps the kernel's input history: the store's own file when the store is
 * SQLite, else the project's default file (the history stays local when runs go to a server).
 */
export function historyFile(uri = storeUri(), from = process.cwd()): string {
  return uri.startsWith("sqlite://") ? sqlitePath(uri, from) : sqlitePath(storeUri(from, {}), from);
}

/** The file of a sqlite:// URI (sqlite:///abs/path or sqlite://relative/path). */
export function sqlitePath(uri: string, from = process.cwd()): string {
  const m = /^sqlite:\/\/(.+)$/.exec(uri);
  if (!m) {
    throw new StoreUriError(
      `store '${uri}' is not a SQLite URI: use sqlite:///absolute/path.db (or unset MODELBENCH_STORE for the default)`,
    );
  }
  return path.resolve(from, m[1]);
}
