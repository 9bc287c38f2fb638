"""The IPython habits beyond %time: !cmd and %%bash, %npm, %%capture, %load, %run, %pwd/%cd,
%history, %recall, %who/%whos; each through the real kernel."""
import json
import os
import subprocess
import tempfile
import time

import pytest
from jupyter_client.manager import start_new_kernel

from kernel_helpers import assert_error, collect, result_of, run, shell_reply, text_of

NEW_MAGICS = ["%sh", "%%sh", "%%bash", "%npm", "%install", "%autoreload", "%pwd", "%cd", "%%capture", "%load", "%run", "%history", "%recall", "%whos"]


def _payload(reply):
    return reply["content"].get("payload", [])


def test_a_shell_line_streams_shows_its_exit_status_and_the_cell_goes_on(kernel):
    _, kc = kernel
    reply, outs = run(kc, "const before = 1\n!echo out; echo err >&2; exit 3\nbefore + 1")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert text_of(outs) == "out\n"
    assert text_of(outs, "stderr") == "err\n[exit status 3]\n"
    assert result_of(outs) == "2"
    # the shell sees the environment %env set
    _, outs = run(kc, "%env MB_SHELL_TEST=seen\n!echo $MB_SHELL_TEST")
    assert text_of(outs).endswith("seen\n")


def test_shell_output_arrives_while_the_command_runs_and_an_interrupt_stops_it(kernel):
    km, kc = kernel
    marker = "31.4159"
    msg_id = kc.execute(f"!echo started; sleep {marker}; echo never")
    t0 = time.time()
    first = None
    while time.time() - t0 < 20:
        m = kc.get_iopub_msg(timeout=20)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream":
            first = m["content"]["text"]
            break
    assert first == "started\n"  # streamed: the command is still sleeping
    assert _sleepers(marker), "the command is not running"
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=10)["content"]
    assert reply["ename"] == "KeyboardInterrupt", reply
    outs = collect(kc, msg_id)
    assert "never" not in text_of(outs)
    deadline = time.time() + 5
    while _sleepers(marker) and time.time() < deadline:
        time.sleep(0.1)
    assert not _sleepers(marker), "the interrupted command is still running"
    assert run(kc, "1 + 1")[0]["content"]["status"] == "ok"


def _sleepers(marker):
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [l for l in out.splitlines() if l.strip() == f"sleep {marker}"]


def test_bash_and_sh_cells(kernel):
    _, kc = kernel
    reply, outs = run(kc, "%%bash\nfor i in 1 2; do echo \"line $i\"; done\n[[ 1 == 1 ]] && echo bashism")
    assert reply["content"]["status"] == "ok"
    assert text_of(outs) == "line 1\nline 2\nbashism\n"
    reply, outs = run(kc, "%%sh\necho partial\nexit 4")
    assert_error(reply, "CalledProcessError", "exit status 4")
    assert text_of(outs) == "partial\n"
    reply, outs = run(kc, "%%bash --no-raise-error\nexit 5")
    assert reply["content"]["status"] == "ok"
    assert text_of(outs, "stderr") == "[exit status 5]\n"


def test_pwd_and_cd_move_file_paths_and_shell_commands(kernel):
    _, kc = kernel
    start = result_of(run(kc, "%pwd")[1])
    with tempfile.TemporaryDirectory() as d:
        d = os.path.realpath(d)
        with open(os.path.join(d, "here.txt"), "w") as f:
            f.write("hello")
        _, outs = run(kc, f"%cd {d}")
        assert text_of(outs) == d + "\n"
        _, outs = run(kc, "!ls\nrequire('fs').readFileSync('here.txt', 'utf8')")
        assert text_of(outs) == "here.txt\n" and result_of(outs) == "'hello'"
        _, outs = run(kc, "%cd -q -")
        assert text_of(outs) == ""
    assert result_of(run(kc, "%pwd")[1]) == start
    assert_error(run(kc, "%cd /no/such/folder")[0], "UsageError", "no such folder: /no/such/folder")


def test_capture_keeps_streams_displays_and_the_result_in_a_variable(kernel):
    _, kc = kernel
    reply, outs = run(kc, "%%capture cap\nconsole.log('to stdout')\nconsole.error('to stderr')\ndisplay(html('<b>shown</b>'))\n!echo from shell\n6 * 7")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert outs == [], outs  # nothing reached the notebook
    assert result_of(run(kc, "cap.stdout")[1]) == "'to stdout\\nfrom shell\\n'"
    assert result_of(run(kc, "cap.stderr")[1]) == "'to stderr\\n'"
    assert result_of(run(kc, "cap.outputs.map((o) => o['text/plain'])")[1]) == "[ 'shown', '42' ]"
    # typed: a wrong property is a type error before anything runs
    assert_error(run(kc, "cap.stdoutt")[0], "TypeScriptError", "stdoutt")
    _, outs = run(kc, "cap.show()")
    assert text_of(outs) == "to stdout\nfrom shell\n" and text_of(outs, "stderr") == "to stderr\n"
    shown = [m["content"]["data"] for m in outs if m["msg_type"] == "display_data"]
    assert [d.get("text/html") for d in shown] == ["<b>shown</b>", None] and shown[1]["text/plain"] == "42"
    # capturing again under the same name replaces it
    run(kc, "%%capture cap\nconsole.log('again')")
    assert result_of(run(kc, "cap.stdout")[1]) == "'again\\n'"


def test_capture_lets_through_what_it_is_told_not_to_take_and_keeps_output_before_an_error(kernel):
    _, kc = kernel
    _, outs = run(kc, "%%capture --no-stdout\nconsole.log('through')\nconsole.error('kept back')")
    assert text_of(outs) == "through\n" and text_of(outs, "stderr") == ""
    reply, outs = run(kc, "%%capture partial\nconsole.log('before')\nthrow new Error('boom')")
    assert_error(reply, "Error", "boom")
    assert text_of(outs) == ""
    assert result_of(run(kc, "partial.stdout")[1]) == "'before\\n'"
    assert_error(run(kc, "%%capture 1bad\n1")[0], "UsageError", "takes a variable name")


def test_who_lists_only_the_users_variables_and_whos_shows_types_and_shapes(kernel):
    _, kc = kernel
    code = "\n".join([
        "import * as aq from 'arquero'",
        "import * as tf from '@tensorflow/tfjs'",
        "const batch = tf.zeros([32, 10])",
        "const grid = [[1, 2, 3], [4, 5, 6]]",
        "const weights = new Float32Array(8)",
        "const frame = aq.table({ a: [1, 2, 3], b: ['x', 'y', 'z'] })",
        "const label = 'genre'",
        "function fit(x: number) { return x }",
        "JSON.parse('null')",  # a null last value: tslab's internal tsLastExpr must not show
    ])
    assert run(kc, code, timeout=120)[0]["content"]["status"] == "ok"
    names = text_of(run(kc, "%who")[1]).split()
    assert {"grid", "weights", "frame", "label", "fit", "aq"} <= set(names)
    assert not [n for n in names if n.startswith("tsLastExpr") or n.startswith("__")], names
    assert "display" not in names
    rows = {l.split()[0]: l.split(None, 2)[1:] for l in text_of(run(kc, "%whos")[1]).splitlines()[2:]}
    assert rows["grid"] == ["number[][]", "shape [2, 3]"]
    assert rows["weights"] == ["Float32Array", "length 8"]
    assert rows["frame"] == ["ColumnTable", "3 rows × 2 columns"]
    assert rows["label"] == ["string", '"genre"']
    assert rows["fit"] == ["function", "fit(1 parameter)"]
    assert rows["batch"] == ["Tensor", "shape [32, 10] float32"]
    assert text_of(run(kc, "%who table")[1]).split() == ["frame"]
    assert text_of(run(kc, "%who Tensor")[1]).split() == ["batch"]
    assert [l.split()[0] for l in text_of(run(kc, "%whos array")[1]).splitlines()[2:]] == ["grid", "weights"]


def test_history_and_recall(kernel):
    _, kc = kernel
    _, outs = run(kc, "%history -n")
    before = text_of(outs)
    run(kc, "const hist_a = 20")
    run(kc, "hist_a + 22")
    out = text_of(run(kc, "%history -n")[1])
    assert "const hist_a = 20" in out and "hist_a + 22" in out
    lines = {l.split(": ", 1)[1]: int(l.split(":")[0]) for l in out.splitlines() if ": " in l and l.split(":")[0].isdigit()}
    n = lines["const hist_a = 20"]
    assert lines["hist_a + 22"] == n + 1
    assert text_of(run(kc, f"%history {n}-{n + 1}")[1]) == "const hist_a = 20\nhist_a + 22\n"
    assert "-> 42" in text_of(run(kc, f"%history -o -n {n + 1}")[1])
    reply, _ = run(kc, f"%recall {n}")
    assert _payload(reply) == [{"source": "set_next_input", "text": "const hist_a = 20", "replace": False}]
    reply, _ = run(kc, "%recall hist_a +")
    assert _payload(reply)[0]["text"] == "hist_a + 22"
    run(kc, "hist_a * 2")
    reply, _ = run(kc, "%recall")  # alone: the last result, as text
    assert _payload(reply)[0]["text"] == "40"
    assert_error(run(kc, "%recall 99999")[0], "UsageError", "no input 99999")
    assert_error(run(kc, "%history 5-x")[0], "UsageError", "ranges such as")
    assert before  # the first %history saw the earlier cells


def test_load_puts_a_file_in_the_cell_and_run_runs_one_in_the_notebooks_scope(kernel, tmp_path):
    _, kc = kernel
    script = tmp_path / "prepare.ts"
    script.write_text("#!/usr/bin/env node\nconst ranArgs: string[] = process.argv.slice(2);\nconst prepared = ranArgs.length * 10;\nconsole.log('prepared', prepared);\n")
    reply, _ = run(kc, f"%load {script}")
    assert _payload(reply) == [{"source": "set_next_input", "text": f"// %load {script}\n" + script.read_text().rstrip("\n"), "replace": True}]
    reply, _ = run(kc, f"%load -r 2-3 {script}")
    assert _payload(reply)[0]["text"].split("\n")[1:] == script.read_text().split("\n")[1:3]
    reply, outs = run(kc, f"%run {script} a b")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert text_of(outs) == "prepared 20\n"
    assert result_of(run(kc, "[ranArgs, prepared, process.argv.includes('a')]")[1]) == "[ [ 'a', 'b' ], 20, false ]"
    broken = tmp_path / "broken.ts"
    broken.write_text("const ok = 1;\nconst n: number = 'text';\n")
    assert_error(run(kc, f"%run {broken}")[0], "TypeScriptError", "2:7")
    assert_error(run(kc, f"%run {tmp_path}/none.ts")[0], "UsageError", "no such file")
    assert_error(run(kc, f"%run {tmp_path}/data.csv")[0], "UsageError", "TypeScript or JavaScript files")


@pytest.mark.parametrize(
    "code,needle",
    [
        ("%npm publish", "%npm knows install, uninstall and list"),
        ("%npm install", "needs the packages"),
        ("%npm install left-pad --save-exact", "unknown option --save-exact"),
        ("%cd a b", "at most 1 positional"),
        ("%load", "needs <FILE>"),
        ("%run", "needs <FILE>"),
        ("%pwd extra", "takes no positional"),
        ("%%capture a b\n1", "at most 1 positional"),
        ("%%bash\n", "needs a script"),
        ("%history -l 0", "at least 1"),
        ("%bash echo", "%%bash is a cell magic"),
        ("%install", "needs <PKG>"),
    ],
)
def test_bad_arguments_are_clear_errors(kernel, code, needle):
    _, kc = kernel
    reply = run(kc, code)[0]
    assert reply["content"]["status"] == "error" and needle in reply["content"]["evalue"], reply["content"]


def test_every_new_magic_answers_help_is_listed_and_completes_its_flags(kernel):
    _, kc = kernel
    listing = text_of(run(kc, "%lsmagic")[1])
    for name in NEW_MAGICS:
        assert name in listing, name
        bare = name.lstrip("%")
        assert text_of(run(kc, f"%{bare} --help" if name.count("%") == 1 else f"%%{bare} --help\n")[1]).startswith("%" if bare != "sh" else "!"), name
    for code, expected in [("%%capture --no-s", ["--no-stdout", "--no-stderr"]), ("%npm install x --d", ["--dev"]), ("%history -", None), ("%%bash --n", ["--no-raise-error"])]:
        r = shell_reply(kc, kc.complete(code, len(code)))["content"]
        if expected is None:
            assert {"--line-numbers", "--output", "--grep", "--limit"} <= set(r["matches"]), r
        else:
            assert r["matches"] == expected, r
    r = shell_reply(kc, kc.complete("%who", 4))["content"]
    assert {"%who", "%whos"} <= set(r["matches"])


def test_npm_installs_into_the_project_and_the_next_cell_imports_it():
    # A project of its own (never the repository's node_modules); the npm registry is reachable.
    with tempfile.TemporaryDirectory() as project:
        with open(os.path.join(project, "package.json"), "w") as f:
            json.dump({"name": "npm-magic-test", "version": "1.0.0", "private": True}, f)
        nb = os.path.join(project, "notebooks")
        os.mkdir(nb)
        km, kc = start_new_kernel(kernel_name="modelbench", startup_timeout=60, cwd=nb)
        try:
            reply, outs = run(kc, "%npm install tiny-invariant@1.3.3", timeout=180)
            assert reply["content"]["status"] == "ok", (reply["content"], text_of(outs, "stderr"))
            assert "installed tiny-invariant@1.3.3" in text_of(outs)
            with open(os.path.join(project, "package.json")) as f:
                assert "tiny-invariant" in json.load(f)["dependencies"]
            reply, outs = run(kc, "import invariant from 'tiny-invariant'\nlet caught = ''\ntry { invariant(false, 'nope') } catch (e) { caught = String(e) }\ncaught")
            assert reply["content"]["status"] == "ok", reply["content"]
            assert result_of(outs) == "'Error: Invariant failed: nope'"
            # typed by the package's own declarations
            assert_error(run(kc, "invariant()")[0], "TypeScriptError", "Expected")
            _, outs = run(kc, "%npm", timeout=60)
            assert "tiny-invariant@1.3.3" in text_of(outs)
            reply, outs = run(kc, "%install --dev dequal@2.0.3", timeout=180)
            assert reply["content"]["status"] == "ok", (reply["content"], text_of(outs, "stderr"))
            with open(os.path.join(project, "package.json")) as f:
                assert json.load(f)["devDependencies"] == {"dequal": "^2.0.3"}
            assert result_of(run(kc, "import { dequal } from 'dequal'\ndequal({ a: [1] }, { a: [1] })")[1]) == "true"
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


def test_question_mark_pages_the_signature_with_its_documentation(kernel):
    """`name?` shows TypeScript's quick info with the documentation comments of lib and @types/node
    (the runtime's own program reads declaration files without them, to start
    faster; the protocol process answers with its program, which keeps them)."""
    _, kc = kernel
    for code, signature, doc in [
        ("Math.max?", "max(...values: number[]): number", "Returns the larger of a set of supplied numeric expressions."),
        ("JSON.parse?", "parse(text: string", "Converts a JavaScript Object Notation (JSON) string into an object."),
        ("process.cwd?", "cwd(): string", "returns the current working directory"),
    ]:
        reply, _ = run(kc, code)
        assert reply["content"]["status"] == "ok", reply["content"]
        pages = [p for p in _payload(reply) if p.get("source") == "page"]
        assert pages, (code, _payload(reply))
        text = pages[0]["data"]["text/plain"]
        assert signature in text and doc in text, (code, text)
    reply, outs = run(kc, "notDefinedAnywhere?")
    assert "not found" in text_of(outs)
