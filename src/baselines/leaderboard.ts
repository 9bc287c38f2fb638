// Leaderboards: runs ranked by one metric, baselines and human references beside the models,
// and the human-level reference row itself (a tracked run with metrics and no model).
import { MIME, type MimeBundle } from "../display";
import { metricBars, type Figure } from "../display/figures";
import { InvalidInputError } from "../errors";
import { escapeHtml } from "../display/html";
import { formatNumber, textTable } from "../track/format";
import { guessGoal } from "../track/records";
import * as track from "../track";

export type RowKind = "baseline" | "reference" | "model";

export interface LeaderboardRow {
  name: string;
  runId: string | null;
  kind: RowKind;
  metrics: Record<string, number>;
  note?: string | null;
}

/** The kind of a run, read from its tags. */
export function kindOf(tags: readonly string[]): RowKind {
  return tags.includes("reference") ? "reference" : tags.includes("baseline") ? "baseline" : "model";
}

/** Rows ranked by `metric` (best first by its goal); rows without it come last, unranked. */
export class Leaderboard {
  readonly rows: LeaderboardRow[];
  readonly goal: "min" | "max";

  constructor(readonly metric: string, rows: readonly LeaderboardRow[], goal?: "min" | "max") {
    this.goal = goal ?? guessGoal(metric) ?? "max";
    const score = (r: LeaderboardRow) => {
      const v = r.metrics[metric];
      return typeof v === "number" && Number.isFinite(v) ? (this.goal === "max" ? -v : v) : Infinity;
    };
    this.rows = [...rows].sort((a, b) => score(a) - score(b));
  }

  /** The best row that is not a reference: what a model has to beat. */
  get bestBaseline(): LeaderboardRow | undefined {
    return this.rows.find((r) => r.kind === "baseline" && Number.isFinite(r.metrics[this.metric]));
  }

  private columns(): string[] {
    const others = new Set<string>();
    for (const r of this.rows) for (const k of Object.keys(r.metrics)) if (k !== this.metric && !k.startsWith("system/")) others.add(k);
    return [this.metric, ...[...others].sort()].slice(0, 8);
  }

  private table(): { head: string[]; rows: string[][] } {
    const cols = this.columns();
    let rank = 0;
    const rows = this.rows.map((r) => {
      const has = Number.isFinite(r.metrics[this.metric]);
      return [has ? String(++rank) : "", r.name, r.kind, ...cols.map((k) => formatNumber(r.metrics[k])), r.runId ? r.runId.slice(0, 8) : ""];
    });
    return { head: ["rank", "name", "kind", ...cols, "run"], rows };
  }

  /** The leaderboard as horizontal bars of the metric. */
  figure(): Figure {
    return metricBars(this.rows.filter((r) => Number.isFinite(r.metrics[this.metric])).map((r) => ({ name: r.name, value: r.metrics[this.metric], group: r.kind })), {
      metric: this.metric, goal: this.goal, title: `Leaderboard: ${this.metric}`,
    });
  }

  [MIME](): MimeBundle {
    const title = `Leaderboard by ${this.metric} (${this.goal === "max" ? "higher" : "lower"} is better)`;
    if (!this.rows.length) return { "text/plain": `${title}: no runs`, "text/html": `<p>${escapeHtml(title)}: no runs</p>` };
    const { head, rows } = this.table();
    const style: Record<RowKind, string> = {
      baseline: "color: var(--jp-ui-font-color2, #666)",
      reference: "font-style: italic; background: var(--jp-warn-color3, #fff3cd)",
      model: "",
    };
    // JupyterLab right-aligns every table cell: words read from the left, numbers line up on the right.
    const align = (j: number) => (j === 1 || j === 2 || j === head.length - 1 ? "left" : "right");
    const body = rows.map((cells, i) => `<tr style="${style[this.rows[i].kind]}">${cells.map((c, j) => {
      const inner = j === 3 ? `<b>${escapeHtml(c)}</b>` : j === cells.length - 1 ? `<code>${escapeHtml(c)}</code>` : escapeHtml(c);
      return `<td style="text-align:${align(j)}">${inner}</td>`;
    }).join("")}</tr>`).join("");
    const notes = this.rows.filter((r) => r.note).map((r) => `${r.name}: ${r.note}`);
    return {
      "text/plain": [title, textTable(head, rows), ...notes].join("\n"),
      "text/html": `<p><b>${escapeHtml(title)}</b></p><table class="modelbench-leaderboard"><thead><tr>${head.map((h, j) => `<th style="text-align:${align(j)}">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${body}</tbody></table>` +
        (notes.length ? `<p><small>${notes.map(escapeHtml).join("<br>")}</small></p>` : ""),
    };
  }
}

/** A run as a leaderboard row (last value of each metric). */
export function rowOf(run: track.RunSummary): LeaderboardRow {
  const metrics: Record<string, number> = {};
  for (const [k, m] of Object.entries(run.metrics)) if (!k.startsWith("system/")) metrics[k] = m.last;
  return { name: run.name, runId: run.id, kind: kindOf(run.tags), metrics, note: run.notes };
}

export interface LeaderboardOptions {
  metric: string;
  /** A %runs filter, e.g. `tags contains baseline` or `metrics.macro_f1 > 0.2`. */
  where?: string;
  /** Only runs with all these tags. */
  tags?: string[];
  goal?: "min" | "max";
  limit?: number;
  /** Only the newest run of each name (default true), so a notebook run twice is not ranked twice. */
  latestPerName?: boolean;
  /** Human references (runs tagged `reference`) stay on the board whatever `tags` and `where` pick (default true). */
  references?: boolean;
}

/** The newest run of each name, given runs newest first. */
export function latestPerName<T extends { name: string }>(runs: readonly T[]): T[] {
  const seen = new Set<string>();
  return runs.filter((r) => !seen.has(r.name) && (seen.add(r.name), true));
}

/** Finished runs of the store that logged `metric`, ranked: models, baselines and references together. */
export async function leaderboard(options: LeaderboardOptions): Promise<Leaderboard> {
  if (!options || typeof options.metric !== "string" || !options.metric) {
    throw new InvalidInputError("leaderboard needs the metric to rank by: leaderboard({ metric: 'macro_f1' })");
  }
  const table = await track.listRuns({ where: options.where, tags: options.tags, status: ["finished"] });
  let runs = table.runs;
  if ((options.references ?? true) && (options.where || options.tags?.length)) {
    const refs = (await track.listRuns({ tags: ["reference"], status: ["finished"] })).runs;
    const have = new Set(runs.map((r) => r.id));
    runs = [...runs, ...refs.filter((r) => !have.has(r.id))].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  }
  runs = runs.filter((r) => r.metrics[options.metric]);
  if (options.latestPerName ?? true) runs = latestPerName(runs);
  const rows = runs.map(rowOf);
  const board = new Leaderboard(options.metric, rows, options.goal);
  return options.limit ? new Leaderboard(options.metric, board.rows.slice(0, options.limit), board.goal) : board;
}

export interface HumanReferenceOptions {
  /** e.g. "human (2 annotators)"; default "human". */
  name?: string;
  /** What people scored, on the same metrics as the models: `{ macro_f1: 0.62 }`. */
  metrics: Record<string, number>;
  /** Where the numbers come from (who labelled what, how many samples). */
  note?: string;
  params?: Record<string, unknown>;
  tags?: string[];
}

/**
 * Records human-level performance as a reference row: a finished run tagged `reference` and
 * `human` with those metrics and no model, which leaderboards show beside the models.
 */
export async function humanReference(options: HumanReferenceOptions): Promise<track.Run> {
  const metrics = options?.metrics;
  if (!metrics || typeof metrics !== "object" || Array.isArray(metrics) || !Object.keys(metrics).length) {
    throw new InvalidInputError("humanReference needs the metrics people reached, e.g. humanReference({ name: 'human', metrics: { macro_f1: 0.62 }, note: '2 annotators, 200 passages' })");
  }
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidInputError(`metric '${k}' is ${JSON.stringify(v)}: a reference metric is a finite number`);
  }
  const run = await track.startRun({
    name: options.name ?? "human",
    tags: ["reference", "human", ...(options.tags ?? [])],
    notes: options.note,
    parent: null,
    params: { reference: "human", ...(options.params ?? {}) },
  });
  try {
    run.log(metrics, { step: 0 });
  } catch (e) {
    await run.end("failed", (e as Error).message);
    throw e;
  }
  await run.end("finished");
  return run;
}
