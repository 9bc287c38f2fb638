// A worker thread of ./parallel: waits for a round, grows the outputs it takes off the shared
// counter, replies with the trees, and marks its round done. Ends when told to stop.
import { workerData } from "worker_threads";
import { TreeGrower } from "./grower";
import { CTRL, type WorkerReply, type WorkerSetup, takeTrees } from "./parallel";
import { injectedFault, jobs } from "./threads";

const { X, p, b, ctrl, index, port } = workerData as WorkerSetup;
const grower = new TreeGrower(X, p);
const done = CTRL.DONE + index;

function finish(reply: WorkerReply): void {
  port.postMessage(reply);
  Atomics.store(ctrl, done, reply.seq);
  Atomics.notify(ctrl, done);
}

// A thread that ends in the middle of a round (process.exit in user code, a fatal error) still
// says so, so the fit fails instead of waiting forever.
process.on("exit", () => {
  Atomics.store(ctrl, done, -1);
  Atomics.notify(ctrl, done);
});

for (const seq of jobs(ctrl, CTRL)) {
  try {
    injectedFault();
    finish({ seq, trees: takeTrees(grower, X, b, ctrl) });
  } catch (e) {
    finish({ seq, error: (e as Error).message });
  }
}
port.close();
