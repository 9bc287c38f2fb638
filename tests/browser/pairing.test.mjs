// Paired notebooks in a real JupyterLab and Chromium, in a notebook folder that is a git repository:
// the diff view for its three sources (editor ⇄ script, script ⇄ HEAD, run ⇄ run) opened from the
// notebook toolbar, the file browser's and the Runs panel's context menus; the Sync command with a
// conflict that writes nothing; bad input shown as errors; and the save hook with jupytext's server
// extension off (we keep the script in step) and on (jupytext does; we write nothing).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ROOT, launchChromium, runRow, startLab, trackModule } from "./lab.mjs";

const require = createRequire(import.meta.url);
const ARTIFACTS = join(ROOT, "tests", "browser", "artifacts");
// The README's picture is rewritten only when asked (MODELBENCH_UPDATE_DOCS=1), so a test run leaves the tree clean.
const SCREENSHOT = process.env.MODELBENCH_UPDATE_DOCS ? join(ROOT, "docs", "diffview.png") : join(ARTIFACTS, "diffview.png");
// jupytext's server extension is "jupyterlab_jupytext" (.venv/etc/jupyter/jupyter_server_config.d/jupytext.json)
const JUPYTEXT_OFF = ["--ServerApp.jpserver_extensions=jupyterlab_jupytext=False"];

const notebookLib = () => require(join(ROOT, "dist", "src", "notebook", "index.js"));

function ipynb(cells) {
  return JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "modelbench", display_name: "TypeScript (modelbench)", language: "typescript" }, language_info: { name: "typescript" } },
    cells: cells.map(([type, source], i) => ({ cell_type: type, id: `c${i}`, metadata: {}, source, ...(type === "code" ? { execution_count: null, outputs: [] } : {}) })),
  }, null, 1) + "\n";
}

const CELLS = [
  ["markdown", "# Trending now\n\nMovie genres from **plot text**."],
  ["code", "const passages = 100;"],
  ["code", "const model = 'logistic';\nconsole.log(model);"],
  ["markdown", "## Results"],
  ["code", "console.log(passages * 2);"],
];

function git(cwd, ...args) {
  execFileSync("git", args, { cwd, stdio: "pipe", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
}

/** A notebook folder that is a git repo, paired by jupytext.toml, with synced and committed pairs. */
function prepare(dir, names) {
  writeFileSync(join(dir, "jupytext.toml"), 'formats = "ipynb,ts:percent"\n');
  writeFileSync(join(dir, ".gitignore"), ".modelbench/\n.ipynb_checkpoints/\n");
  for (const name of names) {
    writeFileSync(join(dir, `${name}.ipynb`), ipynb(CELLS));
    notebookLib().syncPair(join(dir, `${name}.ipynb`));
  }
  git(dir, "init", "-q");
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "paired notebooks");
}

async function openLab(extraArgs, names) {
  const lab = await startLab({ args: extraArgs });
  prepare(lab.notebooks, names);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  page.on("pageerror", (e) => console.log(`page error: ${e.message}`));
  await page.goto(lab.url("/lab"));
  await page.waitForFunction(() => window.jupyterapp?.commands.hasCommand("modelbench:sync-paired"), null, { timeout: 90_000 });
  await page.evaluate(() => window.jupyterapp.restored); // every plugin (the file browser's too) is up
  return { lab, browser, page };
}

async function openNotebook(page, path) {
  await page.evaluate(async (p) => {
    const widget = await window.jupyterapp.commands.execute("docmanager:open", { path: p });
    await widget.context.ready; // the model holds every cell from here on
  }, path);
  await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").first().waitFor({ timeout: 60_000 });
}

/** Sets a cell's source in the open notebook's model, as typing would. */
async function editCell(page, path, index, source) {
  await page.evaluate(([p, i, s]) => {
    const panel = window.jupyterapp.shell.widgets("main").find((w) => w.context?.path === p);
    panel.content.model.cells.get(i).sharedModel.setSource(s);
  }, [path, index, source]);
}

async function saveNotebook(page, path) {
  await page.evaluate(async (p) => {
    const panel = window.jupyterapp.shell.widgets("main").find((w) => w.context?.path === p);
    await panel.context.save();
  }, path);
}

const activeDiff = (page) => page.locator(".mb-diff-widget:not(.lm-mod-hidden) .mb-diffview");

async function waitForDiff(page) {
  const view = activeDiff(page);
  await view.waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => {
    const v = document.querySelector(".mb-diff-widget:not(.lm-mod-hidden) .mb-diffview");
    return v && (v.querySelector(".mb-dv-error") || /cells/.test(v.querySelector(".mb-dv-status")?.textContent ?? ""));
  }, null, { timeout: 90_000 });
  return view;
}

async function closeDiffs(page) {
  await page.evaluate(() => window.jupyterapp.shell.widgets("main").filter((w) => w.hasClass("mb-diff-widget")).forEach((w) => w.close()));
}

async function fileMenu(page, name, label) {
  await page.evaluate(() => window.jupyterapp.commands.execute("filebrowser:activate"));
  const item = page.locator(`.jp-DirListing-item[title*="${name}"]`).first();
  await item.waitFor({ timeout: 30_000 });
  await item.click();
  await item.click({ button: "right" });
  await page.locator(".lm-Menu-item", { hasText: label }).first().click();
}

/** WCAG contrast of an element's text against what shows behind it (translucent layers composited). */
function contrastOf(el) {
  const ctx = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const layers = [];
  for (let n = el; n; n = n.parentElement) layers.push(rgba(getComputedStyle(n).backgroundColor));
  let bg = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) bg = [r * a + bg[0] * (1 - a), g * a + bg[1] * (1 - a), b * a + bg[2] * (1 - a)];
  const fg = rgba(getComputedStyle(el).color);
  const text = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
  const lum = (c) => c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [hi, lo] = [lum(text), lum(bg)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe("paired notebooks in JupyterLab, jupytext's server extension off", { timeout: 300_000 }, () => {
  let lab, browser, page, dir;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    ({ lab, browser, page } = await openLab(JUPYTEXT_OFF, ["drift", "head", "conflict", "hook", "bad", "malformed"]));
    dir = lab.notebooks;
  });

  after(async () => {
    if (page && !page.isClosed()) await page.screenshot({ path: join(ARTIFACTS, "pairing-last.png") }).catch(() => {});
    await browser?.close().catch(() => {});
    await lab?.stop();
  });

  test("the server really runs without jupytext's contents manager", async () => {
    const r = await lab.api("/api/contents/drift.ts?type=notebook&content=1");
    assert.equal(r.status, 400, "a plain server refuses a script as a notebook");
  });

  test("drift: the notebook in the editor against its script on disk, from the notebook toolbar", async () => {
    await openNotebook(page, "drift.ipynb");
    await editCell(page, "drift.ipynb", 2, "const model = 'tfidf + logistic';\nconsole.log(model);");
    await editCell(page, "drift.ipynb", 0, "# Trending now\n\nMovie genres from *plot summaries*.");
    await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .mb-toolbar-diff").click();
    const view = await waitForDiff(page);
    assert.match(await view.locator(".mb-dv-labels").textContent(), /drift\.ts \(disk\).*drift\.ipynb \(editor, unsaved\)/);
    assert.match(await view.locator(".mb-dv-status").textContent(), /^2 changed, 0 added, 0 removed, 3 unchanged cells/);
    const code = view.locator('.mb-dv-cell[data-cell-type="code"]');
    assert.equal(await code.count(), 1);
    assert.equal((await code.locator(".mb-dv-left.mb-dv-del").allTextContents()).join("\n"), "const model = 'logistic';", "the script's line on the left");
    assert.equal((await code.locator(".mb-dv-right.mb-dv-ins").allTextContents()).join("\n"), "const model = 'tfidf + logistic';", "the editor's line on the right");
    // markdown rendered by default (an <em> and a <strong>), raw on request
    const md = view.locator('.mb-dv-cell[data-cell-type="markdown"]');
    await md.locator(".mb-dv-md-b em").waitFor({ timeout: 10_000 });
    assert.equal(await md.locator(".mb-dv-md-a strong").textContent(), "plot text");
    // unchanged cells folded: cell 2 alone, then cells 4-5
    const folds = view.locator(".mb-dv-fold");
    assert.deepEqual(await folds.allTextContents(), ["▸ 1 unchanged cell", "▸ 2 unchanged cells"]);
    await page.screenshot({ path: SCREENSHOT });

    await view.locator(".mb-dv-toggle", { hasText: "Raw" }).click();
    assert.equal(await md.locator(".mb-dv-md-a").count(), 0);
    assert.match(await md.locator(".mb-dv-sbs").textContent(), /plot summaries/);
    await view.locator(".mb-dv-toggle", { hasText: "Inline" }).click();
    assert.equal(await view.locator(".mb-dv-sbs").count(), 0);
    assert.deepEqual(await code.locator(".mb-dv-inline tr.mb-dv-ins .mb-dv-text").allTextContents(), ["const model = 'tfidf + logistic';"]);
    // keyboard: Enter on a fold opens it; n moves to the next changed cell
    await folds.nth(1).focus();
    await page.keyboard.press("Enter");
    assert.equal(await folds.nth(1).getAttribute("aria-expanded"), "true");
    assert.match(await view.locator(".mb-dv-unchanged").nth(1).textContent(), /passages \* 2/);
    await view.locator(".mb-dv-cell").first().focus();
    await page.keyboard.press("n");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.cellType), "code");
    // outputs and metadata hidden until asked for
    assert.equal(await view.locator(".mb-dv-part-label").count(), 0);
    await view.locator(".mb-dv-toggle", { hasText: "Metadata" }).click();
    assert.equal(await view.locator(".mb-dv-toggle", { hasText: "Metadata" }).getAttribute("aria-pressed"), "true");
    // theme-aware: changed lines stay readable in the dark theme as in the light one
    for (const [theme, light] of [["JupyterLab Dark", "false"], ["JupyterLab Light", "true"]]) {
      await page.evaluate((t) => window.jupyterapp.commands.execute("apputils:change-theme", { theme: t }), theme);
      await page.waitForFunction((l) => document.body.dataset.jpThemeLight === l, light, { timeout: 30_000 });
      await sleep(300);
      const contrast = await code.locator("tr.mb-dv-ins .mb-dv-text").first().evaluate(contrastOf);
      assert.ok(contrast >= 4.5, `${theme}: added line contrast ${contrast.toFixed(2)} ≥ 4.5`);
    }
    await closeDiffs(page);
  });

  test("script vs git HEAD through the kernel, from the file browser's context menu", async () => {
    const file = join(dir, "head.ts");
    const text = readFileSync(file, "utf8").replace("const passages = 100;", "const passages = 250;") + "\n// %%\nconsole.log('added after the commit');\n";
    writeFileSync(file, text);
    await fileMenu(page, "head.ts", "Diff Paired Script vs Git HEAD");
    const view = await waitForDiff(page);
    assert.match(await view.locator(".mb-dv-labels").textContent(), /head\.ts @ HEAD [0-9a-f]{8}.*head\.ts \(working tree\)/);
    assert.match(await view.locator(".mb-dv-status").textContent(), /^1 changed, 1 added, 0 removed, 4 unchanged cells/);
    assert.match(await view.locator('.mb-dv-cell[data-op="changed"] .mb-dv-left').allTextContents().then((t) => t.join("\n")), /passages = 100/);
    assert.match(await view.locator('.mb-dv-cell[data-op="added"]').textContent(), /added after the commit/);
    await closeDiffs(page);
  });

  test("code of two runs from the tracking store, from the Runs panel's context menu", async () => {
    const script = `
      process.env.MODELBENCH_STORE = ${JSON.stringify(`sqlite://${lab.store}`)};
      const t = require(${JSON.stringify(trackModule())});
      (async () => {
        for (const [name, lr] of [["run-a", 0.1], ["run-b", 0.01]]) {
          const run = await t.startRun({ name, source: "const data = load();\\nconst lr = " + lr + ";\\nfit(data, { lr });" });
          t.log({ loss: lr });
          await run.end();
        }
      })();`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: lab.env });
    assert.equal(r.status, 0, r.stderr);
    await page.evaluate(() => window.jupyterapp.commands.execute("modelbench:show-runs"));
    const row = (name) => runRow(page, name);
    await row("run-b").waitFor({ timeout: 90_000 });
    await row("run-a").locator("input[type=checkbox]").check();
    await row("run-b").locator("input[type=checkbox]").check();
    await page.locator("#modelbench-runs").click({ button: "right", position: { x: 40, y: 10 } });
    await page.locator(".lm-Menu-item", { hasText: "Diff Code of Selected Runs" }).click();
    const view = await waitForDiff(page);
    assert.match(await view.locator(".mb-dv-labels").textContent(), /run-(a|b) \([0-9a-f]{8}\).*run-(a|b)/);
    const changed = view.locator('.mb-dv-cell[data-op="changed"]');
    assert.equal(await changed.count(), 1);
    const left = (await changed.locator(".mb-dv-left.mb-dv-del").allTextContents()).join();
    const right = (await changed.locator(".mb-dv-right.mb-dv-ins").allTextContents()).join();
    assert.deepEqual([left, right].sort(), ["const lr = 0.01;", "const lr = 0.1;"]);
    await closeDiffs(page);
  });

  test("Sync: a conflict shows the message and the diff and writes nothing; then one side wins", async () => {
    const nb = join(dir, "conflict.ipynb"), ts = join(dir, "conflict.ts");
    writeFileSync(nb, ipynb(CELLS.map(([t, s], i) => [t, i === 1 ? "const passages = 1;" : s])));
    writeFileSync(ts, readFileSync(ts, "utf8").replace("const passages = 100;", "const passages = 2;"));
    const before = [readFileSync(nb, "utf8"), readFileSync(ts, "utf8")];
    await fileMenu(page, "conflict.ipynb", "Sync Paired Notebook");
    const dialog = page.locator(".jp-Dialog");
    await dialog.waitFor({ timeout: 60_000 });
    assert.match(await dialog.textContent(), /both changed since they were last synced/);
    assert.match(await dialog.locator(".mb-diff-del").allTextContents().then((t) => t.join("\n")), /passages = 1;/);
    assert.match(await dialog.locator(".mb-diff-add").allTextContents().then((t) => t.join("\n")), /passages = 2;/);
    await dialog.locator("button", { hasText: "Cancel" }).click();
    await sleep(500);
    assert.deepEqual([readFileSync(nb, "utf8"), readFileSync(ts, "utf8")], before, "nothing written");

    // not awaited: the command waits for the dialog's answer
    await page.evaluate(() => void window.jupyterapp.commands.execute("modelbench:sync-paired", { path: "conflict.ipynb" }));
    await dialog.waitFor({ timeout: 60_000 });
    await dialog.locator("button", { hasText: "Keep the script's inputs" }).click();
    await waitFor("the notebook to take the script's inputs", () => readFileSync(nb, "utf8").includes("const passages = 2;"));
    assert.equal(readFileSync(ts, "utf8"), before[1], "the script is left as it was");
    await page.locator(".Toastify__toast", { hasText: "inputs from conflict.ts (you chose it)" }).waitFor({ timeout: 10_000 });
  });

  test("bad input: invalid JSON, a malformed script, a missing pair, an unknown format, a binary file", async () => {
    writeFileSync(join(dir, "bad.ipynb"), '{"cells": [');
    writeFileSync(join(dir, "malformed.ts"), "// ---\n// jupyter:\n//   jupytext:\n\n// %%\nconst x = 1;\n");
    writeFileSync(join(dir, "lonely.ipynb"), ipynb(CELLS.slice(0, 2)));
    writeFileSync(join(dir, "data.csv"), "a,b\n1,2\n");
    writeFileSync(join(dir, "blob.ts"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0xff, 0xfe, 0]));
    writeFileSync(join(dir, "image.ipynb"), ipynb(CELLS.slice(0, 2)));
    writeFileSync(join(dir, "image.ts"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0xff, 0xfe]));
    const snapshot = () => ["bad.ipynb", "bad.ts", "malformed.ipynb", "malformed.ts", "lonely.ipynb", "data.csv", "blob.ts", "image.ipynb", "image.ts"].map((f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f)).toString("base64") : null));
    const before = snapshot();
    const cases = [
      ["modelbench:diff-paired", "bad.ipynb", /bad\.ipynb is not valid JSON/],
      ["modelbench:diff-paired", "malformed.ipynb", /malformed\.ts: the '\/\/ ---' header is never closed/],
      ["modelbench:diff-paired", "lonely.ipynb", /lonely\.ts does not exist: sync the notebook to create it/],
      ["modelbench:diff-paired", "data.csv", /unknown notebook format '\.csv'/],
      ["modelbench:diff-head", "blob.ts", /blob\.ts is a binary file/],
      ["modelbench:diff-paired", "image.ipynb", /image\.ts is a binary file \(not UTF-8 text\)/],
    ];
    for (const [command, path, message] of cases) {
      await page.evaluate(([c, p]) => void window.jupyterapp.commands.execute(c, { path: p }), [command, path]);
      const view = await waitForDiff(page);
      assert.match(await view.locator('.mb-dv-error[role="alert"]').textContent(), message, `${command} ${path}`);
      await closeDiffs(page);
    }
    // the Sync command refuses the same files with a message
    for (const [path, message] of [["bad.ipynb", "bad.ipynb is not valid JSON"], ["malformed.ts", "header is never closed"], ["image.ipynb", "image.ts is not UTF-8 text"]]) {
      await page.evaluate((p) => void window.jupyterapp.commands.execute("modelbench:sync-paired", { path: p }), path);
      await page.locator(".Toastify__toast", { hasText: message }).first().waitFor({ timeout: 30_000 });
    }
    assert.deepEqual(snapshot(), before, "nothing was overwritten");
  });

  test("save hook without jupytext: saving the notebook writes its script", async () => {
    const recordOf = () => JSON.parse(readFileSync(join(dir, ".modelbench", "sync.json"), "utf8")).pairs["hook.ipynb"];
    const synced = recordOf().syncedAt;
    await openNotebook(page, "hook.ipynb");
    await editCell(page, "hook.ipynb", 1, "const passages = 4242;");
    const saved = Date.now();
    await saveNotebook(page, "hook.ipynb");
    // the script is written first, the sync record right after
    await waitFor("hook.ts to follow the notebook", () => readFileSync(join(dir, "hook.ts"), "utf8").includes("const passages = 4242;") && recordOf().syncedAt !== synced);
    console.log(`# save → paired script written by the save hook: ${Date.now() - saved} ms`);
    // and the script is exactly what `modelbench sync` (and jupytext) would write
    const lib = notebookLib();
    const nb = lib.parseIpynb(readFileSync(join(dir, "hook.ipynb"), "utf8"));
    assert.equal(readFileSync(join(dir, "hook.ts"), "utf8"), lib.writePercent(nb, { extension: ".ts" }));
  });
});

describe("paired notebooks in JupyterLab, jupytext's server extension on", { timeout: 240_000 }, () => {
  let lab, browser, page, dir;

  before(async () => {
    ({ lab, browser, page } = await openLab([], ["hook"]));
    dir = lab.notebooks;
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await lab?.stop();
  });

  test("save hook with jupytext: jupytext writes the script, we write nothing and do not fight", async () => {
    const probe = await lab.api("/api/contents/hook.ts?type=notebook&content=1");
    assert.equal(probe.status, 200, "jupytext's contents manager reads a script as a notebook");
    const record = join(dir, ".modelbench", "sync.json");
    const recordBefore = readFileSync(record, "utf8");
    await openNotebook(page, "hook.ipynb");
    await editCell(page, "hook.ipynb", 1, "const passages = 777;");
    await saveNotebook(page, "hook.ipynb");
    const ts = join(dir, "hook.ts");
    await waitFor("jupytext to write hook.ts", () => readFileSync(ts, "utf8").includes("const passages = 777;"));
    const { mtimeMs, ino } = statSync(ts);
    await sleep(4000); // time for a save hook that would write (it asks the kernel first)
    assert.equal(readFileSync(record, "utf8"), recordBefore, "modelbench did not sync");
    assert.deepEqual([statSync(ts).mtimeMs, statSync(ts).ino], [mtimeMs, ino], "hook.ts written once");
    assert.equal(await page.locator(".jp-Dialog").count(), 0, "no 'file changed on disk' dialog");
    assert.match(readFileSync(ts, "utf8"), /const passages = 777;/);
  });
});
