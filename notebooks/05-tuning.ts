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
// # Trending Now 5 · Tuning the boosted trees and the text network
//
// Two families from `03-models` and `04-neural` are tuned here: the gradient-boosted trees
// (rounds, depth, learning rate) and a tfjs network on the TF-IDF features (learning rate, batch
// size, epochs). Both sweeps use Hyperband with rounds (or epochs) as the resource: every trial
// is scored after a few rounds, and only the promising ones are trained further. Every score is
// cross-validated **by source text**: the folds are groups of Brown files, so the passages of one
// text are never on both sides. Then population-based training (PBT) is put against a random
// search of the same compute on the network. The best family by cross-validated score is refitted,
// scored once on the test texts and registered as `genre@champion`.
//
// Sizes are for CI (a few minutes on two cores): three passages per training text, three folds, a
// dozen trials, a few epochs. A user would tune on every passage with five folds and 50–100 trials.

// %%
// %seed 0

// %%
import { loadBrown, groupSplit, GroupKFold, TfidfVectorizer, crossValidate, f1, accuracy, logUniform, int, choice, TrialPruned } from "modelbench";
import { HistGradientBoostingClassifier, MLPClassifier, neuralBackend, trainRounds, train as fitRounds } from "modelbench";
await neuralBackend();
const passages = (await loadBrown({ passageWords: 200 })).filter((d: any) => d.passage < 6);
// The same split by text as 02–04: the test texts are not looked at until the champion is chosen.
const { train, test } = groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
const tuning = train.filter((d: any) => d.passage < 3);
const tfidfSettings = { stopWords: "english" as const, minDf: 2, sublinearTf: true, maxFeatures: 2000 };
// Fitted once, without labels, on all the tuning passages, so every trial shares the features: the
// vocabulary and IDF see the validation folds' words (never their genres). A vectorizer refitted
// inside each fold is stricter, at the cost of a fit per fold and trial.
const X = new TfidfVectorizer(tfidfSettings).fitTransform(tuning.array("text") as string[]);
const y = tuning.array("genre") as string[];
const folds = new GroupKFold({ nSplits: 3 }).split(X, tuning.array("file") as string[]);
const macroF1 = (model: any, Xs: any, ys: any[]) => f1(ys, model.predict(Xs), { average: "macro", zeroDivision: 0 });

/**
 * A trial's cross-validated macro-F1 after each budget of rounds (or epochs), reported at step =
 * budget so that Hyperband can stop the trial there. The trial's value is its best budget's score,
 * and that budget is logged (best_budget): this is how rounds and epochs are tuned.
 */
async function cvAtBudgets(trial: any, budgets: number[], make: (budget: number) => any): Promise<number> {
  let best = { score: -Infinity, budget: 0 };
  for (const budget of budgets) {
    const score = (await crossValidate(() => make(budget), X, y, { cv: folds, metrics: { macro_f1: macroF1 } })).mean();
    trial.report(score, budget);
    if (score > best.score) best = { score, budget };
    trial.log({ best_budget: best.budget });
    if (trial.shouldPrune()) throw new TrialPruned();
  }
  return best.score;
}
`${tuning.numRows()} tuning passages from ${new Set(tuning.array("file") as string[]).size} texts, ${X.shape[1]} features; ` +
  `3 folds by text of ${folds.map((f) => f.test.length).join(", ")} passages`

// %% [markdown]
// ## Boosted trees: rounds, depth, learning rate
//
// TPE proposes a depth and a learning rate; each trial is cross-validated after 3, 9 and 27
// rounds (one tree per genre per round), and Hyperband stops the weak ones at 3 or 9.

// %%
// %%sweep --name trees-hyperband --sampler tpe --pruner hyperband --trials 12 --metric cv_macro_f1 --direction max --seed 0
const treeSpace = { learningRate: logUniform(0.03, 0.5), maxDepth: int(2, 6) };
const space = treeSpace;
async (p: any, trial: any) =>
  cvAtBudgets(trial, [3, 9, 27], (rounds) => new HistGradientBoostingClassifier({ ...p, maxIter: rounds, maxBins: 32, earlyStopping: false, randomState: 0 }))

// %% [markdown]
// ## The text network: learning rate, batch size, epochs
//
// An MLP on the same TF-IDF features (one hidden layer of 64 units, dropout, Adam), cross-validated
// after 1, 3 and 9 epochs.

// %%
// %%sweep --name net-hyperband --sampler tpe --pruner hyperband --trials 10 --metric cv_macro_f1 --direction max --seed 0
const adamSpace = { learningRate: logUniform(1e-4, 0.1), batchSize: choice([16, 32, 64, 128]) };
const space = adamSpace;
async (p: any, trial: any) =>
  cvAtBudgets(trial, [1, 3, 9], (epochs) => new MLPClassifier({ hiddenLayers: [64], dropout: 0.2, ...p, epochs, seed: 0 }))

// %% [markdown]
// ## Which parameter mattered?
//
// fANOVA importance (Optuna's default) over each sweep's completed trials, and the best trial of
// each family with its budget. The sentences are computed from the sweeps' trials.

// %%
// %%track tuning-summary --tags tuning
import { createStudy, paramImportances, listRuns, param, log } from "modelbench";
const families = { trees: { name: "trees-hyperband", space: treeSpace }, network: { name: "net-hyperband", space: adamSpace } };
const names: Record<string, string> = { learningRate: "the learning rate", maxDepth: "the depth", batchSize: "the batch size" };
const summary: Record<string, { study: string; cv: number; params: Record<string, any>; budget: number; top: string; importance: Record<string, number>; complete: number }> = {};
for (const [family, { name, space }] of Object.entries(families)) {
  const study = await createStudy({ name, space, metric: "cv_macro_f1", direction: "max" });
  const done = study.trials.filter((t) => t.state === "complete");
  const importance = paramImportances(study.space, done);
  const top = Object.keys(importance)[0];
  const best = study.bestTrial!;
  const run = (await listRuns({ where: `name = '${name}#${best.number}'`, limit: 1 })).runs[0];
  summary[family] = { study: name, cv: best.value!, params: best.params, budget: run.metrics.best_budget.last, top, importance, complete: done.length };
  log(Object.fromEntries(Object.entries(importance).map(([k, v]) => [`importance.${family}.${k}`, v])));
  log({ [`cv_macro_f1.${family}`]: best.value! });
}
param({ trees: summary.trees.params, network: summary.network.params });
console.log(Object.entries(summary).map(([family, s]) =>
  `${family}: ${names[s.top]} mattered most (importance ${s.importance[s.top].toFixed(2)} over ${s.complete} complete trials); ` +
  `best cross-validated macro-F1 ${s.cv.toFixed(3)} at ${s.budget} ${family === "trees" ? "rounds" : "epochs"}`).join("\n"));

// %% [markdown]
// ## Population-based training against a random search of the same compute
//
// PBT trains a population side by side; every few epochs the bottom quarter copies the weights
// (and optimiser state) of a top-quarter member and perturbs its hyperparameters, so a member's
// learning rate can change as it trains: a schedule is found rather than fixed. The network here
// trains with SGD (momentum 0.9) over a wide range of learning rates, 0.001 to 1.
//
// Each comparison is even: both train 8 networks for 12 epochs (96 epochs in all) through the same
// round function (the same seed for every network), from the same 8 starting draws (the same
// sampler seed), scored on the same validation texts. PBT chooses on the validation texts while it
// trains, so its best validation score flatters it; both winners are therefore also scored on
// *check* texts that neither search looked at. PBT runs twice: copying every 2 epochs, and every 4.

// %%
const a = groupSplit(train, { groups: "file", testSize: 0.4, seed: 1 });
const b = groupSplit(a.test, { groups: "file", testSize: 0.5, seed: 2 });
const fitPart = a.train.filter((d: any) => d.passage < 3);
const pbtTfidf = new TfidfVectorizer(tfidfSettings);
const Xfit = pbtTfidf.fitTransform(fitPart.array("text") as string[]), yfit = fitPart.array("genre") as string[];
const Xval = pbtTfidf.transform(b.train.array("text") as string[]), yval = b.train.array("genre") as string[];
const Xcheck = pbtTfidf.transform(b.test.array("text") as string[]), ycheck = b.test.array("genre") as string[];
const netSpace = { learningRate: logUniform(1e-3, 1), batchSize: choice([16, 32, 64, 128]) };
// One round: continue the checkpoint for `interval` epochs, score on the validation texts, log the check texts' score.
const netRound = trainRounds({
  model: (p) => new MLPClassifier({ hiddenLayers: [64], dropout: 0.2, optimizer: "sgd", momentum: 0.9, ...p, seed: 0 }),
  fit: (m, ctx) => fitRounds(m, Xfit, yfit, { epochs: ctx.interval, warmStart: true, progress: false, log: false }),
  score: (m, ctx) => {
    ctx.trial?.log({ check_macro_f1: macroF1(m, Xcheck, ycheck) }, { step: ctx.step + ctx.interval });
    return macroF1(m, Xval, yval);
  },
});
/** The random search's trial: the same rounds as a PBT member, with nothing copied or perturbed. */
const sameRounds = (rounds: number, interval: number) => async (p: any, trial: any) => {
  let state = { value: NaN, checkpoint: null as unknown };
  for (let round = 0; round < rounds; round++) {
    state = await netRound(p, { member: trial.number, round, step: interval * round, interval, checkpoint: state.checkpoint, trial });
    trial.report(state.value, interval * (round + 1));
  }
  return state.value;
};
`${yfit.length} passages to train on, ${yval.length} validation and ${ycheck.length} check passages, each from its own texts`

// %% [markdown]
// Copying every 2 epochs (6 rounds), and the random search of the same 8 draws, 12 epochs each:

// %%
// %%sweep --scheduler pbt --name net-pbt-every-2 --population 8 --rounds 6 --interval 2 --metric val_macro_f1 --direction max --seed 0
const space = netSpace;
netRound

// %%
// %%sweep --name net-random-every-2 --sampler random --trials 8 --metric val_macro_f1 --direction max --seed 0
const space = netSpace;
sameRounds(6, 2)

// %% [markdown]
// Copying every 4 epochs (3 rounds), against the same random search trained in rounds of 4:

// %%
// %%sweep --scheduler pbt --name net-pbt-every-4 --population 8 --rounds 3 --interval 4 --metric val_macro_f1 --direction max --seed 0
const space = netSpace;
netRound

// %%
// %%sweep --name net-random-every-4 --sampler random --trials 8 --metric val_macro_f1 --direction max --seed 0
const space = netSpace;
sameRounds(3, 4)

// %%
// %%track pbt-vs-random --tags tuning
const winnerOf = async (study: string) => {
  const runs = (await listRuns({ where: `name ~ '${study}#'`, limit: 100 })).runs;
  const best = runs.reduce((x, r) => (r.metrics.val_macro_f1.last > x.metrics.val_macro_f1.last ? r : x));
  return { name: best.name, val: best.metrics.val_macro_f1.last, check: best.metrics.check_macro_f1.last };
};
const verdict = (x: number, y: number) => (x > y ? "beat" : "did not beat");
const lines: string[] = [];
for (const every of [2, 4]) {
  const pbt = await winnerOf(`net-pbt-every-${every}`), random = await winnerOf(`net-random-every-${every}`);
  log({ [`pbt_every_${every}.val_macro_f1`]: pbt.val, [`pbt_every_${every}.check_macro_f1`]: pbt.check, [`random_every_${every}.val_macro_f1`]: random.val, [`random_every_${every}.check_macro_f1`]: random.check });
  lines.push(`copying every ${every} epochs: on the validation texts PBT ${verdict(pbt.val, random.val)} random search, ${pbt.val.toFixed(3)} against ${random.val.toFixed(3)} ` +
    `(${pbt.name}, ${random.name}); on the check texts PBT ${verdict(pbt.check, random.check)} it, ${pbt.check.toFixed(3)} against ${random.check.toFixed(3)}`);
}
console.log(lines.join("\n"));

// %% [markdown]
// ## The champion: the better family by cross-validated score, scored once on the test texts
//
// Both Hyperband sweeps scored their trials on the same three folds, so their best scores compare
// directly. The better family is refitted with its best trial's settings (rounds or epochs
// included) on every passage of the training texts, scored on the test texts, and registered.

// %%
const family = summary.trees.cv >= summary.network.cv ? "trees" : "network";
const chosen = summary[family];
`${family} (cross-validated macro-F1 ${chosen.cv.toFixed(3)}, against ${summary[family === "trees" ? "network" : "trees"].cv.toFixed(3)} for the ${family === "trees" ? "network" : "trees"})`

// %%
// %%track tuned-champion --tags model,tuned
import { artifact } from "modelbench";
const data = (await loadBrown({ passageWords: 200 })).filter((d: any) => d.passage < 6);
const split = groupSplit(data, { groups: "file", testSize: 0.25, seed: 0 });
const vectorizer = new TfidfVectorizer(tfidfSettings);
const Xtrain = vectorizer.fitTransform(split.train.array("text") as string[]), Xtest = vectorizer.transform(split.test.array("text") as string[]);
const ytrain = split.train.array("genre") as string[], ytest = split.test.array("genre") as string[];
const champion = family === "trees"
  ? new HistGradientBoostingClassifier({ ...chosen.params, maxIter: chosen.budget, maxBins: 32, earlyStopping: false, randomState: 0 })
  : new MLPClassifier({ hiddenLayers: [64], dropout: 0.2, ...chosen.params, epochs: chosen.budget, seed: 0 });
champion.fit(Xtrain, ytrain);
const predicted = champion.predict(Xtest) as string[];
param({ family, model: champion.constructor.name, ...champion.params(), tfidf: tfidfSettings, fromTrial: chosen.study, cv_macro_f1: chosen.cv });
log({ macro_f1: f1(ytest, predicted, { average: "macro", zeroDivision: 0 }), accuracy: accuracy(ytest, predicted) });
await artifact("model", champion);
`${champion.constructor.name} refitted on ${ytrain.length} passages, scored on ${ytest.length} test passages`

// %%
// %registry register genre --run tuned-champion --description "the better of the boosted trees and the text network, tuned by 05-tuning"

// %%
import { store } from "modelbench";
// The version just registered is the newest; the alias moves to it (%registry alias does the same).
const latest = Math.max(...(await store().modelVersions("genre")).map((v) => v.version));
await store().setAlias("genre", "champion", latest);
`genre@champion is version ${latest}`

// %%
// %registry show genre@champion

// %%
import { leaderboard } from "modelbench";
const board = await leaderboard({ metric: "macro_f1", where: "tags contains baseline or tags contains model" });
board

// %%
const scored = board.rows.filter((r) => Number.isFinite(r.metrics.macro_f1));
const tunedRow = scored.find((r) => r.name === "tuned-champion")!;
const untuned = scored.filter((r) => r.kind === "model" && r.name !== "tuned-champion");
const above = untuned.filter((r) => r.metrics.macro_f1 > tunedRow.metrics.macro_f1).map((r) => r.name);
`tuned ${family}: test macro-F1 ${tunedRow.metrics.macro_f1.toFixed(3)}, rank ${scored.indexOf(tunedRow) + 1} of ${scored.length}; ` +
  `best baseline ${board.bestBaseline!.name} ${board.bestBaseline!.metrics.macro_f1.toFixed(3)}; ` +
  (above.length ? `untuned models above it: ${above.join(", ")}` : "above every untuned model")

// %% [markdown]
// ## What we learned
//
// **Which parameter mattered.** By fANOVA over each sweep's complete trials, the learning rate
// mattered most for both families (the importances are printed above). With five complete trials
// a sweep this is a hint rather than a finding; a user would run 50–100 trials before trusting it.
// Hyperband stopped some trials after the first budget and others after the second, so the full
// budgets went to the promising settings; the best budget was itself tuned (the rounds or epochs
// at which a trial's cross-validated score peaked).
//
// **PBT against random search.** At this size the copying interval decided it. Copying every 2
// epochs PBT lost to the random search on both the validation and the check texts: the random
// search's winner (a high learning rate, slow to show its worth) was, as a PBT member, overwritten
// by a copy of a member that looked better after a few epochs. Copying every 4 epochs it won on
// both: its winner took the random search's winner's weights after 4 epochs and went on with a
// lower learning rate, a schedule no single trial of the random search had. This is one seed at
// CI size; a user would repeat both over several seeds before calling PBT better.
//
// **Tuned against the baselines.** The network cross-validated better than the trees, so it is
// `genre@champion`. On the test texts it beats every baseline but lands below the untuned logistic
// regression and naive Bayes of 03 (the last cell printed where it ranks): a score chosen as the
// best of many trials on a subset of passages is optimistic, and the test score is the honest one.
// The champion is one `loadModel("genre@champion")` away for the next notebook.
