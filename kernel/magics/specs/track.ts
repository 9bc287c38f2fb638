// The tracking magics: %%track, %log, %param, %runs, %compare, %rerun, %registry, %store, %gc.
// Specs only (name, usage, options): what completion and --help read in the protocol process.
import type { MagicSpec } from "../spec";

const trackOptions = [
  { name: "tags", type: "list" as const, help: "comma-separated tags, e.g. --tags tfidf,lr" },
  { name: "project", type: "string" as const, help: "project name (default: the project folder's name)" },
  { name: "notes", type: "string" as const, help: "a note kept with the run" },
  { name: "parent", type: "string" as const, help: "nest under this run (default: the active run, if any)" },
  { name: "goal", type: "list" as const, help: "which direction is best, e.g. --goal f1=max,loss=min (loss, f1, accuracy… have one already)" },
];

export const trackSpec: MagicSpec = {
  name: "track",
  line: true,
  cell: true,
  summary: "Track a cell as one run (%%track), or several cells (%track … %track end).",
  usage: "%%track [name] [--tags a,b]   |   %track [name] [--tags a,b]   |   %track end [--status finished|failed|killed]",
  options: [...trackOptions, { name: "status", type: "string", help: "with `%track end`: how the run ended", default: "finished" }],
  positional: [{ name: "name", help: "the run's name (or `end` to end a %track span)" }],
  examples: ["%%track baseline-lr --tags tfidf,lr", "%%track tuned --goal val_f1=max", "%track tuning-session", "%track end"],
};

export const logSpec: MagicSpec = {
  name: "log",
  line: true,
  cell: false,
  summary: "Log metrics, and figures, tables, images or text held in variables, to the active run.",
  usage: "%log key=value ... [--figure name=var,...] [--table name=var,...] [--image name=var,...] [--text name=var,...] [--step N]",
  options: [
    { name: "step", type: "int", min: 0, help: "the step of these values (default: the next step of each metric or media name)" },
    { name: "figure", type: "list", help: "figures to log, as name=variable (or just variable: its name is used), e.g. --figure eval/confusion=cm" },
    { name: "table", type: "list", help: "tables to log (rows, an arquero table, a danfo DataFrame), as name=variable" },
    { name: "image", type: "list", help: "PNG bytes or SVG text to log, as name=variable" },
    { name: "text", type: "list", help: "text to log, as name=variable (a value that is not a string is logged as its text display)" },
  ],
  positional: [{ name: "key=value", rest: true, help: "numbers; NaN and Infinity are kept as such" }],
  examples: ["%log f1_macro=0.64 accuracy=0.71", "%log val_loss=0.3 --step 5", "%log --figure eval/confusion=cmFig --table eval/errors=worst", "%log --text report --step 2"],
};

export const paramSpec: MagicSpec = {
  name: "param",
  line: true,
  cell: false,
  summary: "Record params (settings) of the active run.",
  usage: "%param key=value ...",
  options: [],
  positional: [{ name: "key=value", rest: true, help: "JSON values (1, true, [1,2], {\"a\":1}) or plain strings" }],
  examples: ["%param C=1 penalty=l2 ngrams=[1,2]"],
};

export const runsSpec: MagicSpec = {
  name: "runs",
  line: true,
  cell: false,
  summary: "Table of runs: filter, sort, limit (newest first).",
  usage: "%runs [filter] [--sort FIELD] [--limit N] [--project P] [--tags a,b] [--status s,…] [--all] [--archived]",
  options: [
    { name: "sort", type: "string", help: "field to sort by; -field (or 'field desc') for descending" },
    { name: "limit", type: "int", min: 1, default: 20, help: "rows to show" },
    { name: "project", type: "string", help: "only this project" },
    { name: "tags", type: "list", help: "only runs with all these tags" },
    { name: "status", type: "list", help: "only these statuses: running, finished, failed, killed, crashed" },
    { name: "all", type: "boolean", help: "show every matching run" },
    { name: "archived", type: "boolean", help: "show the archived runs (hidden otherwise; the sidebar archives and restores)" },
  ],
  rawTail: true,
  examples: ["%runs metrics.f1_macro > 0.6 and params.C < 10 --sort -metrics.f1_macro", "%runs --tags lr --limit 5"],
};

export const compareSpec: MagicSpec = {
  name: "compare",
  line: true,
  cell: false,
  summary: "Runs side by side: params and metrics (differences highlighted), learning curves, code diff.",
  usage: "%compare RUN RUN [RUN ...]",
  options: [],
  positional: [{ name: "RUN", rest: true, help: "run ids, unique id prefixes, or names (newest run of that name)" }],
  examples: ["%compare baseline-lr tuned-lr", "%compare 1a2b3c4d 5e6f7a8b"],
};

export const registrySpec: MagicSpec = {
  name: "registry",
  line: true,
  cell: false,
  summary: "Model registry: register a run's model artifact as a new version, move aliases, list, show lineage.",
  usage:
    "%registry list [NAME] | %registry register NAME --run RUN [--artifact model] [--description TEXT] | " +
    "%registry alias NAME ALIAS VERSION | %registry unalias NAME ALIAS | %registry show NAME[/V|@ALIAS]",
  options: [
    { name: "run", type: "string", help: "the run whose artifact is registered (id, prefix or name)" },
    { name: "artifact", type: "string", default: "model", help: "the artifact's name in that run" },
    { name: "description", type: "string", help: "what this version is" },
  ],
  positional: [{ name: "command", rest: true, help: "list, register, alias, unalias or show, then its arguments" }],
  examples: ["%registry register genre-clf --run baseline-lr", "%registry alias genre-clf champion 2", "%registry show genre-clf@champion"],
};

export const storeSpec: MagicSpec = {
  name: "store",
  line: true,
  cell: false,
  summary: "Show the tracking store, or switch to another (sqlite:///path.db, postgres://user@host:5432/db or mlflow+http://host:5000).",
  usage: "%store [URI]",
  options: [],
  positional: [{ name: "URI", help: "e.g. sqlite:///home/me/runs.db, postgres://me@db.lan:5432/runs or mlflow+http://127.0.0.1:5000" }],
};

export const gcSpec: MagicSpec = {
  name: "gc",
  line: true,
  cell: false,
  summary: "Delete artifact files that no run and no registered model version refers to.",
  usage: "%gc",
  options: [],
};

export const rerunSpec: MagicSpec = {
  name: "rerun",
  line: true,
  cell: false,
  summary: "Re-execute a tracked run from its record (code, git commit, data hashes, seed) as a new run, and say whether its metrics came out the same.",
  usage: "%rerun RUN [--here] [--tolerance REL]",
  options: [
    { name: "here", type: "boolean", help: "run on the current tree even when the recorded commit differs (the report lists the files changed since)" },
    { name: "tolerance", type: "number", min: 0, default: 0, help: "largest relative difference of a metric still counted as the same (0: bit-identical)" },
  ],
  positional: [{ name: "RUN", help: "a run id, unique id prefix, or name (the newest run of that name)" }],
  examples: ["%rerun tfidf-nb", "%rerun 1a2b3c4d --tolerance 1e-9", "%rerun tfidf-lr --here"],
};
