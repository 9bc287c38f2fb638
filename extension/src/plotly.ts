// Draws plotly figures: plotly.js is loaded on first use (its own chunk, so JupyterLab starts
// without it) and figures take their colours from the JupyterLab theme.

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export interface Figure {
  data: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

type Plotly = {
  react(el: HTMLElement, data: unknown[], layout?: unknown, config?: unknown): Promise<unknown>;
  purge(el: HTMLElement): void;
  Plots: { resize(el: HTMLElement): void };
};

let plotly: Promise<Plotly> | null = null;

export function loadPlotly(): Promise<Plotly> {
  plotly ??= import(/* webpackChunkName: "plotly" */ "plotly.js-dist-min").then((m: any) => (m.default ?? m) as Plotly);
  return plotly;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** The figure's layout over the theme's colours (what the figure sets itself wins). */
export function themedLayout(layout: Record<string, unknown> = {}): Record<string, unknown> {
  const fg = cssVar("--jp-ui-font-color1", "#222");
  const grid = cssVar("--jp-border-color2", "#e0e0e0");
  const axis = (a: unknown) => ({ gridcolor: grid, zerolinecolor: grid, linecolor: grid, automargin: true, ...(a as object) });
  return {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: fg, family: cssVar("--jp-ui-font-family", "sans-serif"), size: 11 },
    margin: { l: 48, r: 12, t: layout.title ? 36 : 12, b: 36 },
    // plotly's own place for the legend (right of the plot, the margin grown to fit): a legend
    // laid under the plot covered the x axis's title.
    legend: { font: { size: 10 } },
    ...layout,
    ...Object.fromEntries(Object.keys(layout).filter((k) => /^[xy]axis\d+$/.test(k)).map((k) => [k, axis(layout[k])])),
    xaxis: axis(layout.xaxis),
    yaxis: axis(layout.yaxis),
  };
}

/** Draws (or redraws in place) a figure into `el`; plotly.react keeps zoom and is cheap on updates. */
export async function drawFigure(el: HTMLElement, figure: Figure): Promise<void> {
  const Plotly = await loadPlotly();
  const layout = themedLayout(figure.layout);
  // A responsive plot takes its element's size, so the element must have the figure's height.
  const height = typeof layout.height === "number" ? layout.height : 360;
  el.style.height = `${height}px`;
  await Plotly.react(el, figure.data, { ...layout, height }, { responsive: true, displaylogo: false, ...figure.config });
}

export async function resizeFigure(el: HTMLElement): Promise<void> {
  if (!plotly || !el.isConnected || !el.offsetWidth) return;
  (await plotly).Plots.resize(el);
}

export function purgeFigure(el: HTMLElement): void {
  if (plotly) void plotly.then((P) => P.purge(el));
}
