import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { MIME } from "../display";
import { describe, readCSV, labelFrequencies, quantile } from "./index";

const fx = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../tests/fixtures/sklearn/data.json"), "utf8")).describe;
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs pandas ${b}`);

test("describe() of the wine CSV equals pandas' describe, isna().sum() and nunique()", async () => {
  const t = await readCSV(path.join(__dirname, "../../../tests/fixtures/data/wine.csv"));
  const d = describe(t, { label: "class" });
  assert.equal(d.rows, fx.rows);
  assert.deepEqual(d.columns.map((c) => c.name), fx.columns);
  for (const c of d.columns) {
    assert.equal(c.missing, fx.missing[c.name], `${c.name} missing`);
    assert.equal(c.nonNull, fx.nonNull[c.name], `${c.name} non-null`);
    assert.equal(c.unique, fx.unique[c.name], `${c.name} unique`);
    const p = fx.numeric[c.name];
    if (p) {
      assert.equal(c.type, "number");
      const s = c.numeric!;
      close(s.mean, p.mean, `${c.name} mean`);
      close(s.std, p.std, `${c.name} std`);
      close(s.min, p.min, `${c.name} min`);
      close(s.q25, p["25%"], `${c.name} 25%`);
      close(s.median, p["50%"], `${c.name} 50%`);
      close(s.q75, p["75%"], `${c.name} 75%`);
      close(s.max, p.max, `${c.name} max`);
    } else {
      assert.equal(c.type, "string");
      assert.equal(c.top, fx.top[c.name]);
      assert.equal(c.freq, fx.freq[c.name]);
    }
  }
  const l = d.labels!;
  assert.equal(l.multiLabel, false);
  assert.equal(l.unlabeled, fx.missing.class);
  assert.equal(l.frequencies[0].label, fx.top.class);
  assert.equal(l.frequencies[0].count, fx.freq.class);
  assert.equal(l.frequencies.reduce((a, f) => a + f.count, 0), fx.nonNull.class);
  const html = String(d[MIME]()["text/html"]);
  assert.match(html, /178 rows × 14 columns/);
  assert.match(html, /labels of class/);
  assert.throws(() => describe(t, { label: "genre" }), /no label column "genre"/);
});

test("label frequencies of a multi-label column count each label once per row", () => {
  const s = labelFrequencies("tags", [["a", "b"], ["a"], [], null, ["b", "b", "c"]]);
  assert.equal(s.multiLabel, true);
  assert.deepEqual(s.frequencies.map((f) => [f.label, f.count]), [["a", 2], ["b", 2], ["c", 1]]);
  assert.equal(s.frequencies[0].fraction, 2 / 5);
  assert.equal(s.unlabeled, 2);
  assert.equal(s.cardinality, 5 / 3);
  assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
});
