import { test } from "node:test";
import assert from "node:assert/strict";
import { KERNEL_GLOBALS, preludeOf } from "./globals";
import { PRELUDE, createConverter } from "./language";
import { globalValues } from "./child/globals";

test("the prelude declares exactly the kernel globals, from the one list", () => {
  assert.equal(PRELUDE, preludeOf(KERNEL_GLOBALS));
  const declared = [...PRELUDE.matchAll(/^\s*(?:const|function) (\w+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(declared, KERNEL_GLOBALS.map((g) => g.name).sort());
});

test("every kernel global has a value in the runtime, and its declaration type-checks against it", () => {
  const input = async () => "";
  const values = globalValues({ input });
  assert.deepEqual(Object.keys(values).sort(), KERNEL_GLOBALS.map((g) => g.name).sort());
  for (const [name, value] of Object.entries(values)) assert.notEqual(value, undefined, name);
  assert.equal(values.input, input);
  // A cell using each global compiles without diagnostics: the declarations point at real exports.
  const converter = createConverter();
  try {
    const r = converter.convert("", KERNEL_GLOBALS.map((g) => `void ${g.name};`).join("\n"));
    assert.deepEqual(r.diagnostics, []);
  } finally {
    converter.close();
  }
});

test("a global the runtime should provide but does not is an error, not undefined in cells", () => {
  assert.throws(() => globalValues({}), /no value for the kernel global 'input'/);
});
