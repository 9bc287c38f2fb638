import { test } from "node:test";
import assert from "node:assert/strict";
import { compose, decodeMappings, encodeMappings, LineMap, type Mapping } from "./sourceMap";

test("mappings survive encoding; composing maps C → B → A, shifted and dropping what falls before the start", () => {
  const outer: Mapping[] = [
    { genLine: 0, genCol: 0, srcLine: 0, srcCol: 0 },
    { genLine: 2, genCol: 4, srcLine: 1, srcCol: 2 },
    { genLine: 3, genCol: 0, srcLine: 2, srcCol: 0 },
  ];
  assert.deepEqual(decodeMappings(encodeMappings(outer)), outer);
  const inner: Mapping[] = [
    { genLine: 0, genCol: 0, srcLine: 0, srcCol: 0 },
    { genLine: 1, genCol: 0, srcLine: 3, srcCol: 0 },
    { genLine: 2, genCol: 0, srcLine: 5, srcCol: 1 },
  ];
  assert.deepEqual(compose(outer, inner, -1), [
    { genLine: 2, genCol: 4, srcLine: 2, srcCol: 0 },
    { genLine: 3, genCol: 0, srcLine: 4, srcCol: 1 },
  ]);
  const map = new LineMap(compose(outer, inner, 0));
  assert.equal(map.sourceLine(2, 10), 3);
  assert.equal(map.sourceLine(1, 0), null, "a generated line with no mapping is the compiler's");
  assert.deepEqual(map.generated(4), { srcLine: 5, genLine: 3, genCol: 0 }, "a line without code moves down to the next that has some");
});

test("source maps for the debugger: a cell's only while asked for, a local module's always, at its own lines", () => {
  const { createConverter } = require("../language");
  const { LineMap, takeInlineMap } = require("./sourceMap");
  const fs = require("fs");
  const os = require("os");
  const path = require("path");
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "modelbench-maps-")));
  fs.writeFileSync(path.join(dir, "helpers.ts"), "// helpers\nexport function double(x: number): number {\n  return x * 2;\n}\n");
  const cwd = process.cwd();
  process.chdir(dir); // tslab compiles the modules of its working folder
  const maps = { cells: false };
  const conv = createConverter({ maps });
  try {
    const off = conv.convert("", 'import { double } from "./helpers";\nconst y = double(2);');
    assert.deepEqual(off.diagnostics, []);
    assert.equal(takeInlineMap(off.output).mappings, null, "no map for a cell while no debugger is attached");
    const mod = off.sideOutputs.find((o: any) => o.path === path.join(dir, "helpers.js"));
    const moduleMap = takeInlineMap(mod.data);
    assert.equal(moduleMap.source, "../helpers.ts");
    const returnLine = mod.data.split("\n").findIndex((l: string) => l.includes("return x * 2"));
    assert.equal(LineMap.decode(moduleMap.mappings).sourceLine(returnLine, 4), 2, "the module's line 3 (0-based 2), not shifted by the cell prefix");
    maps.cells = true;
    const on = conv.convert("", "const z = 1;\nz + 1");
    const cellMap = takeInlineMap(on.output);
    assert.notEqual(cellMap.mappings, null, "a cell compiled while attached has its map");
    const zLine = on.output.split("\n").findIndex((l: string) => l.startsWith("const z = 1"));
    assert.equal(LineMap.decode(cellMap.mappings).sourceLine(zLine, 0), 0);
    maps.cells = false;
    assert.equal(takeInlineMap(conv.convert("", "const w = 1;").output).mappings, null, "and none once detached");
  } finally {
    conv.close();
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
