// What evaluate() returns: every number, figure and table by name, and a display of the whole in a
// notebook (one plotly dashboard for JupyterLab, HTML tables for other frontends, text for a terminal).
import { MIME, type MimeBundle } from "../display";
import { PLOTLY_MIME, type Figure } from "../display/figures";
import { escapeHtml } from "../display/html";
import { formatNumber, textTable } from "../track/format";
import type { Label } from "../labels";
import type { ClassificationReport, ConfusionMatrix } from "../metrics";
import { dashboard, type Panel } from "./dashboard";
import type { LabelCurves } from "./curves";
import type { TableValue } from "./findings";
import type { Importance } from "./importance";

export type Task = "binary" | "multiclass" | "multilabel" | "regression";

export interface EvaluationFields {
  task: Task;
  /** Rows evaluated. */
  n: number;
  /** The model's class name, when it has one. */
  model: string;
  /** By name, without the prefix: accuracy, macro_f1, roc_auc, rmse, latency_ms_per_row, model_size (bytes of its JSON), … */
  metrics: Record<string, number>;
  /** confusion_matrix, roc_curve, pr_curve, calibration_curve, feature_importance, residuals, predicted_vs_true, … */
  figures: Record<string, Figure>;
  /** per_class (or per_label), worst_errors, feature_importance_values (every feature; the figure shows the top). */
  tables: Record<string, TableValue>;
  /** classification_report: scikit-learn's text. */
  texts: Record<string, string>;
  /** What was left out and why, and the warnings metrics raised. */
  notes: string[];
  /** Sorted classes (labels); empty for regression. */
  classes: Label[];
  predictions: unknown[];
  /** predictProba's rows, when the model has it. */
  probabilities: number[][] | null;
  /** Per class (or label): ROC, precision-recall and calibration curves with their areas. */
  curves: LabelCurves[];
  report: ClassificationReport | null;
  confusion: ConfusionMatrix | null;
  confusionNormalized: ConfusionMatrix | null;
  importance: Importance | null;
  /** Where it was logged: the run and the name prefix; null when no run was active (or log: false). */
  logged: { runId: string; runName: string; prefix: string } | null;
}

const WORST_SHOWN = 10;
const TOP_FEATURES_SHOWN = 15;

function cell(v: unknown, width = 160): string {
  const s = typeof v === "number" ? formatNumber(v) : formatNumber(v ?? "");
  return s.length > width ? `${s.slice(0, width - 1)}…` : s;
}

function html(table: TableValue, limit = Infinity): string {
  const head = table.columns.map((c) => `<th style="text-align:left;padding:2px 8px">${escapeHtml(c)}</th>`).join("");
  const body = table.data.slice(0, limit).map((r) => `<tr>${r.map((v) => `<td style="text-align:${typeof v === "number" ? "right" : "left"};padding:2px 8px;vertical-align:top">${escapeHtml(cell(v))}</td>`).join("")}</tr>`).join("");
  return `<table class="modelbench-table" style="border-collapse:collapse"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const TASKS: Record<Task, string> = { binary: "binary classification", multiclass: "multi-class classification", multilabel: "multi-label classification", regression: "regression" };

export class EvaluationResult implements EvaluationFields {
  readonly task!: Task;
  readonly n!: number;
  readonly model!: string;
  readonly metrics!: Record<string, number>;
  readonly figures!: Record<string, Figure>;
  readonly tables!: Record<string, TableValue>;
  readonly texts!: Record<string, string>;
  readonly notes!: string[];
  readonly classes!: Label[];
  readonly predictions!: unknown[];
  readonly probabilities!: number[][] | null;
  readonly curves!: LabelCurves[];
  readonly report!: ClassificationReport | null;
  readonly confusion!: ConfusionMatrix | null;
  readonly confusionNormalized!: ConfusionMatrix | null;
  readonly importance!: Importance | null;
  readonly logged!: EvaluationFields["logged"];

  constructor(fields: EvaluationFields) {
    Object.assign(this, fields);
  }

  /** One line on what was evaluated and where it went. */
  get headline(): string {
    const classes = this.task === "regression" ? "" : `, ${this.classes.length} ${this.task === "multilabel" ? "labels" : "classes"}`;
    const where = this.logged ? `logged to run ${this.logged.runName} (${this.logged.runId.slice(0, 8)}) as ${this.logged.prefix}*` : "not logged (no active run)";
    return `Evaluation of ${this.model}: ${TASKS[this.task]}, ${this.n} rows${classes}; ${where}`;
  }

  /** The metrics as a table, the order they were computed in. */
  get metricTable(): TableValue {
    return { columns: ["metric", "value"], data: Object.entries(this.metrics).map(([k, v]) => [k, v]) };
  }

  /** Everything in one plotly figure: metrics and tables as table panels, each figure a panel. */
  dashboard(): { data: unknown[]; layout: Record<string, unknown> } {
    const f = this.figures;
    const t = this.tables;
    const panels: Panel[] = [{ title: "Metrics", table: { columns: ["metric", "value"], data: this.metricTable.data } }];
    const add = (title: string, figure: Figure | undefined) => figure && panels.push({ title, figure });
    add("Confusion matrix", f.confusion_matrix);
    add("Confusion matrix, normalised over true labels", f.confusion_matrix_normalized);
    if (t.per_label) panels.push({ title: "Per label", table: t.per_label, wide: true });
    add("ROC", f.roc_curve);
    add("Precision-recall", f.pr_curve);
    add("Calibration", f.calibration_curve);
    add("Predicted vs true", f.predicted_vs_true);
    add("Residuals", f.residuals);
    add("Feature importance", f.feature_importance);
    if (t.worst_errors?.data.length) panels.push({ title: "Worst errors", table: { ...t.worst_errors, data: t.worst_errors.data.slice(0, WORST_SHOWN) }, wide: true });
    return dashboard(this.headline, panels);
  }

  [MIME](): MimeBundle {
    const t = this.tables;
    const section = (title: string, body: string) => `<h4 style="margin:0.8em 0 0.3em">${escapeHtml(title)}</h4>${body}`;
    const parts = [
      `<p><b>${escapeHtml(this.headline)}</b></p>`,
      section("Metrics", html(this.metricTable)),
      t.per_class ? section("Per class", html(t.per_class)) : "",
      t.per_label ? section("Per label", html(t.per_label)) : "",
      t.worst_errors?.data.length ? section(`Worst errors (${Math.min(WORST_SHOWN, t.worst_errors.data.length)} of ${t.worst_errors.data.length} kept)`, html(t.worst_errors, WORST_SHOWN)) : "",
      t.feature_importance_values ? section(`Feature importance (${this.importance?.kind})`, html(t.feature_importance_values, TOP_FEATURES_SHOWN)) : "",
      this.notes.length ? section("Notes", `<ul>${this.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>`) : "",
      `<p style="color:var(--jp-ui-font-color2,#666)">Figures (result.figures): ${escapeHtml(Object.keys(this.figures).join(", "))}</p>`,
    ];
    const text = [
      this.headline,
      textTable(["metric", "value"], this.metricTable.data.map(([k, v]) => [String(k), formatNumber(v)])),
      ...(this.notes.length ? ["notes:", ...this.notes.map((n) => `  ${n}`)] : []),
      `figures: ${Object.keys(this.figures).join(", ")}`,
      `tables: ${Object.keys(this.tables).join(", ")}`,
    ].join("\n");
    return { [PLOTLY_MIME]: this.dashboard(), "text/html": `<div class="modelbench-evaluation">${parts.join("")}</div>`, "text/plain": text };
  }
}
