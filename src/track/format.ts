// How numbers, times and durations read in tables.

export function formatNumber(v: unknown): string {
  if (typeof v !== "number") return v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

const SUBMINUTE: Array<[number, string]> = [[1000, "s"], [1, "ms"], [1e-3, "µs"], [1e-6, "ns"]];

/**
 * A duration given in milliseconds, the one way every table, %time and progress bar shows it: three
 * significant digits under a minute (`850µs`, `12.3ms`, `4.21s`), then minutes and hours (`1m05s`,
 * `2h03m`). Null (a run still going) is empty. `wholeSeconds` rounds under a minute to whole
 * seconds (`4s`), for a progress bar that redraws every batch.
 */
export function formatDuration(ms: number | null, options: { wholeSeconds?: boolean } = {}): string {
  if (ms === null) return "";
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return "0s";
  const a = Math.abs(ms);
  if (options.wholeSeconds && a < 59_500) return `${Math.round(ms / 1000)}s`;
  if (a < 59_950) {
    for (const [scale, unit] of SUBMINUTE) if (a >= scale * 0.9995 || unit === "ns") return `${(ms / scale).toPrecision(3)}${unit}`;
  }
  const sign = ms < 0 ? "-" : "";
  const s = Math.round(a / 1000);
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${sign}${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A plain-text table with aligned columns. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))));
  const cut = (s: string, w: number) => (s.length > w ? s.slice(0, w - 1) + "…" : s.padEnd(w));
  const line = (r: string[]) => r.map((c, i) => cut(c ?? "", widths[i])).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
