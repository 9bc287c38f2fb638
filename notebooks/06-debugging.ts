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
// # Trending Now 6 · Debugging models
//
// The checks that catch a broken model before it wastes a day of training: overfit one batch, a
// deliberately broken learning rate seen in the loss curve and explained by its dead units, a NaN
// caught at the first step it appears, and an error analysis of the champion's misclassified passages.

// %%
// %seed 0

// %%
// %%track mlp-sane --tags debug
import { loadBrown, groupSplit, takeRows, TfidfVectorizer, MLPClassifier, neuralBackend, train, overfitOneBatch, gradientNorms, f1, param, log } from "modelbench";
await neuralBackend();
const passages = (await loadBrown({ passageWords: 200 })).filter((d: any) => d.passage < 6);
const { train: trainSet, test } = groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
const ytr = trainSet.array("genre") as string[], yte = test.array("genre") as string[];
const tfidf = new TfidfVectorizer({ stopWords: "english", maxFeatures: 2000, sublinearTf: true });
const Xtr = tfidf.fitTransform(trainSet.array("text") as string[]), Xte = tfidf.transform(test.array("text") as string[]);
const settings = { hiddenLayers: [32], optimizer: "sgd" as const, momentum: 0.9, batchSize: 64, epochs: 6, seed: 0 };
const sane = new MLPClassifier({ ...settings, learningRate: 0.1 });
param({ ...sane.params(), features: 2000 });
// Rows come sorted by genre: take eight spread over the whole set so the batch has several genres.
const spread = (n: number) => Array.from({ length: n }, (_, i) => Math.floor((i * ytr.length) / n));
const overfit = overfitOneBatch(sane, takeRows(Xtr, spread(8)), spread(8).map((i) => ytr[i]), { steps: 150 });
const saneRun = await train(sane, Xtr, ytr, { validation: { X: Xte, y: yte } });
log({ overfit_final_loss: overfit.finalLoss, macro_f1: f1(yte, sane.predict(Xte), { average: "macro", zeroDivision: 0 }) });
`one batch of ${overfit.samples}: loss ${overfit.initialLoss.toFixed(3)} → ${overfit.finalLoss.toFixed(4)} in ${overfit.steps} steps`

// %% [markdown]
// ## A broken learning rate
//
// The same network with a learning rate a thousand times too large. Its loss curve (logged per
// epoch to the run, overlaid by `%compare`) gives it away before any metric: it starts in the
// thousands and stays there. The gradient norms alone would mislead: the broken network's first
// layer gets a gradient far *smaller* than the sane one's, not larger. The reason is in the next
// cell but one: the first huge step pushed every hidden ReLU unit below zero for every input, so
// all of them are dead (`deadUnits`), no gradient flows back through them, and the first layer
// never learns again.

// %%
// %%track mlp-lr-too-high --tags debug
const broken = new MLPClassifier({ ...settings, learningRate: 100 });
param({ ...broken.params(), features: 2000 });
const brokenRun = await train(broken, Xtr, ytr, { validation: { X: Xte, y: yte } });
log({ macro_f1: f1(yte, broken.predict(Xte), { average: "macro", zeroDivision: 0 }) });
({ saneLoss: saneRun.history.map((h) => +h.loss.toFixed(3)), brokenLoss: brokenRun.history.map((h) => +h.loss.toFixed(3)) })

// %%
const probe = takeRows(Xtr, spread(256)), probeY = spread(256).map((i) => ytr[i]);
({ sane: gradientNorms(sane, probe, probeY), broken: gradientNorms(broken, probe, probeY) })

// %%
import { deadUnits } from "modelbench";
const dead = { sane: deadUnits(sane, probe)[0], broken: deadUnits(broken, probe)[0] };
`dead hidden units: sane ${dead.sane.dead} of ${dead.sane.units}, broken ${dead.broken.dead} of ${dead.broken.units}`

// %%
// %compare mlp-sane mlp-lr-too-high

// %% [markdown]
// ## A NaN, caught at its first step
//
// A NaN in the input is refused before training starts (the models check their features). A value
// that is finite but absurd, as a unit mix-up or a division by a near-zero leaves behind, gets
// through and overflows inside the network. `NonFiniteCheck` watches the loss, gradients and
// weights after every batch and stops at the first non-finite one, naming the step and the layer.

// %%
import { NonFiniteCheck } from "modelbench";
const rows = takeRows(Xtr, spread(256)).toDense();
rows[100][0] = 1e38;
const check = new NonFiniteCheck({ throwOnFind: false });
await train(new MLPClassifier({ ...settings, learningRate: 0.1 }), rows, spread(256).map((i) => ytr[i]), { callbacks: [check], progress: false });
check.found ? check.found.message : "NonFiniteCheck found nothing: every loss, gradient and weight stayed finite"

// %% [markdown]
// ## What does the champion get wrong?
//
// `genre@champion` from `05-tuning` is the tuned family that cross-validated best (boosted trees or
// the text network) over TF-IDF features; its run recorded the vectorizer settings, so the same
// features are rebuilt from the training passages. Errors
// grouped by true → predicted genre, with the passages, show whether mistakes are near misses
// (fiction genres among themselves) or something to fix.

// %%
import { loadModel, store, errorAnalysis } from "modelbench";
const { value, version } = await loadModel("genre@champion");
const champion = value as { predict(X: unknown): string[] };
const made = await store().getRun(version.runId);
const vec = new TfidfVectorizer(made.params.tfidf as ConstructorParameters<typeof TfidfVectorizer>[0]);
vec.fit(trainSet.array("text") as string[]);
const predicted = champion.predict(vec.transform(test.array("text") as string[]));
const errors = errorAnalysis(yte, predicted, { text: test.array("text") as string[] });
errors

// %%
`champion macro-F1 on the test texts: ${f1(yte, predicted, { average: "macro", zeroDivision: 0 }).toFixed(3)} (its run logged ${made.metrics.macro_f1.last.toFixed(3)})`

// %% [markdown]
// ## Trees that overfit
//
// The source's second scenario: boosted trees "overfitting significantly: tree depth too high, need
// more regularization". Deep trees with no regularisation learn the training passages by heart.
// Given a validation set, the model logs the training loss (`loss`) and the validation loss
// (`val_loss`) of every round to the run, so the sidebar and `%compare` show the curves part. The
// validation rows are held-out training *texts*, so the test texts stay untouched.

// %%
// %%track trees-overfit --tags debug,trees
import { HistGradientBoostingClassifier } from "modelbench";
const inner = groupSplit(trainSet, { groups: "file", testSize: 0.25, seed: 1 });
const Xfit = takeRows(Xtr, inner.trainIndex), yfit = inner.trainIndex.map((i) => ytr[i]);
const validation = { Xval: takeRows(Xtr, inner.testIndex), yval: inner.testIndex.map((i) => ytr[i]) };
const deep = { maxIter: 15, learningRate: 0.3, maxLeafNodes: 63, maxDepth: null, minSamplesLeaf: 2, minChildWeight: 1, earlyStopping: false as const, randomState: 0 };
const curves = (m: HistGradientBoostingClassifier) => ({
  trainLoss: +m.trainLoss[m.nIter].toFixed(3),
  bestValLoss: +Math.min(...m.validationLoss).toFixed(3),
  bestRound: m.validationLoss.indexOf(Math.min(...m.validationLoss)),
  finalValLoss: +m.validationLoss[m.nIter].toFixed(3),
  rounds: m.nIter,
});
const overfitTrees = new HistGradientBoostingClassifier(deep).fit(Xfit, yfit, validation);
param({ ...overfitTrees.params(), features: 2000 });
log({ macro_f1: f1(yte, overfitTrees.predict(Xte), { average: "macro", zeroDivision: 0 }) });
curves(overfitTrees)

// %% [markdown]
// The training loss keeps falling while the validation loss bottoms out early and climbs (the
// output shows its best round and its last value). The fix, one step per run: shallower trees,
// then an L2 penalty on leaf weights (`lambda`), then row and column subsampling, then early
// stopping on the validation loss.

// %%
// %%track trees-depth-3 --tags debug,trees
const shallow = { ...deep, maxIter: 30, maxLeafNodes: null, maxDepth: 3, minSamplesLeaf: 20 };
const depth3 = new HistGradientBoostingClassifier(shallow).fit(Xfit, yfit, validation);
param({ ...depth3.params(), features: 2000 });
log({ macro_f1: f1(yte, depth3.predict(Xte), { average: "macro", zeroDivision: 0 }) });
curves(depth3)

// %%
// %%track trees-lambda --tags debug,trees
const penalised = { ...shallow, lambda: 5 };
const withLambda = new HistGradientBoostingClassifier(penalised).fit(Xfit, yfit, validation);
param({ ...withLambda.params(), features: 2000 });
log({ macro_f1: f1(yte, withLambda.predict(Xte), { average: "macro", zeroDivision: 0 }) });
curves(withLambda)

// %%
// %%track trees-subsample --tags debug,trees
const sampled = { ...penalised, subsample: 0.7, colsampleBytree: 0.5 };
const withSampling = new HistGradientBoostingClassifier(sampled).fit(Xfit, yfit, validation);
param({ ...withSampling.params(), features: 2000 });
log({ macro_f1: f1(yte, withSampling.predict(Xte), { average: "macro", zeroDivision: 0 }) });
curves(withSampling)

// %%
// %%track trees-early-stopping --tags debug,trees
const stopped = new HistGradientBoostingClassifier({ ...sampled, maxIter: 200, earlyStopping: true, nIterNoChange: 5 }).fit(Xfit, yfit, validation);
param({ ...stopped.params(), features: 2000 });
log({ macro_f1: f1(yte, stopped.predict(Xte), { average: "macro", zeroDivision: 0 }) });
curves(stopped)

// %%
// %compare trees-overfit trees-depth-3 trees-lambda trees-subsample trees-early-stopping

// %% [markdown]
// ## What we learned
//
// A sane network memorises one batch (the first cell printed its loss falling to near zero); with
// a learning rate far too large the loss curve sits in the thousands instead of falling, visible
// before any accuracy is computed, while the gradient norms point the wrong way until `deadUnits`
// explains them: every hidden unit of the broken network is dead. A single absurd input value was
// caught at the first step it made a gradient non-finite, with the layer named. The error table
// shows the champion's most common confusions; the numbers it prints are this run's. The deep trees'
// validation loss turned upward while their training loss kept falling; each fix's run shows its
// own best validation loss and round, and early stopping ended training near that round.

// %% [markdown]
// ## A fine-tune whose loss does not decrease
//
// The source's first scenario, "BERT loss not decreasing", on the pretrained MiniLM encoder
// (`TransformerClassifier`, all six layers fine-tuned): four genres, 16 training passages of each
// and 8 held out, cut at 48 tokens (the warning counts the cut passages). First with a learning
// rate of 1e-2, a habit from training small networks from scratch; every step's loss, learning
// rate and gradient norm goes to the run (`step_loss`, `learning_rate`, `grad_norm`), and the
// cell logs what the curves show: the chance loss ln 4 (what always guessing the four genres
// evenly scores), the first and largest gradient norm, and each epoch's loss.

// %%
// %%track minilm-lr-too-high --tags debug,transformer
import { TransformerClassifier, accuracy } from "modelbench";
const fourGenres = ["news", "religion", "hobbies", "romance"];
const perGenre = (t: typeof trainSet, n: number) => {
  const texts = t.array("text") as string[], genres = t.array("genre") as string[];
  const seen: Record<string, number> = {};
  const rows = genres.flatMap((g, i) => (fourGenres.includes(g) && (seen[g] = (seen[g] ?? 0) + 1) <= n ? [i] : []));
  return { X: rows.map((i) => texts[i]), y: rows.map((i) => genres[i]) };
};
const ftTrain = perGenre(trainSet, 16), ftTest = perGenre(test, 8);
const fineTune = async (learningRate: number) => {
  const model = new TransformerClassifier({ learningRate, maxLength: 48, batchSize: 8, epochs: 3, warmupFraction: 0.1, seed: 0 });
  param({ ...model.params(), genres: fourGenres.join(","), trainTexts: ftTrain.X.length });
  const gradNorms: number[] = [];
  const run = await train(model, ftTrain.X, ftTrain.y, { callbacks: [{ onBatchEnd: (l) => void gradNorms.push(l.metrics!.grad_norm) }] });
  const epochLoss = run.history.map((h) => h.loss);
  const testAccuracy = accuracy(ftTest.y, model.predict(ftTest.X) as string[]);
  const summary = { chance_loss: Math.log(fourGenres.length), first_grad_norm: gradNorms[0], max_grad_norm: Math.max(...gradNorms), first_epoch_loss: epochLoss[0], min_epoch_loss: Math.min(...epochLoss), last_epoch_loss: epochLoss.at(-1)!, test_accuracy: testAccuracy };
  log(summary);
  model.dispose();
  return summary;
};
const tooHigh = await fineTune(1e-2);
const show = (s: typeof tooHigh) => `epoch loss ${s.first_epoch_loss.toFixed(3)} → ${s.last_epoch_loss.toFixed(3)} (chance ${s.chance_loss.toFixed(3)}); gradient norm ${s.first_grad_norm.toFixed(2)} at step 1, up to ${s.max_grad_norm.toFixed(2)}; held-out accuracy ${s.test_accuracy.toFixed(3)}`;
show(tooHigh)

// %% [markdown]
// The diagnosis, read off those curves: no epoch's loss gets below the chance loss, so the model
// has learned nothing the genre counts would not give; and the gradient norm jumps more than
// five-fold after the first step, the signature of steps so large that each undoes the last
// (every one of them is above 1.0, so the default `clipNorm` of 1.0 clips every step). Held-out
// accuracy is at chance level. A pretrained encoder needs small steps: the usual fine-tuning
// rates are 1e-5 to 1e-4, with a warm-up. The fix, with everything else equal:

// %%
// %%track minilm-lr-fixed --tags debug,transformer
const fixed = await fineTune(1e-4);
show(fixed)

// %%
// %compare minilm-lr-too-high minilm-lr-fixed

// %% [markdown]
// ## What we learned from the fine-tune
//
// With a learning rate of 1e-4 the same fine-tune's loss falls well below the chance loss (its
// last epoch under 60 % of its first), its gradient norm grows slowly (never four times its first
// step), and its held-out accuracy is above the broken run's. `%compare` overlays both runs'
// `step_loss` and `grad_norm` curves: the broken run's jump at the start is the thing to look for.
