// A worker thread of the runtime that relays the Chrome DevTools Protocol between the runtime's main
// thread (its V8 inspector) and the protocol process, over a local socket as lines of JSON. It runs
// on its own thread, so the protocol process can still inspect and resume the main thread while a
// breakpoint has paused it.
import * as inspector from "inspector";
import * as net from "net";
import { workerData } from "worker_threads";

const session = new inspector.Session();
session.connectToMainThread();
const socket = net.connect(String(workerData.socket));
const write = (message: unknown) => {
  if (!socket.destroyed) socket.write(JSON.stringify(message) + "\n");
};

let pending = "";
socket.setEncoding("utf8");
socket.on("data", (chunk: string) => {
  pending += chunk;
  for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
    const line = pending.slice(0, end);
    pending = pending.slice(end + 1);
    let request: { id: number; method: string; params?: object };
    try {
      request = JSON.parse(line);
    } catch {
      continue;
    }
    session.post(request.method, request.params ?? {}, (error, result) => {
      write({ id: request.id, ...(error ? { error: { message: error.message } } : { result: result ?? {} }) });
    });
  }
});
session.on("inspectorNotification", (n) => write({ method: n.method, params: n.params ?? {} }));
// The protocol process went away (or detached): nothing keeps this thread, nor a paused main thread.
socket.on("close", () => {
  session.disconnect();
  process.exit(0);
});
socket.on("error", () => undefined);
