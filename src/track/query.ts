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

export type Predicate = (run: RunSummary) => boolean;

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
  if (an !== null && bn !== null) {
    switch (op) {
      case "=": return an === bn;
      case "!=": return an !== bn;
      case "<": return an < bn;
      case "<=": return an <= bn;
      case ">": return an > bn;
      case ">=": return an >= bn;
    }
  }
  const as = typeof a === "object" ? JSON.stringify(a) : String(a);
  const bs = String(b);
  switch (op) {
    case "=": return as === bs;
    case "!=": return as !== bs;
    case "<": return as < bs;
    case "<=": return as <= bs;
    case ">": return as > bs;
    case ">=": return as >= bs;
  }
  return false;
}

/** Parses a filter into a predicate over run summaries. */
export function parseFilter(src: string): Predicate {
  const toks = lex(src);
  let i = 0;
  const peek = () => toks[i];
  const isWord = (w: string) => peek()?.t === "word" && peek().v.toLowerCase() === w;

  function expr(): Predicate {
    let left = andExpr();
    while (isWord("or")) {
      i++;
      const l = left, r = andExpr();
      left = (x) => l(x) || r(x);
    }
    return left;
  }
  function andExpr(): Predicate {
    let left = unary();
    while (isWord("and")) {
      i++;
      const l = left, r = unary();
      left = (x) => l(x) && r(x);
    }
    return left;
  }
  function unary(): Predicate {
    if (isWord("not")) {
      i++;
      const p = unary();
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
  function comparison(): Predicate {
    const f = peek();
    if (!f || f.t !== "word") throw new QueryError(f ? `expected a field at '${f.v}'` : "the filter ends too early");
    i++;
    const field = f.v;
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
    return (x) => compare(fieldValue(x, field), op, value);
  }

  if (!toks.length) return () => true;
  const p = expr();
  if (i < toks.length) throw new QueryError(`unexpected '${toks[i].v}'`);
  return p;
}

/** Sorts by a field: `metrics.f1` ascending, `-metrics.f1` or `metrics.f1 desc` descending; missing values last. */
export function sortRuns(runs: RunSummary[], spec: string): RunSummary[] {
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
  fieldValue({ metrics: {}, params: {}, tags: [] } as any, s);
  const key = (r: RunSummary) => fieldValue(r, s);
  return [...runs].sort((a, b) => {
    const x = key(a), y = key(b);
    const xm = x === undefined || x === null || Number.isNaN(x), ym = y === undefined || y === null || Number.isNaN(y);
    if (xm || ym) return xm === ym ? 0 : xm ? 1 : -1;
    const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return desc ? -c : c;
  });
}
