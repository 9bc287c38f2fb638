// Reads and writes the safetensors format (Hugging Face checkpoints): an 8-byte little-endian header
// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw data. Views
// are zero-copy where the bytes are aligned; every offset is checked against the file before use,
// so a truncated file or a header that lies fails with a clear error, not garbage weights.
import * as fs from "fs";
import { ModelbenchError } from "../errors";

/** A safetensors file that cannot be read as one (truncated, corrupt, or lying about its offsets). */
export class SafetensorsError extends ModelbenchError {}

export type Dtype = "F32" | "F16" | "BF16" | "I64" | "I32" | "U8" | "BOOL";
const BYTES: Record<Dtype, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, U8: 1, BOOL: 1 };

export interface TensorInfo {
  dtype: Dtype;
  shape: number[];
  /** Byte range within the data section. */
  begin: number;
  end: number;
}

export class Safetensors {
  private constructor(
    /** The whole file. */
    readonly bytes: Uint8Array,
    private readonly dataStart: number,
    readonly tensors: ReadonlyMap<string, TensorInfo>,
    /** The header's `__metadata__` (string → string), {} when absent. */
    readonly metadata: Readonly<Record<string, string>>,
    private readonly source: string,
  ) {}

  static readFile(file: string): Safetensors {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw new SafetensorsError(`cannot read ${file}: ${(e as Error).message}`);
    }
    return Safetensors.parse(bytes, file);
  }

  /** Parses bytes already in memory (kept, not copied). */
  static parse(bytes: Uint8Array, source = "safetensors data"): Safetensors {
    const broken = (why: string) => new SafetensorsError(`${source} is not a valid safetensors file: ${why}; re-download or re-save it`);
    if (bytes.byteLength < 8) throw broken(`it has ${bytes.byteLength} bytes, fewer than the 8-byte header length`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = Number(view.getBigUint64(0, true));
    if (headerLength > bytes.byteLength - 8) throw broken(`its header claims ${headerLength} bytes but the file has ${bytes.byteLength - 8} after the length (truncated?)`);
    if (headerLength > 100 * 2 ** 20) throw broken(`its header claims ${headerLength} bytes (more than 100 MB)`);
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
    } catch (e) {
      throw broken(`its header is not JSON (${(e as Error).message})`);
    }
    if (header === null || typeof header !== "object" || Array.isArray(header)) throw broken("its header is not a JSON object");
    const dataStart = 8 + headerLength;
    const dataLength = bytes.byteLength - dataStart;
    const tensors = new Map<string, TensorInfo>();
    let metadata: Record<string, string> = {};
    const ranges: [number, number, string][] = [];
    for (const [name, raw] of Object.entries(header)) {
      if (name === "__metadata__") {
        metadata = (raw ?? {}) as Record<string, string>;
        continue;
      }
      const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if (typeof t?.dtype !== "string" || !(t.dtype in BYTES)) throw broken(`tensor '${name}' has dtype ${JSON.stringify(t?.dtype)}; readable are ${Object.keys(BYTES).join(", ")}`);
      if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw broken(`tensor '${name}' has shape ${JSON.stringify(t.shape)}`);
      const offsets = t.data_offsets;
      if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
        throw broken(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}`);
      }
      const [begin, end] = offsets as [number, number];
      const dtype = t.dtype as Dtype;
      const count = (t.shape as number[]).reduce((a, b) => a * b, 1);
      if (end - begin !== count * BYTES[dtype]) throw broken(`tensor '${name}' (${dtype} ${JSON.stringify(t.shape)}) needs ${count * BYTES[dtype]} bytes but its offsets span ${end - begin}`);
      if (end > dataLength) throw broken(`tensor '${name}' ends at byte ${end} of the data, which has only ${dataLength} (truncated?)`);
      tensors.set(name, { dtype, shape: t.shape as number[], begin, end });
      ranges.push([begin, end, name]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ranges.length; i++) {
      if (ranges[i][0] < ranges[i - 1][1]) throw broken(`tensors '${ranges[i - 1][2]}' and '${ranges[i][2]}' overlap`);
    }
    return new Safetensors(bytes, dataStart, tensors, metadata, source);
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const t = this.tensors.get(name);
    if (!t) throw new SafetensorsError(`${this.source} has no tensor '${name}'`);
    return t;
  }

  /** The raw bytes of a tensor (a view into the file). */
  raw(name: string): Uint8Array {
    const t = this.info(name);
    return this.bytes.subarray(this.dataStart + t.begin, this.dataStart + t.end);
  }

  /**
   * A tensor as float32: F32 as a zero-copy view when its bytes are 4-aligned (a copy otherwise),
   * F16/BF16 widened, integers converted.
   */
  float32(name: string): Float32Array {
    const t = this.info(name);
    const raw = this.raw(name);
    const n = raw.byteLength / BYTES[t.dtype];
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    switch (t.dtype) {
      case "F32":
        if (raw.byteOffset % 4 === 0) return new Float32Array(raw.buffer, raw.byteOffset, n);
        return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
      case "F16":
        return Float32Array.from({ length: n }, (_, i) => halfToFloat(view.getUint16(i * 2, true)));
      case "BF16": {
        const out = new Float32Array(n);
        const bits = new Uint32Array(out.buffer);
        for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
        return out;
      }
      case "I64":
        return Float32Array.from({ length: n }, (_, i) => Number(view.getBigInt64(i * 8, true)));
      case "I32":
        return Float32Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true));
      default:
        return Float32Array.from(raw);
    }
  }

  /** An I64 (or I32) tensor as plain numbers (exact up to 2^53). */
  int(name: string): number[] {
    const t = this.info(name);
    const raw = this.raw(name);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (t.dtype === "I64") return Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    if (t.dtype === "I32") return Array.from({ length: raw.byteLength / 4 }, (_, i) => view.getInt32(i * 4, true));
    throw new SafetensorsError(`tensor '${name}' is ${t.dtype}, not an integer tensor`);
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

export interface TensorToWrite {
  dtype?: "F32" | "I64";
  shape: number[];
  data: Float32Array | ArrayLike<number>;
}

/** Writes tensors (and string metadata) as safetensors bytes, data 8-aligned as the reference writer does. */
export function encodeSafetensors(tensors: Record<string, TensorToWrite>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const parts: { start: number; t: TensorToWrite }[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const dtype = t.dtype ?? "F32";
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) throw new SafetensorsError(`tensor '${name}' has ${t.data.length} values but shape ${JSON.stringify(t.shape)} needs ${count}`);
    const size = count * BYTES[dtype];
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    parts.push({ start: offset, t: { ...t, dtype } });
    offset += size;
  }
  let json = Buffer.from(JSON.stringify(header), "utf8");
  const pad = (8 - ((8 + json.length) % 8)) % 8;
  json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = Buffer.alloc(8 + json.length + offset);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  const base = 8 + json.length;
  for (const { start, t } of parts) {
    if (t.dtype === "I64") Array.from(t.data).forEach((v, i) => out.writeBigInt64LE(BigInt(Math.round(v)), base + start + i * 8));
    else Buffer.from(Float32Array.from(t.data).buffer).copy(out, base + start);
  }
  return out;
}
