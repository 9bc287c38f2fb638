"""Tracking through the kernel: %%track and spans record status, code and metrics in the store."""
import json
import sqlite3
import time

import pytest

from kernel_helpers import assert_error, collect, result_of, run, shell_reply, text_of

RUN_LINK = "application/vnd.modelbench.run+json"



def runs_by_name(store_path, name):
    db = sqlite3.connect(store_path)
    db.row_factory = sqlite3.Row
    rows = db.execute("SELECT * FROM runs WHERE name = ? ORDER BY started_at", (name,)).fetchall()
    return [dict(r) for r in rows]


def summary(store_path, run_id, key):
    db = sqlite3.connect(store_path)
    return db.execute("SELECT last, count FROM metric_summary WHERE run_id = ? AND key = ?", (run_id, key)).fetchone()


def test_track_cell_records_params_metrics_code_and_finishes(kernel, store_path):
    _, kc = kernel
    cell = "%%track lr-baseline --tags tfidf,lr\nparam({ C: 1.0 })\nfor (let epoch = 0; epoch < 50; epoch++) log({ loss: 1 / (epoch + 1) })\n'done'"
    reply, outs = run(kc, cell)
    assert reply["content"]["status"] == "ok"
    assert result_of(outs) == "'done'"
    [link] = [m["content"]["data"] for m in outs if m["msg_type"] == "display_data" and RUN_LINK in m["content"]["data"]]
    assert link["text/plain"].startswith("run lr-baseline (") and " finished in " in link["text/plain"]
    [r] = runs_by_name(store_path, "lr-baseline")
    assert r["status"] == "finished"
    assert json.loads(r["tags"]) == ["tfidf", "lr"]
    assert "log({ loss: 1 / (epoch + 1) })" in r["source"] and not r["source"].startswith("%%track")
    assert "%%track lr-baseline" in r["notebook"]  # the session's code when no notebook file is known
    assert r["git_commit"] and json.loads(r["env"])["node"].startswith("v")
    assert summary(store_path, r["id"], "loss") == (pytest.approx(0.02), 50)


def test_failed_cell_marks_the_run_failed_with_its_error(kernel, store_path):
    _, kc = kernel
    reply, _ = run(kc, "%%track will-fail\nlog({ x: 1 })\nthrow new RangeError('diverged')")
    assert reply["content"]["ename"] == "RangeError"
    [r] = runs_by_name(store_path, "will-fail")
    assert r["status"] == "failed" and r["error"] == "RangeError: diverged"
    assert summary(store_path, r["id"], "x")[1] == 1


def test_interrupted_cell_marks_the_run_killed(kernel, store_path):
    km, kc = kernel
    msg_id = kc.execute("%%track interrupted\nlog({ started: 1 })\nawait new Promise(() => {})")
    time.sleep(1.0)
    km.interrupt_kernel()
    assert shell_reply(kc, msg_id)["content"]["ename"] == "KeyboardInterrupt"
    collect(kc, msg_id)
    [r] = runs_by_name(store_path, "interrupted")
    assert r["status"] == "killed"


def test_span_over_cells_with_line_magics(kernel, store_path):
    _, kc = kernel
    assert run(kc, "%track span-run --tags multi")[0]["content"]["status"] == "ok"
    run(kc, "%param lr=0.01 layers=[64,32]")
    run(kc, "%log acc=0.8 weird=nan")
    run(kc, "const w = 3\nlog({ acc: 0.85 })")
    reply, outs = run(kc, "%track end")
    [r] = runs_by_name(store_path, "span-run")
    # The closing line links to the run: its id and name for JupyterLab, the line for other frontends.
    [link] = [m["content"]["data"] for m in outs if m["msg_type"] == "display_data" and RUN_LINK in m["content"]["data"]]
    assert link[RUN_LINK]["id"] == r["id"] and link[RUN_LINK]["name"] == "span-run"
    assert "finished" in link["text/plain"] and link[RUN_LINK]["text"] == link["text/plain"]
    assert r["status"] == "finished"
    assert "const w = 3" in r["source"] and "%param lr=0.01" in r["source"]
    db = sqlite3.connect(store_path)
    params = dict(db.execute("SELECT key, value FROM params WHERE run_id = ?", (r["id"],)).fetchall())
    assert params == {"lr": "0.01", "layers": "[64,32]"}
    assert summary(store_path, r["id"], "acc") == (0.85, 2)
    assert summary(store_path, r["id"], "weird") == (None, 1)  # NaN is kept (NULL in SQL)


def test_runs_and_compare_display_tables_and_a_plotly_figure(kernel):
    _, kc = kernel
    run(kc, "%%track cmp-a\nparam({ C: 1 }); for (let i = 0; i < 5; i++) log({ loss: 1 / (i + 1) })")
    run(kc, "%%track cmp-b\nparam({ C: 9 }); for (let i = 0; i < 5; i++) log({ loss: 2 / (i + 1) })")
    reply, outs = run(kc, "%runs name ~ cmp- --sort params.C")
    data = [m for m in outs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert "<table" in data["text/html"]
    assert data["text/plain"].index("cmp-a") < data["text/plain"].index("cmp-b")
    reply, outs = run(kc, "%compare cmp-a cmp-b")
    kinds = [list(m["content"]["data"]) for m in outs if m["msg_type"] == "display_data"]
    assert any("application/vnd.plotly.v1+json" in k for k in kinds)
    html = [m["content"]["data"]["text/html"] for m in outs if m["msg_type"] == "display_data" and "text/html" in m["content"]["data"]][0]
    assert "params.C" in html and "+param({ C: 9 })" in html


def test_registry_round_trip_in_cells(kernel):
    _, kc = kernel
    run(kc, "%%track reg-src\nawait artifact('model', { weights: [0.5, -1] })")
    assert "registered genre/1" in text_of(run(kc, "%registry register genre --run reg-src")[1])
    run(kc, "%registry alias genre champion 1")
    reply, outs = run(kc, "(await loadModel('genre@champion')).value")
    assert result_of(outs) == "{ weights: [ 0.5, -1 ] }"
    assert "made by run reg-src" in text_of(run(kc, "%registry show genre@champion")[1])


@pytest.mark.parametrize(
    "code,ename,needle",
    [
        ("%log x=1", "NoActiveRunError", "needs an active run"),
        ("%log", "UsageError", "needs key=value pairs"),
        ("%%track t-bad\n%log acc=high", "UsageError", "must be a number"),
        ("%runs metrics.f1 >", "QueryError", "expected a value"),
        ("%runs --status done", "UsageError", "unknown status done"),
        ("%compare only-one", "TrackingError", "at least two runs"),
        ("%compare nope-a nope-b", "UnknownRunError", "unknown run 'nope-a'"),
        ("%registry alias genre champion x", "UsageError", "VERSION is a whole number"),
        ("%store mlflow+http://127.0.0.1:2", "StoreError", "cannot reach the MLflow server at http://127.0.0.1:2 (ECONNREFUSED)"),
        ("%store ftp://x", "StoreError", "has no backend"),
        ("%store postgres://nobody@127.0.0.1:1/db", "StoreError", "cannot reach the PostgreSQL store postgres://nobody@127.0.0.1:1/db (ECONNREFUSED)"),
        ("%track end", "UsageError", "no %track span is running"),
        ("%%track g --goal f1=up\n1", "UsageError", "--goal takes metric=min"),
    ],
)
def test_bad_tracking_input_is_a_clear_error(kernel, code, ename, needle):
    _, kc = kernel
    assert_error(run(kc, code)[0], ename, needle)


def test_runtime_death_marks_its_running_run_crashed(kernel, store_path):
    _, kc = kernel
    run(kc, "%track doomed-span")
    run(kc, "log({ before: 1 }); await activeRun()!.flush()")
    reply, _ = run(kc, "process.kill(process.pid, 'SIGKILL')")
    assert reply["content"]["ename"] == "DeadKernelError"
    deadline = time.time() + 5
    while time.time() < deadline and runs_by_name(store_path, "doomed-span")[0]["status"] == "running":
        time.sleep(0.1)
    [r] = runs_by_name(store_path, "doomed-span")
    assert r["status"] == "crashed"
    assert summary(store_path, r["id"], "before") == (1.0, 1)
    assert run(kc, "'fresh runtime'")[0]["content"]["status"] == "ok"


def test_the_library_is_importable_as_modelbench_in_cells(kernel):
    _, kc = kernel
    reply, outs = run(kc, 'import { listRuns, unifiedDiff } from "modelbench";\nconst t = await listRuns({ limit: 1 });\n[Array.isArray(t.runs), typeof unifiedDiff]')
    assert reply["content"]["status"] == "ok", reply["content"]
    assert result_of(outs) == "[ true, 'function' ]"


def test_seed_magic_is_recorded_by_runs(kernel, store_path):
    _, kc = kernel
    assert "seed 42" in text_of(run(kc, "%seed 42")[1])
    run(kc, "%%track seeded\nlog({ x: 1 })")
    run(kc, "%seed off")
    [r] = runs_by_name(store_path, "seeded")
    assert r["seed"] == 42
    assert_error(run(kc, "%seed -3")[0], "UsageError", "whole number from 0 to 4294967295")


def media_of(store_path, run_id):
    db = sqlite3.connect(store_path)
    return db.execute("SELECT key, kind, step, mime FROM media WHERE run_id = ? ORDER BY key, step", (run_id,)).fetchall()


def output_of(store_path, run_id):
    db = sqlite3.connect(store_path)
    return "".join(t for (t,) in db.execute("SELECT text FROM output WHERE run_id = ? ORDER BY rowid", (run_id,)))


def test_tracked_cell_keeps_its_printed_output_and_media(kernel, store_path):
    _, kc = kernel
    cell = (
        "%%track printing-cell\n"
        "console.log('epoch 1 loss 0.5')\n"
        "console.error('careful: slow')\n"
        "await logFigure('eval/curve', { data: [{ type: 'scatter', y: [3, 2, 1] }], layout: { title: { text: 'loss' } } })\n"
        "await logTable('eval/errors', [{ text: 'a b', label: 'x', pred: 'y' }])\n"
        "logText('notes', 'plain words')"
    )
    reply, outs = run(kc, cell)
    assert reply["content"]["status"] == "ok", reply["content"]
    streams = "".join(m["content"]["text"] for m in outs if m["msg_type"] == "stream")
    assert "epoch 1 loss 0.5" in streams and "careful: slow" in streams, "the notebook still shows the output"
    [r] = runs_by_name(store_path, "printing-cell")
    out = output_of(store_path, r["id"])
    assert "epoch 1 loss 0.5\n" in out and "careful: slow\n" in out
    assert media_of(store_path, r["id"]) == [
        ("eval/curve", "figure", 0, "application/vnd.plotly.v1+json"),
        ("eval/errors", "table", 0, "application/json"),
        ("notes", "text", 0, "text/plain"),
    ]
    # Output printed after the run ended is not its.
    run(kc, "console.log('later, outside any run')")
    assert "later" not in output_of(store_path, r["id"])


def test_log_magic_logs_media_from_variables_and_checks_everything_first(kernel, store_path):
    _, kc = kernel
    run(kc, "%track media-span")
    run(kc, "const fig = { data: [{ type: 'bar', x: ['a'], y: [1] }], layout: {} }\nconst rows = [{ a: 1 }, { a: 2 }]\nconst svg = '<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"></svg>'\nconst notAFigure = 42")
    reply, outs = run(kc, "%log acc=0.5 --figure eval/bars=fig --table rows --image icon=svg --text summary=rows --step 3")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "logged figure eval/bars, table rows, image icon, text summary to run media-span" in text_of(outs)
    # One bad item: nothing of this line is logged, and the error says what to do.
    reply, _ = run(kc, "%log acc=0.9 --figure ok=fig,bad=notAFigure")
    assert reply["content"]["status"] == "error" and "'bad' is not a figure (got number)" in reply["content"]["evalue"]
    reply, _ = run(kc, "%log --table missing=nowhere")
    assert "no variable 'nowhere'" in reply["content"]["evalue"]
    run(kc, "%track end")
    [r] = runs_by_name(store_path, "media-span")
    assert media_of(store_path, r["id"]) == [
        ("eval/bars", "figure", 3, "application/vnd.plotly.v1+json"),
        ("icon", "image", 3, "image/svg+xml"),
        ("rows", "table", 3, "application/json"),
        ("summary", "text", 3, "text/plain"),
    ]
    assert summary(store_path, r["id"], "acc") == (0.5, 1)
    reply, _ = run(kc, "%log --figure fig")
    assert "no active run to log to: start one with %%track" in reply["content"]["evalue"]


def test_archived_runs_are_left_out_of_runs_unless_asked(kernel, store_path):
    _, kc = kernel
    run(kc, "%%track to-archive\n1")
    [r] = runs_by_name(store_path, "to-archive")
    db = sqlite3.connect(store_path)
    db.execute("UPDATE runs SET archived = 1 WHERE id = ?", (r["id"],))
    db.commit()
    assert "to-archive" not in result_of(run(kc, "%runs --all")[1])
    assert "to-archive" in result_of(run(kc, "%runs --archived")[1])
    assert "to-archive" in result_of(run(kc, "%runs name = 'to-archive' --archived --sort name")[1])
