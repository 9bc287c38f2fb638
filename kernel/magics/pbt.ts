// %%sweep --scheduler pbt: population-based training over a round function defined in the cell
// (a thin wrapper over src/tune/pbt); the rest of %%sweep is in ./sweep.
import type { MagicContext } from "./contract";
import type { ParsedArgs } from "./parse";
import { MagicUsageError } from "./parse";
import * as tune from "../../src/tune";
import { display } from "../../src/display";
import { formatNumber } from "../../src/track/format";

/** Options of %%sweep that mean nothing to PBT: refused rather than silently ignored. */
const NOT_FOR_PBT = ["processes", "module", "warm-start", "timeout"];

export async function runPbt(ctx: MagicContext, args: ParsedArgs, body: string): Promise<void> {
  const o = args.options;
  const wrong = NOT_FOR_PBT.filter((k) => o[k] !== undefined);
  if (wrong.length) throw new MagicUsageError(`--scheduler pbt trains its population in this kernel, round by round: ${wrong.map((k) => `--${k}`).join(", ")} cannot be used with it`);
  await ctx.runCode(body);
  const round = ctx.takeResult();
  const space = ctx.locals().space;
  if (typeof round !== "function") {
    throw new MagicUsageError("with --scheduler pbt the cell must end with the round function, e.g. `async (p, { checkpoint, interval }) => ({ value, checkpoint })` (its last expression is not a function)");
  }
  if (!space || typeof space !== "object") throw new MagicUsageError("the cell must define the search space: `const space = { lr: logUniform(1e-4, 1e-1), … }`");
  const progress = display("population-based training: starting…");
  const rounds = (o.rounds as number | undefined) ?? 10;
  const result = await tune.populationBasedTraining(
    {
      name: o.name as string | undefined,
      space: space as Record<string, tune.Dist>,
      metric: o.metric as string,
      direction: o.direction as "min",
      seed: o.seed as number | undefined,
      population: o.population as number | undefined,
      rounds,
      interval: o.interval as number | undefined,
      quantile: o.quantile as number | undefined,
      resampleProbability: o.resample as number | undefined,
      workers: o.workers as number | undefined,
      onRound: (r, members) => {
        const alive = members.filter((m) => m.state !== "failed" && Number.isFinite(m.value));
        const values = alive.map((m) => m.value);
        const best = values.length ? (o.direction === "max" ? Math.max(...values) : Math.min(...values)) : NaN;
        progress.update(`population-based training: round ${r + 1}/${rounds} · ${alive.length} members · best ${o.metric} ${formatNumber(best)}`);
      },
    },
    round as tune.PbtRound,
  );
  ctx.display(result.lineageFigure());
  const trials = result.study.trials;
  if (trials.some((t) => t.intermediate.size > 0)) ctx.display(tune.intermediateFigure(result.study.metric, trials));
  ctx.setResult(result);
}
