// What the two thread pools of the boosted trees share (./parallel: a round's class trees;
// ./featurePool: a node's features): how a pool stops its threads, how a thread waits for its next
// job, and the fault the tests inject. Each pool's control words are an Int32Array in shared memory
// with a job counter (SEQ) and a stop word (STOP) at indices of its own.
import type { MessagePort, Worker } from "worker_threads";

export interface ControlWords {
  SEQ: number;
  STOP: number;
}

/** Stops every thread of a pool: they leave their wait on the job counter and end. */
export function stopThreads(ctrl: Int32Array, at: ControlWords, workers: readonly Worker[], ports: readonly MessagePort[]): void {
  Atomics.store(ctrl, at.STOP, 1);
  Atomics.add(ctrl, at.SEQ, 1);
  Atomics.notify(ctrl, at.SEQ);
  for (const w of workers) void w.terminate();
  for (const port of ports) port.close();
}

/** In a pool's thread: each new job's number as the job counter moves, until the pool stops. */
export function* jobs(ctrl: Int32Array, at: ControlWords): Generator<number> {
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, at.SEQ, seen);
    if (Atomics.load(ctrl, at.STOP)) return;
    const seq = Atomics.load(ctrl, at.SEQ);
    if (seq === seen) continue;
    seen = seq;
    yield seq;
  }
}

/** MODELBENCH_GBDT_WORKER_FAULT (`exit` or `throw`) lets the test suite make a thread die in a job. */
export function injectedFault(): void {
  const fault = process.env.MODELBENCH_GBDT_WORKER_FAULT;
  if (fault === "exit") process.exit(3);
  if (fault === "throw") throw new Error("injected fault");
}
