// What the Sweeps view shows and keeps current: the store's studies, and the chosen one's report
// (trials, best, figures). It reloads when the kernel pushes runs of a sweep (a trial started,
// reported, ended, in this process or any other one writing to the store) and, while trials run
// without runs of their own to push (an untracked sweep), every few seconds. State only: the
// view is sweepView.ts.
import { Signal } from "@lumino/signaling";
import type { RunsModel } from "./model";
import type { RunSummary, StudyListing, StudyReport } from "./wire";

/** Tags a sweep's runs carry (src/tune/study.ts, src/tune/pbt): a push of one means a study changed. */
const SWEEP_TAGS = new Set(["trial", "sweep", "pbt-member"]);
/** Pushes come in bursts (every trial's points): one reload per burst. */
const RELOAD_DELAY_MS = 250;
/** How often a study with running trials is read again when nothing is pushed. */
export const POLL_MS = 4_000;

export interface SweepsTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class SweepsModel {
  readonly changed = new Signal<this, void>(this);
  studies: StudyListing[] | null = null;
  /** Why this store has no studies (MLflow), when it has none for that reason. */
  unsupported: string | null = null;
  selected: string | null = null;
  report: StudyReport | null = null;
  error: string | null = null;
  /** How many times the report was read (the view's tests and the bench count them). */
  loads = 0;

  private reloadTimer: unknown = null;
  private pollTimer: unknown = null;
  private loading: Promise<void> | null = null;
  private again = false;
  private disposed = false;

  constructor(private readonly runs: RunsModel, private readonly timers: SweepsTimers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) }) {
    runs.runsPushed.connect(this.onPushed, this);
    runs.connectionChanged.connect(this.onConnection, this);
  }

  dispose(): void {
    this.disposed = true;
    this.runs.runsPushed.disconnect(this.onPushed, this);
    this.runs.connectionChanged.disconnect(this.onConnection, this);
    this.timers.clearTimeout(this.reloadTimer);
    this.timers.clearTimeout(this.pollTimer);
  }

  /** Shows another study. */
  select(name: string): Promise<void> {
    if (name === this.selected) return this.load();
    this.selected = name;
    this.report = null;
    this.changed.emit();
    return this.load();
  }

  /** Reads the list of studies and the selected study's report (the newest study when none is). Calls that overlap run once more, not twice. */
  load(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.read().finally(() => {
      this.loading = null;
      if (this.again && !this.disposed) {
        this.again = false;
        void this.load();
      }
    });
    return this.loading;
  }

  private async read(): Promise<void> {
    try {
      const list = (await this.runs.ask("studies")) as { studies: StudyListing[]; unsupported?: string };
      this.studies = list.studies;
      this.unsupported = list.unsupported ?? null;
      if (this.selected === null || !list.studies.some((l) => l.study.name === this.selected)) {
        if (this.selected !== null && this.report) this.report = null;
        this.selected = list.studies[0]?.study.name ?? null;
      }
      if (this.selected !== null) {
        const name = this.selected;
        const reply = (await this.runs.ask("study", { name })) as { report: StudyReport };
        this.loads++;
        if (name === this.selected) this.report = reply.report;
      }
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    if (this.disposed) return;
    this.schedulePoll();
    this.changed.emit();
  }

  /** Running trials: read again after a while even if no run of theirs is pushed. */
  private schedulePoll(): void {
    this.timers.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    if (this.report && this.report.counts.running > 0) this.pollTimer = this.timers.setTimeout(() => void this.load(), POLL_MS);
  }

  private onPushed(_: RunsModel, runs: RunSummary[]): void {
    if (this.disposed || !runs.some((r) => r.tags.some((t) => SWEEP_TAGS.has(t)))) return;
    if (this.reloadTimer !== null) return;
    this.reloadTimer = this.timers.setTimeout(() => {
      this.reloadTimer = null;
      void this.load();
    }, RELOAD_DELAY_MS);
  }

  private onConnection(): void {
    if (this.disposed) return;
    if (this.runs.connected) void this.load();
    else this.changed.emit();
  }
}

/** The best value a listing shows, formatted by its caller; the summary line of a study. */
export function describeListing(l: StudyListing): string {
  const c = l.counts;
  const done = c.complete + c.pruned + c.failed;
  const parts = [`${done + c.running} trials`];
  if (c.running) parts.push(`${c.running} running`);
  return `${l.study.name} — ${parts.join(", ")}`;
}
