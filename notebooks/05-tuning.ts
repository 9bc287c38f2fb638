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
// # Trending Now 5 · Tuning the best family
//
// TF-IDF + logistic regression led `03-models`, so this notebook tunes it: `%%sweep` with TPE
// (a model of good and bad regions guides the next trial) and then with Hyperband (many trials,
// most stopped after a short fit). Trials are scored on held-out training texts; the test texts
// are used once, for the winner, which is registered as `genre@champion`. Trial counts are small
// for CI; a user would run 50–100.

// %%
%seed 0

// %%
import { loadBrown, groupSplit, takeRows, TfidfVectorizer, LogisticRegression, f1, logUniform, choice, TrialPruned } from "modelbench";
const passages = (await loadBrown({ passageWords: 200 })).filter((d: any) => d.passage < 6);
const { train, test } = groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
const inner = groupSplit(train, { groups: "file", testSize: 0.25, seed: 1 });
const texts = train.array("text") as string[], genres = train.array("genre") as string[];
// One vectorizer per setting, fitted on the tuning part only and reused by every trial.
const features = new Map<string, { Xfit: any; Xval: any }>();
function featuresFor(maxFeatures: number, sublinearTf: boolean) {
  const key = `${maxFeatures}/${sublinearTf}`;
  if (!features.has(key)) {
    const v = new TfidfVectorizer({ stopWords: "english", maxFeatures, sublinearTf });
    features.set(key, { Xfit: v.fitTransform(inner.trainIndex.map((i) => texts[i])), Xval: v.transform(inner.testIndex.map((i) => texts[i])) });
  }
  return features.get(key)!;
}
const yfit = inner.trainIndex.map((i) => genres[i]), yval = inner.testIndex.map((i) => genres[i]);
`${yfit.length} passages to fit, ${yval.length} to score trials`

// %% [markdown]
// ## TPE

// %%
%%sweep --name lr-tpe --sampler tpe --trials 6 --metric val_macro_f1 --direction max --seed 0
const space = { C: logUniform(0.3, 300), maxFeatures: choice([2000, 5000]), sublinearTf: choice([true, false]) };
async (p: any) => {
  const { Xfit, Xval } = featuresFor(p.maxFeatures, p.sublinearTf);
  const model = new LogisticRegression({ C: p.C, maxIter: 100 }).fit(Xfit, yfit);
  return f1(yval, model.predict(Xval), { average: "macro", zeroDivision: 0 });
}

// %% [markdown]
// ## Hyperband
//
// The resource is the solver's iteration budget: each trial fits with 10, then 30, then 100
// iterations, reporting its validation score after each; Hyperband stops the weak ones early.

// %%
%%sweep --name lr-hyperband --sampler random --pruner hyperband --trials 6 --metric val_macro_f1 --direction max --seed 1
const space = { C: logUniform(0.3, 300), maxFeatures: choice([2000, 5000]), sublinearTf: choice([true, false]) };
async (p: any, trial: any) => {
  const { Xfit, Xval } = featuresFor(p.maxFeatures, p.sublinearTf);
  let score = 0;
  for (const [step, maxIter] of [10, 30, 100].entries()) {
    const model = new LogisticRegression({ C: p.C, maxIter }).fit(Xfit, yfit);
    score = f1(yval, model.predict(Xval), { average: "macro", zeroDivision: 0 });
    trial.report(score, step);
    if (trial.shouldPrune()) throw new TrialPruned();
  }
  return score;
}

// %% [markdown]
// ## The winner, scored once on the test texts, registered as `genre@champion`

// %%
import { listRuns } from "modelbench";
const bestTrial = (await listRuns({ where: "tags contains trial and not tags contains pruned and (name ~ 'lr-tpe#' or name ~ 'lr-hyperband#')", sort: "-metrics.val_macro_f1", limit: 1 })).runs[0];
const bestParams = bestTrial.params as { C: number; maxFeatures: number; sublinearTf: boolean };
({ trial: bestTrial.name, ...bestParams, val_macro_f1: bestTrial.metrics.val_macro_f1.last })

// %%
%%track tuned-lr --tags model,tuned
import { accuracy, param, log, artifact } from "modelbench";
const data = (await loadBrown({ passageWords: 200 })).filter((d: any) => d.passage < 6);
const split = groupSplit(data, { groups: "file", testSize: 0.25, seed: 0 });
const vectorizer = new TfidfVectorizer({ stopWords: "english", maxFeatures: bestParams.maxFeatures, sublinearTf: bestParams.sublinearTf });
const Xtrain = vectorizer.fitTransform(split.train.array("text") as string[]), Xtest = vectorizer.transform(split.test.array("text") as string[]);
const ytest = split.test.array("genre") as string[];
const champion = new LogisticRegression({ C: bestParams.C, maxIter: 100 }).fit(Xtrain, split.train.array("genre") as string[]);
param({ ...champion.params(), maxFeatures: bestParams.maxFeatures, sublinearTf: bestParams.sublinearTf, fromTrial: bestTrial.name });
log({ macro_f1: f1(ytest, champion.predict(Xtest), { average: "macro", zeroDivision: 0 }), accuracy: accuracy(ytest, champion.predict(Xtest)) });
await artifact("model", champion);

// %%
%registry register genre --run tuned-lr --description "TF-IDF + logistic regression, tuned by 05-tuning"

// %%
import { store } from "modelbench";
// The version just registered is the newest; the alias moves to it (%registry alias does the same).
const latest = Math.max(...(await store().modelVersions("genre")).map((v) => v.version));
await store().setAlias("genre", "champion", latest);
`genre@champion is version ${latest}`

// %%
%registry show genre@champion

// %%
import { leaderboard } from "modelbench";
const board = await leaderboard({ metric: "macro_f1", where: "tags contains baseline or tags contains model" });
board

// %%
const tunedRow = board.rows.find((r) => r.name === "tuned-lr")!;
`tuned: macro-F1 ${tunedRow.metrics.macro_f1.toFixed(3)}, rank ${board.rows.filter((r) => Number.isFinite(r.metrics.macro_f1)).indexOf(tunedRow) + 1}; best baseline ${board.bestBaseline!.metrics.macro_f1.toFixed(3)}`

// %% [markdown]
// ## What we learned
//
// The sweeps' leaderboards, parallel coordinates and parameter importances show which settings
// matter (the regularisation strength C above all); Hyperband's pruned trials stopped after a
// short fit, so it spends less per bad trial than TPE. The last cell printed where the tuned model
// lands on the test texts next to the baselines and the untuned models: a validation score chosen
// as the best of many trials is optimistic, and the test score is the honest one. The champion is
// one `loadModel("genre@champion")` away for the next notebook.
