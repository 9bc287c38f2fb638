"""The peer side of bench/automl: scikit-learn's bundled datasets split 75/25 with seed 0 (written as
JSON for modelbench to read the same rows), and FLAML searching each under a time budget on one
core, scored once on the held-out rows. The Brown passages come from bench.mjs (the same split), as
TF-IDF features (sublinear, min_df 2) since FLAML's AutoML takes numbers.

  python flaml_bench.py export DIR              writes DIR/<name>.json for every dataset
  python flaml_bench.py run DIR BUDGET NAME...  prints one JSON line per dataset: score, best estimator, seconds
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

TABULAR = {
    "breast_cancer": ("classification", "accuracy"),
    "digits": ("classification", "accuracy"),
    "wine": ("classification", "accuracy"),
    "diabetes": ("regression", "r2"),
}


def export(out):
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    for name, (task, metric) in TABULAR.items():
        X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
        idx = list(range(len(y)))
        train, test = train_test_split(idx, test_size=0.25, random_state=0, stratify=y if task == "classification" else None)
        rows = [{**{f"f{j}": float(v) for j, v in enumerate(X[i])}, "target": (int(y[i]) if task == "classification" else float(y[i]))} for i in idx]
        with open(f"{out}/{name}.json", "w") as f:
            json.dump({"name": name, "task": task, "metric": metric, "rows": rows, "train": train, "test": test}, f)


def run(data_dir, budget, names):
    import numpy as np
    from flaml import AutoML
    from sklearn.metrics import accuracy_score, r2_score

    for name in names:
        with open(f"{data_dir}/{name}.json") as f:
            d = json.load(f)
        rows, train, test = d["rows"], d["train"], d["test"]
        y = np.array([r["target"] for r in rows])
        labels = None
        if d["task"] == "classification" and y.dtype.kind not in "iu":
            # XGBoost (one of FLAML's learners) takes class numbers, not names.
            labels, y = np.unique(y, return_inverse=True)
        if "text" in rows[0]:
            from sklearn.feature_extraction.text import TfidfVectorizer
            vec = TfidfVectorizer(sublinear_tf=True, min_df=2)
            Xtr = vec.fit_transform([rows[i]["text"] for i in train])
            Xte = vec.transform([rows[i]["text"] for i in test])
        else:
            cols = [k for k in rows[0] if k != "target"]
            X = np.array([[r[c] for c in cols] for r in rows])
            Xtr, Xte = X[train], X[test]
        automl = AutoML()
        t0 = time.time()
        automl.fit(Xtr, y[train], task=d["task"], metric=d["metric"], time_budget=budget, n_jobs=1, seed=0, verbose=0)
        seconds = time.time() - t0
        pred = automl.predict(Xte)
        score = accuracy_score(y[test], pred) if d["task"] == "classification" else r2_score(y[test], pred)
        print(json.dumps({"name": name, "score": float(score), "best": automl.best_estimator, "seconds": seconds}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(sys.argv[2])
    else:
        run(sys.argv[2], float(sys.argv[3]), sys.argv[4:])
