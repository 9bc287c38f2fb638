// The kinds of task a baseline suite scores and the metrics each is ranked by: plain data, so the
// kernel's magic specs (completion, --help) can name them without loading the suite.

export type Task = "classification" | "multilabel" | "regression";

export const METRICS: Record<Task, readonly string[]> = {
  classification: ["accuracy", "macro_f1", "weighted_f1", "micro_f1", "log_loss"],
  multilabel: ["macro_f1", "micro_f1", "samples_f1", "subset_accuracy", "hamming_loss"],
  regression: ["mae", "rmse", "r2"],
};
