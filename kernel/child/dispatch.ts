// The runtime's side of the IPC channel: executes are queued and run one at a time; input replies
// and comm messages from the frontend are handled at once, between or during cells.
import type { ToChild } from "../ipc";
import type { Channel } from "./channel";
import type { CellContext } from "./context";
import type { CellRunner } from "./cell";
import { fromThrown } from "./errors";
import type { ChildDebugger } from "./debugging";

export class Dispatcher {
  private queue = Promise.resolve();

  constructor(
    private readonly channel: Channel,
    private readonly runner: CellRunner,
    private readonly context: CellContext,
    private readonly debug: ChildDebugger,
  ) {}

  handle(msg: ToChild): void {
    const registry = this.context.comms;
    switch (msg.type) {
      case "execute":
        this.queue = this.queue.then(() => this.runner.execute(msg));
        return;
      case "input_reply":
        return this.context.answerInput(msg.value);
      case "comm_open":
        return this.forComm(msg.req, () => {
          if (!registry.acceptOpen(msg.commId, msg.target, msg.data ?? {})) {
            this.channel.send({ type: "comm_close", req: msg.req, commId: msg.commId, data: {} });
            process.stderr.write(`no comm target '${msg.target}' is registered in this kernel\n`);
          }
        });
      case "comm_msg":
        return this.forComm(msg.req, () => registry.get(msg.commId)?.deliver(msg.data ?? {}, (msg.buffers ?? []).map((b) => Buffer.from(b))));
      case "comm_close":
        return this.forComm(msg.req, () => registry.get(msg.commId)?.remoteClose(msg.data ?? {}));
      case "debug_attach":
        return this.debug.attach(msg);
      case "debug_detach":
        return this.debug.detach();
      case "debug_ready":
        return this.debug.ready(msg.url);
      case "inspect_reply":
        return this.channel.inspected(msg.id, msg.text);
    }
  }

  /** A comm handler's outputs go to the comm message's request; `handled` says they all went. */
  private forComm(req: string, fn: () => void): void {
    try {
      this.channel.within(req, fn);
    } catch (e) {
      process.stderr.write(`error in comm handler: ${fromThrown(e).traceback.join("\n")}\n`);
    } finally {
      this.channel.send({ type: "handled", req });
    }
  }
}
