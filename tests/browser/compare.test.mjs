// Compare in a real JupyterLab and Chromium, on a store written by a Node script: two runs' confusion
// matrices side by side (at their last step, then at a chosen one), one table across runs (stacked
// with a run column, then side by side), overlaid curves whose EMA smoothing changes the plotted y
// (the raw line faint behind), a log y axis, x by time since start; grouped by a param, each group's
// mean ± std (in Compare and in the runs table) and a band around its mean curve. Then 10,000 runs:
// the Runs panel and the runs table keep only a window of rows in the page and scroll to the last.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ROOT, launchChromium, openNotebook, runRow, startLab, trackModule } from "./lab.mjs";
import { writeManyRuns } from "./manyRuns.mjs";

const require = createRequire(import.meta.url);
const ARTIFACTS = join(ROOT, "tests", "browser", "artifacts");

/**
 * Six finished runs: an XGBoost-like and a BERT-like model, three seeds each; a noisy loss curve
 * (100 steps, one second apart for xgboost, two for bert), an "eval/confusion_matrix" figure
 * (xgboost at steps 0 and 10, bert at 5 and 8) and an "eval/errors" table of different columns.
 */
export async function writeCompareRuns(uri) {
  const t = require(trackModule());
  const { ENCODERS } = require(join(dirname(trackModule()), "media.js"));
  const st = await t.useStore(uri);
  const runs = {};
  const base = Date.now() - 3_600_000;
  let r = 0;
  for (const model of ["xgboost", "bert"]) {
    for (const seed of [0, 1, 2]) {
      const id = `${model}-${seed}-0000-4000-8000-00000000000${r}`;
      const name = `${model}-seed${seed}`;
      const startedAt = base + r++ * 600_000;
      const dt = model === "xgboost" ? 1000 : 2000;
      const steps = Array.from({ length: 100 }, (_, i) => i);
      const level = model === "xgboost" ? 0.3 : 0.1;
      const loss = steps.map((i) => level + 2 / (i + 1) + 0.08 * Math.sin(i * 1.7 + seed) + 0.04 * seed);
      await st.createRun({ id, name, project: "compare", parentId: null, tags: [model], notes: null, startedAt, pid: process.pid, host: "test", seed, source: `fit(${model})`, notebook: null, notebookPath: null, git: null, env: {} });
      await st.writeBatch({
        runId: id, params: [["model", model], ["seed", seed]],
        series: [{ key: "loss", steps, values: loss, ts: steps.map((i) => startedAt + 500 + i * dt) }, { key: "f1", steps: [99], values: [model === "xgboost" ? 0.7 + 0.01 * seed : 0.8 + 0.02 * seed], ts: [startedAt + 100 * dt] }],
      });
      const put = (kind, key, value, step) => st.putMedia(id, { ...ENCODERS[kind](key, value), key, step, ts: startedAt + step * dt });
      for (const step of model === "xgboost" ? [0, 10] : [5, 8]) {
        const z = [[40 + step + seed, 10 - seed], [5, 45 + step]];
        await put("figure", "eval/confusion_matrix", { data: [{ type: "heatmap", z, x: ["neg", "pos"], y: ["neg", "pos"] }], layout: { title: { text: `${name} step ${step}` } } }, step);
      }
      const errors = model === "xgboost"
        ? [{ text: "cheap flights", label: "travel", pred: "finance" }, { text: "stock tips", label: "finance", pred: "travel" }]
        : [{ text: "stock tips", label: "finance", pred: "news", p: 0.61 }];
      await put("table", "eval/errors", errors, 10);
      await st.endRun(id, "finished", startedAt + 100 * dt, null);
      runs[name] = { id, startedAt };
    }
  }
  await st.close();
  return runs;
}

/** What plotly drew in the element: its traces' roles, x, y, opacity, fill, and the y axis type. */
const plotted = (page, selector) => page.locator(selector).evaluate((el) => ({
  traces: el.data.map((t) => ({ role: t.meta?.role, who: t.meta?.run ?? t.meta?.group, x: Array.from(t.x), y: Array.from(t.y), opacity: t.opacity ?? 1, fill: t.fill ?? null, name: t.name })),
  ytype: el.layout.yaxis.type,
}));

describe("compare: media side by side, one table across runs, smoothed curves, groups", { timeout: 300_000 }, () => {
  let lab;
  let browser;
  let page;
  let runs;

  before(async () => {
    lab = await startLab();
    runs = await writeCompareRuns(lab.env.MODELBENCH_STORE);
    browser = await launchChromium();
    page = await openNotebook(lab, browser, "compare.ipynb", ["1 + 1"]);
    await page.evaluate(() => localStorage.clear());
    await page.evaluate(() => window.jupyterapp.commands.execute("modelbench:show-runs"));
    await page.waitForFunction(() => document.querySelector("#modelbench-runs .mb-connection")?.textContent?.includes("compare.ipynb"), null, { timeout: 120_000 });
    await runRow(page, "bert-seed0").waitFor({ timeout: 60_000 });
  });

  after(async () => {
    if (page && !page.isClosed()) await page.screenshot({ path: join(ARTIFACTS, "compare-last.png") }).catch(() => {});
    await browser?.close().catch(() => {});
    await lab?.stop();
  });

  async function compare(names) {
    await page.evaluate(() => window.jupyterapp.commands.execute("modelbench:show-runs"));
    const checked = page.locator("#modelbench-runs .mb-run .mb-check:checked");
    while (await checked.count()) await checked.first().uncheck();
    for (const name of names) await runRow(page, name).locator(".mb-check").check();
    await page.locator("#modelbench-runs .mb-compare-button").click();
    await page.waitForFunction((n) => document.querySelectorAll(".mb-compare .mb-compare-metrics thead th.mb-run-head").length === n, names.length, { timeout: 30_000 });
  }

  // Compare takes the runs in the panel's order: newest first, so bert's before xgboost's.
  test("the runs' confusion matrices side by side, at each run's last step, then at a chosen step", async () => {
    await compare(["xgboost-seed0", "bert-seed0"]);
    const row = page.locator('.mb-compare .mb-media-row[data-media-key="eval/confusion_matrix"]');
    await row.locator(".mb-media-cell svg.main-svg").nth(1).waitFor({ timeout: 30_000 });
    const cells = row.locator(".mb-media-cell");
    assert.equal(await cells.count(), 2);
    assert.deepEqual(await cells.evaluateAll((els) => els.map((e) => [e.dataset.runId, e.dataset.step])), [[runs["bert-seed0"].id, "8"], [runs["xgboost-seed0"].id, "10"]]);
    const [a, b] = [await cells.nth(0).boundingBox(), await cells.nth(1).boundingBox()];
    assert.ok(Math.abs(a.y - b.y) < 2 && b.x > a.x + a.width - 2, `side by side: ${JSON.stringify([a, b])}`);
    assert.equal(await row.locator(".mb-media-cell .hm").count(), 2, "a heatmap in each");
    const titles = await row.locator(".mb-media-cell .gtitle").allTextContents();
    assert.deepEqual(titles, ["bert-seed0 step 8", "xgboost-seed0 step 10"]);
    // A chosen step: each run's last item at or before it.
    await row.locator(".mb-media-step").selectOption("5");
    await page.waitForFunction(() => document.querySelector('.mb-media-row[data-media-key="eval/confusion_matrix"] .mb-media-items')?.dataset.step === "5");
    await page.waitForFunction(() => [...document.querySelectorAll('.mb-media-row[data-media-key="eval/confusion_matrix"] .gtitle')].map((t) => t.textContent).join("|") === "bert-seed0 step 5|xgboost-seed0 step 0", null, { timeout: 15_000 });
    assert.deepEqual(await cells.evaluateAll((els) => els.map((e) => e.dataset.step)), ["5", "0"]);
    await page.locator(".mb-compare .mb-compare-media").screenshot({ path: join(ARTIFACTS, "compare-media.png") });
  });

  test("the same table across runs: stacked with a run column, or side by side", async () => {
    const row = page.locator('.mb-compare .mb-media-row[data-media-key="eval/errors"]');
    const table = row.locator("table.mb-media-table");
    await table.first().waitFor({ timeout: 15_000 });
    assert.deepEqual(await table.locator("thead th").allTextContents(), ["run", "text", "label", "pred", "p"]);
    assert.deepEqual(await table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent))), [
      ["bert-seed0", "stock tips", "finance", "news", "0.61"],
      ["xgboost-seed0", "cheap flights", "travel", "finance", ""],
      ["xgboost-seed0", "stock tips", "finance", "travel", ""],
    ]);
    await row.locator(".mb-media-table-mode").selectOption("side");
    await row.locator(".mb-media-cell table").nth(1).waitFor({ timeout: 15_000 });
    assert.deepEqual(await row.locator(".mb-media-cell").evaluateAll((els) => els.map((e) => e.querySelectorAll("tbody tr").length)), [1, 2]);
  });

  test("curves overlaid: smoothing changes the plotted y (raw faint behind), log y sets the axis, x by time changes x", async () => {
    const plot = '.mb-compare .mb-compare-plot .mb-plot[data-metric="loss"]';
    await page.locator(`${plot} svg.main-svg`).first().waitFor({ timeout: 30_000 });
    const raw = await plotted(page, plot);
    assert.deepEqual(raw.traces.map((t) => t.role), ["line", "line"]);
    const bertRaw = raw.traces[0].y;
    await page.locator(".mb-compare .mb-smoothing").evaluate((el) => {
      el.value = "0.8";
      el.dispatchEvent(new Event("input"));
    });
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.smoothing === "0.8", plot);
    const smooth = await plotted(page, plot);
    assert.deepEqual(smooth.traces.map((t) => t.role), ["raw", "smoothed", "raw", "smoothed"]);
    assert.deepEqual(smooth.traces[0].y, bertRaw, "the raw line is still drawn");
    assert.ok(smooth.traces[0].opacity < 0.5, "faint");
    assert.notDeepEqual(smooth.traces[1].y, bertRaw, "smoothed y differs from the raw y");
    const wiggle = (ys) => ys.slice(20).reduce((n, v, i, a) => (i ? n + Math.abs(v - a[i - 1]) : n), 0);
    assert.ok(wiggle(smooth.traces[1].y) < wiggle(bertRaw) / 3, "and is smoother");
    assert.equal(await page.locator(".mb-compare .mb-smoothing-value").textContent(), "0.80");

    await page.locator(".mb-compare .mb-log-y").check();
    await page.waitForFunction((sel) => document.querySelector(sel)?.layout?.yaxis?.type === "log", plot);
    assert.equal((await plotted(page, plot)).ytype, "log");
    assert.ok(await page.locator(`${plot} .yaxislayer-above .ytick`).count() > 0);

    assert.deepEqual(smooth.traces[1].x.slice(0, 3), [0, 1, 2], "x is the step");
    await page.locator(".mb-compare .mb-compare-x").selectOption("relative");
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.x === "relative", plot);
    const timed = await plotted(page, plot);
    assert.deepEqual(timed.traces[1].x.slice(0, 3), [0.5, 2.5, 4.5], "bert: seconds since its start, two a step");
    assert.deepEqual(timed.traces[3].x.slice(0, 3), [0.5, 1.5, 2.5], "xgboost: a second a step");
    await page.locator(".mb-compare .mb-compare-curves").screenshot({ path: join(ARTIFACTS, "compare-curves.png") });
    // Back to the defaults for what follows (the choice is kept for the next comparison).
    await page.locator(".mb-compare .mb-log-y").uncheck();
    await page.locator(".mb-compare .mb-compare-x").selectOption("step");
  });

  test("grouped by a param in Compare: each group's mean ± std, and a band around its mean curve", async () => {
    await compare(["xgboost-seed0", "xgboost-seed1", "xgboost-seed2", "bert-seed0", "bert-seed1", "bert-seed2"]);
    await page.locator(".mb-compare .mb-group-by").selectOption("params.model");
    const stats = page.locator(".mb-compare .mb-compare-group-stats");
    await stats.waitFor({ timeout: 15_000 });
    assert.deepEqual(await stats.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.group)), ["model=bert", "model=xgboost"]);
    const f1 = await stats.locator('tr[data-group="model=bert"] td[data-key="f1"]').textContent();
    assert.equal(f1, "0.82 ± 0.02", "bert's f1: 0.80, 0.82, 0.84");
    assert.equal(await stats.locator('tr[data-group="model=xgboost"] td').first().textContent(), "3");
    const plot = '.mb-compare .mb-compare-plot .mb-plot[data-metric="loss"]';
    await page.waitForFunction((sel) => document.querySelector(sel)?.data?.some((t) => t.meta?.role === "band-high"), plot, { timeout: 15_000 });
    const drawn = await plotted(page, plot);
    const bert = drawn.traces.filter((t) => t.who === "model=bert");
    assert.deepEqual(bert.map((t) => t.role), ["raw", "band-low", "band-high", "mean"], "smoothing still on: the raw mean faint behind");
    const [, low, high, mean] = bert;
    assert.equal(high.fill, "tonexty");
    assert.equal(mean.name, "model=bert (3 runs)");
    assert.ok(mean.y.every((m, i) => low.y[i] < m && m < high.y[i]), "the mean lies inside its band");
    assert.deepEqual(mean.x.slice(0, 3), [0, 1, 2], "aligned by step");
    await page.locator(".mb-compare .mb-compare-curves").screenshot({ path: join(ARTIFACTS, "compare-groups.png") });
  });

  test("the runs table grouped by the same param: a row per group with its count and each metric's mean ± std", async () => {
    await page.evaluate(() => window.jupyterapp.commands.execute("modelbench:show-runs-table"));
    const table = page.locator(".mb-runs-table");
    await page.waitForFunction(() => document.querySelector(".mb-runs-table .mb-count")?.textContent === "6", null, { timeout: 30_000 });
    assert.equal(await table.locator(".mb-group-by").inputValue(), "params.model", "the grouping Compare chose");
    const groups = table.locator(".mb-tr.mb-group-row");
    await groups.first().waitFor();
    assert.equal(await groups.count(), 2);
    assert.equal(await table.locator(".mb-tr.mb-group-member").count(), 0, "groups start folded");
    const bert = table.locator('.mb-tr.mb-group-row[data-group="model=bert"]');
    assert.match(await bert.locator('.mb-td[data-column="name"]').textContent(), /model=bert.*3 runs/);
    assert.equal(await bert.locator('.mb-td[data-column="metrics.f1"]').textContent(), "0.82 ± 0.02");
    assert.match(await bert.locator('.mb-td[data-column="metrics.loss"]').textContent(), /^[\d.]+ ± [\d.]+$/);
    await bert.click();
    await page.waitForFunction(() => document.querySelectorAll(".mb-runs-table .mb-tr.mb-group-member").length === 3);
    assert.deepEqual(await table.locator(".mb-tr.mb-group-member .mb-td[data-column=name]").allTextContents(), ["bert-seed2", "bert-seed1", "bert-seed0"]);
    await table.screenshot({ path: join(ARTIFACTS, "runs-table-grouped.png") });
    // Its own menu lists what these runs can be grouped by: tags, too.
    const menu = table.locator(".mb-group-by");
    await menu.focus();
    assert.deepEqual(await menu.locator("option").evaluateAll((os) => os.map((o) => o.value)), ["", "params.model", "params.seed", "tags"]);
    await menu.selectOption("tags");
    await page.waitForFunction(() => [...document.querySelectorAll(".mb-runs-table .mb-group-row")].map((r) => r.dataset.group).join("|") === "#bert|#xgboost");
    await menu.selectOption("");
    await page.waitForFunction(() => document.querySelectorAll(".mb-runs-table .mb-tr").length === 6 && !document.querySelector(".mb-runs-table .mb-group-row"));
  });
});

describe("the Runs panel and the runs table at 10,000 runs: a window of rows, scrolled to the end", { timeout: 300_000 }, () => {
  const RUNS = 10_000;
  let lab;
  let browser;
  let page;

  before(async () => {
    lab = await startLab();
    await writeManyRuns(lab.env.MODELBENCH_STORE, RUNS);
    browser = await launchChromium();
    page = await openNotebook(lab, browser, "many.ipynb", ["1 + 1"]);
    await page.evaluate(() => window.jupyterapp.commands.execute("modelbench:show-runs"));
    await page.waitForFunction(() => document.querySelector("#modelbench-runs .mb-connection")?.textContent?.includes("many.ipynb"), null, { timeout: 120_000 });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await lab?.stop();
  });

  test("the Runs panel lists all 10,000 with only the rows in view in the page, and scrolls to the oldest", async () => {
    await page.waitForFunction((n) => document.querySelector("#modelbench-runs .mb-count")?.textContent === String(n), RUNS, { timeout: 60_000 });
    const rows = page.locator("#modelbench-runs .mb-run");
    assert.ok((await rows.count()) < 80, `${await rows.count()} rows in the page`);
    assert.equal(await rows.first().getAttribute("data-run-name"), "sweep-9999");
    await page.locator("#modelbench-runs .mb-run-list").evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator('#modelbench-runs .mb-run[data-run-name="sweep-0"]').waitFor({ timeout: 10_000 });
    assert.ok((await rows.count()) < 80);
    // Filtering as you type narrows the same list.
    await page.locator("#modelbench-runs .mb-search").fill("sweep-999");
    await page.waitForFunction(() => document.querySelector("#modelbench-runs .mb-count")?.textContent === "11", null, { timeout: 10_000 });
    assert.equal(await page.locator("#modelbench-runs .mb-run").count(), 11);
    await page.locator("#modelbench-runs .mb-search").fill("");
    await page.waitForFunction((n) => document.querySelector("#modelbench-runs .mb-count")?.textContent === String(n), RUNS, { timeout: 10_000 });
  });

  test("the runs table too", async () => {
    await page.evaluate(() => window.jupyterapp.commands.execute("modelbench:show-runs-table"));
    await page.waitForFunction((n) => document.querySelector(".mb-runs-table .mb-count")?.textContent === String(n), RUNS, { timeout: 60_000 });
    const rows = page.locator(".mb-runs-table .mb-tr");
    assert.ok((await rows.count()) < 100);
    await page.locator(".mb-runs-table .mb-table-scroll").evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator('.mb-runs-table .mb-tr[data-index="9999"]').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('.mb-runs-table .mb-tr[data-index="9999"] .mb-td[data-column="name"]').textContent(), "sweep-0");
    assert.ok((await rows.count()) < 100);
    // Pinned cells stick once it is scrolled sideways (they are left in place while it is not).
    const pinned = await page.evaluate(async () => {
      const scroller = document.querySelector(".mb-runs-table .mb-table-scroll");
      const cell = () => document.querySelector('.mb-runs-table .mb-tr[data-index="9999"] .mb-td[data-column="name"]').getBoundingClientRect().left;
      const before = cell();
      scroller.scrollLeft = 200;
      await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
      const after = cell();
      scroller.scrollLeft = 0;
      return { before, after, scrolled: scroller.scrollWidth > scroller.clientWidth };
    });
    assert.ok(pinned.scrolled, "the table is wider than its tab");
    assert.ok(Math.abs(pinned.after - pinned.before) < 2, `the name column stays: ${JSON.stringify(pinned)}`);
  });
});
