#!/usr/bin/env node
// `modelbench` command line: keep notebooks and their paired percent scripts in sync, show
// cell-aware diffs, copy stores, run a sweep headless, re-execute a tracked run. A thin shell over src/ (built into dist/);
// exit codes: 0 done, 1 refused (conflict or a file that cannot be read; for sweep, a missed gate),
// 2 usage error.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = `usage: modelbench <command> [options]

commands:
  sync [--prefer ipynb|text] [paths...]
      Sync each notebook with its paired percent script (pairs from jupytext.toml, e.g.
      formats = "ipynb,ts:percent"). Inputs come from the side that changed since the last sync
      (else the newer file), outputs from the .ipynb; a missing side is created. When both sides
      changed, nothing is written and the differences are shown: edit one side, or pick one
      with --prefer. Without paths: every paired notebook under notebooks/.
  diff A B [--outputs] [--metadata]
      Cell-by-cell differences between two notebooks (.ipynb or percent .ts, in any mix).
  migrate --from sqlite:///path/store.db --to postgres://user@host:5432/database
      Copy a store into PostgreSQL: runs, params, every metric point, data hashes, artifacts,
      registered models and aliases, studies and trials. Runs already in the target are left
      as they are, so an interrupted copy can simply be run again.
  export --to mlflow+http://host:port [--from STORE-URI]
      Copy every run (params, metric histories, tags, artifacts) and the model registry (versions,
      aliases) to an MLflow tracking server, one experiment per project. --from defaults to the
      project's store (MODELBENCH_STORE, else .modelbench/store.db).
  label [--n 45] [--annotator NAME] [--file labels/brown-human.json] [--seed 0]
      Label held-out Brown passages yourself (the test split of notebooks/02-baselines), one at
      a time: your macro-F1 on them becomes the leaderboard's 'human' reference in the project's
      store. Every answer is saved as you give it; q stops, and running it again resumes.
  sweep --module objective.ts --trials N [--sampler tpe|random|grid|gp|cmaes…] [--pruner none|median|asha|hyperband]
        [--processes P] [--timeout SECONDS] [--direction min|max] [--metric NAME] [--seed S]
        [--fail-under VALUE | --fail-over VALUE] [--study NAME] [--resume] [--json out.json] [--store URI]
      A hyperparameter sweep without a notebook, for CI. The module (.js, or .ts compiled on load)
      exports objective(params, trial) and space (e.g. { lr: logUniform(1e-4, 1e-1) }). Prints the
      best trial, the trial counts and fANOVA importance, and writes them to --json. --fail-under
      (with --direction max) or --fail-over (with --direction min) fails the command when the best
      value misses the threshold. The study is kept in the store: --resume continues it (up to N
      trials in all); without --resume a --study name already used is refused.
  rerun RUN [--here] [--tolerance REL] [--store URI] [--json out.json]
      Re-execute a tracked run from its record as a new run tagged rerun_of:ID: the notebook cells
      that ran before it (replayed untracked), its seed, its git commit (in a temporary worktree when
      the tree moved on; --here uses the current tree), after checking its data files' hashes. Prints
      whether every metric came out identical (or within --tolerance, relative), else what differs:
      code, data, environment, seed, params, metric deltas. Exit 0 reproduced, 1 not reproduced or
      refused (unknown run, no recorded code, data changed or gone, commit not in the repository).
  help
      This text.

exit codes: 0 done, 1 refused (conflict or unreadable file; nothing was written) or, for sweep,
the gate missed or no trial completed, 2 usage error (for sweep also: a missing module, a module
without an objective or space export, a study that exists without --resume), 130 interrupted`;

class UsageError extends Error {}

function load(entry = join(root, "dist", "src", "notebook", "index.js")) {
  if (!existsSync(entry)) {
    process.stderr.write(`modelbench: ${relative(process.cwd(), entry)} is missing: build first with \`npx tsc -p tsconfig.json\`\n`);
    process.exit(2);
  }
  return createRequire(import.meta.url)(entry);
}

function parseArgs(args, flags) {
  const out = { positional: [], flags: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      out.positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith("--")) {
      out.positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s);
    if (!(name in flags)) throw new UsageError(`unknown option --${name}`);
    if (flags[name] === "boolean") out.flags[name] = true;
    else if (flags[name] === "string") {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      out.flags[name] = value;
    } else {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      if (!flags[name].includes(value)) throw new UsageError(`--${name} must be one of ${flags[name].join(", ")}, not '${value}'`);
      out.flags[name] = value;
    }
  }
  return out;
}

const show = (p) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
};

function sync(args) {
  const { positional, flags } = parseArgs(args, { prefer: ["ipynb", "text"] });
  const nb = load();
  let files = positional;
  if (!files.length) {
    const dir = join(findProjectRoot(process.cwd()), "notebooks");
    files = nb.findPairedNotebooks(dir);
    if (!files.length) {
      console.log(`no paired notebooks under ${show(dir)}: pass the notebooks to sync`);
      return 0;
    }
  }
  if (flags.prefer && files.length > 1 && !positional.length) throw new UsageError("--prefer applies to the notebooks you name: modelbench sync --prefer text notebooks/x.ipynb");
  let failed = 0;
  for (const file of files) {
    try {
      const r = nb.syncPair(file, { prefer: flags.prefer });
      const pair = `${show(r.paths.ipynb)} ⇄ ${show(r.paths.text)}`;
      const source = r.inputsFrom === "ipynb" ? show(r.paths.ipynb) : show(r.paths.text);
      const why = { created: "the other side was missing", "changed-since-sync": "changed since the last sync", newer: "newer", "in-sync": "same inputs", preferred: "--prefer" }[r.reason];
      if (!r.written.length) console.log(`${pair}: in sync`);
      else console.log(`${pair}: wrote ${r.written.map(show).join(", ")} (inputs from ${source}: ${why})`);
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    } catch (e) {
      if (!(e instanceof nb.ModelbenchError)) throw e;
      failed++;
      process.stderr.write(`modelbench sync: ${e.message}${e.message.endsWith("\n") ? "" : "\n"}`);
    }
  }
  return failed ? 1 : 0;
}

function findProjectRoot(from) {
  for (let d = resolve(from); ; d = dirname(d)) {
    if (["jupytext.toml", ".jupytext.toml", ".git", "package.json"].some((m) => existsSync(join(d, m)))) return d;
    if (dirname(d) === d) return resolve(from);
  }
}

function diff(args) {
  const { positional, flags } = parseArgs(args, { outputs: "boolean", metadata: "boolean" });
  if (positional.length !== 2) throw new UsageError("diff needs two notebooks: modelbench diff A B");
  const nb = load();
  try {
    const [a, b] = positional.map((p) => nb.readNotebookFile(p));
    process.stdout.write(nb.formatNotebookDiff(nb.diffNotebooks(a, b, { outputs: !!flags.outputs, metadata: !!flags.metadata }), positional));
    return 0;
  } catch (e) {
    if (!(e instanceof nb.ModelbenchError)) throw e;
    process.stderr.write(`modelbench diff: ${e.message}\n`);
    return 1;
  }
}

async function migrate(args) {
  const { positional, flags } = parseArgs(args, { from: "string", to: "string" });
  if (positional.length || !flags.from || !flags.to) throw new UsageError("migrate needs --from sqlite:///path/store.db --to postgres://user@host:5432/database");
  const m = load(join(root, "dist", "src", "store", "migrate.js"));
  const { TrackingError } = load(join(root, "dist", "src", "track", "errors.js"));
  try {
    const stats = await m.migrateStore(flags.from, flags.to, (line) => process.stderr.write(`\r${line}`));
    process.stderr.write("\n");
    console.log(m.describeMigration(stats));
    return 0;
  } catch (e) {
    if (!(e instanceof TrackingError)) throw e;
    process.stderr.write(`\nmodelbench migrate: ${e.message}\n`);
    return 1;
  }
}

async function exportRuns(args) {
  const { positional, flags } = parseArgs(args, { from: "string", to: "string" });
  if (positional.length || !flags.to) throw new UsageError("export needs --to mlflow+http://host:port (and optionally --from sqlite:///path/store.db)");
  const track = load(join(root, "dist", "src", "track", "index.js"));
  const { exportToMlflow } = load(join(root, "dist", "src", "store", "mlflow", "rest.js"));
  const { storeUri } = load(join(root, "dist", "src", "store", "location.js"));
  let store;
  try {
    store = track.openStore(flags.from ?? storeUri());
    const s = await exportToMlflow(store, flags.to, (line) => process.stderr.write(`\r${line}`));
    process.stderr.write("\n");
    console.log(`exported ${s.runs} runs (${s.points} points, ${s.artifacts} artifacts), ${s.modelVersions} model versions and ${s.aliases} aliases to ${flags.to}`);
    return 0;
  } catch (e) {
    if (!(e instanceof track.TrackingError)) throw e;
    process.stderr.write(`\nmodelbench export: ${e.message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

async function label(args) {
  const { positional, flags } = parseArgs(args, { n: "string", annotator: "string", file: "string", seed: "string" });
  if (positional.length) throw new UsageError(`label takes no paths (got ${positional.join(" ")})`);
  const whole = (name, fallback) => {
    if (flags[name] === undefined) return fallback;
    const v = Number(flags[name]);
    if (!Number.isInteger(v) || v < 0) throw new UsageError(`--${name} must be a whole number, not '${flags[name]}'`);
    return v;
  };
  const mb = load(join(root, "dist", "src", "index.js"));
  const { createInterface } = await import("node:readline");
  // The split of notebooks/02-baselines.ts: 200-word passages, six per text, a quarter of the texts held out.
  const passages = (await mb.loadBrown({ passageWords: 200 })).filter((d) => d.passage < 6);
  const { test } = mb.groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
  // Lines are queued as they come, so answers piped in ahead of the questions are not lost.
  const rl = createInterface({ input: process.stdin });
  const lines = [];
  let waiting = null;
  let ended = false;
  rl.on("line", (line) => (waiting ? (waiting(line), (waiting = null)) : lines.push(line)));
  rl.on("close", () => {
    ended = true;
    waiting?.("q"); // end of input: stop, keeping the answers
  });
  const ask = (prompt) => {
    process.stdout.write(prompt);
    if (lines.length) return Promise.resolve(lines.shift());
    if (ended) return Promise.resolve("q");
    return new Promise((resolve) => (waiting = resolve));
  };
  const file = flags.file ?? join(findProjectRoot(process.cwd()), "labels", "brown-human.json");
  try {
    const r = await mb.labelSample({
      texts: test.array("text"),
      labels: test.array("genre"),
      ask,
      file,
      n: whole("n", 45),
      seed: whole("seed", 0),
      annotator: flags.annotator ?? process.env.USER ?? "anonymous",
    });
    return r.answers.length ? 0 : 1;
  } catch (e) {
    if (!(e instanceof mb.ModelbenchError) && !(e instanceof mb.TrackingError)) throw e;
    process.stderr.write(`modelbench label: ${e.message}\n`);
    return 1;
  } finally {
    rl.close();
    await mb.store().close();
  }
}

async function sweep(args) {
  const { positional, flags } = parseArgs(args, {
    module: "string", trials: "string", sampler: "string", pruner: "string", processes: "string", timeout: "string",
    direction: ["min", "max", "minimize", "maximize"], metric: "string", seed: "string",
    "fail-under": "string", "fail-over": "string", study: "string", resume: "boolean", json: "string", store: "string",
  });
  if (positional.length) throw new UsageError(`sweep takes options only (got ${positional.join(" ")}): modelbench sweep --module objective.ts --trials 20`);
  if (!flags.module) throw new UsageError("sweep needs --module FILE: a .js or .ts module exporting objective(params, trial) and space");
  if (flags.trials === undefined) throw new UsageError("sweep needs --trials N: how many trials the study should have");
  const number = (name, { whole = false, min = -Infinity, above = false } = {}) => {
    if (flags[name] === undefined) return undefined;
    const v = Number(flags[name]);
    const ok = flags[name].trim() !== "" && Number.isFinite(v) && (!whole || Number.isInteger(v)) && (above ? v > min : v >= min);
    if (!ok) throw new UsageError(`--${name} must be ${whole ? "a whole number" : "a number"}${min > -Infinity ? ` ${above ? ">" : "≥"} ${min}` : ""}, not '${flags[name]}'`);
    return v;
  };
  const options = {
    module: flags.module, trials: number("trials", { whole: true, min: 1 }), sampler: flags.sampler, pruner: flags.pruner,
    processes: number("processes", { whole: true, min: 1 }), timeout: number("timeout", { min: 0, above: true }),
    direction: flags.direction, metric: flags.metric, seed: number("seed", { whole: true, min: 0 }),
    failUnder: number("fail-under"), failOver: number("fail-over"), study: flags.study, resume: !!flags.resume, store: flags.store,
    onTrialEnd: (line) => process.stderr.write(`${line}\n`),
  };
  const headless = load(join(root, "dist", "src", "tune", "headless.js"));
  const { fireInterrupt, Interrupted } = load(join(root, "dist", "src", "runtime", "interrupt.js"));
  const track = load(join(root, "dist", "src", "track", "index.js"));
  const onSigint = () => fireInterrupt();
  process.on("SIGINT", onSigint);
  try {
    const report = await headless.headlessSweep(options);
    console.log(headless.formatSweepReport(report));
    if (flags.json) {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
    }
    return report.passed ? 0 : 1;
  } catch (e) {
    if (e instanceof headless.SweepUsageError) throw new UsageError(e.message);
    if (e instanceof Interrupted) {
      process.stderr.write(`modelbench sweep: ${e.message}; run it again with --study NAME --resume to continue\n`);
      return 130;
    }
    if (!(e instanceof track.TrackingError) && !(e?.name === "StudyError")) throw e;
    process.stderr.write(`modelbench sweep: ${e.message}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSigint);
    await track.store().close().catch(() => {});
  }
}

async function rerun(args) {
  const { positional, flags } = parseArgs(args, { here: "boolean", tolerance: "string", store: "string", json: "string" });
  if (positional.length !== 1) throw new UsageError("rerun takes one run (an id, id prefix or name): modelbench rerun tfidf-nb");
  const tolerance = flags.tolerance === undefined ? 0 : Number(flags.tolerance);
  if (!(tolerance >= 0)) throw new UsageError(`--tolerance must be a number ≥ 0, not '${flags.tolerance}'`);
  const track = load(join(root, "dist", "src", "track", "index.js"));
  const { runtimeExecutor } = load(join(root, "dist", "kernel", "rerun.js"));
  if (flags.store) track.useStore(flags.store);
  try {
    const report = await track.rerun(positional[0], { executor: runtimeExecutor((text) => process.stderr.write(text)), here: !!flags.here, tolerance });
    console.log(track.formatRerunReport(report));
    if (flags.json) {
      const { writeFileSync } = await import("node:fs");
      const { original, rerun: again, ...rest } = report;
      writeFileSync(flags.json, `${JSON.stringify({ original: original.id, rerun: again.id, ...rest }, null, 2)}\n`);
    }
    return report.reproduced ? 0 : 1;
  } catch (e) {
    if (!(e instanceof track.TrackingError)) throw e;
    process.stderr.write(`modelbench rerun: ${e.message}\n`);
    return 1;
  } finally {
    await track.store().close().catch(() => {});
  }
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  try {
    if (command === "sync") return sync(rest);
    if (command === "diff") return diff(rest);
    if (command === "migrate") return await migrate(rest);
    if (command === "export") return await exportRuns(rest);
    if (command === "label") return await label(rest);
    if (command === "sweep") return await sweep(rest);
    if (command === "rerun") return await rerun(rest);
    throw new UsageError(`unknown command '${command}'`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`modelbench: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
