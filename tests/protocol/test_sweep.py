"""%%sweep through the kernel: trials as nested runs, figures, interrupt and resume, bad cells."""
import sqlite3
import time

import pytest

from kernel_helpers import assert_error, collect, fresh_kernel, run, shell_reply, text_of

CELL = """%%sweep --trials {trials} --sampler random --metric loss --direction min --name {name} --seed 1
const space = {{ x: uniform(-3, 3), layers: int(1, 4), act: choice(["relu", "tanh"]) }};
async (p, trial) => {{
  for (let epoch = 0; epoch < 3; epoch++) {{
    trial.report((p.x - 1) ** 2 + 1 / (epoch + 1), epoch);
    await new Promise((r) => setTimeout(r, {delay}));
  }}
  return (p.x - 1) ** 2 + (p.act === "relu" ? 0 : 0.5);
}}"""



def test_sweep_cell_runs_trials_and_shows_leaderboard_and_figures(kernel, store_path):
    _, kc = kernel
    reply, outs = run(kc, CELL.format(trials=8, name="cell-sweep", delay=1))
    assert reply["content"]["status"] == "ok", reply["content"]
    result = [m for m in outs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert "Sweep cell-sweep: minimize loss — 8 trials (8 complete" in result["text/plain"]
    figures = [m["content"]["data"]["application/vnd.plotly.v1+json"]["layout"]["title"]["text"]
               for m in outs if m["msg_type"] == "display_data" and "application/vnd.plotly.v1+json" in m["content"]["data"]]
    assert figures[:4] == ["Optimization history", "Parallel coordinates", "Parameter importance (fANOVA)", "Slice plot"]
    assert any(f.startswith("Intermediate loss") for f in figures)
    updates = [m for m in outs if m["msg_type"] == "update_display_data"]
    assert "8/8 trials" in updates[-1]["content"]["data"]["text/plain"]
    db = sqlite3.connect(store_path)
    (sweep_id,) = db.execute("SELECT id FROM runs WHERE name = 'cell-sweep'").fetchone()
    (n,) = db.execute("SELECT COUNT(*) FROM runs WHERE parent_id = ?", (sweep_id,)).fetchone()
    assert n == 8


def test_interrupted_sweep_resumes_by_name(kernel, store_path):
    km, kc = kernel
    msg_id = kc.execute(CELL.format(trials=30, name="stop-me", delay=100))
    time.sleep(2.0)
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=10)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    collect(kc, msg_id)
    db = sqlite3.connect(store_path)
    study = db.execute("SELECT id FROM studies WHERE name = 'stop-me'").fetchone()[0]
    states = [s for (s,) in db.execute("SELECT state FROM trials WHERE study_id = ? ORDER BY number", (study,))]
    assert 0 < len(states) < 30 and "running" not in states and states[-1] == "failed"
    assert db.execute("SELECT status FROM runs WHERE name = 'stop-me'").fetchone()[0] == "killed"
    reply, outs = run(kc, CELL.format(trials=len(states) + 2, name="stop-me", delay=1))
    assert reply["content"]["status"] == "ok"
    (total,) = db.execute("SELECT COUNT(*) FROM trials WHERE study_id = ?", (study,)).fetchone()
    assert total == len(states) + 2


@pytest.mark.parametrize(
    "cell,needle",
    [
        ("%%sweep\nconst space = { x: uniform(0, 1) };\n42", "its last expression is not a function"),
        ("%%sweep\nconst space = {};\n(p) => 1", "search space is empty"),
        ("%%sweep --trials 0\nconst space = { x: uniform(0, 1) };\n(p) => p.x", "at least 1"),
        ("%%sweep --direction sideways\nconst space = { x: uniform(0, 1) };\n(p) => p.x", "\"minimize\" or \"maximize\""),
        ("%sweep --trials 3", "is a cell magic"),
        ("%%sweep --sampler bohb\nconst space = { x: uniform(0, 1) };\n(p) => p.x", 'unknown sampler "bohb": use one of'),
        ("%%sweep --sampler gp\nconst space = { a: choice([1, 2]), b: choice(['x', 'y']) };\n(p) => p.a",
         "every parameter of this space is categorical (a, b): use --sampler tpe"),
        ("%%sweep --directions max,min --metric acc\nconst space = { x: uniform(0, 1) };\n(p) => [p.x, p.x]",
         "--directions has 2 objectives (max,min) but --metric names 1 (acc)"),
        ("%%sweep --directions max\nconst space = { x: uniform(0, 1) };\n(p) => [p.x]", "--directions takes two or more"),
        ("%%sweep --directions max,min --sampler cmaes\nconst space = { x: uniform(0, 1) };\n(p) => [p.x, p.x]",
         "the cmaes sampler optimises one objective and this study has 2: use --sampler nsga2 or tpe"),
    ],
)
def test_bad_sweep_cells_are_clear_errors(kernel, cell, needle):
    _, kc = kernel
    reply, _ = run(kc, cell)
    assert reply["content"]["status"] == "error"
    assert needle in reply["content"]["evalue"], reply["content"]  # UsageError or the study's own error


MO_CELL = """%%sweep --trials 12 --directions max,min --metric acc,ms --sampler nsga2 --name mo-cell --seed 1
const space = { size: uniform(1, 100) };
(p) => [1 - 1 / Math.sqrt(p.size), 0.3 * p.size]"""


def test_sweep_with_two_objectives_shows_the_pareto_front(kernel, store_path):
    _, kc = kernel
    reply, outs = run(kc, MO_CELL)
    assert reply["content"]["status"] == "ok", reply["content"]
    result = [m for m in outs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]
    assert "Sweep mo-cell: max acc, min ms — 12 trials (12 complete" in result
    assert "Pareto front: 12 trials" in result  # every trial trades accuracy for time here
    figures = [m["content"]["data"]["application/vnd.plotly.v1+json"]["layout"]["title"]["text"]
               for m in outs if m["msg_type"] == "display_data" and "application/vnd.plotly.v1+json" in m["content"]["data"]]
    assert figures == ["Pareto front"]
    db = sqlite3.connect(store_path)
    (directions, metrics) = db.execute("SELECT directions, metrics FROM studies WHERE name = 'mo-cell'").fetchone()
    assert (directions, metrics) == ('["maximize","minimize"]', '["acc","ms"]')
    values = [v for (v,) in db.execute("SELECT objective_values FROM trials t JOIN studies s ON s.id = t.study_id WHERE s.name = 'mo-cell'")]
    assert len(values) == 12 and all(v.startswith("[") for v in values)


def test_sweep_picks_gp_for_a_small_continuous_space_and_tpe_otherwise(kernel, store_path):
    _, kc = kernel
    for name, space, expected in [
        ("auto-gp", "{ x: uniform(-2, 2), n: int(1, 8) }", "gp"),
        ("auto-tpe", "{ x: uniform(-2, 2), act: choice(['relu', 'tanh']) }", "tpe-multivariate"),
    ]:
        reply, _ = run(kc, f"%%sweep --trials 12 --name {name} --seed 3\nconst space = {space};\n(p) => p.x ** 2")
        assert reply["content"]["status"] == "ok", reply["content"]
        (sampler,) = sqlite3.connect(store_path).execute("SELECT sampler FROM studies WHERE name = ?", (name,)).fetchone()
        assert sampler == expected


def test_sweep_without_a_space_in_a_fresh_kernel():
    with fresh_kernel() as (_, kc):
        assert_error(run(kc, "%%sweep\n(p) => p.x")[0], "UsageError", "must define the search space")


def test_sweep_in_worker_processes_from_a_module(kernel, tmp_path):
    _, kc = kernel
    mod = tmp_path / "objective.js"
    mod.write_text("exports.objective = async (p) => { await new Promise((r) => setTimeout(r, 5)); return Math.abs(p.x); };\n")
    cell = f"%%sweep --trials 9 --processes 3 --module {mod} --sampler random --name in-procs\nconst space = {{ x: uniform(-1, 1) }};"
    reply, outs = run(kc, cell)
    assert reply["content"]["status"] == "ok", reply["content"]
    result = [m for m in outs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]
    assert "9 trials (9 complete" in result
    assert_error(run(kc, "%%sweep --processes 2\nconst space = { x: uniform(0, 1) };")[0], "UsageError", "--processes needs --module")


PBT_CELL = """%%sweep --scheduler pbt --population 4 --rounds 5 --interval 3 --metric acc --direction max --name pbt-cell --seed 2
const space = { lr: uniform(0.1, 2), kind: choice(["a", "b"]) };
async (p, { checkpoint, interval }) => {
  const acc = (checkpoint?.acc ?? 0) + interval * p.lr * (p.kind === "a" ? 1 : 0.5);
  return { value: acc, checkpoint: { acc } };
}"""


def test_pbt_cell_trains_a_population_and_keeps_its_lineage(kernel, store_path):
    _, kc = kernel
    reply, outs = run(kc, PBT_CELL)
    assert reply["content"]["status"] == "ok", reply["content"]
    result = [m for m in outs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert "PBT pbt-cell: maximize acc — 4 members, 5 rounds, 4 copies" in result["text/plain"]
    figures = [m["content"]["data"]["application/vnd.plotly.v1+json"]["layout"]["title"]["text"]
               for m in outs if m["msg_type"] == "display_data" and "application/vnd.plotly.v1+json" in m["content"]["data"]]
    assert figures[0] == "Population-based training: acc of each member"
    updates = [m for m in outs if m["msg_type"] == "update_display_data"]
    assert "round 5/5 · 4 members" in updates[-1]["content"]["data"]["text/plain"]
    db = sqlite3.connect(store_path)
    (sweep_id,) = db.execute("SELECT id FROM runs WHERE name = 'pbt-cell'").fetchone()
    members = db.execute("SELECT id FROM runs WHERE parent_id = ?", (sweep_id,)).fetchall()
    assert len(members) == 4
    (lineage,) = db.execute("SELECT COUNT(*) FROM params WHERE key = 'pbt_lineage' AND run_id IN (SELECT id FROM runs WHERE parent_id = ?)", (sweep_id,)).fetchone()
    assert lineage >= 1


@pytest.mark.parametrize(
    "cell,needle",
    [
        ("%%sweep --scheduler pbt\nconst space = { x: uniform(0, 1) };\n42", "must end with the round function"),
        ("%%sweep --scheduler pbt --processes 2 --module m.js\nconst space = { x: uniform(0, 1) };\n(p) => 1", "--processes, --module cannot be used with it"),
        ("%%sweep --scheduler fifo\nconst space = { x: uniform(0, 1) };\n(p) => 1", "unknown --scheduler 'fifo'"),
        ("%%sweep --scheduler pbt --population 1\nconst space = { x: uniform(0, 1) };\n(p) => 1", "at least 2"),
        ("%%sweep --scheduler pbt --quantile 0.7\nconst space = { x: uniform(0, 1) };\n(p, c) => ({ value: 1, checkpoint: null })", "quantile must be a number in (0, 0.5]"),
    ],
)
def test_bad_pbt_cells_are_clear_errors(kernel, cell, needle):
    _, kc = kernel
    reply, _ = run(kc, cell)
    assert reply["content"]["status"] == "error"
    assert needle in reply["content"]["evalue"], reply["content"]
