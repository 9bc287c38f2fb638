// A helper thread of ./featurePool: waits for a node, builds, subtracts and scans its range of the
// node's features, writes its best splits, and marks the node done. Ends when told to stop.
import { receiveMessageOnPort, workerData } from "worker_threads";
import { type FeatureWorkerError, type FeatureWorkerSetup, JOB, SEARCH_LARGE, SEARCH_SMALL } from "./featurePool";
import { type DenseNodeWork, denseFeatureRange } from "./grower";
import { type Histogram, HistogramBuilder } from "./histogram";
import { BEST_WIDTH, SplitSearch } from "./split";
import { injectedFault, jobs } from "./threads";

const setup = workerData as FeatureWorkerSetup;
const { X, p, ctrl, totals, ranges, results, samples, features, allowed, index, port } = setup;
const histograms = new HistogramBuilder(X, p.minSamplesLeaf, { orderedG: setup.orderedG, orderedH: setup.orderedH, created: () => {} });
const byId: Histogram[] = [];
const searchSmall = new SplitSearch(X, p);
const searchLarge = new SplitSearch(X, p);
const done = JOB.DONE + index;

// A thread that ends in the middle of a node (process.exit in user code, a fatal error) still
// says so, so the fit fails instead of waiting forever.
process.on("exit", () => {
  Atomics.store(ctrl, done, -1);
  Atomics.notify(ctrl, done);
});

/** The histograms made since the last node (their shared sums come through the port). */
function learnHistograms(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const { id, sums } = m.message as { id: number; sums: Float64Array };
    byId[id] = { id, sums, features: new Int32Array(0), nFeatures: 0 };
  }
}

function runNode(): void {
  learnHistograms();
  const search = ctrl[JOB.SEARCH];
  const large = ctrl[JOB.LARGE];
  const work: DenseNodeWork = {
    small: byId[ctrl[JOB.SMALL]],
    large: large < 0 ? null : byId[large],
    start: ctrl[JOB.START],
    end: ctrl[JOB.END],
    features,
    searchSmall: search & SEARCH_SMALL ? searchSmall.start(totals[0], totals[1], totals[2], totals[3], allowed) : null,
    searchLarge: search & SEARCH_LARGE ? searchLarge.start(totals[4], totals[5], totals[6], totals[7], allowed) : null,
  };
  denseFeatureRange(histograms, samples, work, ranges[2 * index], ranges[2 * index + 1]);
  work.searchSmall?.exportBest(results, 2 * index * BEST_WIDTH);
  work.searchLarge?.exportBest(results, (2 * index + 1) * BEST_WIDTH);
}

for (const seq of jobs(ctrl, JOB)) {
  let state = seq;
  try {
    injectedFault();
    runNode();
  } catch (e) {
    const reply: FeatureWorkerError = { seq, error: (e as Error).message };
    port.postMessage(reply);
    state = -2;
  }
  Atomics.store(ctrl, done, state);
  Atomics.notify(ctrl, done);
  if (state < 0) break;
}
port.close();
