// Runs as tables and comparisons: values that display themselves (HTML, with a text fallback).
import { MIME } from "../display";
import { unifiedDiff } from "../diff";
import { escapeHtml } from "../display/html";
import { formatDuration, formatNumber, formatTime, textTable } from "./format";
import type { MetricPoint, RunDetail, RunSummary } from "./types";

const isSystem = (k: string) => k.startsWith("system/");

/** Keys that appear in the runs, most common first, at most `limit`. */
function commonKeys(maps: Array<Record<string, unknown>>, limit: number, skip: (k: string) => boolean = () => false): string[] {
  const counts = new Map<string, number>();
  for (const m of maps) for (const k of Object.keys(m)) if (!skip(k)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit).map(([k]) => k).sort();
}

const STATUS_COLOR: Record<string, string> = {
  running: "var(--jp-info-color1, #0a6fd6)",
  finished: "var(--jp-success-color1, #2e7d32)",
  failed: "var(--jp-error-color1, #c62828)",
  killed: "var(--jp-warn-color1, #ef6c00)",
  crashed: "var(--jp-error-color1, #c62828)",
};

export class RunsTable {
  readonly paramKeys: string[];
  readonly metricKeys: string[];

  constructor(readonly runs: RunSummary[], readonly total = runs.length) {
    this.paramKeys = commonKeys(runs.map((r) => r.params), 8);
    this.metricKeys = commonKeys(runs.map((r) => r.metrics), 8, isSystem);
  }

  private rows(): string[][] {
    return this.runs.map((r) => [
      r.id.slice(0, 8), r.name, r.status, formatTime(r.startedAt), formatDuration(r.durationMs), r.tags.join(","),
      ...this.paramKeys.map((k) => formatNumber(r.params[k])),
      ...this.metricKeys.map((k) => (r.metrics[k] ? formatNumber(r.metrics[k].last) : "")),
    ]);
  }

  private header(): string[] {
    return ["id", "name", "status", "started", "duration", "tags", ...this.paramKeys.map((k) => `params.${k}`), ...this.metricKeys];
  }

  private footer(): string {
    return this.total > this.runs.length ? `${this.runs.length} of ${this.total} runs shown (--limit to see more)` : `${this.runs.length} run${this.runs.length === 1 ? "" : "s"}`;
  }

  [MIME]() {
    if (!this.runs.length) return { "text/plain": "No runs match.", "text/html": "<p>No runs match.</p>" };
    const head = this.header().map((h) => `<th style="text-align:left">${escapeHtml(h)}</th>`).join("");
    const body = this.rows().map((cells, i) => {
      const status = this.runs[i].status;
      return "<tr>" + cells.map((c, j) =>
        j === 2 ? `<td style="color:${STATUS_COLOR[status]}">${c}</td>` : j === 0 ? `<td><code>${c}</code></td>` : `<td>${escapeHtml(c)}</td>`,
      ).join("") + "</tr>";
    }).join("");
    return {
      "text/plain": `${textTable(this.header(), this.rows())}\n${this.footer()}`,
      "text/html": `<table class="modelbench-runs"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table><p>${this.footer()}</p>`,
    };
  }
}

export interface CurveSet {
  run: RunDetail;
  points: MetricPoint[];
}

/** Params and metric summaries side by side, differing values highlighted, curves and code diffs. */
export class Comparison {
  constructor(readonly runs: RunDetail[], readonly curves: CurveSet[]) {}

  paramRows(): Array<{ key: string; values: unknown[]; differs: boolean }> {
    const keys = [...new Set(this.runs.flatMap((r) => Object.keys(r.params)))].sort();
    return keys.map((key) => {
      const values = this.runs.map((r) => r.params[key]);
      const differs = new Set(values.map((v) => JSON.stringify(v))).size > 1;
      return { key, values, differs };
    });
  }

  metricRows(): Array<{ key: string; values: Array<{ last: number; min: number; max: number } | undefined>; differs: boolean }> {
    const keys = [...new Set(this.runs.flatMap((r) => Object.keys(r.metrics)))].filter((k) => !isSystem(k)).sort();
    return keys.map((key) => {
      const values = this.runs.map((r) => r.metrics[key]);
      const differs = new Set(values.map((v) => (v ? formatNumber(v.last) : ""))).size > 1;
      return { key, values, differs };
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

  /** Overlaid learning curves as a plotly figure: one trace per run and metric. */
  figure(): { data: unknown[]; layout: Record<string, unknown> } {
    const data: unknown[] = [];
    for (const c of this.curves) {
      const byKey = new Map<string, MetricPoint[]>();
      for (const p of c.points) if (!isSystem(p.key)) (byKey.get(p.key) ?? byKey.set(p.key, []).get(p.key)!).push(p);
      for (const [key, pts] of byKey) {
        if (pts.length < 2) continue;
        data.push({
          type: "scatter", mode: "lines", name: `${c.run.name} · ${key}`,
          x: pts.map((p) => p.step), y: pts.map((p) => (Number.isFinite(p.value) ? p.value : null)),
        });
      }
    }
    return { data, layout: { title: { text: "Learning curves" }, xaxis: { title: { text: "step" } }, yaxis: { title: { text: "value" } }, height: 360 } };
  }

  private header(): string[] {
    return ["", ...this.runs.map((r) => `${r.name} (${r.id.slice(0, 8)})`)];
  }

  [MIME]() {
    const hl = (d: boolean) => (d ? ' style="background: var(--jp-warn-color3, #fff3cd)"' : "");
    const th = this.header().map((h) => `<th style="text-align:left">${escapeHtml(h)}</th>`).join("");
    const prow = this.paramRows().map((r) => `<tr${hl(r.differs)}><td>params.${escapeHtml(r.key)}</td>${r.values.map((v) => `<td>${escapeHtml(formatNumber(v))}</td>`).join("")}</tr>`);
    const mrow = this.metricRows().map((r) => `<tr${hl(r.differs)}><td>${escapeHtml(r.key)}</td>${r.values.map((v) => `<td>${v ? `${formatNumber(v.last)} <small>(min ${formatNumber(v.min)}, max ${formatNumber(v.max)})</small>` : ""}</td>`).join("")}</tr>`);
    const info = ["status", "duration", "git"].map((what) => `<tr><td>${what}</td>${this.runs.map((r) => `<td>${escapeHtml(
      what === "status" ? r.status : what === "duration" ? formatDuration(r.durationMs) : `${r.gitCommit?.slice(0, 8) ?? "—"}${r.gitDirty ? " (dirty)" : ""}`,
    )}</td>`).join("")}</tr>`);
    const diffs = this.codeDiffs().map(({ diff, run }) => {
      if (!diff) return `<p>Code of ${escapeHtml(run.name)}: identical.</p>`;
      const lines = diff.split("\n").map((l) => {
        const color = l.startsWith("+") && !l.startsWith("+++") ? "var(--jp-success-color3, #e6ffed)" : l.startsWith("-") && !l.startsWith("---") ? "var(--jp-error-color3, #ffeef0)" : "transparent";
        return `<div style="background:${color}">${escapeHtml(l) || "&nbsp;"}</div>`;
      }).join("");
      return `<details open><summary>Code diff</summary><pre style="font-size:85%">${lines}</pre></details>`;
    }).join("");
    const textRows = [
      ...this.paramRows().map((r) => [(r.differs ? "* " : "  ") + `params.${r.key}`, ...r.values.map(formatNumber)]),
      ...this.metricRows().map((r) => [(r.differs ? "* " : "  ") + r.key, ...r.values.map((v) => (v ? formatNumber(v.last) : ""))]),
    ];
    const textDiffs = this.codeDiffs().map((d) => d.diff || `code of ${d.run.name}: identical`).join("\n");
    return {
      "text/plain": `${textTable(this.header(), textRows)}\n(* differs)\n\n${textDiffs}`.trimEnd(),
      "text/html": `<table class="modelbench-compare"><thead><tr>${th}</tr></thead><tbody>${info.join("")}${prow.join("")}${mrow.join("")}</tbody></table>${diffs}`,
    };
  }
}

export { Figure } from "../display/figures";
