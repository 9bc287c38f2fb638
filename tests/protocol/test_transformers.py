"""Fine-tuning a pretrained transformer inside a %%track cell: the run holds the per-step loss,
learning rate and gradient norm, and the fitted model is registered and loads back."""
import sqlite3

from kernel_helpers import result_of, run, text_of

CELL = """%%track finetune-steps
import { neuralBackend, TransformerClassifier, train, artifact, activeRun } from "modelbench";
await neuralBackend();
const X = ["the stock market fell", "shares rose on earnings", "the bank raised rates", "bonds slipped again",
           "the team won the final", "the striker scored twice", "fans cheered the goal", "the coach praised them"];
const y = ["finance", "finance", "finance", "finance", "sport", "sport", "sport", "sport"];
const model = new TransformerClassifier({ maxLength: 12, trainableLayers: 1, batchSize: 4, epochs: 2, learningRate: 3e-4, seed: 0 });
const r = await train(model, X, y);
await artifact("model", model);
const runId = activeRun()!.id;
`${r.steps} steps, ${r.history.length} epochs, ${model.predict(X).length} predictions`"""


def test_tracked_finetune_logs_per_step_loss_learning_rate_and_grad_norm(kernel, store_path):
    _, kc = kernel
    reply, outs = run(kc, CELL, timeout=300)
    assert reply["content"]["status"] == "ok", (reply["content"], text_of(outs, "stderr"))
    assert result_of(outs) == "'4 steps, 2 epochs, 8 predictions'"
    # Native TensorFlow starts silently: no absl/oneDNN start-up lines in the cell.
    assert "absl" not in text_of(outs, "stderr") and "oneDNN" not in text_of(outs, "stderr")
    db = sqlite3.connect(store_path)
    (run_id,) = db.execute("SELECT id FROM runs WHERE name = 'finetune-steps'").fetchone()
    summary = dict((key, (count, last)) for key, count, last in db.execute("SELECT key, count, last_step FROM metric_summary WHERE run_id = ?", (run_id,)))
    # Four optimiser steps, logged at steps 1…4; the epoch loss twice, at epochs 0 and 1.
    assert summary["step_loss"] == (4, 4)
    assert summary["learning_rate"] == (4, 4)
    assert summary["grad_norm"] == (4, 4)
    assert summary["loss"] == (2, 1)


REGISTER = """import { store, loadModel } from "modelbench";
await store().registerModel("genre-minilm", runId, "model");
const { value } = await loadModel("genre-minilm");
JSON.stringify((value as TransformerClassifier).predictProba(X)) === JSON.stringify(model.predictProba(X))"""


def test_registered_finetune_loads_back_with_identical_predictions(kernel):
    _, kc = kernel
    reply, outs = run(kc, REGISTER, timeout=300)
    assert reply["content"]["status"] == "ok", (reply["content"], text_of(outs, "stderr"))
    assert result_of(outs) == "true"
