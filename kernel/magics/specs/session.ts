// Working with the session: %%capture, %load, %run, %history, %recall, %whos.
// Specs only (name, usage, options): what completion and --help read in the protocol process.
import type { MagicSpec } from "../spec";

export const captureSpec: MagicSpec = {
  name: "capture",
  line: false,
  cell: true,
  summary: "Run the cell with its stdout, stderr, displays and result captured instead of shown; into VAR (a CapturedOutput: .stdout, .stderr, .outputs, .show()) when named.",
  usage: "%%capture [VAR] [--no-stdout] [--no-stderr] [--no-display] (on a cell's first line)",
  options: [
    { name: "no-stdout", type: "boolean", help: "let stdout through instead of capturing it" },
    { name: "no-stderr", type: "boolean", help: "let stderr through instead of capturing it" },
    { name: "no-display", type: "boolean", help: "let displays and the result through instead of capturing them" },
  ],
  positional: [{ name: "VAR", help: "a variable to hold what was captured" }],
  examples: ["%%capture out\nconst model = train(data)   // its progress kept in out.stdout", "out.show()"],
};

export const loadSpec: MagicSpec = {
  name: "load",
  line: true,
  cell: false,
  summary: "Replace this cell with the contents of a file (to edit and run), as IPython's %load.",
  usage: "%load FILE [-r LINES]",
  options: [{ name: "range", short: "r", type: "string", help: "only these lines: 5-10, 3, or 1-4,8 (1-based, inclusive)" }],
  positional: [{ name: "FILE", required: true, help: "a file, relative to the kernel's folder" }],
  examples: ["%load ../src/features.ts", "%load -r 1-20 train.ts"],
};

export const runSpec: MagicSpec = {
  name: "run",
  line: true,
  cell: false,
  summary: "Run a TypeScript or JavaScript file in the notebook's scope, type-checked as a cell: what it declares stays defined. process.argv holds the file and ARGS meanwhile.",
  usage: "%run FILE [ARGS ...]",
  options: [],
  positional: [
    { name: "FILE", required: true, help: "a .ts, .mts, .js or .mjs file, relative to the kernel's folder" },
    { name: "ARGS", rest: true, help: "arguments, seen by the script as process.argv.slice(2)" },
  ],
  examples: ["%run prepare.ts --limit 100"],
};

export const historySpec: MagicSpec = {
  name: "history",
  line: true,
  cell: false,
  summary: "Print input history: this session's cells (or the lines in RANGE); -g searches every session, -l takes the last N.",
  usage: "%history [-n] [-o] [-g PATTERN] [-l N] [RANGE ...]",
  options: [
    { name: "line-numbers", short: "n", type: "boolean", help: "print the execution count before each input" },
    { name: "output", short: "o", type: "boolean", help: "print each cell's result too" },
    { name: "grep", short: "g", type: "string", help: "inputs containing this text (a glob with * and ?), from every session" },
    { name: "limit", short: "l", type: "int", min: 1, help: "the last N inputs, from every session" },
  ],
  positional: [{ name: "RANGE", rest: true, help: "execution counts: 4, 4-6 (inclusive), or SESSION/4-6 for another session" }],
  examples: ["%history -n", "%history -n 1-5", "%history -g train*"],
};

export const recallSpec: MagicSpec = {
  name: "recall",
  line: true,
  cell: false,
  summary: "Put earlier input into the next cell to edit: by execution count, range, or the latest input containing TEXT; alone, the last result as text.",
  usage: "%recall [N | N-M | TEXT]",
  options: [],
  positional: [{ name: "what", rest: true, help: "an execution count, a range N-M, or text to search for" }],
  examples: ["%recall 12", "%recall 3-5", "%recall LogisticRegression"],
};

export const whosSpec: MagicSpec = {
  name: "whos",
  line: true,
  cell: false,
  summary: "The variables defined by cells as a table: name, type and, for arrays, tables and tensors, their shape.",
  usage: "%whos [type ...]",
  options: [],
  positional: [{ name: "type", rest: true, help: "keep only values of these kinds: number, string, function, array, object, Tensor, …" }],
  examples: ["%whos", "%whos array Tensor"],
};

export const autoreloadSpec: MagicSpec = {
  name: "autoreload",
  line: true,
  cell: false,
  summary: "Whether edits to the project's modules that cells import are loaded by the next cell (on, the default) or the code first loaded is kept (off); alone, shows the setting and the modules.",
  usage: "%autoreload [on | off]",
  options: [],
  positional: [{ name: "on|off", help: "on (or 1, 2): reload edited modules before the next cell; off (or 0): keep the loaded code" }],
  examples: ["%autoreload off", "%autoreload"],
};
