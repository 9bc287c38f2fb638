"""scikit-learn's side of the model benchmark (bench/models/bench.mjs runs it; run with the project venv).

    .venv/bin/python bench/models/sklearn_bench.py OUT_DIR [--repeats N] [--per-label N]

Builds the benchmark data, writes it to OUT_DIR/data.json for the TypeScript side to train on
the very same rows, times sklearn's fits, and prints one JSON object on stdout.

Data is real and offline:
  * text: paragraphs (>= 8 words) of the docstrings in the installed scikit-learn, NumPy, SciPy
    and the Python standard library, labelled by the library they come from (which library wrote
    this paragraph?); features are TF-IDF (sublinear tf, min_df=2) or raw counts.
  * dense: scikit-learn's bundled digits (10 classes) and breast_cancer (2 classes), split 75/25
    first, then each side copied 4 (digits) or 20 (breast_cancer) times with every copy jittered
    by 5% of each feature's standard deviation, to make a larger set without train/test twins.
Fit times are the median of --repeats fits after one warm-up fit.
"""

import ast
import json
import os
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

THREADS = os.environ.get("OMP_NUM_THREADS", "")

import sklearn  # noqa: E402
import scipy  # noqa: E402
from sklearn import datasets, metrics  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.naive_bayes import MultinomialNB  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402


def docstring_paragraphs(root, limit):
    out = []
    for f in sorted(root.rglob("*.py")):
        s = str(f)
        if "/tests/" in s or "/test/" in s or "site-packages" in s[len(str(root)):] or "dist-packages" in s[len(str(root)):]:
            continue
        try:
            tree = ast.parse(f.read_text(errors="ignore"))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                for p in re.split(r"\n\s*\n", doc or ""):
                    p = re.sub(r"\s+", " ", p).strip()
                    if len(p.split()) >= 8:
                        out.append(p)
                        if len(out) >= limit:
                            return out
    return out


def text_corpus(per_label):
    roots = {
        "sklearn": Path(sklearn.__file__).parent,
        "numpy": Path(np.__file__).parent,
        "scipy": Path(scipy.__file__).parent,
        "stdlib": Path(ast.__file__).parent,
    }
    docs, labels = [], []
    for name, root in roots.items():
        paragraphs = docstring_paragraphs(root, per_label)
        docs += paragraphs
        labels += [name] * len(paragraphs)
    return docs, labels


def enlarged(X, y, copies, rng):
    """Split the original rows first, then jitter copies within each side, so that no test row is a
    near-twin of a training row. Returns X, y and the train/test indices into them."""
    tr, te = split(y)
    scale = 0.05 * X.std(axis=0)
    Xs, ys, parts = [], [], []
    offset = 0
    for rows in (tr, te):
        block = np.vstack([X[rows] + rng.normal(size=(len(rows), X.shape[1])) * scale for _ in range(copies)])
        Xs.append(block)
        ys.append(np.tile(y[rows], copies))
        parts.append(np.arange(offset, offset + len(block)))
        offset += len(block)
    return np.vstack(Xs), np.concatenate(ys), parts[0], parts[1]


def split(y, seed=0):
    idx = np.arange(len(y))
    tr, te = train_test_split(idx, test_size=0.25, random_state=seed, stratify=y)
    return np.sort(tr), np.sort(te)


def timed(make, X, y, repeats):
    make().fit(X, y)  # warm-up: first-call costs (imports, allocations) are not the algorithm's
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        model = make().fit(X, y)
        times.append(time.perf_counter() - t0)
    return model, statistics.median(times), times


def main():
    out_dir = Path(sys.argv[1])
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 3
    per_label = int(sys.argv[sys.argv.index("--per-label") + 1]) if "--per-label" in sys.argv else 5000
    rng = np.random.default_rng(0)

    docs, labels = text_corpus(per_label)
    labels = np.array(labels)
    ttr, tte = split(labels)
    digits = datasets.load_digits()
    Xd, yd, dtr, dte = enlarged(digits.data, digits.target, 4, rng)
    cancer = datasets.load_breast_cancer()
    Xc, yc, ctr, cte = enlarged(cancer.data, cancer.target, 20, rng)

    data = {
        "text": {"docs": docs, "y": labels.tolist(), "train": ttr.tolist(), "test": tte.tolist()},
        "digits_x4": {"X": Xd.tolist(), "y": yd.tolist(), "train": dtr.tolist(), "test": dte.tolist()},
        "breast_cancer_x20": {"X": Xc.tolist(), "y": yc.tolist(), "train": ctr.tolist(), "test": cte.tolist()},
    }
    (out_dir / "data.json").write_text(json.dumps(data))

    def text_features(kind):
        vec = TfidfVectorizer(sublinear_tf=True, min_df=2) if kind == "tfidf" else TfidfVectorizer(min_df=2, use_idf=False, norm=None)
        d = np.array(docs, dtype=object)
        return vec.fit_transform(d[ttr]), labels[ttr], vec.transform(d[tte]), labels[tte]

    def dense(X, y, tr, te):
        return X[tr], y[tr], X[te], y[te]

    # name, data, feature description, model factory, train/test parts
    cases = [
        ("LogisticRegression C=10", "text", "tf-idf", lambda: LogisticRegression(C=10.0), text_features("tfidf")),
        ("MultinomialNB alpha=0.1", "text", "counts", lambda: MultinomialNB(alpha=0.1), text_features("counts")),
        ("DecisionTreeClassifier gini", "digits_x4", "dense", lambda: DecisionTreeClassifier(random_state=0), dense(Xd, yd, dtr, dte)),
        ("HistGradientBoosting 100 iter", "digits_x4", "dense", lambda: HistGradientBoostingClassifier(early_stopping=False, random_state=0), dense(Xd, yd, dtr, dte)),
        ("HistGradientBoosting 100 iter", "breast_cancer_x20", "dense", lambda: HistGradientBoostingClassifier(early_stopping=False, random_state=0), dense(Xc, yc, ctr, cte)),
        ("HistGradientBoosting early stopping", "breast_cancer_x20", "dense", lambda: HistGradientBoostingClassifier(early_stopping=True, random_state=0), dense(Xc, yc, ctr, cte)),
        # A fixed budget of 30 epochs (no stopping on the loss) so both sides do the same work.
        ("MLP 64 relu adam, 30 epochs", "digits_x4", "dense", lambda: MLPClassifier(hidden_layer_sizes=(64,), learning_rate_init=0.01, max_iter=30, n_iter_no_change=1000, random_state=0), dense(Xd, yd, dtr, dte)),
    ]
    warnings.simplefilter("ignore", ConvergenceWarning)  # the MLP's fixed epoch budget is on purpose
    results = []
    for name, data_name, features, make, (Xtr, ytr, Xte, yte) in cases:
        print(f"[sklearn_bench] {name} on {data_name}", file=sys.stderr)
        model, median, times = timed(make, Xtr, ytr, repeats)
        pred = model.predict(Xte)
        results.append(
            {
                "name": name,
                "data": data_name,
                "features": features,
                "shape": list(Xtr.shape),
                "fit_seconds": median,
                "fit_seconds_all": times,
                "accuracy": metrics.accuracy_score(yte, pred),
                "macro_f1": metrics.f1_score(yte, pred, average="macro"),
                "n_iter": int(np.max(model.n_iter_)) if hasattr(model, "n_iter_") else None,
            }
        )
    print(json.dumps({"sklearn_version": sklearn.__version__, "omp_num_threads": THREADS or "default", "repeats": repeats, "results": results}))


if __name__ == "__main__":
    main()
