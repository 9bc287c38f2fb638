"""Training in the kernel: the progress bar is one display updated in place, epochs land in the run."""
import sqlite3
from pathlib import Path

from kernel_helpers import result_of, run, text_of

ROOT = Path(__file__).resolve().parents[2]

CELL = """%%track neural-progress
import { neuralBackend, MLPClassifier, train } from "modelbench";
const info = await neuralBackend();
const X = Array.from({ length: 200 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 7) / 7]);
const y = X.map((r) => (r[0] > 0 ? "pos" : "neg"));
const model = new MLPClassifier({ hiddenLayers: [8], epochs: 5, batchSize: 20, seed: 0 });
const r = await train(model, X, y, { validation: { X, y } });
`${info.backend} ${r.history.length}`"""


def test_train_shows_one_updating_progress_display_and_logs_epochs(kernel, store_path):
    _, kc = kernel
    reply, outs = run(kc, CELL, timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    native = (ROOT / ".data" / "tfjs-node" / "node_modules" / "@tensorflow" / "tfjs-node" / "lib" / "napi-v8" / "tfjs_binding.node").exists()
    assert result_of(outs) == ("'tensorflow 5'" if native else "'wasm 5'")
    shown = [m for m in outs if m["msg_type"] == "display_data" and "modelbench-progress" in m["content"]["data"].get("text/html", "")]
    assert len(shown) == 1
    display_id = shown[0]["content"]["transient"]["display_id"]
    updates = [m for m in outs if m["msg_type"] == "update_display_data"]
    assert updates and all(m["content"]["transient"]["display_id"] == display_id for m in updates)
    final = updates[-1]["content"]["data"]
    assert final["text/plain"].startswith("epoch 5/5 [####################] 10/10 batches")
    assert "val_accuracy" in final["text/plain"] and "total" in final["text/plain"]
    assert "batches" not in text_of(outs, "stderr"), "no text bar in the notebook"
    db = sqlite3.connect(store_path)
    (run_id,) = db.execute("SELECT id FROM runs WHERE name = 'neural-progress'").fetchone()
    assert db.execute("SELECT count, last_step FROM metric_summary WHERE run_id = ? AND key = 'val_loss'", (run_id,)).fetchone() == (5, 4)
