"""MLflow's side of bench/track: the same metric-logging workload through MLflow's Python client
with a SQLite backend store. Prints one JSON object on stdout (everything else goes to stderr).

    .venv-bench/bin/python bench/track/mlflow_bench.py --dir /tmp/x [--batch-points N] [--single-points N]
"""
import argparse
import json
import logging
import os
import sqlite3
import sys
import time
import warnings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True, help="an empty folder for mlflow.db and artifacts")
    ap.add_argument("--batch-points", type=int, default=200_000, help="points per log_batch variant")
    ap.add_argument("--single-points", type=int, default=2_000, help="points for mlflow.log_metric")
    a = ap.parse_args()

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")

    t0 = time.perf_counter()
    import mlflow
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient
    import_s = time.perf_counter() - t0

    db = os.path.join(a.dir, "mlflow.db")
    mlflow.set_tracking_uri(f"sqlite:///{db}")
    t0 = time.perf_counter()
    client = MlflowClient()
    exp_id = client.create_experiment("bench", artifact_location=f"file://{a.dir}/artifacts")
    init_s = time.perf_counter() - t0  # schema creation + migrations: not part of any rate below

    BATCH = 1000  # MLflow's limit of metrics per log_batch call

    def log_batch(keys, total):
        run_id = client.create_run(exp_id, run_name=f"log_batch-{len(keys)}").info.run_id
        steps = total // len(keys)
        per_batch = BATCH // len(keys)  # steps per call: keys × steps ≤ 1000
        t0 = time.perf_counter()
        step = 0
        calls = 0
        while step < steps:
            ts = int(time.time() * 1000)
            n = min(per_batch, steps - step)
            metrics = [Metric(k, 1.0 / (s + 1) + j, ts, s) for s in range(step, step + n) for j, k in enumerate(keys)]
            client.log_batch(run_id, metrics=metrics)
            step += n
            calls += 1
        secs = time.perf_counter() - t0
        client.set_terminated(run_id)
        points = steps * len(keys)
        return {"keys": len(keys), "points": points, "calls": calls, "seconds": secs,
                "points_per_s": points / secs, "us_per_point": secs / points * 1e6, "run_id": run_id}

    b1 = log_batch(["loss"], a.batch_points)
    b3 = log_batch(["loss", "acc", "lr"], a.batch_points)

    mlflow.set_experiment(experiment_id=exp_id)
    with mlflow.start_run(run_name="log_metric") as run:
        t0 = time.perf_counter()
        for i in range(a.single_points):
            mlflow.log_metric("loss", 1.0 / (i + 1), step=i)
        secs = time.perf_counter() - t0
        single = {"keys": 1, "points": a.single_points, "calls": a.single_points, "seconds": secs,
                  "points_per_s": a.single_points / secs, "us_per_point": secs / a.single_points * 1e6,
                  "run_id": run.info.run_id}

    # What actually reached the database, per run.
    con = sqlite3.connect(db)
    stored = dict(con.execute("SELECT run_uuid, COUNT(*) FROM metrics GROUP BY run_uuid").fetchall())
    con.close()
    for r in (b1, b3, single):
        r["stored"] = stored.get(r["run_id"], 0)

    from importlib.metadata import version
    out = {
        "mlflow": version("mlflow"),
        "sqlalchemy": version("sqlalchemy"),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "import_s": import_s,
        "store_init_s": init_s,
        "log_batch_1": b1,
        "log_batch_3": b3,
        "log_metric": single,
        "db_bytes": os.path.getsize(db),
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
