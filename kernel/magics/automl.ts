// %automl: a thin wrapper over src/automl's automl(), which works without Jupyter.
import type { MagicDefinition } from "./contract";
import { MagicUsageError } from "./parse";
import { automlSpec } from "./specs/automl";
import { tableVariable as table } from "./locals";
import { globalSeed } from "../../src/random";

/** "90", "90s", "1.5m", "2h" → seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(text.trim());
  if (!m) throw new MagicUsageError(`--time takes a duration such as 30s, 2m or 90, got '${text}'`);
  const unit = m[2] ?? "s";
  const seconds = Number(m[1]) * (unit === "ms" ? 0.001 : unit === "s" ? 1 : unit === "h" ? 3600 : 60);
  if (!(seconds > 0)) throw new MagicUsageError(`--time must be more than 0, got '${text}'`);
  return seconds;
}

const automlMagic: MagicDefinition = {
  spec: automlSpec,
  async run(ctx, args) {
    const o = args.options;
    const [name, ...extra] = args.positional;
    if (!name) throw new MagicUsageError("%automl needs the table: %automl passages --target genre (%automl --help shows usage)");
    if (extra.length) throw new MagicUsageError(`%automl takes one table, got also ${extra.map((e) => `'${e}'`).join(", ")}: other settings go in --flags`);
    if (!o.target) throw new MagicUsageError(`%automl needs --target, the column to predict: %automl ${name} --target genre`);
    const locals = ctx.locals();
    const data = table(locals, name, "TABLE");
    const test = o.test !== undefined ? table(locals, o.test as string, "--test") : undefined;
    const { automl } = await import("../../src/automl");
    const result = await automl(data, {
      target: o.target as string,
      timeBudget: o.time !== undefined ? parseDuration(String(o.time)) : undefined,
      maxTrials: o["max-trials"] as number | undefined,
      metric: o.metric as string | undefined,
      families: o.families as string[] | undefined,
      groups: o.groups as string | undefined,
      text: o.text as string | undefined,
      cv: o.cv as number | undefined,
      ignore: o.ignore as string[] | undefined,
      test,
      register: o.register as string | undefined,
      name: o.name as string | undefined,
      seed: (o.seed as number | undefined) ?? globalSeed() ?? 0,
    });
    ctx.setResult(result);
  },
};

export const automlMagics: MagicDefinition[] = [automlMagic];
