// `npm run bench transformers`: MiniLM (all-MiniLM-L6-v2) in modelbench (tfjs: native TensorFlow or
// WASM) against PyTorch + Hugging Face transformers on the same texts, batch size, length and
// threads, in the same run: inference tokens/s (mean-pooled embeddings), a full fine-tuning step's
// tokens/s (AdamW, every layer, clipping) and each side's peak memory during the fine-tune. Each
// part runs in its own process so that peak RSS is that part's. Reports; asserts nothing.
// PyTorch (~6 GB) is never installed by the project: point --torch-python (or
// MODELBENCH_TORCH_PYTHON) at a Python with torch and transformers, e.g. /work/.venv-torch/bin/python.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { wholeNumberOption } from "../lib/options.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const option = (name) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : undefined);

async function worker(part, specFile) {
  const mb = require(join(root, "dist", "src"));
  const spec = JSON.parse(readFileSync(specFile, "utf8"));
  const info = await mb.neuralBackend();
  const { texts, batchSize: B, maxLength: L } = spec;
  const batches = Array.from({ length: texts.length / B }, (_, i) => Int32Array.from({ length: B }, (_, j) => i * B + j));
  let seconds;
  if (part === "inference") {
    const { encoder } = mb.loadPretrained(spec.model);
    const embed = (rows) => encoder.embed(Array.from(rows, (r) => texts[r]), { maxLength: L, batchSize: B, onWarning: () => {} });
    embed(batches[0]); // warm-up
    const t0 = performance.now();
    for (const rows of batches.slice(1)) embed(rows);
    seconds = (performance.now() - t0) / 1000;
  } else {
    const model = new mb.TransformerClassifier({ model: spec.model, maxLength: L, batchSize: B, epochs: 1, groupByLength: false, learningRate: 5e-5, seed: 0 });
    const session = model.fitSession(texts, spec.labels, { onWarning: () => {} });
    session.step(batches[0]); // warm-up
    const t0 = performance.now();
    for (const rows of batches.slice(1)) session.step(rows);
    seconds = (performance.now() - t0) / 1000;
    session.dispose();
  }
  const tokens = (batches.length - 1) * B * L;
  console.log(JSON.stringify({ backend: info.backend, seconds, tokens_per_s: tokens / seconds, peak_rss_mb: process.resourceUsage().maxRSS / 1024 }));
}

function runJSON(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 });
  const line = (r.stdout ?? "").trim().split("\n").pop();
  if (line?.startsWith("{")) return JSON.parse(line);
  if (r.status !== 0 || !line?.startsWith("{")) return { error: `${(r.stderr || r.error?.message || "").trim().split("\n").slice(-3).join(" / ")}` };
  return JSON.parse(line);
}

async function main() {
  const mb = require(join(root, "dist", "src"));
  const batches = wholeNumberOption("transformers", "batches", 6) + 1;
  const threads = wholeNumberOption("transformers", "threads", 2);
  const B = 16;
  const L = 128;
  const model = mb.resolveModel(mb.DEFAULT_MODEL);
  const passages = await mb.loadBrown({ passageWords: 200 });
  // Passages spread over the whole corpus (it is sorted by genre), so a batch holds several genres.
  const picked = Array.from({ length: batches * B }, (_, i) => Math.floor((i * passages.numRows()) / (batches * B)));
  const texts = picked.map((i) => passages.array("text")[i]);
  const genres = picked.map((i) => passages.array("genre")[i]);
  const classes = [...new Set(genres)].sort();
  const dir = mkdtempSync(join(tmpdir(), "bench-transformers-"));
  const torchPython = option("torch-python") ?? process.env.MODELBENCH_TORCH_PYTHON ?? [join(root, "..", ".venv-torch", "bin", "python")].find(existsSync);
  const backends = option("backend") ? [option("backend")] : ["tensorflow", "wasm"];
  const rows = [];
  for (const part of ["inference", "finetune"]) {
    const spec = join(dir, `${part}.json`);
    writeFileSync(spec, JSON.stringify({ part, model, texts, labels: genres.map((g) => classes.indexOf(g)), classes: classes.length, batchSize: B, maxLength: L, threads }));
    const ours = Object.fromEntries(backends.map((b) => [b, runJSON(process.execPath, [fileURLToPath(import.meta.url), "--worker", part, spec], { MODELBENCH_BACKEND: b })]));
    const torch = torchPython ? runJSON(torchPython, [join(root, "bench", "transformers", "torch_bench.py"), spec], { OMP_NUM_THREADS: String(threads) }) : { error: "no PyTorch: pass --torch-python or set MODELBENCH_TORCH_PYTHON" };
    rows.push({ part, ours, torch });
  }
  rmSync(dir, { recursive: true, force: true });
  const fmt = (r) => (r.error ? `error: ${r.error}` : `${Math.round(r.tokens_per_s)} tok/s, peak ${Math.round(r.peak_rss_mb)} MB`);
  console.log(`MiniLM-L6 (${model}), batch ${B}, length ${L}, ${batches - 1} timed batches after 1 warm-up, ${threads} threads\n`);
  console.log(`| part | ${backends.map((b) => `modelbench (${b})`).join(" | ")} | PyTorch | ${backends.map((b) => `${b} ÷ PyTorch`).join(" | ")} |`);
  console.log(`|---|${backends.map(() => "---|").join("")}---|${backends.map(() => "---|").join("")}`);
  for (const { part, ours, torch } of rows) {
    const ratio = (b) => (ours[b].error || torch.error ? "–" : `${(ours[b].tokens_per_s / torch.tokens_per_s).toFixed(2)}×`);
    console.log(`| ${part === "inference" ? "inference (mean-pooled embeddings)" : "fine-tuning step (AdamW, all layers)"} | ${backends.map((b) => fmt(ours[b])).join(" | ")} | ${fmt(torch)} | ${backends.map(ratio).join(" | ")} |`);
  }
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  writeFileSync(join(root, "bench", "results", "transformers.json"), JSON.stringify({ batchSize: B, maxLength: L, threads, rows }, null, 2));
}

if (argv[0] === "--worker") {
  // A part this backend cannot do (e.g. WASM: gradients of the embeddings) is reported, not a crash.
  await worker(argv[1], argv[2]).catch((e) => console.log(JSON.stringify({ error: `${e.name}: ${e.message}` })));
}
else await main();
