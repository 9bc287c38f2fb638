"""The peers' side of the gradient-boosting benchmark (bench/models/gbdt.mjs runs it).

    .venv/bin/python bench/models/gbdt_peers.py DIR [--repeats N] [--threads 1,2] [--features-only]

Reads DIR/docs.json (Brown passages and their split, written by gbdt.mjs), builds the features
both sides train on and writes them to DIR as raw little-endian arrays:
  * TF-IDF (sublinear tf, min_df 2), CSR: tfidf_{train,test}_{indptr,indices}.i32, _data.f64;
  * TruncatedSVD(100, random_state 0) of it, dense row-major: svd_{train,test}.f64;
then times LightGBM, scikit-learn's HistGradientBoostingClassifier and XGBoost (hist) on both
(scikit-learn's only on dense: it takes no sparse input), 100 rounds and defaults otherwise, at
each thread count, and prints one JSON object on stdout. Fit times are medians of --repeats fits.
With --features-only it writes the features and fits nothing (bench/models/gbdt_profile.mjs).
"""

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import lightgbm
import sklearn
import xgboost
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from threadpoolctl import threadpool_limits


def option(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def main():
    out = Path(sys.argv[1])
    repeats = int(option("--repeats", "1"))
    threads = [int(t) for t in option("--threads", "1,2").split(",")]
    d = json.loads((out / "docs.json").read_text())
    docs = np.array(d["docs"], dtype=object)
    y = np.array(d["y"])
    train, test = np.array(d["train"]), np.array(d["test"])
    classes = sorted(set(d["y"]))
    code = {c: i for i, c in enumerate(classes)}
    ytr = np.array([code[v] for v in y[train]])
    yte = np.array([code[v] for v in y[test]])

    vec = TfidfVectorizer(sublinear_tf=True, min_df=2)
    Ttr = vec.fit_transform(docs[train]).astype(np.float64).tocsr()
    Tte = vec.transform(docs[test]).astype(np.float64).tocsr()
    svd = TruncatedSVD(100, random_state=0)
    Dtr = svd.fit_transform(Ttr)
    Dte = svd.transform(Tte)
    for name, M in [("tfidf_train", Ttr), ("tfidf_test", Tte)]:
        M.sort_indices()
        M.indptr.astype("<i4").tofile(out / f"{name}_indptr.i32")
        M.indices.astype("<i4").tofile(out / f"{name}_indices.i32")
        M.data.astype("<f8").tofile(out / f"{name}_data.f64")
    Dtr.astype("<f8").tofile(out / "svd_train.f64")
    Dte.astype("<f8").tofile(out / "svd_test.f64")
    meta = {"classes": classes, "tfidf_shape": [Ttr.shape, Tte.shape], "svd_shape": [Dtr.shape, Dte.shape]}
    (out / "meta.json").write_text(json.dumps(meta))
    if "--features-only" in sys.argv:
        return

    makers = {
        "LightGBM": lambda t: lightgbm.LGBMClassifier(n_estimators=100, n_jobs=t, verbose=-1, random_state=0),
        "scikit-learn HistGradientBoosting": lambda t: HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0),
        "XGBoost hist (depth 6)": lambda t: xgboost.XGBClassifier(n_estimators=100, tree_method="hist", n_jobs=t, random_state=0),
    }
    data = {"svd": (Dtr, Dte), "tfidf": (Ttr, Tte)}
    results = []
    for features, (Xtr, Xte) in data.items():
        for name, make in makers.items():
            if features == "tfidf" and name.startswith("scikit-learn"):
                continue  # HistGradientBoosting takes no sparse input
            for t in threads:
                print(f"[gbdt_peers] {name} on {features}, {t} thread(s)", file=sys.stderr, flush=True)
                times = []
                for _ in range(repeats):
                    with threadpool_limits(t):
                        model = make(t)
                        t0 = time.perf_counter()
                        model.fit(Xtr, ytr)
                        times.append(time.perf_counter() - t0)
                pred = model.predict(Xte)
                results.append({"model": name, "features": features, "threads": t, "fit_seconds": statistics.median(times), "fit_seconds_all": times,
                                "macro_f1": f1_score(yte, pred, average="macro"), "accuracy": accuracy_score(yte, pred)})
    versions = {"lightgbm": lightgbm.__version__, "sklearn": sklearn.__version__, "xgboost": xgboost.__version__}
    print(json.dumps({"versions": versions, "results": results}))


if __name__ == "__main__":
    main()
