// The project a notebook belongs to: the nearest folder at or above it with a package.json or a
// jupytext.toml. Cells are compiled as files of that folder, so they import the project's modules
// from anywhere in it (`../src/features` from notebooks/); their relative imports are rewritten
// from the notebook's folder to the project's.
import * as fs from "fs";
import * as path from "path";

const MARKERS = ["package.json", "jupytext.toml"];

/** The project folder of `dir`: the nearest one at or above it with a marker file, else `dir` itself. */
export function projectRoot(dir: string): string {
  const start = path.resolve(dir);
  for (let d = start; ; d = path.dirname(d)) {
    if (MARKERS.some((m) => fs.existsSync(path.join(d, m)))) return d;
    if (path.dirname(d) === d) return start;
  }
}

/** A cell with its relative imports rewritten, and how to map positions and messages back. */
export class Rewritten {
  constructor(
    readonly original: string,
    readonly code: string,
    /** Replaced spans of the original (start/end inside the quotes), in order. */
    private readonly spans: Array<{ start: number; end: number; from: string; to: string }> = [],
  ) {}

  get changed(): boolean {
    return this.spans.length > 0;
  }

  /** An offset of the original in the rewritten code. */
  toNew(offset: number): number {
    let shift = 0;
    for (const s of this.spans) {
      if (s.end <= offset) shift += s.to.length - s.from.length;
      else if (s.start < offset) return s.start + shift + Math.min(offset - s.start, s.to.length);
    }
    return offset + shift;
  }

  /** An offset of the rewritten code in the original. */
  toOld(offset: number): number {
    let shift = 0;
    for (const s of this.spans) {
      const newStart = s.start + shift;
      const newEnd = newStart + s.to.length;
      if (newEnd <= offset) shift += s.to.length - s.from.length;
      else if (newStart < offset) return s.start + Math.min(offset - newStart, s.from.length);
    }
    return offset - shift;
  }

  /** A diagnostic of the rewritten code as the cell wrote it: its column and the module names in its message. */
  diagnostic<D extends { start: { line: number; character: number }; messageText: string }>(d: D): D {
    const lines = this.code.split("\n");
    let offset = d.start.character;
    for (let i = 0; i < d.start.line && i < lines.length; i++) offset += lines[i].length + 1;
    const old = this.toOld(offset);
    const before = this.original.slice(0, old);
    const line = (before.match(/\n/g) ?? []).length;
    const character = old - (before.lastIndexOf("\n") + 1);
    let messageText = d.messageText;
    for (const s of this.spans) messageText = messageText.split(`'${s.to}'`).join(`'${s.from}'`).split(`"${s.to}"`).join(`"${s.from}"`);
    return { ...d, start: { ...d.start, line, character }, messageText };
  }
}

/**
 * Rewrites the relative module specifiers of a cell (import, export … from, import(), require(),
 * import x = require(), import types) from `cellDir` to `root`: `../src/features` from
 * root/notebooks becomes `./src/features`. Other text is untouched.
 */
export function rewriteRelativeImports(src: string, cellDir: string, root: string): Rewritten {
  if (path.resolve(cellDir) === path.resolve(root) || !/['"`]\.\.?\//.test(src)) return new Rewritten(src, src);
  const ts = require("@tslab/typescript-for-tslab");
  const sf = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const spans: Array<{ start: number; end: number; to: string; from: string }> = [];
  const take = (lit: any) => {
    if (!lit || !ts.isStringLiteralLike(lit) || !/^\.\.?\//.test(lit.text)) return;
    let to = path.relative(root, path.resolve(cellDir, lit.text)).split(path.sep).join("/");
    if (!to.startsWith("../")) to = "./" + to;
    if (lit.text.endsWith("/") && !to.endsWith("/")) to += "/";
    spans.push({ start: lit.getStart(sf) + 1, end: lit.end - 1, to, from: src.slice(lit.getStart(sf) + 1, lit.end - 1) });
  };
  const visit = (node: any) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) take(node.moduleSpecifier);
    else if (ts.isExternalModuleReference(node)) take(node.expression);
    else if (ts.isImportTypeNode(node)) take(node.argument?.literal);
    else if (ts.isCallExpression(node) && node.arguments.length >= 1 && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
      take(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  spans.sort((a, b) => a.start - b.start);
  let out = "";
  let from = 0;
  for (const r of spans) {
    out += src.slice(from, r.start) + r.to;
    from = r.end;
  }
  return new Rewritten(src, out + src.slice(from), spans);
}
