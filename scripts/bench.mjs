// `npm run bench [kernel|track|tune|models ...]`: every benchmark under bench/ (or the ones named),
// each printing its comparison table against the peer it names, measured in the same run.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const benches = {
  kernel: [join(root, ".venv", "bin", "python"), ["bench/kernel/bench.py"]],
  track: [process.execPath, ["bench/track/bench.mjs"]],
  tune: [process.execPath, ["bench/tune/bench.mjs"]],
  models: [process.execPath, ["bench/models/bench.mjs"]],
};
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in benches));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(", ")}: choose from ${Object.keys(benches).join(", ")}`);
  process.exit(2);
}
let failed = 0;
for (const [name, [cmd, args]] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  if (!existsSync(join(root, args[0]))) continue;
  console.log(`\n## bench/${name}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${name} failed (exit ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
