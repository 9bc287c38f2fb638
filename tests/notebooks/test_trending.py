"""The worked example ("Trending Now", notebooks 01-… in notebooks/) executes in order on the modelbench
kernel against one throw-away store, and the store afterwards holds what the notebooks promise: tracked
runs with params, metrics, code and data hashes from every notebook, a `genre@champion` model, a tuned
model above every baseline, and a run whose recorded code reproduces its metrics under its seed."""
import json
import os
import pathlib
import sqlite3
import tempfile

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
# 00-welcome stands alone (test_notebooks.py runs it); the worked example is 01 onwards, in order.
TRENDING = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb") if not p.name.startswith("00-"))
EXECUTED = ROOT / "tests" / "browser" / "artifacts" / "worked-example"


def execute(nb, path, store):
    """Runs a notebook on a fresh kernel that writes to `store` and knows the notebook's file."""
    saved = {k: os.environ.get(k) for k in ("MODELBENCH_STORE", "JPY_SESSION_NAME")}
    os.environ["MODELBENCH_STORE"] = f"sqlite:///{store}"
    os.environ["JPY_SESSION_NAME"] = str(path)
    try:
        NotebookClient(nb, kernel_name="modelbench", timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


@pytest.fixture(scope="module")
def trending():
    """Executes the notebooks once, in order; the first error fails every test of this module."""
    store = pathlib.Path(tempfile.mkdtemp(prefix="mb-trending-")) / "store.db"
    executed = {p.stem: execute(nbformat.read(p, as_version=4), p, store) for p in TRENDING}
    # The browser tests open these (outputs and all) in JupyterLab instead of running them again.
    EXECUTED.mkdir(parents=True, exist_ok=True)
    for path in TRENDING:
        nbformat.write(executed[path.stem], EXECUTED / path.name)
    db = sqlite3.connect(store)
    db.row_factory = sqlite3.Row
    yield executed, db
    db.close()


def metric(db, run_id, key):
    row = db.execute("SELECT last FROM metric_summary WHERE run_id = ? AND key = ?", (run_id, key)).fetchone()
    return None if row is None else row["last"]


def test_the_worked_example_is_all_there():
    assert [p.stem for p in TRENDING] == ["01-eda", "02-baselines", "03-models", "04-neural", "05-tuning", "06-debugging"]


def test_every_notebook_runs_without_error_and_shows_results(trending):
    executed, _ = trending
    for name, nb in executed.items():
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"], name
        assert any(o.output_type == "execute_result" for o in outputs), name
        first = nb.cells[0] if nb.cells[0].cell_type == "markdown" else None
        assert first is not None and first.source.startswith("# Trending Now"), f"{name}: the first cell should say what it shows"
        assert "What we learned" in nb.cells[-1].source, f"{name}: the last cell should say what was learned"


def test_every_notebook_produced_complete_tracked_runs(trending):
    _, db = trending
    for path in TRENDING:
        runs = db.execute("SELECT * FROM runs WHERE notebook_path = ?", (str(path),)).fetchall()
        assert runs, f"{path.name} recorded no runs"
        assert all(r["status"] == "finished" for r in runs), [(r["name"], r["status"], r["error"]) for r in runs if r["status"] != "finished"]
        assert all(r["source"] and r["notebook"] for r in runs), f"{path.name}: a run without its code snapshot"
        complete = [
            r for r in runs
            if db.execute("SELECT 1 FROM params WHERE run_id = ?", (r["id"],)).fetchone()
            and db.execute("SELECT 1 FROM metric_summary WHERE run_id = ?", (r["id"],)).fetchone()
            and db.execute("SELECT 1 FROM data WHERE run_id = ? AND hash != ''", (r["id"],)).fetchone()
            and r["seed"] is not None
        ]
        assert complete, f"{path.name}: no run with params, metrics, code, data hash and seed together"


def test_the_champion_is_registered_and_beats_every_baseline(trending):
    _, db = trending
    alias = db.execute("SELECT version FROM model_aliases WHERE name = 'genre' AND alias = 'champion'").fetchone()
    assert alias is not None, "genre@champion is missing"
    version = db.execute("SELECT * FROM model_versions WHERE name = 'genre' AND version = ?", (alias["version"],)).fetchone()
    run = db.execute("SELECT * FROM runs WHERE id = ?", (version["run_id"],)).fetchone()
    assert "tuned" in json.loads(run["tags"]), "the champion should be the tuned model"
    tuned = metric(db, run["id"], "macro_f1")
    baselines = [r["id"] for r in db.execute("SELECT id, tags FROM runs").fetchall() if "baseline" in json.loads(r["tags"])]
    scores = [s for s in (metric(db, b, "macro_f1") for b in baselines) if s is not None]
    assert len(scores) >= 5, "the baselines notebook should have scored every baseline on macro_f1"
    assert tuned is not None and tuned > max(scores), (tuned, max(scores))


def test_a_runs_recorded_code_reproduces_its_metrics_under_its_seed(trending):
    _, db = trending
    run = db.execute("SELECT * FROM runs WHERE name = 'tfidf-nb' ORDER BY started_at DESC").fetchone()
    assert run is not None and run["seed"] is not None and "MultinomialNB" in run["source"]
    recorded = {r["key"]: r["last"] for r in db.execute("SELECT key, last FROM metric_summary WHERE run_id = ? AND key NOT LIKE 'system/%'", (run["id"],))}
    assert {"macro_f1", "accuracy"} <= recorded.keys()
    replay = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"%seed {run['seed']}"), nbformat.v4.new_code_cell(f"%%track {run['name']}\n{run['source']}")])
    store = pathlib.Path(tempfile.mkdtemp(prefix="mb-replay-")) / "store.db"
    execute(replay, ROOT / "notebooks" / "replay.ipynb", store)
    with sqlite3.connect(store) as again:
        (new_id,) = again.execute("SELECT id FROM runs WHERE name = 'tfidf-nb'").fetchone()
        replayed = dict(again.execute("SELECT key, last FROM metric_summary WHERE run_id = ? AND key NOT LIKE 'system/%'", (new_id,)).fetchall())
    assert replayed == recorded
