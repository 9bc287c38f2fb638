// The Jupyter wire format: framing, HMAC-SHA256 signing and verification of messages.
// Pure functions over Buffers so they can be tested without sockets.
import { createHmac, randomUUID, timingSafeEqual } from "crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = "<IDS|MSG>";

export interface Header {
  msg_id: string;
  username: string;
  session: string;
  date: string;
  msg_type: string;
  version: string;
  [key: string]: unknown;
}

export interface Message<C = any> {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export class Signer {
  constructor(private readonly key: string, private readonly scheme = "hmac-sha256") {
    if (key && scheme !== "hmac-sha256") {
      throw new Error(`unsupported signature_scheme '${scheme}': modelbench signs with hmac-sha256`);
    }
  }

  sign(parts: Buffer[]): string {
    if (!this.key) return "";
    const hmac = createHmac("sha256", this.key);
    for (const p of parts) hmac.update(p);
    return hmac.digest("hex");
  }

  verify(signature: string, parts: Buffer[]): boolean {
    if (!this.key) return true;
    const expected = Buffer.from(this.sign(parts));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

export class BadMessage extends Error {}

/** Splits raw frames into a message; throws BadMessage on framing or signature problems. */
export function decode(frames: Buffer[], signer: Signer): Message {
  const i = frames.findIndex((f) => f.length === DELIMITER.length && f.toString() === DELIMITER);
  if (i < 0 || frames.length < i + 6) throw new BadMessage("no <IDS|MSG> delimiter or too few frames");
  const signature = frames[i + 1].toString();
  const parts = frames.slice(i + 2, i + 6);
  if (!signer.verify(signature, parts)) throw new BadMessage("bad HMAC signature");
  const [header, parent_header, metadata, content] = parts.map((p) => JSON.parse(p.toString() || "{}"));
  if (!header || typeof header.msg_type !== "string") throw new BadMessage("header has no msg_type");
  return {
    identities: frames.slice(0, i),
    header,
    parent_header,
    metadata,
    content,
    buffers: frames.slice(i + 6),
  };
}

export function encode(msg: Message, signer: Signer): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) => Buffer.from(toJson(p)));
  return [...msg.identities, Buffer.from(DELIMITER), Buffer.from(signer.sign(parts)), ...parts, ...msg.buffers];
}

/**
 * A message part's JSON. Plain JSON.stringify already writes NaN and ±Infinity as null (what jsonSafe
 * does) and runs at native speed; only a bigint makes it throw, and then the replacer, called for
 * every value (slow on a 10,000-run reply), writes it.
 */
function toJson(part: unknown): string {
  try {
    return JSON.stringify(part);
  } catch (e) {
    if (e instanceof TypeError) return JSON.stringify(part, jsonSafe);
    throw e;
  }
}

/** JSON cannot carry NaN/Infinity or bigint; send what a Python client would accept. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  return value;
}

export function newHeader(msgType: string, session: string): Header {
  return {
    msg_id: randomUUID(),
    username: "modelbench",
    session,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}
