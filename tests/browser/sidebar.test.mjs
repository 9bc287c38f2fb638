// The Runs sidebar in a real JupyterLab and Chromium: a %%track cell's run appears and its curve
// grows while the cell runs, it finishes, a run logged by another process shows up, a plotly
// figure renders, and the compare view highlights a differing param. Screenshots go to
// tests/browser/artifacts/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT, launchChromium, openNotebook, runRow, showNotebook, startLab, trackModule } from "./lab.mjs";

const ARTIFACTS = join(ROOT, "tests", "browser", "artifacts");
// The README's picture is rewritten only when asked (MODELBENCH_UPDATE_DOCS=1), so a test run leaves the tree clean.
const SCREENSHOT = process.env.MODELBENCH_UPDATE_DOCS ? join(ROOT, "docs", "sidebar.png") : join(ARTIFACTS, "sidebar.png");

const steps = (name, tags, lr, scale, delay, extra = "") =>
  `%%track ${name} --tags ${tags}\n` +
  `param({ lr: ${lr}, layers: 2, optimizer: "adam" });\n` +
  `for (let i = 0; i < 50; i++) {\n` +
  `  log({ loss: ${scale} / (i + 1) + 0.03 * (1 + Math.sin(i / 3)), acc: 1 - ${scale} / (i + 2) });\n` +
  `  await new Promise((r) => setTimeout(r, ${delay}));\n` +
  `}${extra}`;

const CELLS = [
  steps("live-a", "browser,demo", 0.1, 1, 90),
  steps("live-b", "browser", 0.01, 0.8, 5),
  `%%track diverged --tags demo\nparam({ lr: 1, layers: 2, optimizer: "adam" });\nfor (let i = 0; i < 8; i++) log({ loss: 2 ** i, acc: 0.1 });\nthrow new Error("loss diverged at lr=1");`,
  `%compare live-a live-b`,
];

describe("Runs sidebar in JupyterLab", { timeout: 240_000 }, () => {
  let lab;
  let browser;
  let page;
  let otherDir;
  let otherStore;
  const row = (name) => runRow(page, name);

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    lab = await startLab();
    otherDir = mkdtempSync(join(tmpdir(), "modelbench-other-store-"));
    otherStore = `sqlite://${join(otherDir, "other.db")}`;
    CELLS.push(`%store ${otherStore}`, `%%track in-the-other-store\nlog({ x: 1 })`, `%store ${lab.env.MODELBENCH_STORE}`);
    browser = await launchChromium();
    page = await openNotebook(lab, browser, "runs.ipynb", CELLS, { deviceScaleFactor: 2 });
  });

  after(async () => {
    if (page && !page.isClosed()) await page.screenshot({ path: join(ARTIFACTS, "last.png") }).catch(() => {});
    await browser?.close().catch(() => {});
    await lab?.stop();
    if (otherDir) rmSync(otherDir, { recursive: true, force: true });
  });

  async function runCell(index) {
    await showNotebook(page);
    const cell = page.locator(".jp-Notebook .jp-CodeCell").nth(index);
    await cell.locator(".jp-InputArea-editor").click();
    await page.keyboard.press("Escape"); // command mode: Shift+Enter runs the selected cell
    await page.keyboard.press("Shift+Enter");
    return cell;
  }

  async function waitIdle(cell) {
    await page.waitForFunction((el) => !/\*/.test(el.querySelector(".jp-InputPrompt")?.textContent ?? "*"), await cell.elementHandle(), { timeout: 60_000 });
  }

  test("the Runs panel opens from its icon and follows the notebook's modelbench kernel", async () => {
    await page.locator('.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="modelbench-runs"]').click();
    const panel = page.locator("#modelbench-runs");
    await panel.waitFor({ state: "visible" });
    await page.waitForFunction(() => document.querySelector("#modelbench-runs .mb-connection")?.textContent?.includes("runs.ipynb"), null, { timeout: 90_000 });
    assert.match(await panel.locator(".mb-connection").textContent(), /from notebook runs\.ipynb/);
  });

  test("a %%track cell's run appears, its curve grows while the cell runs, then it finishes", async () => {
    const cell = await runCell(0);
    const r = row("live-a");
    await r.waitFor({ timeout: 30_000 });
    const points = async () => Number(await r.getAttribute("data-points"));
    await page.waitForFunction(() => Number(document.querySelector('.mb-run[data-status="running"]')?.getAttribute("data-points")) > 0, null, { timeout: 15_000 });
    const first = await points();
    const handle = await r.elementHandle();
    // More points while the row still says running (the cell has not finished).
    await page.waitForFunction(([el, n]) => el.dataset.status === "running" && Number(el.dataset.points) > n, [handle, first], { timeout: 10_000 });
    const later = await points();
    assert.ok(later > first && later < 50, `the sparkline grew live: ${first} → ${later} points`);
    assert.match(await cell.locator(".jp-InputPrompt").textContent(), /\*/, "the cell is still running");

    // Enter on the focused row opens the detail; its curve grows live too.
    await r.focus();
    await page.keyboard.press("Enter");
    const plot = page.locator('.mb-detail .mb-plot[data-metric="loss"]');
    await plot.locator("svg.main-svg").first().waitFor({ timeout: 30_000 });
    const inDetail = Number(await plot.getAttribute("data-points"));
    await page.waitForFunction(([el, n]) => Number(el.dataset.points) > n, [await plot.elementHandle(), inDetail], { timeout: 10_000 }).catch(async (e) => {
      if (Number(await plot.getAttribute("data-points")) < 50) throw e; // only acceptable if it had finished already
    });

    await page.waitForFunction((el) => el.dataset.status === "finished", handle, { timeout: 30_000 });
    await waitIdle(cell);
    await page.waitForFunction((el) => el.dataset.points === "50", handle, { timeout: 10_000 });
    await page.locator(".mb-detail .mb-badge", { hasText: "finished" }).waitFor({ timeout: 10_000 });
    const params = await page.locator(".mb-detail .mb-section", { hasText: "Params" }).textContent();
    assert.match(params, /lr\s*0\.1/);
    assert.match(await page.locator(".mb-detail .mb-source").textContent(), /log\(\{ loss/);
  });

  test("a second run and a failed run are listed newest first with their status", async () => {
    await waitIdle(await runCell(1));
    await waitIdle(await runCell(2));
    await row("diverged").waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector(".mb-run")?.dataset.status === "failed", null, { timeout: 15_000 });
    const names = await page.locator(".mb-run .mb-run-name").allTextContents();
    assert.deepEqual(names.slice(0, 3), ["diverged", "live-b", "live-a"]);
    assert.equal(await row("live-b").getAttribute("data-status"), "finished");
  });

  test("a run logged by a script in another process shows up live", async () => {
    const script = `
      const t = require(${JSON.stringify(trackModule())});
      (async () => {
        const run = await t.startRun({ name: "from-a-script", tags: ["script"] });
        for (let i = 0; i < 20; i++) { t.log({ loss: 1 / (i + 1) }); await new Promise((r) => setTimeout(r, 20)); }
        await run.end();
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const proc = spawn(process.execPath, ["-e", script], { env: lab.env, stdio: ["ignore", "inherit", "inherit"] });
    const code = await new Promise((r) => proc.once("exit", r));
    assert.equal(code, 0);
    await row("from-a-script").waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => [...document.querySelectorAll(".mb-run")].some((el) => el.textContent.includes("from-a-script") && el.dataset.status === "finished"), null, { timeout: 10_000 });
  });

  test("filtering by a where-expression and by status narrows the list", async () => {
    const search = page.locator("#modelbench-runs .mb-search");
    await search.fill("params.lr < 0.05");
    await search.press("Enter");
    await page.waitForFunction(() => [...document.querySelectorAll(".mb-run .mb-run-name")].map((e) => e.textContent).join() === "live-b", null, { timeout: 10_000 });
    await search.fill("");
    await search.press("Enter");
    await page.locator("#modelbench-runs select[aria-label=Status]").selectOption("failed");
    await page.waitForFunction(() => [...document.querySelectorAll(".mb-run .mb-run-name")].map((e) => e.textContent).join() === "diverged", null, { timeout: 10_000 });
    await page.locator("#modelbench-runs select[aria-label=Status]").selectOption("");
    await row("live-a").waitFor();
  });

  test("a plotly figure in a notebook output renders as an SVG plot", async () => {
    const cell = await runCell(3);
    await waitIdle(cell);
    // %compare draws the metrics across runs (bars), then the overlaid curves.
    await cell.locator(".mb-plotly-output").nth(1).locator("svg.main-svg").first().waitFor({ timeout: 30_000 });
    assert.equal(await cell.locator(".mb-plotly-output").count(), 2);
    const plot = cell.locator(".mb-plotly-output").last();
    assert.ok((await plot.locator("g.trace").count()) >= 2, "one trace per run and metric");
    await plot.scrollIntoViewIfNeeded();
    const box = await plot.boundingBox();
    assert.ok(box.height >= 300, `the plot has its figure's height (${box.height}px)`);
    await plot.screenshot({ path: join(ARTIFACTS, "plotly-output.png") });
  });

  test("compare: select two runs, see the differing param highlighted", async () => {
    await row("live-a").locator(".mb-check").check();
    await row("live-b").focus();
    await page.keyboard.press(" "); // Space selects the focused row
    const button = page.locator("#modelbench-runs .mb-compare-button");
    await page.waitForFunction(() => document.querySelector("#modelbench-runs .mb-compare-button")?.textContent === "Compare 2");
    // The sidebar down to its last row (the empty rest of the panel left out).
    const box = await page.locator("#modelbench-runs").boundingBox();
    const last = await page.locator("#modelbench-runs .mb-run").last().boundingBox();
    await page.screenshot({ path: SCREENSHOT, clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, last.y + last.height - box.y + 12) } });
    await button.click();
    const lr = page.locator('.mb-compare .mb-compare-params tr[data-key="lr"]');
    await lr.waitFor({ timeout: 15_000 });
    assert.match(await lr.getAttribute("class"), /mb-differs/);
    assert.equal(await page.locator('.mb-compare .mb-compare-params tr[data-key="layers"]').count(), 0, "an equal param is left out (only differences)");
    const bg = await lr.evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(bg, "rgba(0, 0, 0, 0)", "the differing row has a highlight colour");
    await page.locator(".mb-compare .mb-compare-plot svg.main-svg").first().waitFor({ timeout: 30_000 });
    assert.ok((await page.locator(".mb-compare .mb-diff").count()) >= 1, "a code diff");
    await page.screenshot({ path: join(ARTIFACTS, "compare.png") });
  });

  test("after %store the panel follows the notebook to the other store, and back", async () => {
    const connection = page.locator("#modelbench-runs .mb-connection");
    await waitIdle(await runCell(4));
    await page.waitForFunction((uri) => document.querySelector("#modelbench-runs .mb-connection")?.textContent?.includes(uri), otherStore, { timeout: 15_000 });
    await waitIdle(await runCell(5));
    await row("in-the-other-store").waitFor({ timeout: 15_000 });
    assert.equal(await row("live-a").count(), 0, "the default store's runs are not listed");
    await waitIdle(await runCell(6));
    await row("live-a").waitFor({ timeout: 15_000 });
    assert.equal(await row("in-the-other-store").count(), 0);
    assert.doesNotMatch(await connection.textContent(), /other\.db/);
  });

  test("with no modelbench notebook open, the panel moves to a background kernel, and a reload restores it there", async () => {
    // Close the notebook and shut its kernel down (straight through the app: no save dialog).
    await page.evaluate(async () => {
      const app = window.jupyterapp;
      for (const w of [...app.shell.widgets("main")]) {
        if (w.sessionContext) await w.sessionContext.shutdown();
        w.dispose();
      }
    });
    const onBackground = () => page.waitForFunction(() => {
      const c = document.querySelector("#modelbench-runs .mb-connection");
      return c?.dataset.state === "connected" && c.textContent.includes("background modelbench kernel");
    }, null, { timeout: 90_000 });
    await onBackground();
    await row("live-a").waitFor({ timeout: 15_000 });

    // The saved layout no longer has the notebook: a reload restores the panel, on the same background session.
    for (let i = 0; i < 40; i++) {
      const ws = await (await lab.api("/lab/api/workspaces/default")).json();
      if (!Object.keys(ws.data ?? {}).some((k) => k.startsWith("notebook:"))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.reload();
    await page.locator("#modelbench-runs").waitFor({ state: "visible", timeout: 60_000 });
    await onBackground();
    await row("live-a").waitFor({ timeout: 15_000 });
    const sessions = await (await lab.api("/api/sessions")).json();
    assert.deepEqual(sessions.map((x) => [x.path, x.kernel?.name]), [["modelbench-runs-sidebar", "modelbench"]], "one background session, reused after the reload");

    // It still gets pushes: a run from another process appears.
    const script = `const t = require(${JSON.stringify(trackModule())}); (async () => { const run = await t.startRun({ name: "while-in-background" }); t.log({ loss: 1 }); await run.end(); })();`;
    const proc = spawn(process.execPath, ["-e", script], { env: lab.env, stdio: "inherit" });
    assert.equal(await new Promise((r) => proc.once("exit", r)), 0);
    await row("while-in-background").waitFor({ timeout: 10_000 });
  });
});
