// %baseline: every baseline for a table's target, tracked, as a leaderboard (a thin
// wrapper over src/baselines' runBaselines, which works without Jupyter).
import type { MagicDefinition } from "./contract";
import { MagicUsageError } from "./parse";
import { baselineSpec } from "./specs/baseline";
import { KeywordRuleClassifier, runBaselines, type TableLike, type Task } from "../../src/baselines";
import { isTableLike } from "../../src/baselines/table";

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** A notebook variable by name, with an error that says how to define it. */
function variable(locals: Record<string, unknown>, name: string, flag: string, example: string): unknown {
  if (!IDENT.test(name)) throw new MagicUsageError(`${flag} takes the name of a variable, got '${name}': define it in a cell first, e.g. ${example}`);
  if (!(name in locals)) {
    const close = Object.keys(locals).filter((k) => k.toLowerCase() === name.toLowerCase());
    throw new MagicUsageError(`no variable '${name}' in this notebook${close.length ? ` (did you mean '${close[0]}'?)` : ""}: define it in a cell first, e.g. ${example}`);
  }
  return locals[name];
}

function table(locals: Record<string, unknown>, name: string, flag: string): TableLike {
  const value = variable(locals, name, flag, `const ${IDENT.test(name) ? name : "plots"} = aq.from(rows)`);
  if (!isTableLike(value)) {
    throw new MagicUsageError(`'${name}' is ${value === null ? "null" : typeof value}, not a table: ${flag} takes an arquero table, a danfojs DataFrame or an array of row objects`);
  }
  return value;
}

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
