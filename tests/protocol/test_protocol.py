"""What the conformance suite does not cover: comms, interrupts, signatures, stdin, restart, aborts, magics."""
import contextlib
import json
import os
import signal
import sqlite3
import threading
import time

import pytest
import zmq
from jupyter_client.session import Session

from kernel_helpers import TIMEOUT, assert_error, collect, fresh_kernel, result_of, run, shell_reply, start, text_of



def test_variables_persist_and_top_level_await(kernel):
    _, kc = kernel
    reply, _ = run(kc, "const base: number = 20")
    assert reply["content"]["status"] == "ok"
    reply, outs = run(kc, "await new Promise((r) => setTimeout(r, 20)); base + 1")
    assert reply["content"]["status"] == "ok"
    assert result_of(outs) == "21"


def test_earlier_cells_variables_work_in_shorthand_properties(kernel):
    """`{ q }` names an earlier cell's q, in literals, nested, in destructuring assignments and with defaults."""
    _, kc = kernel
    run(kc, "const q = 1\nlet m = 2\nconst texts = ['a']")
    assert result_of(run(kc, "({ q, texts })")[1]) == "{ q: 1, texts: [ 'a' ] }"
    assert result_of(run(kc, "const o = { inner: { q }, m }; o")[1]) == "{ inner: { q: 1 }, m: 2 }"
    assert result_of(run(kc, "({ m } = { m: 7 }); m")[1]) == "7"
    assert result_of(run(kc, "({ m = 9 } = {}); m")[1]) == "9"
    # A cell's own variable of the same name is still the one meant.
    assert result_of(run(kc, "(() => { const q = 5; return { q }; })()")[1]) == "{ q: 5 }"
    assert result_of(run(kc, "await Promise.resolve({ q })")[1]) == "{ q: 1 }"


def test_type_error_is_reported_before_running(kernel):
    _, kc = kernel
    reply, outs = run(kc, "console.log('ran'); const n: number = 'text'")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "TypeScriptError"
    assert "not assignable" in reply["content"]["evalue"]
    assert text_of(outs) == ""  # nothing ran
    errors = [m for m in outs if m["msg_type"] == "error"]
    assert len(errors) == 1 and errors[0]["content"]["traceback"]


def test_comm_round_trip(kernel):
    _, kc = kernel
    reply, _ = run(
        kc,
        """comms().registerTarget("echo", (comm, data) => {
  comm.send({ opened_with: data });
  comm.onMsg((msg) => comm.send({ echo: msg }));
  comm.onClose(() => console.log("echo closed"));
});""",
    )
    assert reply["content"]["status"] == "ok"
    kc.comm_info()
    kc.get_shell_msg(timeout=TIMEOUT)

    comm_id = "test-comm-1"
    open_msg = kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "echo", "data": {"hello": 1}})
    kc.shell_channel.send(open_msg)
    got = collect(kc, open_msg["header"]["msg_id"])
    assert [m["content"]["data"] for m in got if m["msg_type"] == "comm_msg"] == [{"opened_with": {"hello": 1}}]

    info_id = kc.comm_info(target_name="echo")
    info = shell_reply(kc, info_id)
    assert info["content"]["comms"] == {comm_id: {"target_name": "echo"}}

    msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"x": [1, 2]}})
    kc.shell_channel.send(msg)
    got = collect(kc, msg["header"]["msg_id"])
    assert [m["content"]["data"] for m in got if m["msg_type"] == "comm_msg"] == [{"echo": {"x": [1, 2]}}]

    close = kc.session.msg("comm_close", {"comm_id": comm_id, "data": {}})
    kc.shell_channel.send(close)
    got = collect(kc, close["header"]["msg_id"])
    assert "echo closed" in text_of(got)
    info = shell_reply(kc, kc.comm_info())
    assert info["content"]["comms"] == {}


def test_comm_opened_from_the_kernel_side(kernel):
    _, kc = kernel
    reply, outs = run(kc, "const c = comms().open('frontend.target', { v: 1 }); c.send({ step: 2 }); c.close()")
    assert reply["content"]["status"] == "ok"
    kinds = [m["msg_type"] for m in outs]
    assert kinds == ["comm_open", "comm_msg", "comm_close"]
    assert outs[0]["content"]["target_name"] == "frontend.target"


def test_comm_open_to_unknown_target_is_closed(kernel):
    _, kc = kernel
    m = kc.session.msg("comm_open", {"comm_id": "nope", "target_name": "no-such-target", "data": {}})
    kc.shell_channel.send(m)
    got = collect(kc, m["header"]["msg_id"])
    assert [x["msg_type"] for x in got] == ["comm_close"]


def _interrupt_while_running(km, kc, code):
    msg_id = kc.execute(code)
    time.sleep(1.0)  # let it get going
    t0 = time.time()
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=10)
    elapsed = time.time() - t0
    collect(kc, msg_id)
    return reply, elapsed


@pytest.mark.parametrize(
    "code",
    ["while (true) {}", "await new Promise(() => {})", "for (;;) { Math.sqrt(2) }"],
    ids=["sync-loop", "never-resolving-await", "sync-for"],
)
def test_interrupt_stops_cell_within_a_second_and_kernel_lives_on(kernel, code):
    km, kc = kernel
    run(kc, "const survivor = 'still here'")
    reply, elapsed = _interrupt_while_running(km, kc, code)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert elapsed < 1.0, f"interrupt took {elapsed:.2f}s"
    reply, outs = run(kc, "survivor + '!'")
    assert reply["content"]["status"] == "ok"
    assert result_of(outs) == "'still here!'"  # state kept, later cells run normally


def test_interrupt_right_after_start_is_not_lost():
    """A cell sent at once to a new kernel, then interrupted while the runtime still warms up."""
    with fresh_kernel() as (km, kc):
        msg_id = kc.execute("while (true) {}")
        time.sleep(0.2)
        km.interrupt_kernel()
        reply = shell_reply(kc, msg_id, timeout=10)
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        collect(kc, msg_id)
        assert result_of(run(kc, "'next cell runs'")[1]) == "'next cell runs'"


def test_interrupt_request_on_control_channel_is_answered(kernel):
    km, kc = kernel
    msg_id = kc.execute("while (true) {}")
    time.sleep(0.5)
    msg = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(msg)
    reply = kc.control_channel.get_msg(timeout=5)
    assert reply["header"]["msg_type"] == "interrupt_reply"
    assert reply["content"]["status"] == "ok"
    assert shell_reply(kc, msg_id)["content"]["ename"] == "KeyboardInterrupt"
    collect(kc, msg_id)


def test_sigint_to_the_kernel_interrupts_the_cell(kernel):
    km, kc = kernel
    msg_id = kc.execute("while (true) {}")
    time.sleep(0.8)
    t0 = time.time()
    km.signal_kernel(signal.SIGINT)  # what signal-mode frontends and Ctrl-C in a terminal do
    reply = shell_reply(kc, msg_id, timeout=10)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert time.time() - t0 < 1.0
    collect(kc, msg_id)
    assert km.is_alive()
    assert result_of(run(kc, "'after sigint'")[1]) == "'after sigint'"


def test_protocol_answers_while_a_cell_spins(kernel):
    km, kc = kernel
    msg_id = kc.execute("while (true) {}")
    time.sleep(0.3)
    assert km.is_alive()
    cid = kc.complete("Math.ma")
    r = shell_reply(kc, cid, timeout=60)  # answered while the cell still spins…
    assert r["content"]["matches"] == ["max"]
    assert shell_reply(kc, kc.kernel_info(), timeout=10)["content"]["status"] == "ok"
    _still_running_then_interrupt(km, kc, msg_id)  # …which has not replied yet


def test_sigint_to_the_kernels_group_stops_one_cell_and_keeps_the_runtime():
    # Jupyter's signal_kernel SIGINTs the kernel's whole process group; the runtime must get one
    # interrupt (through the protocol process), not a second copy that lands after the first
    # stopped the cell and interrupts the next one or kills the runtime.
    with fresh_kernel() as (km, kc):
        assert run(kc, "let kept = 41")[0]["content"]["status"] == "ok"
        for delay in (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6) * 2:
            msg_id = kc.execute("while (true) {}")
            time.sleep(delay)
            km.signal_kernel(signal.SIGINT)
            assert shell_reply(kc, msg_id, timeout=10)["content"]["ename"] == "KeyboardInterrupt"
            collect(kc, msg_id)
            reply, outs = run(kc, "kept + 1")
            assert reply["content"]["status"] == "ok", reply["content"]  # same runtime, variables kept
            assert result_of(outs) == "42"
            _still_running_then_interrupt(km, kc, kc.execute("while (true) {}"), wait=0.5)  # the next cell is not interrupted


def test_an_interrupt_while_the_cell_compiles_stops_it_and_keeps_the_runtime():
    # The SIGINT lands during the (synchronous) type-check of a long cell, before its loop runs:
    # node takes the signal then, and the loop must not spin on until the runtime is replaced.
    with fresh_kernel() as (km, kc):
        assert run(kc, "let kept = 41")[0]["content"]["status"] == "ok"
        lines = [f"const c{i}: {{ a: number; b: string }} = {{ a: {i}, b: 'x{i}' }};" for i in range(500)]
        msg_id = kc.execute("\n".join(lines + ["while (true) {}"]))
        time.sleep(0.1)
        km.interrupt_kernel()
        reply = shell_reply(kc, msg_id, timeout=10)["content"]
        assert (reply["ename"], reply["evalue"]) == ("KeyboardInterrupt", "interrupted by the user"), reply
        collect(kc, msg_id)
        assert result_of(run(kc, "kept + 1")[1]) == "42"


def _still_running_then_interrupt(km, kc, msg_id, wait=0.2):
    """The cell has not replied (within `wait` s); then an interrupt ends it."""
    replied = _replied(kc, wait)
    assert msg_id not in replied, replied[msg_id]["content"]
    km.interrupt_kernel()
    assert shell_reply(kc, msg_id)["content"]["ename"] == "KeyboardInterrupt"
    collect(kc, msg_id)


def _children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def test_killing_the_kernel_ends_its_runtime_even_while_a_cell_spins():
    km, kc = start()
    try:
        msg_id = kc.execute("while (true) {}")
        time.sleep(0.5)
        pid = km.provisioner.process.pid
        runtimes = _children(pid)
        assert runtimes, "the kernel has no runtime child"
        os.killpg(os.getpgid(pid), signal.SIGKILL)  # what Jupyter's kill does; the runtime is not in that group
        assert not _alive_after(runtimes, 10), "the runtime outlived its kernel"
    finally:
        kc.stop_channels()
        with contextlib.suppress(Exception):
            km.shutdown_kernel(now=True)


def test_a_kernel_whose_launcher_died_shuts_down_with_its_runtime():
    # As ipykernel does with JPY_PARENT_PID: a crashed test or server must not leave kernels behind.
    import subprocess
    import sys

    script = (
        "import os, sys; sys.path.insert(0, %r)\n"
        "from kernel_helpers import start, run\n"
        "km, kc = start()\n"
        "assert run(kc, '1')[0]['content']['status'] == 'ok'\n"
        "pid = km.provisioner.process.pid\n"
        "print(pid, *open(f'/proc/{pid}/task/{pid}/children').read().split(), flush=True)\n"
        "os._exit(0)\n"
    ) % os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         stdin=subprocess.DEVNULL, env=os.environ)
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) >= 2, out.stderr  # the kernel and its runtime
    assert not _alive_after(pids, 15), "the kernel outlived the process that launched it"


def _alive_after(pids, timeout):
    """Those of `pids` still running (not gone, not a zombie) once they all ended or `timeout` s passed."""
    deadline = time.time() + timeout
    while [p for p in pids if _state(p) != "Z"] and time.time() < deadline:
        time.sleep(0.1)
    return [p for p in pids if _state(p) != "Z"]


def _state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "Z"


def _replied(kc, wait=0.2):
    """Replies that have arrived (within `wait` s) but were not yet taken, by request id."""
    from kernel_helpers import _early_replies

    while True:
        try:
            r = kc.get_shell_msg(timeout=wait)
        except Exception:
            return dict(_early_replies)
        _early_replies[r["parent_header"].get("msg_id")] = r


def test_bad_signature_is_dropped_not_executed(kernel):
    km, kc = kernel
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(f"tcp://127.0.0.1:{km.shell_port}")
    forged = Session(key=b"not-the-key", signature_scheme="hmac-sha256")
    msg = forged.msg("execute_request", {"code": "globalThis.pwned = true", "silent": False, "store_history": True,
                                          "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    forged.send(sock, msg)
    # An unsigned message too.
    unsigned = Session(key=b"", signature_scheme="hmac-sha256")
    unsigned.send(sock, unsigned.msg("execute_request", dict(msg["content"], code="globalThis.pwned2 = true")))
    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    assert not dict(poller.poll(1000)), "the kernel answered a forged message"
    sock.close()
    reply, outs = run(kc, "[typeof (globalThis as any).pwned, typeof (globalThis as any).pwned2]")
    assert result_of(outs) == "[ 'undefined', 'undefined' ]"


def test_input_request_round_trip(kernel):
    _, kc = kernel
    msg_id = kc.execute("const name = await input('Your name? '); `hello ${name}`", allow_stdin=True)
    req = kc.stdin_channel.get_msg(timeout=TIMEOUT)
    assert req["header"]["msg_type"] == "input_request"
    assert req["content"] == {"prompt": "Your name? ", "password": False}
    assert req["parent_header"]["msg_id"] == msg_id
    kc.input("Ada")
    reply = shell_reply(kc, msg_id)
    assert reply["content"]["status"] == "ok"
    assert result_of(collect(kc, msg_id)) == "'hello Ada'"


def test_input_without_stdin_is_a_clear_error(kernel):
    _, kc = kernel
    reply, _ = run(kc, "await input('x')", allow_stdin=False)
    assert reply["content"]["ename"] == "StdinNotImplementedError"


def test_stop_on_error_aborts_queued_cells(kernel):
    _, kc = kernel
    first = kc.execute("await new Promise((r) => setTimeout(r, 300)); throw new Error('first fails')")
    second = kc.execute("console.log('should not run')")
    assert shell_reply(kc, first)["content"]["status"] == "error"
    assert shell_reply(kc, second)["content"]["status"] == "aborted"
    collect(kc, first)
    # With stop_on_error false the next cell does run.
    a = kc.execute("throw new Error('x')", stop_on_error=False)
    b = kc.execute("'ran'")
    assert shell_reply(kc, a)["content"]["status"] == "error"
    assert shell_reply(kc, b)["content"]["status"] == "ok"
    collect(kc, a)
    assert result_of(collect(kc, b)) == "'ran'"


def test_display_update_and_clear(kernel):
    _, kc = kernel
    reply, outs = run(kc, "const h = display('step 1'); h.update('step 2'); clearOutput(true)")
    kinds = [m["msg_type"] for m in outs]
    assert kinds == ["display_data", "update_display_data", "clear_output"]
    did = outs[0]["content"]["transient"]["display_id"]
    assert outs[1]["content"]["transient"]["display_id"] == did
    # A displayed string is its text, as print() shows it (a cell's result keeps the REPL's quotes).
    assert outs[1]["content"]["data"]["text/plain"] == "step 2"
    assert outs[2]["content"]["wait"] is True


def test_rich_result_via_mime_symbol(kernel):
    _, kc = kernel
    reply, outs = run(kc, "({ [MIME]: () => ({ 'text/html': '<table></table>', 'text/plain': 'a table' }) })")
    data = [m for m in outs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert data == {"text/html": "<table></table>", "text/plain": "a table"}


def test_modulo_on_a_continuation_line_is_not_a_magic(kernel):
    _, kc = kernel
    reply, outs = run(kc, "const time = 3\nconst m = (17\n%time)\nm")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert result_of(outs) == "2"
    reply, outs = run(kc, "const rem = 17 %\n  5\nrem")
    assert result_of(outs) == "2"


def test_line_magics_between_code(kernel):
    _, kc = kernel
    reply, outs = run(kc, "const a1 = 1\n%env MB_TEST_VAR=yes\nprocess.env.MB_TEST_VAR")
    assert reply["content"]["status"] == "ok"
    assert result_of(outs) == "'yes'"


@pytest.mark.parametrize(
    "code,needle",
    [
        ("%timeit -n zero 1", "wants an integer"),
        ("%timeit -n 0 1", "at least 1"),
        ("%timeit --loops 3 1", "unknown option --loops"),
        ("%nosuchmagic", "unknown line magic %nosuchmagic"),
        ("%%nosuchmagic\n1", "unknown cell magic %%nosuchmagic"),
        ("%env 'unterminated", "unterminated"),
        ("%who --bogus", "unknown option --bogus"),
        ("%time", "needs code"),
    ],
)
def test_bad_magic_arguments_are_errors_in_the_cell(kernel, code, needle):
    _, kc = kernel
    assert_error(run(kc, code)[0], "UsageError", needle)
    assert run(kc, "1 + 1")[0]["content"]["status"] == "ok"  # the kernel is fine


def test_magic_help_and_lsmagic(kernel):
    _, kc = kernel
    _, outs = run(kc, "%timeit --help")
    assert "%timeit [-n N]" in text_of(outs) and "--repeat" in text_of(outs)
    _, outs = run(kc, "%lsmagic")
    for name in ["%time", "%timeit", "%env", "%who", "%lsmagic", "%%time", "%%timeit"]:
        assert name in text_of(outs)


def test_time_timeit_who(kernel):
    _, kc = kernel
    _, outs = run(kc, "%time const t1 = [1, 2, 3].length\nt1")
    assert "Wall time:" in text_of(outs) and result_of(outs) == "3"
    _, outs = run(kc, "%%timeit -n 50 -r 2\nconst s = [3, 1, 2].sort()")
    assert "per loop (mean ± std. dev. of 2 runs, 50 loops each)" in text_of(outs)
    _, outs = run(kc, "%who number")
    names = text_of(outs).split()
    assert "t1" in names and "display" not in names


def test_who_lists_only_the_users_variables(kernel):
    _, kc = kernel
    # A last expression whose value is null leaves tslab's internal tsLastExpr variable behind
    # (it deletes it only for a value it shows): it is not the user's.
    run(kc, "const mine = 1\nJSON.parse('null')")
    _, outs = run(kc, "%who")
    names = text_of(outs).split()
    assert "mine" in names
    assert not [n for n in names if n.startswith("tsLastExpr")], names


def test_user_expressions(kernel):
    _, kc = kernel
    run(kc, "const ue = 5")
    msg_id = kc.execute("1", user_expressions={"double": "ue * 2", "bad": "nope_undefined"})
    reply = shell_reply(kc, msg_id)
    collect(kc, msg_id)
    ue = reply["content"]["user_expressions"]
    assert ue["double"] == {"status": "ok", "data": {"text/plain": "10"}, "metadata": {}}
    assert ue["bad"]["status"] == "error"


def test_runtime_death_is_reported_and_recovered(kernel):
    _, kc = kernel
    assert_error(run(kc, "process.exit(3)")[0], "DeadKernelError", "variables are lost")
    reply, outs = run(kc, "'alive'")
    assert result_of(outs) == "'alive'"


def test_restart_keeps_history_and_clears_variables(store_path):
    with fresh_kernel() as (km, kc):
        run(kc, "const beforeRestart = 1")
        run(kc, "'marker-before-restart'")
        km.restart_kernel()
        kc.wait_for_ready(timeout=60)
        reply, _ = run(kc, "beforeRestart")
        assert reply["content"]["status"] == "error"  # a new runtime
        hid = kc.history(hist_access_type="search", pattern="'marker-before-restart'", output=True, raw=True)
        hist = shell_reply(kc, hid)["content"]["history"]
        assert hist and hist[-1][2] == ["'marker-before-restart'", "'marker-before-restart'"]
        # and it sits in the project's SQLite store
        rows = sqlite3.connect(store_path).execute("SELECT COUNT(*) FROM history WHERE source = ?", ("'marker-before-restart'",)).fetchone()
        assert rows[0] >= 1


def test_shutdown_exits_the_kernel_process():
    km, kc = start()
    kc.shutdown()  # sent on the control channel
    reply = kc.control_channel.get_msg(timeout=TIMEOUT)
    assert reply["content"] == {"status": "ok", "restart": False}
    deadline = time.time() + 5
    while km.is_alive() and time.time() < deadline:
        time.sleep(0.1)
    assert not km.is_alive()
    kc.stop_channels()
    km.cleanup_resources()
