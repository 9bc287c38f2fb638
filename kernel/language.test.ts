import { test } from "node:test";
import assert from "node:assert/strict";
import { dropDocComments, codePointToIndex, completeness, indexToCodePoint, maskMagics } from "./language";

test("cursor positions convert between code points and UTF-16 indices", () => {
  const s = "a😀b";
  assert.equal(codePointToIndex(s, 2), 3);
  assert.equal(indexToCodePoint(s, 3), 2);
  assert.equal(codePointToIndex("abc", 10), 3);
});

test("is_complete: complete, incomplete with an indent, invalid", () => {
  assert.deepEqual(completeness("const a = 1"), { status: "complete" });
  assert.equal(completeness("function f() {").status, "incomplete");
  assert.equal(completeness("function f() {").indent, "  ");
  assert.deepEqual(completeness("const = 1"), { status: "invalid" });
  assert.deepEqual(completeness("%time 1"), { status: "complete" });
});

test("magic lines are blanked without moving offsets", () => {
  const code = "%time x\nconst y = 1";
  const masked = maskMagics(code);
  assert.equal(masked.length, code.length);
  assert.equal(masked.split("\n")[1], "const y = 1");
});

test("tslab's module → CommonJS step is cached: a re-run cell gets the same code, a changed cell new code", () => {
  const { createConverter } = require("./language");
  const path = require("path");
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(require.resolve("tslab/package.json"))] }));
  assert.equal(ts.__modelbenchTranspileCache, true, "tslab's modules see the caching transpileModule");
  const opts = { fileName: "custom.js", compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2019, noImplicitUseStrict: true } };
  const a = ts.transpileModule("export const a = 1;", opts);
  a.outputText = "tampered";
  const b = ts.transpileModule("export const a = 1;", opts);
  assert.match(b.outputText, /exports\.a = 1;/, "a caller changing its result does not change the cache");
  assert.doesNotMatch(b.outputText, /use strict/);
  const strict = ts.transpileModule("export const a = 1;", { ...opts, compilerOptions: { ...opts.compilerOptions, noImplicitUseStrict: false } });
  assert.match(strict.outputText, /^"use strict";/, "other options, another entry");
  const conv = createConverter();
  try {
    const first = conv.convert("", "const x = Math.max(1, 2);\nx + 1");
    const again = conv.convert("", "const x = Math.max(1, 2);\nx + 1");
    const changed = conv.convert("", "const x = Math.max(1, 3);\nx + 1");
    assert.deepEqual(first.diagnostics, []);
    assert.equal(again.output, first.output);
    assert.match(first.output!, /Math\.max\(1, 2\)/);
    assert.match(changed.output!, /Math\.max\(1, 3\)/);
    assert.equal(conv.convert("", "y + 1").diagnostics[0].messageText, "Cannot find name 'y'.");
  } finally {
    conv.close();
  }
});

test("`Math.` completes Math's members, not a global that an @types package added (seedrandom)", () => {
  const { createConverter } = require("./language");
  const conv = createConverter();
  try {
    const names = conv.complete("", "Math.", 5).candidates.map((c: any) => (typeof c === "string" ? c : c.text ?? c.name));
    assert.ok(names.includes("random") && names.includes("max"), names.join(","));
    assert.ok(!names.includes("seedrandom"), "Math.seedrandom does not exist at run time");
    assert.deepEqual(conv.convert("", "process.pid > 0").diagnostics, [], "Node's globals are still declared");
  } finally {
    conv.close();
  }
});

test("declaration files' documentation comments are dropped, their lines kept; strings and code are kept", () => {
  const text = [
    "/** The whole thing.",
    " * @param a first */",
    "declare function f(a: number): string;",
    "  /**",
    "   * Indented. */ declare const after: 1;",
    '  declare const glob: "src/**/*.ts";',
    "declare const x: number; /** trailing, not a line's start */",
    "/* a plain block comment stays */",
    "/// <reference types=\"node\" />",
    "/**/declare const empty: 2;",
  ].join("\n");
  const out = dropDocComments(text);
  assert.equal(out.split("\n").length, text.split("\n").length);
  assert.ok(!out.includes("The whole thing") && !out.includes("Indented") && !out.includes("@param"));
  for (const kept of ["declare function f(a: number): string;", " declare const after: 1;", 'declare const glob: "src/**/*.ts";', "/** trailing, not a line's start */", "/* a plain block comment stays */", '/// <reference types="node" />', "declare const empty: 2;"]) {
    assert.ok(out.includes(kept), kept);
  }
  const ts = require("@tslab/typescript-for-tslab");
  const shape = (sf: any) => sf.statements.map((st: any) => [st.kind, sf.getLineAndCharacterOfPosition(st.getStart(sf)).line]);
  assert.deepEqual(shape(ts.createSourceFile("b.d.ts", out, ts.ScriptTarget.Latest, true)), shape(ts.createSourceFile("a.d.ts", text, ts.ScriptTarget.Latest, true)));
  assert.equal(dropDocComments("no comments here"), "no comments here");
});

test("the runtime's converter (docs: false) type-checks as the one with documentation does", () => {
  const { createConverter } = require("./language");
  const root = require("path").resolve(__dirname, "..", "..");
  const withDocs = createConverter({ root });
  const without = createConverter({ root, docs: false });
  try {
    for (const cell of ["Math.max(1, 2)", "const n: string = process.cwd()", "const bad: number = 'x'", "import * as fs from 'fs'; fs.readFileSync('x', 'utf8').length"]) {
      const a = withDocs.convert("", cell);
      const b = without.convert("", cell);
      assert.deepEqual(b.diagnostics, a.diagnostics, cell);
      assert.equal(b.output, a.output, cell);
    }
    const doc = (c: any) => require("./language").quickInfoText(c.inspect("", "Math.max", 6)) ?? "";
    assert.match(doc(withDocs), /Returns the larger/);
    assert.doesNotMatch(doc(without), /Returns the larger/);
  } finally {
    withDocs.close();
    without.close();
  }
});
