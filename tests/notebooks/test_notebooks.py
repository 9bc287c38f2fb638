"""Every notebook in notebooks/ runs end to end on the modelbench kernel (nbclient), and its paired
.ts script holds the same code (jupytext percent format). The worked example (01-… onwards) runs in
order against one store in test_trending.py, so it is executed there, not here."""
import pathlib
import tempfile

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
STANDALONE = [p for p in NOTEBOOKS if p.name.startswith("00-")]


@pytest.mark.parametrize("path", STANDALONE, ids=[p.stem for p in STANDALONE])
def test_notebook_executes_without_error(path, monkeypatch):
    nb = nbformat.read(path, as_version=4)
    monkeypatch.setenv("MODELBENCH_STORE", f"sqlite:///{tempfile.mkdtemp(prefix='mb-nb-')}/store.db")
    client = NotebookClient(nb, kernel_name="modelbench", timeout=600, resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError on the first error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(o.output_type == "execute_result" for o in outputs)
    if path.name == "00-welcome.ipynb":
        # The progress bar's display ends as its plain text, as print() would show it.
        texts = [o.data.get("text/plain", "") for o in outputs if o.output_type == "display_data"]
        assert "epoch 3/3" in texts, texts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_paired_with_its_ts_script(path):
    script = path.with_suffix(".ts")
    assert script.exists(), f"{script.name} is missing: run `jupytext --sync {path.name}` in notebooks/"
    nb = nbformat.read(path, as_version=4)
    paired = jupytext.read(script)
    assert [c.source for c in nb.cells] == [c.source for c in paired.cells]
