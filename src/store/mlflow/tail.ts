// Follows an MLflow store: MLflow has no push, so one runs/search a second.
import { EventEmitter } from "events";
import { MlflowStore } from "./store";
import { MEDIA_TAG, OUTPUT_TAG, parseOutputMark } from "./layout";
import type { MediaEvent, OutputEvent, PointsEvent, Store } from "../../track/types";
import type { Tail } from "../types";

type Mark = { n: number; count: number } | null;

/**
 * MLflow has no push: one runs/search a second. A run changed when its status, end time or latest
 * metric values/steps did; the new points of watched runs come from metrics/get-history (the points
 * past those already reported, per key). Media and output cost nothing until they change: the run's
 * `modelbench.media` and `modelbench.output` tags (in the same search) move with each write, and only
 * then, for a watched run, is its media index or its last output segment downloaded.
 */
export class MlflowTail extends EventEmitter implements Tail {
  private store: MlflowStore;
  private timer: NodeJS.Timeout | null = null;
  private seen = new Map<string, string>();
  private sent = new Map<string, number>();
  /** Per run: the media index version and the output mark last seen (reported or not). */
  private mediaSeen = new Map<string, number>();
  private outputSeen = new Map<string, Mark>();
  private busy = false;
  private primed = false;
  readonly watched = new Set<string>();

  constructor(uri: string, private readonly intervalMs = 1000) {
    super();
    this.store = new MlflowStore(uri);
  }

  get reader(): Store {
    return this.store;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.poll().catch((e) => this.emit("error", e)).finally(() => (this.busy = false));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Looks for changes now; returns whether there were any. */
  async poll(): Promise<boolean> {
    const runs = await this.store.search("");
    const changed: string[] = [];
    const points: PointsEvent[] = [];
    const media: MediaEvent[] = [];
    const output: OutputEvent[] = [];
    for (const r of runs) {
      const id = r.data.tags?.find((t) => t.key === "modelbench.run_id")?.value ?? r.info.run_id;
      // What existed at the first look is not news; a run that appears later is reported from its start.
      const version = Number(r.data.tags?.find((t) => t.key === MEDIA_TAG)?.value ?? 0);
      const seenVersion = this.mediaSeen.has(id) ? this.mediaSeen.get(id)! : this.primed ? 0 : version;
      const mark = parseOutputMark(r.data.tags?.find((t) => t.key === OUTPUT_TAG)?.value);
      const seenMark = this.outputSeen.has(id) ? this.outputSeen.get(id)! : this.primed ? null : mark;
      // Marked seen once read: a download that fails is reported and tried again at the next poll.
      try {
        if (version > seenVersion && this.watched.has(id)) {
          for (const m of await this.store.mediaSince(r, seenVersion)) media.push({ runId: id, media: m });
        }
        this.mediaSeen.set(id, version);
        if (mark && (mark.n !== seenMark?.n || mark.count !== seenMark.count) && this.watched.has(id)) {
          const chunks = await this.store.outputBetween(r.info.artifact_uri, seenMark, mark);
          if (chunks.length) output.push({ runId: id, chunks });
        }
        this.outputSeen.set(id, mark);
      } catch (e) {
        this.emit("error", e);
      }
      const sig = `${r.info.status}|${r.info.end_time ?? ""}|${(r.data.metrics ?? []).map((m) => `${m.key}:${m.step}:${m.timestamp}`).join(",")}`;
      if (this.seen.get(id) === sig) continue;
      this.seen.set(id, sig);
      if (this.primed) changed.push(id);
      if (this.watched.has(id)) {
        for (const m of r.data.metrics ?? []) {
          const h = await this.store.metricHistory(r.info.run_id, m.key);
          const k = `${id}\u0000${m.key}`;
          const fresh = h.slice(this.sent.get(k) ?? 0);
          this.sent.set(k, h.length);
          if (fresh.length) points.push({ runId: id, key: m.key, steps: fresh.map((p) => p.step), values: fresh.map((p) => p.value), ts: fresh.map((p) => p.ts) });
        }
      }
    }
    this.primed = true;
    if (changed.length) this.emit("runs", await this.store.listRuns({ ids: changed }));
    if (points.length) this.emit("points", points);
    if (media.length) this.emit("media", media);
    if (output.length) this.emit("output", output);
    return changed.length > 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
