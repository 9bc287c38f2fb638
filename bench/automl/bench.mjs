// `npm run bench automl`: modelbench's automl() against FLAML (PyPI `flaml`, with LightGBM and
// XGBoost) on scikit-learn's bundled breast_cancer, digits, wine and diabetes and on the Brown
// passages (text), the same 75/25 split with seed 0 on both sides, the same time budgets, one core
// each, in one run: held-out accuracy (R² for diabetes) and each system's best family.
//
//   node bench/automl/bench.mjs [--budgets 30,120] [--datasets breast_cancer,digits,...]
//
// Build first (`npx tsc -p tsconfig.json`); FLAML comes from requirements-dev.txt (`npm run bench`
// installs it into .venv). The target: modelbench's held-out score at least FLAML's on at
// least four of the five datasets and never more than 0.01 below.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir, loadavg } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const mb = require(join(root, "dist", "src", "index.js"));
const python = join(root, ".venv", "bin", "python");
const peer = join(root, "bench", "automl", "flaml_bench.py");

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const budgets = arg("budgets", "30,120").split(",").map(Number);
const datasets = arg("datasets", "breast_cancer,digits,wine,diabetes,brown").split(",");

const dir = mkdtempSync(join(tmpdir(), "mb-bench-automl-"));
const exported = spawnSync(python, [peer, "export", dir], { encoding: "utf8" });
if (exported.status !== 0) {
  console.error(`could not export scikit-learn's datasets (is requirements-dev.txt installed?):\n${exported.stderr}`);
  process.exit(1);
}

// The Brown passages as in the worked example (200 words, the first six passages of each text),
// held out by source text so passages of one text are never on both sides.
if (datasets.includes("brown")) {
  const passages = (await mb.loadBrown({ passageWords: 200 })).filter((d) => d.passage < 6);
  const { trainIndex, testIndex } = mb.groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
  const text = passages.array("text"), genre = passages.array("genre"), file = passages.array("file");
  const rows = Array.from({ length: passages.numRows() }, (_, i) => ({ text: text[i], file: file[i], target: genre[i] }));
  writeFileSync(join(dir, "brown.json"), JSON.stringify({ name: "brown", task: "classification", metric: "accuracy", rows, train: trainIndex, test: testIndex }));
}

const results = [];
for (const budget of budgets) {
  for (const name of datasets) {
    const d = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
    const train = d.train.map((i) => d.rows[i]);
    const test = d.test.map((i) => d.rows[i]);
    const t0 = Date.now();
    const ours = await mb.automl(train, {
      target: "target", metric: d.metric, timeBudget: budget, seed: 0, track: false, test,
      ...(name === "brown" ? { text: "text", groups: "file" } : {}),
    });
    const oursSeconds = (Date.now() - t0) / 1000;
    const flaml = spawnSync(python, [peer, "run", dir, String(budget), name], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" } });
    if (flaml.status !== 0) {
      console.error(`FLAML failed on ${name}:\n${flaml.stderr}`);
      process.exit(1);
    }
    const peerResult = JSON.parse(flaml.stdout.trim().split("\n").pop());
    const row = { name, budget, metric: d.metric, ours: ours.testScore, oursBest: ours.best.family, oursTrials: ours.trials.length, oursSeconds, flaml: peerResult.score, flamlBest: peerResult.best, flamlSeconds: peerResult.seconds, load: loadavg()[0] };
    results.push(row);
    console.error(`[bench/automl] ${name} ${budget}s: modelbench ${row.ours.toFixed(4)} (${row.oursBest}, ${row.oursTrials} trials), FLAML ${row.flaml.toFixed(4)} (${row.flamlBest})`);
  }
}

const f = (v) => v.toFixed(4);
console.log(`FLAML ${spawnSync(python, ["-c", "import flaml; print(flaml.__version__)"], { encoding: "utf8" }).stdout.trim()} vs modelbench automl(), one core each, 25% held out (seed 0), Node ${process.version}\n`);
console.log("| dataset | budget | metric | modelbench (best family, trials) | FLAML (best estimator) | difference | load |");
console.log("|---|---:|---|---|---|---:|---:|");
for (const r of results) {
  console.log(`| ${r.name} | ${r.budget} s | ${r.metric === "r2" ? "R²" : "accuracy"} | ${f(r.ours)} (${r.oursBest}, ${r.oursTrials}) | ${f(r.flaml)} (${r.flamlBest}) | ${r.ours - r.flaml >= 0 ? "+" : ""}${f(r.ours - r.flaml)} | ${r.load.toFixed(1)} |`);
}
for (const budget of budgets) {
  const rows = results.filter((r) => r.budget === budget);
  const atLeast = rows.filter((r) => r.ours >= r.flaml).length;
  const worst = Math.min(...rows.map((r) => r.ours - r.flaml));
  const met = atLeast >= Math.min(4, rows.length) && worst >= -0.01;
  console.log(`\n${budget} s: modelbench at least FLAML's on ${atLeast} of ${rows.length}, worst difference ${f(worst)}: target ${met ? "met" : "missed"} (at least four of five, never more than 0.01 below).`);
}
