"""%baseline through the kernel: every baseline tracked as a run, a leaderboard with human references."""
import json
import sqlite3

import pytest

from kernel_helpers import assert_error, run

PLOTS = """
const genres = ["science_fiction", "romance", "mystery", "science_fiction", "romance", "science_fiction"];
const cue: Record<string, string> = { science_fiction: "a space ship", romance: "a love letter", mystery: "a detective" };
const rows = Array.from({ length: 48 }, (_, i) => {
  const genre = genres[i % genres.length];
  return { plot: `${i % 5 === 0 ? "a quiet day" : cue[genre]} in chapter ${i}`, genre, year: 1900 + ((i * 37) % 100) + 0.5 };
});
import * as aq from "arquero";
const plots = aq.from(rows);
const rules = [{ when: ["space", "ship"], then: "science_fiction" }, { when: ["love"], then: "romance" }, { any: ["detective", "murder"], then: "mystery" }];
const topics = rows.map((r, i) => ({ text: r.plot, tags: i % 3 ? [r.genre] : [r.genre, "classic"] }));
"""


def baseline_runs(store_path, tag="baseline"):
    db = sqlite3.connect(store_path)
    db.row_factory = sqlite3.Row
    rows = db.execute(
        "SELECT * FROM runs WHERE EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE value = ?) ORDER BY started_at", (tag,)
    ).fetchall()
    return [dict(r) for r in rows]


def metric(store_path, run_id, key):
    db = sqlite3.connect(store_path)
    row = db.execute("SELECT last FROM metric_summary WHERE run_id = ? AND key = ?", (run_id, key)).fetchone()
    return row and row[0]


def params(store_path, run_id):
    db = sqlite3.connect(store_path)
    return {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM params WHERE run_id = ?", (run_id,)).fetchall()}


@pytest.fixture(scope="module")
def data(kernel):
    _, kc = kernel
    reply, _ = run(kc, PLOTS)
    assert reply["content"]["status"] == "ok", reply["content"]
    return kc


def test_baseline_tracks_every_classifier_baseline_and_ranks_them_with_the_human_reference(data, store_path):
    kc = data
    reply, outs = run(kc, "import { humanReference } from 'modelbench';\nawait humanReference({ name: 'human', metrics: { macro_f1: 0.9 }, note: 'two readers, 48 plots' })")
    assert reply["content"]["status"] == "ok", reply["content"]
    reply, outs = run(kc, "%baseline plots --target genre --text plot --rules rules --metric macro_f1 --split 0.25 --seed 3")
    assert reply["content"]["status"] == "ok", reply["content"]
    runs = {r["name"]: r for r in baseline_runs(store_path)}
    assert set(runs) == {f"baseline/{s}" for s in ["most_frequent", "prior", "stratified", "uniform", "keyword_rules"]}
    assert all(r["status"] == "finished" for r in runs.values())
    rules_run = runs["baseline/keyword_rules"]
    p = params(store_path, rules_run["id"])
    assert p["target"] == "genre" and p["n_test"] == 12 and p["n_train"] == 36 and p["seed"] == 3
    assert p["rules"][0] == {"when": ["space", "ship"], "then": "science_fiction"}
    assert "%baseline plots" in rules_run["source"]
    # The leaderboard: ranked by macro_f1, the human reference among the baselines.
    [result] = [m["content"]["data"] for m in outs if m["msg_type"] == "execute_result"]
    text = result["text/plain"]
    assert "Leaderboard by macro_f1" in text and "<table" in result["text/html"]
    order = [line.split()[1] for line in text.splitlines()[1:] if line[:1].isdigit()]
    scores = {name: metric(store_path, r["id"], "macro_f1") for name, r in runs.items()}
    scores["human"] = 0.9
    assert sorted(order) == sorted(scores)
    ranked = [scores[n] for n in order]
    assert ranked == sorted(ranked, reverse=True)
    assert scores["baseline/keyword_rules"] > scores["baseline/most_frequent"]
    # ...and as bars, best on top.
    [fig] = [m["content"]["data"]["application/vnd.plotly.v1+json"] for m in outs if m["msg_type"] == "display_data"]
    assert fig["data"][0]["y"][::-1] == order
    assert len(fig["data"][0]["y"]) == 6


def test_multilabel_target_and_a_test_table(data, store_path):
    kc = data
    run(kc, "const trainTopics = topics.slice(0, 36), testTopics = topics.slice(36)")
    reply, outs = run(kc, "%baseline trainTopics --target tags --test testTopics --metric micro_f1 --tags ml")
    assert reply["content"]["status"] == "ok", reply["content"]
    runs = baseline_runs(store_path, "ml")
    assert len(runs) == 4
    for r in runs:
        p = params(store_path, r["id"])
        assert p["task"] == "multilabel" and p["n_test"] == 12 and p["test"] == "table"
        assert metric(store_path, r["id"], "hamming_loss") is not None


def test_regression_target(data, store_path):
    kc = data
    reply, outs = run(kc, "%baseline rows --target year --metric mae --tags reg")
    assert reply["content"]["status"] == "ok", reply["content"]
    names = sorted(r["name"] for r in baseline_runs(store_path, "reg"))
    assert names == ["baseline/mean", "baseline/median", "baseline/quantile_0.9"]


@pytest.mark.parametrize(
    "code,ename,needle",
    [
        ("%baseline", "UsageError", "needs the table"),
        ("%baseline plots", "UsageError", "needs --target"),
        ("%baseline plotz --target genre", "UsageError", "no variable 'plotz'"),
        ("%baseline genres --target genre", "InvalidInputError", "array table holds one object per row"),
        ("%baseline cue --target genre", "UsageError", "not a table"),
        ("%baseline plots --target genr", "InvalidInputError", "no column 'genr'"),
        ("%baseline plots --target genre --metric rmse", "InvalidInputError", "use one of accuracy, macro_f1"),
        ("%baseline plots --target genre --rules rules", "UsageError", "--rules needs --text"),
        ("%baseline plots --target genre --text plot --rules nothing", "UsageError", "no variable 'nothing'"),
        ("%baseline plots --target genre --split 0.2 --test plots", "UsageError", "not both"),
        ("%baseline plots --target genre --split 2", "InvalidInputError", "between 0 and 1"),
        ("%baseline plots --target genre --seed x", "UsageError", "wants an integer"),
        ("%baseline plots --target genre --task clustering", "UsageError", "--task is classification"),
        ("%baseline plots --target genre --text plot --rules 'love romance'", "UsageError", "variable name or rule text"),
        ("%baseline plots --target genre --text plot --rules '\"love\" -> scifi'", "InvalidInputError", "never occurs in y"),
    ],
)
def test_wrong_arguments_are_clear_errors(data, code, ename, needle):
    assert_error(run(data, code)[0], ename, needle)


def test_a_person_labels_through_input_and_becomes_the_human_reference(kernel, store_path, tmp_path):
    """labelSample with the kernel's input(): each question is an input_request on the stdin channel;
    the answers land in the labels file and the score becomes the human reference row."""
    from kernel_helpers import collect, result_of, shell_reply

    _, kc = kernel
    labels_file = tmp_path / "labels.json"
    code = PLOTS + f"""
import {{ labelSample }} from "modelbench";
const r = await labelSample({{ texts: rows.map((r) => r.plot), labels: rows.map((r) => r.genre), ask: input,
  file: {json.dumps(str(labels_file))}, n: 12, annotator: "protocol-test" }});
[r.answers.length, r.metrics.accuracy, r.run?.name]
"""
    msg_id = kc.execute(code, allow_stdin=True)
    answered = 0
    shown = []
    while True:
        try:
            req = kc.stdin_channel.get_msg(timeout=5)
        except Exception:
            break
        assert req["header"]["msg_type"] == "input_request"
        assert req["parent_header"]["msg_id"] == msg_id
        assert req["content"]["prompt"] == "genre? "
        # A reader who always says "romance", except one non-answer that must be asked again.
        kc.input("not-a-genre" if answered == 3 and not shown else "romance")
        if answered == 3 and not shown:
            shown.append(True)
            continue
        answered += 1
    reply = shell_reply(kc, msg_id)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert answered == 12
    saved = json.loads(labels_file.read_text())
    truths = [a["truth"] for a in saved["answers"]]
    assert [a["answer"] for a in saved["answers"]] == ["romance"] * 12
    accuracy = truths.count("romance") / 12
    shown_accuracy = str(int(accuracy)) if accuracy.is_integer() else repr(accuracy)
    assert result_of(collect(kc, msg_id)) == f"[ 12, {shown_accuracy}, 'human' ]"
    human = baseline_runs(store_path, "human")
    assert human, "the human reference run was recorded"
    assert abs(metric(store_path, human[-1]["id"], "accuracy") - accuracy) < 1e-12
