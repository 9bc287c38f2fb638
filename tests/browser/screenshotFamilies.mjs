// docs/compare-families.png: the sidebar's Compare on the worked example's boosted trees (tfidf-hgb,
// 03-models) and fine-tuned MiniLM (minilm-finetune, 04-neural), each evaluated into its run — the
// source's "XGBoost vs. BERT" dashboard. Reads a store the worked example was run into (the
// notebook tests leave theirs in /tmp/mb-trending-*/store.db):
//   node tests/browser/screenshotFamilies.mjs /tmp/mb-trending-XXXX/store.db
import { cpSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT, launchChromium, openNotebook, runRow, startLab } from "./lab.mjs";

const source = process.argv[2];
if (!source || !existsSync(source)) {
  console.error("usage: node tests/browser/screenshotFamilies.mjs STORE.db (a store the worked example ran into, e.g. /tmp/mb-trending-*/store.db)");
  process.exit(2);
}
const lab = await startLab();
let browser;
try {
  const store = lab.env.MODELBENCH_STORE.replace(/^sqlite:\/\//, "");
  cpSync(source, store);
  if (existsSync(join(dirname(source), "artifacts"))) cpSync(join(dirname(source), "artifacts"), join(dirname(store), "artifacts"), { recursive: true });
  browser = await launchChromium();
  const page = await openNotebook(lab, browser, "families.ipynb", ["1 + 1"], { viewport: { width: 1500, height: 1100 } });
  await page.evaluate(() => window.jupyterapp.commands.execute("modelbench:show-runs"));
  // The store holds the whole worked example: filter the list down to the two runs.
  await page.locator("#modelbench-runs .mb-run").first().waitFor({ timeout: 120_000 });
  await page.locator("#modelbench-runs .mb-search").fill("name = 'tfidf-hgb' or name = 'minilm-finetune'");
  await page.locator("#modelbench-runs .mb-search").press("Enter");
  for (const name of ["tfidf-hgb", "minilm-finetune"]) {
    await runRow(page, name).waitFor({ timeout: 60_000 });
    await runRow(page, name).locator(".mb-check").check();
  }
  await page.locator("#modelbench-runs .mb-compare-button").click();
  const row = page.locator('.mb-compare .mb-media-row[data-media-key="eval/confusion_matrix_normalized"]');
  await row.locator(".mb-media-cell svg.main-svg").nth(1).waitFor({ timeout: 60_000 });
  await row.scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  const out = join(ROOT, "docs", "compare-families.png");
  await row.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser?.close().catch(() => {});
  await lab.stop();
}
