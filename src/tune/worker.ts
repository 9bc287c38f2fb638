// A worker process of optimizeInProcesses(): joins the study through the store and runs trials of
// the objective exported by a module until the study has its trials.
import * as path from "path";

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? "{}");
  process.env.MODELBENCH_STORE = cfg.store;
  // Required after MODELBENCH_STORE is set, so the tracker opens the study's store.
  const { createStudy } = require("./study") as typeof import("./study");
  const mod = require(path.resolve(cfg.module));
  const objective = mod[cfg.exportName ?? "objective"] ?? mod.default ?? (typeof mod === "function" ? mod : undefined);
  if (typeof objective !== "function") {
    throw new Error(`${cfg.module} exports no objective function (export ${cfg.exportName ?? "objective"})`);
  }
  const study = await createStudy(cfg.study);
  await study.optimize(objective, { trials: cfg.trials });
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
