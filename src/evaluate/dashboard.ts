// One plotly figure that shows a whole evaluation: a notebook output carries a single plot, so the
// metrics, the confusion matrix, the curves, the importances and the worst errors are laid out as
// panels of one figure (tables as plotly table traces), two to a row.
import type { Figure, FigureSpec } from "../display/figures";
import type { TableValue } from "./findings";

export type Panel = { title: string; figure: Figure } | { title: string; table: TableValue; wide?: boolean };

const ROW_PX = 340;
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

const cellText = (v: unknown, width = 80): string => {
  const s = typeof v === "number" ? (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString()) : v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  return s.length > width ? `${s.slice(0, width - 1)}…` : s;
};

/**
 * Panels in reading order, two per row (a wide table takes a whole row). Curve panels colour their
 * lines by position, so class k has one colour in every panel, and only the first one shows the legend.
 */
export function dashboard(title: string, panels: readonly Panel[]): FigureSpec {
  // Place the panels: [row, column, span].
  const places: Array<[number, number, number]> = [];
  let row = 0;
  let col = 0;
  for (const p of panels) {
    const wide = "table" in p && p.wide === true;
    if (wide && col === 1) (row++, (col = 0));
    places.push([row, col, wide ? 2 : 1]);
    if (wide || col === 1) (row++, (col = 0));
    else col = 1;
  }
  const rows = col === 0 ? row : row + 1;
  const height = 60 + rows * ROW_PX;
  const top = 1 - 50 / height; // room for the title
  const rowH = top / rows;
  const data: unknown[] = [];
  const layout: Record<string, unknown> = { title: { text: title }, height, showlegend: true, legend: { font: { size: 10 } }, margin: { t: 60, l: 60, r: 20, b: 40 } };
  const annotations: unknown[] = [];
  let axis = 0;
  let legendShown = false;
  panels.forEach((p, i) => {
    const [r, c, span] = places[i];
    const x: [number, number] = span === 2 ? [0, 1] : c === 0 ? [0, 0.44] : [0.56, 1];
    const y: [number, number] = [top - (r + 1) * rowH + 0.07 * rowH, top - r * rowH - 0.16 * rowH];
    annotations.push({ text: `<b>${p.title}</b>`, showarrow: false, xref: "paper", yref: "paper", x: x[0], y: y[1] + 0.03 * rowH, xanchor: "left", yanchor: "bottom", font: { size: 12 } });
    if ("table" in p) {
      data.push({
        type: "table", domain: { x, y },
        header: { values: p.table.columns.map((h) => `<b>${h}</b>`), align: "left", font: { size: 11 } },
        cells: { values: p.table.columns.map((_, j) => p.table.data.map((d) => cellText(d[j], span === 2 ? 120 : 40))), align: "left", font: { size: 11 }, height: 22 },
        // Text gets the room: a column of long strings is four times as wide as the others.
        columnwidth: p.table.columns.map((_, j) => (p.table.data.some((d) => typeof d[j] === "string" && (d[j] as string).length > 30) ? 4 : 1)),
      });
      return;
    }
    axis++;
    const suffix = axis === 1 ? "" : String(axis);
    const spec = p.figure.spec;
    const curves = spec.data.filter((t) => (t as { type?: string }).type === "scatter" && (t as { hoverinfo?: string }).hoverinfo !== "skip").length > 1;
    let k = 0;
    for (const trace of spec.data as Record<string, any>[]) {
      const t: Record<string, any> = { ...trace, xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      if (t.type === "heatmap") t.showscale = false;
      const reference = t.hoverinfo === "skip"; // chance lines, the diagonal
      if (t.type === "scatter" && !reference && curves) {
        t.line = { ...t.line, color: PALETTE[k % PALETTE.length] };
        t.marker = { ...t.marker, color: PALETTE[k % PALETTE.length] };
        t.legendgroup = `curve${k}`;
        k++;
      }
      t.showlegend = t.type === "scatter" && !reference && curves && !legendShown;
      data.push(t);
    }
    if (curves) legendShown = true;
    const xa = (spec.layout.xaxis ?? {}) as Record<string, unknown>;
    const ya = (spec.layout.yaxis ?? {}) as Record<string, unknown>;
    layout[`xaxis${suffix}`] = { ...xa, domain: x, anchor: `y${suffix}`, title: { ...(xa.title as object), font: { size: 11 } } };
    layout[`yaxis${suffix}`] = { ...ya, domain: y, anchor: `x${suffix}`, title: { ...(ya.title as object), font: { size: 11 } } };
  });
  layout.annotations = annotations;
  return { data, layout };
}
