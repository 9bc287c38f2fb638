// %automl through the magic registry, as a cell runs it: the table by name, --time as a
// duration, the result set as the cell's value, and the usage errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../../src/track";
import { Random } from "../../src/random";
import { AutoMLResult } from "../../src/automl";
import { defaultMagics } from "./index";
import { parseArgs } from "./parse";
import { parseDuration } from "./automl";
import type { MagicContext } from "./contract";

function rows(n: number) {
  const rng = new Random(3);
  return Array.from({ length: n }, () => {
    const a = rng.float() * 4 - 2, b = rng.float() * 4 - 2;
    return { a, b, kind: a - b > 0 ? "up" : "down" };
  });
}

async function run(args: string, locals: Record<string, unknown>) {
  let result: unknown;
  const ctx = { locals: () => locals, setResult: (v: unknown) => (result = v), print() {}, display() {} } as unknown as MagicContext;
  const def = defaultMagics().get("automl")!;
  await def.run(ctx, parseArgs(def.spec, args), undefined);
  return result;
}

test("%automl TABLE --target COL --time 3s --test TABLE --register NAME: the result is the cell's value and the winner is registered", async () => {
  await track.useStore(`sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-automl-magic-")), "store.db")}`);
  const data = rows(300);
  const result = (await run("train --target kind --time 3s --families lr,tree --test test --register kinds --seed 1", { train: data.slice(0, 220), test: data.slice(220) })) as AutoMLResult;
  assert.ok(result instanceof AutoMLResult);
  assert.ok(result.r.searchSeconds <= 3.3 + 1, `${result.r.searchSeconds}`);
  assert.ok(result.testScore! > 0.9);
  assert.equal((await track.store().resolveModel("kinds@automl")).version, 1);
});

test("%automl usage errors say what to write", async () => {
  const locals = { train: rows(40), n: 3 };
  await assert.rejects(() => run("--target kind", locals), /%automl needs the table: %automl passages --target genre/);
  await assert.rejects(() => run("train", locals), /%automl needs --target, the column to predict: %automl train --target genre/);
  await assert.rejects(() => run("trian --target kind", locals), /no variable 'trian' in this notebook/);
  await assert.rejects(() => run("n --target kind", locals), /'n' is number, not a table/);
  await assert.rejects(() => run("train --target kind --time soon", locals), /--time takes a duration such as 30s, 2m or 90, got 'soon'/);
  await assert.rejects(() => run("train --target kind --families lr,svm --time 2", locals), /unknown family 'svm' for classification/);
  assert.equal(parseDuration("2m"), 120);
  assert.equal(parseDuration("90"), 90);
  assert.equal(parseDuration("1.5s"), 1.5);
});
