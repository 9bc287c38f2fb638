import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { applyUpdate, NO_DECLARATIONS, updateFrom, withTail, type Declarations } from "./declarations";

const root = path.resolve(__dirname, "..", "..");

test("a long tail is frozen into a chunk; updates carry only new chunks and the tail", () => {
  let d = withTail(NO_DECLARATIONS, "declare const a = 1;\n", 30);
  assert.deepEqual(d, { chunks: [], tail: "declare const a = 1;\n" });
  d = withTail(d, "declare const b = 2;\ndeclare const a = 1;\n", 30);
  assert.deepEqual(d, { chunks: ["declare const b = 2;\ndeclare const a = 1;\n"], tail: "" });
  const sent = d;
  d = withTail(d, "declare const c = 3;\n", 30);
  assert.deepEqual(updateFrom(sent, d), { from: 1, chunks: [], tail: "declare const c = 3;\n" });
  assert.equal(updateFrom(d, d), undefined);
  assert.deepEqual(applyUpdate(sent, updateFrom(sent, d)!), d);
  assert.deepEqual(applyUpdate(d, updateFrom(d, NO_DECLARATIONS)!), NO_DECLARATIONS, "a reset empties the other side too");
});

/** Runs cells through one converter, each cell's declarations frozen into a chunk of their own. */
function session() {
  const { createConverter } = require("./language");
  const conv = createConverter({ root, cellDir: root });
  let d: Declarations = NO_DECLARATIONS;
  return {
    conv,
    get decl() {
      return d;
    },
    set decl(v: Declarations) {
      d = v;
    },
    /** Compiles a cell; when it type-checks, its declarations become the next chunk. */
    cell(src: string) {
      const r = conv.convert(d, src);
      if (!r.diagnostics.length) d = withTail(d, r.declOutput ?? "", 1);
      return { errors: r.diagnostics.map((x: any) => x.messageText), output: r.output as string | undefined };
    },
  };
}

test("names redefined in later chunks shadow earlier ones, for values, types, classes, functions and imports", () => {
  const s = session();
  try {
    s.cell("let x = 1;");
    s.cell('const x = "s";');
    assert.deepEqual(s.cell("const xs: string = x;").errors, []);
    assert.match(s.cell("const xn: number = x;").errors[0], /not assignable to type 'number'/);
    assert.equal(s.decl.chunks.length, 3, "each cell a chunk of its own");

    s.cell("type T = number;");
    s.cell("type T = string;");
    assert.deepEqual(s.cell('const t1: T = "a";').errors, []);
    assert.match(s.cell("const t2: T = 1;").errors[0], /not assignable/);

    s.cell("function f(a: number) { return a; }");
    s.cell("function f(a: string) { return a.length; }");
    assert.deepEqual(s.cell('const fl: number = f("ab");').errors, []);
    assert.match(s.cell("f(1);").errors[0], /not assignable to parameter of type 'string'/);

    s.cell("class A { a = 1; }");
    s.cell("interface A { b: string }");
    assert.deepEqual(s.cell('const ia: A = { b: "x" };').errors, [], "the type is the later interface");
    assert.deepEqual(s.cell("const made = new A();").errors, [], "the value is still the class");
    assert.deepEqual(s.cell("const madeA: number = made.a;").errors, [], "and its instance the class's");

    s.cell('import * as nodePath from "path";');
    assert.deepEqual(s.cell('const joined: string = nodePath.join("a", "b");').errors, []);
    s.cell("const nodePath = 3;");
    assert.deepEqual(s.cell("const np: number = nodePath + 1;").errors, []);

    // A declaration keeps the type it was declared with when that type is redefined later.
    s.cell("interface P { a: number }");
    s.cell("const p: P = { a: 1 };");
    s.cell("interface P { b: string }");
    assert.deepEqual(s.cell("const pa: number = p.a;").errors, []);
    assert.deepEqual(s.cell('const q: P = { b: "x" };').errors, []);
    assert.deepEqual(s.cell("const p2 = p;").errors, [], "a declaration naming the hidden type");
    assert.deepEqual(s.cell("const p2a: number = p2.a;").errors, []);
  } finally {
    s.conv.close();
  }
});

test("references to a chunk's names run as the executor's exports, shorthand properties too", () => {
  const s = session();
  try {
    s.cell("const early = 1;");
    s.cell("let later = 2;");
    const out = s.cell("const both = early + later;\n({ early })").output!;
    assert.match(out, /exports\.early \+ exports\.later/);
    assert.match(out, /early: exports\.early/);
    assert.match(out, /const both = /, "the cell's own names are its own");
    assert.ok(s.conv.complete(s.decl, "ear", 3).candidates.includes("early"), "completion sees a chunk's names");
    const { quickInfoText } = require("./language");
    assert.match(quickInfoText(s.conv.inspect(s.decl, "later", 2)), /let later: number/, "and inspection");
    s.decl = NO_DECLARATIONS;
    assert.match(s.cell("early").errors[0], /Cannot find name 'early'/, "reset: the chunks' names are gone");
    assert.deepEqual(s.cell("const early = 5;").errors, []);
  } finally {
    s.conv.close();
  }
});

test("what the first of 300 cells (3,000 names) defined is still typed and reachable; a redefinition wins", async () => {
  const { CellExecutor } = require("./child/executor");
  const { Interrupts } = require("./child/interrupts");
  const ex = new CellExecutor(root, new Interrupts());
  const run = async (code: string) => {
    const r = await ex.run(code);
    assert.equal(r.ok, true, `${code}: ${JSON.stringify(r.error)}`);
    return r;
  };
  try {
    for (let c = 0; c < 300; c++) {
      await run(Array.from({ length: 10 }, (_, k) => `const v${c * 10 + k} = ${c * 10 + k};`).join(" "));
    }
    assert.ok(ex.decl.chunks.length >= 5, `the declarations are in chunks (${ex.decl.chunks.length})`);
    const r = await run("const sum: number = v0 + v1 + v1500 + v2999; sum");
    assert.equal(r.value, 0 + 1 + 1500 + 2999);
    await run('const v0 = "zero";');
    assert.equal((await run("v0.length + v2999")).value, 4 + 2999);
    assert.equal(ex.locals.v1, 1);
  } finally {
    ex.close();
  }
});
