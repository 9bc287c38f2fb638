// What automl() returns and shows: a leaderboard by family (best cross-validated score ± std, fit
// time, prediction latency, model size, trials) beside the most-frequent-class (or mean)
// baseline, the winner and its settings, its held-out score, and a short explanation of what won
// — which choices mattered, by fANOVA importance over the trials scored on all rows.
import { MIME, type MimeBundle } from "../display";
import { escapeHtml } from "../display/html";
import { formatNumber, textTable } from "../track/format";
import type { FrozenTrial } from "../tune/types";
import type { EvaluationResult } from "../evaluate";
import type { AutoMLPipeline } from "./pipeline";

export interface FamilyRow {
  family: string;
  title: string;
  /** Trials at any data fraction, and those scored on all rows. */
  trials: number;
  scored: number;
  best: number | null;
  std: number | null;
  bestTrial: number | null;
  params: Record<string, unknown> | null;
  /** Seconds of search spent on this family. */
  seconds: number;
  /** Of its best configuration: mean fit seconds per fold, prediction ms per row, saved size in bytes. */
  fitSeconds: number | null;
  latencyMs: number | null;
  bytes: number | null;
}

export interface AutoMLResultInit {
  name: string;
  task: "classification" | "regression";
  metric: string;
  target: string;
  budget: number;
  searchSeconds: number;
  refitSeconds: number;
  interrupted: boolean;
  notes: string[];
  families: FamilyRow[];
  baseline: { name: string; score: number };
  best: { trial: number; family: string; params: Record<string, unknown>; score: number };
  trials: FrozenTrial[];
  importance: Record<string, number> | null;
  /** Importance of the winning family's own settings, over its trials. */
  within: Record<string, number> | null;
  model: AutoMLPipeline;
  testScore: number | null;
  evaluation: EvaluationResult | null;
  registered: { name: string; version: number } | null;
  runId: string | null;
  folds: number;
  grouped: boolean;
}

export class AutoMLResult {
  constructor(readonly r: AutoMLResultInit) {}

  get model(): AutoMLPipeline {
    return this.r.model;
  }
  get best() {
    return this.r.best;
  }
  get leaderboard(): readonly FamilyRow[] {
    return this.r.families;
  }
  get testScore(): number | null {
    return this.r.testScore;
  }
  get trials(): readonly FrozenTrial[] {
    return this.r.trials;
  }
  get importance(): Record<string, number> | null {
    return this.r.importance;
  }
  get within(): Record<string, number> | null {
    return this.r.within;
  }
  get interrupted(): boolean {
    return this.r.interrupted;
  }

  /** The choices that mattered most, by importance: "family (0.62), gbdt.learningRate (0.21)". */
  explanation(): string {
    const r = this.r;
    const top = r.families.find((f) => f.family === r.best.family)!;
    const runnerUp = r.families.find((f) => f.family !== r.best.family && f.best !== null);
    const lines = [
      `${top.title} won with cross-validated ${r.metric} ${formatNumber(r.best.score)}${top.std !== null ? ` ± ${formatNumber(top.std)}` : ""} (trial #${r.best.trial}), against ${formatNumber(r.baseline.score)} for the ${r.baseline.name} baseline` +
        (runnerUp ? ` and ${formatNumber(runnerUp.best)} for the best ${runnerUp.title}.` : "."),
    ];
    const ranked = (imp: Record<string, number>) => Object.entries(imp).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} (${formatNumber(v)})`).join(", ");
    if (r.importance) lines.push(`What mattered most over all trials (fANOVA importance): ${ranked(r.importance)}.`);
    if (r.within) lines.push(`Within ${top.title}: ${ranked(r.within)}.`);
    if (!r.importance && !r.within) lines.push("Too few trials were scored on all rows to say which choices mattered (fANOVA needs four).");
    if (r.testScore !== null) lines.push(`On the held-out rows, scored once: ${r.metric} ${formatNumber(r.testScore)}.`);
    return lines.join(" ");
  }

  [MIME](): MimeBundle {
    const r = this.r;
    const head = ["family", `cv ${r.metric}`, "± std", "trials (all rows)", "fit s/fold", "latency ms/row", "size", "search s"];
    const rows = r.families.map((f) => [
      f.family === r.best.family ? `${f.title} ★` : f.title, f.best === null ? "—" : formatNumber(f.best), f.std === null ? "" : formatNumber(f.std), `${f.trials} (${f.scored})`,
      f.fitSeconds === null ? "" : formatNumber(f.fitSeconds), f.latencyMs === null ? "" : formatNumber(f.latencyMs), f.bytes === null ? "" : bytes(f.bytes), formatNumber(f.seconds),
    ]);
    rows.push([`baseline: ${r.baseline.name}`, formatNumber(r.baseline.score), "", "", "", "", "", ""]);
    const title = `AutoML ${r.name}: ${r.task} of '${r.target}', ${r.metric} by ${r.folds}-fold${r.grouped ? " grouped" : ""} CV — ${r.trials.length} trials in ${r.searchSeconds.toFixed(1)} s of ${r.budget} s${r.interrupted ? " (interrupted: best so far kept)" : ""}`;
    const winner = `winner: ${r.best.family} ${Object.entries(r.best.params).map(([k, v]) => `${k}=${formatNumber(v)}`).join(", ")}; refitted on all rows in ${r.refitSeconds.toFixed(1)} s` +
      (r.registered ? `; registered as ${r.registered.name} v${r.registered.version} (@automl)` : "");
    const text = [title, textTable(head, rows), winner, this.explanation(), ...r.notes].join("\n");
    const html = `<p><b>${escapeHtml(title)}</b></p><table><thead><tr>${head.map((h) => `<th style="text-align:left">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
      .map((row, i) => `<tr${r.families[i]?.family === r.best.family ? ' style="font-weight:bold"' : ""}>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("")}</tbody></table><p>${escapeHtml(winner)}</p><p>${escapeHtml(this.explanation())}</p>${r.notes.map((n) => `<p><i>${escapeHtml(n)}</i></p>`).join("")}`;
    return { "text/plain": text, "text/html": html };
  }
}

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`;
}
