// The PostgreSQL server the store tests start (throw-away, on 127.0.0.1): as root (CI, these
// machines) Debian's postgresql is installed when its binaries are missing.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

function hasPostgres() {
  if (spawnSync("sh", ["-c", "command -v initdb && command -v postgres"], { stdio: "ignore" }).status === 0) return true;
  try {
    return readdirSync("/usr/lib/postgresql").some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  } catch {
    return false;
  }
}

export function setupPostgres() {
  if (hasPostgres()) return;
  if (process.getuid?.() !== 0) {
    console.warn("[setup] PostgreSQL is missing: the PostgreSQL store tests need it (sudo apt-get install postgresql)");
    return;
  }
  console.log("[setup] installing Debian's postgresql for the PostgreSQL store tests (apt-get)");
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", "--no-install-recommends", "postgresql"]]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${r.status}): install postgresql by hand`);
  }
}
