import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs, splitCell, tokenize, MagicUsageError } from "./parse";
import type { MagicSpec } from "./spec";
import { isCompleteCode } from "../language";

const spec: MagicSpec = {
  name: "demo",
  line: true,
  cell: true,
  summary: "",
  usage: "%demo",
  options: [
    { name: "tags", type: "list", help: "" },
    { name: "limit", short: "n", type: "int", help: "", default: 10 },
    { name: "rate", type: "number", help: "" },
    { name: "quiet", short: "q", type: "boolean", help: "" },
  ],
  positional: [{ name: "name", help: "" }],
};

test("tokenize groups quoted words and honours escapes", () => {
  assert.deepEqual(tokenize(`a "b c" 'd e' f\\ g "h\\"i"`), ["a", "b c", "d e", "f g", 'h"i']);
  assert.deepEqual(tokenize(`""`), [""]);
  assert.throws(() => tokenize(`"open`), MagicUsageError);
});

test("options parse by type with defaults, --x=v and short forms", () => {
  const p = parseArgs(spec, `run-1 --tags a,b -n 5 --rate=0.5 -q`);
  assert.deepEqual(p.positional, ["run-1"]);
  assert.deepEqual(p.options, { tags: ["a", "b"], limit: 5, rate: 0.5, quiet: true });
  assert.equal(parseArgs(spec, "").options.limit, 10);
});

test("bad arguments are usage errors that say what to do", () => {
  assert.throws(() => parseArgs(spec, "--limit ten"), /wants an integer.*--help/);
  assert.throws(() => parseArgs(spec, "--limit 1.5"), /wants an integer/);
  assert.throws(() => parseArgs(spec, "--rate NaN"), /wants a number/);
  assert.throws(() => parseArgs(spec, "--nope"), /unknown option --nope/);
  assert.throws(() => parseArgs(spec, "--limit"), /needs a value/);
  assert.throws(() => parseArgs(spec, "a b"), /at most 1 positional/);
});

test("--help and -h ask for help", () => {
  assert.equal(parseArgs(spec, "--help").help, true);
  assert.equal(parseArgs({ ...spec, rawTail: true }, " -h ").help, true);
});

test("a raw tail keeps code untouched after the options", () => {
  const raw: MagicSpec = { ...spec, rawTail: true };
  const p = parseArgs(raw, `-n 3 const s = "a  b" % 2`);
  assert.equal(p.options.limit, 3);
  assert.equal(p.rest, `const s = "a  b" % 2`);
  assert.equal(parseArgs(raw, "-x + 1").rest, "-x + 1"); // negation, not an option
  assert.throws(() => parseArgs(raw, "--bogus 1"), /unknown option --bogus/);
});

const opts = { isLineMagic: (n: string) => ["time", "env"].includes(n), isComplete: (c: string) => isCompleteCode(c.trimEnd()).completed };

test("a cell magic takes the first line and leaves the body", () => {
  const s = splitCell("%%time --x 1\nconst a = 1\na", opts);
  assert.deepEqual(s.cellMagic, { name: "time", args: "--x 1", body: "const a = 1\na" });
});

test("line magics split code where they stand at a statement boundary", () => {
  const s = splitCell("const a = 1\n%env A=1\na + 1", opts);
  assert.deepEqual(
    s.segments.map((x) => x.kind),
    ["code", "magic", "code"],
  );
  assert.equal(s.segments[2].line, 2);
});

test("modulo on a continuation line stays TypeScript", () => {
  for (const code of ["const m = (17\n%time)", "const r = [1,\n%env]", "const x = 1 +\n%time"]) {
    const s = splitCell(code, opts);
    assert.deepEqual(s.segments.map((x) => x.kind), ["code"], code);
  }
});

test("an unknown %name after a finished statement is reported as a magic", () => {
  const s = splitCell("const a = 1;\n%nosuch", opts);
  assert.deepEqual(s.segments.map((x) => x.kind), ["code", "magic"]);
  // …but where it may be modulo by a variable, it stays code
  assert.deepEqual(splitCell("a\n%b", opts).segments.map((x) => x.kind), ["code"]);
});

test("?name and name? ask for help; ternaries do not", () => {
  assert.equal(splitCell("?Math.max", opts).pinfo, "Math.max");
  assert.equal(splitCell("Math.max?", opts).pinfo, "Math.max");
  assert.equal(splitCell("a ? b : c", opts).pinfo, undefined);
  assert.equal(splitCell("x?.y", opts).pinfo, undefined);
});

test("a cell magic below the first line is a usage error", () => {
  assert.throws(() => splitCell("const a = 1\n%%time\na", opts), /must be the first line of the cell \(line 2/);
});

test("a line starting with ! at a statement boundary is a shell command, passed on unparsed", () => {
  const s = splitCell("const a = 1\n!ls -la --color 'x y'\na", opts);
  assert.deepEqual(s.segments.map((x) => x.kind), ["code", "magic", "code"]);
  assert.deepEqual(s.segments[1], { kind: "magic", name: "sh", args: "ls -la --color 'x y'", line: 1, raw: true });
  // inside an unfinished statement, or as !=, it stays TypeScript
  for (const code of ["const ok = (a\n!b)", "if (x) {\n  !y\n}", "a\n!= b"]) {
    assert.deepEqual(splitCell(code, opts).segments.map((x) => x.kind), ["code"], code);
  }
});
