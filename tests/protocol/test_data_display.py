"""Tables in the kernel: arquero tables and danfo DataFrames show as HTML with a shape line, and a
file read inside %%track is recorded with its content hash."""
import json
import os
import sqlite3

from kernel_helpers import run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WINE = os.path.join(ROOT, "tests", "fixtures", "data", "wine.csv")


def bundle_of(outs):
    for m in outs:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"]
    return None


def test_an_arquero_table_shows_as_html_even_without_importing_modelbench(kernel):
    _, kc = kernel
    reply, outs = run(kc, 'import * as aq from "arquero";\naq.table({ word: ["a<b", "c"], n: [1, 2] })')
    assert reply["content"]["status"] == "ok", reply["content"]
    data = bundle_of(outs)
    assert "<table" in data["text/html"] and "a&lt;b" in data["text/html"]
    assert "2 rows × 2 columns" in data["text/html"]
    assert data["text/plain"].endswith("[2 rows × 2 columns]")


def test_read_csv_as_danfo_shows_its_shape_and_a_tracked_read_records_the_hash(kernel, store_path):
    _, kc = kernel
    cell = f'%%track wine-read\nimport {{ readCSV }} from "modelbench";\nconst wine = await readCSV({json.dumps(WINE)}, {{ as: "danfo" }});\nwine'
    reply, outs = run(kc, cell, timeout=60)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "178 rows × 14 columns" in bundle_of(outs)["text/html"]
    db = sqlite3.connect(store_path)
    [(run_id,)] = db.execute("SELECT id FROM runs WHERE name = 'wine-read'").fetchall()
    rows = db.execute("SELECT path, hash, bytes FROM data WHERE run_id = ?", (run_id,)).fetchall()
    assert [r for r in rows if r[0].endswith("wine.csv") and len(r[1]) == 64 and r[2] == os.path.getsize(WINE)], rows
    # The DataFrame is typed as danfo's own, so its methods type-check in a cell.
    reply, outs = run(kc, "wine.head(3)")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "3 rows × 14 columns" in bundle_of(outs)["text/html"]
