// TypeScript for cells: tslab's converter with the kernel's globals declared, plus the declarations
// of earlier cells. Used by the runtime (to execute) and by the protocol process (to complete and
// inspect while a cell runs).
import * as fs from "fs";
import * as path from "path";
import { KERNEL_GLOBALS, preludeOf } from "./globals";
import { compose, decodeMappings, encodeMappings, inlineMapComment, takeInlineMap } from "./debug/sourceMap";
import { Rewritten, rewriteRelativeImports } from "./project";
import { asDeclarations, ChunkFiles, texts, type Declarations } from "./declarations";

/* eslint-disable @typescript-eslint/no-var-requires */

/** tslab's file for the cell being compiled (the first map's source): behind tslab's one-line prefix. */
const CELL_SOURCE = /(^|\/)__tslab__\.[jt]sx?$/;

/**
 * tslab turns every cell's emitted ES module into CommonJS with `ts.transpileModule`, which builds
 * and type-checks a one-file program each time: about a millisecond and a half, most of what
 * re-running an unchanged cell costs once the type-checker has cached that cell. The result
 * depends only on the input text and the options (no lib, no module resolution), so the last few
 * are kept. Installed as the `ts` tslab's modules import, before they load.
 */
function installTranspileCache(): void {
  const tslabDir = path.dirname(require.resolve("tslab/package.json"));
  const id = require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] });
  const bundled = require(id);
  if (bundled.__modelbenchTranspileCache) return;
  type Transpiled = { outputText: string; diagnostics?: unknown[]; sourceMapText?: string };
  const cache = new Map<string, Transpiled>();
  const cached = (input: string, options: any): Transpiled => {
    if (options?.transformers || options?.reportDiagnostics) return bundled.transpileModule(input, options);
    const mapped = takeInlineMap(input);
    if (mapped.mappings !== null) return withComposedMap(mapped.code, mapped.mappings, mapped.source, options);
    const key = `${options?.fileName}\0${JSON.stringify(options?.compilerOptions ?? {})}\0${options?.moduleName ?? ""}\0${input}`;
    let result: Transpiled | undefined = cache.get(key);
    if (result) {
      cache.delete(key); // most recently used last
    } else {
      result = bundled.transpileModule(input, options);
    }
    cache.set(key, result!);
    if (cache.size > 32) cache.delete(cache.keys().next().value!);
    return { ...result! };
  };
  /** The second compile of a cell or of a local module it imports (ES module → CommonJS) with a
   * map, composed with the first's (TypeScript → ES module) into one map from the code that runs to
   * the source, appended inline and naming the first map's source. */
  const withComposedMap = (code: string, firstMappings: string, source: string | null, options: any): Transpiled => {
    const result: Transpiled = cached(code, { ...options, compilerOptions: { ...options?.compilerOptions, sourceMap: true } });
    if (!result.sourceMapText) return result;
    const outer = decodeMappings(String(JSON.parse(result.sourceMapText).mappings ?? ""));
    // tslab compiles the cell behind a one-line prefix (`export {};`): its line 1 is the cell's
    // line 0. A module is read from its file as it is.
    const shift = source !== null && CELL_SOURCE.test(source) ? -1 : 0;
    const mappings = encodeMappings(compose(outer, decodeMappings(firstMappings), shift));
    const text = String(result.outputText).replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, "");
    return { ...result, outputText: `${text}\n${inlineMapComment(mappings, source ?? undefined)}`, sourceMapText: undefined };
  };
  // tslab sets no `types`, so every package under node_modules/@types joins the cells' globals:
  // tfjs's @types/seedrandom adds `Math.seedrandom`, which completion then offers on `Math.` and
  // which does not exist at run time. Only Node's are global, as in the project's tsconfig; an
  // `import` still finds any @types package.
  const watchHost = (rootFiles: unknown, options: Record<string, unknown>, ...rest: unknown[]) => {
    const maps = creatingMaps ?? { cells: false };
    const chunks = creatingChunks;
    const compilerOptions = { types: ["node"], ...options };
    // The emitter reads the option as it emits each file: a cell's emit has a map only while
    // `maps.cells` is on, a local module's always (see SourceMaps; withComposedMap composes them).
    let emittingCell = false;
    Object.defineProperty(compilerOptions, "inlineSourceMap", { enumerable: true, get: () => maps.cells || !emittingCell });
    const host = bundled.createWatchCompilerHost(rootFiles, compilerOptions, ...rest);
    // tslab keeps each new program through afterProgramCreate: its emit is wrapped to say whose it is.
    let keep: ((builder: any) => void) | undefined;
    Object.defineProperty(host, "afterProgramCreate", {
      get: () => (builder: any) => {
        chunks?.link(builder.getProgram());
        const emit = builder.emit;
        builder.emit = (file: any, writeFile: unknown, token: unknown, onlyDts: unknown, transformers: any) => {
          emittingCell = CELL_SOURCE.test(String(file?.fileName ?? ""));
          if (emittingCell && chunks) {
            const rewrite = chunks.exportsRewrite(builder.getProgram().getTypeChecker());
            transformers = { ...transformers, after: [rewrite, ...(transformers?.after ?? [])] };
          }
          try {
            return emit(file, writeFile, token, onlyDts, transformers);
          } finally {
            emittingCell = false;
          }
        };
        keep?.(builder);
      },
      set: (f: (builder: any) => void) => {
        keep = f;
      },
    });
    return host;
  };
  const wrapper: Record<string, unknown> = {};
  for (const k of Object.keys(bundled)) {
    const own = k === "transpileModule" ? cached : k === "createWatchCompilerHost" ? watchHost : null;
    // `sys` records the project's watched files (see refreshWatchedSources), and while a converter
    // is created its current directory is the project's (see createConverter).
    const get = k === "sys" ? () => sysOverride ?? watchingSys(bundled) : () => bundled[k];
    Object.defineProperty(wrapper, k, own ? { enumerable: true, value: own } : { enumerable: true, get });
  }
  Object.defineProperty(wrapper, "__modelbenchTranspileCache", { value: true });
  require.cache[id]!.exports = wrapper;
}
/**
 * Which of a converter's emits carry a source map, for the debugger: its cells' only while `cells`
 * is on (the runtime turns it on while a debugger is attached: a map costs each cell time), its
 * local modules' always (tslab emits a module once, until its file changes, so one imported before
 * the debugger attached can still be debugged).
 */
export interface SourceMaps {
  cells: boolean;
}

/** The switch of the converter being created: tslab creates its watch host during that call. */
let creatingMaps: SourceMaps | null = null;
/** The declaration chunks of the converter being created, linked into each of its programs. */
let creatingChunks: ChunkFiles | null = null;
/** The `ts.sys` tslab sees while it creates a converter: it takes its root from getCurrentDirectory(). */
let sysOverride: unknown = null;

/** The project's files the cells' programs watch (not node_modules, not declaration files), with
 * the modification time last reported. */
const watchedSources = new Map<string, { mtimeMs: number; callbacks: Set<(file: string, kind: number) => void> }>();
let watching: unknown = null;

/** ts.sys, with watchFile recording the project's files it is asked to watch. */
function watchingSys(bundled: any): unknown {
  return (watching ??= Object.create(bundled.sys, {
    watchFile: {
      writable: true,
      value: (file: string, cb: (f: string, kind: number) => void, ...rest: unknown[]) => {
        const watcher = bundled.sys.watchFile(file, cb, ...rest);
        // Declaration files (TypeScript's libs, packages, a built library) change with an install or a build, not an edit.
        if (/[\\/]node_modules[\\/]|\.d\.[cm]?ts$/.test(file) || ChunkFiles.PATTERN.test(file)) return watcher;
        let entry = watchedSources.get(file);
        if (!entry) watchedSources.set(file, (entry = { mtimeMs: mtimeOf(file), callbacks: new Set() }));
        entry.callbacks.add(cb);
        return {
          close: () => {
            watcher.close();
            entry!.callbacks.delete(cb);
            if (!entry!.callbacks.size) watchedSources.delete(file);
          },
        };
      },
    },
  }));
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * Reports edits of watched project files now. TypeScript's own watchers report them only when the
 * event loop turns, so a module saved a moment before a cell (or by the cell before, without a turn
 * in between) would otherwise be compiled from its old text.
 */
export function refreshWatchedSources(): void {
  for (const [file, entry] of watchedSources) {
    const mtimeMs = mtimeOf(file);
    if (mtimeMs === entry.mtimeMs) continue;
    entry.mtimeMs = mtimeMs;
    for (const cb of [...entry.callbacks]) cb(file, mtimeMs < 0 ? 2 /* Deleted */ : 1 /* Changed */);
  }
}

/** tslab's converter, loaded on first use with the transpile cache in front of its TypeScript
 * (so importing this module changes nothing until a converter is wanted). */
let tslabModule: any = null;
function tslab(): any {
  if (!tslabModule) {
    installTranspileCache();
    tslabModule = require("tslab/dist/converter");
  }
  return tslabModule;
}

export interface Diagnostic {
  start: { line: number; character: number };
  messageText: string;
  code: number;
  /** The imported module it is in (absolute); absent for the cell's own. */
  fileName?: string;
}

export interface ConvertResult {
  output?: string;
  declOutput?: string;
  diagnostics: Diagnostic[];
  lastExpressionVar?: string;
  hasToplevelAwait?: boolean;
  /** Local modules the cell imports, compiled to CommonJS (each once, again when its file changes). */
  sideOutputs?: Array<{ path: string; data: string }>;
}

/** Earlier cells' declarations: a string is a tail alone (kernel/declarations.ts). */
export type Prev = string | Declarations;

export interface Converter {
  convert(prev: Prev, src: string): ConvertResult;
  inspect(prev: Prev, src: string, position: number): any;
  complete(prev: Prev, src: string, position: number): { start: number; end: number; candidates: string[] };
  addModule(name: string, content: string, meta?: unknown): Diagnostic[];
  close(): void;
}

/** Globals every cell sees (kernel/globals.ts), declared before the previous cells' declarations. */
export const PRELUDE = preludeOf(KERNEL_GLOBALS);

export function isCompleteCode(code: string): { completed: boolean; indent?: string } {
  return tslab().isCompleteCode(code);
}

export interface ConverterOptions {
  /** The project folder (kernel/project.ts): the program's root, from which cells import anywhere in it. */
  root?: string;
  /** The notebook's folder, which the relative imports of cells are written from. */
  cellDir?: string;
  /** Which emits carry source maps, for the debugger (the runtime flips `cells` as one attaches). */
  maps?: SourceMaps;
}

/** A converter whose every call sees PRELUDE before the previous cells' declarations. */
export function createConverter(options: ConverterOptions = {}): Converter {
  const t = tslab();
  const { root, cellDir = root, maps = { cells: false } } = options;
  let real: Converter;
  if (root) {
    // tslab's own `ts` (the transpile cache's wrapper), whose sys already records watched files.
    const sys = require(require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(require.resolve("tslab/package.json"))] })).sys;
    sysOverride = Object.create(sys, {
      getCurrentDirectory: { value: () => root, writable: true, configurable: true },
    });
  }
  creatingMaps = maps;
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(require.resolve("tslab/package.json"))] }));
  const chunks = (creatingChunks = new ChunkFiles(root ?? process.cwd(), ts));
  try {
    real = t.createConverter({ isJS: false, isBrowser: false });
  } finally {
    sysOverride = null;
    creatingMaps = null;
    creatingChunks = null;
  }
  const rewrite = (src: string) => (root && cellDir ? rewriteRelativeImports(src, cellDir, root) : new Rewritten(src, src));
  /** The tail, after the chunks are files of the program. */
  const tailOf = (prev: Prev) => {
    const d = asDeclarations(prev);
    chunks.sync(d.chunks, (name, content) => real.addModule(name, content));
    return PRELUDE + d.tail;
  };
  return {
    convert: (prev, src) => {
      refreshWatchedSources();
      const r = rewrite(expandShorthands(src, texts(asDeclarations(prev))));
      const out = real.convert(tailOf(prev), r.code);
      // A diagnostic in an imported module names its file (relative to the root): made absolute.
      const fix = (d: Diagnostic) => (d.fileName ? { ...d, fileName: path.resolve(root ?? process.cwd(), d.fileName) } : r.changed ? r.diagnostic(d) : d);
      return out.diagnostics.length ? { ...out, diagnostics: out.diagnostics.map(fix) } : out;
    },
    inspect: (prev, src, pos) => {
      refreshWatchedSources();
      const r = rewrite(src);
      return real.inspect(tailOf(prev), r.code, r.toNew(pos));
    },
    complete: (prev, src, pos) => {
      refreshWatchedSources();
      const r = rewrite(src);
      const c = real.complete(tailOf(prev), r.code, r.toNew(pos));
      return r.changed ? { ...c, start: r.toOld(c.start), end: r.toOld(c.end) } : c;
    },
    addModule: (name, content, meta) => real.addModule(name, content, meta),
    close: () => real.close(),
  };
}

/**
 * `{ q }` → `{ q: q }` where `q` may be an earlier cell's variable. tslab rewrites a reference to an
 * earlier cell's variable as `exports.q`, but not in a shorthand property (it asks the checker for
 * the property's symbol, not the value's), so `({ q })` threw "q is not defined". The expansion means
 * the same in every position a shorthand can take (literals, destructuring assignments, defaults);
 * it shifts the columns after it on its line, so only names earlier cells declared are expanded.
 */
export function expandShorthands(src: string, prev: string | readonly string[]): string {
  const pieces = typeof prev === "string" ? [prev] : prev;
  if (!pieces.some(Boolean) || !/[{,]\s*[A-Za-z_$][\w$]*\s*[,}=]/.test(src)) return src;
  const ts = require("@tslab/typescript-for-tslab");
  const sf = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const at: Array<{ end: number; name: string }> = [];
  const known = new Map<string, boolean>();
  const declaredBefore = (name: string) => {
    let k = known.get(name);
    if (k === undefined) {
      const re = new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, "\\$")}([^\\w$]|$)`);
      known.set(name, (k = pieces.some((p) => re.test(p))));
    }
    return k;
  };
  const visit = (node: any) => {
    if (ts.isShorthandPropertyAssignment(node) && declaredBefore(node.name.text)) at.push({ end: node.name.end, name: node.name.text });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (!at.length) return src;
  let out = "";
  let from = 0;
  for (const { end, name } of at.sort((a, b) => a.end - b.end)) {
    out += src.slice(from, end) + `: ${name}`;
    from = end;
  }
  return out + src.slice(from);
}

/** Text of a TypeScript QuickInfo: signature then documentation. */
export function quickInfoText(info: any): string | null {
  if (!info) return null;
  const sig = (info.displayParts ?? []).map((p: any) => p.text).join("");
  const doc = (info.documentation ?? []).map((p: any) => p.text).join("");
  const tags = (info.tags ?? [])
    .map((t: any) => `@${t.name} ${(t.text ?? []).map((p: any) => p.text).join("")}`.trim())
    .join("\n");
  return [sig, doc, tags].filter(Boolean).join("\n\n") || null;
}

/** Blanks out magic and `!cmd` lines (keeping offsets) so TypeScript sees only the code of a cell. */
export function maskMagics(code: string): string {
  return code
    .split("\n")
    .map((line, i) => (/^\s*(%|!(?!=))/.test(line) || (i === 0 && /^\?/.test(line)) ? " ".repeat(line.length) : line))
    .join("\n");
}

/** is_complete: incomplete (with the indent for the next line), invalid (a syntax error), or complete. */
export function completeness(code: string): { status: "complete" | "incomplete" | "invalid"; indent?: string } {
  if (/^\s*(%|!(?!=))/.test(code) && !code.includes("\n")) return { status: "complete" };
  const r = isCompleteCode(maskMagics(code));
  if (!r.completed) return { status: "incomplete", indent: r.indent ?? "" };
  const ts = require("@tslab/typescript-for-tslab");
  const sf = ts.createSourceFile("cell.ts", maskMagics(code), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return sf.parseDiagnostics?.length ? { status: "invalid" } : { status: "complete" };
}

/** Jupyter counts cursor positions in code points; JavaScript strings index UTF-16 units. */
export function codePointToIndex(text: string, cp: number): number {
  let i = 0;
  for (let n = 0; n < cp && i < text.length; n++) i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  return i;
}

export function indexToCodePoint(text: string, index: number): number {
  return Array.from(text.slice(0, index)).length;
}
