// The backend registry: a backend is one folder and one registration; a scheme has one backend; and
// a backend's modules (and its driver) load only when a URI of its scheme is opened.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { EventEmitter } from "events";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendFor, backendOf, openStore, openTail, registerBackend, registeredBackends } from "./registry";
import { StoreError } from "../track/errors";
import type { Store } from "../track/types";
import type { StoreBackend, Tail } from "./types";

/** What the probe prints: the backend modules and drivers its process has loaded ("pg", "sqlite/store"). */
function backendModulesLoaded(): void {
  const names = Object.keys(require.cache).map((f) => {
    const m = /[\\/]node_modules[\\/](pg|better-sqlite3)[\\/]/.exec(f) ??
      /[\\/]src[\\/]store[\\/]((?:sqlite|postgres|mlflow)[\\/](?:store|tail|studies|rest))\.js$/.exec(f);
    return m ? m[1].replace(/\\/g, "/") : null;
  });
  process.stdout.write(JSON.stringify([...new Set(names.filter(Boolean))].sort()));
}

/** The backend modules and drivers a fresh process has loaded after running `script`. */
function loadedBy(script: string): string[] {
  const r = spawnSync(process.execPath, ["-e", `${script};\n(${backendModulesLoaded})()`], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("importing the library's track entry (or src/store) loads no backend: neither pg, better-sqlite3 nor the MLflow store", () => {
  assert.deepEqual(loadedBy(`require(${JSON.stringify(require.resolve("../track"))})`), []);
  assert.deepEqual(loadedBy(`require(${JSON.stringify(require.resolve("./index"))})`), []);
});

test("opening a SQLite store loads SQLite's modules only, not pg nor the MLflow store", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-lazy-")), "store.db");
  const loaded = loadedBy(`require(${JSON.stringify(require.resolve("../track"))}).openStore("sqlite://${file}")`);
  assert.deepEqual(loaded, ["better-sqlite3", "sqlite/store"]);
});

test("a scheme already served by a backend is refused, naming that backend; registering the same backend again changes nothing", () => {
  const before = registeredBackends().length;
  const sqlite = backendFor("sqlite:///x.db");
  registerBackend(sqlite);
  assert.equal(registeredBackends().length, before);
  const impostor = { ...sqlite, name: "Impostor", schemes: ["impostor", "sqlite"] };
  assert.throws(() => registerBackend(impostor), (e: unknown) =>
    e instanceof StoreError && e.message === "store URI scheme 'sqlite' is already served by the SQLite backend");
  // Refused as a whole: none of its schemes was taken.
  assert.throws(() => backendFor("impostor://x"), /store URI scheme 'impostor' has no backend/);
  assert.equal(backendFor("sqlite:///x.db"), sqlite);
  assert.equal(registeredBackends().length, before);
});

test("every folder under src/store/ is one registered backend, and a new backend needs nothing but its registration", async () => {
  const folders = fs.readdirSync(__dirname, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(__dirname, d.name, "index.js"))).map((d) => d.name).sort();
  assert.deepEqual(folders, ["mlflow", "postgres", "sqlite"]);
  assert.deepEqual(registeredBackends().map((b) => b.name).sort(), ["MLflow", "PostgreSQL", "SQLite"]);

  // A backend the rest of the code has never heard of: once registered, the registry's callers
  // (tracker, run, study, the kernel's sidebar) reach it by its URI alone.
  const finished: string[] = [];
  const memory: StoreBackend = {
    name: "Memory",
    schemes: ["memory"],
    example: "memory://name",
    openStore: (uri) => ({ uri }) as Store,
    openTail: (uri) => Object.assign(new EventEmitter(), { watched: new Set<string>(), reader: { uri } as Store, start() {}, stop() {} }) as Tail,
    openStudyStorage: () => {
      throw new Error("no studies in memory");
    },
    finishSync: (_store, _batch, end) => void finished.push(end.id),
    address: (store) => store.uri,
  };
  registerBackend(memory);
  const store = openStore("memory://a");
  assert.equal(store.uri, "memory://a");
  assert.equal(backendOf(store), memory);
  assert.equal(openTail("memory://a").reader.uri, "memory://a");
  backendOf(store).finishSync(store, null, { id: "r1", status: "finished", endedAt: 0, error: null });
  assert.deepEqual(finished, ["r1"]);
  assert.throws(() => openStore("nosuch://x"), /store URI scheme 'nosuch' has no backend: use one of .*memory:\/\/name/);
});
