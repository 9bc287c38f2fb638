// The YAML of a text notebook's header: written exactly as PyYAML's safe_dump(default_flow_style=False)
// writes it (jupytext uses that), and read back for the block-style subset such headers use.
import { Json, JsonObject, PyFloat, PyInt, compareCodePoints, pyFloatRepr } from "./pyjson";

export class YamlError extends Error {}

const BEST_WIDTH = 80;
const BREAKS = "\n\x85\u2028\u2029";
const WHITESPACE = "\0 \t\r\n\x85\u2028\u2029";

// PyYAML's implicit resolvers (YAML 1.1): a plain scalar matching one of these is not a string.
const RESOLVERS: [RegExp, (s: string) => Json][] = [
  [/^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/, (s) => /^(?:yes|true|on)$/i.test(s)],
  [
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    (s) => {
      const t = s.replace(/_/g, "").toLowerCase();
      const v = t.endsWith(".inf") ? (t.startsWith("-") ? -Infinity : Infinity) : t === ".nan" ? NaN : t.includes(":") ? sexagesimal(t) : Number(t);
      return Number.isInteger(v) ? new PyFloat(v) : v;
    },
  ],
  [
    /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    (s) => {
      const t = s.replace(/_/g, "");
      const sign = t.startsWith("-") ? -1 : 1;
      const u = t.replace(/^[-+]/, "");
      if (u.includes(":")) return sign * sexagesimal(u);
      if (u.startsWith("0b")) return sign * parseInt(u.slice(2), 2);
      if (u.startsWith("0x")) return sign * parseInt(u.slice(2), 16);
      if (u.length > 1 && u.startsWith("0")) return sign * parseInt(u, 8);
      return sign * Number(u);
    },
  ],
  [/^(?:<<)$/, (s) => s],
  [/^(?:~|null|Null|NULL|)$/, () => null],
  [/^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/, (s) => s],
  [/^(?:=)$/, (s) => s],
];

function sexagesimal(t: string): number {
  return t.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);
}

const resolvesToNonString = (s: string) => RESOLVERS.some(([re]) => re.test(s));

/** yaml.safe_dump(value, default_flow_style=False): sorted keys, block style, PyYAML's quoting and folding. */
export function dumpYaml(value: Json): string {
  const lines: string[] = [];
  let line = "";
  const newline = (indent: number) => {
    lines.push(line);
    line = " ".repeat(indent);
  };
  const scalar = (v: Json, indent: number, simpleKey: boolean) => {
    if (v === null) line += "null";
    else if (typeof v === "boolean") line += v ? "true" : "false";
    else if (v instanceof PyFloat || (typeof v === "number" && !Number.isInteger(v))) line += yamlFloat(Number(v));
    else if (typeof v === "number" || v instanceof PyInt) line += String(v instanceof PyInt ? v.value : v);
    else writeString(String(v), indent, simpleKey);
  };
  const writeString = (text: string, indent: number, simpleKey: boolean) => {
    const a = analyzeScalar(text);
    const plainOk = !resolvesToNonString(text) && a.allowBlockPlain && !(simpleKey && (a.empty || a.multiline));
    if (plainOk) return writeFolded(text, indent, !simpleKey, false);
    if (a.allowSingleQuoted && !(simpleKey && a.multiline)) return writeFolded(text, indent, !simpleKey, true);
    writeDoubleQuoted(text, indent, !simpleKey);
  };
  // PyYAML's write_plain / write_single_quoted: a single space past column 80 becomes a line break.
  const writeFolded = (text: string, indent: number, split: boolean, quoted: boolean) => {
    if (quoted) line += "'";
    let spaces = false, breaks = false, start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : null;
      if (spaces) {
        if (ch !== " ") {
          const canBreak = !quoted || (start !== 0 && end !== text.length);
          if (start + 1 === end && line.length > BEST_WIDTH && split && canBreak) newline(indent);
          else line += text.slice(start, end);
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (text[start] === "\n") newline(0);
          for (const br of text.slice(start, end)) {
            lines.push(line + (br === "\n" ? "" : br));
            line = "";
          }
          line = " ".repeat(indent);
          start = end;
        }
      } else if (ch === null || (" " + BREAKS).includes(ch) || (quoted && ch === "'")) {
        if (start < end) line += text.slice(start, end);
        start = end;
      }
      if (quoted && ch === "'") {
        line += "''";
        start = end + 1;
      }
      if (ch !== null) {
        spaces = ch === " ";
        breaks = BREAKS.includes(ch);
      }
    }
    if (quoted) line += "'";
  };
  const writeDoubleQuoted = (text: string, indent: number, split: boolean) => {
    line += '"';
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : null;
      const code = ch === null ? 0 : ch.codePointAt(0)!;
      const plainChar = ch !== null && ((code >= 0x20 && code <= 0x7e) && ch !== '"' && ch !== "\\");
      if (ch === null || !plainChar) {
        if (start < end) {
          line += text.slice(start, end);
          start = end;
        }
        if (ch !== null) {
          line += escapeYaml(ch, code);
          if (code > 0xffff) end++;
          start = end + 1;
        }
      }
      if (end > 0 && end < text.length - 1 && (ch === " " || start >= end) && line.length + (end - start) > BEST_WIDTH && split) {
        line += text.slice(start, end) + "\\";
        if (start < end) start = end;
        newline(indent);
        if (text[start] === " ") line += "\\";
      }
    }
    line += '"';
  };
  const node = (v: Json, indent: number, context: "root" | "mapping" | "sequence") => {
    if (v !== null && typeof v === "object" && !(v instanceof PyFloat) && !(v instanceof PyInt)) {
      const isList = Array.isArray(v);
      const empty = isList ? v.length === 0 : Object.keys(v).length === 0;
      if (empty) {
        if (context !== "root") line += " ";
        line += isList ? "[]" : "{}";
        return;
      }
      if (isList) {
        // a sequence inside a mapping is not indented (PyYAML's indentless sequence)
        const itemIndent = context === "mapping" ? indent - 2 : indent;
        v.forEach((item, i) => {
          if (i > 0 || context === "mapping") newline(itemIndent);
          else if (context === "sequence") line += " ";
          line += "-";
          node(item, itemIndent + 2, "sequence");
        });
        return;
      }
      const keys = Object.keys(v).sort(compareCodePoints);
      keys.forEach((key, i) => {
        if (i > 0 || context === "mapping") newline(indent);
        else if (context === "sequence") line += " ";
        writeString(key, indent, true);
        line += ":";
        node((v as JsonObject)[key], indent + 2, "mapping");
      });
      return;
    }
    if (context !== "root") line += " ";
    scalar(v, indent, false);
  };
  node(value, 0, "root");
  lines.push(line);
  return lines.join("\n") + "\n";
}

function yamlFloat(x: number): string {
  if (Number.isNaN(x)) return ".nan";
  if (!Number.isFinite(x)) return x > 0 ? ".inf" : "-.inf";
  let r = pyFloatRepr(x).toLowerCase();
  if (!r.includes(".") && r.includes("e")) r = r.replace("e", ".0e");
  return r;
}

function escapeYaml(ch: string, code: number): string {
  const named: Record<string, string> = {
    "\0": "0", "\x07": "a", "\b": "b", "\t": "t", "\n": "n", "\x0b": "v", "\f": "f", "\r": "r", "\x1b": "e",
    '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P",
  };
  if (ch in named) return "\\" + named[ch];
  if (code <= 0xff) return "\\x" + code.toString(16).toUpperCase().padStart(2, "0");
  if (code <= 0xffff) return "\\u" + code.toString(16).toUpperCase().padStart(4, "0");
  return "\\U" + code.toString(16).toUpperCase().padStart(8, "0");
}

// PyYAML's Emitter.analyze_scalar, for allow_unicode=False (safe_dump's default).
function analyzeScalar(text: string) {
  const res = { empty: text === "", multiline: false, allowBlockPlain: true, allowSingleQuoted: true };
  if (!text) return { ...res, allowBlockPlain: false };
  let blockIndicators = text.startsWith("---") || text.startsWith("...");
  let lineBreaks = false, special = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
  let precededByWhitespace = true;
  const chars = Array.from(text);
  chars.forEach((ch, index) => {
    const followedByWhitespace = index + 1 >= chars.length || WHITESPACE.includes(chars[index + 1]);
    if (index === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(ch)) blockIndicators = true;
      if ((ch === "?" || ch === ":") && followedByWhitespace) blockIndicators = true;
      if (ch === "-" && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ":" && followedByWhitespace) blockIndicators = true;
      if (ch === "#" && precededByWhitespace) blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const code = ch.codePointAt(0)!;
    if (!(ch === "\n" || (code >= 0x20 && code <= 0x7e))) special = true; // allow_unicode=False
    if (ch === " ") {
      if (index === 0) leadingSpace = true;
      if (index === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = previousBreak = false;
    }
    precededByWhitespace = WHITESPACE.includes(ch);
  });
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) res.allowBlockPlain = false;
  if (breakSpace) res.allowBlockPlain = res.allowSingleQuoted = false;
  if (spaceBreak || special) res.allowBlockPlain = res.allowSingleQuoted = false;
  if (lineBreaks) res.allowBlockPlain = false;
  if (blockIndicators) res.allowBlockPlain = false;
  res.multiline = lineBreaks;
  return res;
}

// ---------------------------------------------------------------------------------------------
// Reading: block mappings and sequences, plain / quoted scalars (folded over lines), flow [] {}.

type Line = { indent: number; text: string; no: number };

/** Parses the block-style YAML found in notebook headers; YamlError names the line it stopped at. */
export function parseYaml(source: string): Json {
  const lines: Line[] = [];
  source.split("\n").forEach((raw, no) => {
    const text = raw.replace(/\s+$/, "");
    if (text.trim() === "" || /^\s*#/.test(text)) {
      lines.push({ indent: -1, text: "", no });
      return;
    }
    lines.push({ indent: text.length - text.trimStart().length, text: text.trimStart(), no });
  });
  let pos = 0;
  const skipBlank = () => {
    while (pos < lines.length && lines[pos].indent < 0) pos++;
  };
  const fail = (msg: string, l = lines[Math.min(pos, lines.length - 1)]): never => {
    throw new YamlError(`${msg} (YAML line ${(l?.no ?? 0) + 1})`);
  };

  const block = (indent: number): Json => {
    skipBlank();
    if (pos >= lines.length) return null;
    const l = lines[pos];
    if (l.text === "-" || l.text.startsWith("- ")) return sequence(l.indent);
    return mapping(l.indent);
  };
  const sequence = (indent: number): Json[] => {
    const out: Json[] = [];
    for (;;) {
      skipBlank();
      if (pos >= lines.length) return out;
      const l = lines[pos];
      if (l.indent !== indent || !(l.text === "-" || l.text.startsWith("- "))) {
        if (l.indent > indent) fail("unexpected indentation");
        return out;
      }
      const rest = l.text.slice(1).trimStart();
      if (!rest) {
        pos++;
        out.push(block(indent + 1));
        continue;
      }
      // "- key: value" opens a mapping whose keys sit two columns in
      const inner = indent + (l.text.length - rest.length);
      lines[pos] = { indent: inner, text: rest, no: l.no };
      if (rest.startsWith("- ") || rest === "-") out.push(sequence(inner));
      else if (keyOf(rest)) out.push(mapping(inner));
      else out.push(scalarAt(inner));
    }
  };
  const mapping = (indent: number): JsonObject => {
    const out: JsonObject = {};
    for (;;) {
      skipBlank();
      if (pos >= lines.length) return out;
      const l = lines[pos];
      if (l.indent < indent) return out;
      if (l.indent > indent) fail("unexpected indentation");
      const kv = keyOf(l.text);
      if (!kv) return fail(`expected 'key: value', found ${JSON.stringify(l.text)}`);
      const [key, rest] = kv;
      let value: Json;
      if (rest === "") {
        pos++;
        skipBlank();
        const next = lines[pos];
        if (next && (next.indent > indent || (next.indent === indent && (next.text === "-" || next.text.startsWith("- "))))) value = block(next.indent);
        else value = null;
      } else {
        lines[pos] = { indent, text: rest, no: l.no };
        value = scalarAt(indent, true);
      }
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
  };
  const keyOf = (text: string): [string, string] | null => {
    if (text.startsWith("'") || text.startsWith('"')) {
      const end = quotedEnd(text);
      if (end > 0 && /^:(\s|$)/.test(text.slice(end))) return [unquote(text.slice(0, end)), text.slice(end + 1).trim()];
      return null;
    }
    const m = /^([^\s#'"[\]{},][^#]*?|[^\s#'"[\]{},]):(?:\s+|$)(.*)$/.exec(text);
    return m ? [m[1].trim(), m[2]] : null;
  };
  // A scalar that starts on lines[pos] (after a key or "- ") and may continue on deeper lines.
  const scalarAt = (indent: number, afterKey = false): Json => {
    const first = lines[pos++].text;
    const cont: string[] = [];
    while (pos < lines.length && (lines[pos].indent < 0 || lines[pos].indent > (afterKey ? indent : indent - 1))) {
      cont.push(lines[pos].indent < 0 ? "" : lines[pos].text);
      pos++;
    }
    while (cont.length && cont[cont.length - 1] === "") cont.pop();
    const text = [first, ...cont];
    const head = first[0];
    if (head === '"') return unquote(foldDoubleQuoted(text));
    if (head === "'") return unquote(foldLines(text));
    if (head === "[" || head === "{") return flow(text.join(" "));
    if (head === "|" || head === ">") fail("block scalars (| and >) are not supported in notebook headers");
    return plain(foldLines(text).replace(/\s+#.*$/, ""));
  };
  const result = block(0);
  skipBlank();
  if (pos < lines.length) fail("unexpected content");
  return result;
}

// Line folding: each blank line becomes a newline; a single line break is joined by `joinBreak`.
function fold(parts: string[], joinBreak: (out: string, next: string) => string): string {
  let out = parts[0];
  let blanks = 0;
  for (const p of parts.slice(1)) {
    if (p === "") {
      blanks++;
      continue;
    }
    out = blanks ? out + "\n".repeat(blanks) + p : joinBreak(out, p);
    blanks = 0;
  }
  return out;
}

// Plain and single-quoted scalars: a single line break becomes a space.
function foldLines(parts: string[]): string {
  return fold(parts, (out, next) => `${out} ${next}`);
}

// In a double-quoted scalar a line ending in an unescaped backslash continues without a space.
function foldDoubleQuoted(parts: string[]): string {
  return fold(parts, (out, next) => (/(^|[^\\])(\\\\)*\\$/.test(out) ? out.slice(0, -1) + next : `${out} ${next}`));
}

function quotedEnd(text: string): number {
  const q = text[0];
  for (let i = 1; i < text.length; i++) {
    if (q === "'" && text[i] === "'") {
      if (text[i + 1] === "'") i++;
      else return i + 1;
    } else if (q === '"' && text[i] === "\\") i++;
    else if (q === '"' && text[i] === '"') return i + 1;
  }
  return -1;
}

function unquote(text: string): string {
  const end = quotedEnd(text);
  if (end !== text.length) throw new YamlError(`unterminated or trailing text after quoted scalar ${text.slice(0, 40)}`);
  const body = text.slice(1, -1);
  if (text[0] === "'") return body.replace(/''/g, "'");
  const named: Record<string, string> = { "0": "\0", a: "\x07", b: "\b", t: "\t", "\t": "\t", n: "\n", v: "\x0b", f: "\f", r: "\r", e: "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", N: "\x85", _: "\xa0", L: "\u2028", P: "\u2029" };
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}| (?=)|.)/g, (_, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (e in named) return named[e];
    throw new YamlError(`unknown escape \\${e} in a double-quoted scalar`);
  }).replace(/\\ /g, " ");
}

function plain(text: string): Json {
  for (const [re, make] of RESOLVERS) if (re.test(text)) return make(text);
  return text;
}

function flow(text: string): Json {
  let i = 0;
  const ws = () => {
    while (text[i] === " ") i++;
  };
  const item = (): Json => {
    ws();
    if (text[i] === "[") {
      i++;
      const out: Json[] = [];
      ws();
      if (text[i] === "]") return i++, out;
      for (;;) {
        out.push(item());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return i++, out;
        else throw new YamlError(`expected ',' or ']' in ${text}`);
      }
    }
    if (text[i] === "{") {
      i++;
      const out: JsonObject = {};
      ws();
      if (text[i] === "}") return i++, out;
      for (;;) {
        const key = String(item());
        ws();
        if (text[i++] !== ":") throw new YamlError(`expected ':' in ${text}`);
        out[key] = item();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return i++, out;
        else throw new YamlError(`expected ',' or '}' in ${text}`);
      }
    }
    if (text[i] === "'" || text[i] === '"') {
      const end = quotedEnd(text.slice(i));
      if (end < 0) throw new YamlError(`unterminated quoted scalar in ${text}`);
      const s = unquote(text.slice(i, i + end));
      i += end;
      return s;
    }
    const m = /^[^,\[\]{}:]*(?::(?! )[^,\[\]{}:]*)*/.exec(text.slice(i))!;
    i += m[0].length;
    return plain(m[0].trim());
  };
  const v = item();
  ws();
  if (i < text.length) throw new YamlError(`unexpected text after ${text.slice(0, i)}`);
  return v;
}
