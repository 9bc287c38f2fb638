// The IPC channel to the protocol process, and the request that outputs being produced belong to
// (the running execute, or a comm message being handled), so each reaches the right parent.
import type { FromChild } from "../ipc";

export class Channel {
  /** The request whose outputs are being produced; null between cells. */
  req: string | null = null;

  constructor(private readonly proc: NodeJS.Process = process) {}

  send(msg: FromChild): void {
    if (this.proc.connected) this.proc.send!(msg);
  }

  /** Runs `fn` with its outputs attributed to request `req`, then restores the running cell's. */
  within<T>(req: string, fn: () => T): T {
    const saved = this.req;
    this.req = req;
    try {
      return fn();
    } finally {
      this.req = saved;
    }
  }

  /** stdout and stderr go to the frontend as stream messages, in order with everything else. */
  captureStreams(): void {
    for (const name of ["stdout", "stderr"] as const) {
      const stream = this.proc[name];
      stream.write = ((chunk: any, encoding?: any, cb?: any) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
        this.send({ type: "stream", req: this.req, name, text });
        const done = typeof encoding === "function" ? encoding : cb;
        if (typeof done === "function") process.nextTick(done);
        return true;
      }) as typeof stream.write;
    }
  }
}
