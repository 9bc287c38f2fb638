// bench/sidebar/list.mjs: 10,000 runs in a real JupyterLab (Chromium): how long the Runs panel takes
// to list them all once opened, how smoothly the panel and the runs table scroll (the gap between
// animation frames while the list moves 120 px a frame, and the long tasks meanwhile), and how long
// a filter typed one character at a time takes to show its runs (from the keystroke to the list
// drawn). Targets (issue 19): opens < 500 ms, no long frames, filter-as-you-type < 200 ms.
// Run alone (`node bench/sidebar/list.mjs [--runs 10000] [--settle 8000]`) or by bench/sidebar/bench.mjs.
import { pathToFileURL } from "node:url";
import { launchChromium, openNotebook, startLab } from "../../tests/browser/lab.mjs";
import { writeManyRuns } from "../../tests/browser/manyRuns.mjs";
import { wholeNumberOption } from "../lib/options.mjs";

export const TARGETS = { openMs: 500, filterMs: 200, longFrameMs: 50 };
const TYPED = "sweep-4242";
const say = (m) => process.stderr.write(`[bench/sidebar/list] ${m}\n`);
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((s.length - 1) * q))] : NaN;
};

/**
 * Shows the Runs panel (folded away until then) on a page that has settled, and times from the
 * command to the first rows on screen and to the count saying every run is listed, each with the
 * frame after it drawn.
 */
async function openPanel(page, runs) {
  return page.evaluate(async (n) => {
    const start = performance.now();
    void window.jupyterapp.commands.execute("modelbench:show-runs");
    const until = (pred) => new Promise((ok) => {
      const tick = () => (pred() ? requestAnimationFrame(() => ok(performance.now() - start)) : requestAnimationFrame(tick));
      tick();
    });
    const first = await until(() => document.querySelector("#modelbench-runs .mb-run")?.getBoundingClientRect().height > 0);
    const all = await until(() => document.querySelector("#modelbench-runs .mb-count")?.textContent === String(n) && document.querySelector("#modelbench-runs .mb-run")?.getBoundingClientRect().height > 0);
    return { first, all, rows: document.querySelectorAll("#modelbench-runs .mb-run").length };
  }, runs);
}

/** Scrolls `scroller` 120 px a frame for `ms`: the gaps between frames and the long tasks meanwhile. */
function scrollFrames(page, scroller, ms = 3000) {
  return page.evaluate(async ({ scroller, ms }) => {
    const el = document.querySelector(scroller);
    el.scrollTop = 0;
    await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
    const gaps = [];
    const longTasks = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: "longtask" });
    let last = performance.now();
    const end = last + ms;
    let rows = 0;
    await new Promise((ok) => {
      const tick = (now) => {
        gaps.push(now - last);
        last = now;
        rows = Math.max(rows, el.querySelectorAll(".mb-run, .mb-tr").length);
        el.scrollTop += 120;
        if (now < end && el.scrollTop + el.clientHeight < el.scrollHeight) requestAnimationFrame(tick);
        else ok();
      };
      requestAnimationFrame(tick);
    });
    observer.disconnect();
    return { gaps, longTasks, rows, scrolledTo: el.scrollTop };
  }, { scroller, ms });
}

/**
 * Types TYPED into a search box one character every `gap` ms; for each character that changes
 * how many runs match, the ms from the keystroke to the count showing it with the list drawn
 * (the frame after).
 */
async function typeFilter(page, input, count, expected, gap = 150) {
  await page.evaluate(({ input }) => {
    window.__typed = [];
    document.querySelector(input).addEventListener("keydown", () => window.__typed.push({ at: performance.now() }), { capture: true });
  }, { input });
  await page.locator(input).click();
  const times = [];
  for (let i = 0; i < TYPED.length; i++) {
    const waitFor = page.evaluate(({ count, want }) => new Promise((ok) => {
      const check = () => {
        if (document.querySelector(count)?.textContent === String(want)) requestAnimationFrame(() => ok(performance.now()));
        else requestAnimationFrame(check);
      };
      check();
    }), { count, want: expected[i] });
    await page.keyboard.type(TYPED[i]);
    const shown = await waitFor;
    const typed = await page.evaluate(() => window.__typed.at(-1).at);
    if (i === 0 || expected[i] !== expected[i - 1]) times.push({ typed: TYPED.slice(0, i + 1), runs: expected[i], ms: shown - typed });
    await page.waitForTimeout(gap);
  }
  await page.locator(input).fill("");
  return times;
}

/** Every measurement on one lab whose store holds `runs` runs; returns the numbers and prints nothing. */
export async function measureList(lab, browser, { runs, settleMs }) {
  const names = Array.from({ length: runs }, (_, i) => `sweep-${i}`);
  const expected = [...TYPED].map((_, i) => names.filter((n) => n.includes(TYPED.slice(0, i + 1))).length);
  const page = await openNotebook(lab, browser, "list-bench.ipynb", ["1 + 1"]);
  // The panel starts folded: the model connects to the notebook's kernel and fetches the rows while idle.
  await page.evaluate(() => window.jupyterapp.shell.collapseRight());
  await page.waitForFunction(() => window.jupyterapp.serviceManager.sessions.running().next().value !== undefined, null, { timeout: 60_000 }).catch(() => {});
  say(`letting the page settle for ${settleMs} ms`);
  await page.waitForTimeout(settleMs);
  const open = await openPanel(page, runs);
  say(`panel: first rows ${open.first.toFixed(0)} ms, all ${runs} ${open.all.toFixed(0)} ms`);
  const panelScroll = await scrollFrames(page, "#modelbench-runs .mb-run-list");
  const panelFilter = await typeFilter(page, "#modelbench-runs .mb-search", "#modelbench-runs .mb-count", expected);
  await page.waitForFunction((n) => document.querySelector("#modelbench-runs .mb-count")?.textContent === String(n), runs, { timeout: 30_000 });
  await page.evaluate(() => window.jupyterapp.commands.execute("modelbench:show-runs-table"));
  await page.waitForFunction((n) => document.querySelector(".mb-runs-table .mb-count")?.textContent === String(n), runs, { timeout: 60_000 });
  const tableScroll = await scrollFrames(page, ".mb-runs-table .mb-table-scroll");
  const tableFilter = await typeFilter(page, ".mb-runs-table .mb-search", ".mb-runs-table .mb-count", expected);
  await page.close();
  return { runs, open, panelScroll, panelFilter, tableScroll, tableFilter };
}

const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : "—");

/** The measurements as Markdown rows of | what | measured | target | verdict |. */
export function listRows(r) {
  const frames = (s) => {
    const long = s.gaps.filter((g) => g > TARGETS.longFrameMs).length;
    return { text: `frame gap median ${ms(quantile(s.gaps, 0.5))}, p95 ${ms(quantile(s.gaps, 0.95))}, max ${ms(Math.max(...s.gaps))}; ${long} of ${s.gaps.length} frames over ${TARGETS.longFrameMs} ms; ${s.longTasks.length} long tasks; ≤ ${s.rows} rows in the page`, ok: long === 0 };
  };
  const typing = (t) => {
    const worst = Math.max(...t.map((x) => x.ms));
    return { text: t.map((x) => `"${x.typed}" (${x.runs}) ${ms(x.ms)}`).join(", "), ok: worst < TARGETS.filterMs, worst };
  };
  const verdict = (ok) => (ok ? "met" : "missed");
  const ps = frames(r.panelScroll);
  const ts = frames(r.tableScroll);
  const pf = typing(r.panelFilter);
  const tf = typing(r.tableFilter);
  return [
    [`${r.runs.toLocaleString("en")} runs: the Runs panel opened (tab click → all listed; first rows)`, `${ms(r.open.all)}; first rows ${ms(r.open.first)}; ${r.open.rows} rows in the page`, `< ${TARGETS.openMs} ms`, verdict(r.open.all < TARGETS.openMs)],
    ["scrolling the Runs panel, 120 px a frame for 3 s", ps.text, `no frame over ${TARGETS.longFrameMs} ms`, verdict(ps.ok)],
    ["scrolling the runs table, 120 px a frame for 3 s", ts.text, `no frame over ${TARGETS.longFrameMs} ms`, verdict(ts.ok)],
    [`filter as you type in the Runs panel ("${TYPED}", a key every 150 ms; keystroke → list drawn)`, pf.text, `< ${TARGETS.filterMs} ms`, verdict(pf.ok)],
    [`filter as you type in the runs table`, tf.text, `< ${TARGETS.filterMs} ms`, verdict(tf.ok)],
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = wholeNumberOption("sidebar/list", "runs", 10_000);
  const settleMs = wholeNumberOption("sidebar/list", "settle", 8_000);
  const lab = await startLab();
  const browser = await launchChromium();
  try {
    await writeManyRuns(lab.env.MODELBENCH_STORE, runs);
    const r = await measureList(lab, browser, { runs, settleMs });
    console.log("| measured | value | target | |\n|---|---|---|---|");
    for (const row of listRows(r)) console.log(`| ${row.join(" | ")} |`);
  } finally {
    await browser.close().catch(() => {});
    await lab.stop();
  }
}
