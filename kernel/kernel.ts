// The protocol process: Jupyter's five sockets, message signing, status, the execute queue and the
// routing of outputs from the runtime child. It never runs user code, so it always answers.
import { randomUUID } from "crypto";
import * as zmq from "zeromq";
import { decode, encode, newHeader, BadMessage, Signer, type Message } from "./wire";
import { Runtime } from "./runtime";
import { History } from "./history";
import type { FromChild } from "./ipc";
import { CommRegistry } from "../src/comm";
import { openStore, openTail, type Tail } from "../src/store";
import { SidebarSession, SIDEBAR_TARGET } from "./sidebar";
import { LanguageService } from "./language-worker";
import { defaultMagics, type MagicRegistry } from "./magics";
import { handlers } from "./handlers";

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

export interface KernelOptions {
  connection: ConnectionInfo;
  historyFile: string;
  /** The tracking store the sidebar follows (default: the SQLite file that also keeps the history). */
  storeUri?: string;
  cwd?: string;
  log?: (m: string) => void;
}

export class Kernel {
  readonly session = randomUUID();
  readonly signer: Signer;
  readonly log: (m: string) => void;
  readonly runtime: Runtime;
  readonly history: History;
  readonly magics: MagicRegistry = defaultMagics();
  /** Comm targets served by this process (always responsive); others live in the runtime. */
  readonly kernelComms = new CommRegistry();
  /** Open comms and which side owns them. */
  readonly openComms = new Map<string, { target: string; owner: "kernel" | "runtime" }>();
  runtimeTargets = new Set<string>();
  executionCount = 0;
  /** Declarations of the cells run so far, for completion and inspection here. */
  decl = "";
  /** The execute whose input() is waiting for an input_reply. */
  awaitingInput: Message | null = null;

  private sockets!: { shell: zmq.Router; control: zmq.Router; stdin: zmq.Router; iopub: zmq.Publisher; hb: zmq.Reply };
  private out!: Record<Channel | "iopub", Outbox>;
  private queue: Message[] = [];
  private draining = false;
  private requests = new Map<string, Message>();
  private lastExecute: Message | null = null;
  private silent = new Set<string>();
  /** Completion and inspection, on their own thread. */
  readonly language = new LanguageService();
  private pendingStream: { req: string | null; name: string; text: string } | null = null;
  private streamTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(readonly options: KernelOptions) {
    this.signer = new Signer(options.connection.key, options.connection.signature_scheme);
    this.log = options.log ?? ((m) => process.stderr.write(`[modelbench] ${m}\n`));
    this.history = new History(options.historyFile);
    this.runtime = new Runtime(options.cwd ?? process.cwd());
    this.runtime.on("message", (m: FromChild) => this.fromRuntime(m));
    this.runtime.on("died", (why: string, pid?: number) => this.runtimeReplaced(why, pid));
    this.kernelComms.setTransport({
      open: (c, data, metadata) => {
        this.openComms.set(c.id, { target: c.target, owner: "kernel" });
        this.publish("comm_open", { comm_id: c.id, target_name: c.target, data }, this.lastExecute, metadata);
      },
      send: (c, data, metadata, buffers) => this.publish("comm_msg", { comm_id: c.id, data }, this.lastExecute, metadata, buffers),
      close: (c, data) => {
        this.openComms.delete(c.id);
        this.publish("comm_close", { comm_id: c.id, data }, this.lastExecute);
      },
    });
  }

  private tail: Tail | null = null;
  private readonly sidebars = new Set<SidebarSession>();
  /** The store the runtime's cells write to, once they switched away from the default one. */
  private runtimeStore: string | null = null;

  private get defaultStoreUri(): string {
    return this.options.storeUri ?? `sqlite://${this.options.historyFile}`;
  }

  /** The store the sidebar follows: the one the notebook's cells write to. */
  private get storeUri(): string {
    return this.runtimeStore ?? this.defaultStoreUri;
  }

  private openTail(uri: string): Tail {
    const tail = openTail(uri);
    tail.on("error", (e) => this.log(`store tail: ${e}`));
    void Promise.resolve(tail.start()).catch(() => {}); // reported through "error"
    return tail;
  }

  /** The sidebar's comm target: the store is tailed only while a sidebar is connected. */
  private registerSidebar(): void {
    this.kernelComms.registerTarget(SIDEBAR_TARGET, (comm) => {
      this.tail ??= this.openTail(this.storeUri);
      const session: SidebarSession = new SidebarSession(comm, this.tail, () => this.sidebars.delete(session));
      this.sidebars.add(session);
    });
  }

  /** The runtime now writes to `uri` (`%store`, or its default after a restart): open sidebars
   * move to it and reload. */
  private followStore(uri: string | null): void {
    const before = this.storeUri;
    this.runtimeStore = uri === this.defaultStoreUri ? null : uri;
    const now = this.storeUri;
    if (now === before || !this.tail) return;
    const old = this.tail;
    this.tail = this.openTail(now);
    for (const s of this.sidebars) s.retarget(this.tail, now);
    old.stop();
  }

  async start(): Promise<void> {
    this.registerSidebar();
    const c = this.options.connection;
    const url = (port: number) => `${c.transport}://${c.ip}:${port}`;
    this.sockets = {
      shell: new zmq.Router(),
      control: new zmq.Router(),
      stdin: new zmq.Router(),
      iopub: new zmq.Publisher(),
      hb: new zmq.Reply(),
    };
    await Promise.all([
      this.sockets.shell.bind(url(c.shell_port)),
      this.sockets.control.bind(url(c.control_port)),
      this.sockets.stdin.bind(url(c.stdin_port)),
      this.sockets.iopub.bind(url(c.iopub_port)),
      this.sockets.hb.bind(url(c.hb_port)),
    ]);
    this.out = {
      shell: new Outbox(this.sockets.shell, this.log),
      control: new Outbox(this.sockets.control, this.log),
      stdin: new Outbox(this.sockets.stdin, this.log),
      iopub: new Outbox(this.sockets.iopub, this.log),
    };
    this.runtime.start();
    void this.heartbeat();
    void this.serve(this.sockets.shell, "shell");
    void this.serve(this.sockets.control, "control");
    void this.serve(this.sockets.stdin, "stdin");
    this.publish("status", { execution_state: "starting" }, null);
  }

  private async heartbeat(): Promise<void> {
    try {
      for await (const frames of this.sockets.hb) await this.sockets.hb.send(frames);
    } catch (e) {
      if (!this.closed) this.log(`heartbeat stopped: ${e}`);
    }
  }

  private async serve(socket: zmq.Router, channel: Channel): Promise<void> {
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
        this.dispatch(msg, channel).catch((e) => this.log(`error handling ${msg.header.msg_type}: ${e?.stack ?? e}`));
      }
    } catch (e) {
      if (!this.closed) this.log(`${channel} socket stopped: ${e}`);
    }
  }

  private async dispatch(msg: Message, channel: Channel): Promise<void> {
    const type = msg.header.msg_type;
    if (type === "execute_request") return this.enqueue(msg);
    const handler = handlers[type];
    if (!handler) {
      this.log(`unknown message type '${type}' on ${channel}: ignored`);
      return;
    }
    if (channel === "stdin") return handler(this, msg, channel);
    this.status("busy", msg);
    try {
      await handler(this, msg, channel);
    } finally {
      this.status("idle", msg);
    }
  }

  // ---- sending

  reply(channel: Channel, request: Message, type: string, content: unknown, metadata: Record<string, unknown> = {}): Promise<void> {
    const frames = encode(
      { identities: request.identities, header: newHeader(type, this.session), parent_header: request.header, metadata, content, buffers: [] },
      this.signer,
    );
    return this.out[channel].send(frames);
  }

  publish(type: string, content: unknown, parent: Message | null, metadata: Record<string, unknown> = {}, buffers: Buffer[] = []): void {
    if (type !== "stream") this.flushStream();
    if (!this.out) return;
    const frames = encode(
      {
        identities: [Buffer.from(`kernel.${this.session}.${type}`)],
        header: newHeader(type, this.session),
        parent_header: parent?.header ?? {},
        metadata,
        content,
        buffers,
      },
      this.signer,
    );
    void this.out.iopub.send(frames);
  }

  status(state: "busy" | "idle", parent: Message): void {
    this.publish("status", { execution_state: state }, parent);
  }

  /** Sends an input_request to the frontend that made `execute`. */
  requestInput(execute: Message, prompt: string, password: boolean): void {
    this.awaitingInput = execute;
    const frames = encode(
      {
        identities: execute.identities,
        header: newHeader("input_request", this.session),
        parent_header: execute.header,
        metadata: {},
        content: { prompt, password },
        buffers: [],
      },
      this.signer,
    );
    void this.out.stdin.send(frames);
  }

  // ---- execution

  private enqueue(msg: Message): void {
    this.queue.push(msg);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) await this.execute(this.queue.shift()!);
    } finally {
      this.draining = false;
      this.warmLanguageWhenIdle();
    }
  }

  /** Completion's TypeScript program is built once the kernel has had no cell for this long. */
  static readonly LANGUAGE_WARM_IDLE_MS = 1500;
  private runtimeWarmed = false;
  private languageWarmed = false;
  private languageTimer: NodeJS.Timeout | null = null;

  private warmLanguageWhenIdle(): void {
    if (!this.runtimeWarmed || this.languageWarmed || this.closed) return;
    if (this.languageTimer) clearTimeout(this.languageTimer);
    this.languageTimer = setTimeout(() => {
      this.languageTimer = null;
      if (this.draining) return; // the end of the running cell schedules it again
      this.languageWarmed = true;
      this.language.warm();
    }, Kernel.LANGUAGE_WARM_IDLE_MS);
    this.languageTimer.unref();
  }

  private async execute(msg: Message): Promise<void> {
    const c = msg.content ?? {};
    const code = typeof c.code === "string" ? c.code : "";
    const silent = !!c.silent;
    const storeHistory = !silent && c.store_history !== false;
    this.status("busy", msg);
    let idlePending = true;
    try {
      if (storeHistory) this.executionCount++;
      const count = this.executionCount;
      this.remember(msg);
      this.lastExecute = msg;
      if (silent) this.silent.add(msg.header.msg_id);
      // The cell starts running first; its outputs arrive as later events, so busy and
      // execute_input still reach IOPub before them.
      const running = this.runtime.execute({
        type: "execute",
        req: msg.header.msg_id,
        code,
        silent,
        allowStdin: c.allow_stdin !== false,
        userExpressions: c.user_expressions ?? {},
      });
      if (!silent) this.publish("execute_input", { code, execution_count: count }, msg);
      if (storeHistory) this.safely(() => this.history.add(count, code));
      const done = await running;
      this.silent.delete(msg.header.msg_id);
      if (done.decl !== undefined) this.decl = done.decl;
      if (done.status === "error" && done.error) {
        if (!silent) this.publish("error", done.error, msg);
        await this.reply("shell", msg, "execute_reply", { status: "error", execution_count: count, ...done.error }, { status: "error" });
        if (c.stop_on_error !== false) await this.abortQueued();
      } else {
        const replied = this.reply("shell", msg, "execute_reply", {
          status: "ok",
          execution_count: count,
          payload: done.payload,
          user_expressions: done.userExpressions,
        });
        // The reply and idle are queued on their sockets before the history write, which the
        // frontend does not wait for.
        this.status("idle", msg);
        idlePending = false;
        await replied;
        if (storeHistory && done.resultText !== undefined) this.safely(() => this.history.setOutput(count, done.resultText!));
      }
    } finally {
      if (idlePending) this.status("idle", msg);
    }
  }

  /** After an error with stop_on_error, the executes already queued are answered 'aborted'. */
  private async abortQueued(): Promise<void> {
    const aborted = this.queue.splice(0);
    for (const m of aborted) {
      this.status("busy", m);
      await this.reply("shell", m, "execute_reply", { status: "aborted", execution_count: this.executionCount }, { status: "aborted" });
      this.status("idle", m);
    }
  }

  remember(msg: Message): void {
    this.requests.set(msg.header.msg_id, msg);
    if (this.requests.size > 200) this.requests.delete(this.requests.keys().next().value!);
  }

  private parentOf(req: string | null): Message | null {
    return (req && this.requests.get(req)) || this.lastExecute;
  }

  // ---- what the runtime sends back

  private fromRuntime(m: FromChild): void {
    const req = "req" in m ? m.req : null;
    const parent = this.parentOf(req);
    const silent = req !== null && this.silent.has(req);
    switch (m.type) {
      case "stream":
        return this.bufferStream(req, m.name, m.text);
      case "display":
        if (m.update) {
          this.publish("update_display_data", { data: m.data, metadata: m.metadata, transient: { display_id: m.displayId } }, parent);
        } else {
          this.publish("display_data", { data: m.data, metadata: m.metadata, transient: m.displayId ? { display_id: m.displayId } : {} }, parent);
        }
        return;
      case "clear_output":
        return this.publish("clear_output", { wait: m.wait }, parent);
      case "execute_result":
        if (!silent) this.publish("execute_result", { execution_count: this.executionCount, data: m.data, metadata: m.metadata }, parent);
        return;
      case "input_request":
        if (parent) this.requestInput(parent, m.prompt, m.password);
        return;
      case "comm_open":
        this.openComms.set(m.commId, { target: m.target, owner: "runtime" });
        return this.publish("comm_open", { comm_id: m.commId, target_name: m.target, data: m.data }, parent, m.metadata ?? {});
      case "comm_msg":
        return this.publish("comm_msg", { comm_id: m.commId, data: m.data }, parent, m.metadata ?? {}, (m.buffers ?? []).map((b) => Buffer.from(b)));
      case "comm_close":
        this.openComms.delete(m.commId);
        return this.publish("comm_close", { comm_id: m.commId, data: m.data }, parent);
      case "comm_targets":
        this.runtimeTargets = new Set(m.targets);
        return;
      case "store":
        return this.followStore(m.uri);
      case "warmed":
        // The runtime has built its TypeScript program; completion builds its own only once the
        // kernel has been idle for a moment, so the two never compete for the CPU with a cell.
        this.runtimeWarmed = true;
        this.warmLanguageWhenIdle();
        return;
    }
  }

  /** Streams are merged for a moment so a loop printing lines does not send one message per line. */
  private bufferStream(req: string | null, name: string, text: string): void {
    const p = this.pendingStream;
    if (p && p.req === req && p.name === name) {
      p.text += text;
    } else {
      this.flushStream();
      this.pendingStream = { req, name, text };
    }
    this.streamTimer ??= setTimeout(() => this.flushStream(), 10);
  }

  private flushStream(): void {
    if (this.streamTimer) clearTimeout(this.streamTimer);
    this.streamTimer = null;
    const p = this.pendingStream;
    if (!p) return;
    this.pendingStream = null;
    this.publish("stream", { name: p.name, text: p.text }, this.parentOf(p.req));
  }

  /** The runtime died or was replaced: its comms are gone and its declarations with them. */
  private runtimeReplaced(why: string, pid?: number): void {
    this.log(`runtime ${why}; starting a new one`);
    if (pid) for (const uri of new Set([this.storeUri, this.defaultStoreUri])) void this.markRunsCrashed(pid, uri);
    this.followStore(null); // the new runtime starts on the default store
    this.decl = "";
    this.runtimeTargets.clear();
    for (const [id, c] of this.openComms) {
      if (c.owner === "runtime") {
        this.openComms.delete(id);
        this.publish("comm_close", { comm_id: id, data: { reason: "the kernel's runtime restarted" } }, this.lastExecute);
      }
    }
  }

  /** Runs the dead runtime left 'running' are crashed now, not only when a store is next opened. */
  private async markRunsCrashed(pid: number, uri: string): Promise<void> {
    try {
      const store = openStore(uri);
      const ids = await store.markCrashed([pid]);
      await store.close();
      if (ids.length) this.log(`marked ${ids.length} run(s) of the dead runtime as crashed`);
    } catch (e) {
      this.log(`could not mark the dead runtime's runs: ${e}`);
    }
  }

  safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log(`history not saved: ${e}`);
    }
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.languageTimer) clearTimeout(this.languageTimer);
    this.flushStream();
    await this.runtime.stop();
    await this.language.close();
    this.tail?.stop();
    this.history.close();
    for (const s of Object.values(this.sockets ?? {})) s.close();
  }
}
