import { test } from "node:test";
import assert from "node:assert/strict";
import { MAGIC_SPECS, magicSpecs } from "./specs";
import { defaultMagics } from "./index";

test("the protocol process's specs and the runtime's magics are the same magics, spec for spec", () => {
  const runtime = defaultMagics().all();
  assert.deepEqual(runtime.map((d) => d.spec.name), magicSpecs().all().map((d) => d.spec.name));
  for (const d of runtime) assert.equal(d.spec, magicSpecs().get(d.spec.name)?.spec, d.spec.name);
  assert.equal(new Set(MAGIC_SPECS.map((s) => s.name)).size, MAGIC_SPECS.length);
});

test("reading the specs loads no implementation (nor src/track, src/tune, src/baselines)", () => {
  const { spawnSync } = require("child_process");
  const script = `require(${JSON.stringify(require.resolve("./specs"))});
    const loaded = Object.keys(require.cache).filter((f) => /[\\\\/](src[\\\\/](track|tune|baselines)[\\\\/]index|kernel[\\\\/]magics[\\\\/](track|sweep|baseline|builtins|index))\\.js$/.test(f));
    process.stdout.write(JSON.stringify(loaded));`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
});
