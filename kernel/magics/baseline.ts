// %baseline: every baseline for a table's target, tracked, as a leaderboard (a thin
// wrapper over src/baselines' runBaselines, which works without Jupyter).
import type { MagicDefinition } from "./contract";
import { MagicUsageError } from "./parse";
import { baselineSpec } from "./specs/baseline";
import { KeywordRuleClassifier, runBaselines, type TableLike, type Task } from "../../src/baselines";
import { IDENT, tableVariable as table, variable } from "./locals";

const baselineMagic: MagicDefinition = {
  spec: baselineSpec,
  async run(ctx, args) {
    const o = args.options;
    const [name, ...extra] = args.positional;
    if (!name) throw new MagicUsageError("%baseline needs the table: %baseline plots --target genre (%baseline --help shows usage)");
    if (extra.length) throw new MagicUsageError(`%baseline takes one table, got also ${extra.map((e) => `'${e}'`).join(", ")}: other settings go in --flags`);
    if (!o.target) throw new MagicUsageError(`%baseline needs --target, the column to predict: %baseline ${name} --target genre`);
    if (o.test !== undefined && o.split !== undefined) throw new MagicUsageError("give --test TABLE or --split FRACTION, not both");
    if (o.rules !== undefined && !o.text) throw new MagicUsageError("--rules needs --text COL: the keyword rules read a text column");
    if (o.task !== undefined && !["classification", "multilabel", "regression"].includes(o.task as string)) {
      throw new MagicUsageError(`--task is classification, multilabel or regression, not '${o.task}'`);
    }
    const locals = ctx.locals();
    const data = table(locals, name, "TABLE");
    const test = o.test !== undefined ? table(locals, o.test as string, "--test") : undefined;
    let rules: string | KeywordRuleClassifier | readonly { then: string | number }[] | undefined;
    if (o.rules !== undefined) {
      const raw = o.rules as string;
      const value = IDENT.test(raw) ? variable(locals, raw, "--rules", `const ${raw} = [{ when: ["space", "ship"], then: "science_fiction" }]`) : raw.includes("->") ? raw : undefined;
      if (value === undefined) throw new MagicUsageError(`--rules takes a variable name or rule text such as '"love" -> romance', got '${raw}'`);
      if (!(typeof value === "string" || Array.isArray(value) || value instanceof KeywordRuleClassifier)) {
        throw new MagicUsageError(`'${raw}' is ${typeof value}: --rules takes a rule table ([{ when: [...], then: label }]), rule text, or a KeywordRuleClassifier`);
      }
      rules = value as typeof rules;
    }
    const report = await runBaselines(data, {
      target: o.target as string,
      text: o.text as string | undefined,
      rules: rules as never,
      metric: o.metric as string | undefined,
      test,
      split: o.split as number | undefined,
      seed: o.seed as number | undefined,
      task: o.task as Task | undefined,
      features: o.features as string[] | undefined,
      tags: o.tags as string[] | undefined,
    });
    ctx.setResult(report);
    if (report.leaderboard.rows.length > 1) ctx.display(report.leaderboard.figure());
  },
};

export const baselineMagics: MagicDefinition[] = [baselineMagic];
