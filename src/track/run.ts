// A run: params and metrics logged without blocking, written in batches, durable at flush() and end().
import { performance } from "perf_hooks";
import { MIME } from "../display";
import { escapeHtml } from "../display/html";
import { backendOf } from "../store/registry";
import type { StoreBackend } from "../store/types";
import { TrackingError } from "./errors";
import { checkMediaKey, checkMediaStep, ENCODERS, MAX_OUTPUT_BYTES } from "./media";
import type { ArtifactRecord, Goal, MediaKind, MediaRecord, OutputChunk, RunStatus, Series, Store } from "./types";

/** Params are for settings; anything bigger belongs in an artifact. */
export const MAX_PARAM_BYTES = 64 * 1024;
/** Past this many queued points, or this age, a synchronous batch is written right in log(). */
const INLINE_FLUSH_POINTS = 20_000;
const INLINE_FLUSH_AGE_MS = 2000;
const FLUSH_INTERVAL_MS = 250;
const SYSTEM_SAMPLE_MS = 2000;

export class Run {
  /** Queued points, column-wise per metric: a log() call only pushes numbers. */
  private queue = new Map<string, Series>();
  private queued = 0;
  private params: Array<[string, unknown]> = [];
  private autoStep = new Map<string, number>();
  private oldestQueued = 0;
  private timer: NodeJS.Timeout | null = null;
  private sampler: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private lastCpu = process.cpuUsage();
  private lastWall = performance.now();
  private failure: Error | null = null;
  /** Media writes under way: flush() and end() wait for them. */
  private mediaWrites = new Set<Promise<unknown>>();
  private mediaChain: Promise<unknown> = Promise.resolve();
  private mediaStep = new Map<string, number>();
  private output: OutputChunk[] = [];
  private outputBytes = 0;
  private outputCut = 0;
  /** Who writes synchronously for this run's store (at exit, and in a tight loop where it can). */
  private readonly backend: StoreBackend;
  status: RunStatus = "running";
  /** Whether the process's console output is kept with this run (see console.ts); `startRun({ captureOutput: false })` turns it off. */
  captureOutput = true;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly store: Store,
    readonly parentId: string | null,
    created: Promise<void>,
    private readonly onEnd: (run: Run) => void,
  ) {
    this.backend = backendOf(store);
    // Nothing is written before the run's own record exists.
    this.chain = created.catch(() => {});
    this.mediaChain = this.chain;
    this.sampler = setInterval(() => this.sampleSystem(), SYSTEM_SAMPLE_MS);
    this.sampler.unref();
  }

  /** Logs metrics: `run.log({ loss: 0.3, acc: 0.9 })`, optionally at a given step (else the next per metric). */
  log(metrics: Record<string, number | boolean>, options: { step?: number } = {}): void {
    this.assertOpen("log()");
    if (metrics === null || typeof metrics !== "object") {
      throw new TrackingError(`log() takes an object of numbers, e.g. log({ loss: 0.3 }); got ${typeof metrics}`);
    }
    const { step } = options;
    if (step !== undefined && (!Number.isInteger(step) || step < 0)) {
      throw new TrackingError(`step must be a whole number ≥ 0, got ${step}`);
    }
    const ts = Date.now();
    for (const key in metrics) {
      let value = metrics[key] as unknown;
      if (typeof value === "boolean") value = value ? 1 : 0;
      if (typeof value !== "number") {
        throw new TrackingError(
          `metric '${key}' must be a number, got ${typeof value} ${JSON.stringify(value)?.slice(0, 40)}: log settings with param(), files with artifact()`,
        );
      }
      if (key === "" || key.length > 250) throw new TrackingError(`metric names must be 1 to 250 characters, got '${key.slice(0, 40)}…'`);
      let s = step;
      if (s === undefined) {
        s = this.autoStep.get(key) ?? 0;
        this.autoStep.set(key, s + 1);
      } else if (s >= (this.autoStep.get(key) ?? 0)) {
        this.autoStep.set(key, s + 1);
      }
      this.push(key, s, value, ts);
    }
    this.scheduleFlush(ts);
  }

  /** Records settings: `run.param({ C: 1, penalty: "l2" })`; objects are stored as JSON. */
  param(params: Record<string, unknown>): void {
    this.assertOpen("param()");
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined || typeof value === "function" || typeof value === "symbol") {
        throw new TrackingError(`param '${key}' is ${typeof value}: params are JSON values (numbers, strings, booleans, arrays, objects)`);
      }
      let json: string;
      try {
        json = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
      } catch (e) {
        throw new TrackingError(`param '${key}' cannot be stored as JSON (${(e as Error).message})`);
      }
      if (Buffer.byteLength(json) > MAX_PARAM_BYTES) {
        throw new TrackingError(
          `param '${key}' is ${Math.round(Buffer.byteLength(json) / 1024)} KB as JSON; params are capped at ${MAX_PARAM_BYTES / 1024} KB: save it with artifact('${key}', value) instead`,
        );
      }
      this.params.push([key, JSON.parse(json)]);
    }
    this.scheduleFlush(Date.now());
  }

  /** Says which direction is better for metrics, e.g. `run.goal({ f1: "max", loss: "min" })`. */
  goal(goals: Record<string, Goal>): Promise<void> {
    return this.store.setGoals(this.id, goals);
  }

  /** Saves a file-like value with the run: a Buffer, a string, or anything JSON (a model's toJSON()). */
  async artifact(name: string, value: unknown, kind?: string): Promise<ArtifactRecord> {
    this.assertOpen("artifact()");
    if (!name || /[\\/]/.test(name)) throw new TrackingError(`artifact names are plain names without slashes, got '${name}'`);
    let content: Buffer;
    let k = kind;
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
      content = Buffer.from(value);
      k ??= "bytes";
    } else if (typeof value === "string") {
      content = Buffer.from(value);
      k ??= "text";
    } else {
      const json = JSON.stringify(value);
      if (json === undefined) throw new TrackingError(`artifact '${name}' cannot be saved: ${typeof value} is not JSON`);
      content = Buffer.from(json);
      k ??= (value as any)?.constructor?.name && (value as any).constructor !== Object ? `json:${(value as any).constructor.name}` : "json";
    }
    return this.store.putArtifact(this.id, name, content, k);
  }

  /** Logs a plotly figure (a Figure, or a `{ data, layout }` spec) under `name`, at a step (else the next for that name). */
  logFigure(name: string, figure: unknown, options: { step?: number } = {}): Promise<MediaRecord> {
    return this.logMedia("figure", name, figure, options, "logFigure()");
  }

  /** Logs a table: rows as objects, an arquero table, a danfo DataFrame or `{ columns, data }` (capped at a million cells). */
  logTable(name: string, table: unknown, options: { step?: number } = {}): Promise<MediaRecord> {
    return this.logMedia("table", name, table, options, "logTable()");
  }

  /** Logs an image: PNG bytes or SVG text. */
  logImage(name: string, image: Buffer | Uint8Array | string, options: { step?: number } = {}): Promise<MediaRecord> {
    return this.logMedia("image", name, image, options, "logImage()");
  }

  /** Logs a piece of text (a classification report, a model summary). */
  logText(name: string, text: string, options: { step?: number } = {}): Promise<MediaRecord> {
    return this.logMedia("text", name, text, options, "logText()");
  }

  /** Validates and encodes at once (a bad value throws here, nothing is written), then writes in the background. */
  private logMedia(kind: MediaKind, name: string, value: unknown, options: { step?: number }, what: string): Promise<MediaRecord> {
    this.assertOpen(what);
    checkMediaKey(name);
    checkMediaStep(options?.step);
    const encoded = ENCODERS[kind](name, value);
    let step = options?.step;
    if (step === undefined) step = this.mediaStep.get(name) ?? 0;
    this.mediaStep.set(name, Math.max(step + 1, this.mediaStep.get(name) ?? 0));
    // One media write at a time, in logging order: the last of two writes to one name and step wins.
    const ts = Date.now();
    const write = this.mediaChain.then(() => this.store.putMedia(this.id, { ...encoded, key: name, step: step!, ts }));
    this.mediaChain = write.catch(() => {});
    this.mediaWrites.add(write);
    const forget = () => this.mediaWrites.delete(write);
    write.then(forget, forget);
    return write;
  }

  /**
   * Keeps console output with the run (stdout or stderr text). Capped at MAX_OUTPUT_BYTES per run:
   * past it, only the amount cut is counted, and said in a last line at the end.
   */
  appendOutput(stream: "stdout" | "stderr", text: string): void {
    if (this.status !== "running" || !text) return;
    const bytes = Buffer.byteLength(text);
    if (this.outputBytes + bytes > MAX_OUTPUT_BYTES) {
      const room = MAX_OUTPUT_BYTES - this.outputBytes;
      if (room > 0) {
        const kept = Buffer.from(text).subarray(0, room).toString("utf8").replace(/\uFFFD$/, "");
        this.pushOutput(stream, kept, Buffer.byteLength(kept));
        this.outputCut += bytes - Buffer.byteLength(kept);
      } else {
        this.outputCut += bytes;
      }
      this.outputBytes = MAX_OUTPUT_BYTES;
      return;
    }
    this.pushOutput(stream, text, bytes);
  }

  private pushOutput(stream: "stdout" | "stderr", text: string, bytes: number): void {
    const ts = Date.now();
    const last = this.output[this.output.length - 1];
    // Consecutive writes to one stream within a flush are one chunk.
    if (last && last.stream === stream) last.text += text;
    else this.output.push({ stream, ts, text });
    this.outputBytes += bytes;
    this.scheduleFlush(ts);
  }

  /** Bytes of output kept so far, and bytes cut past the cap. */
  get outputSize(): { kept: number; cut: number } {
    return { kept: this.outputBytes, cut: this.outputCut };
  }

  /** Resolves when everything logged so far is on disk. */
  flush(): Promise<void> {
    const media = [...this.mediaWrites];
    const done = this.chain.then(() => this.writeQueued()).then(async () => {
      // A failed media write was already reported to its caller; flush waits, it does not re-throw.
      await Promise.allSettled(media);
    });
    // The next flush waits for this one but must not inherit its failure.
    this.chain = done.catch(() => {});
    return done;
  }

  /** Ends the run: flushes, records status, duration and (for failures) the error. */
  async end(status: Exclude<RunStatus, "running"> = "finished", error: string | null = null): Promise<void> {
    if (this.status !== "running") return;
    this.sampleSystem();
    this.stopTimers();
    this.noteOutputCut();
    this.status = status;
    try {
      await this.flush();
      await this.store.endRun(this.id, status, Date.now(), error);
    } finally {
      this.onEnd(this);
    }
  }

  /** At process exit there is no event loop left: write synchronously when the store can. */
  endSync(status: Exclude<RunStatus, "running">, error: string | null): void {
    if (this.status !== "running") return;
    this.stopTimers();
    this.noteOutputCut();
    this.status = status;
    const batch = this.pending ? this.takeBatch() : null;
    try {
      this.backend.finishSync(this.store, batch, { id: this.id, status, endedAt: Date.now(), error });
    } finally {
      this.onEnd(this);
    }
  }

  /** Its record could not be created: forget it without writing anything. */
  abandon(): void {
    this.stopTimers();
    this.status = "failed";
    this.onEnd(this);
  }

  get pending(): number {
    return this.queued + this.params.length + this.output.length;
  }

  private noteOutputCut(): void {
    if (!this.outputCut) return;
    this.output.push({ stream: "stderr", ts: Date.now(), text: `\n[modelbench: ${this.outputCut.toLocaleString("en")} more bytes of output were not kept: a run keeps its first ${MAX_OUTPUT_BYTES / 2 ** 20} MB]\n` });
    this.outputCut = 0;
  }

  private push(key: string, step: number, value: number, ts: number): void {
    let s = this.queue.get(key);
    if (!s) this.queue.set(key, (s = { key, steps: [], values: [], ts: [] }));
    s.steps.push(step);
    s.values.push(value);
    s.ts.push(ts);
    this.queued++;
  }

  private assertOpen(what: string): void {
    if (this.status !== "running") throw new TrackingError(`${what} on run '${this.name}' which has ${this.status}: start a new run`);
  }

  private scheduleFlush(now: number): void {
    if (this.oldestQueued === 0) this.oldestQueued = now;
    // A tight synchronous loop never lets a timer fire: write from here now and then.
    if (this.queued >= INLINE_FLUSH_POINTS || now - this.oldestQueued > INLINE_FLUSH_AGE_MS) {
      if (this.backend.writeBatchSync && !this.failure) {
        // The sampler's timer cannot fire either: take the system sample here.
        if (performance.now() - this.lastWall >= SYSTEM_SAMPLE_MS) this.sampleSystem();
        try {
          this.writeQueuedSync();
        } catch (e) {
          this.failure = e as Error;
        }
        return;
      }
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush().catch((e) => this.reportBackgroundFailure(e));
      }, FLUSH_INTERVAL_MS);
      this.timer.unref();
    }
  }

  private takeBatch() {
    const batch = { runId: this.id, series: [...this.queue.values()], params: this.params, ...(this.output.length ? { output: this.output } : {}) };
    this.queue = new Map();
    this.queued = 0;
    this.params = [];
    this.output = [];
    this.oldestQueued = 0;
    return batch;
  }

  /** A failed write puts the batch back in front, so nothing is lost; the error goes to the caller. */
  private restore(batch: { series: Series[]; params: Array<[string, unknown]>; output?: OutputChunk[] }): void {
    if (batch.output) this.output = batch.output.concat(this.output);
    const later = this.queue;
    this.queue = new Map();
    this.queued = 0;
    for (const s of [...batch.series, ...later.values()]) {
      for (let i = 0; i < s.values.length; i++) this.push(s.key, s.steps[i], s.values[i], s.ts[i]);
    }
    this.params = batch.params.concat(this.params);
  }

  private async writeQueued(): Promise<void> {
    if (this.failure) {
      const f = this.failure;
      this.failure = null;
      throw f;
    }
    if (!this.pending) return;
    const batch = this.takeBatch();
    try {
      await this.store.writeBatch(batch);
    } catch (e) {
      this.restore(batch);
      throw e;
    }
  }

  private writeQueuedSync(): void {
    if (!this.pending) return;
    const batch = this.takeBatch();
    try {
      this.backend.writeBatchSync!(this.store, batch);
    } catch (e) {
      this.restore(batch);
      throw e;
    }
  }

  private reportBackgroundFailure(e: unknown): void {
    // Not captured as the run's own output: it is about the run, and would be queued behind the failure.
    const what = [this.queued && `${this.queued} points`, this.params.length && `${this.params.length} params`, this.output.length && "console output"].filter(Boolean).join(", ");
    const capture = this.captureOutput;
    this.captureOutput = false;
    try {
      process.stderr.write(`modelbench: run '${this.name}' could not write ${what || "what it logged"} yet (kept in memory; flush() retries): ${(e as Error).message}\n`);
    } finally {
      this.captureOutput = capture;
    }
  }

  private sampleSystem(): void {
    if (this.status !== "running") return;
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const wall = now - this.lastWall;
    this.lastCpu = process.cpuUsage();
    this.lastWall = now;
    const ts = Date.now();
    const mem = process.memoryUsage();
    const step = this.autoStep.get("system/rss_mb") ?? 0;
    for (const key of ["system/cpu_percent", "system/rss_mb", "system/heap_mb"]) this.autoStep.set(key, step + 1);
    this.push("system/cpu_percent", step, wall > 0 ? ((cpu.user + cpu.system) / 1000 / wall) * 100 : 0, ts);
    this.push("system/rss_mb", step, mem.rss / 2 ** 20, ts);
    this.push("system/heap_mb", step, mem.heapUsed / 2 ** 20, ts);
    this.scheduleFlush(ts);
  }

  private stopTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.sampler) clearInterval(this.sampler);
    this.timer = this.sampler = null;
  }

  [MIME]() {
    const text = `Run ${this.name} (${this.id.slice(0, 8)}) — ${this.status}`;
    return { "text/plain": text, "text/html": `<div>Run <b>${escapeHtml(this.name)}</b> <code>${this.id.slice(0, 8)}</code> — ${this.status}</div>` };
  }
}
