import { test } from "node:test";
import assert from "node:assert/strict";
import { murmur2 } from "./murmur2";
import { cellFile } from "./cells";

/**
 * What JupyterLab 4.6.4's own murmur2 (@jupyterlab/debugger's hash of a cell's code, the function in
 * its jlab_core bundle, run in node) gives with the kernel's seed; the same values come from the
 * Python MurmurHash2 written from Appleby's definition in tests/protocol/test_debugger.py. Lengths
 * 0–4 cover every tail; the last two are multi-byte UTF-8 and a real cell line.
 */
const JUPYTERLAB_SEED = 0xc70f6907;
const JUPYTERLAB: Array<[string, number]> = [
  ["", 3990065800],
  ["a", 2167009006],
  ["ab", 2805137849],
  ["abc", 3350977461],
  ["abcd", 804720481],
  ["const x = 1;\nx", 552911769],
  ["é😀 ünïcode", 3230883218],
  ["function scale(xs: number[], by: number): number[] {", 584298354],
];

test("murmur2 hashes a cell's code as JupyterLab's debugger does", () => {
  for (const [text, expected] of JUPYTERLAB) assert.equal(murmur2(text, JUPYTERLAB_SEED), expected, JSON.stringify(text));
  assert.notEqual(murmur2("abc", 0), murmur2("abc", JUPYTERLAB_SEED), "the seed counts");
});

test("a cell's file is the prefix, the hash of its code and the suffix", () => {
  assert.equal(cellFile({ prefix: "/tmp/modelbench_1/", suffix: ".ts", seed: JUPYTERLAB_SEED }, "abc"), "/tmp/modelbench_1/3350977461.ts");
});
