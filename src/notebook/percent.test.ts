// The percent format against vectors made by the real jupytext 1.19.6
// (tests/notebook/jupytext_vectors.py → tests/fixtures/jupytext/vectors.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parseIpynb, writeIpynb } from "./ipynb";
import { checkPercentText, readPercent, withoutTextRepresentation, writePercent, FormatOptions } from "./percent";
import { MalformedTextNotebookError } from "./errors";

const ROOT = path.resolve(__dirname, "../../..");
type Case = { name: string; options: FormatOptions; ipynb?: string; ts: string; ts_to_ipynb: string; ts_roundtrip: string };
const vectors: { jupytext_version: string; cases: Case[] } = JSON.parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/jupytext/vectors.json"), "utf8"));
const cellId = (i: number) => `cell-${i}`;

test("the vectors come from jupytext 1.19.6 and cover the listed behaviours", () => {
  assert.equal(vectors.jupytext_version, "1.19.6");
  assert.ok(vectors.cases.length >= 60);
});

for (const c of vectors.cases) {
  test(`jupytext vector: ${c.name}`, () => {
    if (c.ipynb !== undefined) {
      const nb = parseIpynb(c.ipynb);
      assert.equal(writeIpynb(nb), c.ipynb, "ipynb read/write is not byte-identical to nbformat");
      assert.equal(writePercent(nb, { format: c.options }), c.ts, "ipynb → ts differs from jupytext");
    }
    const back = readPercent(c.ts, { format: c.options, cellId });
    assert.equal(writeIpynb(withoutTextRepresentation(back)), c.ts_to_ipynb, "ts → ipynb differs from jupytext");
    assert.equal(writePercent(back, { format: c.options }), c.ts_roundtrip, "ts → ipynb → ts differs from jupytext");
  });
}
