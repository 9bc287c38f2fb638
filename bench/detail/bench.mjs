// bench/detail: a run's detail in a real JupyterLab (Chromium). (1) How long the detail of a run
// with 100,000 metric points and 50 media items takes to open, from the click on its row until its
// curves are drawn and its media listed (target: under 300 ms); the first open, which loads
// plotly.js, is timed apart. (2) How soon a figure logged by a running run in another process shows
// in the open detail's Media tab, from the logFigure() call (target: 500 ms; goal: 100 ms).
//   node bench/detail/bench.mjs [--points 100000] [--media 50] [--opens 7] [--figures 20]
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { launchChromium, openNotebook, runRow, startLab, trackModule } from "../../tests/browser/lab.mjs";
import { wholeNumberOption } from "../lib/options.mjs";
import { spawnProbe } from "../lib/probe.mjs";

const POINTS = wholeNumberOption("detail", "points", 100_000);
const MEDIA = wholeNumberOption("detail", "media", 50);
const OPENS = wholeNumberOption("detail", "opens", 7);
const FIGURES = wholeNumberOption("detail", "figures", 20);
const METRICS = ["loss", "val_loss", "accuracy", "grad_norm"];
const require = createRequire(import.meta.url);
const say = (m) => process.stderr.write(`[bench/detail] ${m}\n`);
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};
const summary = (xs) => `median ${quantile(xs, 0.5).toFixed(0)} ms, p90 ${quantile(xs, 0.9).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms (n=${xs.length})`;

/** The big run (POINTS points over METRICS, MEDIA items over 10 keys of 4 kinds) and a small one to switch to. */
async function writeStore(uri) {
  const t = require(trackModule());
  const { ENCODERS } = require(require("node:path").join(require("node:path").dirname(trackModule()), "media.js"));
  const st = await t.useStore(uri);
  const init = (name, startedAt) => ({ id: randomUUID(), name, project: "bench", parentId: null, tags: [], notes: null, startedAt, pid: process.pid, host: hostname(), seed: null, source: "", notebook: null, notebookPath: null, git: null, env: {} });
  const small = init("small", Date.now() - 60_000);
  await st.createRun(small);
  await st.writeBatch({ runId: small.id, params: [], series: [{ key: "loss", steps: [0, 1, 2], values: [1, 0.5, 0.25], ts: [1, 2, 3] }] });
  await st.endRun(small.id, "finished", Date.now(), null);
  const big = init("big", Date.now() - 30_000);
  await st.createRun(big);
  const per = Math.ceil(POINTS / METRICS.length);
  for (let start = 0; start < per; start += 10_000) {
    const steps = Array.from({ length: Math.min(10_000, per - start) }, (_, i) => start + i);
    await st.writeBatch({
      runId: big.id, params: [["lr", 0.001]],
      series: METRICS.map((key, k) => ({ key, steps, values: steps.map((s) => (k + 1) / Math.sqrt(s + 1) + 0.01 * Math.sin(s)), ts: steps.map((s) => big.startedAt + s) })),
    });
  }
  const kinds = ["figure", "figure", "figure", "figure", "table", "table", "image", "image", "text", "text"];
  const svg = (i) => `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><rect width="${i + 1}" height="32" fill="teal"/></svg>`;
  for (let i = 0; i < MEDIA; i++) {
    const k = i % kinds.length;
    const kind = kinds[k];
    const key = `${kind === "figure" ? "charts" : kind === "table" ? "eval" : kind === "image" ? "samples" : "notes"}/${kind}-${k}`;
    const value = kind === "figure" ? { data: [{ type: "scatter", y: Array.from({ length: 200 }, (_, j) => Math.sin(j / 10 + i)) }], layout: { title: { text: key } } }
      : kind === "table" ? Array.from({ length: 500 }, (_, j) => ({ id: j, label: `c${j % 7}`, score: (j * 37) % 100 }))
        : kind === "image" ? svg(i) : `report ${i}\n`.repeat(50);
    await st.putMedia(big.id, { ...ENCODERS[kind](key, value), key, step: Math.floor(i / kinds.length), ts: Date.now() });
  }
  await st.endRun(big.id, "finished", Date.now(), null);
  await st.close();
}

const lab = await startLab();
say(`JupyterLab on ${lab.base}`);
const browser = await launchChromium();
try {
  await writeStore(lab.env.MODELBENCH_STORE);
  say(`store written: 'big' has ${POINTS} points over ${METRICS.length} metrics and ${MEDIA} media items`);
  const page = await openNotebook(lab, browser, "bench.ipynb", ["1 + 1"]);
  await page.locator('.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="modelbench-runs"]').click();
  await page.waitForFunction(() => document.querySelector("#modelbench-runs .mb-connection")?.textContent?.includes("bench.ipynb"), null, { timeout: 120_000 });
  await runRow(page, "big").waitFor({ timeout: 30_000 });

  /** Clicks the run's row; ms until its header, every curve drawn and its media listed (measured in the page). */
  const open = (name, curves, mediaKeys) => page.evaluate(({ name, curves, mediaKeys }) => new Promise((done, fail) => {
    const row = [...document.querySelectorAll("#modelbench-runs .mb-run")].find((el) => el.dataset.runName === name);
    if (!row) return fail(new Error(`no row ${name}`));
    const t0 = performance.now();
    let header = 0;
    row.click();
    const check = () => {
      const detail = document.querySelector(".mb-detail");
      if (!header && detail?.querySelector("h2")?.textContent === name) header = performance.now() - t0;
      const ready = header &&
        detail.querySelectorAll(".mb-plots:not(.mb-system-plots) .mb-plot svg.main-svg").length >= curves && [...detail.querySelectorAll(".mb-plots:not(.mb-system-plots) .mb-plot")].length === curves &&
        (mediaKeys ? detail.querySelector('.mb-detail-tab[data-tab="media"]')?.textContent === `Media (${mediaKeys})` : true);
      if (ready) done({ ms: performance.now() - t0, header });
      else if (performance.now() - t0 > 60_000) fail(new Error("the detail did not open within 60 s"));
      else requestAnimationFrame(check);
    };
    check();
  }), { name, curves, mediaKeys });

  const keys = Math.min(MEDIA, 10);
  const first = (await open("big", METRICS.length, keys)).ms;
  say(`first open (loads plotly.js): ${first.toFixed(0)} ms`);
  const times = [];
  const headers = [];
  for (let i = 0; i < OPENS; i++) {
    await open("small", 1, 0);
    const { ms, header } = await open("big", METRICS.length, keys);
    times.push(ms);
    headers.push(header);
  }
  const drawn = await page.$$eval(".mb-detail .mb-plot", (els) => els.map((el) => `${el.dataset.metric} ${el.dataset.points}${el.dataset.thinned ? ` of ${el.dataset.thinned}` : ""}`));
  console.log(`\nOpening the detail of a run with ${POINTS.toLocaleString("en")} metric points (${METRICS.length} curves) and ${MEDIA} media items (${keys} keys):`);
  console.log(`  ${summary(times)}   target: under 300 ms`);
  console.log(`  of which until its header shows (the kernel's answer, then the page): ${summary(headers)}`);
  console.log(`  first open, loading plotly.js: ${first.toFixed(0)} ms; curves drawn from: ${drawn.join(", ")} points`);

  // The Media tab: until the panels in view show their content.
  say("opens timed; the Media tab next");
  const mediaTab = await page.evaluate(() => new Promise((done, fail) => {
    const t0 = performance.now();
    document.querySelector('.mb-detail .mb-detail-tab[data-tab="media"]').click();
    const check = () => {
      const panels = [...document.querySelectorAll(".mb-detail .mb-media-panel")].filter((p) => { const r = p.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; });
      if (panels.length && panels.every((p) => p.dataset.shown !== undefined)) done({ ms: performance.now() - t0, panels: panels.length });
      else if (performance.now() - t0 > 30_000) fail(new Error(`the Media tab's panels were not drawn within 30 s: ${panels.map((p) => `${p.dataset.key} shown=${p.dataset.shown} ${p.textContent.slice(0, 80)}`).join("; ")}`));
      else requestAnimationFrame(check);
    };
    check();
  }));
  console.log(`  Media tab: the ${mediaTab.panels} panels in view drawn ${mediaTab.ms.toFixed(0)} ms after the click`);

  // Live figures from a running run in another process.
  const script = `
    const t = require(${JSON.stringify(trackModule())});
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    (async () => {
      const run = await t.startRun({ name: "live-probe" });
      const fig = (i) => ({ data: [{ type: "scatter", y: Array.from({ length: 50 }, (_, j) => Math.sin(j / 5 + i)) }], layout: { title: { text: "step " + i } } });
      await t.logFigure("live/fig", fig(0), { step: 0 });
      process.stdout.write(JSON.stringify({ ready: true }) + "\\n");
      await new Promise((r) => process.stdin.once("data", r));
      for (let i = 1; i <= ${FIGURES}; i++) {
        const called = Date.now();
        await t.logFigure("live/fig", fig(i), { step: i });
        process.stdout.write(JSON.stringify({ i, called, written: Date.now() }) + "\\n");
        await sleep(300);
      }
      await run.end();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const probe = spawnProbe(script, lab.env);
  const { sent, exited } = probe;
  await probe.ready;
  say("live probe started");
  await runRow(page, "live-probe").waitFor({ timeout: 30_000 });
  await runRow(page, "live-probe").click({ timeout: 30_000 });
  say("live probe's detail opening");
  await page.locator('.mb-detail .mb-media-panel[data-key="live/fig"][data-shown="0"] svg.main-svg').first().waitFor({ timeout: 30_000 }).catch(async (e) => {
    await page.screenshot({ path: "/tmp/bench-detail-live.png" });
    throw e;
  });
  say("its first figure drawn; logging");
  await page.evaluate(() => {
    const seen = (window.__shown = {});
    const el = document.querySelector('.mb-detail .mb-media-panel[data-key="live/fig"]');
    new MutationObserver(() => {
      if (el.dataset.shown && !(el.dataset.shown in seen)) seen[el.dataset.shown] = Date.now();
    }).observe(el, { attributes: true, attributeFilter: ["data-shown"] });
  });
  probe.go();
  await exited;
  await page.waitForFunction((n) => Object.keys(window.__shown).length >= n, FIGURES, { timeout: 30_000 }).catch(() => {});
  const shown = await page.evaluate(() => window.__shown);
  const fromCall = sent.filter((s) => shown[s.i]).map((s) => shown[s.i] - s.called);
  const fromWrite = sent.filter((s) => shown[s.i]).map((s) => shown[s.i] - s.written);
  console.log(`\nA figure logged by a running run (another process), until drawn in the open detail's Media tab (${fromCall.length} of ${FIGURES} seen):`);
  console.log(`  from the logFigure() call: ${summary(fromCall)}   target 500 ms, goal 100 ms`);
  console.log(`  from the write (logFigure resolved): ${summary(fromWrite)}`);
} finally {
  await browser.close().catch(() => {});
  await lab.stop();
}
