// A small seeded random source: the same seed gives the same numbers on every machine, which is
// what makes a baseline or a sweep reproducible. sfc32 is fast, passes PractRand, and needs only
// 32-bit integer arithmetic; splitmix32 spreads a small integer seed over its 128-bit state.

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * Without a seed: the next seed of the global sequence when one was set (setGlobalSeed, %seed),
   * else one from the OS so runs differ (like numpy's default).
   */
  constructor(seed?: number) {
    let s = seed === undefined ? nextUnseeded() : seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.uint32() >>> 5) * 67108864 + (this.uint32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An index drawn with the given probabilities (which sum to 1). */
  categorical(probabilities: ArrayLike<number>): number {
    const u = this.float();
    let acc = 0;
    for (let i = 0; i < probabilities.length; i++) {
      acc += probabilities[i];
      if (u < acc) return i;
    }
    // Rounding can leave acc a hair below 1; the last class with mass takes the remainder.
    for (let i = probabilities.length - 1; i >= 0; i--) if (probabilities[i] > 0) return i;
    return probabilities.length - 1;
  }
}

const SEED = Symbol.for("modelbench.seed");
const COUNTER = Symbol.for("modelbench.seedCounter");

/**
 * Seeds every random source the helpers create without a seed of their own, in creation order,
 * and is recorded by runs started afterwards. `null` goes back to fresh OS seeds.
 */
export function setGlobalSeed(seed: number | null): void {
  const g = globalThis as any;
  if (seed !== null && (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)) {
    throw new RangeError(`a seed is a whole number from 0 to 4294967295, got ${seed}`);
  }
  g[SEED] = seed ?? undefined;
  g[COUNTER] = 0;
}

export function globalSeed(): number | null {
  const s = (globalThis as any)[SEED];
  return typeof s === "number" ? s : null;
}

function nextUnseeded(): number {
  const g = globalThis as any;
  const base = globalSeed();
  if (base === null) return (Math.random() * 2 ** 32) >>> 0;
  const i = (g[COUNTER] = (g[COUNTER] ?? 0) + 1);
  // Distinct, well-spread seeds per source: the golden-ratio step of splitmix.
  return (base + Math.imul(i, 0x9e3779b9)) >>> 0;
}
