// The Sweeps view in a real JupyterLab and Chromium, following studies that run in other
// processes on the same store: a `modelbench sweep` from a terminal (its trials appear, run,
// report and finish while the view is open, with their figures), then a population-based training
// script (its lineage is drawn). Nothing is reloaded by hand.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { ROOT, launchChromium, openNotebook, startLab } from "./lab.mjs";

const require = createRequire(import.meta.url);

const ARTIFACTS = join(ROOT, "tests", "browser", "artifacts");

// Plain objects for the space (no import needed); each trial takes about 1.2 s and reports 3 times.
const OBJECTIVE = `
exports.space = {
  lr: { dist: { kind: "float", low: 0.001, high: 1, log: true } },
  depth: { dist: { kind: "categorical", choices: [2, 4, 8] } },
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
exports.objective = async (p, trial) => {
  const score = 1 - Math.abs(Math.log10(p.lr) + 1) / 3;
  for (let step = 0; step < 3; step++) {
    await sleep(400);
    trial.report(score * (step + 1) / 3, step);
  }
  return score;
};
`;

// Population-based training from a script: 4 members, 4 rounds, each round 300 ms.
const PBT = `
const { populationBasedTraining, uniform } = require(${JSON.stringify(join(ROOT, "dist", "src", "index.js"))});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
populationBasedTraining({ name: "pbt-live", space: { lr: uniform(0.1, 10) }, population: 4, rounds: 4, interval: 1, metric: "total", direction: "max", seed: 2 },
  async (p, ctx) => { await sleep(300); const total = (ctx.checkpoint ?? 0) + p.lr; return { value: total, checkpoint: total }; },
).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`;

function start(cmd, args, cwd, env) {
  const proc = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout.on("data", (b) => (out += b));
  proc.stderr.on("data", (b) => (out += b));
  const done = new Promise((ok) => proc.once("exit", (code) => ok(code)));
  return { proc, done, get out() { return out; }, get running() { return proc.exitCode === null && proc.signalCode === null; } };
}

describe("the Sweeps view follows studies run by other processes", { timeout: 300_000 }, () => {
  let lab;
  let browser;
  let page;
  let project;
  const children = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    lab = await startLab();
    browser = await launchChromium();
    page = await openNotebook(lab, browser, "sweeps.ipynb", [`"ready"`]);
    project = mkdtempSync(join(tmpdir(), "mb-sweep-view-"));
    mkdirSync(join(project, "node_modules"));
    symlinkSync(ROOT, join(project, "node_modules", "modelbench"), "dir");
    writeFileSync(join(project, "objective.js"), OBJECTIVE);
    writeFileSync(join(project, "pbt.js"), PBT);
  });

  after(async () => {
    for (const c of children) if (c.running) c.proc.kill("SIGKILL");
    if (page && !page.isClosed()) await page.screenshot({ path: join(ARTIFACTS, "sweeps-last.png") }).catch(() => {});
    await browser?.close().catch(() => {});
    await lab?.stop();
  });

  const summary = () => page.locator(".mb-sweeps .mb-sweep-summary");
  const env = () => ({ ...process.env, MODELBENCH_STORE: `sqlite://${lab.store}` });

  test("a sweep from the command line appears, its trials run and finish in the table, and its figures are drawn", async () => {
    await page.locator('.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="modelbench-runs"]').click();
    await page.waitForFunction(() => document.querySelector("#modelbench-runs .mb-connection")?.textContent?.includes("sweeps.ipynb"), null, { timeout: 90_000 });
    await page.locator("#modelbench-runs .mb-sweeps-button").click();
    await page.locator(".mb-sweeps .mb-empty", { hasText: "No sweeps in this store yet" }).waitFor({ timeout: 30_000 });

    const sweep = start(process.execPath, [join(ROOT, "bin", "modelbench.mjs"), "sweep", "--module", "objective.js", "--trials", "8", "--sampler", "random", "--seed", "0", "--study", "live", "--direction", "max", "--metric", "score"], project, env());
    children.push(sweep);

    // While the other process works: a running trial is shown, and the complete count climbs.
    await page.waitForFunction(() => document.querySelector(".mb-sweeps .mb-sweep-summary")?.dataset.study === "live", null, { timeout: 60_000 });
    await page.locator('.mb-sweeps tr[data-state="running"]').first().waitFor({ timeout: 30_000 });
    const seen = new Set();
    while (sweep.running) {
      const n = Number(await summary().getAttribute("data-complete"));
      if (sweep.running) seen.add(n);
      await page.waitForTimeout(250);
    }
    assert.equal(await sweep.done, 0, sweep.out);
    const partial = [...seen].filter((n) => n > 0 && n < 8);
    assert.ok(partial.length >= 2, `the view updated while the sweep ran: complete counts seen ${[...seen].sort((a, b) => a - b).join(", ")}`);

    // Once it ends: every trial, the best one marked, the figures drawn.
    await page.waitForFunction(() => document.querySelector(".mb-sweeps .mb-sweep-summary")?.dataset.complete === "8", null, { timeout: 30_000 });
    assert.equal(await page.locator(".mb-sweeps tr[data-trial]").count(), 8);
    assert.equal(await page.locator('.mb-sweeps tr[data-state="running"]').count(), 0);
    assert.equal(await page.locator(".mb-sweeps tr.mb-best-trial").count(), 1);
    const best = await page.locator(".mb-sweeps tr.mb-best-trial").getAttribute("data-trial");
    assert.match(await page.locator(".mb-sweep-best").textContent(), new RegExp(`best: trial #${best}, score = `));
    for (const key of ["history", "intermediate", "parallel", "importance"]) {
      await page.locator(`.mb-sweep-figure[data-figure="${key}"] .main-svg`).first().waitFor({ timeout: 30_000 });
    }
    // The history figure has a point per complete trial.
    const points = await page.evaluate(() => document.querySelector('.mb-figure[data-figure="history"]').data[0].y.length);
    assert.equal(points, 8);
    // Importance names the parameters of the space.
    const names = await page.evaluate(() => document.querySelector('.mb-figure[data-figure="importance"]').data[0].y.slice().sort());
    assert.deepEqual(names, ["depth", "lr"]);

    // Sorting by the value puts the best first; a trial's run opens.
    await page.locator('.mb-sweeps th[data-column="score"]').click();
    await page.locator('.mb-sweeps th[data-column="score"]').click();
    assert.equal(await page.locator(".mb-sweeps tbody tr").first().getAttribute("data-trial"), best);
    await page.screenshot({ path: join(ARTIFACTS, "sweeps.png") });
    await page.locator(".mb-sweeps tbody tr").first().locator(".mb-link").click();
    await page.locator(".mb-detail h2", { hasText: `live#${best}` }).waitFor({ timeout: 15_000 });
  });

  test("population-based training from a script: the newest study is picked and its lineage is drawn as it trains", async () => {
    await page.locator('.lm-DockPanel .lm-TabBar-tab[data-id="modelbench-sweeps"]').click();
    const pbt = start(process.execPath, [join(project, "pbt.js")], project, env());
    children.push(pbt);
    await page.locator(".mb-sweeps .mb-study-picker option", { hasText: "pbt-live" }).waitFor({ state: "attached", timeout: 60_000 });
    await page.locator(".mb-sweeps .mb-study-picker").selectOption("pbt-live");
    await page.locator('.mb-sweep-figure[data-figure="lineage"] .main-svg').first().waitFor({ timeout: 30_000 });
    assert.equal(await pbt.done, 0, pbt.out);
    await page.waitForFunction(() => document.querySelector(".mb-sweeps .mb-sweep-summary")?.dataset.complete === "4", null, { timeout: 30_000 });
    await page.waitForFunction(() => {
      const fig = document.querySelector('.mb-figure[data-figure="lineage"]');
      return fig?.data?.length === 5 && fig.data[0].x.length === 4;
    }, null, { timeout: 30_000 });
    const traces = await page.evaluate(() => document.querySelector('.mb-figure[data-figure="lineage"]').data.map((t) => t.name));
    assert.deepEqual(traces.slice(0, 4), ["#0", "#1", "#2", "#3"]);
    assert.equal(traces[4], "copied a checkpoint");
    assert.match(await summary().textContent(), /Population-based training · maximize total · 4 trials: 4 complete/);
    await page.screenshot({ path: join(ARTIFACTS, "sweeps-pbt.png") });
  });
});

describe("the Sweeps view on PostgreSQL follows two worker processes of one sweep", { timeout: 300_000 }, () => {
  let pg;
  let lab;
  let browser;
  let page;
  let project;
  let uri;
  const children = [];

  before(async () => {
    const { startTestPostgres } = require(join(ROOT, "dist", "tests", "support", "pgserver.js"));
    pg = await startTestPostgres();
    uri = await pg.createDatabase();
    lab = await startLab({ storeUri: uri });
    browser = await launchChromium();
    page = await openNotebook(lab, browser, "pg-sweeps.ipynb", [`"ready"`]);
    project = mkdtempSync(join(tmpdir(), "mb-sweep-view-pg-"));
    mkdirSync(join(project, "node_modules"));
    symlinkSync(ROOT, join(project, "node_modules", "modelbench"), "dir");
    writeFileSync(join(project, "objective.js"), OBJECTIVE);
  });

  after(async () => {
    for (const c of children) if (c.running) c.proc.kill("SIGKILL");
    if (page && !page.isClosed()) await page.screenshot({ path: join(ARTIFACTS, "sweeps-pg-last.png") }).catch(() => {});
    await browser?.close().catch(() => {});
    await lab?.stop();
    await pg?.stop();
  });

  test("trials of both workers appear while they run, and the study ends complete", async () => {
    await page.locator('.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="modelbench-runs"]').click();
    await page.waitForFunction(() => document.querySelector("#modelbench-runs .mb-connection")?.textContent?.includes("pg-sweeps.ipynb"), null, { timeout: 90_000 });
    await page.locator("#modelbench-runs .mb-sweeps-button").click();
    await page.locator(".mb-sweeps .mb-empty", { hasText: "No sweeps in this store yet" }).waitFor({ timeout: 30_000 });

    const sweep = start(process.execPath, [join(ROOT, "bin", "modelbench.mjs"), "sweep", "--module", "objective.js", "--trials", "10", "--processes", "2", "--sampler", "random", "--seed", "1", "--study", "pg-live", "--direction", "max", "--metric", "score", "--store", uri], project, { ...process.env, MODELBENCH_STORE: uri });
    children.push(sweep);
    await page.waitForFunction(() => document.querySelector(".mb-sweeps .mb-sweep-summary")?.dataset.study === "pg-live", null, { timeout: 60_000 });
    const seen = new Set();
    let twoRunning = false;
    while (sweep.running) {
      const [n, running] = await Promise.all([summary(page).getAttribute("data-complete"), summary(page).getAttribute("data-running")]);
      if (sweep.running) {
        seen.add(Number(n));
        if (Number(running) === 2) twoRunning = true;
      }
      await page.waitForTimeout(250);
    }
    assert.equal(await sweep.done, 0, sweep.out);
    assert.ok(twoRunning, "the two workers' trials were seen running at once");
    assert.ok([...seen].filter((n) => n > 0 && n < 10).length >= 2, `complete counts seen while it ran: ${[...seen].sort((a, b) => a - b).join(", ")}`);
    await page.waitForFunction(() => document.querySelector(".mb-sweeps .mb-sweep-summary")?.dataset.complete === "10", null, { timeout: 30_000 });
    assert.equal(await page.locator(".mb-sweeps tr[data-trial]").count(), 10);
    await page.locator('.mb-sweep-figure[data-figure="importance"] .main-svg').first().waitFor({ timeout: 30_000 });
  });
});

function summary(page) {
  return page.locator(".mb-sweeps .mb-sweep-summary");
}
