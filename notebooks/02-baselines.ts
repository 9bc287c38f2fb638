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
// # Trending Now 2 · Baselines
//
// Before any model: what do simple rules score on the held-out texts? `%baseline` fits every
// baseline that applies on the training passages, scores it on the test passages and tracks each
// as a run tagged `baseline`: scikit-learn's dummy strategies (most frequent, prior, stratified,
// uniform) and a keyword-rule heuristic written by hand. The leaderboard at the end is the bar every
// model in the next notebooks has to clear.

// %%
// %seed 0

// %%
// %%track baselines-data --tags data
import { loadBrown, groupSplit, leaderboard, KeywordRuleClassifier, param, log } from "modelbench";
const passages = (await loadBrown({ passageWords: 200 })).filter((d: any) => d.passage < 6);
const { train, test } = groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
param({ passageWords: 200, passagesPerText: 6, testSize: 0.25, splitBy: "file" });
log({ train_rows: train.numRows(), test_rows: test.numRows() });

// %% [markdown]
// ## Keyword rules
//
// One rule a line: `&` needs all the words, `|` any of them, `love*` matches any ending. The first
// rule that fires decides; passages no rule matches get the most frequent training genre.

// %%
const rules = `
"space" & "ship" -> science_fiction
"rocket" & ("planet" | "earth") -> science_fiction
"love*" | "kiss*" | "darling" -> romance
"murder*" | "detective" | "police" | "killer" -> mystery
"god" | "church" | "christ*" | "faith" -> religion
"gun" | "horse*" | "sheriff" -> adventure
"president" | "senate" | "administration" -> news
"government" | "federal" | "program" -> government
"film" | "music" | "performance" -> reviews
`;
new KeywordRuleClassifier({ rules }).fit(train.array("text") as string[], train.array("genre") as string[]).explain("The detective found the police report.")

// %%
// %baseline train --target genre --text text --rules rules --test test --metric macro_f1 --tags trending

// %% [markdown]
// ## A human reference
//
// A leaderboard is easier to read with a human-level row, and that row has to be measured: a
// person labels a seeded sample of the same held-out passages (45, three per genre) without
// seeing the answers, and their macro-F1 on it is recorded with `humanReference` (a run tagged
// `reference`, shown in italics beside the baselines). Label in a terminal with
// `npx modelbench label --annotator <name>` or here, with `LABEL_NOW = true`, where the kernel
// asks with `input()`. Every answer is saved to `labels/brown-human.json` as it is given, so
// stopping (`q`) loses nothing and the next session resumes. No one has labelled these passages
// for this example yet, so unless that file exists this cell records nothing: the number is
// never made up.

// %%
import * as fs from "fs";
import * as path from "path";
import { labelSample, projectRoot } from "modelbench";
const LABEL_NOW = false;
const labelsFile = path.join(projectRoot(), "labels", "brown-human.json");
LABEL_NOW || fs.existsSync(labelsFile)
  ? (await labelSample({
      texts: test.array("text") as string[],
      labels: test.array("genre") as string[],
      ask: LABEL_NOW ? input : async () => "q",
      file: labelsFile,
    })).metrics
  : `no human labels yet (${path.relative(projectRoot(), labelsFile)} does not exist)`

// %%
const board = await leaderboard({ metric: "macro_f1", tags: ["baseline"] });
board

// %%
const best = board.bestBaseline!;
`best baseline: ${best.name} with macro-F1 ${best.metrics.macro_f1.toFixed(3)}`

// %% [markdown]
// ## What we learned
//
// The cell above printed the best baseline and its held-out macro-F1. The dummy strategies that
// ignore the text score close to nothing on macro-F1, whatever their accuracy; a handful of
// keyword rules does better on the genres they cover and nothing on the rest. That score is the
// floor for the learned models in `03-models`.
