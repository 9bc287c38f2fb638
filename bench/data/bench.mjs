// Data benchmark: reading a CSV, describe() and the splitters on real data (the Brown corpus as
// passages, with numeric columns derived from each passage), against pandas and scikit-learn on the
// same file in the same run; plus the corpus loaders and iterative stratification on Reuters.
//
//   node bench/data/bench.mjs [--repeats N] [--copies N]
//
// Build first (`npx tsc -p tsconfig.json`). Prints a Markdown table on stdout, progress on stderr,
// and writes the raw numbers to bench/results/data.json. Times are medians of --repeats runs after
// a warm-up. --copies repeats the 11,378 passages to make a larger file (default 4: about 45,000
// rows, 30 MB). It measures and reports; it asserts nothing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { wholeNumberOption } from "../lib/options.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const REPEATS = wholeNumberOption("data", "repeats", 5, argv);
const COPIES = wholeNumberOption("data", "copies", 4, argv);
const log = (msg) => process.stderr.write(`[bench/data] ${msg}\n`);

const dist = join(root, "dist", "src", "index.js");
if (!existsSync(dist)) {
  console.error(`bench/data: ${dist} not found: build first (npx tsc -p tsconfig.json)`);
  process.exit(1);
}
const mb = require(dist);

async function medianMs(fn) {
  await fn();
  const times = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const ours = {};
log("loading the corpora");
ours.loadBrown = await medianMs(() => mb.loadBrown());
const brown = await mb.loadBrown();
const haveReuters = existsSync(join(mb.debianDataDir(), "usr/share/doc/weka/examples/ReutersGrain-train.arff"));
if (haveReuters) ours.loadReuters = await medianMs(() => mb.loadReuters());

// The CSV: passages with their length, word count and share of capitalised words.
const tmp = mkdtempSync(join(os.tmpdir(), "modelbench-bench-data-"));
const csv = join(tmp, "passages.csv");
const text = mb.columnValues(brown, "text");
const genre = mb.columnValues(brown, "genre");
const file = mb.columnValues(brown, "file");
const lines = ["text,genre,file,chars,words,capitals"];
for (let c = 0; c < COPIES; c++) {
  text.forEach((t, i) => {
    const words = t.split(" ");
    const caps = words.filter((w) => /^[A-Z]/.test(w)).length / words.length;
    lines.push(`"${t.replace(/"/g, '""')}",${genre[i]},${file[i]}${c ? `-${c}` : ""},${t.length},${words.length},${caps}`);
  });
}
writeFileSync(csv, lines.join("\n") + "\n");
const rows = lines.length - 1;
log(`${rows} rows, ${(statSync(csv).size / 1e6).toFixed(1)} MB: timing modelbench`);

const aq = require("arquero");
ours.readCSV = await medianMs(() => mb.readCSV(csv));
ours.arqueroLoadCSV = await medianMs(() => aq.loadCSV(csv));
ours.readCSVdanfo = await medianMs(() => mb.readCSV(csv, { as: "danfo" }));
const table = await mb.readCSV(csv);
ours.describe = await medianMs(() => mb.describe(table, { label: "genre" }));
const y = mb.columnValues(table, "genre");
const groups = mb.columnValues(table, "file");
ours.trainTestSplitStratified = await medianMs(() => mb.trainTestIndices(rows, { testSize: 0.2, labels: y, seed: 0 }));
ours.stratifiedKFold5 = await medianMs(() => new mb.StratifiedKFold({ nSplits: 5, shuffle: true, seed: 0 }).split(y, y));
ours.groupKFold5 = await medianMs(() => new mb.GroupKFold({ nSplits: 5 }).split(groups, groups));
if (haveReuters) {
  const labels = mb.columnValues(await mb.loadReuters(), "labels");
  ours.iterativeStratificationReuters5 = await medianMs(() => mb.iterativeStratification(labels, [0.2, 0.2, 0.2, 0.2, 0.2], { seed: 0 }));
}

log("timing pandas / scikit-learn");
const py = spawnSync(join(root, ".venv", "bin", "python"), [join(root, "bench", "data", "pandas_bench.py"), tmp, "--repeats", String(REPEATS)], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
const peer = py.status === 0 ? JSON.parse(py.stdout) : null;
if (!peer) log("pandas_bench.py failed (pandas and scikit-learn come from requirements-dev.txt): showing modelbench only");
rmSync(tmp, { recursive: true, force: true });

const fmt = (x) => (x === undefined ? "–" : x < 10 ? x.toFixed(2) : x.toFixed(0));
const table_ = [
  ["read CSV → table", ours.readCSV, peer?.read_csv, "pandas.read_csv"],
  ["  arquero's own loadCSV", ours.arqueroLoadCSV, undefined, ""],
  ["read CSV → danfo DataFrame", ours.readCSVdanfo, undefined, ""],
  ["describe (all columns + labels)", ours.describe, peer?.describe, "DataFrame.describe(include='all')"],
  ["stratified train/test split", ours.trainTestSplitStratified, peer?.train_test_split_stratified, "train_test_split(stratify=)"],
  ["StratifiedKFold(5, shuffle)", ours.stratifiedKFold5, peer?.stratified_kfold_5, "StratifiedKFold"],
  ["GroupKFold(5)", ours.groupKFold5, peer?.group_kfold_5, "GroupKFold"],
  ["iterative stratification, Reuters 2,158 rows, 5 folds", ours.iterativeStratificationReuters5, undefined, ""],
  ["loadBrown() (11,378 passages)", ours.loadBrown, undefined, ""],
  ["loadReuters() (2,158 articles)", ours.loadReuters, undefined, ""],
];
console.log(`${rows} rows (${COPIES} × the Brown passages), median of ${REPEATS}, ms\n`);
console.log("| task | modelbench | peer | ratio | peer function |\n|---|---:|---:|---:|---|");
for (const [name, a, b, what] of table_) {
  if (a === undefined) continue;
  console.log(`| ${name} | ${fmt(a)} | ${fmt(b)} | ${b ? (a / b).toFixed(1) + "×" : "–"} | ${what} |`);
}
mkdirSync(join(root, "bench", "results"), { recursive: true });
writeFileSync(join(root, "bench", "results", "data.json"), JSON.stringify({ rows, copies: COPIES, repeats: REPEATS, ours, peer }, null, 2));
