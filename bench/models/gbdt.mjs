// Gradient-boosting benchmark: fit time and macro-F1 of modelbench's HistGradientBoostingClassifier
// against LightGBM, scikit-learn and XGBoost on the same rows, at 1 and 2 threads, measured in the
// same run. Data: the Brown corpus in 100-word passages, split by source text (groupSplit, seed 0,
// a quarter of the texts held out, as the notebooks do), 15 genres; features built once by
// bench/models/gbdt_peers.py with scikit-learn: TF-IDF (sublinear, min_df 2; sparse, ~21,600
// columns) and its TruncatedSVD to 100 dense columns. 100 rounds, defaults otherwise.
//
//   node bench/models/gbdt.mjs [--repeats N] [--threads-max N]
//
// Build first (`npx tsc -p tsconfig.json`); peers come from requirements-dev.txt (`npm run bench`
// installs them into .venv). Prints a Markdown table and a closing note on the targets of issue 18
// on stdout, progress on stderr, raw numbers to bench/results/gbdt.json. It asserts nothing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { wholeNumberOption } from "../lib/options.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const REPEATS = wholeNumberOption("models", "repeats", 1, argv);
const THREADS = Array.from({ length: wholeNumberOption("models", "threads-max", 2, argv) }, (_, i) => i + 1);
const log = (msg) => process.stderr.write(`[bench/models gbdt] ${msg}\n`);

const dist = join(root, "dist", "src", "index.js");
if (!existsSync(dist)) {
  console.error(`bench/models: ${dist} not found: build first (npx tsc -p tsconfig.json)`);
  process.exit(1);
}
const mb = require(dist);

// ---- data: Brown passages and their split, then the peers build the features and time their fits --
const tmp = mkdtempSync(join(os.tmpdir(), "modelbench-bench-gbdt-"));
const passages = await mb.loadBrown({ passageWords: 100 });
const { trainIndex, testIndex } = mb.groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
writeFileSync(join(tmp, "docs.json"), JSON.stringify({ docs: passages.array("text"), y: passages.array("genre"), train: trainIndex, test: testIndex }));
log(`${trainIndex.length} training and ${testIndex.length} test passages; peers: building features and timing fits`);
const py = spawnSync(join(root, ".venv", "bin", "python"), [join(root, "bench", "models", "gbdt_peers.py"), tmp, "--repeats", String(REPEATS), "--threads", THREADS.join(",")], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
  maxBuffer: 1 << 26,
});
if (py.status !== 0) {
  console.error(`bench/models: gbdt_peers.py failed (exit ${py.status}); it needs lightgbm, xgboost and scikit-learn from requirements-dev.txt`);
  process.exit(1);
}
const peers = JSON.parse(py.stdout);
const meta = JSON.parse(readFileSync(join(tmp, "meta.json"), "utf8"));
const read = (name, Type) => {
  const b = readFileSync(join(tmp, name));
  return new Type(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const csr = (part, shape) => new mb.CsrMatrix(shape[0], shape[1], read(`tfidf_${part}_indptr.i32`, Int32Array), read(`tfidf_${part}_indices.i32`, Int32Array), read(`tfidf_${part}_data.f64`, Float64Array));
const dense = (part, shape) => {
  const flat = read(`svd_${part}.f64`, Float64Array);
  return Array.from({ length: shape[0] }, (_, i) => flat.subarray(i * shape[1], (i + 1) * shape[1]));
};
const y = passages.array("genre");
const ytrain = trainIndex.map((i) => y[i]);
const ytest = testIndex.map((i) => y[i]);
const features = {
  svd: { Xtrain: dense("train", meta.svd_shape[0]), Xtest: dense("test", meta.svd_shape[1]), shape: meta.svd_shape[0] },
  tfidf: { Xtrain: csr("train", meta.tfidf_shape[0]), Xtest: csr("test", meta.tfidf_shape[1]), shape: meta.tfidf_shape[0] },
};
rmSync(tmp, { recursive: true, force: true });

// ---- our side -----------------------------------------------------------------------------------
const rows = [...peers.results];
for (const [name, f] of Object.entries(features)) {
  for (const t of THREADS) {
    log(`modelbench on ${name}, ${t} thread(s)`);
    const times = [];
    let model;
    for (let r = 0; r < REPEATS; r++) {
      const t0 = performance.now();
      model = new mb.HistGradientBoostingClassifier({ maxIter: 100, earlyStopping: false, randomState: 0, nThreads: t }).fit(f.Xtrain, ytrain);
      times.push((performance.now() - t0) / 1000);
    }
    const predicted = model.predict(f.Xtest);
    const sorted = [...times].sort((a, b) => a - b);
    rows.push({ model: "modelbench HistGradientBoostingClassifier", features: name, threads: t, fit_seconds: sorted[Math.floor(sorted.length / 2)], fit_seconds_all: times, macro_f1: mb.f1(ytest, predicted, { average: "macro" }), accuracy: mb.accuracy(ytest, predicted) });
  }
}

// ---- report -------------------------------------------------------------------------------------
const label = { svd: `dense SVD-100 (${features.svd.shape[0]} × ${features.svd.shape[1]})`, tfidf: `sparse TF-IDF (${features.tfidf.shape[0]} × ${features.tfidf.shape[1]})` };
const lines = ["| features | model | threads | fit | macro-F1 |", "|---|---|---:|---:|---:|"];
for (const name of Object.keys(features)) {
  for (const r of rows.filter((r) => r.features === name).sort((a, b) => a.model.localeCompare(b.model) || a.threads - b.threads)) {
    lines.push(`| ${label[name]} | ${r.model} | ${r.threads} | ${r.fit_seconds.toFixed(1)} s | ${r.macro_f1.toFixed(3)} |`);
  }
}
const find = (model, f, t) => rows.find((r) => r.model.startsWith(model) && r.features === f && r.threads === t);
const notes = [];
for (const t of THREADS) {
  const ours = find("modelbench", "svd", t);
  const lgb = find("LightGBM", "svd", t);
  const best = Math.max(...rows.filter((r) => r.features === "svd" && r.threads === t && !r.model.startsWith("modelbench")).map((r) => r.macro_f1));
  notes.push(`- target 1 (dense, ${t} thread${t > 1 ? "s" : ""}): fit ${ours.fit_seconds.toFixed(1)} s vs LightGBM ${lgb.fit_seconds.toFixed(1)} s (${(ours.fit_seconds / lgb.fit_seconds).toFixed(2)}×: ${ours.fit_seconds <= lgb.fit_seconds ? "met" : `missed by ${(ours.fit_seconds - lgb.fit_seconds).toFixed(1)} s`}); macro-F1 ${ours.macro_f1.toFixed(3)} vs best peer ${best.toFixed(3)} (${best - ours.macro_f1 <= 0.01 ? "within 0.01" : `${(best - ours.macro_f1).toFixed(3)} below`})`);
  const oursS = find("modelbench", "tfidf", t);
  const xgb = find("XGBoost", "tfidf", t);
  notes.push(`- target 2 (sparse, ${t} thread${t > 1 ? "s" : ""}): fit ${oursS.fit_seconds.toFixed(1)} s vs XGBoost hist ${xgb.fit_seconds.toFixed(1)} s (${(oursS.fit_seconds / xgb.fit_seconds).toFixed(2)}×: ${oursS.fit_seconds <= xgb.fit_seconds ? "met" : `missed by ${(oursS.fit_seconds - xgb.fit_seconds).toFixed(1)} s`}); macro-F1 ${oursS.macro_f1.toFixed(3)} vs XGBoost ${xgb.macro_f1.toFixed(3)} (${oursS.macro_f1 >= xgb.macro_f1 ? "equal or better" : "lower"})`);
}
const v = peers.versions;
const header = `Brown passages (100 words, split by source text), ${trainIndex.length} training / ${testIndex.length} test rows, 15 genres, 100 rounds; LightGBM ${v.lightgbm}, scikit-learn ${v.sklearn}, XGBoost ${v.xgboost}; Node ${process.versions.node}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), load average ${os.loadavg()[0].toFixed(2)}; median of ${REPEATS} fit(s); feature building excluded on both sides`;
console.log(`${header}\n\n${lines.join("\n")}\n\n${notes.join("\n")}`);
mkdirSync(join(root, "bench", "results"), { recursive: true });
writeFileSync(join(root, "bench", "results", "gbdt.json"), JSON.stringify({ date: new Date().toISOString(), node: process.versions.node, versions: v, repeats: REPEATS, loadavg: os.loadavg(), rows }, null, 2) + "\n");
log("raw numbers in bench/results/gbdt.json");
