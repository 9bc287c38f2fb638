// JSON as Python's json module reads and writes it, because Jupyter (nbformat) and jupytext are
// Python: byte-identical files need Python's float repr, key sort, escapes and separators.

/** A float whose value is integral (`1.0`): JS numbers cannot tell it from `1`, Python can. */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** An integer beyond 2^53, which a JS number would round; kept exact as Python keeps it. */
export class PyInt {
  constructor(readonly value: bigint) {}
  valueOf(): number {
    return Number(this.value);
  }
  toJSON(): number {
    return Number(this.value);
  }
}

export type Json = null | boolean | number | string | PyFloat | PyInt | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export class JsonSyntaxError extends Error {}

/** A JSON object (not an array, null or a number wrapper). */
export function isJsonObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof PyFloat) && !(v instanceof PyInt);
}

/** JSON.parse, except that `1.0` stays a float (PyFloat) so it is written back as `1.0`. */
export function parseJson(text: string): Json {
  let i = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, i).split("\n").length;
    throw new JsonSyntaxError(`${what} at line ${line} (offset ${i})`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  };
  const value = (): Json => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: JsonObject = {};
      ws();
      if (text[i] === "}") return i++, obj;
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a string key");
        const key = string();
        ws();
        if (text[i++] !== ":") fail("expected ':'");
        // defineProperty: a key named __proto__ is data, not a prototype change
        Object.defineProperty(obj, key, { value: value(), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return i++, obj;
        else fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const arr: Json[] = [];
      ws();
      if (text[i] === "]") return i++, arr;
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return i++, arr;
        else fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      const n = Number(m[0]);
      if (!m[1] && !m[2] && !Number.isSafeInteger(n)) return new PyInt(BigInt(m[0]));
      return (m[1] || m[2]) && Number.isInteger(n) ? new PyFloat(n) : n;
    }
    for (const [word, v] of [["true", true], ["false", false], ["null", null], ["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity]] as const) {
      if (text.startsWith(word, i)) return (i += word.length), v;
    }
    return fail(i >= text.length ? "unexpected end of file" : `unexpected character ${JSON.stringify(c)}`);
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text.charCodeAt(i) < 0x20) fail("control character in a string");
      i++;
    }
    if (i >= text.length) fail("unterminated string");
    i++;
    try {
      return JSON.parse(text.slice(start, i));
    } catch {
      return fail("bad escape in a string");
    }
  };
  const result = value();
  ws();
  if (i < text.length) fail("unexpected text after the JSON value");
  return result;
}

/** Python's repr(float): shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac || "0"}`;
}

function pyNumber(x: number | PyFloat): string {
  if (x instanceof PyFloat) return pyFloatRepr(x.value);
  return Number.isInteger(x) && Math.abs(x) < 2 ** 63 ? BigInt(x).toString() : pyFloatRepr(x);
}

/** Python's json string escaping; `ensureAscii` also escapes everything outside printable ASCII. */
export function pyString(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    const code = s.charCodeAt(k);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += "\\u" + code.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

export type DumpOptions = { indent?: number; sortKeys?: boolean; ensureAscii?: boolean };

/** json.dumps(value, indent=…, sort_keys=…, ensure_ascii=…) with Python's default separators. */
export function dumpJson(value: Json | undefined, options: DumpOptions = {}): string {
  const { indent, sortKeys = false, ensureAscii = true } = options;
  const itemSep = indent === undefined ? ", " : ",";
  const walk = (v: Json | undefined, depth: number): string => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number" || v instanceof PyFloat) return pyNumber(v);
    if (v instanceof PyInt) return v.value.toString();
    if (typeof v === "string") return pyString(v, ensureAscii);
    const open = (items: string[], o: string, c: string) => {
      if (!items.length) return o + c;
      if (indent === undefined) return o + items.join(itemSep) + c;
      const pad = "\n" + " ".repeat(indent * (depth + 1));
      return o + pad + items.join(itemSep + pad) + "\n" + " ".repeat(indent * depth) + c;
    };
    if (Array.isArray(v)) return open(v.map((x) => walk(x, depth + 1)), "[", "]");
    const keys = Object.keys(v);
    if (sortKeys) keys.sort(compareCodePoints);
    return open(keys.map((k) => `${pyString(k, ensureAscii)}: ${walk(v[k], depth + 1)}`), "{", "}");
  };
  return walk(value, 0);
}

/** Python orders str by code point; JS's default sort compares UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a), y = Array.from(b);
  for (let k = 0; k < Math.min(x.length, y.length); k++) {
    if (x[k] !== y[k]) return x[k].codePointAt(0)! - y[k].codePointAt(0)!;
  }
  return x.length - y.length;
}

/** A deep copy of JSON-shaped data (notebooks, cells, metadata) that keeps PyFloat markers. */
export function cloneJson<T>(v: T): T {
  if (v === null || typeof v !== "object" || v instanceof PyFloat || v instanceof PyInt) return v;
  if (Array.isArray(v)) return v.map((x) => cloneJson(x)) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: cloneJson((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  return out as T;
}

/** Deep equality of JSON values (PyFloat(1) equals 1.0 only as a PyFloat). */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  return dumpJson(a, { sortKeys: true }) === dumpJson(b, { sortKeys: true });
}

/** Python's str.splitlines(keepends): these are all line boundaries to Python, not just \n. */
export function pySplitLines(text: string, keepEnds = false): string[] {
  const out: string[] = [];
  const re = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let start = 0;
  for (let m; (m = re.exec(text)); ) {
    out.push(text.slice(start, keepEnds ? m.index + m[0].length : m.index));
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}
