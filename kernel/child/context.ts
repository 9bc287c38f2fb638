// What a running cell reaches the frontend through: display and clear_output, comms opened by cell
// code, and input() answered on the stdin channel. Each output is attributed to the channel's
// current request.
import { setDisplaySink } from "../../src/display";
import { comms, type CommRegistry } from "../../src/comm";
import type { ToChild } from "../ipc";
import type { Channel } from "./channel";
import type { Interrupts } from "./interrupts";

type ExecuteRequest = Extract<ToChild, { type: "execute" }>;

export class CellContext {
  /** The execute running now (input() needs to know whether its frontend accepts input). */
  execute: ExecuteRequest | null = null;
  readonly comms: CommRegistry = comms();
  private pendingInput: { resolve(v: string): void } | null = null;

  constructor(private readonly channel: Channel, private readonly interrupts: Interrupts) {}

  /** Routes display() and comms of cell code through the channel. */
  install(): void {
    const channel = this.channel;
    setDisplaySink({
      display(out, displayId, update) {
        channel.send({ type: "display", req: channel.req, data: out.data, metadata: out.metadata, displayId, update });
      },
      clear(wait) {
        channel.send({ type: "clear_output", req: channel.req, wait });
      },
    });
    this.comms.setTransport({
      open: (c, data, metadata) => channel.send({ type: "comm_open", req: channel.req, commId: c.id, target: c.target, data, metadata }),
      send: (c, data, metadata, buffers) => channel.send({ type: "comm_msg", req: channel.req, commId: c.id, data, metadata, buffers: buffers ?? [] }),
      close: (c, data) => channel.send({ type: "comm_close", req: channel.req, commId: c.id, data }),
    });
    this.comms.onTargetsChanged = (targets) => channel.send({ type: "comm_targets", targets });
  }

  /** input(): a Jupyter input_request, answered by the frontend's input_reply. */
  readonly input = async (prompt = "", options: { password?: boolean } = {}): Promise<string> => {
    const exec = this.execute;
    if (!exec) throw new Error("input() works only while a cell is running");
    if (!exec.allowStdin) {
      const e = new Error("this frontend does not accept input requests (allow_stdin is false)");
      e.name = "StdinNotImplementedError";
      throw e;
    }
    if (this.pendingInput) throw new Error("another input() is already waiting for an answer");
    const answer = new Promise<string>((resolve) => (this.pendingInput = { resolve }));
    this.channel.send({ type: "input_request", req: exec.req, prompt: String(prompt), password: !!options.password });
    try {
      return await this.interrupts.race(answer);
    } finally {
      this.pendingInput = null;
    }
  };

  answerInput(value: string): void {
    this.pendingInput?.resolve(value);
  }
}
