// What a run's detail draws, chosen by the data: a metric logged once is a number (with where the
// run ranks), a curve needs two points; x is the step, the time since the run started or the wall
// time; system metrics are drawn against time; each axis spans its data. Pure: figures as plain
// plotly JSON, so node's test runner checks the choices without a browser.
import type { Curve, MetricSummary } from "./wire";

/** A plotly figure as plain JSON (plotly.ts draws it). */
export interface Figure {
  data: unknown[];
  layout: Record<string, unknown>;
}

export type XAxis = "step" | "relative" | "wall";
export const X_AXES: Array<[XAxis, string]> = [["step", "step"], ["relative", "time since start"], ["wall", "wall time"]];

export const isSystem = (key: string) => key.startsWith("system/");

export interface NumberTile {
  key: string;
  value: number;
  goal: "min" | "max" | null;
  /** 1 = best among the runs listed; null without a goal. */
  rank: { rank: number; of: number } | null;
  system: boolean;
}

export interface CurveChart {
  key: string;
  points: number;
  /** What x ended up as: time needs wall times, which a point logged without one lacks. */
  x: XAxis;
  figure: Figure;
  system: boolean;
}

export interface DetailCharts {
  numbers: NumberTile[];
  curves: CurveChart[];
}

/** A value range with room around it, for an axis that spans the data (a flat line gets room too). */
export function paddedRange(values: readonly number[]): [number, number] | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return null;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const span = hi - lo;
  const pad = span > 0 ? span * 0.06 : Math.abs(lo) * 0.05 || 0.5;
  lo -= pad;
  hi += pad;
  // A metric that never went below zero is not drawn below it (accuracy's axis stays ≥ 0).
  if (Math.min(...finite) >= 0 && lo < 0) lo = 0;
  return [lo, hi];
}

function xValues(curve: Curve, x: XAxis, startedAt: number): { x: XAxis; values: number[] } {
  if (x !== "step" && curve.ts && curve.ts.length === curve.steps.length && curve.ts.every(Number.isFinite)) {
    return { x, values: x === "wall" ? curve.ts : curve.ts.map((t) => (t - startedAt) / 1000) };
  }
  return { x: "step", values: curve.steps };
}

const X_TITLE: Record<XAxis, string> = { step: "step", relative: "seconds since start", wall: "" };

/** One metric's curve as a figure: its own axis range, no legend (the heading names it). */
export function curveFigure(key: string, curve: Curve, x: XAxis, startedAt: number): { figure: Figure; x: XAxis } {
  const xs = xValues(curve, x, startedAt);
  const y = curve.values.map((v) => (Number.isFinite(v) ? v : null));
  const range = paddedRange(curve.values);
  const xaxis: Record<string, unknown> = { title: { text: X_TITLE[xs.x] }, automargin: true };
  if (xs.x === "wall") xaxis.type = "date";
  return {
    x: xs.x,
    figure: {
      data: [{ type: "scatter", mode: curve.steps.length <= 30 ? "lines+markers" : "lines", name: key, x: xs.values, y, marker: { size: 4 } }],
      layout: {
        title: { text: key, font: { size: 12 }, x: 0, xanchor: "left" },
        height: 220,
        showlegend: false,
        xaxis,
        yaxis: { automargin: true, ...(range ? { range } : {}) },
        margin: { l: 48, r: 12, t: 30, b: 36 },
      },
    },
  };
}

/**
 * The detail's charts for a run's curves and summaries. `rank` says where the run stands on a
 * metric among the listed runs. System metrics are always drawn against time (the step of a
 * sampler means nothing), unless the points carry no wall time.
 */
export function detailCharts(
  curves: ReadonlyMap<string, Curve>,
  summaries: Readonly<Record<string, MetricSummary>>,
  x: XAxis,
  startedAt: number,
  rank: (key: string) => { rank: number; of: number } | null = () => null,
): DetailCharts {
  const keys = [...new Set([...Object.keys(summaries), ...curves.keys()])].sort((a, b) => Number(isSystem(a)) - Number(isSystem(b)) || a.localeCompare(b));
  const numbers: NumberTile[] = [];
  const charts: CurveChart[] = [];
  for (const key of keys) {
    const curve = curves.get(key);
    const summary = summaries[key];
    const system = isSystem(key);
    const points = Math.max(curve?.steps.length ?? 0, summary?.count ?? 0);
    if (points >= 2 && curve && curve.steps.length >= 2) {
      const { figure, x: used } = curveFigure(key, curve, system && x === "step" ? "relative" : x, startedAt);
      charts.push({ key, points: curve.steps.length, x: used, figure, system });
    } else if (summary || curve?.steps.length) {
      const value = summary ? (summary.goal ? summary.best : summary.last) : curve!.values[curve!.values.length - 1];
      numbers.push({ key, value, goal: summary?.goal ?? null, rank: system ? null : rank(key), system });
    }
  }
  return { numbers, curves: charts };
}
