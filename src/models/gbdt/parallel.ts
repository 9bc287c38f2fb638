// Grows the trees of one boosting round on several threads: this thread and nThreads − 1 worker
// threads take outputs (classes) from a shared counter, each with its own grower over the same
// binned rows, gradients and raw scores in shared memory (every tree writes only its own column of
// the scores). fit() stays synchronous: this thread blocks on Atomics.wait between rounds, and the
// workers hand their trees back through ports read with receiveMessageOnPort.
import * as path from "path";
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "worker_threads";
import { ModelbenchError } from "../../errors";
import type { BinnedMatrix } from "./bins";
import type { TreeNodes } from "./forest";
import { type GrowerParams, type RoundBuffers, TreeGrower, growAndScore } from "./grower";
import { stopThreads } from "./threads";

/** Control words in shared memory: the round's job and each worker's progress. */
export const CTRL = { SEQ: 0, NEXT: 1, COUNT: 2, OTHERS: 3, STOP: 4, DONE: 5 } as const;

/** What a worker thread is started with. */
export interface WorkerSetup {
  X: BinnedMatrix;
  p: GrowerParams;
  b: RoundBuffers;
  ctrl: Int32Array;
  index: number;
  port: MessagePort;
}

/** A worker's answer for one round: the trees it grew by output, or what went wrong. */
export type WorkerReply = { seq: number; trees: [number, TreeNodes][] } | { seq: number; error: string };

/** A worker thread failed while growing trees; the fit is abandoned and every worker stopped. */
export class WorkerFailedError extends ModelbenchError {
  constructor(detail: string) {
    super(`a worker thread growing trees failed (${detail}): the fit was stopped and its threads ended; fit again, or with nThreads: 1 to grow every tree on this thread`);
  }
}

function copyToShared<T extends Uint8Array | Int32Array>(a: T): T {
  const out = new (a.constructor as { new (b: SharedArrayBuffer): T })(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/** The binned rows with their large arrays moved to shared memory (threads read them in place). */
export function shareBins(X: BinnedMatrix): BinnedMatrix {
  if (X.kind === "dense") return { ...X, codes: copyToShared(X.codes) };
  return {
    ...X,
    codes: copyToShared(X.codes),
    indptr: copyToShared(X.indptr),
    indices: copyToShared(X.indices),
    colptr: copyToShared(X.colptr),
    colRows: copyToShared(X.colRows),
    colCodes: copyToShared(X.colCodes),
  };
}

/** Takes outputs off the shared counter and grows them until none is left. */
export function takeTrees(grower: TreeGrower, X: BinnedMatrix, b: RoundBuffers, ctrl: Int32Array): [number, TreeNodes][] {
  const count = Atomics.load(ctrl, CTRL.COUNT);
  const others = Atomics.load(ctrl, CTRL.OTHERS);
  const out: [number, TreeNodes][] = [];
  for (let k = Atomics.add(ctrl, CTRL.NEXT, 1); k < b.K; k = Atomics.add(ctrl, CTRL.NEXT, 1)) out.push([k, growAndScore(grower, X, b, k, count, others)]);
  return out;
}

export class TreePool {
  private readonly ctrl: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly grower: TreeGrower;
  private seq = 0;
  private closed = false;

  constructor(
    private readonly X: BinnedMatrix,
    p: GrowerParams,
    private readonly b: RoundBuffers,
    threads: number,
  ) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (CTRL.DONE + threads)));
    this.grower = new TreeGrower(X, p);
    for (let w = 0; w < threads - 1; w++) {
      const { port1, port2 } = new MessageChannel();
      const setup: WorkerSetup = { X, p, b, ctrl: this.ctrl, index: w, port: port2 };
      const worker = new Worker(path.join(__dirname, "worker.js"), { workerData: setup, transferList: [port2] });
      // Never keeps the process alive, and a failure surfaces through the reply, not as an event.
      worker.unref();
      worker.on("error", () => {});
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /** Grows every output's tree of the round (count rows in it, others left out); trees by output. */
  growRound(count: number, others: number): TreeNodes[] {
    const { ctrl } = this;
    const seq = ++this.seq;
    Atomics.store(ctrl, CTRL.COUNT, count);
    Atomics.store(ctrl, CTRL.OTHERS, others);
    Atomics.store(ctrl, CTRL.NEXT, 0);
    Atomics.store(ctrl, CTRL.SEQ, seq);
    Atomics.notify(ctrl, CTRL.SEQ);
    const trees = new Array<TreeNodes>(this.b.K);
    let failure: string | null = null;
    try {
      for (const [k, tree] of takeTrees(this.grower, this.X, this.b, ctrl)) trees[k] = tree;
    } catch (e) {
      // Let the workers finish the round before reporting, so no thread still writes the scores.
      failure = `this thread: ${(e as Error).message}`;
    }
    for (let w = 0; w < this.workers.length; w++) {
      const at = CTRL.DONE + w;
      for (let done = Atomics.load(ctrl, at); done !== seq && done >= 0; done = Atomics.load(ctrl, at)) Atomics.wait(ctrl, at, done);
      const reply = receiveMessageOnPort(this.ports[w])?.message as WorkerReply | undefined;
      if (!reply) failure ??= `worker ${w + 1} ended in the middle of a round, by process.exit or a fatal error`;
      else if ("error" in reply) failure ??= `worker ${w + 1}: ${reply.error}`;
      else for (const [k, tree] of reply.trees) trees[k] = tree;
    }
    if (failure) {
      this.close();
      throw new WorkerFailedError(failure);
    }
    return trees;
  }

  /** Stops every worker thread (they leave their wait and end). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    stopThreads(this.ctrl, CTRL, this.workers, this.ports);
  }
}
