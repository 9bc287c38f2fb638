"""Library code in modules, orchestrated from a notebook: a notebook in notebooks/ imports the
project's modules from anywhere in it, typed; an edit is reloaded by the next cell (noted, variables
kept) unless %autoreload is off; a tracked run records the modules' code and content hashes."""
import hashlib
import json
import os
import sqlite3
import time

import pytest
from jupyter_client.manager import start_new_kernel

from kernel_helpers import assert_error, result_of, run, shell_reply, text_of


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    # Two writes within a file system's timestamp granularity must still look different.
    now = time.time()
    os.utime(path, (now, now + write.bump))
    write.bump += 1


write.bump = 1


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("project"))
    write(f"{root}/package.json", json.dumps({"name": "modules-test", "version": "1.0.0", "private": True}))
    write(f"{root}/lib/util.ts", "export const scale = (x: number): number => x * 2;\n")
    write(f"{root}/src/features.ts", 'import { scale } from "../lib/util";\n/** One feature. */\nexport function featurize(x: number): number {\n  return scale(x) + 1;\n}\n')
    write(f"{root}/src/config.json", '{ "threshold": 0.5 }\n')
    write(f"{root}/lib/plain.js", "exports.triple = (x) => x * 3;\n")
    write(f"{root}/src/bad.ts", "export const fine = 1;\nexport const broken: number = 'text';\n")
    os.mkdir(f"{root}/notebooks")
    return root


@pytest.fixture(scope="module")
def nb_kernel(project):
    km, kc = start_new_kernel(kernel_name="modelbench", startup_timeout=60, cwd=f"{project}/notebooks")
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_notebook_imports_the_projects_modules_with_their_types(nb_kernel):
    _, kc = nb_kernel
    reply, outs = run(kc, 'import { featurize } from "../src/features"\nimport cfg from "../src/config.json"\nconst { triple } = require("../lib/plain.js");\n[featurize(3), cfg.threshold, triple(2)]')
    assert reply["content"]["status"] == "ok", reply["content"]
    assert result_of(outs) == "[ 7, 0.5, 6 ]"
    # type-checked against the module's real types, before anything runs
    reply = run(kc, "featurize('3')")[0]
    assert_error(reply, "TypeScriptError", "1:11 - Argument of type 'string' is not assignable to parameter of type 'number'")
    # a missing module is named as the cell wrote it
    assert_error(run(kc, 'import { nope } from "../src/featurs"')[0], "TypeScriptError", "1:22 - Cannot find module '../src/featurs'")
    # completion and inspection see the module
    code = 'import { featurize } from "../src/features"\nfeatur'
    r = shell_reply(kc, kc.complete(code, len(code)))["content"]
    assert "featurize" in r["matches"], r
    r = shell_reply(kc, kc.inspect("featurize", 4))["content"]
    assert r["found"] and "One feature." in r["data"]["text/plain"], r


def test_a_module_with_a_type_error_is_reported_at_its_own_line(nb_kernel):
    _, kc = nb_kernel
    reply = run(kc, 'import { fine } from "../src/bad"\nfine')[0]
    assert_error(reply, "TypeScriptError", "../src/bad.ts:2:14 - Type 'string' is not assignable to type 'number'")
    assert "  export const broken: number = 'text';" in reply["content"]["traceback"]


def test_an_edited_module_is_reloaded_by_the_next_cell_with_its_new_types(nb_kernel, project):
    _, kc = nb_kernel
    reply, outs = run(kc, 'import { featurize } from "../src/features"\nimport * as util from "../lib/util"\nconst kept = featurize(1)\nkept')
    assert result_of(outs) == "3"
    write(f"{project}/lib/util.ts", "export const scale = (x: number): number => x * 10;\nexport const unit = 'cm';\n")
    # the very next cell, importing nothing: the new code, a one-line note, variables kept
    reply, outs = run(kc, "[featurize(1), kept, util.unit]")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert text_of(outs) == "reloaded ../lib/util.ts\n"
    assert result_of(outs) == "[ 11, 3, 'cm' ]"
    # no edit, no note
    _, outs = run(kc, "featurize(2)")
    assert text_of(outs) == "" and result_of(outs) == "21"
    # new types: a changed signature is a type error at once
    write(f"{project}/src/features.ts", 'import { scale } from "../lib/util";\nexport function featurize(x: number, bias: number): number {\n  return scale(x) + bias;\n}\n')
    assert_error(run(kc, "featurize(2)")[0], "TypeScriptError", "Expected 2 arguments")
    _, outs = run(kc, "featurize(2, 5)")
    assert text_of(outs) == "reloaded ../lib/util.ts, ../src/features.ts\n" or text_of(outs) == "reloaded ../src/features.ts\n", text_of(outs)
    assert result_of(outs) == "25"


def test_autoreload_off_keeps_the_loaded_code_until_turned_on(nb_kernel, project):
    _, kc = nb_kernel
    run(kc, 'import { scale as sc } from "../lib/util"')
    assert "autoreload off" in text_of(run(kc, "%autoreload off")[1])
    write(f"{project}/lib/util.ts", "export const scale = (x: number): number => x * 100;\nexport const unit = 'cm';\n")
    _, outs = run(kc, "sc(1)")
    assert text_of(outs) == "" and result_of(outs) == "10"
    status = text_of(run(kc, "%autoreload")[1])
    assert "edited since loaded: ../lib/util.ts" in status and "loaded: " in status
    run(kc, "%autoreload on")
    _, outs = run(kc, "sc(1)")
    assert "reloaded" in text_of(outs) and "../lib/util.ts" in text_of(outs)
    assert result_of(outs) == "100"
    assert_error(run(kc, "%autoreload sometimes")[0], "UsageError", "on or off")


def test_a_tracked_run_records_the_modules_code_and_hashes(nb_kernel, project, store_path):
    _, kc = nb_kernel
    reply, _ = run(kc, '%%track with-modules\nimport { featurize as fz } from "../src/features"\nlog({ f: fz(1, 0) })')
    assert reply["content"]["status"] == "ok", reply["content"]
    db = sqlite3.connect(store_path)
    [source] = db.execute("SELECT source FROM runs WHERE name = 'with-modules'").fetchone()
    for rel in ["src/features.ts", "lib/util.ts"]:
        text = open(f"{project}/{rel}").read()
        assert f"// ---- module ../{rel} sha256:{hashlib.sha256(text.encode()).hexdigest()}\n{text.rstrip()}" in source, source
    assert source.startswith('import { featurize as fz } from "../src/features"')


def test_run_runs_a_project_script_whose_imports_are_written_from_its_own_folder(nb_kernel, project):
    _, kc = nb_kernel
    write(f"{project}/scripts/prepare.ts", 'import { scale } from "../lib/util";\nconst prepared = scale(Number(process.argv[2]));\nconsole.log("prepared", prepared);\n')
    write(f"{project}/lib/util.ts", "export const scale = (x: number): number => x * 3;\nexport const unit = 'cm';\n")
    reply, outs = run(kc, "%run ../scripts/prepare.ts 4")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert text_of(outs).endswith("prepared 12\n"), text_of(outs)
    assert result_of(run(kc, "prepared")[1]) == "12"
