// The MLflow layout of media and output, without a server: names MLflow accepts, the tag log_table
// keeps, output segments.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  appendToSegment, emptyIndex, emptySegment, mediaFiles, OUTPUT_SEGMENT_BYTES, readSegment, safeKey, SAFE_TAG_VALUE, segmentChunks, withEntry, withLoggedTable,
} from "./layout";
import type { MediaRecord } from "../../track/types";

const rec = (over: Partial<MediaRecord>): MediaRecord => ({ key: "k", kind: "text", step: 0, ts: 1, hash: "h", bytes: 1, mime: "text/plain", meta: {}, ...over });

test("media keys become paths MLflow accepts; two keys never share one", () => {
  assert.equal(safeKey("eval/confusion matrix"), "eval/confusion matrix", "what MLflow allows stays as it is");
  const a = safeKey("per class: f1"), b = safeKey("per class; f1");
  assert.match(a, /^per class_ f1-[0-9a-f]{8}$/);
  assert.notEqual(a, b);
  assert.match(safeKey("../up"), /^__\/up-[0-9a-f]{8}$/, "no segment climbs out of the run's folder");
  for (const k of ["a,b", "q\"x", "[1]", "{x}", "é", "a+b", "50%"]) assert.match(safeKey(k), /^[A-Za-z0-9_\-. /]+$/);
});

test("a PNG is named as log_image names it, with its thumbnail; an SVG, a figure, a table and text by key and step", () => {
  const png = mediaFiles(rec({ key: "samples/first", kind: "image", mime: "image/png", step: 3, ts: 1234.6 }), Buffer.from("png"));
  assert.equal(png.logged, "image");
  assert.match(png.files[0].path, /^images\/samples~first\+step\+3\+timestamp\+1235\+[0-9a-f-]{36}\.png$/);
  assert.equal(png.files[1].path, png.files[0].path.replace(/\.png$/, "+compressed.png"));
  assert.deepEqual(mediaFiles(rec({ kind: "image", mime: "image/svg+xml" }), Buffer.from("")).files.map((f) => f.path), ["images/k/step_0.svg"]);
  assert.deepEqual(mediaFiles(rec({ kind: "figure", step: 2 }), Buffer.from("{}")).files.map((f) => f.path), ["figures/k/step_2.json", "figures/k/step_2.html"]);
  assert.deepEqual(mediaFiles(rec({ kind: "table" }), Buffer.from("")), { files: [{ path: "tables/k/step_0.json", content: Buffer.from("") }], logged: "table" });
  assert.deepEqual(mediaFiles(rec({}), Buffer.from("")).files.map((f) => f.path), ["text/k/step_0.txt"]);
});

test("mlflow.loggedArtifacts is extended as log_table writes it, once per path, and never past what every server takes", () => {
  const one = withLoggedTable(undefined, "tables/a/step_0.json");
  assert.equal(one, '[{"path": "tables/a/step_0.json", "type": "table"}]');
  assert.equal(withLoggedTable(one!, "tables/a/step_0.json"), null, "already listed");
  assert.equal(withLoggedTable('[{"path": "x.json", "type": "table"}]', "y.json"), '[{"path": "x.json", "type": "table"}, {"path": "y.json", "type": "table"}]');
  let tag: string | undefined;
  let listed = 0;
  for (let i = 0; i < 200; i++) {
    const next = withLoggedTable(tag, `tables/t${i}/step_0.json`);
    if (next === null) break;
    tag = next;
    listed++;
  }
  assert.ok(tag!.length <= SAFE_TAG_VALUE && listed > 50 && listed < 200, `${listed} tables listed in ${tag!.length} characters`);
});

test("the media index keeps one item per key and step, sorted, each with the version that wrote it", () => {
  let index = emptyIndex();
  for (const [key, step] of [["b", 1], ["a", 0], ["b", 0], ["B", 0]] as const) index = withEntry(index, { ...rec({ key, step }), path: `${key}${step}`, files: [`${key}${step}`] }).index;
  const again = withEntry(index, { ...rec({ key: "b", step: 1, hash: "new" }), path: "p", files: ["p"] });
  assert.equal(again.replaced?.path, "b1");
  assert.deepEqual(again.index.items.map((m) => [m.key, m.step, m.v]), [["B", 0, 4], ["a", 0, 2], ["b", 0, 3], ["b", 1, 5]]);
  assert.equal(again.index.version, 5);
});

test("output segments: appended whole chunks, a new segment once full, bytes past the chunk list left out", () => {
  let s = appendToSegment(emptySegment(1), [{ stream: "stdout", ts: 1, text: "héllo\n" }, { stream: "stderr", ts: 2, text: "warn\n" }]);
  assert.deepEqual(s.chunks, [["stdout", 1, 7], ["stderr", 2, 5]]);
  assert.deepEqual(segmentChunks(s, 1).map((c) => c.text), ["warn\n"]);
  const cut = readSegment(1, Buffer.concat([s.log, Buffer.from("half-written")]), JSON.stringify(s.chunks));
  assert.deepEqual(segmentChunks(cut).map((c) => c.text), ["héllo\n", "warn\n"]);
  s = appendToSegment(s, [{ stream: "stdout", ts: 3, text: "x".repeat(OUTPUT_SEGMENT_BYTES) }]);
  assert.equal(s.n, 1, "a segment fills past its size by one batch at most");
  s = appendToSegment(s, [{ stream: "stdout", ts: 4, text: "next\n" }]);
  assert.deepEqual([s.n, s.chunks.length, s.log.toString()], [2, 1, "next\n"]);
});
