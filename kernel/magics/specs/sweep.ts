// %%sweep: a hyperparameter search over an objective defined in the cell.
// Specs only (name, usage, options): what completion and --help read in the protocol process.
import type { MagicSpec } from "../spec";

export const sweepSpec: MagicSpec = {
  name: "sweep",
  line: false,
  cell: true,
  summary: "Hyperparameter search: the cell defines `space` and ends with the objective (params, trial) => metric.",
  usage:
    "%%sweep [--trials N] [--sampler tpe|tpe-independent|gp|cmaes|nsga2|random|grid] [--pruner none|median|asha|sha|hyperband] " +
    "[--metric NAME] [--direction min|max | --directions max,min --metric NAME,NAME] [--name NAME] [--workers N] [--seed S] [--timeout SECONDS] [--warm-start FILTER] " +
    "| --scheduler pbt [--population N] [--rounds R] [--interval STEPS] [--quantile Q] [--resample P]",
  options: [
    { name: "trials", type: "int", min: 1, default: 20, help: "trials of the study in all (a resumed sweep runs what is missing)" },
    {
      name: "sampler",
      type: "string",
      help:
        "tpe (multivariate, as Optuna 5), tpe-independent, gp (Gaussian-process BO), cmaes (CMA-ES with IPOP restarts), nsga2 (genetic, " +
        "several objectives), random or grid. Default: gp when the space is small and continuous (one objective, at most 8 parameters, " +
        "all numeric and unconditional, at most 200 trials), else tpe",
    },
    { name: "pruner", type: "string", default: "none", help: "none, median, asha (successive halving) or hyperband" },
    { name: "metric", type: "string", default: "value", help: "what the objective returns (or logs); with --directions, one name per objective: f1_macro,latency_ms" },
    { name: "direction", type: "string", default: "min", help: "min or max" },
    {
      name: "directions",
      type: "string",
      help: "several objectives, e.g. max,min (the objective returns [f1, latency]); the result is the Pareto front. Samplers: nsga2, tpe, random, grid",
    },
    { name: "name", type: "string", help: "the study's name; running the same name again resumes it" },
    { name: "workers", type: "int", min: 1, default: 1, help: "trials at once (their awaits overlap; use trial.log() to log)" },
    { name: "seed", type: "int", help: "seed of the sampler" },
    { name: "timeout", type: "number", min: 0, help: "stop starting trials after this many seconds" },
    { name: "warm-start", type: "string", help: "earlier runs to learn from, as a %runs filter" },
    { name: "processes", type: "int", min: 1, help: "run trials in this many worker processes (needs --module)" },
    { name: "module", type: "string", help: "a .js module exporting objective(params, trial), for --processes" },
    { name: "scheduler", type: "string", choices: ["pbt"], help: "pbt: population-based training; the cell ends with a round (params, { checkpoint, interval }) => ({ value, checkpoint })" },
    { name: "population", type: "int", min: 2, help: "pbt: members trained side by side (default 8)" },
    { name: "rounds", type: "int", min: 1, help: "pbt: rounds of training, with exploit and explore between them (default 10)" },
    { name: "interval", type: "int", min: 1, help: "pbt: steps per round, handed to the round function (default 1)" },
    { name: "quantile", type: "number", min: 0, help: "pbt: share of members in the bottom (and top) quantile, at most 0.5 (default 0.25)" },
    { name: "resample", type: "number", min: 0, help: "pbt: chance of redrawing a parameter instead of perturbing it (default 0.25)" },
  ],
  examples: [
    "%%sweep --trials 40 --directions max,min --metric f1_macro,latency_ms --sampler nsga2\n" +
      "const space = { C: logUniform(1e-2, 1e2), maxFeatures: int(1000, 50000, { log: true }) };\n" +
      "(p) => { const t0 = performance.now(); /* fit, predict */ return [f1, performance.now() - t0]; }",
    "%%sweep --trials 60 --sampler tpe --pruner hyperband --metric f1_macro --direction max\n" +
      "const space = { lr: logUniform(1e-4, 1e-1), depth: int(2, 10), loss: choice(['log', 'hinge']) };\n" +
      "async (p, trial) => { /* train with p, trial.report(value, epoch) each epoch */ return f1; }",
    "%%sweep --scheduler pbt --population 8 --rounds 10 --interval 2 --metric val_accuracy --direction max\n" +
      "const space = { learningRate: logUniform(1e-4, 1e-1) };\n" +
      "trainRounds({ model: (p) => new MLPClassifier({ learningRate: p.learningRate }), fit: (m, ctx) => train(m, X, y, { epochs: ctx.interval, warmStart: true }), score: (m) => accuracy(yVal, m.predict(Xval)) })",
  ],
};
