// Source maps of compiled cells: tslab compiles a cell twice (TypeScript → ES module → CommonJS), so
// the two maps are composed into one from the code that runs to the cell's own lines. Lines and
// columns are 0-based here; the debug adapter converts to the protocol's 1-based lines.

/** One mapping: a generated position and the source position it came from. */
export interface Mapping {
  genLine: number;
  genCol: number;
  srcLine: number;
  srcCol: number;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = B64_VALUE.get(c);
    if (digit === undefined) throw new Error(`bad source map character '${c}'`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeVlq(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = "";
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v) digit |= 32;
    out += B64[digit];
  } while (v);
  return out;
}

/** The mappings of a v3 source map's `mappings` field (single source), sorted by generated position. */
export function decodeMappings(mappings: string): Mapping[] {
  const out: Mapping[] = [];
  let srcLine = 0, srcCol = 0;
  mappings.split(";").forEach((line, genLine) => {
    let genCol = 0;
    for (const seg of line.split(",")) {
      if (!seg) continue;
      const v = decodeVlq(seg);
      genCol += v[0];
      if (v.length < 4) continue; // a position with no source
      srcLine += v[2];
      srcCol += v[3];
      out.push({ genLine, genCol, srcLine, srcCol });
    }
  });
  return out;
}

export function encodeMappings(list: Mapping[]): string {
  const lines: string[] = [];
  let srcLine = 0, srcCol = 0, genLine = -1, genCol = 0;
  for (const m of [...list].sort((a, b) => a.genLine - b.genLine || a.genCol - b.genCol)) {
    if (m.genLine !== genLine) {
      while (lines.length <= m.genLine) lines.push("");
      genLine = m.genLine;
      genCol = 0;
    }
    const seg = encodeVlq(m.genCol - genCol) + encodeVlq(0) + encodeVlq(m.srcLine - srcLine) + encodeVlq(m.srcCol - srcCol);
    lines[genLine] += (lines[genLine] ? "," : "") + seg;
    genCol = m.genCol;
    srcLine = m.srcLine;
    srcCol = m.srcCol;
  }
  return lines.join(";");
}

/** The last mapping at or before a generated position (on its line, else the line's first). */
function lookup(sorted: Mapping[], line: number, col: number): Mapping | undefined {
  let best: Mapping | undefined;
  let first: Mapping | undefined;
  for (const m of sorted) {
    if (m.genLine < line) continue;
    if (m.genLine > line) break;
    first ??= m;
    if (m.genCol <= col) best = m;
  }
  return best ?? first;
}

/**
 * `outer` maps C → B and `inner` maps B → A: the result maps C → A, with `inner`'s source lines
 * shifted by `lineShift` (tslab compiles a cell behind a one-line prefix) and positions that fall
 * before the shifted start dropped.
 */
export function compose(outer: Mapping[], inner: Mapping[], lineShift = 0): Mapping[] {
  const sortedInner = [...inner].sort((a, b) => a.genLine - b.genLine || a.genCol - b.genCol);
  const out: Mapping[] = [];
  for (const m of outer) {
    const i = lookup(sortedInner, m.srcLine, m.srcCol);
    if (!i || i.srcLine + lineShift < 0) continue;
    out.push({ genLine: m.genLine, genCol: m.genCol, srcLine: i.srcLine + lineShift, srcCol: i.srcCol });
  }
  return out;
}

const INLINE = /\n?\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;

/** Splits code from its inline source map comment (mappings null when it has none), with the
 * map's source file as the map names it. */
export function takeInlineMap(code: string): { code: string; mappings: string | null; source: string | null } {
  const m = INLINE.exec(code);
  if (!m) return { code, mappings: null, source: null };
  const map = JSON.parse(Buffer.from(m[1], "base64").toString("utf8"));
  return { code: code.slice(0, m.index), mappings: String(map.mappings ?? ""), source: typeof map.sources?.[0] === "string" ? map.sources[0] : null };
}

export function inlineMapComment(mappings: string, source = "cell.ts"): string {
  const json = JSON.stringify({ version: 3, sources: [source], names: [], mappings });
  return `//# sourceMappingURL=data:application/json;base64,${Buffer.from(json).toString("base64")}`;
}

/** A compiled cell's map, asked both ways: generated → cell line, and cell line → generated. */
export class LineMap {
  private readonly sorted: Mapping[];

  constructor(mappings: Mapping[]) {
    this.sorted = [...mappings].sort((a, b) => a.genLine - b.genLine || a.genCol - b.genCol);
  }

  static decode(mappings: string): LineMap {
    return new LineMap(decodeMappings(mappings));
  }

  /** The source line of a generated position: the mapping at or before it on its line, else the
   * line's first; null when nothing on that line maps to the source (code the compiler added). */
  sourceLine(genLine: number, genCol: number): number | null {
    return lookup(this.sorted, genLine, genCol)?.srcLine ?? null;
  }

  /** Like sourceLine, but a line of added code takes the source line of the mapping before it. */
  nearestSourceLine(genLine: number, genCol: number): number {
    const own = this.sourceLine(genLine, genCol);
    if (own !== null) return own;
    let before: Mapping | undefined;
    for (const m of this.sorted) {
      if (m.genLine > genLine) break;
      before = m;
    }
    return before?.srcLine ?? this.sorted[0]?.srcLine ?? 0;
  }

  /** Keeps the mappings into source lines below `lineCount` (tslab adds an `export {…}` line after a cell). */
  within(lineCount: number): LineMap {
    return new LineMap(this.sorted.filter((m) => m.srcLine < lineCount));
  }

  get mappings(): Mapping[] {
    return this.sorted;
  }

  /** The first generated position of source line `srcLine`, else of the next line that has code
   * (a breakpoint on a blank line or a comment moves down, as in other debuggers). */
  generated(srcLine: number): { srcLine: number; genLine: number; genCol: number } | null {
    let best: Mapping | undefined;
    for (const m of this.sorted) {
      if (m.srcLine < srcLine) continue;
      if (!best || m.srcLine < best.srcLine || (m.srcLine === best.srcLine && (m.genLine < best.genLine || (m.genLine === best.genLine && m.genCol < best.genCol)))) best = m;
    }
    return best ? { srcLine: best.srcLine, genLine: best.genLine, genCol: best.genCol } : null;
  }
}
