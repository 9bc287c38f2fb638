// The IPython habits: %lsmagic, %time, %timeit, %env, %who.
import type { MagicDefinition } from "./contract";
import { MagicUsageError } from "./parse";
import { lsmagicSpec, timeSpec, timeitSpec, envSpec, whoSpec, seedSpec } from "./specs/builtins";
import { summarize } from "./timing";
import { describe } from "./describe";
import { formatDuration } from "../../src/track/format";
import { globalSeed, setGlobalSeed } from "../../src/random";

const lsmagic: MagicDefinition = {
  spec: lsmagicSpec,
  run(ctx) {
    const defs = ctx.magics();
    const width = Math.max(...defs.map((d) => d.spec.name.length)) + 3;
    const show = (kind: "line" | "cell", prefix: string) =>
      defs.filter((d) => d.spec[kind]).map((d) => `  ${(prefix + d.spec.name).padEnd(width)} ${d.spec.summary}`);
    ctx.print(
      ["Line magics:", ...show("line", "%"), "", "Cell magics:", ...show("cell", "%%"), "", "`%name --help` shows the usage of each."].join("\n"),
    );
  },
};

const time: MagicDefinition = {
  spec: timeSpec,
  async run(ctx, args, body) {
    const code = body ?? args.rest;
    if (!code.trim()) throw new MagicUsageError("%time needs code to run: %time <statement>, or %%time on a cell");
    const t = await ctx.runCode(code);
    ctx.print(`Wall time: ${formatDuration(t.runMs)} (type-check and compile: ${formatDuration(t.compileMs)})`);
  },
};

const timeit: MagicDefinition = {
  spec: timeitSpec,
  async run(ctx, args, body) {
    const code = body ?? args.rest;
    if (!code.trim()) throw new MagicUsageError("%timeit needs code to time: %timeit <statement>; %timeit --help shows usage");
    const compiled = ctx.compile(code);
    const loop = async (n: number): Promise<number> => {
      const t0 = process.hrtime.bigint();
      await compiled.loop(n);
      ctx.checkInterrupt();
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    let number = args.options.number as number | undefined;
    if (number === undefined) {
      // Like IPython: grow the loop count until one repeat takes at least 0.2 s.
      number = 1;
      for (;;) {
        const t = await loop(number);
        if (t >= 0.2 || number >= 1e7) break;
        number *= 10;
      }
    }
    const repeat = args.options.repeat as number;
    const perLoop: number[] = [];
    for (let r = 0; r < repeat; r++) perLoop.push((await loop(number)) / number);
    const { mean, std } = summarize(perLoop);
    ctx.print(
      `${formatDuration(mean * 1000)} ± ${formatDuration(std * 1000)} per loop (mean ± std. dev. of ${repeat} run${repeat > 1 ? "s" : ""}, ${number.toLocaleString("en-US")} loop${number > 1 ? "s" : ""} each)`,
    );
  },
};

const env: MagicDefinition = {
  spec: envSpec,
  run(ctx, args) {
    const [first, second] = args.positional;
    if (first === undefined) {
      const keys = Object.keys(process.env).sort();
      ctx.print(keys.map((k) => `${k}=${process.env[k]}`).join("\n"));
      return;
    }
    const eq = first.indexOf("=");
    const name = eq >= 0 ? first.slice(0, eq) : first;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new MagicUsageError(`'${name}' is not a valid environment variable name`);
    }
    const value = eq >= 0 ? first.slice(eq + 1) : second;
    if (value === undefined) {
      if (!(name in process.env)) throw new MagicUsageError(`environment variable ${name} is not set; %env lists them`);
      ctx.print(process.env[name]!);
      return;
    }
    process.env[name] = value;
    ctx.print(`env: ${name}=${value}`);
  },
};

const who: MagicDefinition = {
  spec: whoSpec,
  run(ctx, args) {
    const locals = ctx.locals();
    const matches = (v: unknown) => {
      const d = describe(v);
      return args.positional.includes(d.kind) || args.positional.includes(d.type);
    };
    const names = Object.keys(locals)
      .filter((n) => args.positional.length === 0 || matches(locals[n]))
      .sort();
    ctx.print(names.length ? names.join("\t") : "Interactive namespace is empty.");
  },
};

const seed: MagicDefinition = {
  spec: seedSpec,
  run(ctx, args) {
    const [value] = args.positional;
    if (value === undefined) {
      const s = globalSeed();
      ctx.print(s === null ? "no seed: random sources draw fresh seeds" : `seed ${s}`);
      return;
    }
    if (value === "off") {
      setGlobalSeed(null);
      ctx.print("seed off: random sources draw fresh seeds");
      return;
    }
    if (!/^\d+$/.test(value) || Number(value) > 2 ** 32 - 1) throw new MagicUsageError(`%seed takes a whole number from 0 to 4294967295 (or off), got '${value}'`);
    setGlobalSeed(Number(value));
    ctx.print(`seed ${value}: helpers created from now on draw reproducible numbers`);
  },
};

export const builtinMagics: MagicDefinition[] = [lsmagic, time, timeit, env, who, seed];
