import { test } from "node:test";
import assert from "node:assert/strict";
import { formatDuration } from "./format";
import { formatDuration as progressDuration } from "../train";
import { escapeHtml } from "../display/html";
import { escapeHtml as metricsEscape } from "../metrics/render";
import { KeywordRuleClassifier } from "../baselines";
import { MIME } from "../display";

test("one duration format, in milliseconds, for run tables, %time and progress bars alike", () => {
  assert.equal(progressDuration, formatDuration);
  assert.equal(formatDuration(null), "");
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(0.00085), "850ns");
  assert.equal(formatDuration(0.85), "850µs");
  assert.equal(formatDuration(12.34), "12.3ms");
  assert.equal(formatDuration(999.4), "999ms");
  assert.equal(formatDuration(999.8), "1.00s");
  assert.equal(formatDuration(4210), "4.21s");
  assert.equal(formatDuration(59_940), "59.9s");
  assert.equal(formatDuration(59_960), "1m00s");
  assert.equal(formatDuration(65_000), "1m05s");
  assert.equal(formatDuration(7_380_000), "2h03m");
});

test("one HTML escape: quotes and apostrophes too, in every rich display", () => {
  assert.equal(metricsEscape, escapeHtml);
  assert.equal(escapeHtml(`<a href="x">Tom's & co</a>`), "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; co&lt;/a&gt;");
  const clf = new KeywordRuleClassifier({ rules: `"don't" -> negative` });
  assert.match(String(clf[MIME]()["text/html"]), /&quot;don&#39;t&quot; -&gt; negative/);
});

test("a progress bar's durations: whole seconds under a minute, then the same minutes and hours", () => {
  assert.equal(formatDuration(440, { wholeSeconds: true }), "0s");
  assert.equal(formatDuration(4_400, { wholeSeconds: true }), "4s");
  assert.equal(formatDuration(65_000, { wholeSeconds: true }), "1m05s");
});
