"""Optuna's TPESampler on the problems in problems.json, for bench.mjs: with its default settings
(in Optuna 5 that is the multivariate TPE) and, for comparison with our independent TPE, with
multivariate=False.

Usage: python optuna_bench.py TRIALS SEED [SEED ...]; prints one JSON object on stdout:
{"version": ..., "runs": {config: {problem: [{"seed", "best", "regret", "ms_per_trial"}, ...]}}}.
The test functions are defined once, in problems.json, so both sides optimise the same thing.
"""
import json
import math
import sys
import time
import warnings
from pathlib import Path

import optuna

PROBLEMS = json.loads((Path(__file__).parent / "problems.json").read_text())


def branin(x):
    x1, x2 = x
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6(x):
    p = PROBLEMS["hartmann6"]
    total = 0.0
    for i in range(4):
        inner = sum(p["A"][i][j] * (x[j] - p["P"][i][j] * 1e-4) ** 2 for j in range(6))
        total -= p["alpha"][i] * math.exp(-inner)
    return total


FUNCTIONS = {"branin": branin, "hartmann6": hartmann6}


CONFIGS = {"defaults": {}, "multivariate=False": {"multivariate": False}}


def run(problem, trials, seed, config):
    spec = PROBLEMS[problem]
    f = FUNCTIONS[problem]

    def objective(trial):
        x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(spec["bounds"])]
        return f(x)

    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed, **config))
    start = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    elapsed = time.perf_counter() - start
    return {"seed": seed, "best": study.best_value, "regret": study.best_value - spec["min"], "ms_per_trial": 1000 * elapsed / trials}


def main():
    trials = int(sys.argv[1])
    seeds = [int(s) for s in sys.argv[2:]]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore")
    runs = {
        name: {problem: [run(problem, trials, seed, config) for seed in seeds] for problem in FUNCTIONS}
        for name, config in CONFIGS.items()
    }
    json.dump({"version": optuna.__version__, "runs": runs}, sys.stdout)


if __name__ == "__main__":
    main()
