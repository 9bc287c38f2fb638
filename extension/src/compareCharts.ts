// Compare's curves, one figure per metric: every run's curve overlaid, or every group's mean with
// a ± std band across its runs (aligned by step); smoothed by the EMA slider with the raw line
// faint behind; y linear or log; x the step or the time since each run started. Pure: plotly
// JSON, so node's test runner checks what would be drawn.
import type { Figure } from "./charts";
import { stepBand, type BandInput } from "./grouping";
import { ema } from "./smoothing";
import type { Curve } from "./wire";

export type CompareX = "step" | "relative";
export const COMPARE_X: Array<[CompareX, string]> = [["step", "x: step"], ["relative", "x: time since start"]];

export interface CurveOptions {
  /** The EMA weight: 0 draws the raw curves. */
  smoothing: number;
  logY: boolean;
  x: CompareX;
}

/** One run's points of one metric, as Compare draws them. */
export interface RunCurve {
  label: string;
  color: string;
  /** When the run started (ms): x by time is the seconds since. */
  startedAt: number;
  curve: Curve;
}

export interface GroupCurves {
  label: string;
  color: string;
  members: RunCurve[];
}

/** Plotly's default colours (as %compare's bars): run or group i gets colour i. */
export const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

export const colourOf = (i: number) => COLOURS[i % COLOURS.length];

/** `#rrggbb` with an alpha, for a band's fill. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})`;
}

/** Faint: the raw line behind a smoothed one. */
const RAW_OPACITY = 0.25;

/** Whether every curve can be drawn against time: each point needs a wall time. */
function timed(curves: readonly RunCurve[]): boolean {
  return curves.every((c) => c.curve.ts && c.curve.ts.length === c.curve.steps.length && c.curve.ts.every(Number.isFinite));
}

/** What x ended up as: time needs wall times on every point of every run (else the step, for all alike). */
export function usedX(curves: readonly RunCurve[], x: CompareX): CompareX {
  return x === "relative" && timed(curves) ? "relative" : "step";
}

function xValues(c: RunCurve, x: CompareX): number[] {
  return x === "relative" ? c.curve.ts!.map((t) => (t - c.startedAt) / 1000) : c.curve.steps.slice();
}

/** y for plotly: non-finite values break the line; on a log axis so do values ≤ 0 (a log has none). */
function yValues(values: readonly number[], logY: boolean): Array<number | null> {
  return values.map((v) => (Number.isFinite(v) && (!logY || v > 0) ? v : null));
}

function layout(key: string, x: CompareX, o: CurveOptions): Record<string, unknown> {
  return {
    title: { text: key, font: { size: 12 }, x: 0, xanchor: "left" },
    height: 280,
    showlegend: true,
    xaxis: { title: { text: x === "relative" ? "seconds since start" : "step" }, automargin: true },
    yaxis: { type: o.logY ? "log" : "linear", automargin: true },
    margin: { l: 52, r: 12, t: 30, b: 40 },
    hovermode: "x unified",
  };
}

const mode = (n: number) => (n <= 30 ? "lines+markers" : "lines");

/**
 * Each run's curve of `key`: with smoothing, the smoothed line over the raw one drawn faint (and
 * left out of the legend); without, the raw line alone. Traces carry `meta` saying which is which.
 */
export function runCurvesFigure(key: string, runs: readonly RunCurve[], o: CurveOptions): Figure {
  const x = usedX(runs, o.x);
  const data: unknown[] = [];
  for (const r of runs) {
    const xs = xValues(r, x);
    const base = { type: "scatter", x: xs, legendgroup: r.label, marker: { size: 4, color: r.color } };
    if (o.smoothing > 0) {
      data.push({ ...base, mode: "lines", name: `${r.label} (raw)`, y: yValues(r.curve.values, o.logY), line: { color: r.color, width: 1 }, opacity: RAW_OPACITY, showlegend: false, hoverinfo: "skip", meta: { role: "raw", run: r.label } });
    }
    const y = o.smoothing > 0 ? ema(r.curve.values, o.smoothing) : r.curve.values;
    data.push({ ...base, mode: mode(xs.length), name: r.label, y: yValues(y, o.logY), line: { color: r.color, width: 2 }, meta: { role: o.smoothing > 0 ? "smoothed" : "line", run: r.label } });
  }
  return { data, layout: layout(key, x, o) };
}

/**
 * Each group's mean of `key` across its runs with a band of ± one standard deviation, aligned by
 * step (grouping.ts stepBand). Smoothing smooths every run's curve first, so the band is the spread
 * of the smoothed runs; the raw mean is drawn faint behind. On a log axis a band's lower edge at or
 * below zero is drawn at the mean (a log axis cannot show it).
 */
export function groupCurvesFigure(key: string, groups: readonly GroupCurves[], o: CurveOptions): Figure {
  const x = usedX(groups.flatMap((g) => g.members), o.x);
  const data: unknown[] = [];
  const input = (r: RunCurve, values: readonly number[]): BandInput => ({ steps: r.curve.steps, values, ...(x === "relative" ? { x: xValues(r, x) } : {}) });
  for (const g of groups) {
    const n = g.members.length;
    const name = `${g.label} (${n} run${n === 1 ? "" : "s"})`;
    const base = { type: "scatter", legendgroup: g.label };
    if (o.smoothing > 0) {
      const raw = stepBand(g.members.map((r) => input(r, r.curve.values)));
      data.push({ ...base, mode: "lines", name: `${name} (raw mean)`, x: raw.x, y: yValues(raw.mean, o.logY), line: { color: g.color, width: 1 }, opacity: RAW_OPACITY, showlegend: false, hoverinfo: "skip", meta: { role: "raw", group: g.label } });
    }
    const band = stepBand(g.members.map((r) => input(r, o.smoothing > 0 ? ema(r.curve.values, o.smoothing) : r.curve.values)));
    const low = band.mean.map((m, i) => (o.logY && m - band.std[i] <= 0 ? m : m - band.std[i]));
    const high = band.mean.map((m, i) => m + band.std[i]);
    const edge = { ...base, mode: "lines", x: band.x, line: { width: 0, color: g.color }, showlegend: false, hoverinfo: "skip" };
    data.push({ ...edge, name: `${name} − std`, y: yValues(low, o.logY), meta: { role: "band-low", group: g.label } });
    data.push({ ...edge, name: `${name} + std`, y: yValues(high, o.logY), fill: "tonexty", fillcolor: withAlpha(g.color, 0.2), meta: { role: "band-high", group: g.label } });
    data.push({
      ...base, mode: mode(band.x.length), name, x: band.x, y: yValues(band.mean, o.logY), line: { color: g.color, width: 2 }, marker: { size: 4, color: g.color },
      customdata: band.std.map((s, i) => [s, band.n[i]]), hovertemplate: `${name}: %{y:.4g} ± %{customdata[0]:.3g} (%{customdata[1]} runs)<extra></extra>`,
      meta: { role: "mean", group: g.label },
    });
  }
  return { data, layout: layout(key, x, o) };
}
