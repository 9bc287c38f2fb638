// What earlier cells declared, as the next cell is type-checked against it: frozen chunks that
// never change, so TypeScript keeps their parsed and bound files from cell to cell, and a short tail
// that a cell rewrites. Without chunks every cell re-parsed, re-bound and re-printed all of them.
import * as path from "path";

export interface Declarations {
  /** Frozen, oldest first; each is a module file of the program, and a later one shadows an earlier. */
  readonly chunks: readonly string[];
  /** tslab's declarations file: the latest cells' declarations, rewritten by each cell that declares names. */
  readonly tail: string;
}

export const NO_DECLARATIONS: Declarations = { chunks: [], tail: "" };

/** A tail this long (characters) is frozen into a chunk: about 170 one-line `const`s. Re-parsing it is
 * then all a cell costs that grows with the session, at most this much text. */
export const CHUNK_CHARS = 4096;

/** A string is a tail alone (as tslab's executor and the tests pass declarations). */
export function asDeclarations(prev: string | Declarations): Declarations {
  return typeof prev === "string" ? { chunks: [], tail: prev } : prev;
}

/** After a cell that ran: `tail` is the converter's new declarations file (the cell's declarations and
 * what it left of the old tail); a long one is frozen. */
export function withTail(d: Declarations, tail: string, chunkChars = CHUNK_CHARS): Declarations {
  return tail.length >= chunkChars ? { chunks: [...d.chunks, tail], tail: "" } : { chunks: d.chunks, tail };
}

/** What the runtime sends the protocol process after a cell: the chunks frozen since `from`, and the tail. */
export interface DeclarationsUpdate {
  from: number;
  chunks: string[];
  tail: string;
}

/** The update that takes `sent` to `now`, or undefined when nothing changed. */
export function updateFrom(sent: Declarations, now: Declarations): DeclarationsUpdate | undefined {
  if (sent === now) return undefined;
  let from = 0;
  while (from < sent.chunks.length && from < now.chunks.length && sent.chunks[from] === now.chunks[from]) from++;
  if (from === now.chunks.length && from === sent.chunks.length && sent.tail === now.tail) return undefined;
  return { from, chunks: now.chunks.slice(from), tail: now.tail };
}

export function applyUpdate(d: Declarations, u: DeclarationsUpdate): Declarations {
  return { chunks: [...d.chunks.slice(0, u.from), ...u.chunks], tail: u.tail };
}

/** Each piece of text: for a check by name (a shorthand property of an earlier cell's variable). */
export function texts(d: Declarations): string[] {
  return [...d.chunks, d.tail];
}

/**
 * The chunks as files of one converter's program. They are registered as modules of the program
 * (tslab's addModule) once each; every new program then chains scopes — the cell's file already
 * resolves names through tslab's declarations file (the tail), which now resolves through the last
 * chunk, and so on to the first — so a later declaration shadows an earlier one as in the tail, and
 * no chunk has to drop a name a later cell redefined. References to a chunk's names run as
 * `exports.name`, as tslab does for the tail's.
 */
export class ChunkFiles {
  /** The texts registered, by index; files past `live` were blanked (the declarations were reset). */
  private registered: string[] = [];
  private live = 0;
  /** The chunks' files in the last program. */
  private files: any[] = [];

  /** `dir`: the converter's root, where tslab puts its files; `ts`: the TypeScript tslab uses. */
  constructor(
    private readonly dir: string,
    private readonly ts: any,
  ) {}

  static readonly PATTERN = /(^|[\\/])__modelbench_decls_\d+__\.ts$/;

  private name(i: number): string {
    return `__modelbench_decls_${i}__`;
  }

  private fileName(i: number): string {
    return path.join(this.dir, this.name(i) + ".ts");
  }

  /** Registers the chunks not registered yet (`add` is the converter's addModule); blanks the rest. */
  sync(chunks: readonly string[], add: (name: string, content: string) => void): void {
    for (let i = 0; i < Math.max(chunks.length, this.live); i++) {
      const text = chunks[i] ?? "";
      if (this.registered[i] === text) continue;
      this.registered[i] = text;
      this.live = Math.max(this.live, i + 1); // the program `add` builds links the chunks so far
      add(this.name(i), exportingAll(this.ts, text));
    }
    this.live = chunks.length;
  }

  /** Chains a new program's scopes: tail → last chunk → … → first chunk → globals. */
  link(program: any): void {
    const files: any[] = [];
    for (let i = 0; i < this.live; i++) {
      const sf = program.getSourceFile(this.fileName(i));
      if (!sf) break; // during a registration: the chunk is not in this program yet
      sf.parent = files[i - 1];
      files.push(sf);
    }
    this.files = files;
    const tail = program.getSourceFile(path.join(this.dir, "__prev__.d.ts")); // tslab's declarations file
    if (tail) tail.parent = files[files.length - 1];
  }

  /**
   * A transformer (run after TypeScript's own, as tslab's) that writes each reference to a name a
   * chunk declares as `exports.name`: tslab's does so only for names of its declarations file.
   */
  exportsRewrite(checker: any): (context: any) => (sf: any) => any {
    const ts = this.ts;
    const chunks = new Set(this.files);
    return (context: any) => (sf: any) => {
      if (!chunks.size) return sf;
      const visit = (node: any): any => {
        if (!ts.isIdentifier(node)) return ts.visitEachChild(node, visit, context);
        if (node.parent && ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) return node;
        const declarations = checker.getSymbolAtLocation(node)?.declarations ?? [];
        if (!declarations.some((d: any) => chunks.has(d.getSourceFile()))) return node;
        return ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier("exports"), node);
      };
      return ts.visitEachChild(sf, visit, context);
    };
  }
}

/**
 * A chunk's text with every name it declares exported. A later cell's declaration of a name hides
 * this chunk's for the scopes after it; a value whose type is the hidden one (an instance of a class
 * whose name is now an interface) is then written in the next declarations as
 * `import("./__modelbench_decls_3__").A`, which needs `A` exported.
 */
export function exportingAll(ts: any, text: string): string {
  if (!text) return text;
  const sf = ts.createSourceFile("chunk.d.ts", text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const add = (n: any) => n && ts.isIdentifier(n) && names.add(n.text);
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) add(d.name);
    else if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      add(c?.name);
      const b = c?.namedBindings;
      if (b && ts.isNamespaceImport(b)) add(b.name);
      else if (b) for (const e of b.elements) add(e.name);
    } else if (ts.isModuleDeclaration(st) && !ts.isIdentifier(st.name)) continue; // `declare module "x"`, `declare global`
    else add(st.name);
  }
  return names.size ? `${text}\nexport { ${[...names].join(", ")} };\n` : text;
}
