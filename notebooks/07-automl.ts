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
// # Trending Now 7 · AutoML against the hand-tuned champion
//
// AutoML automates what `02`–`05` did by hand: choosing a model family, its hyperparameters and
// the text features. It is good for a baseline, a quick prototype, or when tuning expertise is
// short — and its output has to be validated as rigorously as any model. `%automl` searches naive
// Bayes, logistic regression, boosted trees and a network on TF-IDF features for one minute,
// cheap families first (cost-aware, as FLAML), every candidate cross-validated by source text
// like the notebooks before. The winner is refitted on every training passage, scored
// once on the same held-out texts as `genre@champion` from `05-tuning`, and registered as
// `genre@automl`. The last cells compare the two on those texts, honestly either way.

// %%
// %seed 0

// %%
import { loadBrown, groupSplit } from "modelbench";
const passages = (await loadBrown({ passageWords: 200 })).filter((d: any) => d.passage < 6);
// The split of 02–05: the held-out texts are the champion's test texts.
const { train, test } = groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
`${train.numRows()} training passages, ${test.numRows()} held out`

// %% [markdown]
// ## One line: families, features and hyperparameters under a time budget
//
// `--groups file` keeps every passage of a text in one fold; `--text text` makes TF-IDF features
// (their size, sublinear scaling and word pairs are searched too); `passage` (a position in the
// text) is left out. Every trial is a run under this one: the Sweeps view (button at the top of the
// Runs panel) follows the search as it goes.

// %%
// %automl train --target genre --text text --groups file --ignore passage --time 60s --metric macro_f1 --test test --register genre --name automl-genre --seed 0

// %% [markdown]
// ## AutoML against the hand-tuned champion, on the same held-out texts

// %%
import { listRuns, store } from "modelbench";
const automlRun = (await listRuns({ where: "tags contains automl and name = 'automl-genre'" })).runs[0];
const champion = await store().resolveModel("genre@champion");
const championRun = await store().getRun(champion.runId);
const autoF1 = automlRun.metrics.test_f1_macro.last, tunedF1 = championRun.metrics.macro_f1.last;
const gap = autoF1 - tunedF1;
({
  automl: { run: automlRun.name, winner: automlRun.params.winner, cv_macro_f1: automlRun.metrics.cv_f1_macro.last, test_macro_f1: autoF1, trials: automlRun.metrics.trials.last, seconds: automlRun.metrics.search_seconds.last },
  champion: { run: championRun.name, test_macro_f1: tunedF1 },
})

// %%
`On the held-out texts AutoML's ${automlRun.params.winner} scores macro-F1 ${autoF1.toFixed(3)} against the hand-tuned champion's ${tunedF1.toFixed(3)}: ` +
  (Math.abs(gap) < 0.01 ? "a tie within 0.01." : gap > 0 ? `AutoML is ahead by ${gap.toFixed(3)}.` : `the champion is ahead by ${(-gap).toFixed(3)}.`)

// %%
// %registry show genre@automl

// %% [markdown]
// ## What we learned
//
// The cell above states, from the two runs' logged test scores, which of AutoML's winner and the
// hand-tuned champion does better on the same held-out texts, and by how much; the leaderboard
// of the `%automl` cell shows which families it tried, how each scored by cross-validation and at
// what cost, and which choices mattered. AutoML's cross-validated score (shown beside its held-out
// one) is the best of all its trials, so the comparison uses the held-out scores, each model's
// first look at those texts. Both models stay in the registry (`genre@champion`, `genre@automl`):
// promoting one is a decision made on that evidence, not by the search.
