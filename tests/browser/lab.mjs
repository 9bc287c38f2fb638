// A real JupyterLab for browser tests: started from the repo's .venv on 127.0.0.1 with a free
// port, a token, a throw-away notebook dir, store and Jupyter config (so no user state leaks in),
// and nothing that reaches the network; plus Debian's Chromium driven by playwright-core.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(ROOT, "extension", "package.json"));

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts JupyterLab and waits until it answers; `stop()` ends it (and its kernels) in any case.
 * `args` are added to the command line (e.g. to turn a server extension off); `storeUri` tracks
 * into another store than the throw-away SQLite one (a PostgreSQL database).
 */
export async function startLab({ args: extraArgs = [], storeUri = null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "modelbench-browser-"));
  const notebooks = join(dir, "notebooks");
  for (const d of [notebooks, join(dir, "config"), join(dir, "data"), join(dir, "runtime")]) mkdirSync(d, { recursive: true });
  // No "get notified about Jupyter news?" prompt: it would ask the network and cover the panel.
  const notification = join(dir, "settings", "@jupyterlab", "apputils-extension");
  mkdirSync(notification, { recursive: true });
  writeFileSync(join(notification, "notification.jupyterlab-settings"), JSON.stringify({ fetchNews: "false" }));
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const store = join(dir, "store.db");
  const jupyter = join(ROOT, ".venv", "bin", "jupyter");
  if (!existsSync(jupyter)) throw new Error(`no ${jupyter}: run the set-up first (node scripts/setup.mjs)`);
  const env = {
    ...process.env,
    MODELBENCH_STORE: storeUri ?? `sqlite://${store}`,
    JUPYTER_CONFIG_DIR: join(dir, "config"),
    JUPYTER_DATA_DIR: join(dir, "data"),
    JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
    JUPYTERLAB_SETTINGS_DIR: join(dir, "settings"),
    JUPYTERLAB_WORKSPACES_DIR: join(dir, "workspaces"),
  };
  const args = [
    "lab", "--no-browser", "--allow-root",
    "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${port}`, "--ServerApp.port_retries=0",
    `--IdentityProvider.token=${token}`, "--ServerApp.open_browser=False", `--ServerApp.root_dir=${notebooks}`,
    "--LabApp.news_url=None", "--LabApp.expose_app_in_browser=True", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ...extraArgs,
  ];
  const proc = spawn(jupyter, args, { env, cwd: notebooks, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stdout.on("data", (b) => (log += b));
  proc.stderr.on("data", (b) => (log += b));
  const exited = new Promise((r) => proc.once("exit", r));
  const base = `http://127.0.0.1:${port}`;
  const lab = {
    dir, notebooks, store, port, token, base, proc, env,
    get log() { return log; },
    url: (path) => `${base}${path}${path.includes("?") ? "&" : "?"}token=${token}`,
    api: (path, init = {}) => fetch(`${base}${path}`, { ...init, headers: { Authorization: `token ${token}`, "Content-Type": "application/json", ...init.headers } }),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      // The server's own shutdown also shuts its kernels down.
      await lab.api("/api/shutdown", { method: "POST" }).catch(() => {});
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        proc.kill("SIGTERM");
        if (!(await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]))) proc.kill("SIGKILL");
      }
    },
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`JupyterLab exited (${proc.exitCode}):\n${log}`);
    try {
      if ((await lab.api("/api/status")).ok) return lab;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await lab.stop();
  throw new Error(`JupyterLab did not answer within 90 s:\n${log}`);
}

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
  "--no-first-run", "--disable-component-update", "--disable-sync",
];

export async function launchChromium() {
  const { chromium } = require("playwright-core");
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium`);
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** The compiled tracking library, for a script that logs from another process. */
export function trackModule() {
  const own = join(ROOT, "dist", "src", "track", "index.js");
  if (existsSync(own)) return own;
  // A worktree without its own build: the library the installed kernel runs.
  const spec = JSON.parse(readFileSync(join(ROOT, ".venv", "share", "jupyter", "kernels", "modelbench", "kernel.json"), "utf8"));
  return join(dirname(dirname(spec.argv.find((a) => a.endsWith("main.js")))), "src", "track", "index.js");
}

/** A notebook on the modelbench kernel with the given code cells. */
export function notebook(cells) {
  return {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "modelbench", display_name: "TypeScript (modelbench)", language: "typescript" }, language_info: { name: "typescript" } },
    cells: cells.map((source, i) => ({ cell_type: "code", id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  };
}

/**
 * Writes a notebook of `cells` into the lab as `name` and opens it in a new page of `browser`;
 * resolves once its first cell is shown. Page errors are logged (they are JupyterLab's, mostly).
 */
export async function openNotebook(lab, browser, name, cells, pageOptions = {}) {
  const put = await lab.api(`/api/contents/${name}`, { method: "PUT", body: JSON.stringify({ type: "notebook", format: "json", content: notebook(cells) }) });
  if (!put.ok) throw new Error(`creating ${name}: HTTP ${put.status} ${await put.text()}`);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, ...pageOptions });
  page.on("pageerror", (e) => console.log(`page error: ${e.message}`));
  await page.goto(lab.url(`/lab/tree/${name}`));
  await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 60_000 });
  return page;
}

/** The Runs panel's row of the run named `name` (exact name). */
export function runRow(page, name) {
  return page.locator(".mb-run", { has: page.locator(".mb-run-name", { hasText: new RegExp(`^${name}$`) }) });
}

/**
 * Brings the (first) notebook's tab to the front: run detail, compare and the runs table open as
 * tabs over it, and a cell must be visible to be clicked.
 */
export async function showNotebook(page) {
  await page.evaluate(() => {
    const panel = document.querySelector(".jp-NotebookPanel");
    if (panel) window.jupyterapp.shell.activateById(panel.id);
  });
}
