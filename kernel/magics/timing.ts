// Numbers for %time and %timeit.

export function formatDuration(seconds: number): string {
  const units: Array<[number, string]> = [[1, "s"], [1e-3, "ms"], [1e-6, "µs"], [1e-9, "ns"]];
  for (const [scale, unit] of units) {
    if (Math.abs(seconds) >= scale || unit === "ns") return `${(seconds / scale).toPrecision(3)} ${unit}`;
  }
  return `${seconds} s`;
}

export function summarize(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  return { mean, std: Math.sqrt(variance) };
}
