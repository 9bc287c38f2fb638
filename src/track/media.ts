// What a run's media items are made of: figures, tables, images and text turned into the bytes and
// records a store keeps (see MediaRecord). Validation lives here so that every backend refuses the
// same bad input with the same message, before anything is written.
import { isDisplayable, MIME } from "../display";
import { PLOTLY_MIME } from "../display/figures";
import { columnNames, columnValues, isArqueroTable, isDanfoFrame, numRows } from "../data/table";
import { TrackingError } from "./errors";
import type { MediaInput, MediaKind } from "./types";

/** Tables bigger than this are refused: log a sample, or the whole as an artifact. */
export const MAX_TABLE_CELLS = 1_000_000;
/** Any one media item's content. */
export const MAX_MEDIA_BYTES = 64 * 2 ** 20;
/** Console output kept per run; what is cut is said in one last line. */
export const MAX_OUTPUT_BYTES = 2 * 2 ** 20;

const KEY = /^[^\\]{1,250}$/;

export function checkMediaKey(key: unknown): string {
  if (typeof key !== "string" || !KEY.test(key) || key.trim() !== key || key.startsWith("/") || key.includes("//")) {
    throw new TrackingError(
      `media names are 1 to 250 characters without backslashes or leading/trailing spaces (slashes group them, e.g. "eval/confusion"), got ${JSON.stringify(key)?.slice(0, 60)}`,
    );
  }
  return key;
}

function checkStep(step: unknown): void {
  if (step !== undefined && (!Number.isInteger(step) || (step as number) < 0)) {
    throw new TrackingError(`step must be a whole number ≥ 0, got ${String(step)}`);
  }
}

type Encoded = Omit<MediaInput, "key" | "step" | "ts">;

function sized(name: string, content: Buffer): Buffer {
  if (content.length > MAX_MEDIA_BYTES) {
    throw new TrackingError(`'${name}' is ${(content.length / 2 ** 20).toFixed(1)} MB; a media item is capped at ${MAX_MEDIA_BYTES / 2 ** 20} MB: save it with artifact() instead`);
  }
  return content;
}

/** A plotly figure: a modelbench Figure, anything that displays as plotly, or a `{ data, layout }` spec. */
export function encodeFigure(name: string, figure: unknown): Encoded {
  let spec: any = figure;
  if (isDisplayable(figure)) {
    const bundle = (figure as any)[MIME]();
    spec = bundle?.[PLOTLY_MIME];
    if (spec === undefined) {
      throw new TrackingError(`'${name}' displays as ${Object.keys(bundle ?? {}).join(", ") || "nothing"}, not as a plotly figure: logFigure takes a Figure (lineChart, confusionMatrixFigure, …) or a { data, layout } spec; use logTable, logImage or logText for other things`);
    }
  }
  if (spec === null || typeof spec !== "object" || !Array.isArray(spec.data) || (spec.layout !== undefined && (spec.layout === null || typeof spec.layout !== "object"))) {
    const what = spec === null ? "null" : Array.isArray(spec) ? "an array" : typeof spec;
    throw new TrackingError(`'${name}' is not a figure (got ${what}): logFigure takes a Figure (lineChart, confusionMatrixFigure, …) or a plotly spec { data: [...], layout: {...} }`);
  }
  let json: string;
  try {
    json = JSON.stringify({ data: spec.data, layout: spec.layout ?? {} });
  } catch (e) {
    throw new TrackingError(`figure '${name}' cannot be stored as JSON (${(e as Error).message})`);
  }
  const title = spec.layout?.title?.text ?? (typeof spec.layout?.title === "string" ? spec.layout.title : undefined);
  return {
    kind: "figure", mime: PLOTLY_MIME, content: sized(name, Buffer.from(json)),
    meta: { traces: spec.data.length, ...(title ? { title: String(title) } : {}) },
  };
}

function cell(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v); // NaN/Infinity are not JSON
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** A table: an array of row objects, an arquero table, a danfo DataFrame, or `{ columns, data }`. */
export function encodeTable(name: string, table: unknown): Encoded {
  let columns: string[];
  let rows: number;
  let at: (r: number, c: number) => unknown;
  if (isArqueroTable(table) || isDanfoFrame(table)) {
    columns = columnNames(table as any);
    rows = numRows(table as any);
    checkCells(name, rows, columns.length);
    const cols = columns.map((c) => columnValues(table as any, c));
    at = (r, c) => cols[c][r];
  } else if (Array.isArray(table)) {
    const seen = new Set<string>();
    for (let i = 0; i < table.length; i++) {
      const row = table[i];
      if (row === null || typeof row !== "object" || Array.isArray(row)) {
        throw new TrackingError(`table '${name}': row ${i} is ${row === null ? "null" : Array.isArray(row) ? "an array" : typeof row}; give rows as objects ({ col: value }), an arquero table, a danfo DataFrame or { columns, data }`);
      }
      for (const k of Object.keys(row)) seen.add(k);
    }
    columns = [...seen];
    rows = table.length;
    checkCells(name, rows, columns.length);
    at = (r, c) => (table[r] as any)[columns[c]];
  } else if (table !== null && typeof table === "object" && Array.isArray((table as any).columns) && Array.isArray((table as any).data)) {
    columns = (table as any).columns.map(String);
    const data = (table as any).data as unknown[];
    rows = data.length;
    checkCells(name, rows, columns.length);
    data.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== columns.length) throw new TrackingError(`table '${name}': data[${i}] must be an array of ${columns.length} values (one per column)`);
    });
    at = (r, c) => (data[r] as unknown[])[c];
  } else {
    const what = table === null ? "null" : typeof table;
    throw new TrackingError(`'${name}' is not a table (got ${what}): logTable takes rows as objects, an arquero table, a danfo DataFrame or { columns, data }`);
  }
  const data: unknown[][] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) row[c] = cell(at(r, c));
    data[r] = row;
  }
  let json: string;
  try {
    json = JSON.stringify({ columns, data });
  } catch (e) {
    throw new TrackingError(`table '${name}' cannot be stored as JSON (${(e as Error).message})`);
  }
  return { kind: "table", mime: "application/json", content: sized(name, Buffer.from(json)), meta: { rows, columns: columns.length, columnNames: columns.slice(0, 200) } };
}

function checkCells(name: string, rows: number, columns: number): void {
  const cells = rows * columns;
  if (cells > MAX_TABLE_CELLS) {
    throw new TrackingError(
      `table '${name}' has ${cells.toLocaleString("en")} cells (${rows.toLocaleString("en")} rows × ${columns} columns); logged tables are capped at ${MAX_TABLE_CELLS.toLocaleString("en")} cells: log a sample (e.g. the first ${Math.max(1, Math.floor(MAX_TABLE_CELLS / Math.max(columns, 1))).toLocaleString("en")} rows) or save the whole with artifact()`,
    );
  }
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An image: PNG bytes, or SVG (a string or bytes). */
export function encodeImage(name: string, image: unknown): Encoded {
  let bytes: Buffer | null = null;
  if (Buffer.isBuffer(image) || image instanceof Uint8Array) bytes = Buffer.from(image);
  else if (typeof image === "string") bytes = Buffer.from(image, "utf8");
  if (!bytes) throw new TrackingError(`'${name}' is not an image (got ${image === null ? "null" : typeof image}): logImage takes PNG bytes (a Buffer) or SVG (a string)`);
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(PNG_MAGIC) && bytes.toString("latin1", 12, 16) === "IHDR") {
    return { kind: "image", mime: "image/png", content: sized(name, bytes), meta: { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } };
  }
  const head = bytes.subarray(0, 4096).toString("utf8").replace(/^\uFEFF/, "").trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) {
    const w = /<svg[^>]*\swidth="([\d.]+)/i.exec(head)?.[1];
    const h = /<svg[^>]*\sheight="([\d.]+)/i.exec(head)?.[1];
    return { kind: "image", mime: "image/svg+xml", content: sized(name, bytes), meta: { ...(w ? { width: Number(w) } : {}), ...(h ? { height: Number(h) } : {}) } };
  }
  const sniff = bytes.subarray(0, 8).toString("hex");
  throw new TrackingError(`'${name}' is neither PNG nor SVG (it starts with bytes ${sniff}): logImage takes PNG bytes or SVG text; convert other formats first`);
}

export function encodeText(name: string, text: unknown): Encoded {
  if (typeof text !== "string") throw new TrackingError(`'${name}' is ${text === null ? "null" : typeof text}, not text: logText takes a string (use logTable for rows, artifact() for anything else)`);
  return { kind: "text", mime: "text/plain", content: sized(name, Buffer.from(text, "utf8")), meta: { chars: text.length, lines: text ? text.split("\n").length : 0 } };
}

export const ENCODERS: Record<MediaKind, (name: string, value: unknown) => Encoded> = {
  figure: encodeFigure, table: encodeTable, image: encodeImage, text: encodeText,
};

export { checkStep as checkMediaStep };

/** A table's content back as rows of objects (what `loadMedia` gives for a table). */
export function tableRows(content: Buffer): Array<Record<string, unknown>> {
  const { columns, data } = JSON.parse(content.toString("utf8")) as { columns: string[]; data: unknown[][] };
  return data.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
}

/** A media item's content as a value: a figure's spec, a table's { columns, data }, an image's bytes, text. */
export function decodeMedia(kind: MediaKind, content: Buffer): unknown {
  if (kind === "figure" || kind === "table") return JSON.parse(content.toString("utf8"));
  if (kind === "text") return content.toString("utf8");
  return content;
}
