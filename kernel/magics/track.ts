// The tracking magics: thin wrappers over src/track, which works without Jupyter.
import type { MagicContext, MagicDefinition } from "./contract";
import { MagicUsageError } from "./parse";
import { trackSpec, logSpec, paramSpec, runsSpec, compareSpec, rerunSpec, registrySpec, storeSpec, gcSpec } from "./specs/track";
import { runtimeExecutor } from "../rerun";
import type { ParsedArgs } from "./parse";
import * as track from "../../src/track";
import { Figure } from "../../src/track";
import { RunLink } from "../../src/track/views";
import { formatDuration, formatNumber } from "../../src/track/format";
import { toDisplayOutput } from "../../src/display";
import { ENCODERS } from "../../src/track/media";

async function startFromArgs(args: ParsedArgs, source: string | undefined): Promise<track.Run> {
  return track.startRun({
    name: args.positional[0],
    tags: (args.options.tags as string[] | undefined) ?? [],
    project: args.options.project as string | undefined,
    notes: args.options.notes as string | undefined,
    parent: args.options.parent as string | undefined,
    goals: goalsOf(args),
    source,
  });
}

function summaryLine(run: track.Run, d: track.RunDetail): string {
  const metrics = Object.values(d.metrics).filter((m) => !m.key.startsWith("system/")).slice(0, 6)
    .map((m) => `${m.key}=${formatNumber(m.last)}`).join(", ");
  return `run ${run.name} (${run.id.slice(0, 8)}) ${d.status} in ${formatDuration(d.durationMs)}${metrics ? ` — ${metrics}` : ""}`;
}


function goalsOf(args: ParsedArgs): Record<string, "min" | "max"> | undefined {
  const list = args.options.goal as string[] | undefined;
  if (!list) return undefined;
  const goals: Record<string, "min" | "max"> = {};
  for (const item of list) {
    const [k, g] = item.split("=");
    if (!k || (g !== "min" && g !== "max")) throw new MagicUsageError(`--goal takes metric=min or metric=max, got '${item}'`);
    goals[k] = g;
  }
  return goals;
}

/**
 * `%track`: a cell magic, or a run that spans the cells run until `%track end`. That run is state of
 * the runtime, so each registry (one per runtime, see defaultMagics) has its own.
 */
function trackMagic(): MagicDefinition {
  let span: track.Run | null = null;
  return {
    spec: trackSpec,
    async run(ctx, args, body) {
      if (body !== undefined) return trackCell(ctx, args, body);
      if (args.positional[0] === "end") {
        if (!span) throw new MagicUsageError("no %track span is running: start one with %track [name]");
        const status = args.options.status as string;
        if (!["finished", "failed", "killed"].includes(status)) throw new MagicUsageError(`--status is finished, failed or killed, not '${status}'`);
        const run = span;
        span = null;
        await recordModules(ctx, run);
        await run.end(status as "finished");
        ctx.display(new RunLink(run, summaryLine(run, await run.store.getRun(run.id))));
        return;
      }
      if (span) throw new MagicUsageError(`run ${span.name} (${span.id.slice(0, 8)}) is still tracking: end it with %track end first`);
      span = await startFromArgs(args, "");
      ctx.print(`tracking run ${span.name} (${span.id.slice(0, 8)}): the cells you run until %track end are recorded`);
    },
    async afterCell(code, error) {
      if (!span || /^\s*%track\b/m.test(code)) return;
      await span.store.appendSource(span.id, error ? `${code}\n// ^ this cell failed: ${error.ename}: ${error.evalue}` : code);
    },
  };
}

/** Adds the project modules the cells imported (path, hash, text) to a run's code. */
async function recordModules(ctx: MagicContext, run: track.Run): Promise<void> {
  const section = ctx.modules().section();
  if (section) await run.store.appendSource(run.id, section.replace(/^\n+/, ""));
}

async function trackCell(ctx: MagicContext, args: ParsedArgs, body: string): Promise<void> {
  const run = await startFromArgs(args, body);
  try {
    await ctx.runCode(body);
  } catch (e) {
    const err = ctx.describeError(e);
    await recordModules(ctx, run);
    await run.end(err.ename === "KeyboardInterrupt" ? "killed" : "failed", `${err.ename}: ${err.evalue}`);
    throw e;
  }
  await recordModules(ctx, run);
  await run.end("finished");
  // A link to the run in JupyterLab (the extension renders it); plain text elsewhere.
  ctx.display(new RunLink(run, summaryLine(run, await run.store.getRun(run.id))));
}

/** `k=v` pairs; values parse as JSON where they can (numbers, true, [1,2]) and stay strings otherwise. */
function pairs(tokens: string[], magic: string): Array<[string, string]> {
  if (!tokens.length) throw new MagicUsageError(`%${magic} needs key=value pairs, e.g. %${magic} lr=0.01 epochs=10`);
  return tokens.map((t) => {
    const eq = t.indexOf("=");
    if (eq <= 0) throw new MagicUsageError(`'${t}' is not key=value; %${magic} --help shows usage`);
    return [t.slice(0, eq), t.slice(eq + 1)];
  });
}

function numberOf(raw: string, key: string): number {
  const special: Record<string, number> = { nan: NaN, inf: Infinity, infinity: Infinity, "-inf": -Infinity, "-infinity": -Infinity, true: 1, false: 0 };
  const s = special[raw.toLowerCase()];
  if (s !== undefined) return s;
  const n = Number(raw);
  if (raw.trim() === "" || Number.isNaN(n)) throw new MagicUsageError(`metric '${key}' must be a number, got '${raw}': use %param for settings`);
  return n;
}

const MEDIA_OPTIONS = ["figure", "table", "image", "text"] as const;

/** `name=variable` or `variable` (logged under its own name), each variable looked up among the cells' variables. */
function mediaItems(ctx: MagicContext, option: string, items: string[]): Array<[string, unknown]> {
  const locals = ctx.locals();
  return items.map((item) => {
    const eq = item.lastIndexOf("=");
    const name = eq > 0 ? item.slice(0, eq) : item;
    const variable = eq > 0 ? item.slice(eq + 1) : item;
    if (!/^[A-Za-z_$][\w$]*$/.test(variable)) throw new MagicUsageError(`--${option} takes name=variable, e.g. --${option} eval/confusion=cm; '${variable}' is not a variable name`);
    if (!(variable in locals)) throw new MagicUsageError(`--${option} ${item}: no variable '${variable}' (define it in a cell first; %who lists them)`);
    return [name, locals[variable]];
  });
}

const logMagic: MagicDefinition = {
  spec: logSpec,
  async run(ctx, args) {
    const step = args.options.step !== undefined ? { step: args.options.step as number } : {};
    const media = MEDIA_OPTIONS.flatMap((o) => ((args.options[o] as string[] | undefined) ?? []).length ? [o] : []);
    if (!args.positional.length && !media.length) {
      throw new MagicUsageError("%log needs key=value pairs or --figure/--table/--image/--text name=variable, e.g. %log f1=0.6 or %log --figure cm=cmFig");
    }
    // Everything is checked before anything is logged: a bad argument logs nothing.
    const metrics: Record<string, number> = {};
    if (args.positional.length) for (const [k, v] of pairs(args.positional, "log")) metrics[k] = numberOf(v, k);
    const planned = media.flatMap((o) => mediaItems(ctx, o, args.options[o] as string[]).map(([name, value]) => ({ kind: o, name, value })));
    for (const p of planned) {
      if (p.kind === "text" && typeof p.value !== "string") p.value = String(toDisplayOutput(p.value).data["text/plain"] ?? "");
      ENCODERS[p.kind](p.name, p.value);
    }
    const run = track.activeRun();
    if (!run && planned.length) throw new MagicUsageError("no active run to log to: start one with %%track NAME (a cell) or %track NAME (until %track end)");
    const writes: Array<Promise<unknown>> = [];
    const logged: string[] = [];
    for (const { kind, name, value } of planned) {
      if (kind === "figure") writes.push(run!.logFigure(name, value, step));
      else if (kind === "table") writes.push(run!.logTable(name, value, step));
      else if (kind === "image") writes.push(run!.logImage(name, value as Buffer, step));
      else writes.push(run!.logText(name, value as string, step));
      logged.push(`${kind} ${name}`);
    }
    if (Object.keys(metrics).length) track.log(metrics, step);
    await Promise.all(writes);
    if (logged.length) ctx.print(`logged ${logged.join(", ")} to run ${run!.name}`);
  },
};

const paramMagic: MagicDefinition = {
  spec: paramSpec,
  run(_ctx, args) {
    const params: Record<string, unknown> = {};
    for (const [k, v] of pairs(args.positional, "param")) {
      try {
        params[k] = JSON.parse(v);
      } catch {
        params[k] = v;
      }
    }
    track.param(params);
  },
};

const LIST_FLAGS = /\s--(sort|limit|project|tags|status)(?:=|\s+)("[^"]*"|'[^']*'|\S+)|\s--(all|archived)\b/g;

const runsMagic: MagicDefinition = {
  spec: runsSpec,
  async run(ctx, args) {
    // Flags may also follow the filter: take them out of the tail.
    const opts = { ...args.options };
    const filter = (" " + args.rest).replace(LIST_FLAGS, (_m, name, value, flag) => {
      if (flag) opts[flag] = true;
      else {
        const v = value.replace(/^["']|["']$/g, "");
        if (name === "limit") {
          if (!/^\d+$/.test(v) || Number(v) < 1) throw new MagicUsageError(`--limit wants a whole number ≥ 1, got '${v}'`);
          opts.limit = Number(v);
        } else opts[name] = name === "tags" || name === "status" ? v.split(",").filter(Boolean) : v;
      }
      return " ";
    }).trim();
    const status = opts.status as string[] | undefined;
    const bad = status?.filter((s) => !track.RUN_STATUSES.includes(s as track.RunStatus));
    if (bad?.length) throw new MagicUsageError(`unknown status ${bad.join(", ")}: use ${track.RUN_STATUSES.join(", ")}`);
    ctx.setResult(
      await track.listRuns({
        where: filter,
        sort: opts.sort as string | undefined,
        limit: opts.all ? undefined : (opts.limit as number),
        project: opts.project as string | undefined,
        tags: opts.tags as string[] | undefined,
        status: status as track.RunStatus[] | undefined,
        ...(opts.archived ? { archived: true } : {}),
      }),
    );
  },
};

const compareMagic: MagicDefinition = {
  spec: compareSpec,
  async run(ctx, args) {
    const cmp = await track.compareRuns(args.positional);
    ctx.display(cmp);
    const bars = cmp.barsFigure();
    if (bars.data.length) ctx.display(new Figure(bars, `<metrics across ${cmp.runs.length} runs: ${bars.data.length} bar chart(s)>`));
    const fig = cmp.figure();
    if (fig.data.length) ctx.display(new Figure(fig));
  },
};

/** `%rerun RUN`: the run re-executed in a fresh runtime; its printed output streams, then the report. */
const rerunMagic: MagicDefinition = {
  spec: rerunSpec,
  async run(ctx, args) {
    const ref = args.positional[0];
    if (!ref || args.positional.length > 1) throw new MagicUsageError("%rerun takes one run (an id, id prefix or name), e.g. %rerun tfidf-nb");
    if (track.activeRun()) throw new MagicUsageError(`%rerun starts a run of its own: end the active run '${track.activeRun()!.name}' first (%track end)`);
    const report = await track.rerun(ref, {
      executor: runtimeExecutor((text) => ctx.print(text.replace(/\n$/, ""))),
      here: args.options.here === true,
      tolerance: args.options.tolerance as number,
    });
    ctx.print(track.formatRerunReport(report));
    ctx.display(new RunLink(report.rerun, `run ${report.rerun.name} (${report.rerun.id.slice(0, 8)}): rerun of ${report.original.id.slice(0, 8)}`));
  },
};

const registryMagic: MagicDefinition = {
  spec: registrySpec,
  async run(ctx, args) {
    const [cmd, ...rest] = args.positional;
    const st = track.store();
    const need = (n: number, what: string) => {
      if (rest.length !== n) throw new MagicUsageError(`%registry ${cmd} needs ${what}; %registry --help shows usage`);
    };
    switch (cmd ?? "list") {
      case "list": {
        const versions = await st.modelVersions(rest[0]);
        ctx.print(versions.length
          ? versions.map((v) => `${v.name}/${v.version}${v.aliases.length ? ` @${v.aliases.join(" @")}` : ""}  run ${v.runId.slice(0, 8)}  ${v.artifact}  ${new Date(v.createdAt).toISOString().slice(0, 16)}${v.description ? `  ${v.description}` : ""}`).join("\n")
          : "No registered models: %registry register NAME --run RUN");
        return;
      }
      case "register": {
        need(1, "NAME --run RUN");
        if (!args.options.run) throw new MagicUsageError("%registry register needs --run RUN (the run that made the model)");
        const v = await st.registerModel(rest[0], args.options.run as string, args.options.artifact as string, (args.options.description as string) ?? null);
        ctx.print(`registered ${v.name}/${v.version} from run ${v.runId.slice(0, 8)} (artifact ${v.artifact}); load it with loadModel("${v.name}/${v.version}")`);
        return;
      }
      case "alias": {
        need(3, "NAME ALIAS VERSION");
        const version = Number(rest[2]);
        if (!Number.isInteger(version) || version < 1) throw new MagicUsageError(`VERSION is a whole number ≥ 1, got '${rest[2]}'`);
        await st.setAlias(rest[0], rest[1], version);
        ctx.print(`${rest[0]}@${rest[1]} → version ${version}`);
        return;
      }
      case "unalias":
        need(2, "NAME ALIAS");
        await st.removeAlias(rest[0], rest[1]);
        ctx.print(`removed ${rest[0]}@${rest[1]}`);
        return;
      case "show": {
        need(1, "NAME, NAME/VERSION or NAME@ALIAS");
        const v = await st.resolveModel(rest[0]);
        const run = await st.getRun(v.runId);
        ctx.print([
          `${v.name}/${v.version}${v.aliases.length ? ` @${v.aliases.join(" @")}` : ""} — artifact ${v.artifact} (${v.hash.slice(0, 12)})`,
          `made by run ${run.name} (${run.id}) ${run.status}, ${new Date(run.startedAt).toISOString()}`,
          `code: git ${run.gitCommit ?? "—"}${run.gitDirty ? " + uncommitted changes" : ""}; ${run.source ? `${run.source.split("\n").length} lines of cell code` : "no code recorded"}`,
          `data: ${run.data.length ? run.data.map((d) => `${d.path} (${d.hash.slice(0, 12)})`).join(", ") : "no data files recorded"}`,
          `params: ${JSON.stringify(run.params)}`,
        ].join("\n"));
        return;
      }
      default:
        throw new MagicUsageError(`unknown %registry command '${cmd}': use list, register, alias, unalias or show`);
    }
  },
};

const storeMagic: MagicDefinition = {
  spec: storeSpec,
  async run(ctx, args) {
    if (args.positional[0]) await track.useStore(args.positional[0]);
    ctx.print(`store: ${track.store().uri}`);
  },
};

const gcMagic: MagicDefinition = {
  spec: gcSpec,
  async run(ctx) {
    const r: { removed: string[]; bytes: number; note?: string } = await track.store().gcArtifacts();
    if (r.note) return ctx.print(r.note);
    ctx.print(r.removed.length ? `removed ${r.removed.length} unreferenced artifact file(s), ${(r.bytes / 1024).toFixed(1)} KB` : "nothing to remove");
  },
};

/** The tracking magics of one runtime (the %track span is its own). */
export function trackingMagics(): MagicDefinition[] {
  return [trackMagic(), logMagic, paramMagic, runsMagic, compareMagic, rerunMagic, registryMagic, storeMagic, gcMagic];
}
