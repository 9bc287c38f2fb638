// Helper threads for fits with one output (binary, regression), whose rounds have a single tree:
// a large dense node's features are cut into ranges; this thread builds, subtracts and scans the
// first and each worker thread another, over shared memory (the bins, the node's rows and gathered
// gradients, the histograms), and the best splits are merged in feature order, so the tree is the
// one a single thread grows. fit() stays synchronous: this thread blocks on Atomics.wait for the
// helpers' part of each node.
import * as path from "path";
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "worker_threads";
import type { BinnedMatrix } from "./bins";
import { type DenseNodeWork, type GrowerParams, denseFeatureRange } from "./grower";
import type { Histogram, HistogramBuilder, SharedHistograms } from "./histogram";
import { WorkerFailedError } from "./parallel";
import { BEST_WIDTH } from "./split";
import { stopThreads } from "./threads";

/** Control words in shared memory: the node's job, then each helper's progress. */
export const JOB = { SEQ: 0, STOP: 1, SMALL: 2, LARGE: 3, START: 4, END: 5, SEARCH: 6, DONE: 7 } as const;
/** JOB.SEARCH bits: which children may split (and are searched). */
export const SEARCH_SMALL = 1;
export const SEARCH_LARGE = 2;

/** Below this much work (rows, plus a histogram's bins, times features) a node is not worth a round trip to the helpers. */
const MIN_SHARED_WORK = 1 << 15;

/** What a helper thread is started with. */
export interface FeatureWorkerSetup {
  X: BinnedMatrix;
  p: GrowerParams;
  ctrl: Int32Array;
  /** The node's totals for the searches: small child's G, H, count, value, then the large child's. */
  totals: Float64Array;
  /** Per helper: its features' range [from, to) of the node's list. */
  ranges: Int32Array;
  /** Per helper: the small child's best threshold, then the large child's (BEST_WIDTH each). */
  results: Float64Array;
  samples: Int32Array;
  orderedG: Float32Array;
  orderedH: Float32Array;
  features: Int32Array;
  allowed: Uint8Array;
  index: number;
  port: MessagePort;
}

/** A helper's failure, sent through its port before it marks the job done. */
export interface FeatureWorkerError {
  seq: number;
  error: string;
}

function shared<T extends Float64Array | Float32Array | Int32Array | Uint8Array>(Type: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new Type(new SharedArrayBuffer(Math.max(1, length) * Type.BYTES_PER_ELEMENT));
}

export class FeaturePool implements SharedHistograms {
  readonly samples: Int32Array;
  readonly orderedG: Float32Array;
  readonly orderedH: Float32Array;
  private readonly ctrl: Int32Array;
  private readonly totals = shared(Float64Array, 8);
  private readonly ranges: Int32Array;
  private readonly results: Float64Array;
  private readonly features: Int32Array;
  private readonly allowed: Uint8Array;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private seq = 0;
  private closed = false;

  /** X must be in shared memory (parallel.shareBins). */
  constructor(X: BinnedMatrix, p: GrowerParams, threads: number) {
    const helpers = threads - 1;
    this.samples = shared(Int32Array, X.nRows);
    this.orderedG = shared(Float32Array, X.nRows);
    this.orderedH = shared(Float32Array, X.nRows);
    this.ctrl = shared(Int32Array, JOB.DONE + helpers);
    this.ranges = shared(Int32Array, 2 * helpers);
    this.results = shared(Float64Array, 2 * BEST_WIDTH * helpers);
    this.features = shared(Int32Array, X.nFeatures);
    this.allowed = shared(Uint8Array, X.nFeatures);
    for (let w = 0; w < helpers; w++) {
      const { port1, port2 } = new MessageChannel();
      const { samples, orderedG, orderedH, ctrl, totals, ranges, results, features, allowed } = this;
      const setup: FeatureWorkerSetup = { X, p, ctrl, totals, ranges, results, samples, orderedG, orderedH, features, allowed, index: w, port: port2 };
      const worker = new Worker(path.join(__dirname, "featureWorker.js"), { workerData: setup, transferList: [port2] });
      // Never keeps the process alive, and a failure surfaces through the job, not as an event.
      worker.unref();
      worker.on("error", () => {});
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /** A new histogram: each helper learns its shared sums before its next job. */
  created(hist: Histogram): void {
    for (const port of this.ports) port.postMessage({ id: hist.id, sums: hist.sums });
  }

  /** Whether the node is large enough to share (a root always is). */
  worthSharing(w: DenseNodeWork, root: boolean): boolean {
    return !this.closed && (root || (w.end - w.start + 256) * w.features.length >= MIN_SHARED_WORK);
  }

  /** Does the node's work with the helpers: this thread takes the first range of features, each helper the next; then the searches hold the best of all. */
  run(w: DenseNodeWork, histograms: HistogramBuilder, samples: Int32Array, allowed: Uint8Array): void {
    const { ctrl, ranges, results, totals } = this;
    const n = w.features.length;
    const helpers = this.workers.length;
    // Even cuts, so that every range but the last builds its features in pairs.
    const step = 2 * Math.ceil(n / (2 * (helpers + 1)));
    for (let k = 0; k < helpers; k++) {
      ranges[2 * k] = Math.min(n, (k + 1) * step);
      ranges[2 * k + 1] = Math.min(n, (k + 2) * step);
    }
    this.features.set(w.features);
    this.allowed.set(allowed);
    w.searchSmall?.exportNode(totals, 0);
    w.searchLarge?.exportNode(totals, 4);
    ctrl[JOB.SMALL] = w.small.id;
    ctrl[JOB.LARGE] = w.large ? w.large.id : -1;
    ctrl[JOB.START] = w.start;
    ctrl[JOB.END] = w.end;
    ctrl[JOB.SEARCH] = (w.searchSmall ? SEARCH_SMALL : 0) | (w.searchLarge ? SEARCH_LARGE : 0);
    const seq = ++this.seq;
    Atomics.store(ctrl, JOB.SEQ, seq);
    Atomics.notify(ctrl, JOB.SEQ);
    let failure: string | null = null;
    try {
      denseFeatureRange(histograms, samples, w, 0, Math.min(n, step));
    } catch (e) {
      // Let the helpers finish the node before reporting, so no thread still writes its histograms.
      failure = `this thread: ${(e as Error).message}`;
    }
    for (let k = 0; k < helpers; k++) {
      const at = JOB.DONE + k;
      let done = Atomics.load(ctrl, at);
      for (; done !== seq && done >= 0; done = Atomics.load(ctrl, at)) Atomics.wait(ctrl, at, done);
      if (done === -1) failure ??= `worker ${k + 1} ended in the middle of a node, by process.exit or a fatal error`;
      else if (done === -2) failure ??= `worker ${k + 1}: ${(receiveMessageOnPort(this.ports[k])?.message as FeatureWorkerError | undefined)?.error ?? "unknown error"}`;
      // Later ranges merge after earlier ones: ties keep the earlier feature, as one thread would.
      else if (!failure) {
        w.searchSmall?.mergeBest(results, 2 * k * BEST_WIDTH);
        w.searchLarge?.mergeBest(results, (2 * k + 1) * BEST_WIDTH);
      }
    }
    if (failure) {
      this.close();
      throw new WorkerFailedError(failure);
    }
  }

  /** Stops every helper thread (they leave their wait and end). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    stopThreads(this.ctrl, JOB, this.workers, this.ports);
  }
}
