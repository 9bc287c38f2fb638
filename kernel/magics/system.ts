// The shell from a notebook: !cmd and %sh, %%sh and %%bash, %npm, %pwd and %cd. Commands run in
// the kernel's working folder with its environment (%cd, %env); their output streams as it comes
// and an interrupt stops the whole command (its process group).
import { spawn } from "child_process";
import { StringDecoder } from "string_decoder";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { MagicContext, MagicDefinition } from "./contract";
import { MagicUsageError } from "./parse";
import { bashSpec, cdSpec, installSpec, npmSpec, pwdSpec, shSpec } from "./specs/system";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How long a command may take to end after an interrupt's SIGINT before it is killed. */
const KILL_AFTER_MS = 1000;

/** Runs `script` with `shell -c`, streaming its stdout and stderr to the cell's. */
export async function runShell(ctx: MagicContext, script: string, shell = "/bin/sh", cwd = process.cwd()): Promise<Exit> {
  const child = spawn(shell, ["-c", script], {
    cwd,
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so an interrupt stops a pipeline and what the script started, not just the shell.
    detached: true,
  });
  for (const name of ["stdout", "stderr"] as const) {
    const decoder = new StringDecoder("utf8");
    const out = name === "stdout" ? process.stdout : process.stderr;
    child[name]!.on("data", (d: Buffer) => {
      const text = decoder.write(d);
      if (text) out.write(text);
    });
    child[name]!.on("end", () => {
      const rest = decoder.end();
      if (rest) out.write(rest);
    });
  }
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once("error", (e) => reject(new MagicUsageError(`cannot start ${shell}: ${e.message}`)));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* already gone */
    }
  };
  try {
    return await ctx.race(exited);
  } catch (e) {
    signalGroup("SIGINT");
    const kill = setTimeout(() => signalGroup("SIGKILL"), KILL_AFTER_MS);
    await exited.catch(() => undefined);
    clearTimeout(kill);
    throw e;
  }
}

export function describeExit(exit: Exit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit status ${exit.code}`;
}

/** A failed command as the cell's error (IPython's %%bash raises CalledProcessError the same way). */
class CalledProcessError extends Error {
  constructor(what: string, exit: Exit) {
    super(`${what} ended with ${describeExit(exit)}`);
    this.name = "CalledProcessError";
  }
}

const sh: MagicDefinition = {
  spec: shSpec,
  async run(ctx, args, body) {
    const script = body ?? args.rest;
    if (!script.trim()) throw new MagicUsageError(body === undefined ? "!/%sh needs a command: !ls -la" : "%%sh needs a script in the cell below it");
    const exit = await runShell(ctx, script);
    if (exit.code === 0) return;
    // A line (`!cmd`) reports the status and the cell goes on, as in IPython; a script cell fails.
    if (body === undefined || args.options["no-raise-error"]) process.stderr.write(`[${describeExit(exit)}]\n`);
    else throw new CalledProcessError("the %%sh script", exit);
  },
};

const bash: MagicDefinition = {
  spec: bashSpec,
  async run(ctx, args, body) {
    if (!body?.trim()) throw new MagicUsageError("%%bash needs a script in the cell below it");
    const exit = await runShell(ctx, body, "bash");
    if (exit.code === 0) return;
    if (args.options["no-raise-error"]) process.stderr.write(`[${describeExit(exit)}]\n`);
    else throw new CalledProcessError("the %%bash script", exit);
  },
};

/** The folder of the nearest package.json at or above `dir`, or null. */
export function packageRoot(dir: string): string | null {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) return null;
  }
}

const NPM_COMMANDS: Record<string, "install" | "uninstall" | "list"> = {
  install: "install", i: "install", add: "install",
  uninstall: "uninstall", remove: "uninstall", rm: "uninstall", un: "uninstall",
  list: "list", ls: "list",
};

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** npm install, uninstall or list in the project of the kernel's folder, streamed and interruptible. */
async function runNpm(ctx: MagicContext, command: "install" | "uninstall" | "list", packages: string[], dev: boolean, given: string = command): Promise<void> {
  const root = packageRoot(process.cwd());
  if (!root) throw new MagicUsageError(`no package.json in ${process.cwd()} or above it: create the project's with !npm init -y, then %npm install`);
  if (command !== "list" && packages.length === 0) throw new MagicUsageError(`%npm ${given} needs the packages to ${command}: %npm ${given} simple-statistics`);
  const bad = packages.find((p) => p.startsWith("-"));
  if (bad) throw new MagicUsageError(`unknown option ${bad} for %npm; %npm --help shows usage`);
  const words =
    command === "list"
      ? ["ls", "--depth=0"]
      : [command, ...(command === "install" ? [dev ? "--save-dev" : "--save"] : []), "--no-audit", "--no-fund", ...packages];
  const exit = await runShell(ctx, ["npm", ...words].map(quote).join(" "), "/bin/sh", root);
  if (exit.code !== 0) throw new CalledProcessError(`npm ${words[0]}`, exit);
  // Node caches nothing about a package it could not find, and the type-checker reads
  // node_modules afresh for an import it has not resolved yet: the next cell sees the package.
  if (command !== "list") ctx.print(`${command === "install" ? "installed" : "uninstalled"} ${packages.join(", ")} in ${root}${command === "install" ? ": import it in the next cell" : ""}`);
}

const npm: MagicDefinition = {
  spec: npmSpec,
  async run(ctx, args) {
    const [given = "list", ...packages] = args.positional;
    const command = NPM_COMMANDS[given];
    if (!command) throw new MagicUsageError(`%npm knows install, uninstall and list, not '${given}'; for anything else run npm from a shell line: !npm ${given} …`);
    await runNpm(ctx, command, packages, !!args.options.dev, given);
  },
};

const install: MagicDefinition = {
  spec: installSpec,
  run: (ctx, args) => runNpm(ctx, "install", args.positional, !!args.options.dev),
};

const pwd: MagicDefinition = {
  spec: pwdSpec,
  run(ctx) {
    ctx.setResult(process.cwd());
  },
};

/** %cd, with the folder `%cd -` goes back to (this runtime's). */
function cdMagic(): MagicDefinition {
  let previousDir: string | null = null;
  return {
    spec: cdSpec,
    run(ctx, args) {
      const [given] = args.positional;
      let target: string;
      if (given === undefined) target = os.homedir();
      else if (given === "-") {
        if (previousDir === null) throw new MagicUsageError("%cd -: no previous folder yet");
        target = previousDir;
      } else target = path.resolve(given.replace(/^~(?=$|\/)/, os.homedir()));
      let stat: fs.Stats | null = null;
      try {
        stat = fs.statSync(target);
      } catch {
        /* reported below */
      }
      if (!stat) throw new MagicUsageError(`%cd: no such folder: ${target}`);
      if (!stat.isDirectory()) throw new MagicUsageError(`%cd: ${target} is a file, not a folder`);
      const from = process.cwd();
      process.chdir(target);
      previousDir = from;
      if (!args.options.quiet) ctx.print(process.cwd());
    },
  };
}

export function systemMagics(): MagicDefinition[] {
  return [sh, bash, npm, install, pwd, cdMagic()];
}
