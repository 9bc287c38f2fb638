"""pandas / scikit-learn side of bench/data: times read_csv, describe() and the splitters on the
files bench/data/bench.mjs wrote, and prints JSON on stdout.

    .venv/bin/python bench/data/pandas_bench.py DIR --repeats N
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, StratifiedKFold, train_test_split


def median_ms(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def main():
    folder = sys.argv[1]
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 5
    path = f"{folder}/passages.csv"
    df = pd.read_csv(path)
    y = df["genre"].to_numpy()
    groups = df["file"].to_numpy()
    X = np.zeros(len(df))
    out = {
        "pandas": pd.__version__,
        "rows": len(df),
        "read_csv": median_ms(lambda: pd.read_csv(path), repeats),
        "describe": median_ms(lambda: df.describe(include="all"), repeats),
        "train_test_split_stratified": median_ms(lambda: train_test_split(X, test_size=0.2, stratify=y, random_state=0), repeats),
        "stratified_kfold_5": median_ms(lambda: list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)), repeats),
        "group_kfold_5": median_ms(lambda: list(GroupKFold(5).split(X, y, groups)), repeats),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
