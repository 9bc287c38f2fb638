#!/usr/bin/env node
// Builds the JupyterLab extension without network and installs it into the repo's virtual
// environment: tsc (src → lib), @jupyter/builder (lib → out/, a prebuilt labextension), then a copy
// of out/ into <venv>/share/jupyter/labextensions/<package name>/.
// Usage: node extension/build.mjs [--venv PATH] [--no-install]   (default venv: <repo>/.venv)
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const args = process.argv.slice(2);
const venvAt = args.indexOf("--venv");
const venv = resolve(venvAt >= 0 ? args[venvAt + 1] : join(repo, ".venv"));
const install = !args.includes("--no-install");
const pkg = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));

function run(what, cmd, cmdArgs) {
  console.log(`extension: ${what}`);
  execFileSync(cmd, cmdArgs, { cwd: here, stdio: "inherit" });
}

const bin = (p) => join(here, "node_modules", p);
if (!existsSync(bin("@jupyter/builder"))) {
  console.error("extension: its dependencies are missing; run `npm ci` in extension/ first");
  process.exit(1);
}

run("compiling TypeScript", process.execPath, [bin("typescript/bin/tsc"), "-p", "tsconfig.json"]);
const out = join(here, pkg.jupyterlab.outputDir);
rmSync(out, { recursive: true, force: true });
run("bundling the labextension", process.execPath, [
  bin("@jupyter/builder/lib/build-labextension.js"),
  "--core-package-file", bin("@jupyterlab/core-meta/core.package.json"),
  ".",
]);

if (install) {
  if (!existsSync(venv)) {
    console.error(`extension: no virtual environment at ${venv} (pass --venv PATH, or --no-install)`);
    process.exit(1);
  }
  const target = join(venv, "share", "jupyter", "labextensions", pkg.name);
  rmSync(target, { recursive: true, force: true });
  cpSync(out, target, { recursive: true });
  console.log(`extension: installed ${pkg.name} into ${target}`);
}
