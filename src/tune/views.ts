// What a study shows: a leaderboard, and plotly figures (optimization history, parallel
// coordinates, parameter importance, intermediate values of pruned vs complete trials).
import { escapeHtml } from "../display/html";
import { formatNumber, textTable } from "../track/format";
import { Figure } from "../track/views";
import type { Direction, FrozenTrial, Space } from "./types";
import { paramImportances, type ImportanceOptions } from "./importance";

export { varianceImportances as importances } from "./importance";

function better(direction: Direction) {
  return (a: number, b: number) => (direction === "minimize" ? a - b : b - a);
}

export function leaderboardView(name: string, direction: Direction, metric: string, trials: FrozenTrial[], limit: number) {
  const done = trials.filter((t) => t.state === "complete" && t.value !== null).sort((a, b) => better(direction)(a.value!, b.value!));
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const counts = ["complete", "pruned", "failed", "running"].map((s) => `${trials.filter((t) => t.state === s).length} ${s}`).join(", ");
  const head = ["rank", "trial", metric, ...keys];
  const rows = done.slice(0, limit).map((t, i) => [String(i + 1), `#${t.number}`, formatNumber(t.value), ...keys.map((k) => formatNumber(t.params[k]))]);
  const title = `Sweep ${name}: ${direction} ${metric} — ${trials.length} trials (${counts})`;
  const best = done[0] ? `best: trial #${done[0].number} ${metric} = ${formatNumber(done[0].value)}` : "no trial completed";
  const failed = trials.filter((t) => t.state === "failed").slice(0, 3).map((t) => `trial #${t.number} failed: ${t.error}`);
  return {
    "text/plain": [title, best, textTable(head, rows), ...failed].join("\n"),
    "text/html": `<p><b>${escapeHtml(title)}</b><br>${escapeHtml(best)}</p><table><thead><tr>${head.map((h) => `<th style="text-align:left">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
      .map((r, i) => `<tr${i === 0 ? ' style="font-weight:bold"' : ""}>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>${failed.map((f) => `<p style="color:var(--jp-error-color1,#c62828)">${escapeHtml(f)}</p>`).join("")}`,
  };
}

/** Objective value per trial and the best so far. */
export function historyFigure(direction: Direction, metric: string, trials: FrozenTrial[]): Figure {
  const done = trials.filter((t) => t.state === "complete" && t.value !== null).sort((a, b) => a.number - b.number);
  let best: number | null = null;
  const bestSoFar = done.map((t) => (best = best === null || better(direction)(t.value!, best) < 0 ? t.value! : best));
  return new Figure({
    data: [
      { type: "scatter", mode: "markers", name: metric, x: done.map((t) => t.number), y: done.map((t) => t.value) },
      { type: "scatter", mode: "lines", name: "best so far", x: done.map((t) => t.number), y: bestSoFar },
    ],
    layout: { title: { text: "Optimization history" }, xaxis: { title: { text: "trial" } }, yaxis: { title: { text: metric } }, height: 360 },
  });
}

/** One axis per parameter (categories become tick labels), coloured by the objective. */
export function parallelCoordinatesFigure(space: Space, metric: string, trials: FrozenTrial[]): Figure {
  const done = trials.filter((t) => t.state === "complete" && t.value !== null);
  const dims: unknown[] = [{ label: metric, values: done.map((t) => t.value) }];
  for (const spec of space) {
    const vals = done.map((t) => t.params[spec.name]);
    if (spec.dist.kind === "categorical") {
      const choices = spec.dist.choices;
      dims.push({ label: spec.name, values: vals.map((v) => choices.findIndex((c) => c === v)), tickvals: choices.map((_, i) => i), ticktext: choices.map(String) });
    } else {
      const log = spec.dist.log;
      dims.push({ label: log ? `log10 ${spec.name}` : spec.name, values: vals.map((v) => (typeof v === "number" ? (log ? Math.log10(v) : v) : null)) });
    }
  }
  return new Figure({
    data: [{ type: "parcoords", line: { color: done.map((t) => t.value), showscale: true }, dimensions: dims }],
    layout: { title: { text: "Parallel coordinates" }, height: 400 },
  });
}

/** Importance of each parameter as horizontal bars: fANOVA by default, or `method: "variance"` (η², see ./importance). */
export function importanceFigure(space: Space, trials: FrozenTrial[], options: ImportanceOptions = {}): Figure {
  const how = (options.method ?? "fanova") === "fanova" ? "fANOVA" : "share of variance explained";
  return importanceBars(paramImportances(space, trials, options), `Parameter importance (${how})`);
}

/** Importances already computed, as horizontal bars, the largest on top. */
export function importanceBars(importances: Record<string, number>, title: string): Figure {
  const imp = Object.entries(importances).sort((a, b) => a[1] - b[1]);
  return new Figure({
    data: [{ type: "bar", orientation: "h", x: imp.map(([, v]) => v), y: imp.map(([k]) => k) }],
    layout: { title: { text: title }, height: 120 + 30 * imp.length },
  });
}

/**
 * Learning curves of every trial that reported (Optuna's plot_intermediate_values): complete ones
 * solid, pruned ones dotted, running ones dashed, so a live sweep shows where its trials stand.
 */
export function intermediateFigure(metric: string, trials: FrozenTrial[]): Figure {
  const dash = { complete: "solid", pruned: "dot", running: "dash" } as Record<string, string>;
  const data = trials.filter((t) => t.intermediate.size > 0 && t.state in dash).sort((a, b) => a.number - b.number).map((t) => {
    const pts = [...t.intermediate.entries()].sort((a, b) => a[0] - b[0]);
    return {
      type: "scatter", mode: "lines+markers", marker: { maxdisplayed: 10 }, name: `#${t.number} (${t.state})`, x: pts.map((p) => p[0]), y: pts.map((p) => p[1]),
      line: { dash: dash[t.state] }, opacity: t.state === "pruned" ? 0.5 : 1,
    };
  });
  return new Figure({ data, layout: { title: { text: `Intermediate ${metric}: complete (solid), pruned (dotted), running (dashed)` }, xaxis: { title: { text: "step" } }, yaxis: { title: { text: metric } }, height: 360 } });
}
