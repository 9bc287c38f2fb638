// TypeScript for cells: tslab's converter with the kernel's globals declared, plus the declarations
// of earlier cells. Used by the runtime (to execute) and by the protocol process (to complete and
// inspect while a cell runs).
import * as fs from "fs";
import * as path from "path";
import { KERNEL_GLOBALS, preludeOf } from "./globals";
import { compose, decodeMappings, encodeMappings, inlineMapComment, takeInlineMap } from "./debug/sourceMap";
import { Rewritten, rewriteRelativeImports } from "./project";
import { requireWithCodeCache } from "./compileCache";
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
  const bundled = requireWithCodeCache(id) as any;
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
    const maps = creating?.maps ?? { cells: false };
    const docs = creating?.docs ?? true;
    const chunks = creating?.chunks ?? null;
    const compilerOptions = { types: ["node"], ...options };
    // The emitter reads the option as it emits each file: a cell's emit has a map only while
    // `maps.cells` is on, a local module's always (see SourceMaps; withComposedMap composes them).
    let emittingCell = false;
    Object.defineProperty(compilerOptions, "inlineSourceMap", { enumerable: true, get: () => maps.cells || !emittingCell });
    const [system, createProgram, ...others] = rest;
    const host = bundled.createWatchCompilerHost(rootFiles, compilerOptions, system, createProgram ?? plainBuilder(bundled), ...others);
    if (!docs) {
      const readFile = host.readFile;
      host.readFile = (file: string, encoding?: string) => {
        const text = readFile.call(host, file, encoding);
        return typeof text === "string" && /\.d\.[cm]?ts$/.test(file) ? dropDocComments(text) : text;
      };
    }
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
 * What tslab's watch program builds each cell's program with, in place of TypeScript's default
 * `EmitAndSemanticDiagnosticsBuilderProgram`: the program itself, with the four things tslab asks of
 * a builder. TypeScript's builder computes, for every new program, a hash and the references of
 * each of its ~200 files (half of a new cell's compile, measured: `getReferencedFiles`, its state's
 * `create`), to know which files a change affects; tslab only asks it which files one cell
 * depends on, which the cell's own resolved imports answer.
 */
function plainBuilder(ts: any) {
  return (rootNames: readonly string[], options: unknown, host: unknown, old: any, configFileParsingDiagnostics: unknown, projectReferences: unknown) => {
    const program = ts.createProgram({ rootNames, options, host, oldProgram: old?.getProgramOrUndefined(), configFileParsingDiagnostics, projectReferences });
    return {
      getProgram: () => program,
      getProgramOrUndefined: () => program,
      releaseProgram: () => {},
      getCompilerOptions: () => program.getCompilerOptions(),
      // Bound on the way out: tslab reads a cell's `locals` (what it declares) before it asks for
      // diagnostics, and TypeScript's builder had bound every file by then. The checker skips a
      // file already bound.
      getSourceFile: (file: string) => {
        const sf = program.getSourceFile(file);
        if (sf && !sf.locals) ts.bindSourceFile(sf, program.getCompilerOptions());
        return sf;
      },
      getSourceFiles: () => program.getSourceFiles(),
      getCurrentDirectory: () => program.getCurrentDirectory(),
      emit: (file: unknown, writeFile: unknown, cancel: unknown, onlyDts: unknown, transformers: unknown) => program.emit(file, writeFile, cancel, onlyDts, transformers),
      getAllDependencies: (file: any) => dependenciesOf(ts, program, file),
    };
  };
}

/** The files `file` imports or references, directly or through others, itself first (as the
 * builder's getAllDependencies: every file when it is a script or augments the global scope). */
function dependenciesOf(ts: any, program: any, file: any): string[] {
  const global = !ts.isExternalModule(file) || (file.moduleAugmentations ?? []).some((m: any) => ts.isGlobalScopeAugmentation(m.parent));
  if (global) return program.getSourceFiles().map((f: any) => f.fileName);
  const seen = new Set<string>([file.fileName]);
  const queue = [file];
  const visit = (name: string | undefined) => {
    if (!name || seen.has(name)) return;
    const sf = program.getSourceFile(name);
    if (!sf) return;
    seen.add(name);
    queue.push(sf);
  };
  while (queue.length) {
    const sf = queue.pop();
    sf.resolvedModules?.forEach((r: any) => visit(r?.resolvedModule?.resolvedFileName));
    sf.resolvedTypeReferenceDirectiveNames?.forEach((r: any) => visit(r?.resolvedTypeReferenceDirective?.resolvedFileName));
    for (const ref of sf.referencedFiles ?? []) visit(ts.resolveTripleslashReference(ref.fileName, sf.fileName));
  }
  return [...seen];
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

/** The options of the converter being created (tslab creates its watch host during that call):
 * its source maps switch, whether declaration files keep their doc comments, and the declaration
 * chunks linked into each of its programs. */
let creating: { maps: SourceMaps; docs: boolean; chunks: ChunkFiles } | null = null;
/** The `ts.sys` tslab sees while it creates a converter: it takes its root from getCurrentDirectory(). */
let sysOverride: unknown = null;

/** The project's files the cells' programs watch (not node_modules, not declaration files), with
 * the modification time last reported. */
const watchedSources = new Map<string, { mtimeMs: number; callbacks: Set<(file: string, kind: number) => void> }>();
let watching: unknown = null;

/** ts.sys, with watchFile recording the project's files it is asked to watch. */
function watchingSys(bundled: any): unknown {
  return (watching ??= Object.create(bundled.sys, {
    // TypeScript watches node_modules recursively for packages installed after a failed import:
    // on Linux that walks every folder in it with an inotify watch each, 300 ms of the first
    // program here. Its report would not help: tslab's converter keeps one update timer and throws
    // on the second that the failed-lookup invalidation sets. A package installed later (%npm)
    // resolves anyway, unless a cell imported it before it was there (that was so with the
    // watcher too: its report came between cells and never reached a program).
    watchDirectory: {
      writable: true,
      value: (dir: string, cb: (path: string) => void, recursive?: boolean, ...rest: unknown[]) =>
        recursive && /[\\/]node_modules$/.test(dir) ? { close: () => {} } : bundled.sys.watchDirectory(dir, cb, recursive, ...rest),
    },
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

/**
 * The text without the documentation comments that start a line (`/** … *\/`, what declaration
 * files document with), each replaced by its line breaks: lines stay where they were (columns after
 * a removed comment on its last line move left), and TypeScript reads no JSDoc, which only hover
 * and quick info use. A `/**` inside a string cannot start a line, so strings are left alone.
 */
export function dropDocComments(text: string): string {
  let out = "";
  let from = 0;
  for (let at = text.indexOf("/**"); at >= 0; ) {
    let k = at - 1;
    while (k >= 0 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k--;
    const end = text.indexOf("*/", at + 2);
    if (end < 0) break;
    if (k >= 0 && text.charCodeAt(k) !== 10 && text.charCodeAt(k) !== 13) {
      at = text.indexOf("/**", at + 3);
      continue;
    }
    out += text.slice(from, k + 1);
    for (let nl = text.indexOf("\n", at); nl >= 0 && nl < end; nl = text.indexOf("\n", nl + 1)) out += "\n";
    from = end + 2;
    at = text.indexOf("/**", from);
  }
  return from === 0 ? text : out + text.slice(from);
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
  /**
   * Whether declaration files keep their documentation comments (default true). The runtime's
   * program only type-checks and emits, and parsing the JSDoc of lib and @types/node is about a
   * third of building its first program; hover and `name?` ask the protocol process's program.
   */
  docs?: boolean;
}

/** A converter whose every call sees PRELUDE before the previous cells' declarations. */
export function createConverter(options: ConverterOptions = {}): Converter {
  const t = tslab();
  const { root, cellDir = root, maps = { cells: false }, docs = true } = options;
  let real: Converter;
  // tslab's own `ts` (the transpile cache's wrapper), whose sys already records watched files.
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(require.resolve("tslab/package.json"))] }));
  if (root) {
    sysOverride = Object.create(ts.sys, {
      getCurrentDirectory: { value: () => root, writable: true, configurable: true },
    });
  }
  const chunks = new ChunkFiles(root ?? process.cwd(), ts);
  creating = { maps, docs, chunks };
  try {
    real = t.createConverter({ isJS: false, isBrowser: false });
  } finally {
    sysOverride = null;
    creating = null;
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
