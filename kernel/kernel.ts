// The protocol process: status, the execute queue and the outputs of the runtime child, wired to
// the sockets (sockets.ts), the request handlers (handlers.ts), comm routing (comms.ts), the
// sidebar's store (sidebarStore.ts) and completion's warm-up (warmup.ts). It never runs user code,
// so it always answers.
import { randomUUID } from "crypto";
import { newHeader, Signer, type Message } from "./wire";
import { Runtime } from "./runtime";
import { History } from "./history";
import type { FromChild } from "./ipc";
import { LanguageService } from "./language-worker";
import { LanguageWarmup } from "./warmup";
import { magicSpecs } from "./magics/specs";
import { handlers, type KernelServices } from "./handlers";
import { CommRouter } from "./comms";
import { SidebarStore } from "./sidebarStore";
import { sqliteUri } from "../src/store/location";
import { Sockets, type Channel, type ConnectionInfo } from "./sockets";
import { StreamBuffer } from "./streams";
import { DebugAdapter } from "./debug/adapter";
import { applyUpdate, NO_DECLARATIONS, type Declarations } from "./declarations";

export type { Channel, ConnectionInfo } from "./sockets";

export interface KernelOptions {
  connection: ConnectionInfo;
  historyFile: string;
  /** The tracking store the sidebar follows (default: the SQLite file that also keeps the history). */
  storeUri?: string;
  cwd?: string;
  log?: (m: string) => void;
  /** The history and the runtime, when the entry point made them (and started the runtime) first. */
  early?: { history: History; runtime: Runtime };
}

export class Kernel {
  readonly session = randomUUID();
  readonly log: (m: string) => void;
  readonly runtime: Runtime;
  private readonly history: History;
  private readonly sockets: Sockets;
  private readonly comms: CommRouter;
  private readonly sidebarStore: SidebarStore;
  /** JupyterLab's debugger, served from the runtime's inspector. */
  private readonly debugger: DebugAdapter;
  /** Completion and inspection, on their own thread. */
  private readonly language = new LanguageService();
  private readonly warmup = new LanguageWarmup(() => this.language.warm(), () => this.draining);
  private readonly services: KernelServices;
  private executionCount = 0;
  /** Declarations of the cells run so far, for completion and inspection here. */
  private decl: Declarations = NO_DECLARATIONS;
  /** The execute whose input() is waiting for an input_reply. */
  private awaitingInput: Message | null = null;
  private queue: Message[] = [];
  private draining = false;
  private requests = new Map<string, Message>();
  private lastExecute: Message | null = null;
  private silent = new Set<string>();
  private readonly streams = new StreamBuffer((req, name, text) => this.publish("stream", { name, text }, this.parentOf(req)));
  private closed = false;

  constructor(readonly options: KernelOptions) {
    this.log = options.log ?? ((m) => process.stderr.write(`[modelbench] ${m}\n`));
    this.sockets = new Sockets(new Signer(options.connection.key, options.connection.signature_scheme), this.log);
    this.history = options.early?.history ?? new History(options.historyFile);
    this.runtime = options.early?.runtime ?? new Runtime(options.cwd ?? process.cwd(), this.history.runtimeEnv(process.env));
    this.runtime.on("message", (m: FromChild) => this.fromRuntime(m));
    this.runtime.on("died", (why: string, pid?: number) => this.runtimeReplaced(why, pid));
    this.comms = new CommRouter({
      publish: (type, content, parent, metadata, buffers) => this.publish(type, content, parent, metadata, buffers),
      parentOf: (req) => this.parentOf(req),
      remember: (msg) => this.remember(msg),
      toRuntime: (msg) => this.runtime.deliver(msg),
      log: this.log,
    });
    this.sidebarStore = new SidebarStore(options.storeUri ?? sqliteUri(options.historyFile), this.log);
    this.debugger = new DebugAdapter(
      {
        attach: (socket, files) => this.runtime.send({ type: "debug_attach", socket, files }),
        detach: () => this.runtime.send({ type: "debug_detach" }),
        scriptReady: (url) => this.runtime.send({ type: "debug_ready", url }),
      },
      (event) => this.publish("debug_event", event, null),
      this.log,
    );
    this.services = {
      connection: options.connection,
      reply: (channel, request, type, content, metadata) => this.reply(channel, request, type, content, metadata),
      log: this.log,
      magics: magicSpecs(),
      language: this.language,
      decl: () => this.decl,
      history: this.history,
      comms: this.comms,
      // Paused in the debugger, the SIGINT is taken first and the runtime then resumed, so the
      // cell ends interrupted there instead of running on.
      interrupt: async () => {
        this.runtime.interrupt();
        await this.debugger.resumeForInterrupt();
      },
      debugRequest: (request) => this.debugger.request(request),
      shutdown: () => this.shutdown(),
      answerInput: (value) => {
        if (!this.awaitingInput) return false;
        this.awaitingInput = null;
        this.runtime.send({ type: "input_reply", value });
        return true;
      },
    };
  }

  async start(): Promise<void> {
    this.sidebarStore.register(this.comms.kernelTargets);
    await this.sockets.bind(this.options.connection, (msg, channel) => {
      this.dispatch(msg, channel).catch((e) => this.log(`error handling ${msg.header.msg_type}: ${e?.stack ?? e}`));
    });
    if (!this.runtime.started) this.runtime.start();
    this.publish("status", { execution_state: "starting" }, null);
  }

  private async dispatch(msg: Message, channel: Channel): Promise<void> {
    const type = msg.header.msg_type;
    if (type === "execute_request") return this.enqueue(msg);
    const handler = handlers[type];
    if (!handler) {
      this.log(`unknown message type '${type}' on ${channel}: ignored`);
      return;
    }
    if (channel === "stdin") return handler(this.services, msg, channel);
    this.status("busy", msg);
    try {
      await handler(this.services, msg, channel);
    } finally {
      this.status("idle", msg);
    }
  }

  // ---- sending

  private reply(channel: Channel, request: Message, type: string, content: unknown, metadata: Record<string, unknown> = {}): Promise<void> {
    const sent = this.sockets.send(channel, { identities: request.identities, header: newHeader(type, this.session), parent_header: request.header, metadata, content });
    return sent ?? Promise.resolve();
  }

  private publish(type: string, content: unknown, parent: Message | null, metadata: Record<string, unknown> = {}, buffers: Buffer[] = []): void {
    if (type !== "stream") this.streams.flush();
    void this.sockets.send("iopub", {
      identities: [Buffer.from(`kernel.${this.session}.${type}`)],
      header: newHeader(type, this.session),
      parent_header: parent?.header ?? {},
      metadata,
      content,
      buffers,
    });
  }

  private status(state: "busy" | "idle", parent: Message): void {
    this.publish("status", { execution_state: state }, parent);
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
      this.warmup.idle();
    }
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
      this.debugger.cellEnded();
      this.silent.delete(msg.header.msg_id);
      if (done.decl !== undefined) this.decl = applyUpdate(this.decl, done.decl);
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

  private remember(msg: Message): void {
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
    switch (m.type) {
      case "stream":
        return this.streams.add(req, m.name, m.text);
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
        if (!(req !== null && this.silent.has(req))) this.publish("execute_result", { execution_count: this.executionCount, data: m.data, metadata: m.metadata }, parent);
        return;
      case "input_request":
        if (parent) this.requestInput(parent, m.prompt, m.password);
        return;
      case "comm_open":
      case "comm_msg":
      case "comm_close":
      case "comm_targets":
        return this.comms.fromRuntime(m);
      case "store":
        return this.sidebarStore.follow(m.uri);
      case "warmed":
        return this.warmup.runtimeReady();
      case "debug_script":
        return void this.debugger.scriptCompiled(m);
      case "inspect_request": {
        const reply = (text: string | null) => this.runtime.send({ type: "inspect_reply", id: m.id, text });
        return void this.language.inspect(this.decl, m.code, m.cursor).then(reply, (e) => {
          this.log(`inspection for the runtime failed: ${e}`);
          reply(null);
        });
      }
    }
  }

  /** Sends an input_request to the frontend that made `execute`. */
  private requestInput(execute: Message, prompt: string, password: boolean): void {
    this.awaitingInput = execute;
    void this.sockets.send("stdin", { identities: execute.identities, header: newHeader("input_request", this.session), parent_header: execute.header, metadata: {}, content: { prompt, password } });
  }

  /** The runtime died or was replaced: its comms, its declarations and its store go with it. */
  private runtimeReplaced(why: string, pid?: number): void {
    this.log(`runtime ${why}; starting a new one`);
    this.sidebarStore.runtimeDied(pid);
    this.decl = NO_DECLARATIONS;
    this.comms.runtimeGone();
    this.debugger.runtimeReplaced();
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log(`history not saved: ${e}`);
    }
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.warmup.stop();
    this.streams.flush();
    await this.runtime.stop();
    await this.debugger.close();
    await this.language.close();
    this.sidebarStore.stop();
    this.history.close();
    this.sockets.close();
  }
}
