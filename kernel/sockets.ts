// Jupyter's five sockets: bound from the connection file, messages read and authenticated as they
// come, sends queued per socket (zeromq refuses concurrent sends), the heartbeat echoed.
import * as zmq from "zeromq";
import { decode, encode, BadMessage, type Message, type Signer } from "./wire";

export interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

export type Channel = "shell" | "control" | "stdin";

/** zeromq sockets refuse concurrent sends: queue them per socket. */
class Outbox {
  private chain: Promise<void> = Promise.resolve();
  constructor(private readonly socket: zmq.Writable, private readonly log: (m: string) => void) {}
  send(frames: Buffer[]): Promise<void> {
    this.chain = this.chain.then(() => this.socket.send(frames)).catch((e) => this.log(`send failed: ${e}`));
    return this.chain;
  }
}

export class Sockets {
  private sockets!: { shell: zmq.Router; control: zmq.Router; stdin: zmq.Router; iopub: zmq.Publisher; hb: zmq.Reply };
  private out: Record<Channel | "iopub", Outbox> | null = null;
  private closed = false;

  constructor(private readonly signer: Signer, private readonly log: (m: string) => void) {}

  /** Binds every socket, then reads the three request channels, handing each message to `onMessage`. */
  async bind(c: ConnectionInfo, onMessage: (msg: Message, channel: Channel) => void): Promise<void> {
    const url = (port: number) => `${c.transport}://${c.ip}:${port}`;
    this.sockets = { shell: new zmq.Router(), control: new zmq.Router(), stdin: new zmq.Router(), iopub: new zmq.Publisher(), hb: new zmq.Reply() };
    await Promise.all([
      this.sockets.shell.bind(url(c.shell_port)),
      this.sockets.control.bind(url(c.control_port)),
      this.sockets.stdin.bind(url(c.stdin_port)),
      this.sockets.iopub.bind(url(c.iopub_port)),
      this.sockets.hb.bind(url(c.hb_port)),
    ]);
    const s = this.sockets;
    this.out = { shell: new Outbox(s.shell, this.log), control: new Outbox(s.control, this.log), stdin: new Outbox(s.stdin, this.log), iopub: new Outbox(s.iopub, this.log) };
    void this.heartbeat();
    for (const channel of ["shell", "control", "stdin"] as const) void this.serve(s[channel], channel, onMessage);
  }

  /** Signs and queues a message; false when the sockets are not bound (yet, or any more). */
  send(channel: Channel | "iopub", msg: Omit<Message, "buffers"> & { buffers?: Buffer[] }): Promise<void> | null {
    if (!this.out) return null;
    return this.out[channel].send(encode({ buffers: [], ...msg }, this.signer));
  }

  close(): void {
    this.closed = true;
    for (const s of Object.values(this.sockets ?? {})) s.close();
  }

  private async heartbeat(): Promise<void> {
    try {
      for await (const frames of this.sockets.hb) await this.sockets.hb.send(frames);
    } catch (e) {
      if (!this.closed) this.log(`heartbeat stopped: ${e}`);
    }
  }

  private async serve(socket: zmq.Router, channel: Channel, onMessage: (msg: Message, channel: Channel) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: Message;
        try {
          msg = decode(frames, this.signer);
        } catch (e) {
          // Never act on a message we cannot authenticate or parse.
          this.log(`dropped a message on ${channel}: ${e instanceof BadMessage ? e.message : e}`);
          continue;
        }
        onMessage(msg, channel);
      }
    } catch (e) {
      if (!this.closed) this.log(`${channel} socket stopped: ${e}`);
    }
  }
}
