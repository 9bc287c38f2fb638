"""%automl through the kernel: a leaderboard as the cell's result, every trial a run, an interrupt that keeps the best so far."""
import sqlite3
import time

from kernel_helpers import collect, run, shell_reply

DATA = """
import { Random } from "modelbench";
const rng = new Random(4);
const rows = Array.from({ length: 400 }, (_, i) => {
  const a = rng.float() * 4 - 2, b = rng.float() * 4 - 2, c = ["x", "y", "z"][rng.int(3)];
  return { a, b, c, id: i, label: 1.5 * a - b + (c === "z" ? 1 : 0) + rng.float() - 0.5 > 0.3 ? "pos" : "neg" };
});
const train = rows.slice(0, 300), test = rows.slice(300);
"""


def test_automl_shows_a_leaderboard_tracks_each_trial_and_registers_the_winner(kernel, store_path):
    _, kc = kernel
    reply, _ = run(kc, DATA)
    assert reply["content"]["status"] == "ok", reply["content"]
    reply, outs = run(kc, "%automl train --target label --time 4s --families lr,tree,gbdt --ignore id --test test --register toy-automl --name am-kernel")
    assert reply["content"]["status"] == "ok", reply["content"]
    text = [m for m in outs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]
    assert "AutoML am-kernel: classification of 'label', f1_macro by 5-fold CV" in text
    assert "baseline: most frequent class" in text and "registered as toy-automl v1 (@automl)" in text
    assert "On the held-out rows, scored once: f1_macro" in text
    db = sqlite3.connect(store_path)
    (automl_id,) = db.execute("SELECT id FROM runs WHERE name = 'am-kernel' AND EXISTS (SELECT 1 FROM json_each(tags) WHERE value = 'automl')").fetchone()
    (n,) = db.execute("SELECT COUNT(*) FROM runs WHERE parent_id = ? AND EXISTS (SELECT 1 FROM json_each(tags) WHERE value = 'trial')", (automl_id,)).fetchone()
    (trials,) = db.execute("SELECT COUNT(*) FROM trials t JOIN studies s ON s.id = t.study_id WHERE s.name = 'am-kernel'").fetchone()
    assert n == trials >= 3
    reply, outs = run(kc, 'import { loadModel } from "modelbench";\n((await loadModel("toy-automl@automl")).value as any).predict(test).length')
    assert reply["content"]["status"] == "ok", reply["content"]
    assert [m for m in outs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"] == "100"


def test_an_interrupt_ends_the_search_with_the_best_so_far(kernel, store_path):
    km, kc = kernel
    reply, _ = run(kc, DATA)
    msg_id = kc.execute("%automl train --target label --time 120s --ignore id --name am-interrupted")
    time.sleep(6.0)
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=60)
    outs = collect(kc, msg_id)
    assert reply["content"]["status"] == "ok", reply["content"]
    text = [m for m in outs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]
    assert "(interrupted: best so far kept)" in text
    db = sqlite3.connect(store_path)
    assert db.execute("SELECT status FROM runs WHERE name = 'am-interrupted' AND EXISTS (SELECT 1 FROM json_each(tags) WHERE value = 'automl')").fetchone()[0] == "killed"


def test_bad_automl_lines_are_clear_errors(kernel):
    _, kc = kernel
    run(kc, DATA)
    for line, needle in [
        ("%automl train", "%automl needs --target"),
        ("%automl train --target genre", "no target column 'genre'"),
        ("%automl train --target label --families lr,xgb", "unknown family 'xgb'"),
        ("%automl train --target label --time 0.1s", "too small for any fit"),
    ]:
        reply, _ = run(kc, line)
        assert reply["content"]["status"] == "error", line
        assert needle in reply["content"]["evalue"], reply["content"]
