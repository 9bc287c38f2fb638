// A store of many finished runs, written at once in one SQLite transaction (as bench/track does):
// what a team's project looks like after a few sweeps, for the runs table's test and its bench.
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { trackModule } from "./lab.mjs";

const require = createRequire(import.meta.url);

function mulberry32(seed) {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x6d2b79f5) | 0;
    let y = Math.imul(x ^ (x >>> 15), 1 | x);
    y = (y + Math.imul(y ^ (y >>> 7), 61 | y)) ^ y;
    return ((y ^ (y >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes `n` runs (`sweep-0` … oldest first) with 3 metrics of 10 points and 4 params into `uri`. */
export async function writeManyRuns(uri, n) {
  const t = require(trackModule());
  const st = await t.useStore(uri);
  const rand = mulberry32(7);
  const base = Date.now() - n * 60_000;
  const steps = Array.from({ length: 10 }, (_, i) => i);
  const git = { commit: "0123456789abcdef0123456789abcdef01234567", branch: "main", dirty: false, diff: null };
  const host = hostname();
  st.db.transaction(() => {
    for (let r = 0; r < n; r++) {
      const id = randomUUID();
      const startedAt = base + r * 60_000;
      const f1 = 0.3 + 0.6 * rand();
      const ts = steps.map((s) => startedAt + s * 1000);
      st.createRun({ id, name: `sweep-${r}`, project: "many", parentId: null, tags: ["sweep"], notes: null, startedAt, pid: process.pid, host, seed: r, source: "", notebook: null, notebookPath: null, git, env: {} });
      st.writeBatchSync({
        runId: id,
        series: [
          { key: "f1", steps, values: steps.map((s) => f1 * (1 - Math.exp(-(s + 1) / 3))), ts },
          { key: "loss", steps, values: steps.map((s) => (1 - f1) / (s + 1)), ts },
          { key: "accuracy", steps: [9], values: [Math.min(0.99, f1 + 0.05)], ts: [ts[9]] },
        ],
        params: [["C", 10 ** (rand() * 6 - 3)], ["penalty", rand() < 0.5 ? "l1" : "l2"], ["max_iter", [100, 200, 500][r % 3]], ["solver", "saga"]],
      });
      st.endRun(id, "finished", startedAt + 5_000 + Math.floor(rand() * 55_000), null);
    }
  })();
  await st.close();
}
