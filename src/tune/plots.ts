// More figures of a study, each after the Optuna plot of the same name: slice (the objective against
// each parameter), contour (against pairs of parameters), EDF (the distribution of values, for
// comparing studies or search spaces). History, parallel coordinates, importance and intermediate
// values are in ./views.
import { Figure } from "../track/views";
import { StudyError } from "./storage";
import type { Direction, FrozenTrial, ParamSpec, Space } from "./types";

const COLORSCALE = "Blues";
/** Contour axes reach this share of their range beyond the outermost trials (as Optuna's). */
const PADDING = 0.05;
const EDF_POINTS = 100;

const complete = (trials: readonly FrozenTrial[]) => trials.filter((t) => t.state === "complete" && t.value !== null && Number.isFinite(t.value)).sort((a, b) => a.number - b.number);

/** The specs to plot: `params` in the space (each checked), else every parameter some trial has; by name, as Optuna sorts them. */
function chosen(space: Space, trials: FrozenTrial[], params: readonly string[] | undefined, what: string): ParamSpec[] {
  if (params) {
    const unknown = params.filter((p) => !space.some((s) => s.name === p));
    if (unknown.length) throw new StudyError(`${what}: ${unknown.map((p) => `'${p}'`).join(", ")} ${unknown.length > 1 ? "are" : "is"} not in the study's space (${space.map((s) => s.name).join(", ")})`);
  }
  const names = new Set(params ?? trials.flatMap((t) => Object.keys(t.params)));
  return space.filter((s) => names.has(s.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const axisId = (i: number) => (i ? String(i + 1) : "");

/** An axis of the parameter's kind: categories in the space's order, log for log-scaled numbers. */
function paramAxis(spec: ParamSpec): Record<string, unknown> {
  if (spec.dist.kind === "categorical") return { title: { text: spec.name }, type: "category", categoryorder: "array", categoryarray: spec.dist.choices.map(String) };
  return { title: { text: spec.name }, ...(spec.dist.log ? { type: "log" } : {}) };
}

const shown = (spec: ParamSpec, v: unknown) => (spec.dist.kind === "categorical" ? String(v) : v);

/**
 * The objective against each parameter, one panel per parameter side by side (sharing the value
 * axis), each trial a dot coloured by its number: where good values cluster, and whether the
 * search moved there over time (Optuna's plot_slice).
 */
export function sliceFigure(space: Space, metric: string, trials: readonly FrozenTrial[], options: { params?: readonly string[] } = {}): Figure {
  const done = complete(trials);
  const specs = chosen(space, done, options.params, "sliceFigure");
  const n = specs.length;
  const data = specs.map((spec, i) => {
    const has = done.filter((t) => t.params[spec.name] !== undefined);
    return {
      type: "scatter", mode: "markers", name: spec.name, showlegend: false,
      x: has.map((t) => shown(spec, t.params[spec.name])), y: has.map((t) => t.value),
      xaxis: `x${axisId(i)}`, yaxis: "y",
      marker: { color: has.map((t) => t.number), colorscale: COLORSCALE, line: { width: 0.5, color: "grey" }, showscale: i === 0, ...(i === 0 ? { colorbar: { title: { text: "trial" } } } : {}) },
      customdata: has.map((t) => t.number),
      hovertemplate: `trial %{customdata}<br>${spec.name} = %{x}<br>${metric} = %{y}<extra></extra>`,
    };
  });
  const layout: Record<string, unknown> = { title: { text: "Slice plot" }, height: 360, yaxis: { title: { text: metric } }, ...(n > 3 ? { width: 300 * n } : {}) };
  const gap = n > 1 ? 0.04 : 0;
  specs.forEach((spec, i) => {
    const w = (1 - gap * (n - 1)) / n;
    layout[`xaxis${axisId(i)}`] = { ...paramAxis(spec), domain: [i * (w + gap), i * (w + gap) + w], anchor: "y" };
  });
  return new Figure({ data, layout }, `<Slice plot: ${metric} against ${specs.map((s) => s.name).join(", ") || "no parameter"} over ${done.length} complete trials>`);
}

interface ContourAxis {
  spec: ParamSpec;
  /** Grid coordinates: the values trials took, sorted (numbers padded by a point at each end). */
  grid: Array<number | string>;
  range: [number, number];
}

function contourAxis(spec: ParamSpec, done: FrozenTrial[]): ContourAxis {
  const values = done.map((t) => t.params[spec.name]).filter((v) => v !== undefined);
  if (spec.dist.kind === "categorical") {
    const cats = spec.dist.choices.map(String).filter((c) => values.some((v) => String(v) === c));
    const span = Math.max(0, cats.length - 1);
    return { spec, grid: cats, range: [-span * PADDING, span + span * PADDING] };
  }
  const nums = [...new Set(values as number[])].sort((a, b) => a - b);
  if (nums.length < 2) return { spec, grid: nums, range: [nums[0] ?? 0, nums[0] ?? 0] };
  let lo = nums[0], hi = nums[nums.length - 1];
  if (spec.dist.log) {
    const pad = (Math.log10(hi) - Math.log10(lo)) * PADDING;
    lo = 10 ** (Math.log10(lo) - pad);
    hi = 10 ** (Math.log10(hi) + pad);
  } else {
    const pad = (hi - lo) * PADDING;
    lo -= pad;
    hi += pad;
  }
  return { spec, grid: [lo, ...nums, hi], range: [lo, hi] };
}

/** z on the grid: the best value among the trials at each point, null where none was tried. */
function contourZ(x: ContourAxis, y: ContourAxis, done: FrozenTrial[], direction: Direction): Array<Array<number | null>> {
  const z: Array<Array<number | null>> = y.grid.map(() => x.grid.map(() => null));
  const index = (a: ContourAxis, v: unknown) => a.grid.findIndex((g) => g === shown(a.spec, v));
  for (const t of done) {
    const xv = t.params[x.spec.name], yv = t.params[y.spec.name];
    if (xv === undefined || yv === undefined) continue;
    const i = index(x, xv), j = index(y, yv);
    const old = z[j][i];
    if (old === null || (direction === "minimize" ? t.value! < old : t.value! > old)) z[j][i] = t.value!;
  }
  return z;
}

/**
 * The objective over pairs of parameters: a contour interpolated between the trials (shown as
 * dots). Two parameters give one panel; more give a grid of every pair (Optuna's plot_contour).
 * Darker is better whichever the direction.
 */
export function contourFigure(space: Space, metric: string, direction: Direction, trials: readonly FrozenTrial[], options: { params?: readonly string[] } = {}): Figure {
  const done = complete(trials);
  const specs = chosen(space, done, options.params, "contourFigure");
  const layout: Record<string, unknown> = { title: { text: "Contour plot" } };
  if (specs.length < 2) return new Figure({ data: [], layout }, `<Contour plot: needs two parameters with values, has ${specs.length}>`);
  const axes = specs.map((s) => contourAxis(s, done));
  const n = specs.length;
  const pairs = n === 2 ? [[0, 1]] : axes.flatMap((_, row) => axes.map((__, col) => [col, row]));
  const data: unknown[] = [];
  const gap = n === 2 ? 0 : 0.03;
  const cell = (1 - gap * (n - 1)) / n;
  let first = true;
  pairs.forEach(([xi, yi], k) => {
    const xa = axes[xi], ya = axes[yi];
    const id = axisId(k);
    const onAxes = { xaxis: `x${id}`, yaxis: `y${id}` };
    if (xi !== yi && xa.grid.length >= 2 && ya.grid.length >= 2) {
      // Darker is better: Blues runs light to dark, so a minimised objective reverses it.
      data.push({
        type: "contour", ...onAxes, x: xa.grid, y: ya.grid, z: contourZ(xa, ya, done, direction),
        colorscale: COLORSCALE, reversescale: direction === "minimize", connectgaps: true, contours: { coloring: "heatmap" }, line: { smoothing: 1.3 },
        hoverinfo: "none", showscale: first, ...(first ? { colorbar: { title: { text: metric } } } : {}),
      });
      first = false;
      const both = done.filter((t) => t.params[xa.spec.name] !== undefined && t.params[ya.spec.name] !== undefined);
      data.push({
        type: "scatter", mode: "markers", ...onAxes, showlegend: false, name: "trials",
        x: both.map((t) => shown(xa.spec, t.params[xa.spec.name])), y: both.map((t) => shown(ya.spec, t.params[ya.spec.name])),
        marker: { color: "black", line: { width: 2, color: "grey" } },
      });
    }
    const [col, row] = n === 2 ? [0, 0] : [xi, yi];
    const range = (a: ContourAxis) => (a.spec.dist.kind !== "categorical" && a.spec.dist.log ? a.range.map(Math.log10) : a.range);
    layout[`xaxis${id}`] = {
      ...paramAxis(xa.spec), range: range(xa), anchor: `y${id}`,
      ...(n === 2 ? {} : { domain: [col * (cell + gap), col * (cell + gap) + cell], ...(row === n - 1 ? {} : { title: undefined, showticklabels: false }) }),
    };
    layout[`yaxis${id}`] = {
      ...paramAxis(ya.spec), range: range(ya), anchor: `x${id}`,
      ...(n === 2 ? {} : { domain: [1 - row * (cell + gap) - cell, 1 - row * (cell + gap)], ...(col === 0 ? {} : { title: undefined, showticklabels: false }) }),
    };
  });
  layout.height = n === 2 ? 420 : Math.max(420, 200 * n);
  if (n > 2) layout.width = Math.max(500, 200 * n);
  return new Figure({ data, layout }, `<Contour plot: ${metric} over ${n === 2 ? `${specs[0].name} × ${specs[1].name}` : `every pair of ${specs.map((s) => s.name).join(", ")}`} from ${done.length} complete trials>`);
}

/**
 * The empirical distribution of the objective over complete trials: the share of trials at or
 * below each value, on 100 points from the lowest to the highest value. Several studies (say, two
 * search spaces) give one line each on the same axis (Optuna's plot_edf).
 */
export function edfFigure(metric: string, studies: ReadonlyArray<{ name: string; trials: readonly FrozenTrial[] }>): Figure {
  if (!Array.isArray(studies) || !studies.length) throw new StudyError("edfFigure needs at least one study: [{ name, trials }]");
  const values = studies.map((s) => complete(s.trials).map((t) => t.value!));
  const all = values.flat();
  const layout = { title: { text: "Empirical distribution function" }, xaxis: { title: { text: metric } }, yaxis: { title: { text: "cumulative probability" }, range: [0, 1] }, height: 360 };
  if (!all.length) return new Figure({ data: [], layout }, "<EDF: no complete trials>");
  const lo = Math.min(...all), hi = Math.max(...all);
  const x = Array.from({ length: EDF_POINTS }, (_, i) => lo + ((hi - lo) * i) / (EDF_POINTS - 1));
  const data = studies.map((s, k) => {
    const v = values[k];
    return { type: "scatter", mode: "lines", name: s.name, x, y: x.map((p) => (v.length ? v.filter((q) => q <= p).length / v.length : 0)) };
  });
  return new Figure({ data, layout }, `<EDF of ${metric}: ${studies.map((s, k) => `${s.name} (${values[k].length} trials)`).join(", ")}>`);
}
