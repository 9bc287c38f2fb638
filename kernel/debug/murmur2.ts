// MurmurHash2 (32 bits) of a string's UTF-8 bytes: how JupyterLab's debugger names a cell's file
// (`${tmpFilePrefix}${murmur2(code, seed)}${tmpFileSuffix}`), so the kernel must hash the same way.
const M = 0x5bd1e995;

export function murmur2(text: string, seed: number): number {
  const bytes = Buffer.from(text, "utf8");
  let length = bytes.length;
  let h = (seed ^ length) >>> 0;
  let i = 0;
  for (; length >= 4; length -= 4, i += 4) {
    let k = bytes.readUInt32LE(i);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The tail: up to three bytes, highest first.
  if (length >= 3) h ^= bytes[i + 2] << 16;
  if (length >= 2) h ^= bytes[i + 1] << 8;
  if (length >= 1) {
    h ^= bytes[i];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h >>> 0;
}
