// Working with the session: %%capture, %load, %run, %history, %recall and %whos.
import * as fs from "fs";
import * as path from "path";
import type { MagicContext, MagicDefinition } from "./contract";
import { MagicUsageError } from "./parse";
import { IDENT } from "./locals";
import { describe, whosTable } from "./describe";
import { History, type HistoryEntry } from "../history";
import { rewriteRelativeImports } from "../project";
import { CapturedOutput } from "../../src/display/capture";
import { toDisplayOutput, isQuiet } from "../../src/display";
import { autoreloadSpec, captureSpec, historySpec, loadSpec, recallSpec, runSpec, whosSpec } from "./specs/session";

/** Where the compiled CapturedOutput lives, for the declared type of a %%capture variable. */
const CAPTURE_MODULE = path.join(__dirname, "..", "..", "src", "display", "capture");
const HANDOFF = "__modelbench_handoff__";

/** Declares a notebook variable holding `value`, typed as `type` for the cells after. */
async function defineVariable(ctx: MagicContext, name: string, value: unknown, type: string): Promise<void> {
  (globalThis as any)[HANDOFF] = value;
  try {
    await ctx.runCode(`const ${name}: ${type} = (globalThis as any).${HANDOFF};`);
  } finally {
    delete (globalThis as any)[HANDOFF];
  }
}

const capture: MagicDefinition = {
  spec: captureSpec,
  async run(ctx, args, body) {
    const [name] = args.positional;
    if (name !== undefined && !IDENT.test(name)) throw new MagicUsageError(`%%capture takes a variable name, got '${name}': %%capture out`);
    const which = { stdout: !args.options["no-stdout"], stderr: !args.options["no-stderr"], display: !args.options["no-display"] };
    let failed: unknown = null;
    const { items } = await ctx.capture(async () => {
      try {
        await ctx.runCode(body ?? "");
      } catch (e) {
        failed = e; // the error still shows, and what the cell printed before it is kept
      }
    }, which);
    // The cell's result is captured as its last output (with --no-display it is shown as usual).
    if (which.display) {
      const result = ctx.takeResult();
      if (result !== undefined && !isQuiet(result)) items.push({ kind: "result", ...toDisplayOutput(result) });
    }
    if (name !== undefined) await defineVariable(ctx, name, new CapturedOutput(items), `import(${JSON.stringify(CAPTURE_MODULE)}).CapturedOutput`);
    if (failed) throw failed;
  },
};

/** Lines of `text` named by a range such as "5-10", "3" or "1-4,8" (1-based, inclusive). */
export function selectLines(text: string, range: string): string {
  const lines = text.split("\n");
  const picked: string[] = [];
  for (const part of range.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d*))?$/.exec(part);
    if (!m) throw new MagicUsageError(`-r takes lines such as 5-10, 3 or 1-4,8; got '${part}'`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : m[2] === "" ? lines.length : Number(m[2]);
    if (from < 1 || to < from) throw new MagicUsageError(`-r: '${part}' is not a range of lines (they count from 1)`);
    picked.push(...lines.slice(from - 1, to));
  }
  return picked.join("\n");
}

function readFile(file: string, magic: string): string {
  const full = path.resolve(file);
  try {
    if (fs.statSync(full).isDirectory()) throw new MagicUsageError(`%${magic}: ${full} is a folder, not a file`);
    return fs.readFileSync(full, "utf8");
  } catch (e) {
    if (e instanceof MagicUsageError) throw e;
    throw new MagicUsageError(`%${magic}: no such file: ${full} (paths start at %pwd)`);
  }
}

const load: MagicDefinition = {
  spec: loadSpec,
  run(ctx, args) {
    const [file] = args.positional;
    let text = readFile(file, "load");
    if (args.options.range !== undefined) text = selectLines(text, String(args.options.range));
    ctx.setNextInput(`// %load ${args.options.range !== undefined ? `-r ${args.options.range} ` : ""}${file}\n${text.replace(/\n$/, "")}`, true);
  },
};

const RUNNABLE = [".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs"];

const runFile: MagicDefinition = {
  spec: runSpec,
  async run(ctx, args) {
    const [file, ...rest] = args.positional;
    if (!RUNNABLE.includes(path.extname(file))) throw new MagicUsageError(`%run runs TypeScript or JavaScript files (${RUNNABLE.join(", ")}), not '${file}'`);
    // A #! line stays a line (blank), so errors point at the file's own line numbers; its relative
    // imports are written from its own folder, and cells' from the notebook's.
    const text = readFile(file, "run").replace(/^#!.*/, "");
    const code = rewriteRelativeImports(text, path.dirname(path.resolve(file)), ctx.modules().cellDir).code;
    const argv = process.argv;
    process.argv = [argv[0], path.resolve(file), ...rest];
    try {
      await ctx.runCode(code);
    } finally {
      process.argv = argv;
    }
  },
};

/** The kernel's input history, read from the store where the protocol process keeps it. */
function historyMagics(): MagicDefinition[] {
  let opened: History | null = null;
  const history = (): History => {
    if (opened) return opened;
    const file = process.env[History.FILE_ENV];
    const session = Number(process.env[History.SESSION_ENV]);
    if (!file || !Number.isInteger(session)) throw new MagicUsageError("the input history is kept by the kernel, and this runtime was not started by one");
    return (opened = new History(file, session));
  };

  const show = (entries: HistoryEntry[], numbers: boolean, withSession: boolean, outputs: boolean): string =>
    entries
      .map(([session, line, entry]) => {
        const [source, output] = Array.isArray(entry) ? entry : [entry, null];
        const prefix = numbers ? `${withSession ? `${session}/` : ""}${line}: ` : "";
        const body = source.split("\n").join("\n" + " ".repeat(prefix.length));
        return prefix + body + (outputs && output != null ? `\n${" ".repeat(prefix.length)}-> ${output}` : "");
      })
      .join("\n");

  const rangeOf = (token: string): { session: number; start: number; stop: number } => {
    const m = /^(?:(~?\d+)\/)?(\d+)(?:-(\d+))?$/.exec(token);
    if (!m) throw new MagicUsageError(`%history takes ranges such as 4, 4-6 or 2/4-6 (session 2), got '${token}'`);
    const session = m[1] === undefined ? 0 : m[1].startsWith("~") ? -Number(m[1].slice(1)) : Number(m[1]);
    const start = Number(m[2]);
    const stop = m[3] === undefined ? start : Number(m[3]);
    if (stop < start) throw new MagicUsageError(`%history: ${token} ends before it starts`);
    return { session, start, stop: stop + 1 };
  };

  const historyMagic: MagicDefinition = {
    spec: historySpec,
    run(ctx, args) {
      const h = history();
      const numbers = !!args.options["line-numbers"];
      const outputs = !!args.options.output;
      const grep = args.options.grep as string | undefined;
      const limit = args.options.limit as number | undefined;
      let entries: HistoryEntry[];
      let acrossSessions = false;
      if (grep !== undefined) {
        entries = h.search(/[*?[]/.test(grep) ? grep : `*${grep}*`, limit, false, outputs);
        acrossSessions = true;
      } else if (limit !== undefined) {
        entries = h.tail(limit, outputs);
        acrossSessions = true;
      } else if (args.positional.length) {
        entries = args.positional.flatMap((t) => {
          const r = rangeOf(t);
          if (r.session !== 0) acrossSessions = true;
          return h.range(r.session, r.start, r.stop, outputs);
        });
      } else {
        entries = h.range(0, 1, undefined, outputs);
      }
      ctx.print(entries.length ? show(entries, numbers || acrossSessions, acrossSessions, outputs) : "(no history)");
    },
  };

  const recall: MagicDefinition = {
    spec: recallSpec,
    run(ctx, args) {
      const h = history();
      const what = args.positional.join(" ");
      const sourceOf = (e: HistoryEntry) => (Array.isArray(e[2]) ? e[2][0] : e[2]);
      let text: string | undefined;
      if (what === "") {
        const last = h.range(0, 1, undefined, true).reverse().find((e) => Array.isArray(e[2]) && e[2][1] != null);
        if (!last) throw new MagicUsageError("%recall: no cell has shown a result yet; %recall N takes input N");
        text = (last[2] as [string, string])[1];
      } else if (/^\d+(-\d+)?$/.test(what)) {
        const [from, to] = what.split("-").map(Number);
        const entries = h.range(0, from, (to ?? from) + 1, false);
        if (!entries.length) throw new MagicUsageError(`%recall: no input ${what} in this session; %history -n lists them`);
        text = entries.map(sourceOf).join("\n");
      } else {
        const found = h.search(`*${what}*`, undefined, false, false).reverse().find((e) => !/^\s*%recall\b/.test(sourceOf(e)));
        if (!found) throw new MagicUsageError(`%recall: no input contains '${what}'; %history -g ${what} searches too`);
        text = sourceOf(found);
      }
      ctx.setNextInput(text, false);
    },
  };
  return [historyMagic, recall];
}

const whos: MagicDefinition = {
  spec: whosSpec,
  run(ctx, args) {
    const locals = ctx.locals();
    const rows = Object.keys(locals)
      .sort()
      .map((name) => ({ name, ...describe(locals[name]) }))
      .filter((r) => args.positional.length === 0 || args.positional.some((t) => t === r.kind || t === r.type));
    ctx.print(rows.length ? whosTable(rows) : "Interactive namespace is empty.");
  },
};

const shownPath = (file: string) => {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith(".") ? rel : `./${rel}`;
};

const autoreload: MagicDefinition = {
  spec: autoreloadSpec,
  run(ctx, args) {
    const modules = ctx.modules();
    const [value] = args.positional;
    if (value !== undefined) {
      if (/^(on|1|2|true)$/i.test(value)) modules.autoreload = true;
      else if (/^(off|0|false)$/i.test(value)) modules.autoreload = false;
      else throw new MagicUsageError(`%autoreload takes on or off, got '${value}'`);
    }
    const loaded = modules.loaded().map(shownPath);
    const pending = modules.pending().map(shownPath);
    const lines = [
      `autoreload ${modules.autoreload ? "on: edited modules are reloaded before the next cell" : "off: the modules keep the code first loaded (types follow the files)"}`,
      loaded.length ? `loaded: ${loaded.join(", ")}` : "no project module imported yet",
    ];
    if (pending.length) lines.push(`edited since loaded: ${pending.join(", ")}${modules.autoreload ? "" : " (%autoreload on loads them)"}`);
    ctx.print(lines.join("\n"));
  },
};

export function sessionMagics(): MagicDefinition[] {
  return [capture, load, runFile, ...historyMagics(), whos, autoreload];
}
