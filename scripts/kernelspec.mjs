// Writes the modelbench kernelspec into .venv/share/jupyter/kernels/modelbench (so the venv's
// JupyterLab and jupyter_client find it) with absolute paths to this checkout's node and kernel.
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function installKernelspec(prefix = join(root, ".venv")) {
  const dir = join(prefix, "share", "jupyter", "kernels", "modelbench");
  mkdirSync(dir, { recursive: true });
  const spec = {
    argv: [process.execPath, join(root, "dist", "kernel", "main.js"), "--connection-file", "{connection_file}"],
    display_name: "TypeScript (modelbench)",
    language: "typescript",
    interrupt_mode: "message",
    env: { NODE_OPTIONS: "--max-old-space-size=8192" },
    metadata: { debugger: true, modelbench: { root } },
  };
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  for (const icon of ["logo-64x64.png", "logo-32x32.png", "logo-svg.svg"]) {
    const src = join(root, "kernel", "assets", icon);
    if (existsSync(src)) copyFileSync(src, join(dir, icon));
  }
  defaultKernel(prefix);
  return dir;
}

/** Sets `path` in a JSON file (created if absent), keeping what else it holds. */
function mergeJson(file, section, values) {
  mkdirSync(dirname(file), { recursive: true });
  let config = {};
  try {
    config = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    /* absent (or unreadable: written anew) */
  }
  config[section] = { ...config[section], ...values };
  writeFileSync(file, JSON.stringify(config, null, 2) + "\n");
}

/**
 * A new notebook in the project's JupyterLab (the one in .venv: `npm start`, or
 * `.venv/bin/jupyter lab` by hand; no other install) runs on modelbench, not Python 3: the server's
 * default kernel is modelbench, and JupyterLab starts the default kernel for a notebook that names
 * none instead of asking (its "Always start the preferred kernel" setting, which a user can turn
 * off in Settings). Notebooks that name a kernel keep theirs. jupyter_server_config.d/ would not
 * do for the first: only extensions are read there.
 */
function defaultKernel(prefix) {
  mergeJson(join(prefix, "etc", "jupyter", "jupyter_server_config.json"), "MappingKernelManager", { default_kernel_name: "modelbench" });
  mergeJson(join(prefix, "share", "jupyter", "lab", "settings", "overrides.json"), "@jupyterlab/notebook-extension:tracker", { autoStartDefaultKernel: true });
}
