// Writes the modelbench kernelspec into .venv/share/jupyter/kernels/modelbench (so the venv's
// JupyterLab and jupyter_client find it) with absolute paths to this checkout's node and kernel.
import { mkdirSync, writeFileSync, copyFileSync, existsSync } from "node:fs";
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
    metadata: { debugger: false, modelbench: { root } },
  };
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  for (const icon of ["logo-64x64.png", "logo-32x32.png", "logo-svg.svg"]) {
    const src = join(root, "kernel", "assets", icon);
    if (existsSync(src)) copyFileSync(src, join(dir, icon));
  }
  return dir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`kernelspec installed in ${installKernelspec(process.argv[2])}`);
}
