"""JupyterLab's debugger against the kernel: the Debug Adapter Protocol messages JupyterLab sent
while a breakpoint was set, hit, inspected, stepped over and continued (recorded from a real
JupyterLab by tests/browser/debugger.test.mjs into tests/fixtures/debugger/jupyterlab.json) are
replayed on the control channel, and the kernel's replies and events are checked against what it
answered then: same commands succeed, the same frames, lines and variable values come back."""
import json
import os
import time
from queue import Empty

import pytest

from jupyter_client.manager import start_new_kernel

from kernel_helpers import fresh_kernel

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "debugger", "jupyterlab.json")
TIMEOUT = 30


class Client:
    def __init__(self, kc):
        self.kc = kc
        self.events = []

    def request(self, content):
        msg = self.kc.session.msg("debug_request", content)
        self.kc.control_channel.send(msg)
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            r = self.kc.control_channel.get_msg(timeout=TIMEOUT)
            if r["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                assert r["msg_type"] == "debug_reply"
                return r["content"]
        raise TimeoutError(content)

    def command(self, command, arguments=None, seq=1):
        return self.request({"type": "request", "seq": seq, "command": command, "arguments": arguments or {}})

    def event(self, name, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e["event"] == name:
                    return self.events.pop(i)
            try:
                m = self.kc.get_iopub_msg(timeout=max(0.05, deadline - time.time()))
            except Empty:
                raise TimeoutError(f"no {name} event") from None
            if m["msg_type"] == "debug_event":
                self.events.append(m["content"])


def ids_of(recorded, ours, mapping):
    """Pairs the frame ids and variable references of a recorded reply with ours, by position."""
    if isinstance(recorded, dict) and isinstance(ours, dict):
        for key, value in recorded.items():
            if key in ("variablesReference", "id") and isinstance(value, int) and isinstance(ours.get(key), int):
                mapping[value] = ours[key]
            elif key in ours:
                ids_of(value, ours[key], mapping)
    elif isinstance(recorded, list) and isinstance(ours, list):
        for a, b in zip(recorded, ours):
            ids_of(a, b, mapping)


def translated(arguments, mapping, old_prefix, new_prefix):
    text = json.dumps(arguments).replace(old_prefix, new_prefix)
    args = json.loads(text)
    for key in ("variablesReference", "frameId"):
        if isinstance(args.get(key), int):
            args[key] = mapping.get(args[key], args[key])
    return args


def shape(command, body):
    """What must match between the recorded reply and ours (ids and the temp folder aside)."""
    if command == "stackTrace":
        return [(f["name"], f["line"], os.path.basename(f["source"]["path"])) for f in body["stackFrames"]]
    if command == "scopes":
        return [s["name"] for s in body["scopes"]]
    if command in ("variables", "inspectVariables"):
        return [(v["name"], v["value"], v.get("type")) for v in body["variables"]]
    if command == "setBreakpoints":
        return [(b["line"], b["verified"]) for b in body["breakpoints"]]
    if command == "dumpCell":
        return os.path.basename(body["sourcePath"])
    if command == "source":
        return body["content"]
    if command == "debugInfo":
        return (body["hashMethod"], body["hashSeed"], body["tmpFileSuffix"], len(body["breakpoints"]), body["stoppedThreads"])
    return None


def test_replays_jupyterlab_session():
    with open(FIXTURE) as f:
        fixture = json.load(f)
    messages = fixture["messages"]
    replies = [m for m in messages if m["direction"] == "received" and m["msg_type"] == "debug_reply"]
    old_prefix = next(r["content"]["body"]["tmpFilePrefix"] for r in replies if r["content"]["command"] == "debugInfo")
    with fresh_kernel() as (km, kc):
        assert kc.kernel_info(reply=True)["content"]["debugger"] is True
        client = Client(kc)
        new_prefix = client.command("debugInfo")["body"]["tmpFilePrefix"]
        mapping = {}
        execute_id = None
        checked = set()
        for m in messages:
            if m["direction"] == "sent" and m["msg_type"] == "execute_request":
                execute_id = kc.execute(m["content"]["code"])
            elif m["direction"] == "sent" and m["msg_type"] == "debug_request":
                req = m["content"]
                content = dict(req, arguments=translated(req.get("arguments", {}), mapping, old_prefix, new_prefix))
                if "arguments" not in req:
                    content.pop("arguments")
                ours = client.request(content)
                recorded = next(r["content"] for r in replies if r["content"]["request_seq"] == req["seq"] and r["content"]["command"] == req["command"] and id(r) not in checked and not checked.add(id(r)))
                assert ours["success"] == recorded["success"], (req, ours)
                assert ours["command"] == req["command"] and ours["request_seq"] == req["seq"]
                if ours["success"]:
                    ids_of(recorded["body"], ours["body"], mapping)
                    assert shape(req["command"], ours["body"]) == shape(req["command"], recorded["body"]), req["command"]
            elif m["direction"] == "received" and m["msg_type"] == "debug_event":
                event = client.event(m["content"]["event"])
                assert event["body"].get("reason") == m["content"]["body"].get("reason")
                assert event["body"].get("threadId") == m["content"]["body"].get("threadId")
            elif m["direction"] == "received" and m["msg_type"] == "execute_reply":
                reply = kc.get_shell_msg(timeout=TIMEOUT)
                assert reply["parent_header"]["msg_id"] == execute_id
                assert reply["content"]["status"] == m["content"]["status"] == "ok"


def test_bad_requests_say_what_is_wrong():
    with fresh_kernel() as (km, kc):
        client = Client(kc)
        r = client.command("evaluate", {"expression": "1 + 1"})
        assert not r["success"] and "not started" in r["message"] and "attach" in r["message"]
        r = client.command("frobnicate")
        assert not r["success"] and "unknown debug command 'frobnicate'" in r["message"]
        r = client.command("dumpCell", {})
        assert not r["success"] and "code" in r["message"]
        assert client.command("initialize", {"adapterID": "modelbench"})["success"]
        assert client.command("attach")["success"]
        r = client.command("stackTrace", {"threadId": 1})
        assert r["success"] and r["body"]["stackFrames"] == []
        r = client.command("scopes", {"frameId": 1})
        assert not r["success"] and "not paused" in r["message"]
        r = client.command("continue", {"threadId": 1})
        assert not r["success"] and "not paused" in r["message"]
        assert client.command("disconnect", {"restart": False, "terminateDebuggee": False})["success"]


def test_debugger_statement_stops_and_interrupt_ends_the_cell():
    """`debugger;` stops while the debugger is on; an interrupt while stopped ends the cell as
    KeyboardInterrupt and the kernel keeps its variables."""
    with fresh_kernel() as (km, kc):
        client = Client(kc)
        assert client.command("initialize", {"adapterID": "modelbench"})["success"]
        assert client.command("attach")["success"]
        kc.execute("const kept = 41;")
        assert kc.get_shell_msg(timeout=TIMEOUT)["content"]["status"] == "ok"
        msg_id = kc.execute("let spun = 0;\ndebugger;\nspun = 1;")
        stopped = client.event("stopped")
        assert stopped["body"]["threadId"] == 1
        frames = client.command("stackTrace", {"threadId": 1})["body"]["stackFrames"]
        assert frames[0]["line"] == 2
        assert client.command("evaluate", {"expression": "kept + 1", "frameId": frames[0]["id"]})["body"]["result"] == "42"
        scopes = client.command("scopes", {"frameId": frames[0]["id"]})["body"]["scopes"]
        ref = scopes[0]["variablesReference"]
        assert client.command("variables", {"variablesReference": ref})["success"]
        # Never handed out: an error that says how long references last.
        r = client.command("variables", {"variablesReference": 99999})
        assert not r["success"] and "references last until the runtime resumes" in r["message"]
        kc.interrupt_kernel() if km.kernel_spec.interrupt_mode == "signal" else kc.control_channel.send(kc.session.msg("interrupt_request", {}))
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
        kc.execute("kept")
        assert kc.get_shell_msg(timeout=TIMEOUT)["content"]["status"] == "ok"
        # A reference from before the runtime resumed (JupyterLab's panel asks as it redraws): no variables, not an error.
        r = client.command("variables", {"variablesReference": ref})
        assert r["success"] and r["body"]["variables"] == [], r


HELPERS = """\
// helpers beside the notebook
export function double(x: number): number {
  const twice = x * 2;
  return twice;
}

export function halve(x: number): number {
  debugger;
  return x / 2;
}
"""

EARLY = """\
export function triple(x: number): number {
  const thrice = x * 3;
  return thrice;
}
"""


def test_breakpoints_in_imported_local_modules(tmp_path):
    """A cell importing `./helpers.ts` from the notebook's folder (tslab compiles it) stops at a
    breakpoint set in the module's own file (or, as JupyterLab's file editor does, in the file named
    by the hash of its text), before or after the import, and at a `debugger;` in it; stackTrace shows the module's file and line above the cell's. A module imported before the
    debugger attached (`./early.ts`) stops at its breakpoints too."""
    (tmp_path / "helpers.ts").write_text(HELPERS)
    (tmp_path / "early.ts").write_text(EARLY)
    helpers, early = str(tmp_path / "helpers.ts"), str(tmp_path / "early.ts")
    km, kc = start_new_kernel(kernel_name="modelbench", startup_timeout=60, cwd=str(tmp_path))
    try:
        client = Client(kc)
        kc.execute('import { triple } from "./early";')
        assert kc.get_shell_msg(timeout=TIMEOUT)["content"]["status"] == "ok"
        assert client.command("initialize", {"adapterID": "modelbench"})["success"]
        assert client.command("attach")["success"]
        # Set before any cell imports helpers: it lands once the import compiles the module.
        r = client.command("setBreakpoints", {"source": {"path": helpers}, "breakpoints": [{"line": 3}]})
        assert r["success"] and r["body"]["breakpoints"][0]["line"] == 3
        assert client.command("configurationDone")["success"]

        cell = 'import { double, halve } from "./helpers";\nconst doubled = double(4);\ndoubled'
        msg_id = kc.execute(cell)
        assert client.event("stopped")["body"]["reason"] == "breakpoint"
        frames = client.command("stackTrace", {"threadId": 1})["body"]["stackFrames"]
        assert (frames[0]["name"], frames[0]["line"], frames[0]["source"]["path"]) == ("double", 3, helpers)
        assert frames[1]["line"] == 2 and frames[1]["source"]["path"] == client.command("dumpCell", {"code": cell})["body"]["sourcePath"]
        assert client.command("evaluate", {"expression": "x", "frameId": frames[0]["id"]})["body"]["result"] == "4"
        assert client.command("next", {"threadId": 1})["success"]
        assert client.event("stopped")["body"]["reason"] == "step"
        frames = client.command("stackTrace", {"threadId": 1})["body"]["stackFrames"]
        assert (frames[0]["line"], frames[0]["source"]["path"]) == (4, helpers)
        assert client.command("evaluate", {"expression": "twice", "frameId": frames[0]["id"]})["body"]["result"] == "8"
        assert client.command("continue", {"threadId": 1})["success"]
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "ok"

        # A breakpoint set once the module is loaded, as JupyterLab's file editor sets it (on the
        # file named by the hash of the module's text); `debugger;` in the module.
        dumped = client.command("dumpCell", {"code": HELPERS})["body"]["sourcePath"]
        r = client.command("setBreakpoints", {"source": {"path": dumped}, "breakpoints": [{"line": 9}]})
        assert r["body"]["breakpoints"][0]["line"] == 9
        msg_id = kc.execute("halve(doubled)")
        assert client.event("stopped")["body"]["description"] == "debugger statement"
        frames = client.command("stackTrace", {"threadId": 1})["body"]["stackFrames"]
        assert (frames[0]["name"], frames[0]["line"], frames[0]["source"]["path"]) == ("halve", 8, helpers)
        assert client.command("continue", {"threadId": 1})["success"]
        assert client.event("stopped")["body"]["reason"] == "breakpoint"
        assert client.command("stackTrace", {"threadId": 1})["body"]["stackFrames"][0]["line"] == 9
        assert client.command("continue", {"threadId": 1})["success"]
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "ok"

        # The module imported before attach.
        assert client.command("setBreakpoints", {"source": {"path": early}, "breakpoints": [{"line": 3}]})["success"]
        msg_id = kc.execute("triple(2)")
        assert client.event("stopped")["body"]["reason"] == "breakpoint"
        frames = client.command("stackTrace", {"threadId": 1})["body"]["stackFrames"]
        assert (frames[0]["name"], frames[0]["line"], frames[0]["source"]["path"]) == ("triple", 3, early)
        assert client.command("evaluate", {"expression": "thrice", "frameId": frames[0]["id"]})["body"]["result"] == "6"
        assert client.command("continue", {"threadId": 1})["success"]
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def murmur2(text, seed):
    """MurmurHash2 (32 bits, Appleby's definition) of the text's UTF-8 bytes, written here apart from
    the kernel's (kernel/debug/murmur2.ts) and JupyterLab's (@jupyterlab/debugger's hash)."""
    data = text.encode("utf-8")
    m, mask = 0x5BD1E995, 0xFFFFFFFF
    h = (seed ^ len(data)) & mask
    whole = len(data) // 4 * 4
    for i in range(0, whole, 4):
        k = (int.from_bytes(data[i:i + 4], "little") * m) & mask
        k = ((k ^ (k >> 24)) * m) & mask
        h = ((h * m) & mask) ^ k
    tail = data[whole:]
    if len(tail) == 3:
        h ^= tail[2] << 16
    if len(tail) >= 2:
        h ^= tail[1] << 8
    if len(tail) >= 1:
        h = ((h ^ tail[0]) * m) & mask
    h = ((h ^ (h >> 13)) * m) & mask
    return h ^ (h >> 15)


# JupyterLab 4.6.4's own murmur2 of these strings with the kernel's seed (its bundled function, run in
# node); kernel/debug/murmur2.test.ts holds the same values.
JUPYTERLAB_HASHES = {"": 3990065800, "abc": 3350977461, "é😀 ünïcode": 3230883218}


def test_cell_files_are_named_by_jupyterlabs_hash():
    """dumpCell names a cell's file as JupyterLab computes it from debugInfo (prefix, murmur2 of the
    code with the seed, suffix), so the panel finds the cell of a stopped frame."""
    with fresh_kernel() as (km, kc):
        client = Client(kc)
        info = client.command("debugInfo")["body"]
        assert (info["hashMethod"], info["hashSeed"]) == ("Murmur2", 0xC70F6907)
        for text, expected in JUPYTERLAB_HASHES.items():
            assert murmur2(text, info["hashSeed"]) == expected, text
        for code in ["x", "xy", "xyz", "wxyz", "const π = 3.14;\n// ünïcode 😀\nπ * 2", *JUPYTERLAB_HASHES]:
            path = client.command("dumpCell", {"code": code})["body"]["sourcePath"]
            assert path == f"{info['tmpFilePrefix']}{murmur2(code, info['hashSeed'])}{info['tmpFileSuffix']}", code
            with open(path, encoding="utf-8") as f:
                assert f.read() == code


def stop_at(client, kc, code, line):
    """Sets a breakpoint on `line` of the cell `code`, runs it, and checks it stops there; returns the msg_id."""
    path = client.command("dumpCell", {"code": code})["body"]["sourcePath"]
    assert client.command("setBreakpoints", {"source": {"path": path}, "breakpoints": [{"line": line}]})["success"]
    msg_id = kc.execute(code)
    assert client.event("stopped")["body"]["reason"] == "breakpoint"
    frames = client.command("stackTrace", {"threadId": 1})["body"]["stackFrames"]
    assert (frames[0]["line"], frames[0]["source"]["path"]) == (line, path)
    return msg_id


def test_runtime_restart_then_the_debugger_is_back():
    """While the runtime is being replaced (a cell killed it), a request that needs it says so
    clearly; once the new runtime is up the debugger is attached to it again, without the client
    attaching anew, and a breakpoint set in a cell run there stops."""
    with fresh_kernel() as (km, kc):
        client = Client(kc)
        assert client.command("initialize", {"adapterID": "modelbench"})["success"]
        assert client.command("attach")["success"]
        kc.execute('process.kill(process.pid, "SIGKILL")')
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "DeadKernelError"
        r = client.command("evaluate", {"expression": "1 + 1"})
        assert not r["success"], r
        assert "not connected to the debugger" in r["message"] and "restarted" in r["message"] and "try again" in r["message"]
        deadline = time.time() + TIMEOUT
        while not client.command("evaluate", {"expression": "1 + 1"})["success"]:
            assert time.time() < deadline, "the debugger did not re-attach to the new runtime"
            time.sleep(0.2)
        assert client.command("debugInfo")["body"]["isStarted"] is True
        msg_id = stop_at(client, kc, "const a = 1;\nconst b = a + 1;\nb", 2)
        assert client.command("evaluate", {"expression": "a", "frameId": 1})["body"]["result"] == "1"
        assert client.command("continue", {"threadId": 1})["success"]
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "ok"


def test_kernel_restart_from_the_client_while_debugging():
    """A kernel restarted by its client (as JupyterLab's restart button does) while the debugger is
    on and stopped at a breakpoint: the restart completes, the new kernel's debugger is off until the
    client attaches again, and then breakpoints stop as before."""
    with fresh_kernel() as (km, kc):
        client = Client(kc)
        assert client.command("initialize", {"adapterID": "modelbench"})["success"]
        assert client.command("attach")["success"]
        stop_at(client, kc, "const before = 1;\nconst again = before;", 2)
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=60)
        client.events.clear()
        info = client.command("debugInfo")["body"]
        assert info["isStarted"] is False and info["breakpoints"] == [] and info["stoppedThreads"] == []
        assert client.command("initialize", {"adapterID": "modelbench"})["success"]
        assert client.command("attach")["success"]
        msg_id = stop_at(client, kc, "const after = 2;\nconst twice = after * 2;\ntwice", 2)
        assert client.command("continue", {"threadId": 1})["success"]
        while True:
            reply = kc.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"]["msg_id"] == msg_id:
                break
        assert reply["content"]["status"] == "ok"
