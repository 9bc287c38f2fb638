// `npm run bench`: runs the kernel benchmark (bench/kernel/bench.py) with the project's venv from the
// repository root, passing on any arguments, and exits with its code.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const python = join(root, ".venv", "bin", "python");
if (!existsSync(python)) {
  console.error(`bench: ${python} not found: run \`node scripts/setup.mjs\` first`);
  process.exit(1);
}
const r = spawnSync(python, [join("bench", "kernel", "bench.py"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
if (r.error) {
  console.error(`bench: could not start ${python}: ${r.error.message}`);
  process.exit(1);
}
// Killed by a signal: exit as a shell would (128 + its number).
process.exit(r.status ?? 128 + (constants.signals[r.signal] ?? 0));
