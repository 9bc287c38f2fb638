// `npm start`: JupyterLab from .venv on notebooks/, with the modelbench kernel, on 127.0.0.1.
// Extra arguments go to JupyterLab: `npm start -- --no-browser --port 8899`.
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = ["lab", `--notebook-dir=${join(root, "notebooks")}`, "--ServerApp.ip=127.0.0.1", ...process.argv.slice(2)];
if (process.getuid?.() === 0) args.push("--allow-root");
console.log(`[start] JupyterLab on notebooks/ — pick the "TypeScript (modelbench)" kernel; runs are tracked in .modelbench/store.db`);
console.log(`[start] the URL to open (with its token) is printed below; Ctrl-C stops JupyterLab`);
const lab = spawn(join(root, ".venv", "bin", "jupyter"), args, { cwd: root, stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => lab.kill(sig));
lab.on("exit", (code) => process.exit(code ?? 0));
