"""Reads what an MLflow server holds with MLflow's own client, as JSON on stdout (NaN and ±inf as
strings): every run tagged modelbench.run_id with params, metric histories, tags and artifact
contents, and every registered model with its versions and aliases."""
import json
import math
import os
import sys
import tempfile

from mlflow import MlflowClient


def num(v):
    return v if math.isfinite(v) else ("NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity"))


def main(uri):
    c = MlflowClient(tracking_uri=uri, registry_uri=uri)
    out = {"runs": {}, "models": {}}
    for exp in c.search_experiments():
        for r in c.search_runs([exp.experiment_id], max_results=1000):
            mb_id = r.data.tags.get("modelbench.run_id")
            if not mb_id:
                continue
            metrics = {}
            for key in r.data.metrics:
                hist = sorted(c.get_metric_history(r.info.run_id, key), key=lambda m: (m.step, m.timestamp))
                metrics[key] = [[m.step, num(m.value), m.timestamp] for m in hist]
            arts = {}
            with tempfile.TemporaryDirectory() as d:
                todo = list(c.list_artifacts(r.info.run_id))
                while todo:
                    a = todo.pop()
                    if a.is_dir:
                        todo.extend(c.list_artifacts(r.info.run_id, a.path))
                        continue
                    p = c.download_artifacts(r.info.run_id, a.path, d)
                    with open(p, "rb") as f:
                        arts[a.path] = f.read().hex()
            out["runs"][mb_id] = {
                "mlflow_id": r.info.run_id, "experiment": exp.name, "status": r.info.status, "name": r.info.run_name,
                "start_time": r.info.start_time, "end_time": r.info.end_time,
                "params": r.data.params, "tags": {k: v for k, v in r.data.tags.items() if not k.startswith("mlflow.") or k in (
                    "mlflow.runName", "mlflow.parentRunId", "mlflow.source.git.commit", "mlflow.source.git.branch", "mlflow.note.content")},
                "metrics": metrics, "artifacts": arts, "user": r.data.tags.get("mlflow.user"),
                "source_name": r.data.tags.get("mlflow.source.name"),
            }
    for m in c.search_registered_models():
        versions = c.search_model_versions(f"name='{m.name}'")
        out["models"][m.name] = {
            "aliases": m.aliases,
            "versions": sorted([{"version": int(v.version), "run_id": v.run_id, "source": v.source} for v in versions], key=lambda v: v["version"]),
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
