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
    assert [p.stem for p in TRENDING] == ["01-eda", "02-baselines", "03-models", "04-neural", "05-tuning", "06-debugging", "07-automl"]


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


def study_trials(db, name):
    study = db.execute("SELECT * FROM studies WHERE name = ?", (name,)).fetchone()
    assert study is not None, f"no study {name}"
    rows = db.execute("SELECT * FROM trials WHERE study_id = ? AND warm = 0 ORDER BY number", (study["id"],)).fetchall()
    return study, [{**dict(r), "params": json.loads(r["params"]), "intermediate": {int(k): v for k, v in json.loads(r["intermediate"]).items()}} for r in rows]


def run_params(db, name):
    run = db.execute("SELECT id FROM runs WHERE name = ? ORDER BY started_at DESC", (name,)).fetchone()
    assert run is not None, f"no run {name}"
    return {r["key"]: json.loads(r["value"]) for r in db.execute("SELECT key, value FROM params WHERE run_id = ?", (run["id"],))}


def markdown_of(nb, heading):
    cells = [c.source for c in nb.cells if c.cell_type == "markdown" and heading in c.source]
    assert len(cells) == 1, f"{len(cells)} markdown cells contain {heading!r}"
    return " ".join(cells[0].split())


HYPERBAND = {"trees-hyperband": [3, 9, 27], "net-hyperband": [1, 3, 9]}


def test_05_tunes_trees_and_network_with_hyperband_on_rounds_and_epochs_cross_validated_by_text(trending):
    executed, db = trending
    for name, budgets in HYPERBAND.items():
        study, trials = study_trials(db, name)
        assert study["pruner"] == "hyperband" and study["metric"] == "cv_macro_f1", dict(study)
        states = [t["state"] for t in trials]
        assert "complete" in states and "pruned" in states, (name, states)
        for t in trials:
            steps = sorted(t["intermediate"])
            # Scores come at the budgets (rounds or epochs), in order, and a trial stops only where Hyperband said so.
            assert steps == budgets[: len(steps)], (name, t["number"], steps)
            if t["state"] == "complete":
                assert steps == budgets, (name, t["number"], steps)
                # A trial's value is its best budget's score; that budget is what best_budget logged.
                assert t["value"] == pytest.approx(max(t["intermediate"].values()))
                best_budget = max(steps, key=lambda s: t["intermediate"][s])
                assert metric(db, t["run_id"], "best_budget") == best_budget
        # The closing text: Hyperband stopped some trials after the first budget and others after the second.
        stopped = {len(t["intermediate"]) for t in trials if t["state"] == "pruned"}
        assert {1, 2} <= stopped, (name, stopped)
    assert "Hyperband stopped some trials after the first budget and others after the second" in markdown_of(executed["05-tuning"], "What we learned")
    # The folds are groups of texts: three folds of the 375 tuning texts' passages.
    assert "1125 tuning passages from 375 texts" in outputs_of(executed["05-tuning"], "new GroupKFold({ nSplits: 3 })")


def test_05_says_which_parameter_mattered_as_the_sweeps_trials_measured_it(trending):
    executed, db = trending
    nb = executed["05-tuning"]
    summary = run_metrics(db, "tuning-summary")
    out = outputs_of(nb, "%%track tuning-summary")
    names = {"learningRate": "the learning rate", "maxDepth": "the depth", "batchSize": "the batch size"}
    top = {}
    for family, name in (("trees", "trees-hyperband"), ("network", "net-hyperband")):
        study, trials = study_trials(db, name)
        space = [p["name"] for p in json.loads(study["space"])]
        importance = {k.split(".")[-1]: m["last"] for k, m in summary.items() if k.startswith(f"importance.{family}.")}
        # One importance per parameter of the sweep's space, summing to one (fANOVA's normalisation).
        assert sorted(importance) == sorted(space), (family, importance, space)
        assert sum(importance.values()) == pytest.approx(1)
        top[family] = max(importance, key=importance.get)
        complete = [t for t in trials if t["state"] == "complete"]
        assert f"{family}: {names[top[family]]} mattered most (importance {importance[top[family]]:.2f} over {len(complete)} complete trials)" in out, out
        best = max(complete, key=lambda t: t["value"])
        assert summary[f"cv_macro_f1.{family}"]["last"] == pytest.approx(best["value"])
    # The closing text names the learning rate for both families.
    learned = markdown_of(nb, "What we learned")
    assert "the learning rate mattered most for both families" in learned
    assert top == {"trees": "learningRate", "network": "learningRate"}, top


def test_05_pbt_and_random_search_spend_the_same_compute_and_the_verdict_is_the_stores(trending):
    executed, db = trending
    nb = executed["05-tuning"]
    out = outputs_of(nb, "%%track pbt-vs-random")
    verdicts, winners = {}, {}
    for every, rounds in ((2, 6), (4, 3)):
        pbt_study, members = study_trials(db, f"net-pbt-every-{every}")
        _, randoms = study_trials(db, f"net-random-every-{every}")
        assert len(members) == len(randoms) == 8 and all(t["state"] == "complete" for t in members + randoms)
        # Same compute: every line and every random trial is 12 epochs, scored every `every` epochs.
        for t in members + randoms:
            assert sorted(t["intermediate"]) == [every * (k + 1) for k in range(rounds)], t["intermediate"]
        # The same starting draws: PBT member i starts where random trial i is.
        initial = {t["number"]: run_params(db, db.execute("SELECT name FROM runs WHERE id = ?", (t["run_id"],)).fetchone()["name"])["pbt_initial"] for t in members}
        assert [initial[t["number"]] for t in members] == [r["params"] for r in randoms]
        copies = db.execute("SELECT COUNT(*) FROM metric_summary WHERE key = 'pbt.copied_from' AND run_id IN (SELECT run_id FROM trials WHERE study_id = ?)", (pbt_study["id"],)).fetchone()[0]
        assert copies > 0, "PBT copied no checkpoint"
        # The winners by validation score, and their scores on the check texts, as the cell printed them.
        best_pbt, best_random = max(members, key=lambda t: t["value"]), max(randoms, key=lambda t: t["value"])
        pbt_check, random_check = metric(db, best_pbt["run_id"], "check_macro_f1"), metric(db, best_random["run_id"], "check_macro_f1")
        word = lambda a, b: "beat" if a > b else "did not beat"
        line = (f"copying every {every} epochs: on the validation texts PBT {word(best_pbt['value'], best_random['value'])} random search, "
                f"{best_pbt['value']:.3f} against {best_random['value']:.3f}")
        assert line in out, (line, out)
        assert f"on the check texts PBT {word(pbt_check, random_check)} it, {pbt_check:.3f} against {random_check:.3f}" in out, out
        verdicts[every] = (best_pbt["value"] > best_random["value"], pbt_check > random_check)
        copied = {t["number"]: db.execute("SELECT last, last_step FROM metric_summary WHERE run_id = ? AND key = 'pbt.copied_from'", (t["run_id"],)).fetchone() for t in members}
        winners[every] = (best_pbt, best_random, copied)
    # The closing text: copying every 2 epochs lost on both sets, every 4 epochs won on both.
    learned = markdown_of(nb, "What we learned")
    assert "Copying every 2 epochs PBT lost to the random search on both" in learned and "Copying every 4 epochs it won on both" in learned
    assert verdicts == {2: (False, False), 4: (True, True)}, verdicts
    # Every 2 epochs: the random search's winner, as the PBT member with the same start, was overwritten by a copy.
    _, best_random, copied = winners[2]
    assert "was, as a PBT member, overwritten by a copy" in learned and copied[best_random["number"]] is not None
    # Every 4 epochs: PBT's winner took the random winner's weights after 4 epochs and went on with a lower learning rate.
    best_pbt, best_random, copied = winners[4]
    assert "took the random search's winner's weights after 4 epochs and went on with a lower learning rate" in learned
    assert (copied[best_pbt["number"]]["last"], copied[best_pbt["number"]]["last_step"]) == (best_random["number"], 4), dict(copied[best_pbt["number"]] or {})
    final_lr = run_params(db, db.execute("SELECT name FROM runs WHERE id = ?", (best_pbt["run_id"],)).fetchone()["name"])["learningRate"]
    assert final_lr < best_random["params"]["learningRate"], (final_lr, best_random["params"])


def test_05_the_champion_is_the_better_family_by_cross_validation_scored_once_on_the_test_texts(trending):
    executed, db = trending
    nb = executed["05-tuning"]
    best = {name: max(t["value"] for t in study_trials(db, name)[1] if t["state"] == "complete") for name in HYPERBAND}
    family = "trees" if best["trees-hyperband"] >= best["net-hyperband"] else "network"
    params = run_params(db, "tuned-champion")
    assert params["family"] == family and params["cv_macro_f1"] == pytest.approx(max(best.values())), params
    assert params["model"] == {"trees": "HistGradientBoostingClassifier", "network": "MLPClassifier"}[family]
    champion = run_metrics(db, "tuned-champion")
    assert champion["macro_f1"]["count"] == 1, "scored once on the test texts"
    # The closing sentence: where the tuned model lands among the baselines and the untuned models.
    tuned = champion["macro_f1"]["last"]
    untuned = {n: run_metrics(db, n)["macro_f1"]["last"] for n in ("tfidf-nb", "tfidf-lr", "tfidf-hgb", "text-net")}
    above = sorted(n for n, v in untuned.items() if v > tuned)
    out = outputs_of(nb, "const untuned = scored.filter")
    assert f"tuned {family}: test macro-F1 {tuned:.3f}" in out and f"untuned models above it: " in out, out
    assert sorted(out.split("untuned models above it: ")[1].strip("'\" \n").split(", ")) == above, (out, above)
    learned = markdown_of(nb, "What we learned")
    assert "The network cross-validated better than the trees" in learned and family == "network"
    assert "beats every baseline but lands below the untuned logistic regression and naive Bayes of 03" in learned
    assert above == ["tfidf-lr", "tfidf-nb"], above
    baselines = [metric(db, r["id"], "macro_f1") for r in db.execute("SELECT id, tags FROM runs").fetchall() if "baseline" in json.loads(r["tags"])]
    assert tuned > max(b for b in baselines if b is not None)
    # 06 rebuilds the champion's features from its run and gets the score its run logged.
    shown = outputs_of(executed["06-debugging"], "champion macro-F1 on the test texts")
    got, logged = re.search(r"test texts: ([0-9.]+) \(its run logged ([0-9.]+)\)", shown).groups()
    assert got == logged == f"{tuned:.3f}", shown


def test_07_automl_searches_by_text_and_is_compared_with_the_champion_on_the_same_held_out_texts(trending):
    executed, db = trending
    nb = executed["07-automl"]
    run = db.execute("SELECT * FROM runs WHERE name = 'automl-genre' AND EXISTS (SELECT 1 FROM json_each(tags) WHERE value = 'automl')").fetchone()
    assert run is not None and run["status"] == "finished", run and dict(run)
    params = run_params(db, "automl-genre")
    assert params["groups"] == "file" and params["text"] == "text" and params["metric"] == "f1_macro" and params["time_budget_s"] == 60
    assert params["winner"] in {"nb", "lr", "gbdt", "mlp"}, params
    m = {r["key"]: r["last"] for r in db.execute("SELECT key, last FROM metric_summary WHERE run_id = ?", (run["id"],))}
    # Every trial a run under it, the one minute kept (within 10% or one trial).
    trials = db.execute("SELECT t.* FROM trials t JOIN studies s ON s.id = t.study_id WHERE s.name = 'automl-genre'").fetchall()
    children = db.execute("SELECT COUNT(*) FROM runs WHERE parent_id = ? AND EXISTS (SELECT 1 FROM json_each(tags) WHERE value = 'trial')", (run["id"],)).fetchone()[0]
    assert len(trials) == children == m["trials"] >= 4, (len(trials), children, m["trials"])
    longest = max((t["ended_at"] - t["started_at"]) / 1000 for t in trials if t["ended_at"])
    assert m["search_seconds"] <= max(66, 60 + longest + 1), (m["search_seconds"], longest)
    families = {json.loads(t["params"])["family"] for t in trials}
    # Cheap families first, the dear ones as the minute allows (their cost is estimated from the first trials).
    assert {"nb", "lr"} <= families <= {"nb", "lr", "gbdt", "mlp"} and len(families) >= 3, families
    # Its leaderboard names each family it tried, and the baseline.
    board = outputs_of(nb, "%automl train")
    for title in ("multinomial naive Bayes", "logistic regression", "gradient-boosted trees", "neural network (MLP)", "baseline: most frequent class"):
        assert title in board, title
    # The comparison sentence is the store's: the same held-out texts (05's split), each scored once.
    champion = db.execute("SELECT v.run_id FROM model_aliases a JOIN model_versions v ON v.name = a.name AND v.version = a.version WHERE a.name = 'genre' AND a.alias = 'champion'").fetchone()["run_id"]
    tuned = metric(db, champion, "macro_f1")
    auto = m["test_f1_macro"]
    said = outputs_of(nb, "AutoML is ahead by")
    assert f"scores macro-F1 {auto:.3f} against the hand-tuned champion's {tuned:.3f}" in said, said
    gap = auto - tuned
    verdict = "a tie within 0.01." if abs(gap) < 0.01 else f"AutoML is ahead by {gap:.3f}." if gap > 0 else f"the champion is ahead by {-gap:.3f}."
    assert said.strip().strip("'\"").endswith(verdict), (said, verdict)
    # The held-out table is the champion's test split: same rows, by the data digest both record.
    digests = [r["path"] for r in db.execute("SELECT path FROM data WHERE run_id = ?", (run["id"],))]
    test_rows = int(re.search(r"held-out table \((\d+) rows\)", " ".join(digests)).group(1))
    champion_test = outputs_of(executed["05-tuning"], "%%track tuned-champion")
    assert f"scored on {test_rows} test passages" in champion_test, (champion_test, test_rows)
    # Both stay registered: genre@automl is this run's version, genre@champion 05's.
    automl_version = db.execute("SELECT v.run_id FROM model_aliases a JOIN model_versions v ON v.name = a.name AND v.version = a.version WHERE a.name = 'genre' AND a.alias = 'automl'").fetchone()
    assert automl_version["run_id"] == run["id"] and champion != run["id"]
    learned = markdown_of(nb, "What we learned")
    assert "Both models stay in the registry (`genre@champion`, `genre@automl`)" in learned
    assert "cv_macro_f1" in outputs_of(nb, "const automlRun")
