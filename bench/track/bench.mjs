// Experiment-tracking benchmark: what log() costs in a hot loop, how many points per second reach
// SQLite, how long a %runs listing takes over a big store, and the same logging workload through
// MLflow's Python client on a SQLite backend (bench/track/mlflow_bench.py, in .venv-bench).
//
//   node bench/track/bench.mjs [--calls N] [--runs N] [--mlflow-points N] [--mlflow-single N] [--no-mlflow]
//                              [--writers N] [--writer-steps N] [--no-writers] [--keep]
//
// Run from anywhere (paths are taken from this file); it uses the built library in dist/, so build first
// (`npm run build`). Prints a Markdown table on stdout, progress on stderr, and writes every raw
// number to bench/results/track.json. It measures and reports; it asserts nothing about time.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { wholeNumberOption } from "../lib/options.mjs";
import { setupMlflow } from "../../scripts/setup-mlflow.mjs";
import { benchWriters } from "./writers.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

// ---- options ---------------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const opt = (name, dflt) => wholeNumberOption("track", name, dflt, argv);
const CALLS = opt("calls", 1_000_000); // log() calls per logging measurement
const RUNS = opt("runs", 10_000); // runs in the listing store
const PARAMS_PER_RUN = 5, METRICS_PER_RUN = 4, POINTS_PER_METRIC = 25; // 10,000 runs → 1,000,000 points
const MLFLOW_POINTS = opt("mlflow-points", 50_000); // points per MLflow log_batch variant (~4,600/s here)
const MLFLOW_SINGLE = opt("mlflow-single", 2_000); // points through mlflow.log_metric (~65/s here)
const WITH_MLFLOW = !argv.includes("--no-mlflow");
const WRITERS = opt("writers", 8); // concurrent writer processes, on SQLite and PostgreSQL
const WRITER_POINTS = opt("writer-steps", 100_000); // steps per writer (2 metrics each)
const WITH_WRITERS = !argv.includes("--no-writers");
const KEEP = argv.includes("--keep");
const FILTER = "metrics.f1 > 0.5 and params.C < 10";
const SORT = "-metrics.f1";
const REPEATS = 5;

const log = (msg) => process.stderr.write(`[bench/track] ${msg}\n`);

const distTrack = join(root, "dist", "src", "track", "index.js");
if (!existsSync(distTrack)) {
  console.error(`bench/track: ${distTrack} not found: build first (npm run build)`);
  process.exit(1);
}
const t = require(distTrack);
const { MIME } = require(join(root, "dist", "src", "display", "index.js"));

const tmpRoot = mkdtempSync(join(os.tmpdir(), "modelbench-bench-track-"));
const freshStore = async (name) => {
  const dir = join(tmpRoot, name);
  mkdirSync(dir, { recursive: true });
  return t.useStore(`sqlite://${join(dir, "store.db")}`);
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const storedPoints = (st, runId) =>
  st.db.prepare("SELECT COALESCE(SUM(n), 0) AS n FROM metric_chunks WHERE run_id = ? AND key NOT LIKE 'system/%'").get(runId).n;
const problems = [];

// ---- a, b: log() in a hot loop, then the final flush ------------------------------------------------
/** `variant` picks the call: run.log with 1 or 3 metrics, or the module-level t.log. */
async function logLoop(variant, calls) {
  const st = await freshStore(`log-${variant}-${calls}`);
  const run = await t.startRun({ name: `bench-${variant}`, params: { variant, calls }, tags: ["bench"] });
  const t0 = performance.now();
  if (variant === "run.log-1") {
    for (let i = 0; i < calls; i++) run.log({ loss: 1 / (i + 1) });
  } else if (variant === "t.log-1") {
    for (let i = 0; i < calls; i++) t.log({ loss: 1 / (i + 1) });
  } else {
    for (let i = 0; i < calls; i++) run.log({ loss: 1 / (i + 1), acc: 1 - 1 / (i + 2), lr: 0.1 * 0.99999 ** i });
  }
  const loopMs = performance.now() - t0;
  const t1 = performance.now();
  await run.flush();
  const flushMs = performance.now() - t1;
  await run.end();
  const points = calls * (variant === "run.log-3" ? 3 : 1);
  const stored = storedPoints(st, run.id);
  if (stored !== points) problems.push(`${variant}: logged ${points} points but ${stored} are in the store`);
  const dbBytes = statSync(st.file).size + (existsSync(`${st.file}-wal`) ? statSync(`${st.file}-wal`).size : 0);
  await st.close();
  return {
    variant, calls, points, stored, loopMs, flushMs,
    nsPerCall: (loopMs * 1e6) / calls,
    nsPerPoint: (loopMs * 1e6) / points,
    pointsPerS: points / ((loopMs + flushMs) / 1000),
    dbBytes,
  };
}

// ---- c: %runs over 10,000 runs and 1,000,000 points -----------------------------------------------
function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

async function buildListingStore() {
  const st = await freshStore("listing");
  const rand = mulberry32(42);
  const env = t.captureEnvironment(root);
  const source = "const model = new LogisticRegression({ C, penalty });\nmodel.fit(X, y);\nlog({ f1: f1(y, model.predict(X)) });\n";
  const git = { commit: "0123456789abcdef0123456789abcdef01234567", branch: "main", dirty: false, diff: null };
  const host = os.hostname();
  const base = Date.now() - RUNS * 60_000;
  const steps = Array.from({ length: POINTS_PER_METRIC }, (_, i) => i);
  const build = st.db.transaction(() => {
    for (let r = 0; r < RUNS; r++) {
      const id = randomUUID();
      const startedAt = base + r * 60_000;
      const C = 10 ** (rand() * 6 - 3); // 0.001 … 1000, log-uniform
      const final = 0.3 + 0.6 * rand(); // final f1
      const ts = steps.map((s) => startedAt + s * 1000);
      const curve = (end, from) => steps.map((s) => from + (end - from) * (1 - Math.exp(-s / 6)) + (rand() - 0.5) * 0.01);
      // createRun/endRun are async only by interface: on SQLite they write at once, inside this transaction.
      st.createRun({
        id, name: `sweep-${r}`, project: "bench", parentId: null, tags: r % 3 ? ["sweep"] : ["sweep", "lr"], notes: null,
        startedAt, pid: process.pid, host, seed: r, source, notebook: null, notebookPath: null, git, env,
      });
      st.writeBatchSync({
        runId: id,
        series: [
          { key: "f1", steps, values: curve(final, 0.1), ts },
          { key: "accuracy", steps, values: curve(Math.min(0.99, final + 0.05), 0.5), ts },
          { key: "auc", steps, values: curve(Math.min(0.99, final + 0.1), 0.5), ts },
          { key: "loss", steps, values: curve(0.2 + (1 - final) * 0.5, 1.5), ts },
        ],
        params: [["C", C], ["penalty", rand() < 0.5 ? "l1" : "l2"], ["max_iter", [100, 200, 500][r % 3]], ["solver", "saga"], ["seed", r]],
      });
      st.endRun(id, "finished", startedAt + 5_000 + Math.floor(rand() * 55_000), null);
    }
  });
  const t0 = performance.now();
  build();
  const buildMs = performance.now() - t0;
  const counts = st.db.prepare(`SELECT (SELECT COUNT(*) FROM runs) AS runs, (SELECT COUNT(*) FROM params) AS params,
    (SELECT COALESCE(SUM(n), 0) FROM metric_chunks) AS points, (SELECT COUNT(*) FROM metric_summary) AS summaries`).get();
  const want = RUNS * METRICS_PER_RUN * POINTS_PER_METRIC;
  if (counts.runs !== RUNS || counts.points !== want || counts.params !== RUNS * PARAMS_PER_RUN) {
    problems.push(`listing store: expected ${RUNS} runs / ${want} points / ${RUNS * PARAMS_PER_RUN} params, found ${JSON.stringify(counts)}`);
  }
  st.db.pragma("wal_checkpoint(TRUNCATE)");
  await st.close();
  return { file: st.file, buildMs, counts, dbBytes: statSync(st.file).size };
}

async function timeListing(options, label) {
  const first = [], times = [], render = [];
  let table;
  // The first call after opening: the state of a kernel that just started (OS file cache warm).
  const t0 = performance.now();
  table = await t.listRuns(options);
  first.push(performance.now() - t0);
  for (let i = 0; i < REPEATS; i++) {
    const a = performance.now();
    table = await t.listRuns(options);
    const b = performance.now();
    table[MIME](); // what %runs shows: the HTML and text bundle
    render.push(performance.now() - b);
    times.push(b - a);
  }
  // Where the time goes: the store's read of every run (SQL + records), the filter, the sort.
  const read = [], filter = [], sort = [];
  for (let i = 0; i < REPEATS; i++) {
    const a = performance.now();
    let runs = await t.store().listRuns({});
    const b = performance.now();
    runs = runs.filter(t.parseFilter(options.where ?? ""));
    const c = performance.now();
    if (options.sort) runs = t.sortRuns(runs, options.sort);
    const d = performance.now();
    read.push(b - a), filter.push(c - b), sort.push(d - c);
  }
  const breakdown = { storeReadMs: median(read), filterMs: median(filter), sortMs: median(sort) };
  log(`${label}: ${table.runs.length} of ${table.total} runs, median ${median(times).toFixed(1)} ms ` +
    `(store read ${breakdown.storeReadMs.toFixed(0)}, filter ${breakdown.filterMs.toFixed(0)}, sort ${breakdown.sortMs.toFixed(0)})`);
  return {
    options, shown: table.runs.length, matched: table.total, firstMs: first[0], timesMs: times, medianMs: median(times), breakdown,
    renderMedianMs: median(render), topRun: table.runs[0] ? { name: table.runs[0].name, f1: table.runs[0].metrics.f1?.last } : null,
  };
}

// ---- d: MLflow in .venv-bench ---------------------------------------------------------------------
const venvPython = join(root, ".venv-bench", "bin", "python");

function runMlflow() {
  const venvInfo = setupMlflow(root, log);
  if (venvInfo.error) return { venv: venvInfo, error: venvInfo.error };
  const dir = join(tmpRoot, "mlflow");
  mkdirSync(dir, { recursive: true });
  log(`MLflow: log_batch ${MLFLOW_POINTS} points × (1 key, 3 keys), log_metric ${MLFLOW_SINGLE} points`);
  const r = spawnSync(venvPython, [join(root, "bench", "track", "mlflow_bench.py"), "--dir", dir,
    "--batch-points", String(MLFLOW_POINTS), "--single-points", String(MLFLOW_SINGLE)], {
    encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 600_000, maxBuffer: 16 * 2 ** 20,
  });
  if (r.status !== 0) return { venv: venvInfo, error: `mlflow_bench.py failed (exit ${r.status ?? r.signal}${r.error ? `: ${r.error.message}` : ""})` };
  try {
    const out = JSON.parse(r.stdout.trim().split("\n").pop());
    for (const k of ["log_batch_1", "log_batch_3", "log_metric"]) {
      if (out[k].stored !== out[k].points) problems.push(`MLflow ${k}: logged ${out[k].points} points but ${out[k].stored} are in mlflow.db`);
    }
    return { venv: venvInfo, ...out };
  } catch (e) {
    return { venv: venvInfo, error: `mlflow_bench.py printed no JSON: ${e.message}` };
  }
}

// ---- the run --------------------------------------------------------------------------------------
const started = performance.now();
const cmd = `node bench/track/bench.mjs${argv.length ? " " + argv.join(" ") : ""}`;
const Database = require(join(root, "node_modules", "better-sqlite3"));
const sqliteVersion = new Database(":memory:").prepare("SELECT sqlite_version() AS v").get().v;
const machine = {
  node: process.version, platform: `${process.platform}-${process.arch}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null,
  memoryGB: Math.round(os.totalmem() / 2 ** 30), sqlite: sqliteVersion, loadAvgAtStart: os.loadavg(),
  betterSqlite3: require(join(root, "node_modules", "better-sqlite3", "package.json")).version,
};

log(`warm-up: ${Math.min(CALLS, 200_000)} calls (not reported)`);
await logLoop("run.log-1", Math.min(CALLS, 200_000));
const logging = {};
for (const variant of ["run.log-1", "t.log-1", "run.log-3"]) {
  log(`${variant}: ${CALLS} calls`);
  logging[variant] = await logLoop(variant, CALLS);
  const r = logging[variant];
  log(`  ${r.nsPerCall.toFixed(0)} ns/call, flush ${r.flushMs.toFixed(1)} ms, ${(r.pointsPerS / 1e6).toFixed(2)} M points/s`);
}

log(`building the listing store: ${RUNS} runs × ${PARAMS_PER_RUN} params × ${METRICS_PER_RUN} metrics × ${POINTS_PER_METRIC} points`);
const listingStore = await buildListingStore();
log(`  built in ${(listingStore.buildMs / 1000).toFixed(1)} s, ${(listingStore.dbBytes / 2 ** 20).toFixed(1)} MB`);
await t.useStore(`sqlite://${listingStore.file}`);
const listing = {
  filtered: await timeListing({ where: FILTER, sort: SORT, limit: 20 }, `%runs ${FILTER} --sort ${SORT}`),
  default: await timeListing({ limit: 20 }, "%runs (default: newest 20)"),
};
await t.store().close();

const mlflow = WITH_MLFLOW ? runMlflow() : { error: "skipped (--no-mlflow)" };
let writers = null;
if (WITH_WRITERS) {
  try {
    writers = await benchWriters({ writers: WRITERS, points: WRITER_POINTS, log });
    for (const [backend, w] of Object.entries(writers)) if (w.lost) problems.push(`${backend}: ${w.lost} of ${w.expected} points from ${w.writers} writers are missing`);
  } catch (e) {
    writers = { error: String(e?.message ?? e) };
  }
}
const totalSeconds = (performance.now() - started) / 1000;
machine.loadAvgAtEnd = os.loadavg();

// ---- report ---------------------------------------------------------------------------------------
const mlOk = !mlflow.error;
const na = "n/a";
const int = (x) => Math.round(x).toLocaleString("en-US");
const ms = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const rate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(1));
const ratio = (a, b) => (b ? `${int(a / b)}×` : na);
const perPoint = (m) => `${int(m.us_per_point * 1000)} ns (${m.us_per_point.toFixed(0)} µs) per point (log_batch)`;
const L1 = logging["run.log-1"], G1 = logging["t.log-1"], L3 = logging["run.log-3"];
const mlName = mlOk ? `MLflow ${mlflow.mlflow}` : "MLflow";
const rows = [
  [`\`run.log({ loss })\`: ns per call (loop ÷ ${int(CALLS)} calls, inline batch writes included)`, `${L1.nsPerCall.toFixed(0)} ns`,
    mlOk ? perPoint(mlflow.log_batch_1) : na, ""],
  ["… final `await run.flush()`", `${ms(L1.flushMs)} ms`, "", ""],
  ["… sustained points/s into SQLite, 1 metric", rate(L1.pointsPerS), mlOk ? `${rate(mlflow.log_batch_1.points_per_s)} (log_batch ×1000)` : na,
    mlOk ? ratio(L1.pointsPerS, mlflow.log_batch_1.points_per_s) : na],
  ["`t.log({ loss })` (active run): ns per call", `${G1.nsPerCall.toFixed(0)} ns`, "", ""],
  ["… final flush / sustained points/s", `${ms(G1.flushMs)} ms / ${rate(G1.pointsPerS)}`, "", ""],
  ["`run.log({ loss, acc, lr })`: ns per call", `${L3.nsPerCall.toFixed(0)} ns (${L3.nsPerPoint.toFixed(0)} ns/point)`,
    mlOk ? perPoint(mlflow.log_batch_3) : na, ""],
  ["… final `await run.flush()`", `${ms(L3.flushMs)} ms`, "", ""],
  ["… sustained points/s into SQLite, 3 metrics", rate(L3.pointsPerS), mlOk ? `${rate(mlflow.log_batch_3.points_per_s)} (log_batch ×999)` : na,
    mlOk ? ratio(L3.pointsPerS, mlflow.log_batch_3.points_per_s) : na],
  ["one call per point: points/s (`run.log` vs `mlflow.log_metric`)", rate(L1.pointsPerS),
    mlOk ? `${rate(mlflow.log_metric.points_per_s)} (${int(mlflow.log_metric.us_per_point / 1000)} ms/call)` : na,
    mlOk ? ratio(L1.pointsPerS, mlflow.log_metric.points_per_s) : na],
  [`\`%runs ${FILTER} --sort ${SORT}\` (${int(RUNS)} runs, ${int(listingStore.counts.points)} points): median of ${REPEATS}`,
    `${ms(listing.filtered.medianMs)} ms (${int(listing.filtered.matched)} match)`, na, ""],
  ["… first call after opening the store / rendering the table", `${ms(listing.filtered.firstMs)} ms / ${ms(listing.filtered.renderMedianMs)} ms`, na, ""],
  ["… of which: store read of all runs / filter / sort (medians)",
    `${ms(listing.filtered.breakdown.storeReadMs)} / ${ms(listing.filtered.breakdown.filterMs)} / ${ms(listing.filtered.breakdown.sortMs)} ms`, na, ""],
  [`\`%runs\` default (newest 20 of ${int(RUNS)}): median of ${REPEATS}`, `${ms(listing.default.medianMs)} ms`, na, ""],
  ["… first call after opening the store / rendering the table", `${ms(listing.default.firstMs)} ms / ${ms(listing.default.renderMedianMs)} ms`, na, ""],
];
if (writers && !writers.error) {
  for (const [backend, w] of Object.entries(writers)) {
    rows.push([`${w.writers} writer processes at once into ${backend === "sqlite" ? "SQLite" : "PostgreSQL"}: points/s (all stored?)`,
      `${rate(w.pointsPerS)} (${int(w.stored)} of ${int(w.expected)}, ${w.lost ? `${int(w.lost)} LOST` : "zero loss"})`, na, ""]);
  }
  const n = writers.postgres?.notify;
  if (n) {
    rows.push(["… PostgreSQL LISTEN/NOTIFY: batch logged → subscriber has it, median / p95 (under load)", `${int(n.medianMs)} / ${int(n.p95Ms)} ms`, na, ""]);
    rows.push(["… one batch on an idle server: write committed / subscriber has it (medians)", `${ms(n.idleWriteMedianMs)} / ${ms(n.idleEventMedianMs)} ms`, na, ""]);
  }
} else if (writers?.error) problems.push(`concurrent writers: ${writers.error}`);
const headline = mlOk ? L1.pointsPerS / mlflow.log_batch_1.points_per_s : null;

const out = [];
out.push(`# Experiment tracking: modelbench vs MLflow`, "");
out.push(`Reproduce: \`${cmd}\` (from the repository root; MLflow runs in .venv-bench, made from requirements-bench.txt)`, "");
out.push(`Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}, SQLite ${machine.sqlite} (better-sqlite3 ${machine.betterSqlite3})` +
  (mlOk ? `; Python ${mlflow.python}, SQLite ${mlflow.sqlite}, SQLAlchemy ${mlflow.sqlalchemy}` : ""), "");
const load = machine.loadAvgAtStart[0];
if (load > 0.5) out.push(`Note: load average ${load.toFixed(2)} when the bench started (${machine.cpus} cores): other processes were running, so times are inflated.`, "");
out.push(`| measurement | modelbench | ${mlName} | modelbench / MLflow |`, "|---|---|---|---|");
for (const r of rows) out.push(`| ${r.join(" | ")} |`);
out.push("");
out.push(headline !== null
  ? `**modelbench / MLflow log_batch throughput: ${int(headline)}×** (target ≥ 10×; 1 metric, points/s end to end into SQLite).`
  : `**modelbench / MLflow log_batch throughput: n/a** — ${mlflow.error}`);
out.push(`%runs target: under 200 ms — filtered ${ms(listing.filtered.medianMs)} ms, default ${ms(listing.default.medianMs)} ms.`);
if (mlOk) {
  out.push(`MLflow workload: log_batch ${int(mlflow.log_batch_1.points)} points (1 key) and ${int(mlflow.log_batch_3.points)} (3 keys) in calls of ≤1000 metrics, ` +
    `Metric objects built inside the timed loop; log_metric ${int(mlflow.log_metric.points)} points. Not timed: import ${mlflow.import_s.toFixed(1)} s, ` +
    `creating mlflow.db ${mlflow.store_init_s.toFixed(1)} s. .venv-bench: ${mlflow.venv.sizeMB} MB` +
    (mlflow.venv.installed ? `, installed in ${mlflow.venv.installSeconds.toFixed(0)} s this run.` : "."));
}
out.push(`Listing store built in ${(listingStore.buildMs / 1000).toFixed(1)} s (${(listingStore.dbBytes / 2 ** 20).toFixed(1)} MB). Total bench time ${totalSeconds.toFixed(0)} s.`);
for (const p of problems) out.push(`WARNING: ${p}`);
console.log(out.join("\n"));

const results = {
  date: new Date().toISOString(), command: cmd, machine,
  config: { calls: CALLS, runs: RUNS, paramsPerRun: PARAMS_PER_RUN, metricsPerRun: METRICS_PER_RUN, pointsPerMetric: POINTS_PER_METRIC,
    filter: FILTER, sort: SORT, repeats: REPEATS, mlflowPoints: MLFLOW_POINTS, mlflowSingle: MLFLOW_SINGLE },
  logging, listingStore: { buildMs: listingStore.buildMs, counts: listingStore.counts, dbBytes: listingStore.dbBytes }, listing,
  mlflow, writers, ratios: mlOk ? {
    logBatch1: L1.pointsPerS / mlflow.log_batch_1.points_per_s,
    logBatch3: L3.pointsPerS / mlflow.log_batch_3.points_per_s,
    logMetric: L1.pointsPerS / mlflow.log_metric.points_per_s,
  } : null,
  problems, totalSeconds,
};
mkdirSync(join(root, "bench", "results"), { recursive: true });
writeFileSync(join(root, "bench", "results", "track.json"), JSON.stringify(results, null, 2) + "\n");
log(`raw numbers: bench/results/track.json`);
if (!KEEP) rmSync(tmpRoot, { recursive: true, force: true });
else log(`stores kept in ${tmpRoot}`);
