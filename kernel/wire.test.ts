import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "crypto";
import { decode, encode, newHeader, Signer, BadMessage } from "./wire";

const msg = () => ({
  identities: [Buffer.from("client-id")],
  header: newHeader("execute_request", "s1"),
  parent_header: {},
  metadata: {},
  content: { code: "1 + 1" },
  buffers: [Buffer.from([1, 2, 3])],
});

test("a signed message survives encode and decode", () => {
  const signer = new Signer("secret");
  const m = msg();
  const back = decode(encode(m, signer), signer);
  assert.deepEqual(back.content, m.content);
  assert.deepEqual(back.identities.map(String), ["client-id"]);
  assert.deepEqual([...back.buffers[0]], [1, 2, 3]);
  assert.equal(back.header.version, "5.3");
});

test("the signature is HMAC-SHA256 over header, parent, metadata and content", () => {
  const frames = encode(msg(), new Signer("k"));
  const i = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
  const h = createHmac("sha256", "k");
  for (const f of frames.slice(i + 2, i + 6)) h.update(f);
  assert.equal(frames[i + 1].toString(), h.digest("hex"));
});

test("a message signed with another key, or unsigned, is refused", () => {
  const frames = encode(msg(), new Signer("attacker"));
  assert.throws(() => decode(frames, new Signer("secret")), BadMessage);
  const unsigned = encode(msg(), new Signer(""));
  assert.throws(() => decode(unsigned, new Signer("secret")), BadMessage);
});

test("a tampered content frame is refused", () => {
  const signer = new Signer("secret");
  const frames = encode(msg(), signer);
  const i = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
  frames[i + 5] = Buffer.from(JSON.stringify({ code: "process.exit()" }));
  assert.throws(() => decode(frames, signer), /bad HMAC/);
});

test("frames without a delimiter are refused, not crashed on", () => {
  assert.throws(() => decode([Buffer.from("junk")], new Signer("k")), BadMessage);
});

test("NaN and bigint become JSON a Python client accepts", () => {
  const signer = new Signer("");
  const m = { ...msg(), content: { loss: NaN, big: 10n } };
  const back = decode(encode(m as any, signer), signer);
  assert.deepEqual(back.content, { loss: null, big: "10" });
});

test("an unsupported signature scheme is a clear error", () => {
  assert.throws(() => new Signer("k", "hmac-md5"), /hmac-sha256/);
});

test("NaN and ±Infinity without a bigint (the fast path) become null too, however deep", () => {
  const signer = new Signer("k");
  const m = { ...msg(), content: { data: { rows: [{ last: NaN, min: -Infinity, max: Infinity, ok: 0.5 }] } } };
  const back = decode(encode(m as any, signer), signer);
  assert.deepEqual(back.content, { data: { rows: [{ last: null, min: null, max: null, ok: 0.5 }] } });
});

test("a bigint deep in a message beside NaN: both written as a Python client accepts", () => {
  const signer = new Signer("k");
  const m = { ...msg(), content: { a: [{ big: 2n ** 70n, loss: NaN }] } };
  assert.deepEqual(decode(encode(m as any, signer), signer).content, { a: [{ big: "1180591620717411303424", loss: null }] });
});
