"""The pairing requests of the "modelbench" comm (kernel/pairing.ts): git HEAD of a paired script,
pairing info, and a sync that refuses a conflict without writing."""
import json
import os
import subprocess
import tempfile
import time

import pytest

from kernel_helpers import open_sidebar_comm

HEADER = "// ---\n// jupyter:\n//   jupytext:\n//     text_representation:\n//       extension: .ts\n//       format_name: percent\n//       format_version: '1.3'\n//       jupytext_version: 1.19.6\n// ---\n"


def script(*cells):
    return HEADER + "".join(f"\n// %%\n{c}\n" for c in cells)


def notebook(*cells):
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {"jupytext": {"formats": "ipynb,ts:percent"}},
        "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [], "source": c} for i, c in enumerate(cells)],
    }, indent=1) + "\n"


def git(cwd, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo():
    root = tempfile.mkdtemp(prefix="modelbench-pairing-")
    os.makedirs(os.path.join(root, "nb"))
    with open(os.path.join(root, "nb", "a.ts"), "w") as f:
        f.write(script("const x = 1;", "console.log(x);"))
    git(root, "init", "-q")
    git(root, "add", "nb/a.ts")
    git(root, "commit", "-q", "-m", "first")
    with open(os.path.join(root, "nb", "a.ts"), "w") as f:
        f.write(script("const x = 2;", "console.log(x);"))
    with open(os.path.join(root, "nb", "b.bin"), "wb") as f:
        f.write(b"\x00\x01binary")
    return root


@pytest.fixture(scope="module")
def comm(kernel):
    km, kc = kernel
    comm_id = "pairing-test"
    open_sidebar_comm(kc, comm_id)
    counter = iter(range(1_000_000))

    def ask(data, timeout=10.0):
        qid = f"p{next(counter)}"
        kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {**data, "id": qid}}))
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                m = kc.get_iopub_msg(timeout=0.1)
            except Exception:
                continue
            if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id and m["content"]["data"].get("id") == qid:
                return m["content"]["data"]
        raise TimeoutError(f"no reply to {data}")

    return ask


def test_git_head_returns_the_committed_and_the_working_script(comm, repo):
    reply = comm({"op": "git-head", "root": repo, "path": "nb/a.ts"})
    assert reply["type"] == "git-head", reply
    assert "const x = 1;" in reply["head"] and "const x = 2;" not in reply["head"]
    assert "const x = 2;" in reply["working"]
    assert reply["path"] == "nb/a.ts"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    assert reply["commit"] == head


def test_git_head_of_a_notebook_reads_its_paired_script(comm, repo):
    with open(os.path.join(repo, "nb", "a.ipynb"), "w") as f:
        f.write(notebook("const x = 2;", "console.log(x);"))
    reply = comm({"op": "git-head", "root": repo, "path": "nb/a.ipynb"})
    assert reply["path"] == "nb/a.ts" and "const x = 1;" in reply["head"]


def test_git_head_of_a_new_script_has_no_head(comm, repo):
    with open(os.path.join(repo, "nb", "new.ts"), "w") as f:
        f.write(script("let y = 0;"))
    reply = comm({"op": "git-head", "root": repo, "path": "nb/new.ts"})
    assert reply["head"] is None and "let y = 0;" in reply["working"]


def test_git_head_errors_say_what_to_do(comm, repo):
    outside = tempfile.mkdtemp(prefix="modelbench-nogit-")
    with open(os.path.join(outside, "c.ts"), "w") as f:
        f.write(script("1"))
    err = comm({"op": "git-head", "root": outside, "path": "c.ts"})
    assert err["type"] == "error" and "not in a git repository" in err["message"]
    err = comm({"op": "git-head", "root": repo, "path": "nb/b.bin"})
    assert err["type"] == "error" and "unknown notebook format '.bin'" in err["message"]
    err = comm({"op": "git-head", "root": repo, "path": "nb/missing.ts"})
    assert err["type"] == "error" and "exists neither" in err["message"]


def test_pair_and_sync_conflict_writes_nothing(comm, repo):
    reply = comm({"op": "pair", "root": repo, "path": "nb/a.ipynb"})
    assert reply["ipynb"] == "nb/a.ipynb" and reply["text"] == "nb/a.ts" and reply["textExists"] is True
    # A notebook whose script is not written yet: the frontend is told, and asks the server for nothing.
    with open(os.path.join(repo, "nb", "unwritten.ipynb"), "w") as f:
        f.write(notebook("const y = 1;"))
    unwritten = comm({"op": "pair", "root": repo, "path": "nb/unwritten.ipynb"})
    assert unwritten["text"] == "nb/unwritten.ts" and unwritten["textExists"] is False
    first = comm({"op": "sync", "root": repo, "path": "nb/a.ipynb"})
    assert first["ok"] is True, first
    # both sides change after the sync: a conflict, and both files stay as they are
    ipynb, ts = os.path.join(repo, "nb", "a.ipynb"), os.path.join(repo, "nb", "a.ts")
    with open(ipynb, "w") as f:
        f.write(notebook("const x = 3;", "console.log(x);"))
    with open(ts, "w") as f:
        f.write(script("const x = 4;", "console.log(x);"))
    before = (open(ipynb).read(), open(ts).read())
    reply = comm({"op": "sync", "root": repo, "path": "nb/a.ts"})
    assert reply["ok"] is False and reply["conflict"] is True
    assert "both changed" in reply["message"] and "const x = 4;" in reply["diff"]
    assert (open(ipynb).read(), open(ts).read()) == before
    reply = comm({"op": "sync", "root": repo, "path": "nb/a.ts", "prefer": "text"})
    assert reply["ok"] is True and reply["inputsFrom"] == "text" and reply["written"] == ["nb/a.ipynb"]
    assert '"const x = 4;"' in open(ipynb).read()
