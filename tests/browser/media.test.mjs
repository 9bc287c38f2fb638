// A run's media, logs and edits in the Runs sidebar's detail, in a real JupyterLab and Chromium: a
// tracked cell logs a figure at steps 0..2, a table, a PNG and an SVG, text, and prints; the detail's
// Media tab shows a panel per key in sections, the step slider changes the figure, the table sorts,
// filters and pages, the images render (the SVG as an <img>, never inlined), the Logs tab shows the
// output with stderr marked and narrows it by search; a figure and output from a cell still running
// appear live (the figure's delay is printed); notes and tags are saved to the store, archive hides
// the run from the list and restore brings it back, delete removes it (and a run holding a
// registered model is refused, saying why). Screenshots go to tests/browser/artifacts/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { ROOT, launchChromium, openNotebook, runRow, showNotebook, startLab, trackModule } from "./lab.mjs";

const ARTIFACTS = join(ROOT, "tests", "browser", "artifacts");

/** A w×h PNG of one colour (RGBA), built here so the test needs no image library. */
function png(w, h, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: h }, () => Buffer.from([0, ...Array.from({ length: w }, () => [r, g, b, 255]).flat()])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><rect id="logged-rect" width="60" height="30" fill="teal"/><script>window.__svgRan = true</script></svg>`;

const mediaCell = (pngBase64) =>
  `%%track media-run --tags browser,media\n` +
  `for (let step = 0; step < 3; step++) {\n` +
  `  await logFigure("charts/loss", { data: [{ type: "scatter", y: [step, step + 1, step * 2] }], layout: { title: { text: \`loss at step \${step}\` } } }, { step });\n` +
  `  log({ loss: 1 / (step + 1) });\n` +
  `  console.log(\`epoch \${step}: loss \${(1 / (step + 1)).toFixed(3)}\`);\n` +
  `}\n` +
  `await logTable("eval/predictions", Array.from({ length: 120 }, (_, i) => ({ id: i, label: ["cat", "dog", "bird"][i % 3], score: ((i * 37) % 100) / 100 })));\n` +
  `await logImage("samples/png", Buffer.from("${pngBase64}", "base64"));\n` +
  `await logImage("samples/svg", ${JSON.stringify(SVG)});\n` +
  `await logText("report", "precision 0.91\\nrecall 0.84\\n");\n` +
  `console.error("warning: the learning rate is high");`;

const liveCell = (flag1, flag2) =>
  `%%track live-run\n` +
  `import * as fs from "fs";\n` +
  `const waitFor = async (f: string) => { const end = Date.now() + 120_000; while (!fs.existsSync(f)) { if (Date.now() > end) throw new Error("no " + f); await new Promise((r) => setTimeout(r, 5)); } };\n` +
  `await logFigure("live/fig", { data: [{ type: "bar", y: [1] }], layout: { title: { text: "live step 0" } } }, { step: 0 });\n` +
  `console.log("waiting for the test");\n` +
  `await waitFor(${JSON.stringify(flag1)});\n` +
  `console.log("printed while the Logs tab is open");\n` +
  `await waitFor(${JSON.stringify(flag2)});\n` +
  `const t0 = Date.now();\n` +
  `await logFigure("live/fig", { data: [{ type: "bar", y: [1, 2] }], layout: { title: { text: "live step 1" } } }, { step: 1 });\n` +
  `fs.writeFileSync(${JSON.stringify(flag2 + ".json")}, JSON.stringify({ called: t0, written: Date.now() }));\n` +
  `await new Promise((r) => setTimeout(r, 1500));`;

const keeperCell = `%%track keeper\nawait artifact("model", { weights: [1, 2] });`;
const registerCell = `%registry register champion --run keeper`;

describe("a run's media, logs and edits in the sidebar's detail", { timeout: 300_000 }, () => {
  let lab;
  let browser;
  let page;
  let cells;
  const row = (name) => runRow(page, name);
  const panel = (key) => page.locator(`.mb-detail .mb-media-panel[data-key="${key}"]`);
  const tab = (name) => page.locator(`.mb-detail .mb-detail-tab[data-tab="${name}"]`);

  /** Reads the store from another process, as a cell or script would. */
  function fromStore(expr) {
    const script = `const t = require(${JSON.stringify(trackModule())}); (async () => { const s = t.openStore(process.env.MODELBENCH_STORE); ` +
      `let v; try { v = await (${expr}); } catch (e) { v = { error: e.message }; } process.stdout.write(JSON.stringify(v ?? null)); await s.close(); })();`;
    const r = spawnSync(process.execPath, ["-e", script], { env: lab.env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  }

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    lab = await startLab();
    browser = await launchChromium();
    cells = [mediaCell(png(8, 6, [200, 40, 40]).toString("base64")), liveCell(join(lab.dir, "flag1"), join(lab.dir, "flag2")), keeperCell, registerCell];
    page = await openNotebook(lab, browser, "media.ipynb", cells);
  });

  after(async () => {
    if (page && !page.isClosed()) await page.screenshot({ path: join(ARTIFACTS, "media-last.png") }).catch(() => {});
    await browser?.close().catch(() => {});
    await lab?.stop();
  });

  async function runCell(index) {
    await showNotebook(page);
    const cell = page.locator(".jp-Notebook .jp-CodeCell").nth(index);
    await cell.locator(".jp-InputArea-editor").click();
    await page.keyboard.press("Escape");
    await page.keyboard.press("Shift+Enter");
    return cell;
  }

  async function waitIdle(cell) {
    await page.waitForFunction((el) => /\[\d+\]/.test(el.querySelector(".jp-InputPrompt")?.textContent ?? ""), await cell.elementHandle(), { timeout: 90_000 });
    assert.equal(await cell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'] pre", { hasText: /Error/ }).count(), 0, "the cell ran without an error");
  }

  async function openRun(name) {
    await row(name).click();
    await page.locator(".mb-detail h2", { hasText: new RegExp(`^${name}$`) }).waitFor({ timeout: 30_000 });
  }

  test("a tracked cell logs media and prints; its detail's Media tab has a panel per key, in sections by prefix", async () => {
    await page.locator('.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="modelbench-runs"]').click();
    await page.waitForFunction(() => document.querySelector("#modelbench-runs .mb-connection")?.textContent?.includes("media.ipynb"), null, { timeout: 90_000 });
    await waitIdle(await runCell(0));
    await row("media-run").waitFor({ timeout: 30_000 });
    await openRun("media-run");
    await page.waitForFunction(() => document.querySelector('.mb-detail .mb-detail-tab[data-tab="media"]')?.textContent === "Media (5)", null, { timeout: 10_000 });
    await tab("media").click();
    const sections = await page.locator(".mb-detail .mb-media-section").evaluateAll((els) => els.map((el) => [el.dataset.section, [...el.querySelectorAll(".mb-media-panel")].map((p) => p.dataset.key)]));
    assert.deepEqual(sections, [["", ["report"]], ["charts", ["charts/loss"]], ["eval", ["eval/predictions"]], ["samples", ["samples/png", "samples/svg"]]]);
    assert.deepEqual(await page.locator(".mb-detail .mb-media-section > summary").allTextContents(), ["media", "charts", "eval", "samples"]);
  });

  test("the figure shows its latest step; the step slider shows another", async () => {
    const fig = panel("charts/loss");
    await page.waitForFunction(() => document.querySelector('.mb-media-panel[data-key="charts/loss"]')?.dataset.shown === "2", null, { timeout: 30_000 });
    await fig.locator("svg.main-svg").first().waitFor({ timeout: 30_000 });
    assert.match(await fig.locator(".gtitle").textContent(), /loss at step 2/);
    assert.match(await fig.locator(".mb-media-step").textContent(), /step 2 \(3 of 3\)/);
    await fig.locator(".mb-media-slider").focus();
    await page.keyboard.press("Home");
    await page.waitForFunction(() => document.querySelector('.mb-media-panel[data-key="charts/loss"]')?.dataset.shown === "0", null, { timeout: 10_000 });
    assert.match(await fig.locator(".gtitle").textContent(), /loss at step 0/);
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => document.querySelector('.mb-media-panel[data-key="charts/loss"]')?.dataset.shown === "1", null, { timeout: 10_000 });
    assert.match(await fig.locator(".gtitle").textContent(), /loss at step 1/);
    assert.equal(await fig.locator("g.trace").count(), 1);
  });

  test("the table sorts by a clicked header (up, down), filters by text and pages", async () => {
    const t = panel("eval/predictions");
    const status = t.locator(".mb-media-table-status");
    await page.waitForFunction(() => document.querySelector('.mb-media-panel[data-key="eval/predictions"] .mb-media-table')?.dataset.total === "120", null, { timeout: 20_000 });
    assert.equal(await status.textContent(), "rows 1–50 of 120");
    assert.deepEqual(await t.locator("thead th").allTextContents(), ["id", "label", "score"]);
    const column = (i) => t.locator(`tbody tr td:nth-child(${i})`).allTextContents();
    await t.locator('th[data-column="score"] button').click();
    await page.waitForFunction(() => document.querySelector('.mb-media-panel[data-key="eval/predictions"] th[data-column="score"]')?.getAttribute("aria-sort") === "ascending");
    const up = (await column(3)).map(Number);
    assert.deepEqual(up.slice(0, 3), [0, 0, 0.01]);
    assert.deepEqual(up, [...up].sort((a, b) => a - b), "ascending");
    await t.locator('th[data-column="score"] button').click();
    await page.waitForFunction(() => document.querySelector('.mb-media-panel[data-key="eval/predictions"] th[data-column="score"]')?.getAttribute("aria-sort") === "descending");
    assert.equal(Number((await column(3))[0]), 0.99);
    await t.locator(".mb-media-table-next").click();
    await page.waitForFunction(() => document.querySelector('.mb-media-panel[data-key="eval/predictions"] .mb-media-table-status')?.textContent === "rows 51–100 of 120");
    await t.locator(".mb-media-table-filter").fill("dog");
    await page.waitForFunction(() => document.querySelector('.mb-media-panel[data-key="eval/predictions"] .mb-media-table')?.dataset.total === "40");
    assert.equal(await status.textContent(), "40 of 120 rows match");
    assert.deepEqual([...new Set(await column(2))], ["dog"]);
    const scores = (await column(3)).map(Number);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), "still sorted down, and back on the first page");
    await t.locator(".mb-media-table-filter").fill("zebra");
    await t.locator(".mb-empty", { hasText: "No row contains" }).waitFor();
  });

  test("the PNG and the SVG render as images (the SVG through an <img>: its markup never enters the page); text in a <pre>", async () => {
    await panel("samples/png").scrollIntoViewIfNeeded();
    for (const key of ["samples/png", "samples/svg"]) {
      await page.waitForFunction((k) => {
        const img = document.querySelector(`.mb-media-panel[data-key="${k}"] img`);
        return img && img.complete && img.naturalWidth > 0;
      }, key, { timeout: 20_000 });
    }
    const sizes = await page.$$eval(".mb-media-panel[data-key^='samples/'] img", (imgs) => imgs.map((i) => [i.naturalWidth, i.naturalHeight, i.src.slice(0, 5)]));
    assert.deepEqual(sizes, [[8, 6, "blob:"], [60, 30, "blob:"]]);
    assert.equal(await page.locator("#logged-rect").count(), 0, "the SVG is not inlined");
    assert.equal(await page.evaluate(() => window.__svgRan ?? false), false, "its script did not run");
    await panel("report").locator("pre.mb-media-text", { hasText: "precision 0.91" }).waitFor({ timeout: 10_000 });
    await page.locator(".mb-detail").screenshot({ path: join(ARTIFACTS, "media-panels.png") });
  });

  test("the Logs tab shows the run's output with stderr marked; search narrows it to matching lines", async () => {
    await tab("logs").click();
    const logs = page.locator(".mb-detail .mb-logs");
    await logs.locator(".mb-logs-text", { hasText: "epoch 2: loss 0.333" }).waitFor({ timeout: 20_000 });
    assert.match(await logs.locator(".mb-log-stderr").last().textContent(), /warning: the learning rate is high/);
    assert.equal(await logs.getAttribute("data-lines"), "4");
    await logs.locator(".mb-logs-search").fill("EPOCH 1");
    await page.waitForFunction(() => document.querySelector(".mb-detail .mb-logs")?.dataset.lines === "1");
    assert.equal(await logs.locator(".mb-log-line").count(), 1);
    assert.equal(await logs.locator(".mb-log-line mark").textContent(), "epoch 1");
    assert.equal(await logs.locator(".mb-logs-count").textContent(), "1 of 4 lines");
    await logs.locator(".mb-logs-search").fill("learning rate");
    await page.waitForFunction(() => document.querySelector(".mb-detail .mb-logs .mb-log-line.mb-log-stderr") !== null);
    await logs.locator(".mb-logs-search").fill("loss");
    await page.waitForFunction(() => document.querySelector(".mb-detail .mb-logs")?.dataset.lines === "3");
    await page.locator(".mb-detail").screenshot({ path: join(ARTIFACTS, "media-logs.png") });
    await logs.locator(".mb-logs-search").fill("");
    await page.waitForFunction(() => document.querySelector(".mb-detail .mb-logs")?.dataset.lines === "4");
  });

  test("while a cell still runs, its new output and a newly logged figure appear in the open detail", async () => {
    const cell = await runCell(1);
    await row("live-run").waitFor({ timeout: 30_000 });
    await openRun("live-run");
    await page.locator(".mb-detail .mb-logs-text", { hasText: "waiting for the test" }).waitFor({ timeout: 20_000 });
    writeFileSync(join(lab.dir, "flag1"), "");
    await page.locator(".mb-detail .mb-logs-text", { hasText: "printed while the Logs tab is open" }).waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('.mb-detail .mb-badge', { hasText: "running" }).count(), 1, "the run is still running");

    await tab("media").click();
    await page.waitForFunction(() => document.querySelector('.mb-media-panel[data-key="live/fig"]')?.dataset.shown === "0", null, { timeout: 20_000 });
    await panel("live/fig").locator("svg.main-svg").first().waitFor({ timeout: 20_000 });
    // When the new step is drawn, by the page's clock (the same machine's as the cell's).
    await page.evaluate(() => {
      const el = document.querySelector('.mb-media-panel[data-key="live/fig"]');
      new MutationObserver(() => {
        if (el.dataset.shown === "1" && !window.__liveShownAt) window.__liveShownAt = Date.now();
      }).observe(el, { attributes: true, attributeFilter: ["data-shown"] });
    });
    writeFileSync(join(lab.dir, "flag2"), "");
    await page.waitForFunction(() => window.__liveShownAt, null, { timeout: 20_000 });
    const shownAt = await page.evaluate(() => window.__liveShownAt);
    for (let i = 0; i < 100 && !existsSync(join(lab.dir, "flag2.json")); i++) await new Promise((r) => setTimeout(r, 50));
    const { called, written } = JSON.parse(readFileSync(join(lab.dir, "flag2.json"), "utf8"));
    console.log(`# live figure: drawn ${shownAt - called} ms after logFigure() was called (${shownAt - written} ms after it was written)`);
    assert.match(await panel("live/fig").locator(".gtitle").textContent(), /live step 1/);
    assert.match(await panel("live/fig").locator(".mb-media-step").textContent(), /step 1 \(2 of 2\)/);
    assert.ok(shownAt - called < 2000, `a live figure within 2 s (${shownAt - called} ms)`);
    await waitIdle(cell);
  });

  test("notes and tags edited in the detail are saved to the store", async () => {
    await openRun("media-run");
    await tab("overview").click();
    const notes = page.locator(".mb-detail .mb-notes");
    await notes.fill("figures look right\nsecond line");
    await notes.press("Control+Enter");
    await page.locator(".mb-detail .mb-edit-status", { hasText: "notes saved" }).waitFor({ timeout: 10_000 });
    const tagInput = page.locator(".mb-detail .mb-tag-input");
    await tagInput.fill("keeper");
    await tagInput.press("Enter");
    await page.locator('.mb-detail .mb-tag-chip[data-tag="keeper"]').waitFor({ timeout: 10_000 });
    await page.locator('.mb-detail .mb-tag-chip[data-tag="browser"] .mb-tag-remove').click();
    await page.waitForFunction(() => !document.querySelector('.mb-detail .mb-tag-chip[data-tag="browser"]'), null, { timeout: 10_000 });
    const saved = fromStore(`s.getRun("media-run").then((r) => ({ notes: r.notes, tags: r.tags }))`);
    assert.deepEqual(saved, { notes: "figures look right\nsecond line", tags: ["media", "keeper"] });
    await row("media-run").locator(".mb-tag", { hasText: "keeper" }).waitFor({ timeout: 10_000 });
    // Blur saves too.
    await notes.fill("saved on blur");
    await page.locator(".mb-detail .mb-tag-input").focus();
    await page.locator(".mb-detail .mb-edit-status", { hasText: "notes saved" }).waitFor({ timeout: 10_000 });
    await page.locator(".mb-detail").screenshot({ path: join(ARTIFACTS, "media-overview.png") });
    assert.equal(fromStore(`s.getRun("media-run").then((r) => r.notes)`), "saved on blur");
  });

  test("archive hides the run from the list, 'archived' lists it, restore brings it back", async () => {
    await page.locator(".mb-detail .mb-archive-run", { hasText: "Archive" }).click();
    await page.locator(".mb-detail .mb-edit-banner", { hasText: "Archived" }).waitFor({ timeout: 10_000 });
    await row("media-run").waitFor({ state: "detached", timeout: 10_000 });
    assert.equal(fromStore(`s.getRun("media-run").then((r) => r.archived)`), true);
    const toggle = page.locator("#modelbench-runs .mb-show-archived");
    await toggle.check();
    await row("media-run").waitFor({ timeout: 10_000 });
    assert.match(await row("media-run").getAttribute("class"), /mb-archived/);
    await toggle.uncheck();
    await row("media-run").waitFor({ state: "detached", timeout: 10_000 });
    await page.locator(".mb-detail .mb-archive-run", { hasText: "Restore" }).click();
    await row("media-run").waitFor({ timeout: 10_000 });
    assert.equal(fromStore(`s.getRun("media-run").then((r) => r.archived)`), false);
  });

  test("delete asks first, removes the run and says to run %gc; a run holding a registered model is refused with why", async () => {
    await waitIdle(await runCell(2));
    await waitIdle(await runCell(3));
    await openRun("keeper");
    await page.locator(".mb-detail .mb-delete-run").click();
    await page.locator(".jp-Dialog", { hasText: "%gc" }).waitFor({ timeout: 10_000 });
    await page.locator(".jp-Dialog .jp-mod-warn", { hasText: "Delete" }).click();
    await page.locator(".mb-detail .mb-edit-status.mb-error", { hasText: "registered model versions (champion/1): archive the run instead" }).waitFor({ timeout: 10_000 });
    await row("keeper").waitFor();

    await openRun("media-run");
    await page.locator(".mb-detail .mb-delete-run").click();
    await page.locator(".jp-Dialog .jp-mod-reject").click(); // Cancel keeps it
    await page.waitForTimeout(300);
    assert.equal(await row("media-run").count(), 1);
    await page.locator(".mb-detail .mb-delete-run").click();
    await page.locator(".jp-Dialog .jp-mod-warn", { hasText: "Delete" }).click();
    await row("media-run").waitFor({ state: "detached", timeout: 10_000 });
    await page.locator(".mb-detail .mb-edit-banner", { hasText: "deleted. Run %gc" }).waitFor({ timeout: 10_000 });
    assert.match(await page.locator(".mb-detail .mb-edit-status").textContent(), /deleted run 'media-run': run %gc/);
    assert.match(fromStore(`s.getRun("media-run")`).error, /unknown run 'media-run'/);
  });
});
