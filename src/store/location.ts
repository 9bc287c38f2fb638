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
  return env.MODELBENCH_STORE || `sqlite://${path.join(projectRoot(from), ".modelbench", "store.db")}`;
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
