// When completion builds its TypeScript program: after the runtime has built its own, and once the
// kernel has had no cell for a moment, so the two builds never compete for the CPU with a cell.
export class LanguageWarmup {
  /** Completion's program is built once the kernel has had no cell for this long. */
  static readonly IDLE_MS = 1500;
  private runtimeWarmed = false;
  private warmed = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  /** `warm` builds the program; `busy` says whether a cell is running. */
  constructor(private readonly warm: () => void, private readonly busy: () => boolean, private readonly idleMs = LanguageWarmup.IDLE_MS) {}

  /** The runtime has built its program. */
  runtimeReady(): void {
    this.runtimeWarmed = true;
    this.idle();
  }

  /** The kernel has run its queued cells: warm after `idleMs` unless another cell starts. */
  idle(): void {
    if (!this.runtimeWarmed || this.warmed || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.busy()) return; // the end of the running cell schedules it again
      this.warmed = true;
      this.warm();
    }, this.idleMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
