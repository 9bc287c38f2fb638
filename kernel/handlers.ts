// One small function per request type (execute_request is queued by the kernel itself).
import type { Kernel, Channel } from "./kernel";
import type { Message } from "./wire";
import { PROTOCOL_VERSION } from "./wire";
import { codePointToIndex, completeness, indexToCodePoint } from "./language";
import { completeMagic, magicAt } from "./magics/complete";
import { formatHelp } from "./magics";

type Handler = (k: Kernel, msg: Message, channel: Channel) => Promise<void> | void;

// eslint-disable-next-line @typescript-eslint/no-var-requires
const pkg = require("../../package.json");
const tsVersion: string = require("@tslab/typescript-for-tslab/package.json").version;

function kernelInfo(k: Kernel, msg: Message, channel: Channel) {
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
    debugger: false,
    help_links: [
      { text: "modelbench magics", url: "https://github.com/modelbench/modelbench#magics" },
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js API", url: "https://nodejs.org/docs/latest-v20.x/api/" },
    ],
  });
}

async function complete(k: Kernel, msg: Message, channel: Channel) {
  const code: string = msg.content.code ?? "";
  const cursor = codePointToIndex(code, msg.content.cursor_pos ?? code.length);
  let result = completeMagic(code, cursor, k.magics);
  if (!result) {
    try {
      result = await k.language.complete(k.decl, code, cursor);
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

async function inspect(k: Kernel, msg: Message, channel: Channel) {
  const code: string = msg.content.code ?? "";
  const cursor = codePointToIndex(code, msg.content.cursor_pos ?? code.length);
  let text: string | null = null;
  const magic = magicAt(code, cursor, k.magics);
  if (magic) text = formatHelp(magic.spec);
  else {
    try {
      text = await k.language.inspect(k.decl, code, cursor);
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

function isComplete(k: Kernel, msg: Message, channel: Channel) {
  return k.reply(channel, msg, "is_complete_reply", completeness(msg.content.code ?? ""));
}

function history(k: Kernel, msg: Message, channel: Channel) {
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

function commInfo(k: Kernel, msg: Message, channel: Channel) {
  const wanted: string | undefined = msg.content.target_name;
  const comms: Record<string, { target_name: string }> = {};
  for (const [id, c] of k.openComms) if (!wanted || c.target === wanted) comms[id] = { target_name: c.target };
  return k.reply(channel, msg, "comm_info_reply", { status: "ok", comms });
}

function commOpen(k: Kernel, msg: Message) {
  const { comm_id, target_name, data } = msg.content;
  if (k.kernelComms.hasTarget(target_name)) {
    k.openComms.set(comm_id, { target: target_name, owner: "kernel" });
    k.kernelComms.acceptOpen(comm_id, target_name, data ?? {});
    return;
  }
  if (k.runtimeTargets.has(target_name)) {
    k.openComms.set(comm_id, { target: target_name, owner: "runtime" });
    k.remember(msg);
    return k.runtime.deliver({ type: "comm_open", req: msg.header.msg_id, commId: comm_id, target: target_name, data });
  }
  k.log(`comm_open for unknown target '${target_name}': closed`);
  k.publish("comm_close", { comm_id, data: { error: `no comm target '${target_name}' in this kernel` } }, msg);
}

function commMsg(k: Kernel, msg: Message) {
  const { comm_id, data } = msg.content;
  const c = k.openComms.get(comm_id);
  if (!c) return k.log(`comm_msg for unknown comm ${comm_id}: ignored`);
  if (c.owner === "kernel") return k.kernelComms.get(comm_id)?.deliver(data ?? {}, msg.buffers);
  k.remember(msg);
  return k.runtime.deliver({ type: "comm_msg", req: msg.header.msg_id, commId: comm_id, data, buffers: msg.buffers });
}

function commClose(k: Kernel, msg: Message) {
  const { comm_id, data } = msg.content;
  const c = k.openComms.get(comm_id);
  if (!c) return;
  k.openComms.delete(comm_id);
  if (c.owner === "kernel") return k.kernelComms.get(comm_id)?.remoteClose(data ?? {});
  k.remember(msg);
  return k.runtime.deliver({ type: "comm_close", req: msg.header.msg_id, commId: comm_id, data });
}

function interrupt(k: Kernel, msg: Message, channel: Channel) {
  k.runtime.interrupt();
  return k.reply(channel, msg, "interrupt_reply", { status: "ok" });
}

async function shutdown(k: Kernel, msg: Message, channel: Channel) {
  const restart = !!msg.content.restart;
  await k.reply(channel, msg, "shutdown_reply", { status: "ok", restart });
  // Let the reply and the idle status leave before the sockets close; the manager restarts us.
  setTimeout(() => void k.shutdown().finally(() => process.exit(0)), 50);
}

function inputReply(k: Kernel, msg: Message) {
  if (!k.awaitingInput) return k.log("input_reply with no input() waiting: ignored");
  k.awaitingInput = null;
  k.runtime.send({ type: "input_reply", value: String(msg.content.value ?? "") });
}

function connect(k: Kernel, msg: Message, channel: Channel) {
  const c = k.options.connection;
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
  comm_open: commOpen,
  comm_msg: commMsg,
  comm_close: commClose,
  interrupt_request: interrupt,
  shutdown_request: shutdown,
  input_reply: inputReply,
  connect_request: connect,
};
