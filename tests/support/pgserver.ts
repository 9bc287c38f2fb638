// A throw-away PostgreSQL server for tests and benchmarks: initdb into a temporary folder, postgres
// on 127.0.0.1 and a free port (as the `postgres` OS user when run as root: postgres refuses root),
// one fresh database, and everything removed by stop(). With MODELBENCH_TEST_PG=postgres://… set, an
// existing server is used instead and only a fresh database is created (and dropped) on it.
import { execFileSync, spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import { freePort } from "./ports";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";

export interface TestPostgres {
  /** postgres://… of the fresh database. */
  url: string;
  /** Another fresh database on the same server. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** A PostgreSQL program (initdb, postgres) from PATH, else from Debian's /usr/lib/postgresql/<newest>/bin. */
export function postgresBin(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  const base = "/usr/lib/postgresql";
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, "bin", name))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length) return path.join(base, versions[0], "bin", name);
  throw new Error(`PostgreSQL's ${name} is not installed: run \`node scripts/setup.mjs --for-tests\` as root, or apt-get install postgresql`);
}


async function waitReady(url: string, child: ChildProcess | null, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}: ${log()}`);
    const c = new Client({ connectionString: url });
    c.on("error", () => {});
    try {
      await c.connect();
      await c.end();
      return;
    } catch (e) {
      await c.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 60 s (${(e as Error).message}): ${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

let counter = 0;

async function databaseOn(adminUrl: string): Promise<string> {
  const name = `mb_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const shared = process.env.MODELBENCH_TEST_PG;
  if (shared) {
    const made: string[] = [];
    const createDatabase = async () => {
      const url = await databaseOn(shared);
      made.push(url);
      return url;
    };
    const url = await createDatabase();
    return {
      url,
      createDatabase,
      async stop() {
        const c = new Client({ connectionString: shared });
        await c.connect();
        for (const u of made) await c.query(`DROP DATABASE IF EXISTS ${new URL(u).pathname.slice(1)} WITH (FORCE)`).catch(() => {});
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-pg-"));
  const ids: { uid?: number; gid?: number } = {};
  if (process.getuid?.() === 0) {
    ids.uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    ids.gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    fs.chownSync(dir, ids.uid, ids.gid);
  }
  const data = path.join(dir, "data");
  const env = { ...process.env, LC_ALL: "C", HOME: dir };
  try {
    execFileSync(postgresBin("initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], { ...ids, env, cwd: dir, stdio: "pipe" });
  } catch (e: any) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${e.stderr?.toString() ?? e.message}`);
  }
  const port = await freePort();
  // fsync off: a test server's data is thrown away, and the machine is shared.
  const child = spawn(
    postgresBin("postgres"),
    ["-D", data, "-h", "127.0.0.1", "-p", String(port), "-k", dir, "-c", "fsync=off", "-c", "max_connections=200", "-c", "shared_buffers=32MB"],
    { ...ids, env, cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr!.on("data", (d) => (log = (log + d).slice(-4000)));
  const killAtExit = () => child.kill("SIGQUIT");
  process.on("exit", killAtExit);
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitReady(admin, child, () => log);
  } catch (e) {
    child.kill("SIGQUIT");
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: await databaseOn(admin),
    createDatabase: () => databaseOn(admin),
    async stop() {
      process.off("exit", killAtExit);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGINT"); // fast shutdown: ends sessions, no waiting for clients
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
