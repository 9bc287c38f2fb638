// Concurrent writers: N processes each log P points into one store at once, through the ordinary
// tracking API (run.log in a loop that yields now and then, so batches are written behind it), then
// end their runs. Reports points/s over the wall time from the first start to the last end, checks
// that the store holds every point (zero loss), and — on PostgreSQL — how long after a batch was
// logged its points reached a LISTEN/NOTIFY subscriber.
//
//   node bench/track/writers.mjs [--writers N] [--points N]      (standalone; bench.mjs also runs it)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { wholeNumberOption } from "../lib/options.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

const writerScript = (uri, points) => `
process.env.MODELBENCH_STORE = ${JSON.stringify(uri)};
const t = require(${JSON.stringify(join(root, "dist", "src", "track", "index.js"))});
(async () => {
  const run = await t.startRun({ name: "writer-" + process.pid, tags: ["bench"] });
  process.stdout.write("ready " + run.id + "\\n");
  await new Promise((r) => process.stdin.once("data", r));
  for (let i = 0; i < ${points}; i++) {
    run.log({ loss: 1 / (i + 1), acc: i / ${points} }, { step: i });
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r)); // a training step's await
  }
  await run.end();
  process.stdout.write("done\\n");
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });`;

/** Runs the workload against `uri`; `pgTail` (a PgTail class) measures notification latency on PostgreSQL. */
export async function concurrentWriters(uri, { writers = 8, points = 100_000, PgTail = null, log = () => {} } = {}) {
  const children = Array.from({ length: writers }, () => spawn(process.execPath, ["-e", writerScript(uri, points)], { stdio: ["pipe", "pipe", "inherit"] }));
  const ids = await Promise.all(children.map((c) => new Promise((res, rej) => {
    let out = "";
    c.stdout.on("data", (d) => {
      out += d;
      const m = /ready (\S+)\n/.exec(out);
      if (m) res(m[1]);
    });
    c.on("exit", (code) => rej(new Error(`a writer exited with ${code} before it started`)));
  })));
  let tail = null;
  const latencies = [];
  if (PgTail) {
    tail = new PgTail(uri);
    for (const id of ids) tail.watched.add(id);
    await tail.start();
    tail.on("points", (evs) => {
      const now = Date.now();
      // The newest point of a batch was logged just before the batch was written.
      for (const e of evs) if (e.key === "loss" && e.ts.length) latencies.push(now - Math.max(...e.ts));
    });
  }
  log(`${writers} writers × ${points} steps × 2 metrics into ${uri.replace(/:[^:@/]*@/, ":***@")}`);
  const t0 = performance.now();
  const ended = children.map((c) => new Promise((res, rej) => c.on("exit", (code) => (code === 0 ? res() : rej(new Error(`a writer exited with ${code}`))))));
  for (const c of children) c.stdin.end("go\n");
  await Promise.all(ended);
  const wallMs = performance.now() - t0;
  const t = require(join(root, "dist", "src", "track", "index.js"));
  const idle = [];
  if (tail) {
    await tail.drain();
    // With nothing else running: one batch written, until the subscriber has its points.
    const st = t.openStore(uri);
    for (let i = 0; i < 20; i++) {
      const got = new Promise((r) => tail.once("points", r));
      const a = performance.now();
      await st.writeBatch({ runId: ids[0], params: [], series: [{ key: "probe", steps: [i], values: [i], ts: [Date.now()] }] });
      const b = performance.now();
      await got;
      idle.push({ writeMs: b - a, eventMs: performance.now() - a });
    }
    await st.close();
    tail.stop();
  }
  const st = t.openStore(uri);
  const runs = await st.listRuns({ ids });
  await st.close();
  const expected = writers * points * 2;
  const med = (xs) => (xs.length ? [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] : null);
  const stored = runs.reduce((n, r) => n + (r.metrics.loss?.count ?? 0) + (r.metrics.acc?.count ?? 0), 0);
  const finished = runs.filter((r) => r.status === "finished").length;
  const sorted = latencies.sort((a, b) => a - b);
  const q = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null);
  return {
    writers, pointsPerWriter: points * 2, expected, stored, lost: expected - stored, finished, wallMs,
    pointsPerS: stored / (wallMs / 1000),
    notify: PgTail ? {
      events: sorted.length, medianMs: q(0.5), p95Ms: q(0.95),
      idleWriteMedianMs: med(idle.map((x) => x.writeMs)), idleEventMedianMs: med(idle.map((x) => x.eventMs)),
    } : null,
  };
}

/** Both backends, with a throw-away PostgreSQL server (or MODELBENCH_TEST_PG). */
export async function benchWriters({ writers, points, log }) {
  const { startTestPostgres } = require(join(root, "dist", "tests", "support", "pgserver.js"));
  const { PgTail } = require(join(root, "dist", "src", "store", "postgres", "tail.js"));
  const dir = mkdtempSync(join(os.tmpdir(), "modelbench-bench-writers-"));
  const out = {};
  try {
    out.sqlite = await concurrentWriters(`sqlite://${join(dir, "store.db")}`, { writers, points, log });
    const server = await startTestPostgres();
    try {
      out.postgres = await concurrentWriters(server.url, { writers, points, PgTail, log });
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const writers = wholeNumberOption("track", "writers", 8, argv);
  const points = wholeNumberOption("track", "points", 100_000, argv);
  const r = await benchWriters({ writers, points, log: (m) => process.stderr.write(`[bench/track] ${m}\n`) });
  console.log(JSON.stringify(r, null, 2));
}
