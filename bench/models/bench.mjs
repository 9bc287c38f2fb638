// Model benchmark: fit time and held-out score of modelbench's models against scikit-learn's on the
// same rows, measured in the same run. bench/models/sklearn_bench.py builds the data (docstring
// paragraphs of installed Python libraries for text; jittered copies of sklearn's digits and
// breast_cancer for dense), writes it for this script, and times sklearn.
//
//   node bench/models/bench.mjs [--repeats N] [--per-label N] [--sklearn-threads N]
//
// Then runs bench/models/gbdt.mjs: gradient boosting against LightGBM, scikit-learn and XGBoost
// on Brown passages (dense SVD-100 and sparse TF-IDF, 1 and 2 threads).
//
// Build first (`npx tsc -p tsconfig.json`). Prints a Markdown table on stdout, progress on stderr,
// and writes every raw number to bench/results/models.json. Fit times are medians of --repeats
// fits after a warm-up fit, feature extraction excluded on both sides. sklearn runs with
// OMP_NUM_THREADS=1 by default (our models use one thread; the machine is shared): pass
// --sklearn-threads 2 to let its boosting use two cores. It measures and reports; it asserts nothing.
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
const opt = (name, dflt) => wholeNumberOption("models", name, dflt, argv);
const REPEATS = opt("repeats", 3);
const PER_LABEL = opt("per-label", 5000);
const SKLEARN_THREADS = opt("sklearn-threads", 1);
const log = (msg) => process.stderr.write(`[bench/models] ${msg}\n`);

const dist = join(root, "dist", "src", "index.js");
if (!existsSync(dist)) {
  console.error(`bench/models: ${dist} not found: build first (npx tsc -p tsconfig.json)`);
  process.exit(1);
}
const mb = require(dist);
const python = join(root, ".venv", "bin", "python");

// ---- scikit-learn's side (also writes the data) ---------------------------------------------------
const tmp = mkdtempSync(join(os.tmpdir(), "modelbench-bench-models-"));
log(`sklearn: building data and timing fits (OMP_NUM_THREADS=${SKLEARN_THREADS})`);
const py = spawnSync(python, [join(root, "bench", "models", "sklearn_bench.py"), tmp, "--repeats", String(REPEATS), "--per-label", String(PER_LABEL)], {
  env: { ...process.env, OMP_NUM_THREADS: String(SKLEARN_THREADS) },
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
  maxBuffer: 1 << 28,
});
if (py.status !== 0) {
  console.error(`bench/models: sklearn_bench.py failed (exit ${py.status})`);
  process.exit(1);
}
const sk = JSON.parse(py.stdout);
const data = JSON.parse(readFileSync(join(tmp, "data.json"), "utf8"));
rmSync(tmp, { recursive: true, force: true });

// ---- our side ---------------------------------------------------------------------------------------
const pick = (values, idx) => idx.map((i) => values[i]);
function textFeatures(kind) {
  const t = data.text;
  const vec = new mb.TfidfVectorizer(kind === "tfidf" ? { sublinearTf: true, minDf: 2 } : { minDf: 2, useIdf: false, norm: null });
  return { Xtrain: vec.fitTransform(pick(t.docs, t.train)), ytrain: pick(t.y, t.train), Xtest: vec.transform(pick(t.docs, t.test)), ytest: pick(t.y, t.test) };
}
function dense(name) {
  const d = data[name];
  return { Xtrain: pick(d.X, d.train), ytrain: pick(d.y, d.train), Xtest: pick(d.X, d.test), ytest: pick(d.y, d.test) };
}
const parts = {
  "text/tf-idf": textFeatures("tfidf"),
  "text/counts": textFeatures("counts"),
  "digits_x4/dense": dense("digits_x4"),
  "breast_cancer_x20/dense": dense("breast_cancer_x20"),
};
const makers = {
  "LogisticRegression C=10": () => new mb.LogisticRegression({ C: 10 }),
  "MultinomialNB alpha=0.1": () => new mb.MultinomialNB({ alpha: 0.1 }),
  "DecisionTreeClassifier gini": () => new mb.DecisionTreeClassifier({ randomState: 0 }),
  "HistGradientBoosting 100 iter": () => new mb.HistGradientBoostingClassifier({ earlyStopping: false, randomState: 0 }),
  "HistGradientBoosting early stopping": () => new mb.HistGradientBoostingClassifier({ earlyStopping: true, randomState: 0 }),
  "MLP 64 relu adam, 30 epochs": () => new mb.MLPClassifier({ hiddenLayers: [64], learningRate: 0.01, epochs: 30, nIterNoChange: 1000, seed: 0 }),
};
const backend = await mb.neuralBackend(); // the MLP trains on tfjs's WASM backend (or native tfjs-node)

function timed(make, X, y) {
  make().fit(X, y); // warm-up: lets V8 compile the hot loops, as sklearn's warm-up loads its code
  const times = [];
  let model;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    model = make().fit(X, y);
    times.push((performance.now() - t0) / 1000);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { model, median: sorted[Math.floor(sorted.length / 2)], times };
}

const rows = [];
for (const s of sk.results) {
  log(`modelbench: ${s.name} on ${s.data}`);
  const p = parts[`${s.data}/${s.features === "counts" ? "counts" : s.features === "tf-idf" ? "tf-idf" : "dense"}`];
  const { model, median, times } = timed(makers[s.name], p.Xtrain, p.ytrain);
  const predicted = model.predict(p.Xtest);
  const ours = {
    fit_seconds: median,
    fit_seconds_all: times,
    accuracy: mb.accuracy(p.ytest, predicted),
    macro_f1: mb.f1(p.ytest, predicted, { average: "macro" }),
    n_iter: model.nIter ?? (model.history ? model.history.length : null),
  };
  rows.push({ name: s.name, data: s.data, features: s.features, shape: s.shape, ours, sklearn: s });
}

// ---- report -------------------------------------------------------------------------------------
const f3 = (x) => x.toFixed(3);
const secs = (x) => (x < 0.1 ? `${(x * 1000).toFixed(1)} ms` : `${x.toFixed(2)} s`);
const lines = [
  `| model | data (train rows × features) | fit ours | fit sklearn | ratio | accuracy ours / sklearn | macro-F1 ours / sklearn |`,
  `|---|---|---:|---:|---:|---:|---:|`,
];
for (const r of rows) {
  lines.push(
    `| ${r.name} | ${r.data}, ${r.features} (${r.shape[0]} × ${r.shape[1]}) | ${secs(r.ours.fit_seconds)} | ${secs(r.sklearn.fit_seconds)} | ${(r.ours.fit_seconds / r.sklearn.fit_seconds).toFixed(2)}× | ${f3(r.ours.accuracy)} / ${f3(r.sklearn.accuracy)} | ${f3(r.ours.macro_f1)} / ${f3(r.sklearn.macro_f1)} |`,
  );
}
const header = `scikit-learn ${sk.sklearn_version} (OMP_NUM_THREADS=${SKLEARN_THREADS}), Node ${process.versions.node}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), load average ${os.loadavg()[0].toFixed(2)}; median of ${REPEATS} fits after a warm-up; MLP on tfjs ${backend.backend}`;
console.log(`${header}\n\n${lines.join("\n")}`);
mkdirSync(join(root, "bench", "results"), { recursive: true });
writeFileSync(
  join(root, "bench", "results", "models.json"),
  JSON.stringify({ date: new Date().toISOString(), node: process.versions.node, sklearn_version: sk.sklearn_version, sklearn_threads: SKLEARN_THREADS, repeats: REPEATS, per_label: PER_LABEL, loadavg: os.loadavg(), rows }, null, 2) + "\n",
);
log("raw numbers in bench/results/models.json");

// ---- gradient boosting against LightGBM, scikit-learn and XGBoost (issue 18's table) -----------
log("gradient boosting: bench/models/gbdt.mjs");
const gbdt = spawnSync(process.execPath, [join(root, "bench", "models", "gbdt.mjs"), ...argv.filter((a, i) => a === "--repeats" || argv[i - 1] === "--repeats")], { stdio: "inherit" });
if (gbdt.status !== 0) process.exit(gbdt.status ?? 1);
