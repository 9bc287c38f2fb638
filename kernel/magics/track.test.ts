// %track's span is state of the runtime that started it: each registry of magics has its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../../src/track";
import { defaultMagics } from "./index";
import { parseArgs } from "./parse";
import type { MagicContext } from "./contract";

const printed: string[] = [];
const noModules = { cellDir: process.cwd(), autoreload: true, pending: () => [], loaded: () => [], section: () => "" };
const ctx = { print: (text: string) => void printed.push(text), display() {}, modules: () => noModules } as unknown as MagicContext;

async function runTrack(magics: ReturnType<typeof defaultMagics>, args: string): Promise<void> {
  const def = magics.get("track")!;
  await def.run(ctx, parseArgs(def.spec, args), undefined);
}

test("a %track span belongs to its runtime's magics: another runtime neither sees nor ends it", async () => {
  await track.useStore(`sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-span-")), "store.db")}`);
  const first = defaultMagics();
  const second = defaultMagics();
  await runTrack(first, "spanning");
  assert.match(printed.pop()!, /^tracking run spanning \(\w{8}\): the cells you run until %track end are recorded$/);
  await assert.rejects(runTrack(second, "end"), /no %track span is running: start one with %track \[name\]/);
  await runTrack(second, "other"); // not refused as "still tracking"
  await first.get("track")!.afterCell!("const x = 1", undefined);
  await runTrack(first, "end");
  await runTrack(second, "end");
  const spanning = await track.store().getRun("spanning");
  assert.equal(spanning.status, "finished");
  assert.equal(spanning.source, "const x = 1", "the cell went to the first runtime's span");
  assert.equal((await track.store().getRun("other")).source, "");
});
