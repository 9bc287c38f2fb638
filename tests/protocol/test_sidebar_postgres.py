"""The sidebar on a PostgreSQL store: a kernel started with MODELBENCH_STORE=postgres://… lists runs
from the server and pushes what another process writes, through LISTEN/NOTIFY."""
import json
import os
import subprocess
import time

import pytest

from kernel_helpers import fresh_kernel, open_sidebar_comm, run, text_of
from test_sidebar_comm import comm_messages, send

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# A throw-away server (dist/tests/support/pgserver.js) that lives until this script's stdin closes.
SERVER = f"""
const {{ startTestPostgres }} = require({json.dumps(os.path.join(ROOT, 'dist', 'tests', 'support', 'pgserver.js'))});
(async () => {{
  const s = await startTestPostgres();
  process.stdout.write(s.url + "\\n");
  process.stdin.on("end", () => s.stop().then(() => process.exit(0)));
  process.stdin.resume();
}})().catch((e) => {{ console.error(e.message); process.exit(1); }});
"""


@pytest.fixture(scope="module")
def pg_url():
    proc = subprocess.Popen(["node", "-e", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip()
    assert url.startswith("postgres://"), f"the test server did not start (exit {proc.poll()})"
    yield url
    proc.stdin.close()
    proc.wait(30)


@pytest.fixture(scope="module")
def pg_sidebar(pg_url):
    before = os.environ["MODELBENCH_STORE"]
    os.environ["MODELBENCH_STORE"] = pg_url
    try:
        with fresh_kernel() as (km, kc):
            comm_id = "sidebar-pg"
            open_sidebar_comm(kc, comm_id)
            yield km, kc, comm_id
    finally:
        os.environ["MODELBENCH_STORE"] = before


def test_cells_track_into_postgres_and_the_sidebar_lists_them(pg_sidebar):
    _, kc, comm_id = pg_sidebar
    _, outs = run(kc, "%store")
    assert "store: postgres://" in text_of(outs)
    run(kc, "%%track pg-run --tags ui\nparam({ C: 2 }); for (let i = 0; i < 5; i++) log({ loss: 1 / (i + 1) })")
    send(kc, comm_id, {"op": "list", "id": "q1", "limit": 10})
    reply = comm_messages(kc, comm_id, lambda d: d.get("id") == "q1")[-1]
    runs = {r["name"]: r for r in reply["runs"]}
    assert runs["pg-run"]["params"] == {"C": 2}
    assert runs["pg-run"]["metrics"]["loss"]["count"] == 5


def test_points_from_another_process_arrive_through_notify(pg_sidebar, pg_url):
    _, kc, comm_id = pg_sidebar
    script = f"""
      process.env.MODELBENCH_STORE = {json.dumps(pg_url)};
      const t = require({json.dumps(os.path.join(ROOT, 'dist', 'src', 'track'))});
      (async () => {{
        const run = await t.startRun({{ name: "pg-live" }});
        process.stdout.write(run.id + "\\n");
        await new Promise((r) => process.stdin.once("data", r));
        for (let i = 0; i < 20; i++) {{ t.log({{ loss: i }}); await run.flush(); }}
        await run.end();
      }})();"""
    proc = subprocess.Popen(["node", "-e", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    run_id = proc.stdout.readline().strip()
    comm_messages(kc, comm_id, lambda d: d.get("type") == "changed" and any(r["id"] == run_id for r in d["runs"]), timeout=10)
    send(kc, comm_id, {"op": "watch", "runIds": [run_id]})
    time.sleep(0.3)  # the watch request reaches the kernel
    proc.stdin.write("go\n")
    proc.stdin.close()
    values = []
    finished = []

    def got_all(d):
        if d.get("type") == "points":
            values.extend(v for p in d["points"] if p["runId"] == run_id and p["key"] == "loss" for v in p["values"])
        if d.get("type") == "changed" and any(r["id"] == run_id and r["status"] == "finished" for r in d["runs"]):
            finished.append(True)
        return sorted(values) == list(range(20)) and bool(finished)

    comm_messages(kc, comm_id, got_all, timeout=10)
    assert sorted(values) == list(range(20)), "every point once"
    proc.wait(10)
