// %baseline: every baseline for a table's target (dummies, keyword rules; simple regressors for numbers), as a leaderboard.
// Specs only (name, usage, options): what completion and --help read in the protocol process.
import type { MagicSpec } from "../spec";
import { METRICS as BASELINE_METRICS } from "../../../src/baselines/tasks";

export const baselineSpec: MagicSpec = {
  name: "baseline",
  line: true,
  cell: false,
  summary:
    "Fit every baseline that applies to a table's target (most_frequent, prior, stratified, uniform, keyword rules; " +
    "mean, median, quantile, and on the numeric columns linear regression, ridge, a depth-3 tree and boosted trees for numbers), " +
    "track each as a run tagged `baseline`, and show a leaderboard with any human references.",
  usage: "%baseline TABLE --target COL [--text COL] [--metric NAME] [--rules VAR] [--features a,b] [--test TABLE | --split 0.25] [--seed N] [--task T] [--tags a,b]",
  positional: [{ name: "TABLE", help: "a variable: an arquero table, a danfojs DataFrame or an array of row objects" }],
  options: [
    { name: "target", type: "string", help: "the column to predict: labels, arrays of labels (multi-label) or numbers" },
    { name: "text", type: "string", help: "the text column the keyword rules read" },
    { name: "metric", type: "string", choices: [...new Set(Object.values(BASELINE_METRICS).flat())], help: `what to rank by: ${BASELINE_METRICS.classification.join(", ")}; multi-label ${BASELINE_METRICS.multilabel.join(", ")}; regression ${BASELINE_METRICS.regression.join(", ")} (default macro_f1, or rmse)` },
    { name: "rules", type: "string", help: "a variable holding keyword rules (a rule table, rule text or a KeywordRuleClassifier), or rule text itself" },
    { name: "features", type: "list", help: "numeric columns the simple regressors learn from (numeric targets; default every numeric column but the target and --text)" },
    { name: "test", type: "string", help: "a variable with held-out rows to score on (instead of --split)" },
    { name: "split", type: "number", help: "fraction of the table held out for scoring (default 0.25)" },
    { name: "seed", type: "int", help: "seed of the split and the random baselines (default: %seed's, else 0)" },
    { name: "task", type: "string", choices: ["classification", "multilabel", "regression"], help: "classification, multilabel or regression (default: read from the target's values)" },
    { name: "tags", type: "list", help: "extra tags for the runs, beside `baseline`" },
  ],
  examples: [
    "%baseline plots --target genre",
    "%baseline plots --target genre --text plot --rules rules --metric macro_f1 --split 0.25 --seed 0",
    "%baseline train --target topics --test test --metric micro_f1",
    "%baseline patients --target progression --features bmi,bp,s5",
  ],
};
