"""modelbench's `sync` agrees with the real jupytext: for each notebook in notebooks/ (and a few
synthetic ones), the .ts our CLI writes reads back in jupytext to the notebook's inputs, and
`jupytext --sync` then finds nothing to change. Needs dist/ (built by `npm test`'s setup)."""
import json
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = ROOT / "bin" / "modelbench.mjs"
JUPYTEXT = [sys.executable, "-m", "jupytext"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = {"display_name": "TypeScript (modelbench)", "language": "typescript", "name": "modelbench"}

pytestmark = pytest.mark.skipif(not (ROOT / "dist" / "src" / "notebook" / "index.js").exists(), reason="build first: npx tsc -p tsconfig.json")


def synthetic():
    nb = new_notebook(metadata={"kernelspec": KERNEL, "language_info": {"name": "typescript"}})
    nb.cells = [
        new_markdown_cell("# Magics and metadata\n\nünïcode ✓"),
        new_code_cell("%%track baseline --tags a,b\nconst acc = 0.9;\nacc", metadata={"tags": ["train"], "ExecuteTime": {"end": "x"}}),
        new_code_cell("%lsmagic"),
        new_code_cell("  %time f()\n// %already commented\nlet s = '%not a magic';"),
        new_code_cell("x", metadata={"title": "titled"}),  # (a trailing newline would not survive jupytext either)
        new_raw_cell("raw text"),
        new_code_cell(""),
        new_code_cell("%%bash -s x\necho hi"),
    ]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="tracked\n")]
    return nb


CASES = [(p.stem, p.read_text(encoding="utf-8")) for p in NOTEBOOKS] + [("synthetic", nbformat.writes(synthetic()) + "\n")]


def cli(args, cwd):
    return subprocess.run(["node", str(CLI), *args], cwd=cwd, capture_output=True, text=True)


def project(tmp_path):
    shutil.copy(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    (tmp_path / "notebooks").mkdir()
    return tmp_path / "notebooks"


def inputs(nb):
    return [(c.cell_type, c.source) for c in nb.cells]


@pytest.mark.parametrize("name,text", CASES, ids=[c[0] for c in CASES])
def test_our_text_file_reads_back_in_jupytext_to_the_notebook_inputs(tmp_path, name, text):
    folder = project(tmp_path)
    (folder / f"{name}.ipynb").write_text(text, encoding="utf-8")
    r = cli(["sync", f"notebooks/{name}.ipynb"], tmp_path)
    assert r.returncode == 0, r.stderr
    subprocess.run([*JUPYTEXT, "--to", "ipynb", "-o", str(tmp_path / "back.ipynb"), str(folder / f"{name}.ts")], check=True, capture_output=True)
    back = nbformat.read(tmp_path / "back.ipynb", as_version=4)
    assert inputs(back) == inputs(nbformat.reads(text, as_version=4))
    # and the text is exactly what jupytext itself writes for this notebook
    subprocess.run([*JUPYTEXT, "--to", "ts:percent", "-o", str(tmp_path / "theirs.ts"), str(folder / f"{name}.ipynb")], check=True, capture_output=True)
    assert (folder / f"{name}.ts").read_text(encoding="utf-8") == (tmp_path / "theirs.ts").read_text(encoding="utf-8")


@pytest.mark.parametrize("name,text", CASES, ids=[c[0] for c in CASES])
def test_jupytext_sync_finds_nothing_to_change_after_our_sync(tmp_path, name, text):
    folder = project(tmp_path)
    (folder / f"{name}.ipynb").write_text(text, encoding="utf-8")
    assert cli(["sync", f"notebooks/{name}.ipynb"], tmp_path).returncode == 0
    # edit the script, sync with our CLI (inputs from the script, outputs kept), then ask jupytext
    ts = folder / f"{name}.ts"
    ts.write_text(ts.read_text(encoding="utf-8") + "\n// %%\nconst added = 1;\n", encoding="utf-8")
    r = cli(["sync", f"notebooks/{name}.ts"], tmp_path)
    assert r.returncode == 0, r.stderr
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    out = subprocess.run([*JUPYTEXT, "--sync", str(folder / f"{name}.ipynb")], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, out.stdout + out.stderr
    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    original = nbformat.reads(text, as_version=4)
    assert inputs(nb)[-1] == ("code", "const added = 1;")
    # outputs survived the round trip through the script
    assert [c.get("outputs") for c in nb.cells[: len(original.cells)]] == [c.get("outputs") for c in original.cells]


def test_notebook_created_from_a_jupytext_script_is_what_jupytext_sync_makes(tmp_path):
    folder = project(tmp_path)
    (folder / "s.ipynb").write_text(nbformat.writes(synthetic()) + "\n", encoding="utf-8")
    subprocess.run([*JUPYTEXT, "--to", "ts:percent", str(folder / "s.ipynb")], check=True, capture_output=True)
    (folder / "s.ipynb").unlink()
    shutil.copytree(folder, tmp_path / "theirs")
    assert cli(["sync", "notebooks/s.ts"], tmp_path).returncode == 0
    subprocess.run([*JUPYTEXT, "--sync", str(tmp_path / "theirs" / "s.ts")], check=True, capture_output=True, cwd=tmp_path)
    ours = json.loads((folder / "s.ipynb").read_text(encoding="utf-8"))
    theirs = json.loads((tmp_path / "theirs" / "s.ipynb").read_text(encoding="utf-8"))
    for nb in (ours, theirs):
        for cell in nb["cells"]:
            cell.pop("id")  # random on both sides
    assert ours == theirs
    assert (folder / "s.ts").read_bytes() == (tmp_path / "theirs" / "s.ts").read_bytes()
