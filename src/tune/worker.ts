// A worker process of optimizeInProcesses(): joins the study through the store and runs trials of
// the objective exported by a module (.js, or .ts compiled on load) until the study has its trials.
import { loadObjectiveModule } from "./objectiveModule";

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? "{}");
  process.env.MODELBENCH_STORE = cfg.store;
  // Required after MODELBENCH_STORE is set, so the tracker opens the study's store.
  const { createStudy } = require("./study") as typeof import("./study");
  const { objective } = loadObjectiveModule(cfg.module, cfg.exportName);
  const study = await createStudy(cfg.study);
  await study.optimize(objective, { trials: cfg.trials, timeout: cfg.timeout });
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
