// describe(table): what is in a table at a glance — per column its type, present and missing
// counts, distinct values, a numeric summary (pandas' describe: sample std, linearly interpolated
// quartiles) or the most frequent value, and the label frequencies of a (multi-)label column.
import type { ColumnTable } from "arquero";
import { MIME, type MimeBundle } from "../display";
import { htmlTable } from "../metrics/render";
import { InvalidInputError } from "../errors";
import { columnNames, columnValues, numRows, type DanfoFrame } from "./table";
import { formatCell, shapeLine } from "./render";

export type ColumnType = "number" | "string" | "boolean" | "date" | "labels" | "object" | "mixed" | "empty";

export interface NumericSummary {
  mean: number;
  std: number;
  min: number;
  q25: number;
  median: number;
  q75: number;
  max: number;
}

export interface ColumnSummary {
  name: string;
  type: ColumnType;
  nonNull: number;
  missing: number;
  unique: number;
  numeric?: NumericSummary;
  /** The most frequent value (non-numeric columns) and how often it occurs. */
  top?: unknown;
  freq?: number;
}

export interface LabelFrequency {
  label: string;
  count: number;
  /** count / all rows: the share of rows that carry this label. */
  fraction: number;
}

export interface LabelSummary {
  column: string;
  multiLabel: boolean;
  frequencies: LabelFrequency[];
  /** Mean number of labels per row (1 for single-label). */
  cardinality: number;
  /** Rows whose label is missing or an empty set. */
  unlabeled: number;
}

export interface DescribeOptions {
  /** A label column: its frequencies are listed (an array per row counts each label). */
  label?: string;
}

const isMissing = (v: unknown) => v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));

/** Quantile with linear interpolation between order statistics (numpy's and pandas' default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function typeOf(present: readonly unknown[]): ColumnType {
  if (!present.length) return "empty";
  const kinds = new Set(present.map((v) => (Array.isArray(v) ? "labels" : v instanceof Date ? "date" : typeof v)));
  if (kinds.size > 1) return "mixed";
  const k = [...kinds][0];
  return k === "number" || k === "string" || k === "boolean" || k === "date" || k === "labels" ? (k as ColumnType) : "object";
}

const keyOf = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v instanceof Date ? v.toISOString() : v));

export function summarizeColumn(name: string, values: readonly unknown[]): ColumnSummary {
  const present = values.filter((v) => !isMissing(v));
  const type = typeOf(present);
  const counts = new Map<string, { value: unknown; n: number }>();
  for (const v of present) {
    const k = keyOf(Array.isArray(v) ? [...v].map(String).sort() : v);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { value: v, n: 1 });
  }
  const out: ColumnSummary = { name, type, nonNull: present.length, missing: values.length - present.length, unique: counts.size };
  if (type === "number") {
    const xs = (present as number[]).slice().sort((a, b) => a - b);
    const n = xs.length;
    let mean = 0;
    for (const x of xs) mean += x;
    mean /= n;
    let ss = 0;
    for (const x of xs) ss += (x - mean) ** 2;
    out.numeric = {
      mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN, min: xs[0],
      q25: quantile(xs, 0.25), median: quantile(xs, 0.5), q75: quantile(xs, 0.75), max: xs[n - 1],
    };
  } else if (counts.size) {
    let best: { value: unknown; n: number } | undefined;
    for (const c of counts.values()) if (!best || c.n > best.n) best = c;
    out.top = best!.value;
    out.freq = best!.n;
  }
  return out;
}

export function labelFrequencies(column: string, values: readonly unknown[]): LabelSummary {
  const multiLabel = values.some((v) => Array.isArray(v));
  const counts = new Map<string, number>();
  let labeled = 0;
  let total = 0;
  for (const v of values) {
    const ls = isMissing(v) ? [] : Array.isArray(v) ? [...new Set(v.map(String))] : [String(v)];
    if (ls.length) labeled++;
    total += ls.length;
    for (const l of ls) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  const frequencies = [...counts.entries()]
    .map(([label, count]) => ({ label, count, fraction: values.length ? count / values.length : 0 }))
    .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
  return { column, multiLabel, frequencies, cardinality: labeled ? total / labeled : 0, unlabeled: values.length - labeled };
}

const num = (x: number | undefined) => (x === undefined ? "" : Number.isNaN(x) ? "NaN" : String(Number(x.toPrecision(6))));

/** What describe() returns: the numbers as fields, and an HTML rendering in a notebook. */
export class Description {
  constructor(readonly rows: number, readonly columns: ColumnSummary[], readonly labels?: LabelSummary) {}

  [MIME](): MimeBundle {
    const head = ["column", "type", "non-null", "missing", "unique", "mean", "std", "min", "25%", "50%", "75%", "max", "top", "freq"];
    const body = this.columns.map((c) => [
      c.name, c.type, String(c.nonNull), String(c.missing), String(c.unique),
      num(c.numeric?.mean), num(c.numeric?.std), num(c.numeric?.min), num(c.numeric?.q25), num(c.numeric?.median), num(c.numeric?.q75), num(c.numeric?.max),
      c.top === undefined ? "" : formatCell(c.top), c.freq === undefined ? "" : String(c.freq),
    ]);
    let html = htmlTable(head, body, shapeLine(this.rows, this.columns.length));
    let text = [head, ...body].map((r) => r.join("\t")).join("\n") + `\n[${shapeLine(this.rows, this.columns.length)}]`;
    const l = this.labels;
    if (l) {
      const caption = `labels of ${l.column}${l.multiLabel ? ` (multi-label, ${num(l.cardinality)} per row)` : ""}` + (l.unlabeled ? `, ${l.unlabeled} rows unlabeled` : "");
      const lrows = l.frequencies.map((f) => [f.label, String(f.count), `${(f.fraction * 100).toFixed(1)} %`]);
      html += `<br>` + htmlTable(["label", "rows", "share"], lrows, caption);
      text += `\n\n${caption}\n` + lrows.map((r) => r.join("\t")).join("\n");
    }
    return { "text/html": `<div class="modelbench-describe">${html}</div>`, "text/plain": text };
  }
}

/** Summarises every column of an arquero table or danfo DataFrame; `{ label }` adds label frequencies. */
export function describe(table: ColumnTable | DanfoFrame, options: DescribeOptions = {}): Description {
  const names = columnNames(table);
  if (options.label !== undefined && !names.includes(options.label)) {
    throw new InvalidInputError(`no label column ${JSON.stringify(options.label)}: the table has ${names.map((n) => JSON.stringify(n)).join(", ")}`);
  }
  const columns = names.map((n) => summarizeColumn(n, columnValues(table, n)));
  const labels = options.label === undefined ? undefined : labelFrequencies(options.label, columnValues(table, options.label));
  return new Description(numRows(table), columns, labels);
}

