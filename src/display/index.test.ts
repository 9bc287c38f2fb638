import { test } from "node:test";
import assert from "node:assert/strict";
import { display, clearOutput, html, MIME, setDisplaySink, toDisplayOutput, isQuiet, type DisplayOutput } from "./index";

test("a value's MIME method gives its bundle, with text/plain added", () => {
  const v = { [MIME]: () => ({ "text/html": "<b>x</b>" }) };
  const out = toDisplayOutput(v);
  assert.equal(out.data["text/html"], "<b>x</b>");
  assert.equal(typeof out.data["text/plain"], "string");
  assert.deepEqual(toDisplayOutput([1, 2]).data, { "text/plain": "[ 1, 2 ]" });
});

test("display goes to the installed sink; handles update in place", () => {
  const seen: Array<[DisplayOutput, string | undefined, boolean] | ["clear", boolean]> = [];
  setDisplaySink({ display: (o, id, u) => seen.push([o, id, u]), clear: (w) => seen.push(["clear", w]) });
  try {
    const h = display(html("<i>1</i>"));
    h.update("two");
    clearOutput(true);
    assert.equal(seen.length, 3);
    assert.equal((seen[0] as any)[1], h.id);
    assert.equal((seen[1] as any)[2], true);
    assert.deepEqual(seen[2], ["clear", true]);
    assert.ok(isQuiet(h));
    // A displayed string is its text, as a progress line should read (no REPL quotes).
    assert.deepEqual((seen[1] as any)[0].data, { "text/plain": "two" });
  } finally {
    setDisplaySink(null);
  }
});
