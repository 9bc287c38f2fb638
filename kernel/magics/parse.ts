// Magic syntax: which lines of a cell are magics, and how their arguments parse (like a shell).
import type { MagicSpec, OptionSpec } from "./spec";

export class MagicUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Shell-like split: quotes group words, backslash escapes, nothing is expanded. */
export function tokenize(input: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < input.length) cur += input[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (ch === "\\" && i + 1 < input.length) {
      cur += input[++i];
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) out.push(cur);
      cur = "";
      inToken = false;
    } else {
      cur += ch;
      inToken = true;
    }
  }
  if (quote) throw new MagicUsageError(`unterminated ${quote} quote in magic arguments`);
  if (inToken) out.push(cur);
  return out;
}

export interface ParsedArgs {
  options: Record<string, unknown>;
  positional: string[];
  /** For magics whose tail is code (`%time expr`): everything after the options, untouched. */
  rest: string;
  help: boolean;
}

function findOption(spec: MagicSpec, token: string): OptionSpec | undefined {
  if (token.startsWith("--")) return spec.options.find((o) => o.name === token.slice(2));
  return spec.options.find((o) => o.short && o.short === token.slice(1));
}

function convert(spec: MagicSpec, opt: OptionSpec, raw: string): unknown {
  if (opt.type === "string") return raw;
  if (opt.type === "list") return raw.split(",").map((s) => s.trim()).filter(Boolean);
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || (opt.type === "int" && !Number.isInteger(n))) {
    throw new MagicUsageError(
      `--${opt.name} of %${spec.name} wants ${opt.type === "int" ? "an integer" : "a number"}, got '${raw}'; %${spec.name} --help shows usage`,
    );
  }
  if (opt.min !== undefined && n < opt.min) {
    throw new MagicUsageError(`--${opt.name} of %${spec.name} must be at least ${opt.min}, got ${n}`);
  }
  return n;
}

/** Next whitespace-delimited word of `s` from `pos`, honouring quotes; returns [token, endPos]. */
function nextWord(s: string, pos: number): [string, number] | null {
  let i = pos;
  while (i < s.length && /\s/.test(s[i])) i++;
  if (i >= s.length) return null;
  let j = i;
  let quote: string | null = null;
  while (j < s.length && (quote || !/\s/.test(s[j]))) {
    if (quote && s[j] === quote) quote = null;
    else if (!quote && (s[j] === '"' || s[j] === "'")) quote = s[j];
    j++;
  }
  return [s.slice(i, j), j];
}

export function parseArgs(spec: MagicSpec, argString: string): ParsedArgs {
  const options: Record<string, unknown> = {};
  for (const o of spec.options) if (o.default !== undefined) options[o.name] = o.default;
  const result: ParsedArgs = { options, positional: [], rest: "", help: false };
  if (/^\s*(--help|-h)\s*$/.test(argString)) return { ...result, help: true };

  if (spec.rawTail) {
    // Options come first; the first word that is not an option starts the code.
    let pos = 0;
    for (;;) {
      const w = nextWord(argString, pos);
      if (!w || !w[0].startsWith("-") || /^-\d/.test(w[0]) || w[0] === "-") break;
      const [word, end] = w;
      if (word === "--") {
        pos = end;
        break;
      }
      const [flag, inline] = splitInline(word);
      const opt = findOption(spec, flag);
      if (!opt && flag.startsWith("--")) {
        throw new MagicUsageError(`unknown option ${flag} for %${spec.name}; %${spec.name} --help shows usage`);
      }
      if (!opt) break; // e.g. `%time -x` where -x is code
      pos = end;
      if (opt.type === "boolean") options[opt.name] = true;
      else if (inline !== undefined) options[opt.name] = convert(spec, opt, inline);
      else {
        const v = nextWord(argString, pos);
        if (!v) throw new MagicUsageError(`--${opt.name} of %${spec.name} needs a value; %${spec.name} --help shows usage`);
        options[opt.name] = convert(spec, opt, tokenize(v[0])[0] ?? "");
        pos = v[1];
      }
    }
    result.rest = argString.slice(pos).trim();
    return result;
  }

  const tokens = tokenize(argString);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === "--") {
      result.positional.push(...tokens.slice(i + 1));
      break;
    }
    if (t === "--help" || t === "-h") return { ...result, help: true };
    if (t.startsWith("-") && t.length > 1 && !/^-\d/.test(t)) {
      const [flag, inline] = splitInline(t);
      const opt = findOption(spec, flag);
      if (!opt) {
        throw new MagicUsageError(`unknown option ${flag} for %${spec.name}; %${spec.name} --help shows usage`);
      }
      if (opt.type === "boolean") {
        options[opt.name] = inline === undefined ? true : !/^(false|0|no)$/i.test(inline);
      } else if (inline !== undefined) {
        options[opt.name] = convert(spec, opt, inline);
      } else {
        if (i + 1 >= tokens.length) {
          throw new MagicUsageError(`${flag} of %${spec.name} needs a value; %${spec.name} --help shows usage`);
        }
        options[opt.name] = convert(spec, opt, tokens[++i]);
      }
    } else {
      result.positional.push(t);
    }
  }
  const max = spec.positional?.some((p) => p.rest) ? Infinity : (spec.positional?.length ?? 0);
  if (result.positional.length > max) {
    throw new MagicUsageError(
      `%${spec.name} takes ${max === 0 ? "no" : `at most ${max}`} positional argument${max === 1 ? "" : "s"}, got '${result.positional.join(" ")}'; %${spec.name} --help shows usage`,
    );
  }
  const required = (spec.positional ?? []).filter((p) => p.required).length;
  if (result.positional.length < required) {
    const missing = spec.positional![result.positional.length].name;
    throw new MagicUsageError(`%${spec.name} needs <${missing}>; %${spec.name} --help shows usage`);
  }
  return result;
}

function splitInline(token: string): [string, string | undefined] {
  const eq = token.indexOf("=");
  return token.startsWith("--") && eq > 0 ? [token.slice(0, eq), token.slice(eq + 1)] : [token, undefined];
}

export type Segment =
  | { kind: "code"; code: string; line: number }
  | { kind: "magic"; name: string; args: string; line: number; /** args are passed on unparsed (`!cmd`) */ raw?: boolean };

export interface SplitCell {
  cellMagic?: { name: string; args: string; body: string };
  /** `?expr` or `expr?` alone in a cell: show help for expr. */
  pinfo?: string;
  segments: Segment[];
}

export interface SplitOptions {
  isLineMagic(name: string): boolean;
  /** True when `code` ends at a statement boundary (not inside brackets, strings or an expression). */
  isComplete(code: string): boolean;
}

const LINE_MAGIC = /^\s*%([A-Za-z_][\w]*)(?:\s+(.*))?\s*$/;
const CELL_MAGIC = /^%%([A-Za-z_][\w]*)(?:[ \t]+(.*))?$/;
/** `!cmd`: a shell command (not `!=`, which cannot start a statement anyway). */
const SHELL_LINE = /^\s*!(?!=)(.*)$/;
/** The line magic a `!cmd` line runs. */
export const SHELL_MAGIC = "sh";

/**
 * Splits a cell into code and line magics. `%` starts a magic only as a whole line at a statement
 * boundary, so `a\n  % b` (modulo on a continuation line) stays TypeScript. A line starting with `!`
 * there is a shell command, as in IPython (`(!done)` is the negation).
 */
export function splitCell(source: string, opts: SplitOptions): SplitCell {
  const firstNl = source.indexOf("\n");
  const first = firstNl < 0 ? source : source.slice(0, firstNl);
  const cm = CELL_MAGIC.exec(first.trimEnd());
  if (cm) {
    return {
      cellMagic: { name: cm[1], args: cm[2] ?? "", body: firstNl < 0 ? "" : source.slice(firstNl + 1) },
      segments: [],
    };
  }
  const trimmed = source.trim();
  if (!trimmed.includes("\n")) {
    const p = /^\?\s*(\S.*)$/.exec(trimmed) ?? /^([^?].*?)\s*\?$/.exec(trimmed);
    if (p && !/\?\?|\?\./.test(p[1]) && !(trimmed.endsWith("?") && /[?:]/.test(p[1]))) {
      return { pinfo: p[1].trim(), segments: [] };
    }
  }

  const lines = source.split("\n");
  const segments: Segment[] = [];
  let code: string[] = [];
  let codeStart = 0;
  const flush = (next: number) => {
    if (code.some((l) => l.trim() !== "")) segments.push({ kind: "code", code: code.join("\n"), line: codeStart });
    code = [];
    codeStart = next;
  };
  lines.forEach((line, i) => {
    const misplaced = /^\s*%%([A-Za-z_]\w*)/.exec(line);
    if (misplaced && atStatementBoundary(code.join("\n"), opts)) {
      throw new MagicUsageError(`%%${misplaced[1]} is a cell magic: it must be the first line of the cell (line ${i + 1} here)`);
    }
    const bang = SHELL_LINE.exec(line);
    if (bang && atStatementBoundary(code.join("\n"), opts)) {
      flush(i + 1);
      segments.push({ kind: "magic", name: SHELL_MAGIC, args: bang[1].trim(), line: i, raw: true });
      return;
    }
    const m = LINE_MAGIC.exec(line);
    if (m && atStatementBoundary(code.join("\n"), opts) && (opts.isLineMagic(m[1]) || looksLikeUnknownMagic(code))) {
      flush(i + 1);
      segments.push({ kind: "magic", name: m[1], args: (m[2] ?? "").trim(), line: i });
    } else {
      code.push(line);
    }
  });
  flush(lines.length);
  return { segments };
}

function atStatementBoundary(codeSoFar: string, opts: SplitOptions): boolean {
  return codeSoFar.trim() === "" || opts.isComplete(codeSoFar);
}

/** An unknown `%name` is reported as a bad magic only where it cannot be TypeScript's modulo. */
function looksLikeUnknownMagic(codeSoFar: string[]): boolean {
  const last = [...codeSoFar].reverse().find((l) => l.trim() !== "");
  return last === undefined || /[;{}]\s*$/.test(last) || /^\s*\/\//.test(last);
}
