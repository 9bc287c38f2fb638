// Interrupts in the runtime: SIGINT stops synchronous code (breakOnSigint) and rejects whatever
// a cell awaits. Counted, so one that lands while a cell is still being compiled (before any
// breakOnSigint code runs) still stops that cell instead of being spent on nothing.
import { CellError, keyboardInterrupt } from "./errors";

export class Interrupts {
  private count = 0;
  /** `count` when the running cell started. */
  private base = 0;
  private waiters = new Set<() => void>();
  private listeners: Array<() => void> = [];

  /** Calls `fn` on every interrupt (stopping the executor, long-running helpers). */
  onInterrupt(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** A SIGINT arrived. */
  fire(): void {
    this.count++;
    for (const fn of this.listeners) fn();
    for (const w of this.waiters) w();
  }

  cellStarted(): void {
    this.base = this.count;
  }

  sinceCellStart(): boolean {
    return this.count !== this.base;
  }

  throwIfInterrupted(): void {
    if (this.sinceCellStart()) throw new CellError(keyboardInterrupt());
  }

  /** `p`, or a KeyboardInterrupt error as soon as an interrupt arrives. */
  race<T>(p: Promise<T>): Promise<T> {
    let waiter!: () => void;
    const interrupted = new Promise<never>((_, reject) => {
      waiter = () => reject(new CellError(keyboardInterrupt()));
      this.waiters.add(waiter);
    });
    return Promise.race([p, interrupted]).finally(() => this.waiters.delete(waiter));
  }
}

/** Resolves once a SIGINT that arrived during synchronous work has run its JS handler. Two loop
 * turns: the first ends the iteration we are in (its poll phase is over, so a signal that came
 * since is not read yet); the second's poll reads it. */
export async function signalsSettled(): Promise<void> {
  await new Promise<void>((r) => setImmediate(r));
  await new Promise<void>((r) => setImmediate(r));
}
