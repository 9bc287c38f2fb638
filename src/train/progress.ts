// A progress bar for training. With a display sink (the kernel) it is one display that updates in
// place — epoch, batches, ETA and the latest metrics; without one (a plain Node script) it is a
// text bar redrawn on stderr, so stdout stays clean for the script's own output.
import { display, hasDisplaySink, MIME, type DisplayHandle, type MimeBundle } from "../display";
import { escapeHtml } from "../metrics/render";
import { formatDuration } from "../track/format";
import type { BatchLogs, Callback, EpochLogs, TrainContext } from "./loop";

export interface ProgressState {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  elapsedMs: number;
  /** Estimated time left, from the mean time per step so far; null before the first step. */
  etaMs: number | null;
  metrics: Record<string, number>;
  done: boolean;
  stopReason: string | null;
}

export { formatDuration };

/** Whole seconds: the bar redraws every batch, and tenths would only flicker. */
const duration = (ms: number) => formatDuration(ms, { wholeSeconds: true });

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3));

/** One line: `epoch 3/20 [#####.....] 12/24 batches · 4s, ETA 31s · loss 0.4123 val_loss 0.5011`. */
export function progressLine(s: ProgressState, width = 20): string {
  const totalSteps = s.epochs * s.batches;
  const doneSteps = s.done ? totalSteps : s.epoch * s.batches + s.batch;
  const filled = Math.round((width * doneSteps) / Math.max(totalSteps, 1));
  const bar = "#".repeat(filled) + ".".repeat(width - filled);
  const time = s.done ? `${duration(s.elapsedMs)} total` : `${duration(s.elapsedMs)}, ETA ${s.etaMs === null ? "?" : duration(s.etaMs)}`;
  const metrics = Object.entries(s.metrics).map(([k, v]) => `${k} ${fmt(v)}`).join(" ");
  const stop = s.stopReason ? ` · stopped: ${s.stopReason}` : "";
  return `epoch ${Math.min(s.epoch + 1, s.epochs)}/${s.epochs} [${bar}] ${s.batch}/${s.batches} batches · ${time}${metrics ? ` · ${metrics}` : ""}${stop}`;
}

class ProgressView {
  constructor(private readonly s: ProgressState) {}
  [MIME](): MimeBundle {
    const s = this.s;
    const totalSteps = s.epochs * s.batches;
    const doneSteps = s.done ? totalSteps : s.epoch * s.batches + s.batch;
    const pct = (100 * doneSteps) / Math.max(totalSteps, 1);
    const metrics = Object.entries(s.metrics).map(([k, v]) => `<b>${escapeHtml(k)}</b> ${escapeHtml(fmt(v))}`).join(" · ");
    const html =
      `<div class="modelbench-progress" style="font-family:var(--jp-code-font-family,monospace);font-size:var(--jp-code-font-size,12px)">` +
      `<progress value="${pct.toFixed(1)}" max="100" style="width:16em;vertical-align:middle"></progress> ` +
      `epoch ${Math.min(s.epoch + 1, s.epochs)}/${s.epochs} · batch ${s.batch}/${s.batches} · ${escapeHtml(s.done ? `${duration(s.elapsedMs)} total` : `${duration(s.elapsedMs)}, ETA ${s.etaMs === null ? "?" : duration(s.etaMs)}`)}` +
      (metrics ? `<br>${metrics}` : "") +
      (s.stopReason ? `<br><span style="color:var(--jp-ui-font-color2)">${escapeHtml(s.stopReason)}</span>` : "") +
      `</div>`;
    return { "text/html": html, "text/plain": progressLine(s) };
  }
}

export interface ProgressBarOptions {
  /** Least time between two redraws (the final state is always drawn). */
  intervalMs: number;
  /** Where the text bar goes outside Jupyter. */
  stream: NodeJS.WritableStream;
  /** Force a mode instead of detecting it from the display sink. */
  mode?: "display" | "text";
}

export class ProgressBar implements Callback {
  private readonly options: ProgressBarOptions;
  private handle: DisplayHandle | null = null;
  private start = 0;
  private last = 0;
  private lastLength = 0;
  /** The state last drawn (for tests and for reading after training). */
  state: ProgressState | null = null;

  constructor(options: Partial<ProgressBarOptions> = {}) {
    this.options = { intervalMs: 250, stream: process.stderr, ...options };
  }

  get mode(): "display" | "text" {
    return this.options.mode ?? (hasDisplaySink() ? "display" : "text");
  }

  onTrainBegin(ctx: TrainContext): void {
    this.start = Date.now();
    this.last = 0;
    this.handle = null;
    this.state = { epoch: 0, epochs: ctx.epochs, batch: 0, batches: ctx.stepsPerEpoch, elapsedMs: 0, etaMs: null, metrics: {}, done: false, stopReason: null };
    this.draw(true);
  }

  onBatchEnd(logs: BatchLogs, ctx: TrainContext): void {
    const s = this.state!;
    s.epoch = logs.epoch;
    s.batch = logs.batch + 1;
    s.elapsedMs = Date.now() - this.start;
    const steps = logs.step;
    s.etaMs = (s.elapsedMs / steps) * (ctx.epochs * ctx.stepsPerEpoch - steps);
    s.metrics = { ...s.metrics, batch_loss: logs.loss };
    this.draw(false);
  }

  onEpochEnd(logs: EpochLogs): void {
    const { epoch: _e, ...metrics } = logs;
    this.state!.metrics = metrics;
    this.draw(false);
  }

  onTrainEnd(ctx: TrainContext): void {
    const s = this.state!;
    s.done = true;
    s.elapsedMs = Date.now() - this.start;
    s.etaMs = 0;
    s.epoch = Math.max(ctx.history.length - 1, 0);
    s.batch = s.batches;
    s.stopReason = ctx.stopReason;
    this.draw(true);
    if (this.mode === "text") this.options.stream.write("\n");
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.last < this.options.intervalMs) return;
    this.last = now;
    const s = { ...this.state!, metrics: { ...this.state!.metrics } };
    if (this.mode === "display") {
      const view = new ProgressView(s);
      if (this.handle) this.handle.update(view);
      else this.handle = display(view);
    } else {
      const line = progressLine(s);
      // \r returns to the line start; spaces wipe what a longer previous line left behind.
      this.options.stream.write(`\r${line}${" ".repeat(Math.max(0, this.lastLength - line.length))}`);
      this.lastLength = line.length;
    }
  }
}
