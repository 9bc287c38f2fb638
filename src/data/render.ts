// How tables show in a notebook: an HTML table of the first rows with a shape line
// ("N rows × M columns"), and the same as text. registerTableDisplays() registers it with src/display
// for arquero tables and danfo DataFrames (classes we do not own), so a cell ending in a table shows
// it like pandas does.
import { escapeHtml } from "../metrics/render";
import { registerDisplayAdapter, type MimeBundle } from "../display";
import { columnNames, columnValues, isArqueroTable, isDanfoFrame, numRows, type DanfoFrame } from "./table";
import type { ColumnTable } from "arquero";

const HEAD = 10;
const TAIL = 3;
const MAX_CHARS = 80;

export function formatCell(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) return "";
  if (typeof v === "number") s = Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  else if (Array.isArray(v)) s = v.length ? v.map((x) => String(x)).join(", ") : "[]";
  else if (v instanceof Date) s = v.toISOString();
  else if (typeof v === "object") s = JSON.stringify(v);
  else s = String(v);
  s = s.replace(/\s+/g, " ");
  return s.length > MAX_CHARS ? s.slice(0, MAX_CHARS - 1) + "…" : s;
}

export function shapeLine(rows: number, cols: number): string {
  return `${rows.toLocaleString("en-US")} row${rows === 1 ? "" : "s"} × ${cols} column${cols === 1 ? "" : "s"}`;
}

/** Rows shown: all when few, else the first HEAD, a gap (null) and the last TAIL. */
function shownRows(n: number): (number | null)[] {
  if (n <= HEAD + TAIL) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: HEAD }, (_, i) => i), null, ...Array.from({ length: TAIL }, (_, i) => n - TAIL + i)];
}

/**
 * The MIME bundle of a table of `rows` rows; `cell(j, i)` is column j's value in row i. Only the
 * rows shown are read, so a table of millions of rows displays as fast as a small one.
 */
export function tableBundle(names: readonly string[], cell: (column: number, row: number) => unknown, rows: number): MimeBundle {
  const shown = shownRows(rows);
  const present = shown.filter((i): i is number => i !== null);
  const numeric = names.map((_, j) => present.every((i) => {
    const v = cell(j, i);
    return v == null || typeof v === "number";
  }));
  const align = (j: number) => (numeric[j] ? "right" : "left");
  const th = `<th style="padding:2px 8px"></th>` + names.map((n, j) => `<th style="text-align:${align(j)};padding:2px 8px">${escapeHtml(n)}</th>`).join("");
  const body = shown.map((i) => {
    if (i === null) return `<tr><td style="padding:2px 8px">…</td>${names.map(() => `<td style="padding:2px 8px">…</td>`).join("")}</tr>`;
    const cells = names.map((_, j) => `<td style="text-align:${align(j)};padding:2px 8px">${escapeHtml(formatCell(cell(j, i)))}</td>`).join("");
    return `<tr><th style="text-align:right;padding:2px 8px;color:var(--jp-ui-font-color2,#777)">${i}</th>${cells}</tr>`;
  });
  const html =
    `<div class="modelbench-dataframe"><table style="border-collapse:collapse;font-family:var(--jp-code-font-family,monospace)">` +
    `<thead><tr>${th}</tr></thead><tbody>${body.join("")}</tbody></table>` +
    `<p style="margin:4px 0;color:var(--jp-ui-font-color2,#777)">${shapeLine(rows, names.length)}</p></div>`;

  const text: string[][] = [["", ...names]];
  for (const i of shown) text.push(i === null ? ["…", ...names.map(() => "…")] : [String(i), ...names.map((_, j) => formatCell(cell(j, i)))]);
  const widths = text[0].map((_, j) => Math.min(40, Math.max(...text.map((r) => r[j].length))));
  const plain = text
    .map((r) => r.map((c, j) => (c.length > widths[j] ? c.slice(0, widths[j] - 1) + "…" : j === 0 || numeric[j - 1] ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join("  ").trimEnd())
    .join("\n");
  return { "text/html": html, "text/plain": `${plain}\n\n[${shapeLine(rows, names.length)}]` };
}

/** The bundle of an arquero table or danfo DataFrame. */
export function frameBundle(table: ColumnTable | DanfoFrame): MimeBundle {
  const names = columnNames(table);
  if (isArqueroTable(table)) return tableBundle(names, (j, i) => table.get(names[j], i), table.numRows());
  const columns = names.map((n) => columnValues(table, n));
  return tableBundle(names, (j, i) => columns[j][i], numRows(table));
}

/** Makes arquero tables and danfo DataFrames display as tables (again is harmless: adapters are replaced by name). */
export function registerTableDisplays(): void {
  registerDisplayAdapter({ name: "arquero", test: isArqueroTable, bundle: frameBundle });
  registerDisplayAdapter({ name: "danfo", test: isDanfoFrame, bundle: frameBundle });
}
