// Comms: named, bidirectional channels between a frontend and code in this process.
// The registry knows nothing of Jupyter; a kernel plugs in a transport that carries the messages.
import { randomUUID } from "crypto";

export type CommData = Record<string, unknown>;

export interface CommTransport {
  open(comm: Comm, data: CommData, metadata: CommData): void;
  send(comm: Comm, data: CommData, metadata: CommData, buffers?: Buffer[]): void;
  close(comm: Comm, data: CommData): void;
}

export type CommOpenHandler = (comm: Comm, data: CommData) => void;

export class CommError extends Error {}

export class Comm {
  private msgHandlers: Array<(data: CommData, buffers: Buffer[]) => void> = [];
  private closeHandlers: Array<(data: CommData) => void> = [];
  closed = false;

  constructor(readonly id: string, readonly target: string, private readonly registry: CommRegistry) {}

  send(data: CommData = {}, metadata: CommData = {}, buffers: Buffer[] = []): void {
    if (this.closed) throw new CommError(`comm ${this.id} (${this.target}) is closed`);
    this.registry.transport().send(this, data, metadata, buffers);
  }

  close(data: CommData = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.registry.forget(this.id);
    this.registry.transport().close(this, data);
  }

  onMsg(handler: (data: CommData, buffers: Buffer[]) => void): this {
    this.msgHandlers.push(handler);
    return this;
  }

  onClose(handler: (data: CommData) => void): this {
    this.closeHandlers.push(handler);
    return this;
  }

  /** Called by the kernel when the frontend sends to this comm. */
  deliver(data: CommData, buffers: Buffer[] = []): void {
    for (const h of this.msgHandlers) h(data, buffers);
  }

  /** Called by the kernel when the frontend closes this comm. */
  remoteClose(data: CommData): void {
    if (this.closed) return;
    this.closed = true;
    this.registry.forget(this.id);
    for (const h of this.closeHandlers) h(data);
  }
}

const noTransport: CommTransport = {
  open() {
    throw new CommError("no frontend is connected: comms need the modelbench kernel");
  },
  send() {
    throw new CommError("no frontend is connected: comms need the modelbench kernel");
  },
  close() {},
};

export class CommRegistry {
  private targets = new Map<string, CommOpenHandler>();
  private comms = new Map<string, Comm>();
  private carrier: CommTransport = noTransport;
  /** Told whenever the set of targets changes (the kernel mirrors it for comm_info and routing). */
  onTargetsChanged: (targets: string[]) => void = () => {};

  setTransport(t: CommTransport | null): void {
    this.carrier = t ?? noTransport;
  }

  transport(): CommTransport {
    return this.carrier;
  }

  registerTarget(name: string, handler: CommOpenHandler): void {
    this.targets.set(name, handler);
    this.onTargetsChanged(this.targetNames());
  }

  unregisterTarget(name: string): void {
    this.targets.delete(name);
    this.onTargetsChanged(this.targetNames());
  }

  targetNames(): string[] {
    return [...this.targets.keys()];
  }

  hasTarget(name: string): boolean {
    return this.targets.has(name);
  }

  /** Opens a comm from this side to a frontend target. */
  open(target: string, data: CommData = {}, metadata: CommData = {}): Comm {
    const comm = new Comm(randomUUID(), target, this);
    this.comms.set(comm.id, comm);
    this.carrier.open(comm, data, metadata);
    return comm;
  }

  /** The frontend opened a comm: returns false when no such target exists. */
  acceptOpen(id: string, target: string, data: CommData): boolean {
    const handler = this.targets.get(target);
    if (!handler) return false;
    const comm = new Comm(id, target, this);
    this.comms.set(id, comm);
    handler(comm, data);
    return true;
  }

  get(id: string): Comm | undefined {
    return this.comms.get(id);
  }

  list(target?: string): Comm[] {
    return [...this.comms.values()].filter((c) => !target || c.target === target);
  }

  forget(id: string): void {
    this.comms.delete(id);
  }
}

/** The process-wide registry (shared by every copy of this module through globalThis). */
export function comms(): CommRegistry {
  const key = Symbol.for("modelbench.comms");
  const g = globalThis as any;
  return (g[key] ??= new CommRegistry());
}
