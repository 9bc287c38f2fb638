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
// # Trending Now 3 · Classic models
//
// TF-IDF features with three model families: multinomial naive Bayes, logistic regression and
// gradient-boosted trees, each a tracked run scored on the same held-out texts as the baselines.
// `evaluate()` scores each one in one call (as MLflow's `mlflow.evaluate`): the metrics, the
// per-genre report, the confusion matrix, ROC, precision-recall and calibration curves, the most
// confident mistakes and the words the model leans on, all logged to the run, so the sidebar can
// put the families' confusion matrices side by side. Then `%compare` against the best baseline,
// a learning curve and a classification report.
// Iteration counts and feature counts are kept small so CI runs quickly; a user would raise them.

// %%
// %seed 0

// %% [markdown]
// The first run is self-contained (it loads and splits the data itself), so re-running its recorded
// code under its seed must give the same numbers; the test suite checks exactly that.

// %%
// %%track tfidf-nb --tags model,tfidf
import { loadBrown, groupSplit, TfidfVectorizer, MultinomialNB, f1, accuracy, param, log, evaluate } from "modelbench";
const passages = (await loadBrown({ passageWords: 200 })).filter((d: any) => d.passage < 6);
const { train, test } = groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
const ytr = train.array("genre") as string[], yte = test.array("genre") as string[];
const tfidf = new TfidfVectorizer({ stopWords: "english", minDf: 2, sublinearTf: true });
const Xtr = tfidf.fitTransform(train.array("text") as string[]), Xte = tfidf.transform(test.array("text") as string[]);
const nb = new MultinomialNB({ alpha: 0.1 }).fit(Xtr, ytr);
param({ ...nb.params(), minDf: 2, sublinearTf: true, features: Xtr.shape[1] });
log({ macro_f1: f1(yte, nb.predict(Xte), { average: "macro" }), accuracy: accuracy(yte, nb.predict(Xte)) });
const texts = test.array("text") as string[];
const nbEval = await evaluate(nb, Xte, yte, { featureNames: tfidf, texts });

// %%
// %%track tfidf-lr --tags model,tfidf
import { LogisticRegression } from "modelbench";
const lr = new LogisticRegression({ C: 10, maxIter: 100 }).fit(Xtr, ytr);
param({ ...lr.params(), features: Xtr.shape[1] });
log({ macro_f1: f1(yte, lr.predict(Xte), { average: "macro" }), accuracy: accuracy(yte, lr.predict(Xte)) });
const lrEval = await evaluate(lr, Xte, yte, { featureNames: tfidf, texts });
lrEval

// %% [markdown]
// Gradient-boosted trees take the sparse TF-IDF matrix as it is: an absent word is a missing value,
// and every split learns which side absent values go to (as XGBoost reads sparse input), so the
// trees see the whole vocabulary. One tree per genre per round adds up, so the rounds are few here.

// %%
// %%track tfidf-hgb --tags model,tfidf
import { HistGradientBoostingClassifier } from "modelbench";
const hgb = new HistGradientBoostingClassifier({ maxIter: 10, learningRate: 0.3, maxBins: 32, randomState: 0 }).fit(Xtr, ytr);
param({ ...hgb.params(), features: Xtr.shape[1], sparse: true });
log({ macro_f1: f1(yte, hgb.predict(Xte), { average: "macro" }), accuracy: accuracy(yte, hgb.predict(Xte)) });
const hgbEval = await evaluate(hgb, Xte, yte, { featureNames: tfidf, texts, shapSamples: 50 });

// %% [markdown]
// Which words do the trees lean on? Importance by gain (the mean loss reduction of the splits on a
// word, XGBoost's default), named by the vectorizer's vocabulary:

// %%
import { importanceBars } from "modelbench";
const byGain = hgb.featureImportances("gain", { featureNames: tfidf.getFeatureNamesOut() });
importanceBars(byGain, { top: 15 })

// %% [markdown]
// The logistic regression's evaluation is shown above; all three are in their runs. Which family is
// best calibrated, and which confuses the most genres? The numbers side by side (the sidebar's
// **Compare** on the three runs shows their confusion matrices and curves next to each other):

// %%
const evals = { "naive Bayes": nbEval, "logistic regression": lrEval, "boosted trees": hgbEval };
Object.entries(evals).map(([family, e]) => ({
  family, macro_f1: +e.metrics.macro_f1.toFixed(3), log_loss: +e.metrics.log_loss.toFixed(3),
  ms_per_row: +e.metrics.latency_ms_per_row.toFixed(3), size_kb: Math.round(e.metrics.model_size / 1024),
}))

// %% [markdown]
// ## Against the baselines
//
// `%compare` puts the runs side by side: params, metrics (differences highlighted) and code.

// %%
// %compare tfidf-lr tfidf-nb baseline/keyword_rules

// %%
import { leaderboard } from "modelbench";
const board = await leaderboard({ metric: "macro_f1", where: "tags contains baseline or tags contains model" });
board

// %% [markdown]
// ## Would more data help?
//
// A learning curve refits naive Bayes (the fastest of the three) on growing parts of the training
// passages and scores it on held-out training *texts* (a group split again: random folds of
// passages would leak, as `01-eda` explained). A validation score still rising at the right end says
// more labelled text would pay off.

// %%
import { learningCurve, takeRows } from "modelbench";
const inner = groupSplit(train, { groups: "file", testSize: 0.25, seed: 1 });
learningCurve(() => new MultinomialNB({ alpha: 0.1 }), takeRows(Xtr, inner.trainIndex), inner.trainIndex.map((i) => ytr[i]), {
  sizes: [0.2, 0.5, 1],
  validation: { X: takeRows(Xtr, inner.testIndex), y: inner.testIndex.map((i) => ytr[i]) },
  score: (a, b) => f1(a, b, { average: "macro" }),
  scoreName: "macro_f1",
})

// %% [markdown]
// ## Per genre

// %%
import { classificationReport } from "modelbench";
classificationReport(yte, lr.predict(Xte), { zeroDivision: 0 })

// %%
const top = board.rows.find((r) => r.kind === "model")!;
`best model: ${top.name}, macro-F1 ${top.metrics.macro_f1.toFixed(3)} against ${board.bestBaseline!.metrics.macro_f1.toFixed(3)} for the best baseline`

// %% [markdown]
// ## What we learned
//
// The last cell printed the best family and its margin over the best baseline. Linear models on
// TF-IDF are strong for genre (word choice carries most of the signal); the boosted trees read the
// same sparse features, and their importance chart shows the words their splits rely on. The report shows which genres are still hard: the small ones
// (look at their support). Each family's run holds its whole evaluation (confusion matrix, curves,
// worst errors), so selecting the three runs in the Runs panel and pressing **Compare** shows them
// side by side. `05-tuning` tunes the boosted trees and a network on the same features.
