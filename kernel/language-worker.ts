// Completion and inspection on a worker thread of the protocol process: building and querying the
// TypeScript program takes long enough to stall heartbeats and replies if done on the main thread.
import { parentPort, Worker } from "worker_threads";
import { createConverter, maskMagics, quickInfoText, type Converter } from "./language";
import { projectRoot } from "./project";
import type { Declarations } from "./declarations";

type Request =
  | { id: number; kind: "complete"; decl: Declarations; code: string; cursor: number }
  | { id: number; kind: "inspect"; decl: Declarations; code: string; cursor: number };

export interface CompleteAnswer {
  matches: string[];
  start: number;
  end: number;
}

/** The protocol process's side: ask and await. */
export class LanguageService {
  private worker: Worker;
  private nextId = 1;
  private waiting = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();

  constructor() {
    this.worker = new Worker(__filename, { workerData: { warm: false } });
    this.worker.unref();
    this.worker.on("message", (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.ok) w?.resolve(m.value);
      else w?.reject(new Error(m.error));
    });
    this.worker.on("error", (e) => {
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    });
  }

  /** Builds the TypeScript program now (the kernel calls this once the runtime is no longer busy starting). */
  warm(): void {
    this.worker.postMessage({ id: 0, kind: "warm" });
  }

  private ask<T>(req: Omit<Request, "id">): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  complete(decl: Declarations, code: string, cursor: number): Promise<CompleteAnswer> {
    return this.ask({ kind: "complete", decl, code, cursor });
  }

  /** Quick info at the cursor, or just before it when the cursor ends a word. */
  inspect(decl: Declarations, code: string, cursor: number): Promise<string | null> {
    return this.ask({ kind: "inspect", decl, code, cursor });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

if (parentPort) {
  const port = parentPort;
  let converter: Converter | null = null;
  const conv = () => (converter ??= createConverter({ root: projectRoot(process.cwd()), cellDir: process.cwd() }));
  port.on("message", (req: Request | { id: 0; kind: "warm" }) => {
    if (req.kind === "warm") {
      // Building the program takes a second or two of CPU: done when the kernel says it is idle,
      // so it does not compete with the runtime's own start.
      try {
        conv().complete("", "Math.", 5);
      } catch {
        /* reported on first real use */
      }
      return;
    }
    try {
      const code = maskMagics(req.code);
      let value: unknown;
      if (req.kind === "complete") {
        const info = conv().complete(req.decl, code, req.cursor);
        value = { matches: info.candidates, start: info.start, end: info.end };
      } else {
        value =
          quickInfoText(conv().inspect(req.decl, code, req.cursor)) ??
          (req.cursor > 0 ? quickInfoText(conv().inspect(req.decl, code, req.cursor - 1)) : null);
      }
      port.postMessage({ id: req.id, ok: true, value });
    } catch (e) {
      port.postMessage({ id: req.id, ok: false, error: String(e) });
    }
  });
}
