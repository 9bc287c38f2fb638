// Benchmark of the tune samplers: our TPE (independent and multivariate) and random search against
// Optuna's TPESampler (its defaults — multivariate in Optuna 5 — and multivariate=False, via
// optuna_bench.py in the project venv) on Branin (2-D)
// and Hartmann-6 (6-D). Prints a Markdown table of median final regret and time per trial, and
// writes the raw numbers to bench/results/tune.json. Run from the worktree root after a build:
//   npx tsc -p tsconfig.json && node bench/tune/bench.mjs [--trials 100] [--seeds 10] [--check-seeds 40] [--no-optuna]
// The headline is the measure, the median over seeds 0..9. A median of 10 noisy runs moves
// a lot from seed set to seed set, so every method also runs seeds 0..39 (--check-seeds; 0 skips)
// and a second table gives that median with a 95% bootstrap interval: rows whose intervals
// overlap are not told apart by this benchmark.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TRIALS = arg("trials", 100);
const HEADLINE = arg("seeds", 10);
const SEEDS = Array.from({ length: Math.max(HEADLINE, arg("check-seeds", 40)) }, (_, i) => i);

const built = join(root, "dist", "src", "tune", "samplers", "index.js");
if (!existsSync(built)) {
  console.error(`bench: ${built} not found: build first with \`npx tsc -p tsconfig.json\``);
  process.exit(1);
}
const require = createRequire(import.meta.url);
const { TPESampler, RandomSampler } = require(built);
const { toSpace, uniform } = require(join(root, "dist", "src", "tune", "space.js"));

const PROBLEMS = JSON.parse(readFileSync(join(here, "problems.json"), "utf8"));

function branin([x1, x2]) {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

function hartmann6(x) {
  const { alpha, A, P } = PROBLEMS.hartmann6;
  let total = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2;
    total -= alpha[i] * Math.exp(-inner);
  }
  return total;
}

const FUNCTIONS = { branin, hartmann6 };

const METHODS = {
  "modelbench TPE": (seed) => new TPESampler({ seed }),
  "modelbench TPE multivariate": (seed) => new TPESampler({ seed, multivariate: true }),
  "modelbench random": (seed) => new RandomSampler({ seed }),
};

/** A minimal ask/tell loop: ask the sampler, evaluate, record a complete trial. */
function runOurs(makeSampler, problem, seed) {
  const spec = PROBLEMS[problem];
  const space = toSpace(Object.fromEntries(spec.bounds.map(([lo, hi], i) => [`x${i}`, uniform(lo, hi)])));
  const sampler = makeSampler(seed);
  const trials = [];
  let best = Infinity;
  const start = performance.now();
  for (let n = 0; n < TRIALS; n++) {
    const params = sampler.sample(space, trials, "minimize");
    const value = FUNCTIONS[problem](spec.bounds.map((_, i) => params[`x${i}`]));
    best = Math.min(best, value);
    trials.push({ number: n, state: "complete", params, value, intermediate: new Map(), startedAt: 0, endedAt: 0 });
  }
  const ms = performance.now() - start;
  return { seed, best, regret: best - spec.min, ms_per_trial: ms / TRIALS };
}

function runOptuna() {
  const python = join(root, ".venv", "bin", "python");
  if (!existsSync(python)) return { error: `${python} not found: run \`node scripts/setup.mjs\`` };
  const r = spawnSync(python, [join(here, "optuna_bench.py"), String(TRIALS), ...SEEDS.map(String)], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    const why = /No module named 'optuna'/.test(r.stderr) ? "optuna is not installed: `.venv/bin/pip install optuna==5.0.0`" : r.stderr.trim().split("\n").pop();
    return { error: why };
  }
  return JSON.parse(r.stdout);
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
};

/** 95% percentile-bootstrap interval of the median, from a fixed-seed resampling (reproducible). */
function bootstrapMedian(xs, rounds = 2000) {
  let state = 12345;
  const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const medians = [];
  for (let r = 0; r < rounds; r++) medians.push(quantile(Array.from(xs, () => xs[Math.floor(rand() * xs.length)]), 0.5));
  return [quantile(medians, 0.025), quantile(medians, 0.975)];
}

const results = { trials: TRIALS, seeds: SEEDS, headline_seeds: HEADLINE, node: process.version, methods: {} };
for (const [name, make] of Object.entries(METHODS)) {
  results.methods[name] = {};
  for (const problem of Object.keys(FUNCTIONS)) results.methods[name][problem] = SEEDS.map((seed) => runOurs(make, problem, seed));
}
if (!process.argv.includes("--no-optuna")) {
  const optuna = runOptuna();
  if (optuna.error) console.error(`bench: Optuna skipped: ${optuna.error}`);
  else for (const [config, runs] of Object.entries(optuna.runs)) results.methods[`Optuna ${optuna.version} TPESampler (${config})`] = runs;
}

const lines = [
  `${TRIALS} trials, ${HEADLINE} seeds (0..${HEADLINE - 1}); regret = best found − global minimum (median, [25%, 75%]); time per trial = whole ask/evaluate/tell loop (median over seeds)`,
  "",
  "| problem | method | median regret | IQR | ms / trial |",
  "|---|---|---:|---|---:|",
];
for (const problem of Object.keys(FUNCTIONS)) {
  for (const [name, byProblem] of Object.entries(results.methods)) {
    const runs = byProblem[problem].slice(0, HEADLINE);
    const regrets = runs.map((r) => r.regret);
    const ms = runs.map((r) => r.ms_per_trial);
    lines.push(`| ${problem} | ${name} | ${quantile(regrets, 0.5).toFixed(4)} | [${quantile(regrets, 0.25).toFixed(4)}, ${quantile(regrets, 0.75).toFixed(4)}] | ${quantile(ms, 0.5).toFixed(2)} |`);
  }
}
if (SEEDS.length > HEADLINE) {
  lines.push(
    "",
    `The same with ${SEEDS.length} seeds (0..${SEEDS.length - 1}): median regret and its 95% bootstrap interval`,
    "",
    "| problem | method | median regret | 95% CI of the median | ms / trial |",
    "|---|---|---:|---|---:|",
  );
  for (const problem of Object.keys(FUNCTIONS)) {
    for (const [name, byProblem] of Object.entries(results.methods)) {
      const runs = byProblem[problem];
      const regrets = runs.map((r) => r.regret);
      const [lo, hi] = bootstrapMedian(regrets);
      lines.push(`| ${problem} | ${name} | ${quantile(regrets, 0.5).toFixed(4)} | [${lo.toFixed(4)}, ${hi.toFixed(4)}] | ${quantile(runs.map((r) => r.ms_per_trial), 0.5).toFixed(2)} |`);
    }
  }
}
console.log(lines.join("\n"));

const out = join(root, "bench", "results");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "tune.json"), JSON.stringify(results, null, 2));
console.log(`\nraw numbers: ${join("bench", "results", "tune.json")}`);
