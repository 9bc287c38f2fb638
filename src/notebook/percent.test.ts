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

test("the committed notebooks/00-welcome.ts is exactly what we write for 00-welcome.ipynb", () => {
  const nb = parseIpynb(fs.readFileSync(path.join(ROOT, "notebooks/00-welcome.ipynb"), "utf8"));
  const ts = fs.readFileSync(path.join(ROOT, "notebooks/00-welcome.ts"), "utf8");
  assert.equal(writePercent(nb), ts);
  checkPercentText(ts, "00-welcome.ts");
  // magics come back uncommented
  assert.deepEqual(readPercent(ts).cells.slice(-3).map((c) => c.source), ["%lsmagic", "%timeit -n 1000 -r 3 scores.reduce((a, b) => a + b, 0)", "%who number"]);
});

test("malformed percent text is refused with what to do", () => {
  assert.throws(() => checkPercentText("let a = 1;\n", "x.ts"), (e: unknown) => e instanceof MalformedTextNotebookError && /no '\/\/ %%' cell marker/.test((e as Error).message));
  assert.throws(() => readPercent("// ---\n// jupyter:\n//   a: [\n// ---\n"), MalformedTextNotebookError);
  checkPercentText("", "empty.ts"); // an empty file is an empty notebook
});
