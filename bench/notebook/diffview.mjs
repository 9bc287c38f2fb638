// What the diff view computes per refresh, on the main thread of the browser: parse a paired script
// (src/notebook's percent reader), parse the notebook, diff them cell by cell. Times a large
// notebook (default 400 cells, 1 in 20 edited, 2 inserted) and prints a Markdown table; reports and
// asserts nothing about time. Usage: node bench/notebook/diffview.mjs [--cells N] [--repeat N]
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { wholeNumberOption } from "../lib/options.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const nb = require(join(root, "dist", "src", "notebook", "index.js"));
const cellsN = wholeNumberOption("notebook", "cells", 400);
const repeat = wholeNumberOption("notebook", "repeat", 20);

const code = (i) => Array(3).fill(`// step ${i}\nconst x${i} = data.map((r) => r.value * ${i});\nconsole.log(x${i}.length, "rows");`).join("\n");
const notebook = {
  nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "modelbench", display_name: "TypeScript (modelbench)", language: "typescript" } },
  cells: Array.from({ length: cellsN }, (_, i) => (i % 4 === 0
    ? { cell_type: "markdown", id: `m${i}`, metadata: {}, source: `## Step ${i}\n\nWhat **step ${i}** does, in a few words.` }
    : { cell_type: "code", id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source: code(i) })),
};
const script = nb.writePercent(notebook, { extension: ".ts" });
const edited = structuredClone(notebook);
edited.cells.forEach((c, i) => { if (i % 20 === 1) c.source = c.source.replace("* ", "+ "); });
edited.cells.splice(cellsN / 2, 0, { cell_type: "code", id: "new1", metadata: {}, execution_count: null, outputs: [], source: "const added = 1;" });
edited.cells.splice(10, 0, { cell_type: "markdown", id: "new2", metadata: {}, source: "A new note." });
const ipynbText = nb.writeIpynb(edited);

const time = (fn) => {
  fn();
  const ms = [];
  for (let i = 0; i < repeat; i++) {
    const t = process.hrtime.bigint();
    fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)];
};
let diff;
const rows = [
  ["read the script (readPercent)", time(() => nb.readPercent(script, { extension: ".ts" }))],
  ["read the notebook (parseIpynb)", time(() => nb.parseIpynb(ipynbText))],
  ["diff cell by cell (diffNotebooks)", time(() => (diff = nb.diffNotebooks(nb.readPercent(script, { extension: ".ts" }), nb.parseIpynb(ipynbText))))],
];
const counts = diff.cells.reduce((n, c) => ({ ...n, [c.op]: (n[c.op] ?? 0) + 1 }), {});
console.log(`${cellsN} cells (${(script.length / 1024).toFixed(0)} KiB script); diff: ${JSON.stringify(counts)}; median of ${repeat}\n`);
console.log("| step | ms |\n|---|---|");
for (const [what, ms] of rows) console.log(`| ${what} | ${ms.toFixed(1)} |`);
