// The project's own modules that cells import (compiled by the cells' TypeScript program): an edit
// to one is loaded by the next cell with a note naming it, unless %autoreload is off; a tracked run
// records their sources and content hashes.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export interface SideOutput {
  /** Where the module's JavaScript would be (its source's path with .js). */
  path: string;
  data: string;
}

export interface ModuleSnapshot {
  /** The source file, absolute. */
  file: string;
  sha256: string;
  source: string;
}

const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

/** What the code of a cell calls, first, after modules were reloaded (see rebindCall). */
const REBIND = "__modelbench_rebind__";

export class LocalModules {
  /** Edits are loaded by the next cell (%autoreload on); off keeps the code first loaded. */
  autoreload = true;
  /** Names earlier cells imported from the project's modules: the module (output path) and its export. */
  private readonly bindings = new Map<string, { module: string; imported: string }>();
  /** The newest compiled code of each module, by output path. */
  private readonly latest = new Map<string, string>();
  /** The code the runtime has been given, by output path. */
  private readonly given = new Map<string, string>();
  /** When each given module's source was last modified, as it was when it was given. */
  private readonly givenMtime = new Map<string, number>();

  /**
   * What the executor is given of a cell's compiled modules: new ones, and when one changed (and
   * autoreload is on) every module, so a module importing the changed one is run again too and
   * none keeps the old code. Returns the outputs and the modules reloaded.
   */
  take(outs: SideOutput[] | undefined): { outs: SideOutput[] | undefined; reloaded: string[] } {
    for (const o of outs ?? []) this.latest.set(o.path, o.data);
    const changed = [...this.latest].filter(([p, data]) => this.given.has(p) && this.given.get(p) !== data).map(([p]) => p);
    const fresh = (outs ?? []).filter((o) => !this.given.has(o.path));
    let giving: SideOutput[];
    let reloaded: string[] = [];
    if (this.autoreload && changed.length) {
      giving = [...this.latest].map(([p, data]) => ({ path: p, data }));
      reloaded = changed;
    } else giving = fresh;
    for (const o of giving) {
      this.given.set(o.path, o.data);
      this.givenMtime.set(o.path, mtimeOf(sourceOf(o.path)));
    }
    return { outs: giving.length ? giving.sort((a, b) => a.path.localeCompare(b.path)) : undefined, reloaded };
  }

  /** `root`: the project (the program's root); `cellDir`: the notebook's folder. */
  constructor(private readonly root: string, readonly cellDir: string) {}

  /**
   * Notes which names a cell (that ran) imported from the project's modules, and forgets those it
   * declared otherwise, so a reload can point the names at the new code.
   */
  recordCell(code: string): void {
    const ts = require("@tslab/typescript-for-tslab");
    const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const declared = (name: any, out: string[]) => {
      if (!name) return;
      if (ts.isIdentifier(name)) out.push(name.text);
      else if (ts.isObjectBindingPattern(name) || ts.isArrayBindingPattern(name)) for (const e of name.elements) if (!ts.isOmittedExpression(e)) declared(e.name, out);
    };
    for (const st of sf.statements) {
      const names: string[] = [];
      if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) declared(d.name, names);
      else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || ts.isImportEqualsDeclaration(st)) && st.name) names.push(st.name.text);
      else if (ts.isImportDeclaration(st) && st.importClause && !st.importClause.isTypeOnly) {
        const module = ts.isStringLiteral(st.moduleSpecifier) ? this.outputOf(st.moduleSpecifier.text) : null;
        const c = st.importClause;
        const pairs: Array<[string, string]> = [];
        if (c.name) pairs.push([c.name.text, "default"]);
        if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) pairs.push([c.namedBindings.name.text, "*"]);
        if (c.namedBindings && ts.isNamedImports(c.namedBindings)) {
          for (const e of c.namedBindings.elements) if (!e.isTypeOnly) pairs.push([e.name.text, (e.propertyName ?? e.name).text]);
        }
        for (const [local, imported] of pairs) {
          if (module) this.bindings.set(local, { module, imported });
          else this.bindings.delete(local);
        }
        continue;
      }
      for (const n of names) this.bindings.delete(n);
    }
  }

  /** JavaScript to run before a cell's own code once modules were reloaded: the names earlier cells
   * imported from them are pointed at the new code (the cell's `require` loads it). */
  rebindCall(): string {
    const g = globalThis as any;
    g[REBIND] ??= (req: (id: string) => any, exports: Record<string, unknown>) => {
      for (const [local, { module, imported }] of this.bindings) {
        if (!(local in exports)) continue;
        try {
          const mod = req("./" + path.relative(this.root, module).split(path.sep).join("/"));
          exports[local] = imported === "*" ? mod : imported === "default" ? (mod?.__esModule ? mod.default : mod) : mod?.[imported];
        } catch {
          /* a module that no longer loads: the cell's own import reports it */
        }
      }
    };
    // One line, so the cell's line numbers stay as they are.
    return `globalThis.${REBIND}(require, exports);`;
  }

  /** The output path of a relative import written in a cell, or null for a package or a missing file. */
  private outputOf(specifier: string): string | null {
    if (!/^\.\.?\//.test(specifier)) return null;
    const abs = path.resolve(this.cellDir, specifier);
    const ext = path.extname(abs);
    if ([".ts", ".tsx", ".mts", ".cts"].includes(ext)) return abs.slice(0, -ext.length) + ".js";
    if (ext === ".js" || ext === ".jsx") return abs.replace(/\.jsx$/, ".js");
    if (SOURCE_EXTENSIONS.some((e) => fs.existsSync(abs + e))) return abs + ".js";
    if (SOURCE_EXTENSIONS.some((e) => fs.existsSync(path.join(abs, "index" + e)))) return path.join(abs, "index.js");
    return null;
  }

  /** `import "…";` of every loaded module whose source changed since it was given (with autoreload on), to put before a cell. */
  importsOfEdited(): string {
    if (!this.autoreload) return "";
    let out = "";
    for (const [p, mtime] of this.givenMtime) {
      const now = mtimeOf(sourceOf(p));
      if (now === mtime || now < 0) continue; // unchanged, or deleted (a cell importing it says so)
      let spec = path.relative(this.cellDir, p.replace(/\.js$/, "")).split(path.sep).join("/");
      if (!spec.startsWith("../")) spec = "./" + spec;
      out += `import ${JSON.stringify(spec)}; `;
    }
    return out;
  }

  /** Modules whose edits wait for %autoreload on (source files). */
  pending(): string[] {
    const compiled = [...this.latest].filter(([p, data]) => this.given.get(p) !== data).map(([p]) => p);
    const edited = [...this.givenMtime].filter(([p, m]) => mtimeOf(sourceOf(p)) !== m).map(([p]) => p);
    return [...new Set([...compiled, ...edited])].sort().map(sourceOf);
  }

  /** The loaded modules as a run's code records them (modulesSection). */
  section(): string {
    return modulesSection(this.snapshot());
  }

  /** The modules loaded so far (source files). */
  loaded(): string[] {
    return [...this.given.keys()].sort().map(sourceOf);
  }

  /** The modules loaded so far: their source files, hashes and text. */
  snapshot(): ModuleSnapshot[] {
    const out: ModuleSnapshot[] = [];
    for (const p of [...this.given.keys()].sort()) {
      const file = sourceOf(p);
      try {
        const source = fs.readFileSync(file, "utf8");
        out.push({ file, sha256: createHash("sha256").update(source).digest("hex"), source });
      } catch {
        /* deleted since: nothing to record */
      }
    }
    return out;
  }
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** The modules as they are appended to a run's code: a header line with the path (relative to the
 * notebook's folder) and sha256 of each, then its text. Starts with a blank line when not empty. */
export function modulesSection(modules: ModuleSnapshot[], cwd: string = process.cwd()): string {
  return modules
    .map((m) => `\n\n// ---- module ${path.relative(cwd, m.file).split(path.sep).join("/")} sha256:${m.sha256}\n${m.source.replace(/\n$/, "")}`)
    .join("");
}

/** The source file of a module's output path (features.js → features.ts, or whichever exists). */
export function sourceOf(outputPath: string): string {
  const base = outputPath.replace(/\.js$/, "");
  for (const ext of SOURCE_EXTENSIONS) if (fs.existsSync(base + ext)) return base + ext;
  return outputPath;
}

/** A module's path as the notebook writes it (relative to the kernel's folder). */
export function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") || rel.startsWith(".") ? rel : `./${rel}`;
}
