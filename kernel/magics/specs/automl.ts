// %automl: model families, preprocessing and hyperparameters searched under a time budget.
// Specs only (name, usage, options): what completion and --help read in the protocol process.
import type { MagicSpec } from "../spec";

export const automlSpec: MagicSpec = {
  name: "automl",
  line: true,
  cell: false,
  summary:
    "Search model families (naive Bayes, logistic regression, k-nearest neighbours, trees, boosted trees, an MLP; ridge, lasso, k-NN, trees and boosted trees " +
    "for numbers), their hyperparameters and the TF-IDF settings of a text column under a time budget, cheap families and small " +
    "samples first (cost-aware, as FLAML), every candidate cross-validated (grouped with --groups). Every trial is a tracked run " +
    "(the Sweeps view follows it); shows a leaderboard by family beside a baseline; the winner is refitted on all rows, scored " +
    "once on --test with evaluate(), and registered as NAME@automl with --register (from a script: automl(data, { target, … })).",
  usage: "%automl TABLE --target COL [--time 60s] [--metric macro_f1] [--families lr,nb,gbdt,mlp] [--groups COL] [--text COL] [--cv K] [--test TABLE] [--register NAME] [--max-trials N] [--ignore a,b] [--seed N] [--name NAME]",
  positional: [{ name: "TABLE", help: "a variable: an arquero table, a danfojs DataFrame or an array of row objects" }],
  options: [
    { name: "target", type: "string", help: "the column to predict: labels (classification) or numbers (regression)" },
    { name: "time", type: "string", help: "search time: 30s, 2m, or seconds (default 60s; none with --max-trials alone)" },
    { name: "metric", type: "string", choices: ["macro_f1", "f1_macro", "accuracy", "f1_weighted", "roc_auc", "neg_log_loss", "r2", "mae", "rmse"], help: "what to maximise (default macro_f1 for labels, r2 for numbers)" },
    { name: "families", type: "list", choices: ["nb", "lr", "knn", "tree", "gbdt", "mlp", "ridge", "lasso"], help: "the families to search (default: all that fit the data)" },
    { name: "groups", type: "string", help: "a column naming each row's group: no group is on both sides of a fold" },
    { name: "text", type: "string", help: "the text column (TF-IDF); otherwise one is recognised by its long, mostly distinct strings" },
    { name: "cv", type: "int", min: 2, help: "folds (default 5; 3 above 5,000 rows)" },
    { name: "test", type: "string", help: "a variable with held-out rows: the winner is scored on them once, with evaluate()" },
    { name: "register", type: "string", help: "register the winner under this model name, alias @automl" },
    { name: "max-trials", type: "int", min: 1, help: "stop after N trials; without --time the search is then reproducible under --seed" },
    { name: "ignore", type: "list", help: "columns to leave out (ids, leaks)" },
    { name: "seed", type: "int", help: "seed of the folds and the search (default: %seed's, else 0)" },
    { name: "name", type: "string", help: "the study's name (default automl-TARGET-time)" },
  ],
  examples: [
    "%automl passages --target genre --text text --groups file --time 60s --metric macro_f1",
    "%automl train --target genre --test test --families lr,nb,gbdt --register genre",
    "%automl patients --target progression --time 30s",
  ],
};
