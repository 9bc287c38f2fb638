// A smaller, repeatable gradient-boosting fit for profiling and A/B timing: the same Brown features
// as bench/models/gbdt.mjs (built once by gbdt_peers.py --features-only and kept in a cache
// folder), fitted by one or more builds of modelbench in alternation, so two versions are compared
// under the same machine load.
//
//   node bench/models/gbdt_profile.mjs [--features svd|tfidf] [--rounds N] [--threads N]
//        [--repeats N] [--dist dist,/tmp/base/dist] [--cache DIR] [--binary]
//
// --binary fits one genre against the rest (one tree a round) instead of the 15 genres.
// Prints one line per fit (build, threads, seconds, CPU seconds of the process, macro-F1) and the
// medians per build; on a busy machine the CPU seconds of one-thread fits are the steadier measure. Run it under
// `node --cpu-prof` for a profile of a single build.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { wholeNumberOption } from "../lib/options.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const option = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const FEATURES = option("features", "svd");
const ROUNDS = wholeNumberOption("models", "rounds", 20, argv);
const THREADS = option("threads", "1").split(",").map(Number);
const REPEATS = wholeNumberOption("models", "repeats", 1, argv);
const DISTS = option("dist", "dist").split(",").map((d) => resolve(root, d, "src", "index.js"));
const CACHE = option("cache", join(os.tmpdir(), "modelbench-gbdt-features"));
const log = (msg) => process.stderr.write(`[bench/models gbdt_profile] ${msg}\n`);

const builds = DISTS.map((path) => {
  if (!existsSync(path)) {
    console.error(`bench/models: ${path} not found: build first (npx tsc -p tsconfig.json)`);
    process.exit(1);
  }
  return { path, mb: require(path) };
});
const mb = builds[0].mb;

const passages = await mb.loadBrown({ passageWords: 100 });
const { trainIndex, testIndex } = mb.groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
if (!existsSync(join(CACHE, "meta.json"))) {
  log(`building features into ${CACHE}`);
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(join(CACHE, "docs.json"), JSON.stringify({ docs: passages.array("text"), y: passages.array("genre"), train: trainIndex, test: testIndex }));
  const py = spawnSync(join(root, ".venv", "bin", "python"), [join(root, "bench", "models", "gbdt_peers.py"), CACHE, "--features-only"], { stdio: ["ignore", "ignore", "inherit"] });
  if (py.status !== 0) {
    console.error(`bench/models: gbdt_peers.py --features-only failed (exit ${py.status})`);
    process.exit(1);
  }
}
const meta = JSON.parse(readFileSync(join(CACHE, "meta.json"), "utf8"));
const read = (name, Type) => {
  const b = readFileSync(join(CACHE, name));
  return new Type(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const features = (lib, part, shape) => {
  if (FEATURES === "tfidf") return new lib.CsrMatrix(shape[0], shape[1], read(`tfidf_${part}_indptr.i32`, Int32Array), read(`tfidf_${part}_indices.i32`, Int32Array), read(`tfidf_${part}_data.f64`, Float64Array));
  const flat = read(`svd_${part}.f64`, Float64Array);
  return Array.from({ length: shape[0] }, (_, i) => flat.subarray(i * shape[1], (i + 1) * shape[1]));
};
const shapes = FEATURES === "tfidf" ? meta.tfidf_shape : meta.svd_shape;
const genres = passages.array("genre");
const y = argv.includes("--binary") ? genres.map((g) => (g === "news" ? "news" : "other")) : genres;
const ytrain = trainIndex.map((i) => y[i]);
const ytest = testIndex.map((i) => y[i]);

log(`${FEATURES} ${shapes[0].join(" × ")}${argv.includes("--binary") ? ", news against the rest" : ""}, ${ROUNDS} rounds, ${THREADS.join(" and ")} thread(s), load average ${os.loadavg()[0].toFixed(2)}`);
// Every build at every thread count, in turn, REPEATS times.
const runs = builds.flatMap((b) => THREADS.map((threads) => ({ ...b, threads, times: [], cpu: [] })));
for (let r = 0; r < REPEATS; r++) {
  for (const run of runs) {
    const Xtrain = features(run.mb, "train", shapes[0]);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const model = new run.mb.HistGradientBoostingClassifier({ maxIter: ROUNDS, earlyStopping: false, randomState: 0, nThreads: run.threads }).fit(Xtrain, ytrain);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    run.times.push(seconds);
    run.cpu.push(cpuSeconds);
    const f1 = run.mb.f1(ytest, model.predict(features(run.mb, "test", shapes[1])), { average: "macro" });
    console.log(`${run.path}\t${run.threads} thread(s)\t${seconds.toFixed(2)} s\t(CPU ${cpuSeconds.toFixed(2)} s)\tmacro-F1 ${f1.toFixed(4)}`);
  }
}
const median = (a) => [...a].sort((x, z) => x - z)[Math.floor(a.length / 2)];
for (const run of runs) console.log(`median ${run.path}\t${run.threads} thread(s)\t${median(run.times).toFixed(2)} s\t(CPU ${median(run.cpu).toFixed(2)} s, all threads) of ${REPEATS}`);
log(`load average ${os.loadavg()[0].toFixed(2)} at the end`);
