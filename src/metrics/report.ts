// scikit-learn's classification_report as a value: the numbers as fields (and as sklearn's
// output_dict shape via toDict), and in a notebook the same table as text/plain (sklearn's exact
// text layout) and as HTML.
import { InvalidInputError } from "../errors";
import { MIME, type MimeBundle } from "../display";
import type { Label } from "../labels";
import { type AveragedScores, type PerLabelScores, type ScoreOptions, precisionRecallFscoreSupport } from "./classification";
import { type ClassTarget, encodeTargets, isMultilabelTarget } from "./targets";
import { formatFixed, htmlTable } from "./render";
import { warn } from "./warnings";

export interface ReportRow {
  name: string;
  precision: number;
  recall: number;
  f1Score: number;
  support: number;
}

export interface ReportOptions extends Omit<ScoreOptions, "posLabel"> {
  /** Display names for the labels, in the same order. */
  targetNames?: readonly string[];
  /** Decimals in the text and HTML renderings. */
  digits?: number;
}

export class ClassificationReport {
  constructor(
    /** One row per label. */
    readonly rows: readonly ReportRow[],
    /** "accuracy" or "micro avg", then "macro avg", "weighted avg", and "samples avg" for multi-label. */
    readonly averages: readonly ReportRow[],
    /** Set when the micro average is plain accuracy (one label per sample, every label included). */
    readonly accuracy: number | undefined,
    readonly digits: number,
  ) {}

  /** The shape of sklearn's classification_report(..., output_dict=True). */
  toDict(): Record<string, number | Record<string, number>> {
    const out: Record<string, number | Record<string, number>> = {};
    const entry = (r: ReportRow) => ({ precision: r.precision, recall: r.recall, "f1-score": r.f1Score, support: r.support });
    for (const r of this.rows) out[r.name] = entry(r);
    for (const r of this.averages) {
      if (r.name === "accuracy") out.accuracy = r.precision;
      else out[r.name] = entry(r);
    }
    return out;
  }

  /** sklearn's text layout, character for character. */
  toString(): string {
    const d = this.digits;
    const names = [...this.rows.map((r) => r.name), "weighted avg"];
    const width = Math.max(...names.map((n) => [...n].length), d);
    const pad = (s: string, w: number) => " ".repeat(Math.max(0, w - [...s].length)) + s;
    const line = (r: ReportRow) =>
      `${pad(r.name, width)} ${[r.precision, r.recall, r.f1Score].map((v) => " " + pad(formatFixed(v, d), 9)).join("")} ${pad(String(r.support), 9)}\n`;
    let text = `${pad("", width)} ${["precision", "recall", "f1-score", "support"].map((h) => " " + pad(h, 9)).join("")}\n\n`;
    for (const r of this.rows) text += line(r);
    text += "\n";
    this.averages.forEach((r) => {
      if (r.name === "accuracy") {
        text += `${pad("accuracy", width)} ${" ".repeat(10)}${" ".repeat(10)} ${pad(formatFixed(r.f1Score, d), 9)} ${pad(String(r.support), 9)}\n`;
      } else text += line(r);
    });
    return text;
  }

  [MIME](): MimeBundle {
    const d = this.digits;
    const head = ["", "precision", "recall", "f1-score", "support"];
    const row = (r: ReportRow) => [r.name, formatFixed(r.precision, d), formatFixed(r.recall, d), formatFixed(r.f1Score, d), String(r.support)];
    const rows = this.rows.map(row);
    rows.push(["", "", "", "", ""]);
    this.averages.forEach((r) =>
      rows.push(r.name === "accuracy" ? ["accuracy", "", "", formatFixed(r.f1Score, d), String(r.support)] : row(r)),
    );
    return { "text/html": htmlTable(head, rows), "text/plain": this.toString() };
  }
}

export function classificationReport(yTrue: ClassTarget, yPred: ClassTarget, options: ReportOptions = {}): ClassificationReport {
  const digits = options.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0) throw new InvalidInputError(`digits must be a whole number ≥ 0 (got ${digits})`);
  const { targetNames, labels, zeroDivision, onWarning } = options;
  const enc = encodeTargets(yTrue, yPred, isMultilabelTarget(yTrue) ? [] : labels ?? []);
  const shown = labels ?? enc.present;
  const multilabel = enc.kind === "multilabel";
  const microIsAccuracy = !multilabel && (labels === undefined || enc.present.every((l) => labels.includes(l)));
  if (targetNames !== undefined && targetNames.length !== shown.length) {
    if (labels !== undefined) {
      warn(onWarning, "UserWarning", `labels size, ${shown.length}, does not match size of target_names, ${targetNames.length}`);
    } else {
      throw new InvalidInputError(
        `there are ${shown.length} classes but ${targetNames.length} target names: pass one name per class, or pass labels to choose the classes`,
      );
    }
  }
  const names = targetNames ? [...targetNames] : shown.map((l: Label) => String(l));
  const common = { labels: shown, zeroDivision, onWarning };
  const per: PerLabelScores = precisionRecallFscoreSupport(yTrue, yPred, { ...common, average: null });
  // zip() in sklearn stops at the shorter of names and scores.
  const n = Math.min(names.length, per.precision.length);
  const rows: ReportRow[] = [];
  for (let i = 0; i < n; i++) {
    rows.push({ name: names[i], precision: per.precision[i], recall: per.recall[i], f1Score: per.fScore[i], support: per.support[i] });
  }
  const total = per.support.reduce((a, b) => a + b, 0);
  const kinds = multilabel ? (["micro", "macro", "weighted", "samples"] as const) : (["micro", "macro", "weighted"] as const);
  const averages = kinds.map((average) => {
    const s: AveragedScores = precisionRecallFscoreSupport(yTrue, yPred, { ...common, average });
    const name = average === "micro" && microIsAccuracy ? "accuracy" : `${average} avg`;
    return { name, precision: s.precision, recall: s.recall, f1Score: s.fScore, support: total };
  });
  return new ClassificationReport(rows, averages, microIsAccuracy ? averages[0].precision : undefined, digits);
}
