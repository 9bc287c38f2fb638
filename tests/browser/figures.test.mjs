// Every plotly figure of the worked example (notebooks 01–06, executed) is drawn as a plot in
// JupyterLab, including the ones that also carry an HTML table for other frontends (03-models'
// learning curve): the plot's renderer ranks above HTML. The executed notebooks come from
// tests/notebooks/test_trending.py when it ran after the last build (npm test runs it first),
// else they are executed here (about five minutes).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, launchChromium, startLab } from "./lab.mjs";

const PLOTLY = "application/vnd.plotly.v1+json";
const EXECUTED = join(ROOT, "tests", "browser", "artifacts", "worked-example");
const SOURCES = readdirSync(join(ROOT, "notebooks")).filter((f) => /^0[1-9]-.*\.ipynb$/.test(f)).sort();

const mtime = (f) => (existsSync(f) ? statSync(f).mtimeMs : 0);

/** Executed copies newer than their notebooks and the kernel build, or made now. */
function executedNotebooks() {
  const build = Math.max(mtime(join(ROOT, "dist", ".modelbench-build")), mtime(join(ROOT, "dist", "kernel", "main.js")));
  const fresh = SOURCES.every((f) => mtime(join(EXECUTED, f)) > Math.max(mtime(join(ROOT, "notebooks", f)), build));
  if (!fresh) {
    mkdirSync(EXECUTED, { recursive: true });
    const r = spawnSync(join(ROOT, ".venv", "bin", "python"), [join(ROOT, "tests", "browser", "execute_notebooks.py"), EXECUTED], { stdio: "inherit", timeout: 1_800_000 });
    if (r.status !== 0) throw new Error(`executing the worked example failed (exit ${r.status})`);
  }
  return SOURCES.map((f) => ({ name: f, nb: JSON.parse(readFileSync(join(EXECUTED, f), "utf8")) }));
}

const figuresIn = (nb) => nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.data && PLOTLY in o.data));

describe("the worked example's figures in JupyterLab", { timeout: 2_400_000 }, () => {
  let lab;
  let browser;
  let notebooks;

  before(async () => {
    notebooks = executedNotebooks();
    lab = await startLab();
    // Every cell rendered at once (no windowing), so every output is in the page to be checked.
    const settings = join(lab.dir, "settings", "@jupyterlab", "notebook-extension");
    mkdirSync(settings, { recursive: true });
    writeFileSync(join(settings, "tracker.jupyterlab-settings"), JSON.stringify({ windowingMode: "none" }));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await lab?.stop();
  });

  test("the worked example has figures, one of them with an HTML fallback", () => {
    const all = notebooks.flatMap(({ nb }) => figuresIn(nb));
    assert.ok(all.length >= 10, `${all.length} figures`);
    assert.ok(all.some((o) => "text/html" in o.data), "a figure that also carries HTML (03-models' learning curve)");
  });

  test("every figure-bearing output is drawn as a plot, not as its HTML or text", async () => {
    for (const { name, nb } of notebooks) {
      const want = figuresIn(nb).length;
      if (!want) continue;
      writeFileSync(join(lab.notebooks, name), JSON.stringify(nb));
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      try {
        // A workspace of its own: only this notebook is open.
        await page.goto(lab.url(`/lab/workspaces/figures-${name.slice(0, 2)}/tree/${name}`));
        await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 60_000 });
        await page.waitForFunction((n) => document.querySelectorAll(".jp-Notebook .mb-plotly-output svg.main-svg").length >= n, want, { timeout: 120_000 }).catch(() => {});
        const drawn = await page.$$eval(".jp-Notebook .mb-plotly-output", (els) => els.map((el) => ({
          svg: !!el.querySelector("svg.main-svg"), traces: el.querySelectorAll("g.trace, g.hm, .parcoords, g.imagelayer image").length, height: el.getBoundingClientRect().height,
        })));
        assert.equal(drawn.length, want, `${name}: ${drawn.length} of ${want} figures have the plot renderer`);
        drawn.forEach((d, i) => {
          assert.ok(d.svg && d.traces > 0, `${name}, figure ${i + 1}: drawn with ${d.traces} trace(s)`);
          assert.ok(d.height >= 150, `${name}, figure ${i + 1}: ${d.height}px high`);
        });
        if (name.startsWith("03-")) await page.locator(".mb-plotly-output").last().screenshot({ path: join(ROOT, "tests", "browser", "artifacts", "03-learning-curve.png") });
      } finally {
        await page.close();
      }
    }
  });
});
