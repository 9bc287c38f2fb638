import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "timers/promises";
import { LanguageWarmup } from "./warmup";

test("completion warms once, only after the runtime has and the kernel has been idle; never while a cell runs", async () => {
  let warms = 0;
  let busy = false;
  const w = new LanguageWarmup(() => warms++, () => busy, 20);
  w.idle();
  await sleep(40);
  assert.equal(warms, 0, "not before the runtime has built its program");
  busy = true;
  w.runtimeReady();
  await sleep(40);
  assert.equal(warms, 0, "not while a cell runs");
  busy = false;
  w.idle();
  await sleep(40);
  assert.equal(warms, 1);
  w.idle();
  await sleep(40);
  assert.equal(warms, 1, "once");
});

test("a stopped kernel does not warm", async () => {
  let warms = 0;
  const w = new LanguageWarmup(() => warms++, () => false, 20);
  w.runtimeReady();
  w.stop();
  await sleep(40);
  assert.equal(warms, 0);
});
