// Text and HTML for metric tables. Numbers are formatted like Python's "{:.Nf}" so a report reads
// character for character like scikit-learn's, which people compare against.

import { escapeHtml } from "../display/html";

export { escapeHtml };

/** A plain table styled with JupyterLab's own CSS variables so it follows the theme. */
export function htmlTable(head: readonly string[], rows: readonly (readonly string[])[], caption?: string): string {
  const cell = (tag: string, c: string, i: number) =>
    `<${tag} style="text-align:${i === 0 ? "left" : "right"};padding:2px 8px">${escapeHtml(c)}</${tag}>`;
  const tr = (tag: string, r: readonly string[]) => `<tr>${r.map((c, i) => cell(tag, c, i)).join("")}</tr>`;
  return (
    `<table class="modelbench-table" style="border-collapse:collapse;font-family:var(--jp-code-font-family,monospace)">` +
    (caption ? `<caption style="text-align:left">${escapeHtml(caption)}</caption>` : "") +
    `<thead>${tr("th", head)}</thead><tbody>${rows.map((r) => tr("td", r)).join("")}</tbody></table>`
  );
}

/**
 * `x` with `digits` decimals as Python's format(x, ".Nf") gives it. JavaScript's toFixed rounds an
 * exact tie (e.g. 0.125 → "0.13") away from zero; Python rounds it to even ("0.12").
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const rounded = x.toFixed(digits);
  if (Math.abs(x) >= 1e21 || digits > 98) return rounded;
  // toFixed(100) is the exact binary value for any double this size, so a tie is visible as "5" then zeros.
  const exact = Math.abs(x).toFixed(100);
  const [intPart, frac] = exact.split(".");
  if (frac[digits] !== "5" || !/^0*$/.test(frac.slice(digits + 1))) return rounded;
  const lastKept = Number(digits === 0 ? intPart[intPart.length - 1] : frac[digits - 1]);
  if (lastKept % 2 === 1) return rounded;
  const truncated = digits === 0 ? intPart : `${intPart}.${frac.slice(0, digits)}`;
  return (x < 0 || Object.is(x, -0) ? "-" : "") + truncated;
}
