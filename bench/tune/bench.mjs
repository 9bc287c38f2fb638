// Benchmark of the tune samplers against Optuna's, measured in the same run (Optuna through
// optuna_bench.py), in three suites:
//   single:  our TPE (multivariate, independent), GP and random search against Optuna's TPESampler
//            (defaults, and multivariate=False) and GPSampler on Branin (2-D) and Hartmann-6, 100 trials;
//   cmaes:   our CMA-ES against Optuna's CmaEsSampler on Hartmann-6, Rosenbrock-6, Ackley-6, 300 trials;
//   multi:   our NSGA-II against Optuna's NSGAIISampler on ZDT1 and ZDT2 (30 inputs, two objectives),
//            1,000 trials, by the hypervolume of the Pareto front found (reference point in problems.json).
// Regret = best value found − global minimum. Time per trial = the whole ask/evaluate/tell loop.
// Each table gives the median over seeds 0..9 (the issue's measure) and over seeds 0..39 with a
// 95% bootstrap interval of it: a 10-seed median moves a lot from one seed set to the next, so rows
// whose intervals overlap are not told apart. Raw numbers go to bench/results/tune.json.
//   npx tsc -p tsconfig.json && node bench/tune/bench.mjs [--suites single,cmaes,multi] [--seeds 10]
//     [--check-seeds 40] [--trials N] [--no-optuna] [--optuna-python PATH] [--mo-tpe]
// Optuna runs in --optuna-python (or $MODELBENCH_OPTUNA_PYTHON, else .venv/bin/python), with
// OMP_NUM_THREADS=1 as Optuna advises for GPSampler; GPSampler needs torch there, CmaEsSampler the
// cmaes package. A missing one leaves its rows out and says why.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const HEADLINE = Number(arg("seeds", 10));
const SEEDS = Array.from({ length: Math.max(HEADLINE, Number(arg("check-seeds", 40))) }, (_, i) => i);
const SUITES = String(arg("suites", "single,cmaes,multi")).split(",");
const PYTHON = arg("optuna-python", process.env.MODELBENCH_OPTUNA_PYTHON || join(root, ".venv", "bin", "python"));

const built = join(root, "dist", "src", "tune", "samplers", "index.js");
if (!existsSync(built)) {
  console.error(`bench: ${built} not found: build first with \`npx tsc -p tsconfig.json\``);
  process.exit(1);
}
const require = createRequire(import.meta.url);
const S = require(built);
const { toSpace, uniform } = require(join(root, "dist", "src", "tune", "space.js"));
const { hypervolume, paretoFront } = require(join(root, "dist", "src", "tune", "pareto.js"));

const PROBLEMS = JSON.parse(readFileSync(join(here, "problems.json"), "utf8"));
for (const p of Object.values(PROBLEMS)) p.bounds ??= Array.from({ length: p.unit_dims }, () => [0, 1]);

const FUNCTIONS = {
  branin([x1, x2]) {
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
  hartmann6(x) {
    const { alpha, A, P } = PROBLEMS.hartmann6;
    let total = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2;
      total -= alpha[i] * Math.exp(-inner);
    }
    return total;
  },
  rosen6(x) {
    let s = 0;
    for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
    return s;
  },
  ackley6(x) {
    const d = x.length;
    const a = x.reduce((s, v) => s + v * v, 0) / d;
    const c = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / d;
    return -20 * Math.exp(-0.2 * Math.sqrt(a)) - Math.exp(c) + 20 + Math.E;
  },
  zdt1(x) {
    const g = 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / (x.length - 1);
    return [x[0], g * (1 - Math.sqrt(x[0] / g))];
  },
  zdt2(x) {
    const g = 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / (x.length - 1);
    return [x[0], g * (1 - (x[0] / g) ** 2)];
  },
};

const suites = {
  single: {
    title: "Branin and Hartmann-6, 100 trials: median regret (lower is better)",
    problems: ["branin", "hartmann6"],
    trials: 100,
    ours: {
      "modelbench GP": (seed) => new S.GPSampler({ seed }),
      "modelbench TPE multivariate": (seed) => new S.TPESampler({ seed, multivariate: true }),
      "modelbench TPE (independent)": (seed) => new S.TPESampler({ seed }),
      "random search": (seed) => new S.RandomSampler({ seed }),
    },
    optuna: { gp: "GPSampler", tpe: "TPESampler (defaults)", "tpe-independent": "TPESampler (multivariate=False)" },
  },
  cmaes: {
    title: "Hartmann-6, Rosenbrock-6, Ackley-6, 300 trials: median regret (lower is better)",
    problems: ["hartmann6", "rosen6", "ackley6"],
    trials: 300,
    ours: { "modelbench CMA-ES": (seed) => new S.CmaEsSampler({ seed }) },
    optuna: { cmaes: "CmaEsSampler" },
  },
  multi: {
    title: "ZDT1 and ZDT2 (30 inputs), 1,000 trials: median hypervolume of the Pareto front (higher is better)",
    problems: ["zdt1", "zdt2"],
    trials: 1000,
    ours: {
      "modelbench NSGA-II": (seed) => new S.NSGAIISampler({ seed }),
      "random search": (seed) => new S.RandomSampler({ seed }),
      ...(argv.includes("--mo-tpe") ? { "modelbench TPE multivariate": (seed) => new S.TPESampler({ seed, multivariate: true }) } : {}),
    },
    optuna: { nsga2: "NSGAIISampler", ...(argv.includes("--mo-tpe") ? { "tpe-mo": "TPESampler" } : {}) },
  },
};

/** A minimal ask/tell loop: ask the sampler, evaluate, record a complete trial. */
function runOurs(makeSampler, problem, trials, seed) {
  const spec = PROBLEMS[problem];
  const multi = "ref" in spec;
  const space = toSpace(Object.fromEntries(spec.bounds.map(([lo, hi], i) => [`x${i}`, uniform(lo, hi)])));
  const directions = multi ? ["minimize", "minimize"] : ["minimize"];
  const sampler = makeSampler(seed);
  const done = [];
  let best = Infinity;
  const start = performance.now();
  for (let n = 0; n < trials; n++) {
    const params = sampler.sample(space, done, "minimize", directions);
    const out = FUNCTIONS[problem](spec.bounds.map((_, i) => params[`x${i}`]));
    if (multi) done.push({ number: n, state: "complete", params, value: out[0], values: out, intermediate: new Map(), startedAt: 0, endedAt: 0 });
    else {
      best = Math.min(best, out);
      done.push({ number: n, state: "complete", params, value: out, intermediate: new Map(), startedAt: 0, endedAt: 0 });
    }
  }
  const ms = (performance.now() - start) / trials;
  if (multi) return { seed, hypervolume: hypervolume(paretoFront(done, directions).map((t) => t.values), spec.ref), ms_per_trial: ms };
  return { seed, best, regret: best - spec.min, ms_per_trial: ms };
}

function runOptuna(sampler, problems, trials) {
  if (!existsSync(PYTHON)) return { error: `${PYTHON} not found: run \`node scripts/setup.mjs\` or pass --optuna-python` };
  const args = [join(here, "optuna_bench.py"), "--trials", String(trials), "--sampler", sampler, "--problems", problems.join(","), "--seeds", ...SEEDS.map(String)];
  const r = spawnSync(PYTHON, args, { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, OMP_NUM_THREADS: "1" } });
  if (r.status !== 0) {
    const missing = /No module named '([^']+)'/.exec(r.stderr);
    const why = missing
      ? `${missing[1]} is not installed in ${PYTHON}${missing[1] === "torch" ? " (GPSampler needs it: pass --optuna-python with a Python that has optuna and torch)" : ""}`
      : r.stderr.trim().split("\n").pop();
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
  const rand = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const medians = [];
  for (let r = 0; r < rounds; r++) medians.push(quantile(Array.from(xs, () => xs[Math.floor(rand() * xs.length)]), 0.5));
  return [quantile(medians, 0.025), quantile(medians, 0.975)];
}

const fmt = (v) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(4) : v.toExponential(2));
const results = { seeds: SEEDS, headline_seeds: HEADLINE, node: process.version, python: PYTHON, suites: {} };
const lines = [];
for (const name of SUITES) {
  const suite = suites[name];
  if (!suite) {
    console.error(`bench: unknown suite ${name}: choose from ${Object.keys(suites).join(", ")}`);
    process.exit(2);
  }
  const trials = Number(arg("trials", suite.trials));
  const methods = {};
  for (const [label, make] of Object.entries(suite.ours)) {
    methods[label] = Object.fromEntries(suite.problems.map((p) => [p, SEEDS.map((seed) => runOurs(make, p, trials, seed))]));
  }
  const notes = [];
  if (!argv.includes("--no-optuna")) {
    for (const [sampler, label] of Object.entries(suite.optuna)) {
      const out = runOptuna(sampler, suite.problems, trials);
      if (out.error) notes.push(`Optuna ${label}: not run — ${out.error}`);
      else methods[`Optuna ${out.version} ${label}`] = out.runs;
    }
  }
  results.suites[name] = { trials, problems: suite.problems, methods };
  const key = name === "multi" ? "hypervolume" : "regret";
  lines.push(`### ${suite.title.replace(/\d[\d,]* trials/, `${trials.toLocaleString("en")} trials`)}`, "");
  lines.push(`| problem | method | median ${key}, seeds 0..${HEADLINE - 1} | median ${key}, seeds 0..${SEEDS.length - 1} [95% CI] | ms / trial |`, "|---|---|---:|---|---:|");
  for (const p of suite.problems) {
    for (const [label, byProblem] of Object.entries(methods)) {
      const runs = byProblem[p];
      const vals = runs.map((r) => r[key]);
      const [lo, hi] = bootstrapMedian(vals);
      lines.push(`| ${p} | ${label} | ${fmt(quantile(vals.slice(0, HEADLINE), 0.5))} | ${fmt(quantile(vals, 0.5))} [${fmt(lo)}, ${fmt(hi)}] | ${quantile(runs.map((r) => r.ms_per_trial), 0.5).toFixed(2)} |`);
    }
  }
  lines.push(...notes.map((n) => `\n${n}`), "");
  console.log(lines.splice(0).join("\n"));
}

const out = join(root, "bench", "results");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "tune.json"), JSON.stringify(results, null, 2));
console.log(`raw numbers: ${join("bench", "results", "tune.json")}`);
