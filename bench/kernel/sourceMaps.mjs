// What a source map costs a cell's compile (the runtime makes them only while a debugger is
// attached): one converter, as the runtime's, after 200 variable-defining cells, compiles the same
// cell with maps off and on by turns, so load on the machine hits both alike. Prints the medians.
// `node bench/kernel/sourceMaps.mjs [--rounds N]` after `npx tsc -p tsconfig.json`.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { createConverter } = createRequire(import.meta.url)(join(root, "dist", "kernel", "language.js"));
const at = process.argv.indexOf("--rounds");
const rounds = at > 0 ? Number(process.argv[at + 1]) : 600;

const maps = { cells: false };
const converter = createConverter(maps);
let decl = "";
for (let i = 0; i < 200; i++) decl = converter.convert(decl, `const v${i} = ${i};`).declOutput;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const load = loadavg()[0];
console.log(`| compile, history 200 (median of ${rounds} each) | maps off | maps on | on − off |`);
console.log("|---|---:|---:|---:|");
for (const [label, cell] of [["re-run `1 + 1`", () => "1 + 1"], ["new cell `k + 1`", (i) => `const k${i} = ${i};\nk${i} + 1`]]) {
  const times = { off: [], on: [] };
  for (let i = 0; i < 2 * rounds; i++) {
    maps.cells = i % 2 === 1;
    const t0 = performance.now();
    converter.convert(decl, cell(i));
    times[maps.cells ? "on" : "off"].push(performance.now() - t0);
  }
  const [off, on] = [median(times.off), median(times.on)];
  console.log(`| ${label} | ${off.toFixed(3)} ms | ${on.toFixed(3)} ms | ${(on - off).toFixed(3)} ms |`);
}
console.log(`\nload average ${load.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`);
converter.close();
