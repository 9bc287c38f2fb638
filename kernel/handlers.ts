// One small function per request type (execute_request is queued by the kernel itself). Each
// sees only what it needs of the kernel: the narrow KernelServices, not the Kernel's fields.
import type { Channel, ConnectionInfo } from "./sockets";
import type { Message } from "./wire";
import type { History } from "./history";
import type { LanguageService } from "./language-worker";
import type { CommRouter } from "./comms";
import type { MagicRegistry, MagicSpec } from "./magics/spec";
import type { DapRequest, DapResponse } from "./debug/adapter";
import { PROTOCOL_VERSION } from "./wire";
import { codePointToIndex, completeness, indexToCodePoint } from "./language";
import { completeMagic, magicAt } from "./magics/complete";
import { formatHelp } from "./magics/spec";
import type { Declarations } from "./declarations";

/** What request handlers may use of the kernel. */
export interface KernelServices {
  readonly connection: ConnectionInfo;
  reply(channel: Channel, request: Message, type: string, content: unknown, metadata?: Record<string, unknown>): Promise<void>;
  log(m: string): void;
  /** Magic specs, for completion and help (implementations live in the runtime). */
  readonly magics: MagicRegistry<{ spec: MagicSpec }>;
  readonly language: LanguageService;
  /** Declarations of the cells run so far. */
  decl(): Declarations;
  readonly history: History;
  readonly comms: CommRouter;
  interrupt(): Promise<void>;
  /** A Debug Adapter Protocol request of JupyterLab's debugger, answered by the debug adapter. */
  debugRequest(request: DapRequest): Promise<DapResponse>;
  shutdown(): Promise<void>;
  /** Hands an input_reply to the waiting input(); false when none waits. */
  answerInput(value: string): boolean;
}

type Handler = (k: KernelServices, msg: Message, channel: Channel) => Promise<void> | void;

// eslint-disable-next-line @typescript-eslint/no-var-requires
const pkg = require("../../package.json");
const tsVersion: string = require("@tslab/typescript-for-tslab/package.json").version;

function kernelInfo(k: KernelServices, msg: Message, channel: Channel) {
  return k.reply(channel, msg, "kernel_info_reply", {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "modelbench",
    implementation_version: pkg.version,
    language_info: {
      name: "typescript",
      version: tsVersion,
      mimetype: "text/typescript",
      file_extension: ".ts",
      codemirror_mode: "typescript",
      pygments_lexer: "typescript",
    },
    banner: `modelbench ${pkg.version}: TypeScript ${tsVersion} on Node.js ${process.version}. %lsmagic lists the magics.`,
    debugger: true,
    help_links: [
      { text: "modelbench magics", url: "https://github.com/modelbench/modelbench#magics" },
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js API", url: "https://nodejs.org/docs/latest-v20.x/api/" },
    ],
  });
}

async function complete(k: KernelServices, msg: Message, channel: Channel) {
  const code: string = msg.content.code ?? "";
  const cursor = codePointToIndex(code, msg.content.cursor_pos ?? code.length);
  let result = completeMagic(code, cursor, k.magics);
  if (!result) {
    try {
      result = await k.language.complete(k.decl(), code, cursor);
    } catch (e) {
      k.log(`completion failed: ${e}`);
      result = { matches: [], start: cursor, end: cursor };
    }
  }
  return k.reply(channel, msg, "complete_reply", {
    status: "ok",
    matches: result.matches,
    cursor_start: indexToCodePoint(code, result.start),
    cursor_end: indexToCodePoint(code, result.end),
    metadata: {},
  });
}

async function inspect(k: KernelServices, msg: Message, channel: Channel) {
  const code: string = msg.content.code ?? "";
  const cursor = codePointToIndex(code, msg.content.cursor_pos ?? code.length);
  let text: string | null = null;
  const magic = magicAt(code, cursor, k.magics);
  if (magic) text = formatHelp(magic.spec);
  else {
    try {
      text = await k.language.inspect(k.decl(), code, cursor);
    } catch (e) {
      k.log(`inspection failed: ${e}`);
    }
  }
  return k.reply(channel, msg, "inspect_reply", {
    status: "ok",
    found: text !== null,
    data: text !== null ? { "text/plain": text } : {},
    metadata: {},
  });
}

function isComplete(k: KernelServices, msg: Message, channel: Channel) {
  return k.reply(channel, msg, "is_complete_reply", completeness(msg.content.code ?? ""));
}

function history(k: KernelServices, msg: Message, channel: Channel) {
  const c = msg.content;
  const output = !!c.output;
  let entries: unknown[];
  try {
    if (c.hist_access_type === "tail") entries = k.history.tail(c.n ?? 10, output);
    else if (c.hist_access_type === "range") entries = k.history.range(c.session ?? 0, c.start ?? 1, c.stop ?? undefined, output);
    else if (c.hist_access_type === "search") entries = k.history.search(c.pattern ?? "*", c.n, !!c.unique, output);
    else entries = [];
  } catch (e) {
    return k.reply(channel, msg, "history_reply", { status: "error", ename: "HistoryError", evalue: String(e), traceback: [] });
  }
  return k.reply(channel, msg, "history_reply", { status: "ok", history: entries });
}

function commInfo(k: KernelServices, msg: Message, channel: Channel) {
  return k.reply(channel, msg, "comm_info_reply", { status: "ok", comms: k.comms.info(msg.content.target_name) });
}

/** comm_open, comm_msg and comm_close: the router knows which side owns the comm. */
function comm(k: KernelServices, msg: Message) {
  return k.comms.fromFrontend(msg);
}

async function interrupt(k: KernelServices, msg: Message, channel: Channel) {
  await k.interrupt();
  return k.reply(channel, msg, "interrupt_reply", { status: "ok" });
}

async function shutdown(k: KernelServices, msg: Message, channel: Channel) {
  const restart = !!msg.content.restart;
  await k.reply(channel, msg, "shutdown_reply", { status: "ok", restart });
  // Let the reply and the idle status leave before the sockets close; the manager restarts us.
  setTimeout(() => void k.shutdown().finally(() => process.exit(0)), 50);
}

function inputReply(k: KernelServices, msg: Message) {
  if (!k.answerInput(String(msg.content.value ?? ""))) k.log("input_reply with no input() waiting: ignored");
}

async function debug(k: KernelServices, msg: Message, channel: Channel) {
  return k.reply(channel, msg, "debug_reply", await k.debugRequest(msg.content));
}

function connect(k: KernelServices, msg: Message, channel: Channel) {
  const c = k.connection;
  return k.reply(channel, msg, "connect_reply", {
    status: "ok",
    shell_port: c.shell_port,
    iopub_port: c.iopub_port,
    stdin_port: c.stdin_port,
    hb_port: c.hb_port,
    control_port: c.control_port,
  });
}

export const handlers: Record<string, Handler> = {
  kernel_info_request: kernelInfo,
  complete_request: complete,
  inspect_request: inspect,
  is_complete_request: isComplete,
  history_request: history,
  comm_info_request: commInfo,
  comm_open: comm,
  comm_msg: comm,
  comm_close: comm,
  interrupt_request: interrupt,
  shutdown_request: shutdown,
  input_reply: inputReply,
  connect_request: connect,
  debug_request: debug,
};
