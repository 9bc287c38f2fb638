// The filter language of %runs: `metrics.f1_macro > 0.6 and params.C < 10 and tags contains lr`.
// Fields: metrics.<key>[.min|.max|.last|.best|.count], params.<key>, tags, status, name, id, project,
// duration (seconds), started (ISO date). Operators: = != < <= > >= ~ (substring) contains.
import { TrackingError } from "./errors";
import type { RunSummary } from "./types";

export class QueryError extends TrackingError {
  constructor(message: string) {
    super(`${message}; a filter looks like: metrics.f1_macro > 0.6 and params.C < 10`);
    this.name = "QueryError";
  }
}

type Token = { t: "word" | "str" | "op" | "(" | ")"; v: string; pos: number };

function lex(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\()|(\))|(>=|<=|!=|==|=|<|>|~)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s()<>=!~"']+))/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < src.length) {
    const pos = re.lastIndex;
    if (/^\s*$/.test(src.slice(pos))) break;
    m = re.exec(src);
    if (!m) throw new QueryError(`cannot read the filter at '${src.slice(pos).trim()}'`);
    if (m[1]) out.push({ t: "(", v: "(", pos });
    else if (m[2]) out.push({ t: ")", v: ")", pos });
    else if (m[3]) out.push({ t: "op", v: m[3] === "==" ? "=" : m[3], pos });
    else if (m[4] !== undefined || m[5] !== undefined) out.push({ t: "str", v: (m[4] ?? m[5]).replace(/\\(.)/g, "$1"), pos });
    else out.push({ t: "word", v: m[6], pos });
  }
  return out;
}

/** A comparison the store can check itself (a superset pre-filter; the predicate still decides). */
export interface Narrowing {
  kind: "metric" | "param";
  key: string;
  agg: "last" | "min" | "max" | "count";
  op: "<" | "<=" | ">" | ">=" | "=";
  value: number;
}

export type Predicate = ((run: RunSummary) => boolean) & { fields: string[]; narrowing: Narrowing[] };

/** A field's value for a run; undefined when the run does not have it. */
export function fieldValue(run: RunSummary, field: string): unknown {
  const [head, ...rest] = field.split(".");
  switch (head) {
    case "metrics":
    case "metric": {
      const parts = rest;
      let agg: "last" | "min" | "max" | "count" | "best" = "last";
      const lastPart = parts[parts.length - 1];
      let key = parts.join(".");
      if (parts.length > 1 && ["last", "min", "max", "count", "best"].includes(lastPart) && !(key in run.metrics)) {
        agg = lastPart as typeof agg;
        key = parts.slice(0, -1).join(".");
      }
      return run.metrics[key]?.[agg];
    }
    case "params":
    case "param":
      return run.params[rest.join(".")];
    case "tags":
      return run.tags;
    case "duration":
      return run.durationMs === null ? undefined : run.durationMs / 1000;
    case "started":
      return new Date(run.startedAt).toISOString();
    case "status":
    case "name":
    case "id":
    case "project":
      return (run as any)[head];
    case "parent":
      return run.parentId;
    default:
      throw new QueryError(`unknown field '${field}' (use metrics.NAME, params.NAME, tags, status, name, id, project, duration, started)`);
  }
}

function compare(a: unknown, op: string, b: string | number): boolean {
  if (a === undefined || a === null) return op === "!=";
  if (op === "contains" || op === "~") {
    if (Array.isArray(a)) return a.map(String).some((x) => (op === "~" ? x.includes(String(b)) : x === String(b)));
    return String(a).includes(String(b));
  }
  if (Array.isArray(a)) return op === "=" ? a.map(String).includes(String(b)) : op === "!=" ? !a.map(String).includes(String(b)) : false;
  const an = typeof a === "number" ? a : typeof a === "string" && a.trim() !== "" && !isNaN(Number(a)) ? Number(a) : null;
  const bn = typeof b === "number" ? b : null;
  if (an !== null && bn !== null) return holds(op, an, bn);
  return holds(op, typeof a === "object" ? JSON.stringify(a) : String(a), String(b));
}

/** The comparison `x op y` for two numbers (NaN compares false) or two strings. */
function holds<T extends number | string>(op: string, x: T, y: T): boolean {
  switch (op) {
    case "=": return x === y;
    case "!=": return x !== y;
    case "<": return x < y;
    case "<=": return x <= y;
    case ">": return x > y;
    case ">=": return x >= y;
  }
  return false;
}

/** Parses a filter into a predicate over run summaries. */
export function parseFilter(src: string): Predicate {
  const toks = lex(src);
  let i = 0;
  const peek = () => toks[i];
  const isWord = (w: string) => peek()?.t === "word" && peek().v.toLowerCase() === w;

  type P = (run: RunSummary) => boolean;
  function expr(): P {
    let left = andExpr();
    while (isWord("or")) {
      onlyAnds = false;
      i++;
      const l = left, r = andExpr();
      left = (x) => l(x) || r(x);
    }
    return left;
  }
  function andExpr(): P {
    let left = unary();
    while (isWord("and")) {
      i++;
      const l = left, r = unary();
      left = (x) => l(x) && r(x);
    }
    return left;
  }
  function unary(): P {
    if (isWord("not")) {
      const outer = onlyAnds;
      onlyAnds = false;
      i++;
      const p = unary();
      onlyAnds = outer;
      return (x) => !p(x);
    }
    if (peek()?.t === "(") {
      i++;
      const p = expr();
      if (peek()?.t !== ")") throw new QueryError("a '(' is not closed");
      i++;
      return p;
    }
    return comparison();
  }
  const fields = new Set<string>();
  /** Comparisons reached through `and` only: every run that passes must pass each of them. */
  const narrowing: Narrowing[] = [];
  let onlyAnds = true;
  function comparison(): (run: RunSummary) => boolean {
    const f = peek();
    if (!f || f.t !== "word") throw new QueryError(f ? `expected a field at '${f.v}'` : "the filter ends too early");
    i++;
    const field = f.v;
    fields.add(field);
    fieldValue({ metrics: {}, params: {}, tags: [] } as any, field); // validates the field name now
    const o = peek();
    let op: string;
    if (o?.t === "op") op = o.v;
    else if (o?.t === "word" && o.v.toLowerCase() === "contains") op = "contains";
    else if (!o || (o.t === "word" && ["and", "or"].includes(o.v.toLowerCase())) || o.t === ")") {
      return (x) => { const v = fieldValue(x, field); return v !== undefined && v !== null && v !== false; };
    } else throw new QueryError(`expected an operator (= != < <= > >= ~ contains) after '${field}'`);
    i++;
    const v = peek();
    if (!v || (v.t !== "word" && v.t !== "str")) throw new QueryError(`expected a value after '${field} ${op}'`);
    i++;
    const value: string | number = v.t === "word" && v.v !== "" && !isNaN(Number(v.v)) ? Number(v.v) : v.v;
    const n = narrowable(field, op, value);
    if (n && onlyAnds) narrowing.push(n);
    return (x) => compare(fieldValue(x, field), op, value);
  }

  if (!toks.length) return Object.assign(() => true, { fields: [], narrowing: [] });
  // An `or` anywhere at the top level means no single comparison is required.
  const p = expr();
  if (i < toks.length) throw new QueryError(`unexpected '${toks[i].v}'`);
  return Object.assign(p, { fields: [...fields], narrowing: onlyAnds ? narrowing : [] });
}

/** Numeric comparisons on metric summaries and params that a store can pre-check. */
function narrowable(field: string, op: string, value: string | number): Narrowing | null {
  if (typeof value !== "number" || !["<", "<=", ">", ">=", "="].includes(op)) return null;
  const [head, ...rest] = field.split(".");
  if ((head === "params" || head === "param") && rest.length) return { kind: "param", key: rest.join("."), agg: "last", op: op as Narrowing["op"], value };
  if (head !== "metrics" && head !== "metric") return null;
  const last = rest[rest.length - 1];
  // `.best` depends on goals guessed in code: left to the predicate.
  if (rest.length > 1 && last === "best") return null;
  if (rest.length > 1 && ["last", "min", "max", "count"].includes(last)) {
    // `metrics.a.min` may also be a metric literally named "a.min": not narrowable without knowing.
    return null;
  }
  return { kind: "metric", key: rest.join("."), agg: "last", op: op as Narrowing["op"], value };
}

/** The metric and param keys a set of fields reads (`metrics.f1.best` may name key f1 or f1.best). */
export function keysOf(fields: string[]): { metrics: string[]; params: string[] } {
  const metrics = new Set<string>(), params = new Set<string>();
  for (const f of fields) {
    const [head, ...rest] = f.split(".");
    if (head === "metrics" || head === "metric") {
      metrics.add(rest.join("."));
      if (rest.length > 1) metrics.add(rest.slice(0, -1).join("."));
    } else if (head === "params" || head === "param") params.add(rest.join("."));
  }
  return { metrics: [...metrics], params: [...params] };
}

/** The field of a sort spec and its direction. */
export function sortField(spec: string): { field: string; desc: boolean } {
  let s = spec.trim();
  let desc = false;
  if (s.startsWith("-")) {
    desc = true;
    s = s.slice(1);
  }
  const m = /^(\S+)\s+(asc|desc)$/i.exec(s);
  if (m) {
    s = m[1];
    desc = m[2].toLowerCase() === "desc";
  }
  return { field: s, desc };
}

/** Sorts by a field: `metrics.f1` ascending, `-metrics.f1` or `metrics.f1 desc` descending; missing values last. */
export function sortRuns(runs: RunSummary[], spec: string): RunSummary[] {
  const { field, desc } = sortField(spec);
  fieldValue({ metrics: {}, params: {}, tags: [] } as any, field);
  // Keys computed once, not on every comparison.
  const keyed = runs.map((run) => {
    const v = fieldValue(run, field);
    return { run, v, missing: v === undefined || v === null || Number.isNaN(v) };
  });
  keyed.sort((a, b) => {
    if (a.missing || b.missing) return a.missing === b.missing ? 0 : a.missing ? 1 : -1;
    const c = typeof a.v === "number" && typeof b.v === "number" ? a.v - b.v : String(a.v).localeCompare(String(b.v));
    return desc ? -c : c;
  });
  return keyed.map((k) => k.run);
}
