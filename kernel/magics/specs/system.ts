// The shell from a notebook: !cmd (%sh), %%sh, %%bash, %npm, %pwd and %cd.
// Specs only (name, usage, options): what completion and --help read in the protocol process.
import type { MagicSpec } from "../spec";

const noRaise = { name: "no-raise-error", type: "boolean" as const, help: "a non-zero exit status is shown, not an error of the cell" };

export const shSpec: MagicSpec = {
  name: "sh",
  line: true,
  cell: true,
  summary: "Run a shell command (`!cmd` is the same), or the cell as a /bin/sh script; output streams as it comes, an interrupt stops it.",
  usage: "!command   |   %sh command   |   %%sh [--no-raise-error] (on a cell's first line)",
  options: [noRaise],
  rawTail: true,
  examples: ["!ls -la data", "%%sh\nwc -l data/*.csv\nhead -3 data/train.csv"],
};

export const bashSpec: MagicSpec = {
  name: "bash",
  line: false,
  cell: true,
  summary: "Run the cell as a bash script in the kernel's folder; output streams as it comes, an interrupt stops it, a non-zero exit status fails the cell.",
  usage: "%%bash [--no-raise-error] (on a cell's first line)",
  options: [noRaise],
  examples: ["%%bash\nfor f in data/*.csv; do echo \"$f $(wc -l < \"$f\")\"; done"],
};

export const npmSpec: MagicSpec = {
  name: "npm",
  line: true,
  cell: false,
  summary: "Install packages into the project (its package.json), importable in the next cell without a restart; alone, lists what is installed.",
  usage: "%npm [list] | %npm install PKG ... [--dev] | %npm uninstall PKG ...",
  options: [{ name: "dev", short: "D", type: "boolean", help: "save as a devDependency" }],
  positional: [
    { name: "command", help: "install (or i, add), uninstall (or remove, rm), list (or ls); list when absent" },
    { name: "PKG", rest: true, help: "packages as npm takes them: name, name@version, name@tag" },
  ],
  examples: ["%npm install simple-statistics", "%npm install zod@3 --dev", "%npm"],
};

export const installSpec: MagicSpec = {
  name: "install",
  line: true,
  cell: false,
  summary: "Install packages into the project (its package.json), importable in the next cell without a restart: %npm install, shorter.",
  usage: "%install PKG ... [--dev]",
  options: [{ name: "dev", short: "D", type: "boolean", help: "save as a devDependency" }],
  positional: [{ name: "PKG", rest: true, required: true, help: "packages as npm takes them: name, name@version, name@tag" }],
  examples: ["%install simple-statistics"],
};

export const pwdSpec: MagicSpec = {
  name: "pwd",
  line: true,
  cell: false,
  summary: "The kernel's working folder (where file paths in cells and shell commands start).",
  usage: "%pwd",
  options: [],
};

export const cdSpec: MagicSpec = {
  name: "cd",
  line: true,
  cell: false,
  summary: "Change the kernel's working folder: file paths and shell commands follow it; imports stay relative to the notebook's folder.",
  usage: "%cd [-q] [DIR | - ]",
  options: [{ name: "quiet", short: "q", type: "boolean", help: "do not print the new folder" }],
  positional: [{ name: "DIR", help: "the folder (~ is your home); - goes back to the previous one; your home when absent" }],
  examples: ["%cd data", "%cd ..", "%cd -"],
};
