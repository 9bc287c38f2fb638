import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../track";
import { toDisplayOutput } from "../display";
import { readCSV, readJSON, readJSONL, readARFF, DataFileError, columnValues, trainTestSplit } from "./index";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-data-load-"));
function file(name: string, content: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<DataFileError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DataFileError, `a DataFileError, got ${e}`);
    assert.match((e as Error).message, pattern);
    return e as DataFileError;
  }
  assert.fail(`expected an error matching ${pattern}`);
}

test("readCSV: quoted fields with delimiters, doubled quotes and line breaks; numbers, booleans and missing values typed", async () => {
  const f = file("quoted.csv", 'id,text,score,ok\r\n1,"a, b",0.5,true\r\n2,"say ""hi""\nnext line",,false\r\n3,plain,-1e3,NA\r\n');
  const t = await readCSV(f);
  assert.deepEqual(t.columnNames(), ["id", "text", "score", "ok"]);
  assert.equal(t.numRows(), 3);
  assert.deepEqual(columnValues(t, "id"), [1, 2, 3]);
  assert.deepEqual(columnValues(t, "text"), ["a, b", 'say "hi"\nnext line', "plain"]);
  assert.deepEqual(columnValues(t, "score"), [0.5, null, -1000]);
  assert.deepEqual(columnValues(t, "ok"), [true, false, null]);
  const raw = await readCSV(f, { parse: false, na: [] });
  assert.deepEqual(columnValues(raw, "score"), ["0.5", "", "-1e3"]);
});

test("readCSV on the wine fixture: 178 rows × 14 columns, blanks read as missing", async () => {
  const t = await readCSV(path.join(__dirname, "../../../tests/fixtures/data/wine.csv"));
  assert.equal(t.numRows(), 178);
  assert.equal(t.numCols(), 14);
  const alcohol = columnValues(t, "alcohol");
  assert.equal(alcohol.filter((v) => v === null).length, 178 - alcohol.filter((v) => typeof v === "number").length);
  assert.equal(alcohol[3], null, "row 3 was blanked by the fixture script");
  assert.equal(typeof alcohol[0], "number");
});

test("bad CSV input: missing file, empty file, ragged row and unclosed quote name the file and line", async () => {
  await rejects(readCSV(path.join(dir, "nope.csv")), /nope\.csv: no such file .*check the path/);
  await rejects(readCSV(file("empty.csv", "\n  \n")), /empty\.csv: the file is empty/);
  const e = await rejects(readCSV(file("ragged.csv", "a,b\n1,2\n3,4\n5,6,7\n")), /ragged\.csv, line 4: 3 fields where the header has 2/);
  assert.equal(e.line, 4);
  await rejects(readCSV(file("open.csv", 'a,b\n1,2\n3,"unclosed\n4,5\n')), /open\.csv, line 3: a quoted field is never closed/);
  await rejects(readCSV(file("dup.csv", "a,a\n1,2\n")), /line 1: the header names column "a" twice/);
  await rejects(readCSV(dir), /is a folder/);
});

test("readJSON: rows or columns; invalid JSON names its line; readJSONL names the bad line", async () => {
  const rows = await readJSON(file("rows.json", JSON.stringify([{ a: 1, b: "x" }, { a: 2, c: [1, 2] }])));
  assert.deepEqual(rows.columnNames(), ["a", "b", "c"]);
  assert.deepEqual(columnValues(rows, "b"), ["x", null]);
  const cols = await readJSON(file("cols.json", JSON.stringify({ a: [1, 2, 3], b: ["x", "y", "z"] })));
  assert.equal(cols.numRows(), 3);
  await rejects(readJSON(file("bad.json", '[\n {"a": 1},\n {"a": 2,,}\n]')), /bad\.json, line 3: not valid JSON/);
  await rejects(readJSON(file("ragged.json", '{"a": [1, 2], "b": [1]}')), /column "b" has 1 values where "a" has 2/);
  await rejects(readJSON(file("scalar.json", "42")), /expected an array of row objects/);
  await rejects(readJSON(file("emptyarr.json", "[]")), /the array is empty/);

  const t = await readJSONL(file("ok.jsonl", '{"text": "a", "labels": ["x"]}\n\n{"text": "b", "labels": []}\n'));
  assert.equal(t.numRows(), 2);
  assert.deepEqual(columnValues(t, "labels"), [["x"], []]);
  const e = await rejects(readJSONL(file("bad.jsonl", '{"a": 1}\n{"a": 2}\n{"a": 3\n{"a": 4}\n')), /bad\.jsonl, line 3: not valid JSON/);
  assert.equal(e.line, 3);
  await rejects(readJSONL(file("arr.jsonl", '{"a": 1}\n[1, 2]\n')), /line 2: row 2 is an array, not an object/);
});

test("readARFF: quoted strings with escapes, missing values, nominal checks and sparse rows", async () => {
  const f = file("t.arff", [
    "% a comment",
    "@relation 'test set'",
    "@attribute 'the text' string",
    "@attribute n numeric",
    "@attribute cls {yes,no}",
    "",
    "@data",
    "'it\\'s a \\'quote\\'\\nand a line',1.5,yes",
    '"double \\"q\\"",?,no',
    "{1 7, 2 no}",
  ].join("\n"));
  const t = await readARFF(f);
  assert.deepEqual(t.columnNames(), ["the text", "n", "cls"]);
  assert.deepEqual(columnValues(t, "the text"), ["it's a 'quote'\nand a line", 'double "q"', ""]);
  assert.deepEqual(columnValues(t, "n"), [1.5, null, 7]);
  assert.deepEqual(columnValues(t, "cls"), ["yes", "no", "no"]);
  await rejects(readARFF(file("bad.arff", "@relation r\n@attribute c {a,b}\n@data\na\nz\n")), /bad\.arff, line 5: "z" is not one of the values of "c"/);
  await rejects(readARFF(file("nodata.arff", "@relation r\n@attribute c numeric\n")), /no @data section/);
});

test("tables display as an HTML table with a shape line (arquero and danfo)", async () => {
  const f = file("big.csv", "n,word\n" + Array.from({ length: 40 }, (_, i) => `${i},w<${i}>`).join("\n") + "\n");
  const aq = await readCSV(f);
  const out = toDisplayOutput(aq).data;
  assert.match(String(out["text/html"]), /<table[\s\S]*<th[^>]*>word<\/th>[\s\S]*40 rows × 2 columns/);
  assert.match(String(out["text/html"]), /w&lt;3&gt;/, "cells are escaped");
  assert.ok(!String(out["text/html"]).includes("w&lt;20&gt;"), "long tables show head and tail only");
  assert.match(String(out["text/plain"]), /\[40 rows × 2 columns\]$/);
  const df = await readCSV(f, { as: "danfo" });
  assert.deepEqual(df.shape, [40, 2]);
  const dout = toDisplayOutput(df).data;
  assert.match(String(dout["text/html"]), /40 rows × 2 columns/);
  assert.match(String(dout["text/html"]), /w&lt;39&gt;/);
  const half = trainTestSplit(df, { testSize: 0.25, seed: 1 });
  assert.deepEqual([half.train.shape, half.test.shape], [[30, 2], [10, 2]]);
  assert.deepEqual(columnValues(half.test, "n"), half.testIndex, "DataFrame rows follow the indices");
  const dj = await readJSONL(file("d.jsonl", '{"a": 1}\n{"a": null}\n'), { as: "danfo" });
  assert.deepEqual(dj.shape, [2, 1]);
});

test("a file read during a run is recorded with its sha256; outside a run nothing is", async () => {
  const st = await track.useStore(`sqlite://${path.join(dir, "store.db")}`);
  const f = file("tracked.csv", "x,y\n1,2\n3,4\n");
  await readCSV(f); // no run: must not fail
  const run = await track.startRun({ name: "reads" });
  await readCSV(f);
  await readJSONL(file("tracked.jsonl", '{"x": 1}\n'));
  await run.end();
  const d = await (st as any).getRun(run.id);
  const byName = new Map<string, any>(d.data.map((r: any) => [path.basename(r.path), r]));
  assert.equal(byName.get("tracked.csv").hash, createHash("sha256").update(fs.readFileSync(f)).digest("hex"));
  assert.equal(byName.get("tracked.csv").bytes, fs.statSync(f).size);
  assert.ok(byName.has("tracked.jsonl"));
});
