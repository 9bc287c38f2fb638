// `npm run bench [kernel|track|tune|pbt|models|data|baselines|sidebar|notebook|transformers|automl ...]`: every benchmark under bench/ (or the ones named),
// each printing its comparison table against the peer it names, measured in the same run.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installLock } from "./locks.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const benches = {
  kernel: [join(root, ".venv", "bin", "python"), ["bench/kernel/bench.py"]],
  track: [process.execPath, ["bench/track/bench.mjs"]],
  tune: [process.execPath, ["bench/tune/bench.mjs"]],
  pbt: [process.execPath, ["bench/tune/pbt.mjs"]],
  models: [process.execPath, ["bench/models/bench.mjs"]],
  data: [process.execPath, ["bench/data/bench.mjs"]],
  baselines: [process.execPath, ["bench/baselines/bench.mjs"]],
  sidebar: [process.execPath, ["bench/sidebar/bench.mjs"]],
  "sidebar-table": [process.execPath, ["bench/sidebar/table.mjs"]],
  notebook: [process.execPath, ["bench/notebook/diffview.mjs"]],
  transformers: [process.execPath, ["bench/transformers/bench.mjs"]],
  automl: [process.execPath, ["bench/automl/bench.mjs"]],
};
// Names pick benchmarks; flags after them (`npm run bench kernel -- --baseline ../main`) go to each one picked.
const wanted = process.argv.slice(2).filter((a, i, all) => !a.startsWith("-") && !all.slice(0, i).some((b) => b.startsWith("-")));
const passOn = process.argv.slice(2 + wanted.length);
const unknown = wanted.filter((w) => !(w in benches));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(", ")}: choose from ${Object.keys(benches).join(", ")}`);
  process.exit(2);
}
// The peers (scikit-learn, Optuna) go into .venv from requirements-dev.lock (requirements.lock's
// versions plus the peers), once per change of it.
const installed = installLock(root, join(root, ".venv", "bin", "python"), "requirements-dev.lock", {
  stampName: ".modelbench-requirements-dev",
  before: () => console.log("[bench] installing the benchmark peers into .venv (requirements-dev.lock)"),
});
if (installed.error) console.error(`[bench] ${installed.error}: the benchmarks that need scikit-learn or Optuna will say so`);

let failed = 0;
for (const [name, [cmd, args]] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  if (!existsSync(join(root, args[0]))) continue;
  console.log(`\n## bench/${name}\n`);
  const r = spawnSync(cmd, [...args, ...passOn], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${name} failed (exit ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
