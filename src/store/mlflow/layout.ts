// Where a run's media items and console output live among its MLflow artifacts, laid out as MLflow's
// own Python client writes them so that MLflow's UI shows them as its own: tables as
// `mlflow.log_table` writes them, PNG images as `log_image(key=, step=)` does, figures as plotly JSON
// beside a page MLflow's artifact viewer draws, text as .txt. Pure functions: the store uploads.
import { createHash, randomUUID } from "crypto";
import type { MediaRecord, OutputChunk } from "../../track/types";

/** The run tag `log_table` lists tables in: MLflow's UI shows the files it names as tables, and `load_table` finds runs by it. */
export const LOGGED_ARTIFACTS_TAG = "mlflow.loggedArtifacts";
/** Set by `log_image(key=…)`: MLflow's UI shows the run's image grid when it is "True". */
export const LOGGED_IMAGES_TAG = "mlflow.loggedImages";
/** Servers before MLflow 2.x refuse tag values above 5000 characters (8000 since). */
export const SAFE_TAG_VALUE = 5000;
/**
 * The pages load plotly.js from its CDN, as `log_figure(fig, "x.html")` does by default
 * (include_plotlyjs="cdn"), rather than inlining its 3.5 MB in every figure; this is the version the
 * JupyterLab extension renders figures with (extension/package.json).
 */
export const PLOTLY_JS = "https://cdn.plot.ly/plotly-3.7.0.min.js";

/** Our record of each item: one JSON artifact per run, rewritten whole by the run's writer. */
export const MEDIA_INDEX = "modelbench/media.json";
/** Run tag: the media index's version, so a tail sees new media from runs/search alone. */
export const MEDIA_TAG = "modelbench.media";

/** One media item as the index keeps it. */
export interface MediaEntry extends MediaRecord {
  /** The artifact holding exactly the item's content: what readArtifact(hash) downloads. */
  path: string;
  /** Every artifact written for it (a figure's page, an image's thumbnail): removed when the item is replaced. */
  files: string[];
  /** The index version that wrote it: a tail reports the entries newer than the last version it saw. */
  v: number;
}

export interface MediaIndex {
  format: "modelbench.media/1";
  version: number;
  items: MediaEntry[];
}

export const emptyIndex = (): MediaIndex => ({ format: "modelbench.media/1", version: 0, items: [] });

export function parseIndex(text: string | null): MediaIndex {
  if (text === null) return emptyIndex();
  const index = JSON.parse(text);
  if (index?.format !== "modelbench.media/1" || !Array.isArray(index.items)) throw new Error(`${MEDIA_INDEX} is not a modelbench media index`);
  return index;
}

/** A copy of `index` with `entry` in place of the item at its key and step (by key, then step); and the entry it replaced. */
export function withEntry(index: MediaIndex, entry: Omit<MediaEntry, "v">): { index: MediaIndex; replaced: MediaEntry | null } {
  const version = index.version + 1;
  const replaced = index.items.find((m) => m.key === entry.key && m.step === entry.step) ?? null;
  const items = index.items.filter((m) => m !== replaced).concat({ ...entry, v: version }).sort(byKeyThenStep);
  return { index: { ...index, version, items }, replaced };
}

/** Byte order of keys, then steps: as the SQL stores list them. */
export function byKeyThenStep(a: MediaRecord, b: MediaRecord): number {
  return Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) || a.step - b.step;
}

/** The record alone, as listMedia returns it. */
export function recordOf(e: MediaEntry): MediaRecord {
  return { key: e.key, kind: e.kind, step: e.step, ts: e.ts, hash: e.hash, bytes: e.bytes, mime: e.mime, meta: e.meta };
}

const sha256 = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

/**
 * A media key as an artifact path that MLflow accepts and its UI parses: letters, digits, `_ - . /`
 * and spaces (what `log_image` allows in keys; `log_table` refuses quotes, commas, colons and
 * brackets in paths). Anything else becomes `_`, and then a piece of the key's hash keeps two such
 * keys apart.
 */
export function safeKey(key: string): string {
  const safe = key
    .split("/")
    .map((s) => s.replace(/[^A-Za-z0-9_\-. ]/g, "_"))
    .map((s) => (s === "." || s === ".." ? s.replace(/\./g, "_") : s))
    .join("/");
  return safe === key ? key : `${safe}-${sha256(key).slice(0, 8)}`;
}

export interface MediaFile {
  path: string;
  content: Buffer;
}

/**
 * The artifacts an item is written as, the first holding its content as is:
 * - table: `tables/<key>/step_<n>.json`, the `{ columns, data }` that `log_table` writes (pandas'
 *   orient="split"), listed in `mlflow.loggedArtifacts`;
 * - PNG image: `images/<key>+step+<n>+timestamp+<ms>+<uuid>.png` as `log_image(key=, step=)` names it
 *   (`/` in the key as `~`), and the `+compressed` thumbnail the image grid loads first: the same PNG
 *   (MLflow makes a WebP; its UI takes either);
 * - SVG image: `images/<key>/step_<n>.svg` (the grid shows PNG and WebP only; the artifact viewer shows SVG);
 * - figure: `figures/<key>/step_<n>.json` (plotly JSON) and `…/step_<n>.html`, a page drawing it;
 * - text: `text/<key>/step_<n>.txt`.
 */
export function mediaFiles(rec: MediaRecord, content: Buffer): { files: MediaFile[]; logged: "table" | "image" | null } {
  const key = safeKey(rec.key);
  const at = (dir: string, ext: string) => `${dir}/${key}/step_${rec.step}.${ext}`;
  switch (rec.kind) {
    case "table":
      return { files: [{ path: at("tables", "json"), content }], logged: "table" };
    case "figure":
      return { files: [{ path: at("figures", "json"), content }, { path: at("figures", "html"), content: Buffer.from(figurePage(rec, content)) }], logged: null };
    case "text":
      return { files: [{ path: at("text", "txt"), content }], logged: null };
    case "image": {
      if (rec.mime !== "image/png") return { files: [{ path: at("images", "svg"), content }], logged: null };
      const name = `images/${key.replace(/\//g, "~")}+step+${rec.step}+timestamp+${Math.round(rec.ts)}+${randomUUID()}`;
      return { files: [{ path: `${name}.png`, content }, { path: `${name}+compressed.png`, content }], logged: "image" };
    }
  }
}

/** A standalone page drawing a plotly figure, what MLflow's artifact viewer shows for .html. */
export function figurePage(rec: MediaRecord, spec: Buffer): string {
  // Inside <script>, "</script>" or "<!--" in a string would end it early.
  const json = spec.toString("utf8").replace(/</g, "\\u003c");
  const title = String(rec.meta?.title ?? rec.key).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title}</title>
<script src="${PLOTLY_JS}" charset="utf-8"></script></head>
<body style="margin:0"><div id="figure" style="width:100%;height:100vh"></div>
<script>var spec = ${json}; Plotly.newPlot("figure", spec.data, spec.layout || {}, { responsive: true });</script>
</body></html>
`;
}

/**
 * `mlflow.loggedArtifacts` with a table's path added, written as Python's json.dumps writes it (what
 * `load_table` searches with LIKE); null when nothing changes or the tag would outgrow what every
 * server takes (the table stays readable by its path; MLflow's UI then shows it as plain JSON).
 */
export function withLoggedTable(current: string | undefined, path: string): string | null {
  let list: unknown[] = [];
  try {
    const parsed = JSON.parse(current ?? "[]");
    if (Array.isArray(parsed)) list = parsed;
  } catch { /* not ours to repair: start over */ }
  if (list.some((e: any) => e?.path === path && e?.type === "table")) return null;
  const dumps = (v: unknown): string =>
    Array.isArray(v) ? `[${v.map(dumps).join(", ")}]`
      : v !== null && typeof v === "object" ? `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${dumps(x)}`).join(", ")}}`
        : JSON.stringify(v);
  const next = dumps([...list, { path, type: "table" }]);
  return next.length <= SAFE_TAG_VALUE ? next : null;
}

// ---- console output ------------------------------------------------------------------------------

/**
 * A run's output is plain text in segments `modelbench/output/0001.log`, … (what MLflow's viewer
 * shows), each beside `0001.chunks.json` naming its chunks ([stream, ts, bytes]). A batch rewrites
 * only the last segment, so a chatty run uploads at most a segment a flush, not all its output.
 */
export const OUTPUT_SEGMENT_BYTES = 256 * 1024;
/** Run tag: "<last segment> <chunks in it>", so readers and tails know what there is without listing. */
export const OUTPUT_TAG = "modelbench.output";

const seg = (n: number) => `modelbench/output/${String(n).padStart(4, "0")}`;
export const segmentLogPath = (n: number) => `${seg(n)}.log`;
export const segmentChunksPath = (n: number) => `${seg(n)}.chunks.json`;

export interface OutputSegment {
  n: number;
  log: Buffer;
  chunks: Array<[OutputChunk["stream"], number, number]>;
}

export const emptySegment = (n: number): OutputSegment => ({ n, log: Buffer.alloc(0), chunks: [] });

/** The segment the next chunks go to (a new one once `last` is full), with them appended. */
export function appendToSegment(last: OutputSegment, chunks: OutputChunk[]): OutputSegment {
  const base = last.log.length >= OUTPUT_SEGMENT_BYTES ? emptySegment(last.n + 1) : last;
  const texts = chunks.map((c) => Buffer.from(c.text, "utf8"));
  return {
    n: base.n,
    log: Buffer.concat([base.log, ...texts]),
    chunks: base.chunks.concat(chunks.map((c, i) => [c.stream, c.ts, texts[i].length] as [OutputChunk["stream"], number, number])),
  };
}

/** A segment read back from its two files; log bytes past what the chunk list names (a write cut short) are left out. */
export function readSegment(n: number, log: Buffer, chunksJson: string): OutputSegment {
  const chunks: OutputSegment["chunks"] = JSON.parse(chunksJson);
  const named = chunks.reduce((sum, c) => sum + c[2], 0);
  return { n, log: log.subarray(0, named), chunks };
}

/** The chunks of a segment numbered `from` up to (not including) `until`. */
export function segmentChunks(s: OutputSegment, from = 0, until = Infinity): OutputChunk[] {
  const out: OutputChunk[] = [];
  let at = 0;
  s.chunks.forEach(([stream, ts, bytes], i) => {
    if (i >= from && i < until) out.push({ stream, ts, text: s.log.subarray(at, at + bytes).toString("utf8") });
    at += bytes;
  });
  return out;
}

export const outputMark = (s: OutputSegment) => `${s.n} ${s.chunks.length}`;

export function parseOutputMark(tag: string | undefined): { n: number; count: number } | null {
  const m = /^(\d+) (\d+)$/.exec(tag ?? "");
  return m ? { n: Number(m[1]), count: Number(m[2]) } : null;
}
