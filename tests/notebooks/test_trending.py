"""The worked example ("Trending Now", notebooks 01-… in notebooks/) executes in order on the modelbench
kernel against one throw-away store, and the store afterwards holds what the notebooks promise: tracked
runs with params, metrics, code and data hashes from every notebook, a `genre@champion` model, a tuned
model above every baseline, and a run whose recorded code reproduces its metrics under its seed."""
import json
import re
import os
import pathlib
import sqlite3
import struct
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


# A baseline (stratified draws from the seeded sequence), boosted trees and the tfjs network: each
# rerun from its record (%rerun) gives the same metrics as the original, bit for bit.
RERUN = ["baseline/stratified", "tfidf-hgb", "text-net"]


@pytest.fixture(scope="module")
def reruns(trending):
    _, db = trending
    replay = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"%rerun {name}") for name in RERUN])
    execute(replay, ROOT / "notebooks" / "replay.ipynb", pathlib.Path(db.execute("PRAGMA database_list").fetchone()["file"]))
    return replay


def test_runs_of_the_worked_example_rerun_from_their_record_to_identical_metrics(trending, reruns):
    _, db = trending
    for name, cell in zip(RERUN, reruns.cells):
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        runs = db.execute("SELECT * FROM runs WHERE name = ? ORDER BY started_at", (name,)).fetchall()
        original, again = runs[0], runs[-1]
        assert original["seed"] is not None and original["source"], name
        assert f"rerun of {name} ({original['id'][:8]}) as {again['id'][:8]} [finished]: reproduced: every metric identical" in text, text
        assert f"rerun_of:{original['id']}" in json.loads(again["tags"]), again["tags"]
        before = {r["key"]: r["last"] for r in db.execute("SELECT key, last FROM metric_summary WHERE run_id = ? AND key NOT LIKE 'system/%'", (original["id"],))}
        after = {r["key"]: r["last"] for r in db.execute("SELECT key, last FROM metric_summary WHERE run_id = ? AND key NOT LIKE 'system/%'", (again["id"],))}
        # Timings (evaluate's latency per row, autolog's fit time) are measured, not computed: they differ.
        timed = re.compile(r"latency|time|_ms($|/)")
        assert before and before.keys() == after.keys(), (name, sorted(before), sorted(after))
        assert {k: v for k, v in after.items() if not timed.search(k)} == {k: v for k, v in before.items() if not timed.search(k)}, name
        # The rerun read the same data, hash for hash.
        data = lambda run_id: sorted(tuple(r) for r in db.execute("SELECT path, hash FROM data WHERE run_id = ?", (run_id,)))
        assert data(again["id"]) == data(original["id"]), name


def test_a_runs_recorded_code_reproduces_its_metrics_under_its_seed(trending, reruns):
    """03 logs macro-F1 by hand and through evaluate(): the two agree (the reruns above reproduce both)."""
    _, db = trending
    run = db.execute("SELECT * FROM runs WHERE name = 'tfidf-hgb' ORDER BY started_at").fetchone()
    assert "HistGradientBoostingClassifier" in run["source"], run["source"][:200]
    recorded = {r["key"]: r["last"] for r in db.execute("SELECT key, last FROM metric_summary WHERE run_id = ? AND key NOT LIKE 'system/%'", (run["id"],))}
    assert "eval/macro_f1" in recorded and recorded["eval/macro_f1"] == pytest.approx(recorded["macro_f1"])


def history(db, run_name, key):
    """A metric's values by step, read from the store's column chunks (little-endian float64)."""
    run = db.execute("SELECT id FROM runs WHERE name = ? ORDER BY started_at DESC", (run_name,)).fetchone()
    assert run is not None, f"no run {run_name}"
    points = []
    for chunk in db.execute("SELECT n, steps, vals FROM metric_chunks WHERE run_id = ? AND key = ?", (run["id"], key)):
        points += zip(struct.unpack(f"<{chunk['n']}d", chunk["steps"]), struct.unpack(f"<{chunk['n']}d", chunk["vals"]))
    return [v for _, v in sorted(points)]


def test_each_model_family_is_evaluated_into_its_run(trending):
    """03 calls evaluate() for each family: metrics, figures and tables land in each run, side by side comparable."""
    executed, db = trending
    for name in ("tfidf-nb", "tfidf-lr", "tfidf-hgb"):
        run = db.execute("SELECT id FROM runs WHERE name = ? ORDER BY started_at DESC", (name,)).fetchone()
        media = {(r["key"], r["kind"]) for r in db.execute("SELECT key, kind FROM media WHERE run_id = ?", (run["id"],))}
        for item in [("eval/confusion_matrix", "figure"), ("eval/roc_curve", "figure"), ("eval/pr_curve", "figure"), ("eval/calibration_curve", "figure"),
                     ("eval/worst_errors", "table"), ("eval/per_class", "table"), ("eval/classification_report", "text")]:
            assert item in media, (name, item, sorted(media))
        if name != "tfidf-nb":  # naive Bayes has no importance of its own
            assert ("eval/feature_importance", "figure") in media, (name, sorted(media))
        # evaluate's macro-F1 is the one the cell logged by hand.
        assert metric(db, run["id"], "eval/macro_f1") == pytest.approx(metric(db, run["id"], "macro_f1"))
        assert metric(db, run["id"], "eval/latency_ms_per_row") > 0 and metric(db, run["id"], "eval/model_size") > 0
    # The fine-tuned MiniLM is evaluated into its run the same way: the "boosted trees vs. BERT" comparison.
    run = db.execute("SELECT id FROM runs WHERE name = 'minilm-finetune' ORDER BY started_at DESC").fetchone()
    media = {(r["key"], r["kind"]) for r in db.execute("SELECT key, kind FROM media WHERE run_id = ?", (run["id"],))}
    assert {("eval/confusion_matrix", "figure"), ("eval/worst_errors", "table"), ("eval/calibration_curve", "figure")} <= media, sorted(media)
    assert metric(db, run["id"], "eval/macro_f1") == pytest.approx(metric(db, run["id"], "minilm_macro_f1"))
    # The comparison table of the three families is shown, with the logistic regression's evaluation inline.
    code = [c for c in executed["03-models"].cells if c.cell_type == "code"]
    shown = [o["data"]["text/plain"] for c in code for o in c.outputs if o.output_type == "execute_result"]
    assert any("naive Bayes" in t and "boosted trees" in t and "log_loss" in t for t in shown), shown


def test_boosted_trees_train_on_sparse_tfidf_and_show_their_top_words(trending):
    executed, db = trending
    run = db.execute("SELECT id FROM runs WHERE name = 'tfidf-hgb' ORDER BY started_at DESC").fetchone()
    params = {r["key"]: json.loads(r["value"]) for r in db.execute("SELECT key, value FROM params WHERE run_id = ?", (run["id"],))}
    assert params["sparse"] is True and params["features"] > 2000, params
    figures = [o for c in executed["03-models"].cells if c.cell_type == "code" for o in c.outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    # Not every figure has a title (the %compare cell's metric bars are titled by their axes).
    titles = [f["data"]["application/vnd.plotly.v1+json"]["layout"].get("title", {}).get("text") for f in figures]
    assert "Top 15 features by gain" in titles, titles


def test_debugging_shows_trees_overfitting_and_each_fix_as_a_run(trending):
    _, db = trending
    loss, val = history(db, "trees-overfit", "loss"), history(db, "trees-overfit", "val_loss")
    assert len(loss) == len(val) == 15
    # Training loss falls all the way; validation loss turns upward after its best round.
    assert all(b < a for a, b in zip(loss, loss[1:])), loss
    assert val[-1] > min(val) and val.index(min(val)) < len(val) - 1, val
    for name in ["trees-depth-3", "trees-lambda", "trees-subsample", "trees-early-stopping"]:
        assert history(db, name, "val_loss"), f"{name} logged no validation curve"
    stopped = history(db, "trees-early-stopping", "val_loss")
    # Early stopping ended training within nIterNoChange (5) rounds of the best validation loss, well before 200.
    assert len(stopped) < 200 and len(stopped) - 1 - stopped.index(min(stopped)) <= 5, stopped


def outputs_of(nb, needle):
    """The text outputs (results and streams) of the one code cell whose source contains `needle`."""
    cells = [c for c in nb.cells if c.cell_type == "code" and needle in c.source]
    assert len(cells) == 1, f"{len(cells)} cells contain {needle!r}"
    texts = []
    for o in cells[0].outputs:
        if o.output_type == "execute_result":
            texts.append(o.data["text/plain"])
        elif o.output_type == "stream":
            texts.append(o.text)
    return "\n".join(texts)


def run_metrics(db, name):
    run = db.execute("SELECT id FROM runs WHERE name = ? ORDER BY started_at DESC", (name,)).fetchone()
    assert run is not None, f"no run {name}"
    return {r["key"]: r for r in db.execute("SELECT key, last, min, max, count, last_step FROM metric_summary WHERE run_id = ?", (run["id"],))}


def test_04_fine_tunes_minilm_and_compares_it_with_tfidf_on_the_same_passages(trending):
    executed, db = trending
    m = run_metrics(db, "minilm-finetune")
    steps = m["steps"]["last"]
    # Every optimiser step logged its loss, learning rate and gradient norm.
    for key in ("step_loss", "learning_rate", "grad_norm"):
        assert (m[key]["count"], m[key]["last_step"]) == (steps, steps), key
    assert m["loss"]["count"] == 2, "two epochs at CI size"
    for key in ("minilm_macro_f1", "tfidf_lr_macro_f1", "minilm_accuracy", "tfidf_lr_accuracy"):
        assert 0 <= m[key]["last"] <= 1
    # Fine-tuning learned something: far above the 1-in-15 of guessing a genre.
    assert m["minilm_accuracy"]["last"] > 2 / 15
    out = outputs_of(executed["04-neural"], "%%track minilm-finetune")
    assert f"MiniLM macro-F1 {m['minilm_macro_f1']['last']:.3f}" in out
    assert "were longer than maxLength 64 tokens and were truncated" in out, "the prose promises the warning counts the cut passages"


def test_06_diagnoses_the_broken_mlp_by_its_dead_units_not_its_gradient_norms(trending):
    executed, db = trending
    nb = executed["06-debugging"]
    broken_loss, sane_loss = history(db, "mlp-lr-too-high", "loss"), history(db, "mlp-sane", "loss")
    assert len(broken_loss) == len(sane_loss) == 6
    assert min(broken_loss) > 1000 and max(sane_loss) < 10, "the prose: its loss starts in the thousands and stays there"
    norms = outputs_of(nb, "gradientNorms(sane, probe, probeY)")
    sane, broken = (float(v) for v in re.findall(r"dense_1: ([0-9.e-]+)", norms))
    assert broken < sane / 5, "the prose says the broken first layer's gradient is far smaller, not larger"
    dead = re.search(r"dead hidden units: sane (\d+) of (\d+), broken (\d+) of (\d+)", outputs_of(nb, "deadUnits(sane, probe)"))
    assert dead is not None
    sane_dead, units, broken_dead, _ = (int(v) for v in dead.groups())
    assert broken_dead == units == 32 and sane_dead < units / 4, dead.group(0)
    caught = outputs_of(nb, "new NonFiniteCheck({ throwOnFind: false })")
    assert re.search(r"became non-finite at step \d+ \(epoch \d+, batch \d+\) in layer dense_1", caught), caught


def test_06_fine_tune_with_too_high_a_learning_rate_is_diagnosed_from_loss_and_gradient_norm_curves(trending):
    executed, db = trending
    out = outputs_of(executed["06-debugging"], "%%track minilm-lr-too-high")
    assert re.search(r"\d+ of 64 texts were longer than maxLength 48 tokens and were truncated", out), "the prose: the warning counts the cut passages"
    high, fixed = run_metrics(db, "minilm-lr-too-high"), run_metrics(db, "minilm-lr-fixed")
    for m in (high, fixed):
        # The summary the cell logs is read off the logged curves.
        assert m["max_grad_norm"]["last"] == pytest.approx(m["grad_norm"]["max"], rel=1e-6)
        assert m["min_epoch_loss"]["last"] == pytest.approx(m["loss"]["min"], rel=1e-6)
        assert m["step_loss"]["count"] == m["grad_norm"]["count"] == 24, "3 epochs of 8 steps, every step logged"
    chance = high["chance_loss"]["last"]
    # No epoch of the broken fine-tune gets below the chance loss; its gradient norm jumps > 5-fold.
    assert high["min_epoch_loss"]["last"] > chance
    assert high["max_grad_norm"]["last"] > 5 * high["first_grad_norm"]["last"]
    assert high["grad_norm"]["min"] > 1, "every step above clipNorm 1.0, so every step was clipped"
    assert high["test_accuracy"]["last"] <= 0.34, "at chance level (0.25) for four genres"
    # The fix: the loss falls below chance, its last epoch under 60 % of its first; norms never reach 4× the first step.
    assert fixed["last_epoch_loss"]["last"] < min(chance, 0.6 * fixed["first_epoch_loss"]["last"])
    assert fixed["max_grad_norm"]["last"] < 4 * fixed["first_grad_norm"]["last"]
    assert fixed["test_accuracy"]["last"] > high["test_accuracy"]["last"]
