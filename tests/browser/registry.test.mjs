// Artifacts, the model registry and the dark theme in a real JupyterLab and Chromium: a run's
// artifacts open in the main area and download as files, the Models view lists versions and
// aliases and leads back to the run, and the panel follows JupyterLab's dark theme.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, launchChromium, openNotebook, runRow, startLab } from "./lab.mjs";

const ARTIFACTS = join(ROOT, "tests", "browser", "artifacts");

const CELLS = [
  `%%track with-artifacts --tags registry\n` +
    `param({ C: 3 });\nlog({ acc: 0.91 });\n` +
    `await artifact("notes.txt", "first line\\nsecond línea");\n` +
    `await artifact("model", { weights: [1, 2, 3], bias: 0.5 });\n` +
    `await artifact("tiny.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="teal"/></svg>');`,
  `%registry register genre --run with-artifacts --description "first try"`,
  `%registry alias genre champion 1`,
];

/** Relative luminance (0 black … 1 white) of a CSS rgb()/rgba() colour. */
function luminance(css) {
  const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe("artifacts, registry and themes in JupyterLab", { timeout: 240_000 }, () => {
  let lab;
  let browser;
  let page;
  const row = (name) => runRow(page, name);

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    lab = await startLab();
    browser = await launchChromium();
    page = await openNotebook(lab, browser, "registry.ipynb", CELLS, { acceptDownloads: true });
  });

  after(async () => {
    if (page && !page.isClosed()) await page.screenshot({ path: join(ARTIFACTS, "registry-last.png") }).catch(() => {});
    await browser?.close().catch(() => {});
    await lab?.stop();
  });

  async function runAll() {
    for (let i = 0; i < CELLS.length; i++) {
      const cell = page.locator(".jp-Notebook .jp-CodeCell").nth(i);
      await cell.locator(".jp-InputArea-editor").click();
      await page.keyboard.press("Escape");
      await page.keyboard.press("Shift+Enter");
      await page.waitForFunction((el) => /\[\d+\]/.test(el.querySelector(".jp-InputPrompt")?.textContent ?? ""), await cell.elementHandle(), { timeout: 60_000 });
      assert.equal(await cell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count(), 0, `cell ${i} ran without an error`);
    }
  }

  test("a run's artifacts open in the main area and download as files", async () => {
    // The panel connects once the notebook's kernel is up: only then are the cells run.
    await page.locator('.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="modelbench-runs"]').click();
    await page.waitForFunction(() => document.querySelector("#modelbench-runs .mb-connection")?.textContent?.includes("registry.ipynb"), null, { timeout: 90_000 });
    await runAll();
    const r = row("with-artifacts");
    await r.waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector(".mb-run")?.dataset.status === "finished", null, { timeout: 15_000 });
    await r.focus();
    await page.keyboard.press("Enter");
    const artifacts = page.locator(".mb-detail .mb-section", { hasText: "Artifacts" });
    await artifacts.waitFor({ timeout: 15_000 });
    assert.equal(await artifacts.locator("tr[data-artifact]").count(), 3);

    // JSON is pretty-printed.
    await artifacts.locator('tr[data-artifact="model"] .mb-open-artifact').click();
    const json = page.locator(".mb-artifact .mb-artifact-text");
    await json.waitFor({ timeout: 15_000 });
    assert.equal(await json.textContent(), JSON.stringify({ weights: [1, 2, 3], bias: 0.5 }, null, 2));

    // An image is shown as an image (the detail is a tab beside the artifact: back to it first).
    await page.locator(".lm-DockPanel .lm-TabBar-tab", { hasText: "Run: with-artifacts" }).click();
    await page.locator(".mb-detail .mb-section", { hasText: "Artifacts" }).locator('tr[data-artifact="tiny.svg"] .mb-open-artifact').click();
    const img = page.locator(".mb-artifact .mb-artifact-image img");
    await img.waitFor({ timeout: 15_000 });
    await page.waitForFunction((el) => el.complete && el.naturalWidth === 40, await img.elementHandle(), { timeout: 10_000 });

    // Download gives the exact bytes, under the artifact's name.
    await page.locator(".lm-DockPanel .lm-TabBar-tab", { hasText: "Run: with-artifacts" }).click();
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 15_000 }),
      page.locator(".mb-detail .mb-section", { hasText: "Artifacts" }).locator('tr[data-artifact="notes.txt"] .mb-download-artifact').click(),
    ]);
    assert.equal(download.suggestedFilename(), "notes.txt");
    assert.equal(readFileSync(await download.path(), "utf8"), "first line\nsecond línea");
  });

  test("the Models view lists versions with their aliases and opens the run they came from", async () => {
    await page.locator("#modelbench-runs .mb-models-button").click();
    const model = page.locator('.mb-registry .mb-model[data-model="genre"]');
    await model.waitFor({ timeout: 15_000 });
    assert.match(await model.locator(".mb-alias").textContent(), /@champion → v1/);
    const v1 = model.locator('tr[data-version="1"]');
    assert.match(await v1.textContent(), /first try/);

    // A version registered in the notebook appears without a manual refresh.
    await page.evaluate(async () => {
      const app = window.jupyterapp;
      const nb = [...app.shell.widgets("main")].find((w) => w.sessionContext);
      const future = nb.sessionContext.session.kernel.requestExecute({ code: "%registry register genre --run with-artifacts" });
      await future.done;
    });
    await model.locator('tr[data-version="2"]').waitFor({ timeout: 15_000 });

    await v1.locator(".mb-link").click();
    await page.locator(".mb-detail h2", { hasText: "with-artifacts" }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, "registry.png") });
  });

  test("the panel and views follow JupyterLab's dark theme", async () => {
    await page.locator("#modelbench-runs .mb-models-button").click();
    await page.locator(".mb-registry .mb-model").first().waitFor({ timeout: 15_000 });
    const colours = () => page.evaluate(() => {
      const style = (sel) => {
        const el = document.querySelector(sel);
        return el ? { bg: getComputedStyle(el).backgroundColor, fg: getComputedStyle(el).color } : null;
      };
      return { panel: style("#modelbench-runs"), name: style("#modelbench-runs .mb-run-name"), registry: style(".mb-registry"), light: document.body.dataset.jpThemeLight };
    });
    const light = await colours();
    assert.equal(light.light, "true");
    await page.evaluate(() => window.jupyterapp.commands.execute("apputils:change-theme", { theme: "JupyterLab Dark" }));
    await page.waitForFunction(() => document.body.dataset.jpThemeLight === "false", null, { timeout: 30_000 });
    await page.waitForTimeout(500); // the theme's stylesheet applies
    const dark = await colours();
    for (const part of ["panel", "registry"]) {
      assert.ok(luminance(light[part].bg) > 0.6, `${part} background is light in the light theme: ${light[part].bg}`);
      assert.ok(luminance(dark[part].bg) < 0.1, `${part} background is dark in the dark theme: ${dark[part].bg}`);
    }
    assert.ok(luminance(dark.name.fg) > 0.4, `run names are light on dark: ${dark.name.fg}`);
    assert.ok(luminance(light.name.fg) < 0.2, `run names are dark on light: ${light.name.fg}`);
    await page.screenshot({ path: join(ARTIFACTS, "dark-theme.png") });
    await page.evaluate(() => window.jupyterapp.commands.execute("apputils:change-theme", { theme: "JupyterLab Light" }));
  });
});
