import { test } from "node:test";
import assert from "node:assert/strict";
import { completeMagic, magicAt } from "./complete";
import { defaultMagics } from "./index";

const reg = defaultMagics();

test("magic names complete at the start of a line, cell magics only on the first", () => {
  assert.deepEqual(completeMagic("%ti", 3, reg), { matches: ["%time", "%timeit"], start: 0, end: 3 });
  assert.deepEqual(completeMagic("%%ti", 4, reg)?.matches, ["%%time", "%%timeit"]);
  assert.equal(completeMagic("x\n%%ti", 6, reg), null);
  assert.deepEqual(completeMagic("const a = 1\n  %e", 16, reg), { matches: ["%env"], start: 14, end: 16 });
});

test("flags of the magic on the line complete", () => {
  const code = "%timeit -n 3 --re";
  assert.deepEqual(completeMagic(code, code.length, reg), { matches: ["--repeat"], start: 13, end: 17 });
  assert.equal(completeMagic("Math.ma", 7, reg), null);
});

test("the magic under the cursor is found for inspection", () => {
  assert.equal(magicAt("x\n%timeit 1", 5, reg)?.spec.name, "timeit");
  assert.equal(magicAt("x + 1", 2, reg), null);
});

test("%baseline and its flags complete, and --metric / --task offer their values", () => {
  assert.deepEqual(completeMagic("%basel", 6, reg)?.matches, ["%baseline"]);
  const flags = "%baseline plots --ta";
  assert.deepEqual(completeMagic(flags, flags.length, reg)?.matches, ["--target", "--task", "--tags"]);
  const metric = "%baseline plots --target genre --metric macro";
  assert.deepEqual(completeMagic(metric, metric.length, reg), { matches: ["macro_f1"], start: metric.length - 5, end: metric.length });
  const task = "%baseline plots --task=m";
  assert.deepEqual(completeMagic(task, task.length, reg)?.matches, ["multilabel"]);
  const free = "%baseline plots --target ge";
  assert.deepEqual(completeMagic(free, free.length, reg), null, "a column name has no fixed choices");
});
