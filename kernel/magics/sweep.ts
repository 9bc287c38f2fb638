// %%sweep: a hyperparameter search over an objective defined in the cell (a thin wrapper over src/tune).
import type { MagicDefinition } from "./contract";
import { MagicUsageError } from "./parse";
import { sweepSpec } from "./specs/sweep";
import { runPbt } from "./pbt";
import * as tune from "../../src/tune";
import { display } from "../../src/display";
import { formatNumber } from "../../src/track/format";

const sweepMagic: MagicDefinition = {
  spec: sweepSpec,
  async run(ctx, args, body) {
    if (!body?.trim()) throw new MagicUsageError("%%sweep needs a cell that defines `const space = { … }` and ends with the objective function");
    const o = args.options;
    if (o.scheduler !== undefined && o.scheduler !== "pbt") throw new MagicUsageError(`unknown --scheduler '${o.scheduler}': the only scheduler is pbt (population-based training)`);
    if (o.scheduler === "pbt") return runPbt(ctx, args, body);
    if (o.processes !== undefined && !o.module) {
      throw new MagicUsageError("--processes needs --module FILE: worker processes cannot see this notebook's variables, so the objective must live in a module");
    }
    await ctx.runCode(body);
    const objective = o.module ? undefined : ctx.takeResult();
    ctx.takeResult();
    const space = ctx.locals().space;
    if (!o.module && typeof objective !== "function") {
      throw new MagicUsageError("the cell must end with the objective, e.g. `async (p, trial) => score` (its last expression is not a function)");
    }
    if (!space || typeof space !== "object") throw new MagicUsageError("the cell must define the search space: `const space = { lr: logUniform(1e-4, 1e-1), … }`");
    const objectives = objectivesOf(o);
    const sampler = (o.sampler as string | undefined) ?? tune.defaultSamplerFor(tune.toSpace(space as Record<string, tune.Dist>), o.trials as number, objectives.directions?.length ?? 1);
    const study = await tune.createStudy({
      name: o.name as string | undefined,
      space: space as Record<string, tune.Dist>,
      sampler,
      pruner: o.pruner as string,
      ...objectives,
      seed: o.seed as number | undefined,
      warmStart: o["warm-start"] as string | undefined,
    });
    const total = o.trials as number;
    const progress = display(`sweep ${study.name}: starting…`);
    const summary = o.module
      ? await tune.optimizeInProcesses(study, o.module as string, { trials: total, processes: (o.processes as number) ?? 1 })
      : await study.optimize(objective as tune.Objective, {
      trials: total,
      workers: o.workers as number,
      timeout: o.timeout as number | undefined,
      onTrialEnd: (t, s) => {
        const done = s.trials.filter((x) => !x.warm && x.state !== "running").length;
        if (s.isMultiObjective) {
          const last = t.values ? ` ${t.values.map((v) => formatNumber(v)).join(" / ")}` : "";
          progress.update(`sweep ${s.name}: ${done}/${total} trials · last #${t.number} ${t.state}${last} · Pareto front ${s.bestTrials.length} trials`);
          return;
        }
        const best = s.bestTrial;
        progress.update(
          `sweep ${s.name}: ${done}/${total} trials · last #${t.number} ${t.state}${t.value !== null ? ` ${formatNumber(t.value)}` : ""}` +
            (best ? ` · best #${best.number} ${s.metric} = ${formatNumber(best.value)}` : ""),
        );
      },
    });
    const trials = study.trials.filter((t) => !t.warm);
    if (study.isMultiObjective) {
      ctx.display(tune.paretoFigure(study.metrics, study.directions, trials));
      ctx.setResult(summary);
      return;
    }
    ctx.display(tune.historyFigure(study.direction, study.metric, trials));
    if (trials.filter((t) => t.state === "complete").length >= 3) {
      ctx.display(tune.parallelCoordinatesFigure(study.space, study.metric, trials));
      ctx.display(tune.importanceFigure(study.space, trials));
      ctx.display(tune.sliceFigure(study.space, study.metric, trials));
    }
    if (trials.some((t) => t.intermediate.size > 0)) ctx.display(tune.intermediateFigure(study.metric, trials));
    ctx.setResult(summary);
  },
};

/** --direction for one objective, or --directions with one --metric name each (comma lists). */
function objectivesOf(o: Record<string, unknown>): { direction?: "min" | "max"; metric?: string; directions?: Array<"min" | "max">; metrics?: string[] } {
  if (o.directions === undefined) return { direction: o.direction as "min", metric: o.metric as string };
  const list = (v: string) => v.split(",").map((s) => s.trim()).filter(Boolean);
  const directions = list(String(o.directions));
  if (o.direction !== "min") throw new MagicUsageError("give --direction (one objective) or --directions (several), not both");
  if (directions.length < 2) throw new MagicUsageError(`--directions takes two or more, e.g. --directions max,min; for one objective use --direction ${directions[0] ?? "min"}`);
  const metrics = o.metric === "value" ? undefined : list(String(o.metric));
  if (metrics && metrics.length !== directions.length) {
    throw new MagicUsageError(`--directions has ${directions.length} objectives (${directions.join(",")}) but --metric names ${metrics.length} (${metrics.join(",")}): name one metric per direction, e.g. --metric f1_macro,latency_ms`);
  }
  return { directions: directions as Array<"min" | "max">, metrics };
}

export const sweepMagics: MagicDefinition[] = [sweepMagic];
