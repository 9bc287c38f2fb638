// Follows a PostgreSQL store as other processes (and machines) write to it: every write that matters
// to a sidebar ends with NOTIFY on the "modelbench" channel naming the run (and the chunk and output
// ids a batch wrote, the seq of a media item), so the tail sleeps on LISTEN and reads exactly what was
// committed. No polling.
import { EventEmitter } from "events";
import { Client } from "pg";
import { describePgError, mediaFromRow, NOTIFY_CHANNEL, pgNumberTypes, PostgresStore, type RunNote as Note } from "./store";
import { fromF64 } from "../../track/records";
import type { MediaEvent, OutputEvent, PointsEvent, RunSummary } from "../../track/types";

export class PgTail extends EventEmitter {
  readonly store: PostgresStore;
  readonly watched = new Set<string>();
  private client: Client | null = null;
  private notes: Note[] = [];
  private started: Promise<void> | null = null;
  private busy: Promise<void> | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  /** Highest chunk, output and media ids and run sequence seen, to catch up after a lost connection. */
  private lastChunk = 0;
  private lastOutput = 0;
  private lastMedia = 0;
  private lastRun = 0;

  /**
   * Emits "runs" (RunSummary[] that changed), "points" (PointsEvent[]), "media" (MediaEvent[]) and
   * "output" (OutputEvent[]) of watched runs, and "registry".
   */
  constructor(readonly url: string) {
    super();
    this.store = new PostgresStore(url);
  }

  get reader(): PostgresStore {
    return this.store;
  }

  /** Listens; resolves once notifications are being received (what commits after that is seen). */
  start(): Promise<void> {
    return (this.started ??= this.listen().catch((e) => {
      this.started = null;
      const err = describePgError(this.url, e);
      this.emit("error", err);
      throw err;
    }));
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.url, types: pgNumberTypes, application_name: `modelbench tail pid ${process.pid}` });
    client.on("notification", (n) => {
      let note: Note & { registry?: string };
      try {
        note = JSON.parse(n.payload ?? "{}");
      } catch {
        return; // not ours
      }
      if (note.registry !== undefined) return void this.emit("registry");
      if (typeof note.run !== "string") return;
      this.notes.push(note);
      this.drain();
    });
    client.on("error", (e) => this.reconnect(e));
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    this.client = client;
    const [marks] = await this.store.query(
      `SELECT (SELECT COALESCE(MAX(id), 0) FROM metric_chunks) AS chunk, (SELECT COALESCE(MAX(seq), 0) FROM runs) AS run,
         (SELECT COALESCE(MAX(id), 0) FROM output) AS output, (SELECT COALESCE(MAX(seq), 0) FROM media) AS media`,
    );
    if (this.lastChunk || this.lastRun || this.lastOutput || this.lastMedia) {
      // Reconnected: what was written meanwhile (a writer still committing then is the one gap).
      for (const r of await this.store.query("SELECT id FROM runs WHERE seq > $1", [this.lastRun])) this.notes.push({ run: r.id });
      for (const r of await this.store.query("SELECT run_id, MIN(id) AS lo, MAX(id) AS hi FROM metric_chunks WHERE id > $1 GROUP BY run_id", [this.lastChunk])) {
        this.notes.push({ run: r.run_id, chunks: [r.lo, r.hi] });
      }
      for (const r of await this.store.query("SELECT run_id, MIN(id) AS lo, MAX(id) AS hi FROM output WHERE id > $1 GROUP BY run_id", [this.lastOutput])) {
        this.notes.push({ run: r.run_id, output: [r.lo, r.hi] });
      }
      for (const r of await this.store.query("SELECT run_id, seq FROM media WHERE seq > $1", [this.lastMedia])) this.notes.push({ run: r.run_id, media: r.seq });
      this.drain();
    }
    this.lastChunk = Math.max(this.lastChunk, marks.chunk);
    this.lastRun = Math.max(this.lastRun, marks.run);
    this.lastOutput = Math.max(this.lastOutput, marks.output);
    this.lastMedia = Math.max(this.lastMedia, marks.media);
  }

  private reconnect(e: unknown): void {
    if (this.stopped) return;
    this.emit("error", describePgError(this.url, e));
    const old = this.client;
    this.client = null;
    this.started = null;
    void old?.end().catch(() => {});
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.stopped) this.start().catch(() => this.reconnect(new Error("reconnect failed")));
    }, 1000);
    this.retry.unref();
  }

  /** Reads what the queued notifications name, one read at a time; resolves when the queue is empty. */
  drain(): Promise<void> {
    if (this.busy) return this.busy;
    this.busy = (async () => {
      while (this.notes.length && !this.stopped) {
        const notes = this.notes.splice(0);
        try {
          await this.read(notes);
        } catch (e) {
          this.emit("error", e);
        }
      }
    })().finally(() => (this.busy = null));
    return this.busy;
  }

  private async read(notes: Note[]): Promise<void> {
    // A media item changes nothing a run's summary shows.
    const changed = new Set(notes.filter((n) => n.media === undefined).map((n) => n.run));
    const ranges = notes.filter((n) => n.chunks && this.watched.has(n.run));
    for (const n of notes) if (n.chunks) this.lastChunk = Math.max(this.lastChunk, n.chunks[1]);
    const points: PointsEvent[] = [];
    if (ranges.length) {
      const rows = await this.store.query(
        `SELECT c.run_id, c.key, c.steps, c.vals, c.ts FROM metric_chunks c
           JOIN unnest($1::text[], $2::bigint[], $3::bigint[]) AS r(run_id, lo, hi) ON c.run_id = r.run_id AND c.id BETWEEN r.lo AND r.hi
         ORDER BY c.id`,
        [ranges.map((n) => n.run), ranges.map((n) => n.chunks![0]), ranges.map((n) => n.chunks![1])],
      );
      for (const r of rows) {
        points.push({ runId: r.run_id, key: r.key, steps: Array.from(fromF64(r.steps)), values: Array.from(fromF64(r.vals)), ts: Array.from(fromF64(r.ts)) });
      }
    }
    const runs: RunSummary[] = await this.store.listRuns({ ids: [...changed] });
    for (const r of await this.store.query("SELECT COALESCE(MAX(seq), 0) AS s FROM runs WHERE id = ANY($1::text[])", [[...changed]])) {
      this.lastRun = Math.max(this.lastRun, r.s);
    }
    if (runs.length) this.emit("runs", runs);
    if (points.length) this.emit("points", points);
    const media = await this.readMedia(notes);
    if (media.length) this.emit("media", media);
    const output = await this.readOutput(notes);
    if (output.length) this.emit("output", output);
  }

  /** The media items the notes name, of watched runs (an item replaced since is read by its own, later note). */
  private async readMedia(notes: Note[]): Promise<MediaEvent[]> {
    for (const n of notes) if (n.media !== undefined) this.lastMedia = Math.max(this.lastMedia, n.media);
    const seqs = notes.filter((n) => n.media !== undefined && this.watched.has(n.run)).map((n) => n.media!);
    if (!seqs.length) return [];
    const rows = await this.store.query("SELECT * FROM media WHERE seq = ANY($1::bigint[]) ORDER BY seq", [seqs]);
    return rows.map((r) => ({ runId: r.run_id, media: mediaFromRow(r) }));
  }

  /** The output chunks the notes name, of watched runs, one event per run in the order written. */
  private async readOutput(notes: Note[]): Promise<OutputEvent[]> {
    for (const n of notes) if (n.output) this.lastOutput = Math.max(this.lastOutput, n.output[1]);
    const ranges = notes.filter((n) => n.output && this.watched.has(n.run));
    if (!ranges.length) return [];
    const rows = await this.store.query(
      `SELECT o.run_id, o.stream, o.ts, o.text FROM output o
         JOIN unnest($1::text[], $2::bigint[], $3::bigint[]) AS r(run_id, lo, hi) ON o.run_id = r.run_id AND o.id BETWEEN r.lo AND r.hi
       ORDER BY o.id`,
      [ranges.map((n) => n.run), ranges.map((n) => n.output![0]), ranges.map((n) => n.output![1])],
    );
    const byRun = new Map<string, OutputEvent>();
    for (const r of rows) {
      let ev = byRun.get(r.run_id);
      if (!ev) byRun.set(r.run_id, (ev = { runId: r.run_id, chunks: [] }));
      ev.chunks.push({ stream: r.stream, ts: r.ts, text: r.text });
    }
    return [...byRun.values()];
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    void this.client?.end().catch(() => {});
    void this.store.close();
  }
}
