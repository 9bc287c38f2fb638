// The protocol process's end of the runtime's inspector: a socket in a private folder that the
// runtime's relay worker (kernel/child/inspectorRelay.ts) connects to, speaking the Chrome DevTools
// Protocol as lines of JSON. One runtime at a time; a new connection replaces the old one.
import { EventEmitter } from "events";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export class CdpError extends Error {}

export class CdpLink extends EventEmitter {
  readonly socketPath: string;
  private readonly server: net.Server;
  private socket: net.Socket | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve(v: any): void; reject(e: Error): void; method: string }>();
  private waiters: Array<() => void> = [];

  private constructor(private readonly dir: string) {
    super();
    this.socketPath = path.join(dir, "inspector.sock");
    this.server = net.createServer((s) => this.accept(s));
  }

  static async listen(): Promise<CdpLink> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelbench-debug-"));
    const link = new CdpLink(dir);
    await new Promise<void>((resolve, reject) => {
      link.server.once("error", reject);
      link.server.listen(link.socketPath, () => resolve());
    });
    fs.chmodSync(link.socketPath, 0o600);
    return link;
  }

  get connected(): boolean {
    return this.socket !== null;
  }

  /** Resolves once a runtime is connected; rejects after `ms`. */
  waitConnected(ms: number): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new CdpError(`the runtime did not connect its inspector within ${ms / 1000} s (is a cell running without ever awaiting? interrupt it and try again)`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }

  send<T = any>(method: string, params: object = {}): Promise<T> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new CdpError("the runtime is not connected to the debugger"));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      socket.write(JSON.stringify({ id, method, params }) + "\n");
    });
  }

  /** Drops the current runtime's connection (it is being replaced or detached). */
  drop(): void {
    const socket = this.socket;
    if (!socket) return;
    this.lost(socket);
    socket.destroy();
  }

  close(): void {
    this.drop();
    this.server.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private accept(socket: net.Socket): void {
    this.drop();
    this.socket = socket;
    let buffered = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        this.receive(JSON.parse(line));
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => this.lost(socket));
    this.emit("connected");
    for (const w of this.waiters.splice(0)) w();
  }

  private lost(socket: net.Socket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    for (const p of this.pending.values()) p.reject(new CdpError(`the runtime went away during ${p.method} (it died, is being restarted or the debugger was turned off)`));
    this.pending.clear();
    this.emit("closed");
  }

  private receive(message: { id?: number; method?: string; params?: any; result?: any; error?: { message: string } }): void {
    if (message.id !== undefined) {
      const p = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!p) return;
      if (message.error) p.reject(new CdpError(`${p.method}: ${message.error.message}`));
      else p.resolve(message.result);
    } else if (message.method) {
      this.emit("event", message.method, message.params ?? {});
    }
  }
}
