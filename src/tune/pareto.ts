// Several objectives at once: Pareto dominance, non-dominated sorting and crowding distance (Deb
// et al. 2002, NSGA-II), the hypervolume a set of points dominates, and the Pareto-front figure.
// Values are compared as losses: a "maximize" objective is negated first (`asLosses`).
import type { Direction, FrozenTrial } from "./types";
import { Figure } from "../display/figures";
import { formatNumber, textTable } from "../track/format";
import { escapeHtml } from "../display/html";

/** Each trial's objective values, flipped so that lower is better in every one. */
export function asLosses(values: readonly number[], directions: readonly Direction[]): number[] {
  return values.map((v, i) => (directions[i] === "maximize" ? -v : v));
}

/** a dominates b: no worse in every objective and better in one (losses). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

/** Fronts of indices: front 0 is non-dominated, front 1 is non-dominated once front 0 is gone, … */
export function nonDominatedSort(points: readonly (readonly number[])[]): number[][] {
  const n = points.length;
  const dominatedBy = new Array<number>(n).fill(0);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(points[i], points[j])) (dominating[i].push(j), dominatedBy[j]++);
      else if (dominates(points[j], points[i])) (dominating[j].push(i), dominatedBy[i]++);
    }
  }
  const fronts: number[][] = [];
  let current = points.map((_, i) => i).filter((i) => dominatedBy[i] === 0);
  while (current.length) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) for (const j of dominating[i]) if (--dominatedBy[j] === 0) next.push(j);
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/** NSGA-II's crowding distance of each point of one front (the ends of each objective get Infinity). */
export function crowdingDistance(points: readonly (readonly number[])[]): number[] {
  const n = points.length;
  const dist = new Array<number>(n).fill(0);
  if (n <= 2) return dist.fill(Infinity);
  for (let m = 0; m < points[0].length; m++) {
    const order = points.map((_, i) => i).sort((a, b) => points[a][m] - points[b][m]);
    const lo = points[order[0]][m];
    const hi = points[order[n - 1]][m];
    dist[order[0]] = dist[order[n - 1]] = Infinity;
    if (hi === lo) continue;
    for (let k = 1; k < n - 1; k++) dist[order[k]] += (points[order[k + 1]][m] - points[order[k - 1]][m]) / (hi - lo);
  }
  return dist;
}

/**
 * The volume dominated by `points` (losses) and bounded by `ref`: exact, by sweeping the first
 * objective and recursing on the rest (fine for the few objectives and hundreds of points a study has).
 */
export function hypervolume(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const inside = points.filter((p) => p.every((v, i) => v < ref[i]));
  if (!inside.length) return 0;
  const m = ref.length;
  if (m === 1) return ref[0] - Math.min(...inside.map((p) => p[0]));
  if (m === 2) {
    const s = [...inside].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let area = 0;
    let best = ref[1];
    for (const [f1, f2] of s) {
      if (f2 < best) {
        area += (ref[0] - f1) * (best - f2);
        best = f2;
      }
    }
    return area;
  }
  // Slice along the last objective: between consecutive values, the (m−1)-volume of the points below.
  const s = [...inside].sort((a, b) => a[m - 1] - b[m - 1]);
  let vol = 0;
  for (let k = 0; k < s.length; k++) {
    const top = k + 1 < s.length ? s[k + 1][m - 1] : ref[m - 1];
    const height = top - s[k][m - 1];
    if (height > 0) vol += height * hypervolume(s.slice(0, k + 1).map((p) => p.slice(0, m - 1)), ref.slice(0, m - 1));
  }
  return vol;
}

/** Complete trials with a value for every objective. */
export function scoredTrials<T extends FrozenTrial>(trials: readonly T[], nObjectives: number): T[] {
  return trials.filter((t) => t.state === "complete" && Array.isArray(t.values) && t.values.length === nObjectives && t.values.every(Number.isFinite));
}

/** The complete trials no other complete trial dominates, in trial order (Optuna's study.best_trials). */
export function paretoFront<T extends FrozenTrial>(trials: readonly T[], directions: readonly Direction[]): T[] {
  const done = scoredTrials(trials, directions.length);
  const losses = done.map((t) => asLosses(t.values!, directions));
  return done.filter((_, i) => !losses.some((o, j) => j !== i && dominates(o, losses[i]))).sort((a, b) => a.number - b.number);
}

/**
 * Objective values of every complete trial with the Pareto front drawn through its points: a
 * scatter for two objectives, a scatter matrix for more.
 */
export function paretoFigure(metrics: readonly string[], directions: readonly Direction[], trials: readonly FrozenTrial[]): Figure {
  const done = scoredTrials(trials, directions.length);
  const front = new Set(paretoFront(done, directions).map((t) => t.number));
  const label = (i: number) => `${metrics[i]} (${directions[i] === "maximize" ? "max" : "min"})`;
  const text = (t: FrozenTrial) => `trial #${t.number}<br>${Object.entries(t.params).map(([k, v]) => `${k}=${formatNumber(v)}`).join("<br>")}`;
  const others = done.filter((t) => !front.has(t.number));
  const best = done.filter((t) => front.has(t.number)).sort((a, b) => a.values![0] - b.values![0]);
  const summary = `Pareto front: ${best.length} of ${done.length} complete trials (${metrics.map((_, i) => label(i)).join(" vs ")})`;
  if (directions.length === 2) {
    const trace = (ts: FrozenTrial[], name: string, extra: object) => ({ type: "scatter", name, x: ts.map((t) => t.values![0]), y: ts.map((t) => t.values![1]), text: ts.map(text), hoverinfo: "text", ...extra });
    return new Figure(
      {
        data: [trace(others, "dominated", { mode: "markers", marker: { color: "#9e9e9e", opacity: 0.6 } }), trace(best, "Pareto front", { mode: "lines+markers", line: { shape: "hv" }, marker: { color: "#d32f2f", size: 9 } })],
        layout: { title: { text: "Pareto front" }, xaxis: { title: { text: label(0) } }, yaxis: { title: { text: label(1) } } },
      },
      summary,
    );
  }
  return new Figure(
    {
      data: [
        {
          type: "splom",
          dimensions: metrics.map((_, i) => ({ label: label(i), values: done.map((t) => t.values![i]) })),
          text: done.map(text),
          marker: { color: done.map((t) => (front.has(t.number) ? "#d32f2f" : "#9e9e9e")), size: 7 },
          diagonal: { visible: false },
        },
      ],
      layout: { title: { text: "Pareto front (red) among all trials" } },
    },
    summary,
  );
}

/** What a study with several objectives shows when it ends: its Pareto front as a table. */
export function paretoView(name: string, directions: readonly Direction[], metrics: readonly string[], trials: readonly FrozenTrial[]) {
  const front = paretoFront(trials, directions).sort((a, b) => (directions[0] === "maximize" ? b.values![0] - a.values![0] : a.values![0] - b.values![0]));
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const counts = ["complete", "pruned", "failed", "running"].map((s) => `${trials.filter((t) => t.state === s).length} ${s}`).join(", ");
  const goal = metrics.map((m, i) => `${directions[i] === "maximize" ? "max" : "min"} ${m}`).join(", ");
  const title = `Sweep ${name}: ${goal} — ${trials.length} trials (${counts})`;
  const line = front.length ? `Pareto front: ${front.length} trial${front.length === 1 ? "" : "s"} that no other trial beats on every objective` : "no trial completed";
  const head = ["trial", ...metrics, ...keys];
  const rows = front.map((t) => [`#${t.number}`, ...t.values!.map((v) => formatNumber(v)), ...keys.map((k) => formatNumber(t.params[k]))]);
  return {
    "text/plain": [title, line, textTable(head, rows)].join("\n"),
    "text/html": `<p><b>${escapeHtml(title)}</b><br>${escapeHtml(line)}</p><table><thead><tr>${head.map((h) => `<th style="text-align:left">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
      .join("")}</tbody></table>`,
  };
}

/** The reference point Optuna's MOTPE uses: 10% beyond the worst loss of each objective. */
export function referencePoint(points: readonly (readonly number[])[]): number[] {
  return points[0].map((_, m) => {
    const worst = Math.max(...points.map((p) => p[m]));
    const ref = Math.max(1.1 * worst, 0.9 * worst);
    return ref === 0 ? 1e-12 : ref;
  });
}

/** `k` of `points` chosen greedily for the largest hypervolume (the subset selection MOTPE breaks ties with). */
export function selectByHypervolume(points: readonly (readonly number[])[], k: number, ref: readonly number[]): number[] {
  const chosen: number[] = [];
  const left = new Set(points.map((_, i) => i));
  let base = 0;
  while (chosen.length < k && left.size) {
    let best = -1;
    let bestGain = -Infinity;
    for (const i of left) {
      const gain = hypervolume([...chosen, i].map((j) => points[j]), ref) - base;
      if (gain > bestGain) (bestGain = gain), (best = i);
    }
    chosen.push(best);
    left.delete(best);
    base += bestGain;
  }
  return chosen;
}
