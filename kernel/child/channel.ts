// The IPC channel to the protocol process, and the request that outputs being produced belong to
// (the running execute, or a comm message being handled), so each reaches the right parent.
import type { FromChild } from "../ipc";

/** Outputs a running cell makes: what %%capture may take instead of the frontend. */
export type CellOutput = Extract<FromChild, { type: "stream" | "display" | "clear_output" }>;

export class Channel {
  /** The request whose outputs are being produced; null between cells. */
  req: string | null = null;
  /** While set, the outputs of request `req` that `take` accepts go to it instead of the frontend. */
  private diverted: { req: string | null; take(msg: CellOutput): boolean } | null = null;

  private readonly inspections = new Map<number, (text: string | null) => void>();
  private lastInspection = 0;

  constructor(private readonly proc: NodeJS.Process = process) {}

  /** Quick info (with documentation) from the protocol process, against the declarations of the
   * cells that ran before this one; undefined when it gives none in `timeoutMs`. */
  inspect(code: string, cursor: number, timeoutMs = 15_000): Promise<string | null | undefined> {
    if (!this.proc.connected) return Promise.resolve(undefined);
    const id = ++this.lastInspection;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.inspections.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.inspections.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      this.send({ type: "inspect_request", id, code, cursor });
    });
  }

  /** The protocol process answered inspect request `id`. */
  inspected(id: number, text: string | null): void {
    const done = this.inspections.get(id);
    this.inspections.delete(id);
    done?.(text);
  }

  send(msg: FromChild): void {
    const d = this.diverted;
    if (d && (msg.type === "stream" || msg.type === "display" || msg.type === "clear_output") && msg.req === d.req && d.take(msg)) return;
    if (this.proc.connected) this.proc.send!(msg);
  }

  /** Runs `fn` with the running request's outputs offered to `take` (%%capture), until it settles;
   * what `take` refuses (returns false for) reaches the frontend as usual. */
  async divert<T>(take: (msg: CellOutput) => boolean, fn: () => Promise<T>): Promise<T> {
    const saved = this.diverted;
    this.diverted = { req: this.req, take };
    try {
      return await fn();
    } finally {
      this.diverted = saved;
    }
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
