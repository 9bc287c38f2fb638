// A run's media item as the Runs panel fetches it, one panel at a time: a figure's spec, text, an
// image's bytes (base64: comm messages here carry no binary buffers), or one page of a table (the
// table stays in the kernel, sorted and filtered here, so a big one never crosses the wire).
import type { MediaKind, MediaRecord, Store } from "../src/track/types";
import { tableOrder, tablePage, type LoggedTable, type TablePage, type TableQuery } from "../src/track/tablePage";

/** The largest figure, image or text the panel fetches (a table is paged: any logged size). */
export const MAX_MEDIA_FETCH_BYTES = 16 * 2 ** 20;

/** A new item this small travels with the news of it (the open panel draws it without asking). */
export const INLINE_MEDIA_BYTES = 64 * 1024;

/** What a "media" request is answered with (sent as `{ type: "mediaContent", id, ...this }`). */
export interface MediaContent {
  runId: string;
  key: string;
  step: number;
  kind: MediaKind;
  mime: string;
  bytes: number;
  meta: Record<string, unknown>;
  /** figure: the plotly spec. */
  json?: unknown;
  /** text. */
  text?: string;
  /** image: PNG or SVG bytes. */
  base64?: string;
  /** table: the page asked for. */
  table?: TablePage;
}

export interface MediaRequest {
  runId: string;
  key: string;
  /** The step to show; the latest when absent. */
  step?: number;
  /** For a table: which page, sorted and filtered how. */
  table?: TableQuery;
}

const mib = (n: number) => `${+(n / 2 ** 20).toFixed(1)} MB`;

/** Parsed tables by content hash, and each one's last order (paging through a sorted table does not sort again). */
export class TableCache {
  private readonly tables = new Map<string, { table: LoggedTable; orderKey: string; order: number[] | null }>();

  constructor(private readonly capacity = 4) {}

  async page(hash: string, read: () => Promise<Buffer>, query: TableQuery): Promise<TablePage> {
    let entry = this.tables.get(hash);
    if (entry) this.tables.delete(hash);
    else entry = { table: JSON.parse((await read()).toString("utf8")) as LoggedTable, orderKey: "", order: null };
    this.tables.set(hash, entry); // most recent last
    while (this.tables.size > this.capacity) this.tables.delete(this.tables.keys().next().value!);
    const orderKey = JSON.stringify([query.sort ?? null, !!query.desc, query.filter ?? ""]);
    if (entry.orderKey !== orderKey || !entry.order) {
      entry.order = tableOrder(entry.table, query);
      entry.orderKey = orderKey;
    }
    return tablePage(entry.table, query, entry.order);
  }
}

/** The records of `key` in run `runId`, or an error that lists what the run has. */
async function recordsOf(store: Store, runId: string, key: string): Promise<MediaRecord[]> {
  const records = await store.listMedia(runId, key);
  if (records.length) return records;
  const run = await store.getRun(runId); // an unknown run fails here, saying so
  const keys = [...new Set((await store.listMedia(run.id)).map((m) => m.key))];
  throw new Error(`run '${run.name}' has no media '${key}'${keys.length ? `: it has ${keys.join(", ")}` : " (it logged none)"}`);
}

/** One media item's content for the panel; over `maxBytes` it is refused with the call that reads it in a cell. */
export async function mediaContent(store: Store, req: MediaRequest, tables: TableCache, maxBytes = MAX_MEDIA_FETCH_BYTES): Promise<MediaContent> {
  if (!req.runId || !req.key) throw new Error("media needs a runId and a key");
  const records = await recordsOf(store, req.runId, req.key);
  const record = req.step === undefined ? records[records.length - 1] : records.find((m) => m.step === req.step);
  if (!record) {
    throw new Error(`media '${req.key}' has no step ${req.step}: it has step${records.length > 1 ? "s" : ""} ${records.map((m) => m.step).join(", ")}`);
  }
  const { key, step, kind, mime, bytes, meta } = record;
  const out: MediaContent = { runId: req.runId, key, step, kind, mime, bytes, meta };
  if (kind === "table") return { ...out, table: await tables.page(record.hash, () => store.readArtifact(record.hash), req.table ?? {}) };
  if (bytes > maxBytes) {
    const runId = JSON.stringify(req.runId.slice(0, 8));
    throw new Error(`${kind} '${key}' at step ${step} is ${mib(bytes)}, over the ${mib(maxBytes)} the panel shows: ` +
      `read it in a cell with await loadMedia(${runId}, ${JSON.stringify(key)}, { step: ${step} })`);
  }
  return withContent(out, await store.readArtifact(record.hash));
}

/** A figure, text or image item's answer with its bytes in the shape the panel takes. */
function withContent(out: MediaContent, content: Buffer): MediaContent {
  if (out.kind === "figure") return { ...out, json: JSON.parse(content.toString("utf8")) };
  if (out.kind === "text") return { ...out, text: content.toString("utf8") };
  return { ...out, base64: content.toString("base64") };
}

/** The content of newly logged items small enough to push with their records (tables are paged, never pushed). */
export async function inlineContents(store: Store, runId: string, records: readonly MediaRecord[]): Promise<MediaContent[]> {
  const small = records.filter((r) => r.kind !== "table" && r.bytes <= INLINE_MEDIA_BYTES);
  return Promise.all(small.map(async ({ key, step, kind, mime, bytes, meta, hash }) =>
    withContent({ runId, key, step, kind, mime, bytes, meta }, await store.readArtifact(hash))));
}
