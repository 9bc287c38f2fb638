"""Executes the worked example (notebooks 01-… in order, one throw-away store) and writes the
executed notebooks, outputs included, to the folder given: the browser tests open them in
JupyterLab to check what a reader sees. Usage: python execute_notebooks.py OUT_DIR"""
import os
import pathlib
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
TRENDING = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb") if not p.name.startswith("00-"))


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    os.environ["MODELBENCH_STORE"] = f"sqlite:///{tempfile.mkdtemp(prefix='mb-worked-')}/store.db"
    for path in TRENDING:
        nb = nbformat.read(path, as_version=4)
        os.environ["JPY_SESSION_NAME"] = str(path)
        NotebookClient(nb, kernel_name="modelbench", timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
        nbformat.write(nb, out / path.name)
        print(f"executed {path.name}", flush=True)


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
