"""A small driver over jupyter_client for the protocol tests: run a cell, collect its outputs."""
import contextlib
import time
from queue import Empty

from jupyter_client.manager import start_new_kernel

TIMEOUT = 30


def start():
    return start_new_kernel(kernel_name="modelbench", startup_timeout=60)


def collect(kc, msg_id, timeout=TIMEOUT):
    """iopub messages of one request until its idle status."""
    outs = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            m = kc.get_iopub_msg(timeout=max(0.05, deadline - time.time()))
        except Empty:
            break
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return outs
        if m["msg_type"] not in ("status", "execute_input"):
            outs.append(m)
    raise TimeoutError(f"no idle for {msg_id}")


_early_replies = {}


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    """The reply to msg_id; replies to other requests that arrive first are kept for their turn."""
    if msg_id in _early_replies:
        return _early_replies.pop(msg_id)
    deadline = time.time() + timeout
    while True:
        r = kc.get_shell_msg(timeout=max(0.05, deadline - time.time()))
        if r["parent_header"].get("msg_id") == msg_id:
            return r
        _early_replies[r["parent_header"].get("msg_id")] = r


def run(kc, code, timeout=TIMEOUT, **kw):
    msg_id = kc.execute(code, **kw)
    reply = shell_reply(kc, msg_id, timeout)
    return reply, collect(kc, msg_id, timeout)


def text_of(outs, kind="stdout"):
    return "".join(m["content"]["text"] for m in outs if m["msg_type"] == "stream" and m["content"]["name"] == kind)


def result_of(outs):
    for m in outs:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"]["text/plain"]
    return None


@contextlib.contextmanager
def fresh_kernel():
    """A kernel of its own for one test, always shut down."""
    km, kc = start()
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def assert_error(reply, ename, needle):
    """An execute_reply that failed with `ename` and a message containing `needle`."""
    content = reply["content"]
    assert content["status"] == "error", content
    assert content["ename"] == ename, content
    assert needle in content["evalue"], content


def open_sidebar_comm(kc, comm_id):
    """Opens a comm to the kernel's "modelbench" target (what the Runs panel talks to)."""
    msg = kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "modelbench", "data": {}})
    kc.shell_channel.send(msg)
    collect(kc, msg["header"]["msg_id"])
    return comm_id
