// Error analysis: the misclassified examples as a table, grouped by (true, predicted) label so the
// most common confusions come first, with any extra columns (the text, an id) beside each example.
import { InvalidInputError } from "../errors";
import { MIME, type MimeBundle } from "../display";
import { escapeHtml } from "../metrics/render";

export interface ErrorRow {
  index: number;
  true: unknown;
  predicted: unknown;
  extra: Record<string, unknown>;
}

export interface ErrorGroup {
  true: unknown;
  predicted: unknown;
  count: number;
  rows: ErrorRow[];
}

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
/** Label sets compare as sets: order inside a set does not matter. */
const key = (v: unknown) => (Array.isArray(v) ? JSON.stringify([...v].map(show).sort()) : JSON.stringify(v));

export class ErrorTable {
  constructor(
    readonly total: number,
    readonly groups: ErrorGroup[],
    readonly columns: string[],
    /** Examples shown per group when rendered. */
    readonly perGroup = 5,
  ) {}

  get errors(): number {
    return this.groups.reduce((a, g) => a + g.count, 0);
  }

  /** Every misclassified example, most common confusion first. */
  get rows(): ErrorRow[] {
    return this.groups.flatMap((g) => g.rows);
  }

  [MIME](): MimeBundle {
    const cut = (v: unknown) => {
      const s = show(v) ?? "";
      return s.length > 120 ? `${s.slice(0, 117)}…` : s;
    };
    const head = `${this.errors} of ${this.total} misclassified (${((100 * this.errors) / Math.max(this.total, 1)).toFixed(1)}%) in ${this.groups.length} (true → predicted) groups`;
    const text = [head];
    const cols = ["row", ...this.columns];
    let html = `<div class="modelbench-errors"><p>${escapeHtml(head)}</p><table class="modelbench-table"><thead><tr><th>true</th><th>predicted</th><th>count</th>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead><tbody>`;
    for (const g of this.groups) {
      const shown = g.rows.slice(0, this.perGroup);
      text.push(`${show(g.true)} → ${show(g.predicted)}: ${g.count}`);
      for (const r of shown) text.push(`  #${r.index} ${this.columns.map((c) => cut(r.extra[c])).join(" | ")}`);
      shown.forEach((r, i) => {
        const lead = i === 0 ? `<td rowspan="${shown.length}">${escapeHtml(show(g.true))}</td><td rowspan="${shown.length}">${escapeHtml(show(g.predicted))}</td><td rowspan="${shown.length}">${g.count}</td>` : "";
        html += `<tr>${lead}<td>${r.index}</td>${this.columns.map((c) => `<td>${escapeHtml(cut(r.extra[c]))}</td>`).join("")}</tr>`;
      });
    }
    html += "</tbody></table></div>";
    return { "text/html": html, "text/plain": text.join("\n") };
  }
}

/**
 * The misclassified examples of yPred against y, grouped by (true, predicted). `extra` adds columns:
 * an object of equal-length arrays (`{ text: docs }`) or one object per sample.
 */
export function errorAnalysis(y: readonly unknown[], yPred: readonly unknown[], extra?: Record<string, readonly unknown[]> | readonly Record<string, unknown>[]): ErrorTable {
  if (!Array.isArray(y) || !Array.isArray(yPred)) throw new InvalidInputError("errorAnalysis(y, yPred) takes two arrays of labels");
  if (y.length !== yPred.length) throw new InvalidInputError(`y has ${y.length} samples but yPred has ${yPred.length}: they must describe the same samples`);
  let columns: string[] = [];
  let extraOf: (i: number) => Record<string, unknown> = () => ({});
  if (Array.isArray(extra)) {
    if (extra.length !== y.length) throw new InvalidInputError(`extra has ${extra.length} rows but y has ${y.length}`);
    columns = [...new Set(extra.flatMap((r) => Object.keys(r ?? {})))];
    extraOf = (i) => extra[i] ?? {};
  } else if (extra) {
    const obj = extra as Record<string, readonly unknown[]>;
    columns = Object.keys(obj);
    for (const c of columns) {
      if (!Array.isArray(obj[c]) || obj[c].length !== y.length) throw new InvalidInputError(`extra column '${c}' must be an array with one value per sample (${y.length})`);
    }
    extraOf = (i) => Object.fromEntries(columns.map((c) => [c, obj[c][i]]));
  }
  const groups = new Map<string, ErrorGroup>();
  y.forEach((t, i) => {
    const p = yPred[i];
    if (key(t) === key(p)) return;
    const k = `${key(t)}\u0000${key(p)}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { true: t, predicted: p, count: 0, rows: [] }));
    g.count++;
    g.rows.push({ index: i, true: t, predicted: p, extra: extraOf(i) });
  });
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || key(a.true).localeCompare(key(b.true)) || key(a.predicted).localeCompare(key(b.predicted)));
  return new ErrorTable(y.length, sorted, columns);
}
