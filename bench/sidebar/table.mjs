// bench/sidebar/table.mjs: the runs table with 10,000 runs in a real JupyterLab (Chromium). From
// the command to the first rows drawn (the panel's newest runs, at once), to every run loaded
// (one reply from the kernel), and how long a scroll step takes to draw its rows (median and p95
// of 40 jumps across the table). Target (issue #15): the table opens in under 500 ms.
//   node bench/sidebar/table.mjs [--runs 10000]
import { launchChromium, openNotebook, startLab } from "../../tests/browser/lab.mjs";
import { writeManyRuns } from "../../tests/browser/manyRuns.mjs";
import { wholeNumberOption } from "../lib/options.mjs";

const RUNS = wholeNumberOption("sidebar/table", "runs", 10_000);
const say = (m) => process.stderr.write(`[bench/sidebar/table] ${m}\n`);
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * q))];
};

const lab = await startLab();
const browser = await launchChromium();
try {
  let t0 = performance.now();
  await writeManyRuns(lab.env.MODELBENCH_STORE, RUNS);
  say(`${RUNS} runs written in ${Math.round(performance.now() - t0)} ms`);
  const page = await openNotebook(lab, browser, "table-bench.ipynb", ["1 + 1"]);
  await page.locator('.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="modelbench-runs"]').click();
  await page.waitForFunction(() => document.querySelector("#modelbench-runs .mb-connection")?.dataset.state === "connected", null, { timeout: 120_000 });
  await page.locator("#modelbench-runs .mb-run").first().waitFor({ timeout: 60_000 });
  const times = await page.evaluate(async (n) => {
    const start = performance.now();
    await window.jupyterapp.commands.execute("modelbench:show-runs-table");
    const until = (pred) => new Promise((ok) => {
      const tick = () => (pred() ? ok(performance.now() - start) : requestAnimationFrame(tick));
      tick();
    });
    const first = await until(() => document.querySelector(".mb-runs-table .mb-tr"));
    const all = await until(() => document.querySelector(".mb-runs-table .mb-count")?.textContent === String(n));
    const scroller = document.querySelector(".mb-runs-table .mb-table-scroll");
    const steps = [];
    for (let i = 0; i < 40; i++) {
      const target = Math.floor(((i * 7919) % 40) / 40 * n);
      const t = performance.now();
      scroller.scrollTop = target * 28;
      await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
      if (!document.querySelector(`.mb-runs-table .mb-tr[data-index="${Math.min(n - 1, target)}"]`)) steps.push(Infinity);
      else steps.push(performance.now() - t);
    }
    return { first, all, steps, rows: document.querySelectorAll(".mb-runs-table .mb-tr").length };
  }, RUNS);
  const line = (what, ms) => `| ${what} | ${Number.isFinite(ms) ? Math.round(ms) : "not drawn"} ms |`;
  console.log(`| runs table, ${RUNS} runs | time |\n|---|---|`);
  console.log(line("command → first rows drawn (target < 500 ms)", times.first));
  console.log(line(`command → all ${RUNS} runs listed`, times.all));
  console.log(line("scroll jump → its rows drawn, median of 40", quantile(times.steps, 0.5)));
  console.log(line("scroll jump → its rows drawn, p95", quantile(times.steps, 0.95)));
  console.log(`\nrows in the page while scrolling: ${times.rows}; no peer measured (MLflow's and W&B's web UIs are not run here)`);
} finally {
  await browser.close().catch(() => {});
  await lab.stop();
}
