// Comm routing in the protocol process: which side owns each open comm (a target served here,
// such as the sidebar's, or one registered by cell code in the runtime), and where each comm
// message goes, from the frontend, from the runtime, and when the runtime is replaced.
import { CommRegistry } from "../src/comm";
import type { FromChild, ToChild } from "./ipc";
import type { Message } from "./wire";

type Owner = "kernel" | "runtime";

/** What the router needs of the kernel around it. */
export interface CommPorts {
  publish(type: string, content: unknown, parent: Message | null, metadata?: Record<string, unknown>, buffers?: Buffer[]): void;
  /** The request a runtime message belongs to (its outputs' parent); the last execute when unknown. */
  parentOf(req: string | null): Message | null;
  /** Keeps a frontend request, so what the runtime sends in answer finds its parent. */
  remember(msg: Message): void;
  /** Hands a comm message to the runtime; resolves once it was handled there. */
  toRuntime(msg: Extract<ToChild, { req: string }>): Promise<void>;
  log(m: string): void;
}

type RuntimeComm = Extract<FromChild, { type: "comm_open" | "comm_msg" | "comm_close" | "comm_targets" }>;

export class CommRouter {
  /** Comm targets served by this process (always responsive, even while a cell runs). */
  readonly kernelTargets = new CommRegistry();
  private open = new Map<string, { target: string; owner: Owner }>();
  private runtimeTargets = new Set<string>();

  constructor(private readonly ports: CommPorts) {
    this.kernelTargets.setTransport({
      open: (c, data, metadata) => {
        this.open.set(c.id, { target: c.target, owner: "kernel" });
        ports.publish("comm_open", { comm_id: c.id, target_name: c.target, data }, ports.parentOf(null), metadata);
      },
      send: (c, data, metadata, buffers) => ports.publish("comm_msg", { comm_id: c.id, data }, ports.parentOf(null), metadata, buffers),
      close: (c, data) => {
        this.open.delete(c.id);
        ports.publish("comm_close", { comm_id: c.id, data }, ports.parentOf(null));
      },
    });
  }

  /** comm_info: the open comms, of one target or all. */
  info(target?: string): Record<string, { target_name: string }> {
    const comms: Record<string, { target_name: string }> = {};
    for (const [id, c] of this.open) if (!target || c.target === target) comms[id] = { target_name: c.target };
    return comms;
  }

  // ---- from the frontend

  fromFrontend(msg: Message): void | Promise<void> {
    const { comm_id, target_name, data } = msg.content;
    switch (msg.header.msg_type) {
      case "comm_open":
        if (this.kernelTargets.hasTarget(target_name)) {
          this.open.set(comm_id, { target: target_name, owner: "kernel" });
          this.kernelTargets.acceptOpen(comm_id, target_name, data ?? {});
          return;
        }
        if (this.runtimeTargets.has(target_name)) {
          this.open.set(comm_id, { target: target_name, owner: "runtime" });
          this.ports.remember(msg);
          return this.ports.toRuntime({ type: "comm_open", req: msg.header.msg_id, commId: comm_id, target: target_name, data });
        }
        this.ports.log(`comm_open for unknown target '${target_name}': closed`);
        this.ports.publish("comm_close", { comm_id, data: { error: `no comm target '${target_name}' in this kernel` } }, msg);
        return;
      case "comm_msg": {
        const c = this.open.get(comm_id);
        if (!c) return this.ports.log(`comm_msg for unknown comm ${comm_id}: ignored`);
        if (c.owner === "kernel") return this.kernelTargets.get(comm_id)?.deliver(data ?? {}, msg.buffers);
        this.ports.remember(msg);
        return this.ports.toRuntime({ type: "comm_msg", req: msg.header.msg_id, commId: comm_id, data, buffers: msg.buffers });
      }
      case "comm_close": {
        const c = this.open.get(comm_id);
        if (!c) return;
        this.open.delete(comm_id);
        if (c.owner === "kernel") return this.kernelTargets.get(comm_id)?.remoteClose(data ?? {});
        this.ports.remember(msg);
        return this.ports.toRuntime({ type: "comm_close", req: msg.header.msg_id, commId: comm_id, data });
      }
    }
  }

  // ---- from the runtime

  fromRuntime(m: RuntimeComm): void {
    const parent = this.ports.parentOf("req" in m ? m.req : null);
    switch (m.type) {
      case "comm_open":
        this.open.set(m.commId, { target: m.target, owner: "runtime" });
        return this.ports.publish("comm_open", { comm_id: m.commId, target_name: m.target, data: m.data }, parent, m.metadata ?? {});
      case "comm_msg":
        return this.ports.publish("comm_msg", { comm_id: m.commId, data: m.data }, parent, m.metadata ?? {}, (m.buffers ?? []).map((b) => Buffer.from(b)));
      case "comm_close":
        this.open.delete(m.commId);
        return this.ports.publish("comm_close", { comm_id: m.commId, data: m.data }, parent);
      case "comm_targets":
        this.runtimeTargets = new Set(m.targets);
        return;
    }
  }

  /** The runtime died or was replaced: its targets and open comms are gone; the frontend is told. */
  runtimeGone(): void {
    this.runtimeTargets.clear();
    for (const [id, c] of this.open) {
      if (c.owner === "runtime") {
        this.open.delete(id);
        this.ports.publish("comm_close", { comm_id: id, data: { reason: "the kernel's runtime restarted" } }, this.ports.parentOf(null));
      }
    }
  }
}
