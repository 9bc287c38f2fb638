// Runs as tables and comparisons: values that display themselves (HTML, with a text fallback),
// with the column rules of columns.ts: metrics first, then the params that differ.
import { MIME } from "../display";
import { unifiedDiff } from "../diff";
import { escapeHtml } from "../display/html";
import { formatDuration, formatNumber, formatTime, textTable } from "./format";
import { compactTime, differ, elideEnd, elideMiddle, isBlank, isSystemMetric, metricColumns, varyingParams, type CompareMetricRow, type CompareParamRow } from "./columns";
export type { CompareMetricRow, CompareMetricValue, CompareParamRow } from "./columns";
import type { Goal, MetricPoint, RunDetail, RunSummary } from "./types";

const isSystem = isSystemMetric;

const STATUS_COLOR: Record<string, string> = {
  running: "var(--jp-info-color1, #0a6fd6)",
  finished: "var(--jp-success-color1, #2e7d32)",
  failed: "var(--jp-error-color1, #c62828)",
  killed: "var(--jp-warn-color1, #ef6c00)",
  crashed: "var(--jp-error-color1, #c62828)",
};

/** How many metric and param columns `%runs` shows: what fits a notebook's width. */
export const INLINE_METRICS = 6;
export const INLINE_PARAMS = 4;
/** Characters of a name (elided in the middle) and of a value (elided at its end) shown inline. */
const NAME_CHARS = 22;
const VALUE_CHARS = 12;

const goalMark = (goal: Goal | null | undefined) => (goal === "max" ? " ↑" : goal === "min" ? " ↓" : "");

/** A table cell whose text may be elided: the full text on hover. JupyterLab right-aligns cells unless told. */
function cell(full: string, shown: string, align: "left" | "right", extra = ""): string {
  const title = shown !== full ? ` title="${escapeHtml(full)}"` : "";
  // JupyterLab pads cells by 1em a side: the narrower padding leaves a notebook's width to values.
  return `<td style="padding:2px 6px;text-align:${align};white-space:nowrap${extra}"${title}>${escapeHtml(shown)}</td>`;
}

export class RunsTable {
  /** Metric columns shown (metrics first), and the params that vary between the runs listed. */
  readonly metricKeys: string[];
  readonly paramKeys: string[];
  private readonly moreMetrics: string[];
  private readonly moreParams: string[];

  constructor(readonly runs: RunSummary[], readonly total = runs.length, private readonly now = Date.now()) {
    const metrics = metricColumns(runs);
    const params = varyingParams(runs);
    this.metricKeys = metrics.slice(0, INLINE_METRICS);
    this.paramKeys = params.slice(0, INLINE_PARAMS);
    this.moreMetrics = metrics.slice(INLINE_METRICS);
    this.moreParams = params.slice(INLINE_PARAMS);
  }

  private goalOf(key: string): Goal | null {
    for (const r of this.runs) if (r.metrics[key]?.goal) return r.metrics[key].goal;
    return null;
  }

  private header(): string[] {
    return ["id", "name", "status", "started", "duration", ...this.metricKeys.map((k) => k + goalMark(this.goalOf(k))), ...this.paramKeys.map((k) => `params.${k}`)];
  }

  /** Full cell texts, one row per run (the HTML elides them, the text table cuts at 40). */
  private rows(): string[][] {
    return this.runs.map((r) => [
      r.id.slice(0, 8), r.tags.length ? `${r.name} #${r.tags.join(" #")}` : r.name, r.status, compactTime(r.startedAt, this.now), formatDuration(r.durationMs),
      ...this.metricKeys.map((k) => (r.metrics[k] ? formatNumber(r.metrics[k].last) : "")),
      ...this.paramKeys.map((k) => formatNumber(r.params[k])),
    ]);
  }

  private footer(): string {
    const shown = this.total > this.runs.length ? `${this.runs.length} of ${this.total} runs shown (--limit to see more)` : `${this.runs.length} run${this.runs.length === 1 ? "" : "s"}`;
    const more = [
      this.moreMetrics.length ? `${this.moreMetrics.length} more metric${this.moreMetrics.length === 1 ? "" : "s"} (${this.moreMetrics.join(", ")})` : "",
      this.moreParams.length ? `${this.moreParams.length} more varying param${this.moreParams.length === 1 ? "" : "s"} (${this.moreParams.join(", ")})` : "",
    ].filter(Boolean);
    return more.length ? `${shown}; not shown: ${more.join(", ")}: the Runs table has every column` : shown;
  }

  [MIME]() {
    if (!this.runs.length) return { "text/plain": "No runs match.", "text/html": "<p>No runs match.</p>" };
    const head = this.header();
    const rows = this.rows();
    const muted = "color:var(--jp-ui-font-color2,#666)";
    // The id and tags go under the name, params' "params." prefix above their key: the columns a
    // notebook's width has room for go to values.
    const th = [
      `<th style="padding:2px 6px;text-align:left">run</th>`, `<th style="padding:2px 6px;text-align:left">status</th>`, `<th style="padding:2px 6px;text-align:left">started</th>`, `<th style="padding:2px 6px;text-align:right">duration</th>`,
      ...this.metricKeys.map((k, j) => `<th style="padding:2px 6px;text-align:right" title="metrics.${escapeHtml(k)}">${escapeHtml(head[5 + j])}</th>`),
      ...this.paramKeys.map((k) => `<th style="padding:2px 6px;text-align:left" title="params.${escapeHtml(k)}"><small style="${muted}">params.</small><br>${escapeHtml(elideEnd(k, VALUE_CHARS))}</th>`),
    ].join("");
    const body = this.runs.map((r, i) => {
      const cells = rows[i];
      const name = `<td style="padding:2px 6px;text-align:left;white-space:nowrap" title="${escapeHtml(`${r.name} (${r.id})`)}">${escapeHtml(elideMiddle(r.name, NAME_CHARS))}<br>` +
        `<small style="${muted}"><code>${cells[0]}</code>${r.tags.map((t) => ` #${escapeHtml(t)}`).join("")}</small></td>`;
      return "<tr>" + [
        name,
        `<td style="padding:2px 6px;text-align:left;color:${STATUS_COLOR[r.status]}">${r.status}</td>`,
        cell(formatTime(r.startedAt), cells[3], "left"),
        cell(cells[4], cells[4], "right"),
        ...this.metricKeys.map((_, k) => cell(cells[5 + k], cells[5 + k], "right")),
        ...this.paramKeys.map((_, k) => {
          const full = cells[5 + this.metricKeys.length + k];
          return cell(full, elideEnd(full, VALUE_CHARS), "left");
        }),
      ].join("") + "</tr>";
    }).join("");
    return {
      "text/plain": `${textTable(head, rows)}\n${this.footer()}`,
      "text/html": `<table class="modelbench-runs" style="font-size:0.9em"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table><p><small>${escapeHtml(this.footer())}</small></p>`,
    };
  }
}

/** A run's line at the end of a tracked cell, which JupyterLab with modelbench shows as a link to the run. */
export const RUN_LINK_MIME = "application/vnd.modelbench.run+json";

export class RunLink {
  constructor(readonly run: { id: string; name: string }, readonly text: string) {}
  [MIME]() {
    return {
      [RUN_LINK_MIME]: { id: this.run.id, name: this.run.name, text: this.text },
      "text/plain": this.text,
    };
  }
}

export interface CurveSet {
  run: RunDetail;
  points: MetricPoint[];
}

/** Values longer than this are cut in the inline table, with the whole value a click away. */
export const LONG_VALUE = 60;

/** Metrics, then params; differing values highlighted and the best metric value marked; curves and code diffs. */
export class Comparison {
  constructor(readonly runs: RunDetail[], readonly curves: CurveSet[]) {}

  /** Column labels: names, with a short id where two runs share a name. */
  labels(): string[] {
    const count = new Map<string, number>();
    for (const r of this.runs) count.set(r.name, (count.get(r.name) ?? 0) + 1);
    return this.runs.map((r) => (count.get(r.name)! > 1 ? `${r.name} (${r.id.slice(0, 6)})` : r.name));
  }

  paramRows(): CompareParamRow[] {
    const keys = [...new Set(this.runs.flatMap((r) => Object.keys(r.params)))].sort();
    return keys.map((key) => {
      const values = this.runs.map((r) => r.params[key]);
      return { key, values, differs: differ(values) };
    });
  }

  metricRows(): CompareMetricRow[] {
    const keys = metricColumns(this.runs).sort();
    return keys.map((key) => {
      const summaries = this.runs.map((r) => r.metrics[key]);
      const goal = summaries.find((m) => m?.goal)?.goal ?? null;
      const values = summaries.map((m) => (m ? { last: m.last, min: m.min, max: m.max, best: m.best, count: m.count } : null));
      const shown = summaries.map((m) => (m ? (goal === "max" ? m.max : goal === "min" ? m.min : m.last) : null));
      const base = shown[0];
      const deltas = shown.map((v, i) => (i === 0 || v === null || base === null || !Number.isFinite(v) || !Number.isFinite(base) ? null : v - base));
      const finite = shown.map((v, i) => [v, i] as const).filter(([v]) => v !== null && Number.isFinite(v)) as Array<readonly [number, number]>;
      let best: number[] = [];
      if (goal && finite.length >= 2) {
        const target = goal === "max" ? Math.max(...finite.map(([v]) => v)) : Math.min(...finite.map(([v]) => v));
        best = finite.filter(([v]) => v === target).map(([, i]) => i);
        if (best.length === finite.length) best = []; // all equal: nothing stands out
      }
      const differs = new Set(shown.map((v) => (v === null ? "" : formatNumber(v)))).size > 1;
      return { key, goal, values, shown, deltas, best, differs };
    });
  }

  /** The code of each run against the first one's. */
  codeDiffs(): Array<{ against: RunDetail; run: RunDetail; diff: string }> {
    const [base, ...rest] = this.runs;
    return rest.map((run) => ({
      against: base,
      run,
      diff: unifiedDiff(base.source ?? "", run.source ?? "", [`${base.name} (${base.id.slice(0, 8)})`, `${run.name} (${run.id.slice(0, 8)})`]),
    }));
  }

  /** Overlaid learning curves as a plotly figure: one trace per run and metric with two points or more. */
  figure(): { data: unknown[]; layout: Record<string, unknown> } {
    const data: unknown[] = [];
    const labels = this.labels();
    this.curves.forEach((c) => {
      const label = labels[this.runs.findIndex((r) => r.id === c.run.id)] ?? c.run.name;
      const byKey = new Map<string, MetricPoint[]>();
      for (const p of c.points) if (!isSystem(p.key)) (byKey.get(p.key) ?? byKey.set(p.key, []).get(p.key)!).push(p);
      for (const [key, pts] of byKey) {
        if (pts.length < 2) continue;
        data.push({
          type: "scatter", mode: "lines", name: `${label} · ${key}`,
          x: pts.map((p) => p.step), y: pts.map((p) => (Number.isFinite(p.value) ? p.value : null)),
        });
      }
    });
    return { data, layout: { title: { text: "Learning curves" }, xaxis: { title: { text: "step" } }, yaxis: { title: { text: "value" } }, height: 360 } };
  }

  /**
   * The compared value of each metric across the runs: one small bar chart per metric (each with
   * its own scale), the best bar outlined. Empty when no metric has a value.
   */
  barsFigure(maxMetrics = 12): { data: unknown[]; layout: Record<string, unknown> } {
    const rows = this.metricRows().filter((r) => r.shown.some((v) => v !== null && Number.isFinite(v))).slice(0, maxMetrics);
    if (!rows.length) return { data: [], layout: {} };
    const labels = this.labels();
    const columns = Math.min(rows.length, 3);
    const gridRows = Math.ceil(rows.length / columns);
    const data = rows.map((r, i) => ({
      type: "bar", name: r.key, showlegend: false,
      x: labels.map((_, k) => k), y: r.shown.map((v) => (v !== null && Number.isFinite(v) ? v : null)), customdata: labels,
      xaxis: i ? `x${i + 1}` : "x", yaxis: i ? `y${i + 1}` : "y",
      marker: { color: labels.map((_, k) => PALETTE[k % PALETTE.length]), line: { width: labels.map((_, k) => (r.best.includes(k) ? 3 : 0)), color: "#222" } },
      hovertemplate: `%{customdata}<br>${r.key}: %{y}<extra></extra>`,
    }));
    const layout: Record<string, unknown> = {
      grid: { rows: gridRows, columns, pattern: "independent", ygap: 0.45, xgap: 0.12 },
      height: 60 + 200 * gridRows,
      margin: { t: 28, b: 16, l: 48, r: 12 },
      annotations: rows.map((r, i) => ({
        text: `<b>${escapeHtml(r.key)}</b>${r.goal ? ` (${r.goal === "max" ? "higher" : "lower"} is better)` : ""}`,
        showarrow: false, xref: `${i ? `x${i + 1}` : "x"} domain`, yref: `${i ? `y${i + 1}` : "y"} domain`, x: 0, y: 1.02, xanchor: "left", yanchor: "bottom", font: { size: 11 },
      })),
    };
    // Runs by position, named by their (elided) labels: two long names cut alike stay two bars.
    const ticks = { tickvals: labels.map((_, k) => k), ticktext: labels.map((l) => elideMiddle(l, 14)), tickangle: labels.length > 3 ? -30 : 0, automargin: true };
    rows.forEach((_, i) => (layout[`xaxis${i ? i + 1 : ""}`] = ticks));
    return { data, layout };
  }

  [MIME]() {
    const labels = this.labels();
    const th = `<th></th>` + this.runs.map((r, i) => `<th style="text-align:right;white-space:nowrap" title="${escapeHtml(`${r.name} (${r.id})`)}">${escapeHtml(elideMiddle(labels[i], NAME_CHARS))}<br><code>${r.id.slice(0, 8)}</code></th>`).join("");
    const section = (title: string, n: number) => `<tr><th colspan="${n + 1}" style="text-align:left;padding-top:0.6em">${title}</th></tr>`;
    const n = this.runs.length;
    const metrics = this.metricRows();
    const mrow = metrics.map((r) => {
      const cells = r.values.map((v, i) => {
        if (!v) return `<td style="text-align:right">—</td>`;
        const shown = r.shown[i]!;
        const d = r.deltas[i];
        const delta = d !== null && d !== 0 ? ` <small style="color:var(--jp-ui-font-color2,#666)">(${d > 0 ? "+" : ""}${formatNumber(d)})</small>` : "";
        const range = v.count > 1 ? `<br><small style="color:var(--jp-ui-font-color2,#666)">min ${formatNumber(v.min)} · max ${formatNumber(v.max)} · last ${formatNumber(v.last)}</small>` : "";
        const best = r.best.includes(i);
        return `<td style="text-align:right;white-space:nowrap${best ? ";font-weight:bold;background:var(--jp-success-color3,#d4edda)" : ""}"${best ? ' title="best"' : ""}>${formatNumber(shown)}${delta}${range}</td>`;
      }).join("");
      return `<tr data-key="${escapeHtml(r.key)}"><td style="text-align:left">${escapeHtml(r.key)}${goalMark(r.goal)}</td>${cells}</tr>`;
    });
    const params = this.paramRows();
    const differing = params.filter((r) => r.differs);
    const same = params.filter((r) => !r.differs);
    const value = (v: unknown) => {
      const full = formatNumber(v);
      if (full.length <= LONG_VALUE) return escapeHtml(full);
      return `<details><summary>${escapeHtml(elideEnd(full, 40))}</summary><div style="white-space:pre-wrap;word-break:break-all;max-width:40em">${escapeHtml(full)}</div></details>`;
    };
    const prow = differing.map((r) => `<tr data-key="params.${escapeHtml(r.key)}"><td style="text-align:left">${escapeHtml(r.key)}</td>${r.values.map((v) => `<td style="text-align:left;vertical-align:top;max-width:24em">${value(v)}</td>`).join("")}</tr>`);
    const info = ["status", "duration", "git"].map((what) => `<tr><td style="text-align:left">${what}</td>${this.runs.map((r) => `<td style="text-align:right">${escapeHtml(
      what === "status" ? r.status : what === "duration" ? formatDuration(r.durationMs) : `${r.gitCommit?.slice(0, 8) ?? "—"}${r.gitDirty ? " (dirty)" : ""}`,
    )}</td>`).join("")}</tr>`);
    const sameNote = same.length
      ? `<details><summary>${same.length} param${same.length === 1 ? "" : "s"} the same in every run</summary><p>${same.map((r) => `${escapeHtml(r.key)} = ${escapeHtml(elideEnd(formatNumber(r.values.find((v) => !isBlank(v))), LONG_VALUE))}`).join("<br>")}</p></details>`
      : "";
    const diffs = this.codeDiffs().map(({ diff, run }) => {
      if (!diff) return `<p>Code of ${escapeHtml(run.name)}: identical.</p>`;
      const lines = diff.split("\n").map((l) => {
        const color = l.startsWith("+") && !l.startsWith("+++") ? "var(--jp-success-color3, #e6ffed)" : l.startsWith("-") && !l.startsWith("---") ? "var(--jp-error-color3, #ffeef0)" : "transparent";
        return `<div style="background:${color}">${escapeHtml(l) || "&nbsp;"}</div>`;
      }).join("");
      return `<details><summary>Code diff: ${escapeHtml(this.runs[0].name)} → ${escapeHtml(run.name)}</summary><pre style="font-size:85%">${lines}</pre></details>`;
    }).join("");
    const textMetric = (r: CompareMetricRow) => [
      (r.best.length ? "  " : "  ") + r.key + goalMark(r.goal),
      ...r.shown.map((v, i) => (v === null ? "" : `${formatNumber(v)}${r.best.includes(i) ? " *" : ""}${r.deltas[i] ? ` (${r.deltas[i]! > 0 ? "+" : ""}${formatNumber(r.deltas[i])})` : ""}`)),
    ];
    const textRows = [
      ["metrics", ...labels.map(() => "")],
      ...metrics.map(textMetric),
      [`params that differ (${differing.length} of ${params.length})`, ...labels.map(() => "")],
      ...differing.map((r) => [`  ${r.key}`, ...r.values.map((v) => formatNumber(v))]),
    ];
    const textDiffs = this.codeDiffs().map((d) => d.diff || `code of ${d.run.name}: identical`).join("\n");
    const paramsHead = section(`Params that differ (${differing.length} of ${params.length})`, n);
    return {
      "text/plain": `${textTable(["", ...labels], textRows)}\n(* best; deltas against ${labels[0]})\n\n${textDiffs}`.trimEnd(),
      "text/html": `<table class="modelbench-compare"><thead><tr>${th}</tr></thead><tbody>${info.join("")}` +
        (metrics.length ? section("Metrics <small>(best value by the goal, else the last; delta against the first run)</small>", n) + mrow.join("") : "") +
        (differing.length ? paramsHead + prow.join("") : params.length ? section("Params: all the same", n) : "") +
        `</tbody></table>${sameNote}${diffs}`,
    };
  }
}

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

export { Figure } from "../display/figures";
