"""Optuna's samplers on the problems in problems.json, for bench.mjs.

Usage: python optuna_bench.py --trials N --seeds S [S ...] --sampler NAME --problems P[,P...]
prints one JSON object on stdout:
{"version": ..., "sampler": NAME, "runs": {problem: [{"seed", "best", "regret", "ms_per_trial"}, ...]}}
(multi-objective problems give "hypervolume" instead of "best"/"regret").

Samplers: tpe (Optuna 5's defaults: multivariate), tpe-independent (multivariate=False), gp
(GPSampler: needs torch and scipy), cmaes (CmaEsSampler: needs the cmaes package), nsga2
(NSGAIISampler), tpe-mo (TPESampler on several objectives). The test functions are defined once, in
problems.json and here, so both sides optimise the same thing.
"""
import argparse
import json
import math
import time
import warnings
from pathlib import Path

import optuna

PROBLEMS = json.loads((Path(__file__).parent / "problems.json").read_text())
for _spec in PROBLEMS.values():
    # ZDT's 30 inputs are each in [0, 1]: problems.json says so rather than listing them.
    _spec.setdefault("bounds", [[0, 1]] * _spec.get("unit_dims", 0))


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


def rosen6(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley6(x):
    d = len(x)
    a = sum(v * v for v in x) / d
    c = sum(math.cos(2 * math.pi * v) for v in x) / d
    return -20 * math.exp(-0.2 * math.sqrt(a)) - math.exp(c) + 20 + math.e


def zdt1(x):
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return x[0], g * (1 - math.sqrt(x[0] / g))


def zdt2(x):
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return x[0], g * (1 - (x[0] / g) ** 2)


FUNCTIONS = {"branin": branin, "hartmann6": hartmann6, "rosen6": rosen6, "ackley6": ackley6, "zdt1": zdt1, "zdt2": zdt2}


def hypervolume_2d(points, ref):
    """Area dominated by `points` (both objectives minimised) inside the box below `ref`."""
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    area, best_f2 = 0.0, ref[1]
    for f1, f2 in pts:
        if f2 < best_f2:
            area += (ref[0] - f1) * (best_f2 - f2)
            best_f2 = f2
    return area


def make_sampler(name, seed):
    s = optuna.samplers
    if name == "tpe" or name == "tpe-mo":
        return s.TPESampler(seed=seed)
    if name == "tpe-independent":
        return s.TPESampler(seed=seed, multivariate=False)
    if name == "gp":
        return s.GPSampler(seed=seed)
    if name == "cmaes":
        return s.CmaEsSampler(seed=seed)
    if name == "nsga2":
        return s.NSGAIISampler(seed=seed)
    raise SystemExit(f"unknown sampler {name}")


def run(problem, trials, seed, sampler):
    spec = PROBLEMS[problem]
    f = FUNCTIONS[problem]
    multi = "ref" in spec

    def objective(trial):
        return f([trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(spec["bounds"])])

    kw = {"directions": ["minimize", "minimize"]} if multi else {"direction": "minimize"}
    study = optuna.create_study(sampler=make_sampler(sampler, seed), **kw)
    start = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    ms = 1000 * (time.perf_counter() - start) / trials
    if multi:
        hv = hypervolume_2d([t.values for t in study.best_trials], spec["ref"])
        return {"seed": seed, "hypervolume": hv, "ms_per_trial": ms}
    return {"seed": seed, "best": study.best_value, "regret": study.best_value - spec["min"], "ms_per_trial": ms}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, required=True)
    ap.add_argument("--seeds", type=int, nargs="+", required=True)
    ap.add_argument("--sampler", required=True)
    ap.add_argument("--problems", required=True)
    a = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.simplefilter("ignore")
    runs = {p: [run(p, a.trials, seed, a.sampler) for seed in a.seeds] for p in a.problems.split(",")}
    json.dump({"version": optuna.__version__, "sampler": a.sampler, "runs": runs}, __import__("sys").stdout)


if __name__ == "__main__":
    main()
