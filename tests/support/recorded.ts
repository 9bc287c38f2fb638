// Runs some code inside a fresh tracked run and reads back what the run recorded: for tests of what
// fit(), train() and their callbacks log without being asked (autolog, LogGradients, …).
import * as track from "../../src/track";
import type { Store } from "../../src/track";

/** `fn` inside a new run of `store` (the tracker's current store); its detail (system samples left out) and a metric's points as [step, value]. */
export async function recorded(store: Store, fn: () => unknown, name = "recorded") {
  const run = await track.startRun({ name });
  try {
    await fn();
  } finally {
    await run.end();
  }
  const detail = await store.getRun(run.id);
  // The run's own system samples (cpu, memory) are not the code's.
  for (const key of Object.keys(detail.metrics)) if (key.startsWith("system/")) delete detail.metrics[key];
  const history = async (key: string) => (await store.metricHistory(run.id, key)).map((p) => [p.step, p.value]);
  return { run, detail, history };
}
