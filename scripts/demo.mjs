// `npm run demo`: the worked example without a browser. Executes notebooks/01-… in order on the
// modelbench kernel (nbclient from .venv) against the default store, then prints the leaderboard.
// Executed copies (with outputs) go to .modelbench/demo/; the committed notebooks stay as they are.
import { spawnSync } from "node:child_process";
import { readdirSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const notebooks = readdirSync(join(root, "notebooks")).filter((f) => /^\d\d-.*\.ipynb$/.test(f) && !f.startsWith("00-")).sort();
const outDir = join(root, ".modelbench", "demo");
mkdirSync(outDir, { recursive: true });

const runner = `
import os, sys, time, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
src, out = sys.argv[1], sys.argv[2]
nb = nbformat.read(src, as_version=4)
os.environ["JPY_SESSION_NAME"] = src  # runs record which notebook made them
t = time.time()
try:
    NotebookClient(nb, kernel_name="modelbench", timeout=900, resources={"metadata": {"path": os.path.dirname(src)}}).execute()
except CellExecutionError as e:
    nbformat.write(nb, out)
    print(str(e)[:2000], file=sys.stderr)
    sys.exit(1)
nbformat.write(nb, out)
print(f"  done in {time.time() - t:.0f} s")
`;

const started = Date.now();
for (const name of notebooks) {
  console.log(`[demo] ${name}`);
  const r = spawnSync(join(root, ".venv", "bin", "python"), ["-c", runner, join(root, "notebooks", name), join(outDir, name)], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`[demo] ${name} failed (its executed copy with the error is in ${join(outDir, name)}); fix it and run \`npm run demo\` again`);
    process.exit(1);
  }
}

const mb = createRequire(import.meta.url)(join(root, "dist", "src", "index.js"));
const board = await mb.leaderboard({ metric: "macro_f1", where: "tags contains baseline or tags contains model" });
const kind = (r) => (r.kind === "model" ? (r.name.startsWith("tuned") ? "tuned" : "model") : r.kind);
console.log(`\n[demo] ${notebooks.length} notebooks in ${Math.round((Date.now() - started) / 1000)} s; runs in ${mb.storeUri()}; executed copies in ${outDir}\n`);
console.log(board[mb.MIME]()["text/plain"]);
console.log("");
for (const k of ["baseline", "model", "tuned"]) {
  const best = board.rows.find((r) => kind(r) === k && Number.isFinite(r.metrics.macro_f1));
  console.log(`best ${k.padEnd(8)} ${best ? `${best.name.padEnd(24)} macro_f1 ${best.metrics.macro_f1.toFixed(4)}` : "none"}`);
}
await mb.store().close?.();
