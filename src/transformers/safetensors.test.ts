// The safetensors reader on the real MiniLM checkpoint and on files broken in each way a download can break.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { resolveModel } from "./pretrained";
import { Safetensors, SafetensorsError, encodeSafetensors } from "./safetensors";

test("reads all-MiniLM-L6-v2's 104 tensors, F32 as zero-copy views and I64 as integers", () => {
  const st = Safetensors.readFile(path.join(resolveModel("all-MiniLM-L6-v2"), "model.safetensors"));
  assert.equal(st.tensors.size, 104);
  assert.deepEqual(st.info("embeddings.word_embeddings.weight").shape, [30522, 384]);
  const w = st.float32("embeddings.word_embeddings.weight");
  assert.equal(w.length, 30522 * 384);
  assert.equal(w.buffer, st.raw("embeddings.word_embeddings.weight").buffer, "a view into the file's bytes, not a copy");
  assert.deepEqual(st.int("embeddings.position_ids").slice(0, 4), [0, 1, 2, 3]);
  assert.equal(st.metadata.format, "pt");
});

test("writes what it reads: F32, I64, metadata; F16 and BF16 are widened", () => {
  const bytes = encodeSafetensors({ a: { shape: [2, 2], data: Float32Array.of(1, -2.5, 3, 1e-3) }, n: { dtype: "I64", shape: [3], data: [0, -7, 2 ** 40] } }, { note: "hi" });
  const st = Safetensors.parse(bytes);
  assert.deepEqual(Array.from(st.float32("a")), Array.from(Float32Array.of(1, -2.5, 3, 1e-3)));
  assert.deepEqual(st.int("n"), [0, -7, 2 ** 40]);
  assert.equal(st.metadata.note, "hi");
  // Hand-made half-precision tensors: 1.0, -2.0, 0.5 (F16 0x3c00, 0xc000, 0x3800; BF16 0x3f80, 0xc000, 0x3f00).
  const half = (dtype: string, words: number[]) => {
    const header = Buffer.from(JSON.stringify({ t: { dtype, shape: [3], data_offsets: [0, 6] } }));
    const out = Buffer.alloc(8 + header.length + 6);
    out.writeBigUInt64LE(BigInt(header.length));
    header.copy(out, 8);
    words.forEach((w, i) => out.writeUInt16LE(w, 8 + header.length + 2 * i));
    return Array.from(Safetensors.parse(out).float32("t"));
  };
  assert.deepEqual(half("F16", [0x3c00, 0xc000, 0x3800]), [1, -2, 0.5]);
  assert.deepEqual(half("BF16", [0x3f80, 0xc000, 0x3f00]), [1, -2, 0.5]);
});

test("a truncated, corrupt or lying file is a SafetensorsError that says so", () => {
  const good = encodeSafetensors({ a: { shape: [4], data: [1, 2, 3, 4] }, b: { shape: [2], data: [5, 6] } });
  const bad = (bytes: Uint8Array, message: RegExp) => assert.throws(() => Safetensors.parse(bytes, "x.safetensors"), (e: unknown) => e instanceof SafetensorsError && message.test((e as Error).message));
  bad(good.subarray(0, 5), /fewer than the 8-byte header length/);
  bad(good.subarray(0, 20), /header claims \d+ bytes but the file has 12/);
  bad(good.subarray(0, good.length - 4), /tensor 'b' ends at byte 24 of the data, which has only 20 \(truncated\?\)/);
  const withHeader = (header: object) => {
    const h = Buffer.from(JSON.stringify(header));
    const out = Buffer.alloc(8 + h.length + 16);
    out.writeBigUInt64LE(BigInt(h.length));
    h.copy(out, 8);
    return out;
  };
  bad(withHeader({ a: { dtype: "F32", shape: [4], data_offsets: [0, 12] } }), /needs 16 bytes but its offsets span 12/);
  bad(withHeader({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }), /'a' and 'b' overlap/);
  bad(withHeader({ a: { dtype: "F8", shape: [2], data_offsets: [0, 2] } }), /dtype "F8"/);
  const notJSON = Buffer.alloc(16);
  notJSON.writeBigUInt64LE(4n);
  notJSON.write("{oop", 8);
  bad(notJSON, /header is not JSON/);
  assert.throws(() => Safetensors.readFile("/nonexistent.safetensors"), /cannot read \/nonexistent.safetensors/);
  assert.throws(() => Safetensors.parse(good).float32("zzz"), /has no tensor 'zzz'/);
});
