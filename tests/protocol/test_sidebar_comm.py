"""The sidebar's comm target: runs listed and pushed live from any process writing the store."""
import json
import os
import subprocess
import time

import pytest

from kernel_helpers import collect, open_sidebar_comm, run, shell_reply

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def comm_messages(kc, comm_id, until, timeout=5.0):
    """comm_msg data for comm_id until `until(data)` is true."""
    got = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            m = kc.get_iopub_msg(timeout=0.05)
        except Exception:
            continue
        if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id:
            got.append(m["content"]["data"])
            if until(m["content"]["data"]):
                return got
    raise TimeoutError(f"no matching comm message; got {[g.get('type') for g in got]}")


@pytest.fixture(scope="module")
def sidebar(kernel):
    km, kc = kernel
    comm_id = "sidebar-test"
    open_sidebar_comm(kc, comm_id)
    return km, kc, comm_id


def send(kc, comm_id, data):
    m = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
    kc.shell_channel.send(m)


def test_list_and_detail(sidebar):
    _, kc, comm_id = sidebar
    run(kc, "%%track listed-run --tags ui\nparam({ C: 2 }); for (let i = 0; i < 5; i++) log({ loss: 1 / (i + 1), odd: NaN })")
    send(kc, comm_id, {"op": "list", "id": "q1", "limit": 10})
    [reply] = comm_messages(kc, comm_id, lambda d: d.get("id") == "q1")[-1:]
    names = [r["name"] for r in reply["runs"]]
    assert "listed-run" in names
    run_id = reply["runs"][names.index("listed-run")]["id"]
    send(kc, comm_id, {"op": "detail", "id": "q2", "runId": run_id})
    detail = comm_messages(kc, comm_id, lambda d: d.get("id") == "q2")[-1]
    assert detail["run"]["params"] == {"C": 2}
    assert detail["history"]["loss"]["values"] == [1, 0.5, pytest.approx(1 / 3), 0.25, 0.2]
    assert detail["history"]["odd"]["values"] == ["NaN"] * 5
    assert "log({ loss" in detail["run"]["source"]


def test_bad_request_is_an_error_message_not_a_crash(sidebar):
    _, kc, comm_id = sidebar
    send(kc, comm_id, {"op": "list", "id": "bad", "where": "metrics.x >"})
    err = comm_messages(kc, comm_id, lambda d: d.get("id") == "bad")[-1]
    assert err["type"] == "error" and "expected a value" in err["message"]
    send(kc, comm_id, {"op": "detail", "id": "bad2", "runId": "nope"})
    assert "unknown run 'nope'" in comm_messages(kc, comm_id, lambda d: d.get("id") == "bad2")[-1]["message"]


def test_runs_from_another_process_are_pushed_live_while_a_cell_runs(sidebar, store_path):
    km, kc, comm_id = sidebar
    busy = kc.execute("const stopAt = Date.now() + 4000; while (Date.now() < stopAt) {}")  # the runtime is busy
    script = f"""
      process.env.MODELBENCH_STORE = {json.dumps('sqlite://' + store_path)};
      const t = require({json.dumps(os.path.join(ROOT, 'dist', 'src', 'track'))});
      (async () => {{
        const run = await t.startRun({{ name: "from-a-script" }});
        for (let i = 0; i < 50; i++) {{ t.log({{ loss: 1 / (i + 1) }}); await run.flush(); }}
        process.stdout.write(Date.now() + "\\n");
        await new Promise((r) => setTimeout(r, 500));
        await run.end();
      }})();"""
    proc = subprocess.Popen(["node", "-e", script], stdout=subprocess.PIPE, text=True)
    first = comm_messages(kc, comm_id, lambda d: d.get("type") == "changed" and any(r["name"] == "from-a-script" for r in d["runs"]))[-1]
    seen_at = time.time()
    logged_at = int(proc.stdout.readline()) / 1000
    assert seen_at - logged_at < 0.5, f"pushed {seen_at - logged_at:.3f}s after the last point"
    run_id = [r for r in first["runs"] if r["name"] == "from-a-script"][0]["id"]
    send(kc, comm_id, {"op": "watch", "runIds": [run_id]})
    done = comm_messages(kc, comm_id, lambda d: d.get("type") == "changed" and any(r["id"] == run_id and r["status"] == "finished" for r in d["runs"]))
    assert done
    proc.wait(5)
    assert shell_reply(kc, busy)["content"]["status"] == "ok"
    collect(kc, busy)


def test_compare_and_registry(sidebar):
    _, kc, comm_id = sidebar
    run(kc, "%%track cmp-x\nparam({ C: 1 }); for (let i = 0; i < 3; i++) log({ loss: i })")
    run(kc, "%%track cmp-y\nparam({ C: 3 }); for (let i = 0; i < 3; i++) log({ loss: 2 * i })")
    send(kc, comm_id, {"op": "compare", "id": "c", "runIds": ["cmp-x", "cmp-y"]})
    cmp = comm_messages(kc, comm_id, lambda d: d.get("id") == "c")[-1]
    assert [r["key"] for r in cmp["params"]] == ["C"] and cmp["params"][0]["differs"]
    # Each run's curves, for the panel to overlay (and smooth, group, put on a log axis) itself.
    assert [c["loss"]["values"] for c in cmp["curves"]] == [[0, 1, 2], [0, 2, 4]]
    assert [r["name"] for r in cmp["runs"]] == ["cmp-x", "cmp-y"] and cmp["media"] == [[], []]
    send(kc, comm_id, {"op": "registry", "id": "r"})
    assert comm_messages(kc, comm_id, lambda d: d.get("id") == "r")[-1]["type"] == "registry"


def test_artifacts_and_registry_through_the_comm(sidebar):
    _, kc, comm_id = sidebar
    run(kc, '%%track with-artifacts\nlog({ acc: 0.9 });\nawait artifact("notes.txt", "héllo\\nworld");\n'
            'await artifact("model", { weights: [1, 2, 3] });\nawait artifact("blob.bin", Buffer.from([0, 255, 7]))')
    run(kc, "%registry register art-model --run with-artifacts --description first")
    run(kc, "%registry alias art-model champion 1")
    send(kc, comm_id, {"op": "list", "id": "a1", "text": "with-artifacts"})
    run_id = comm_messages(kc, comm_id, lambda d: d.get("id") == "a1")[-1]["runs"][0]["id"]

    def artifact(name, qid):
        send(kc, comm_id, {"op": "artifact", "id": qid, "runId": run_id, "name": name})
        return comm_messages(kc, comm_id, lambda d: d.get("id") == qid)[-1]

    import base64
    text = artifact("notes.txt", "a2")
    assert (text["type"], text["mime"], text["kind"]) == ("artifact", "text/plain", "text")
    assert base64.b64decode(text["base64"]).decode("utf-8") == "héllo\nworld"
    model = artifact("model", "a3")
    assert model["mime"] == "application/json" and json.loads(base64.b64decode(model["base64"])) == {"weights": [1, 2, 3]}
    blob = artifact("blob.bin", "a4")
    assert blob["mime"] == "application/octet-stream" and base64.b64decode(blob["base64"]) == bytes([0, 255, 7])
    missing = artifact("nope", "a5")
    assert missing["type"] == "error" and "has no artifact 'nope'" in missing["message"] and "notes.txt" in missing["message"]

    send(kc, comm_id, {"op": "registry", "id": "a6"})
    versions = comm_messages(kc, comm_id, lambda d: d.get("id") == "a6")[-1]["versions"]
    mine = [v for v in versions if v["name"] == "art-model"]
    assert [(v["version"], v["aliases"], v["runId"], v["description"]) for v in mine] == [(1, ["champion"], run_id, "first")]
    # Moving an alias is pushed to the panel (the registry has no run to announce it).
    kc.execute("%registry alias art-model staging 1")
    comm_messages(kc, comm_id, lambda d: d.get("type") == "registryChanged", timeout=5.0)


def _store_event(kc, comm_id, outs):
    """The sidebar's {type: "store"} message: among a cell's outputs (it is sent while the cell runs) or just after."""
    for m in outs:
        if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id and m["content"]["data"].get("type") == "store":
            return m["content"]["data"]
    return comm_messages(kc, comm_id, lambda d: d.get("type") == "store")[-1]


def test_the_sidebar_follows_the_notebook_to_another_store_and_back(sidebar, store_path, tmp_path):
    _, kc, comm_id = sidebar
    other = tmp_path / "other-store.db"
    run(kc, "%%track in-the-default-store\nlog({ x: 0 })")
    reply, outs = run(kc, f"%store sqlite://{other}")
    assert reply["content"]["status"] == "ok"
    assert _store_event(kc, comm_id, outs)["uri"] == f"sqlite://{other}"
    run(kc, "%%track in-the-other-store\nlog({ x: 1 })")
    send(kc, comm_id, {"op": "list", "id": "other-list", "limit": 50})
    listed = comm_messages(kc, comm_id, lambda d: d.get("id") == "other-list")[-1]
    assert [r["name"] for r in listed["runs"]] == ["in-the-other-store"]

    reply, outs = run(kc, f"%store sqlite://{store_path}")
    assert _store_event(kc, comm_id, outs)["uri"] == f"sqlite://{store_path}"
    send(kc, comm_id, {"op": "list", "id": "back-list", "limit": 500})
    names = [r["name"] for r in comm_messages(kc, comm_id, lambda d: d.get("id") == "back-list")[-1]["runs"]]
    assert "in-the-default-store" in names and "in-the-other-store" not in names
