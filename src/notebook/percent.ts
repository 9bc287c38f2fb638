// jupytext's "percent" text format for TypeScript (and other `//` languages), reimplemented from its
// documented behaviour and checked byte for byte against jupytext 1.19 (tests/fixtures/jupytext):
// `// %%` starts a code cell, `// %% [markdown]` / `[raw]` a commented text cell, a `// ---` YAML
// header holds the notebook metadata, and Jupyter magics are commented out so the file stays TS.
import { Cell, CellType, Notebook, emptyNotebook, newCellId } from "./ipynb";
import { Json, JsonObject, cloneJson, pySplitLines, isJsonObject } from "./pyjson";
import { dumpYaml, parseYaml, YamlError } from "./yaml";
import { MalformedTextNotebookError } from "./errors";
import {
  DEFAULT_CELL_FILTER,
  DEFAULT_NOTEBOOK_FILTER,
  filterMetadata,
  isJsonMetadata,
  metadataToText,
  textToTitleAndMetadata,
  updateMetadataFilters,
} from "./metadata";

/** The jupytext release whose output this module reproduces (written into headers). */
export const JUPYTEXT_VERSION = "1.19.6";
const FORMAT_VERSION = "1.3";

/** Script extensions whose percent format this module writes: all comment with `//`. */
export const SCRIPT_LANGUAGES: Record<string, string> = { ".ts": "typescript", ".js": "javascript" };

/** Format options jupytext reads from jupytext.toml or the notebook's `jupytext` metadata. */
export interface FormatOptions {
  notebook_metadata_filter?: string;
  cell_metadata_filter?: string;
  comment_magics?: boolean;
  cell_metadata_json?: boolean;
  custom_cell_magics?: string;
  custom_language_magics?: string;
}
const OPTION_KEYS: (keyof FormatOptions)[] = ["comment_magics", "cell_metadata_json", "notebook_metadata_filter", "cell_metadata_filter", "custom_cell_magics", "custom_language_magics"];

export interface PercentOptions {
  /** File extension, which decides the language (default ".ts"). */
  extension?: string;
  /** Options from jupytext.toml; the notebook's own `jupytext` metadata fills the gaps. */
  format?: FormatOptions;
  /** Ids for cells read from text (jupytext makes random ones, as does the default). */
  cellId?: (index: number) => string;
}

const COMMENT = "//";

// Languages that a `%%name` first line switches a cell to (jupytext keeps such cells commented out).
const JUPYTER_LANGUAGES = new Set([
  "R", "bash", "sh", "python", "python2", "python3", "coconut", "javascript", "js", "perl", "html", "latex", "markdown",
  "pypy", "ruby", "script", "svg", "matlab", "octave", "idl", "robotframework", "sas", "spark", "sql", "cython", "haskell",
  "tcl", "gnuplot", "wolfram language", "julia", "c++", "scheme", "clojure", "powershell", "q", "typescript", "scala",
  "rust", "csharp", "fsharp", "sos", "java", "groovy", "sage", "ocaml", "maxima", "stata", "jenner", "xonsh", "logtalk",
  "lua", "go", "c#", "f#", "cs", "fs",
]);
// Languages whose magics jupytext comments with `//` (it does nothing for the others).
const SLASH_LANGUAGES = new Set(["c++", "javascript", "typescript", "scala", "csharp", "fsharp", "java", "groovy", "stata"]);
const COMMENT_OF: Record<string, string> = { python: "#", R: "#", julia: "#", bash: "#", javascript: "//", typescript: "//", "c++": "//", scala: "//", rust: "//", java: "//", go: "//" };

function usualLanguageName(language: string): string {
  const l = language.toLowerCase();
  if (l === "r") return "R";
  if (l.startsWith("c++")) return "c++";
  if (l === "octave") return "matlab";
  if (l === "cs" || l === "c#") return "csharp";
  if (l === "fs" || l === "f#") return "fsharp";
  if (l === "sas") return "SAS";
  return l;
}

// ---------------------------------------------------------------------------------------------
// Magics: `%name` / `%%name` lines, possibly already commented, become `// %name` in the text.

const MAGIC = /^\s*(\/\/ |\/\/)*(%|%%|%%%)[a-zA-Z]/;
const MAGIC_FORCE = /^\s*(\/\/ |\/\/)*(%|%%|%%%)[a-zA-Z](.*)\/\/\s*escape/;
const MAGIC_KEEP = /^\s*(\/\/ |\/\/)*(%|%%|%%%)[a-zA-Z](.*)\/\/\s*noescape/;
const CODE_START = /^(\/\/ |\/\/)*(\/\/|\/\/ )\+/;

function isMagic(line: string, language: string, escape: boolean): boolean {
  if (!SLASH_LANGUAGES.has(usualLanguageName(language))) return false;
  if (MAGIC_FORCE.test(line)) return true;
  if (!escape || MAGIC_KEEP.test(line)) return false;
  return MAGIC.test(line);
}

/** Tells whether a line starts inside a string, the way jupytext does (Python's quoting rules). */
class StringParser {
  private single: string | null = null;
  private triple: string | null = null;
  private tripleStart = -1;
  private readonly ignore: boolean;
  private readonly python: boolean;
  private readonly comment?: string;
  constructor(language: string | null) {
    this.ignore = language === null;
    this.python = language !== "R";
    this.comment = language === null ? undefined : COMMENT_OF[language];
  }
  isQuoted(): boolean {
    return !this.ignore && (this.single !== null || this.triple !== null);
  }
  readLine(line: string): void {
    if (this.ignore) return;
    if (!this.isQuoted() && this.comment && line.trimStart().startsWith(this.comment)) return;
    this.tripleStart = -1;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (this.single === null && this.triple === null && this.comment && line.startsWith(this.comment, i)) break;
      if (ch !== '"' && ch !== "'") continue;
      if (line[i - 1] === "\\") continue;
      if (this.single === ch) {
        this.single = null;
        continue;
      }
      if (this.single !== null || !this.python) continue;
      if (i >= 2 && line.slice(i - 2, i + 1) === ch.repeat(3) && i >= this.tripleStart + 3) {
        if (this.triple === ch) {
          this.triple = null;
          this.tripleStart = i;
          continue;
        }
        if (this.triple !== null) continue;
        this.triple = ch;
        this.tripleStart = i;
        continue;
      }
      if (this.triple !== null) continue;
      this.single = ch;
    }
    if (this.python) this.single = null;
  }
}

function commentMagics(source: string[], language: string, escape: boolean): string[] {
  const parser = new StringParser(language);
  return source.map((line) => {
    let out = line;
    if (!parser.isQuoted() && isMagic(line, language, escape)) {
      const body = line.trimStart();
      out = line.slice(0, line.length - body.length) + COMMENT + " " + body;
    }
    parser.readLine(line);
    return out;
  });
}

/** Removes one level of `// ` (or `//`) after the indentation. */
function unescapeOnce(line: string): string {
  const body = line.trimStart();
  const indent = line.slice(0, line.length - body.length);
  if (body.startsWith(COMMENT + " ")) return indent + body.slice(COMMENT.length + 1);
  if (body.startsWith(COMMENT)) return indent + body.slice(COMMENT.length);
  return line;
}

function uncommentMagics(source: string[], language: string, escape: boolean): string[] {
  const parser = new StringParser(language);
  return source.map((line) => {
    const out = !parser.isQuoted() && isMagic(line, language, escape) ? unescapeOnce(line) : line;
    parser.readLine(line);
    return out;
  });
}

// `// +` starts a cell in jupytext's light format; escaped copies lose one level when read.
function unescapeCodeStart(source: string[], language: string): string[] {
  const parser = new StringParser(language);
  return source.map((line) => {
    let out = line;
    if (!parser.isQuoted() && CODE_START.test(line)) {
      const unescaped = unescapeOnce(line);
      if (CODE_START.test(unescaped)) out = unescaped;
    }
    parser.readLine(line);
    return out;
  });
}

const commentLines = (lines: string[], prefix: string) => lines.map((l) => (l ? `${prefix} ${l}` : prefix));

function uncommentLines(lines: string[], prefix: string): string[] {
  if (!prefix) return lines;
  return lines.map((l) => (l.startsWith(prefix + " ") ? l.slice(prefix.length + 1) : l.startsWith(prefix) ? l.slice(prefix.length) : l));
}

// ---------------------------------------------------------------------------------------------
// Shared helpers


function jupytextMetadata(metadata: JsonObject): JsonObject {
  if (!isJsonObject(metadata.jupytext)) metadata.jupytext = {};
  return metadata.jupytext as JsonObject;
}

/** The notebook language: kernelspec language, else jupytext's main_language, else the extension's. */
function defaultLanguage(metadata: JsonObject, extension: string, popMainLanguage = false): string {
  const jt = isJsonObject(metadata.jupytext) ? metadata.jupytext : {};
  const main = typeof jt.main_language === "string" ? jt.main_language : undefined;
  const kernel = isJsonObject(metadata.kernelspec) && typeof metadata.kernelspec.language === "string" ? metadata.kernelspec.language : undefined;
  const fallback = kernel || SCRIPT_LANGUAGES[extension];
  const language = main || fallback;
  if (main !== undefined && main === fallback && popMainLanguage) delete jt.main_language;
  if (!language || language === "R" || language === "sas") return language ?? "python";
  if (language.startsWith("C++")) return "c++";
  return language.toLowerCase().replace("#", "sharp");
}

/** jupytext's is_active: may this cell run in a file with this extension? */
function isActive(extension: string, metadata: JsonObject, fallback = true): boolean {
  const ext = extension.replace(".", "");
  if (isJsonObject(metadata.run_control) && metadata.run_control.frozen === true) return extension === ".ipynb";
  for (const tag of Array.isArray(metadata.tags) ? metadata.tags : []) {
    if (typeof tag === "string" && tag.startsWith("active-")) return tag.split("-").includes(ext);
  }
  if (!("active" in metadata)) return fallback;
  return String(metadata.active).split(/[.,]/).includes(ext);
}

// Format options: jupytext.toml first, then the notebook's metadata; the result is recorded back
// into the notebook's `jupytext` metadata (so it shows in the header).
function resolveOptions(metadata: JsonObject, config: FormatOptions): FormatOptions {
  const fmt: FormatOptions = { ...config };
  const jt = isJsonObject(metadata.jupytext) ? metadata.jupytext : {};
  for (const key of OPTION_KEYS) if (key in jt && !(key in fmt)) (fmt as Record<string, Json>)[key] = jt[key];
  for (const key of OPTION_KEYS) if (fmt[key] !== undefined) jupytextMetadata(metadata)[key] = fmt[key] as Json;
  return fmt;
}

function dropEmpty(config: FormatOptions): FormatOptions {
  // jupytext ignores empty (falsy) settings in its configuration file
  const out: FormatOptions = {};
  for (const key of OPTION_KEYS) if (config[key] !== undefined && config[key] !== "") (out as Record<string, unknown>)[key] = config[key];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** The percent-format text of a notebook (outputs are not part of it), ending with a newline. */
export function writePercent(nb: Notebook, options: PercentOptions = {}): string {
  const extension = options.extension ?? ".ts";
  const metadata = cloneJson(nb.metadata);
  const language = defaultLanguage(metadata, extension, true);
  pinPercentFormat(metadata, extension);
  const fmt = resolveOptions(metadata, dropEmpty(options.format ?? {}));
  let cells = nb.cells;

  const header: string[] = [];
  const jt = jupytextMetadata(metadata);
  if ("executable" in jt) {
    header.push("#!" + String(jt.executable));
    delete jt.executable;
  }
  if ("encoding" in jt) {
    header.push(String(jt.encoding));
    delete jt.encoding;
  } else if (defaultLanguage(metadata, extension) !== "python" && cells.some((c) => /[^\x00-\x7f]/.test(c.source))) {
    header.push(`${COMMENT} -*- coding: utf-8 -*-`);
  }

  // A leading raw cell holding a `---` block is the header's root-level YAML (e.g. a title).
  let yamlLines: string[] = [];
  let headerBlankLines: number | undefined;
  if (cells.length && cells[0].cell_type === "raw") {
    const lines = pySplitLines(cells[0].source.replace(/^[\n\t ]+|[\n\t ]+$/g, ""));
    if (lines.length >= 2 && /^---\s*$/.test(lines[0]) && /^---\s*$/.test(lines[lines.length - 1])) {
      yamlLines = lines.slice(1, -1);
      const n = cells[0].metadata.lines_to_next_cell;
      headerBlankLines = typeof n === "number" ? n : undefined;
      cells = cells.slice(1);
    }
  }
  jt.text_representation = { extension, format_name: "percent", format_version: FORMAT_VERSION, jupytext_version: JUPYTEXT_VERSION };
  const shown = filterMetadata(metadata, fmt.notebook_metadata_filter, DEFAULT_NOTEBOOK_FILTER);
  if (Object.keys(shown).length) yamlLines.push(...dumpYaml({ jupyter: shown }).replace(/\n$/, "").split("\n"));
  const headerContent = yamlLines.length ? commentLines(["---", ...yamlLines, "---"], COMMENT) : [];
  header.push(...headerContent);

  const texts = cells.map((cell) => cellToText(cell, language, extension, fmt));
  let lines: string[] = [];
  for (let i = cells.length - 1; i >= 0; i--) {
    const text = texts[i];
    const n = cells[i].metadata.lines_to_next_cell;
    const blank = typeof n === "number" ? n : 1; // jupytext's PEP 8 spacing is one line for non-Python files
    lines = [...text, ...Array(blank).fill(""), ...lines];
  }
  const headerBlank = headerBlankLines ?? (!lines.length ? 1 : !headerContent.length ? 0 : 1);
  const text = [...header, ...Array(headerBlank).fill(""), ...lines].join("\n");
  return text.endsWith("\n") ? text : text + "\n";
}

// jupytext names the format of this file in the notebook's pairing when it was left implicit ("ipynb,ts").
function pinPercentFormat(metadata: JsonObject, extension: string): void {
  const jt = isJsonObject(metadata.jupytext) ? metadata.jupytext : undefined;
  if (!jt || typeof jt.formats !== "string") return;
  jt.formats = jt.formats
    .split(",")
    .map((f) => (f.trim().replace(/^.*\/\/\//, "").replace(/^\./, "") === extension.slice(1) ? f.trim() + ":percent" : f))
    .join(",");
}

function cellSourceLines(source: string): string[] {
  if (source === "") return [""];
  const lines = pySplitLines(source);
  return source.endsWith("\n") ? [...lines, ""] : lines;
}

function cellToText(cell: Cell, notebookLanguage: string, extension: string, fmt: FormatOptions): string[] {
  let source = cellSourceLines(cell.source);
  const metadata = filterMetadata(cell.metadata, fmt.cell_metadata_filter, DEFAULT_CELL_FILTER);

  // `%%bash`-style first lines make the cell another language's: jupytext keeps it commented out.
  let cellLanguage: string | undefined;
  const custom = [...(fmt.custom_cell_magics ?? "").split(","), ...(fmt.custom_language_magics ?? "").split(",")];
  if (source.length && source[0].startsWith("%%")) {
    const magic = source[0].slice(2);
    const space = magic.indexOf(" ");
    const [lang, args] = space >= 0 ? [magic.slice(0, space), magic.slice(space + 1)] : [magic, ""];
    if (JUPYTER_LANGUAGES.has(lang) || custom.includes(lang)) {
      source = source.slice(1);
      cellLanguage = lang;
      if (args) metadata.magic_args = args;
      metadata.language = lang;
    }
  }
  const language = cellLanguage ?? (typeof cell.metadata.language === "string" ? cell.metadata.language : notebookLanguage);
  const commentMagicsOn = fmt.comment_magics ?? true;

  if (cell.cell_type === "raw" && !("active" in metadata) && !hasActiveTag(metadata)) metadata.active = "";
  const active = isActive(extension, metadata, usualLanguageName(language) === usualLanguageName(notebookLanguage));
  if (cell.cell_type === "raw" && metadata.active === "") delete metadata.active;
  const isCode = cell.cell_type === "code" || (cell.cell_type === "raw" && ("active" in metadata || hasActiveTag(metadata)));

  const words: string[] = [];
  if ("title" in metadata) {
    words.push(String(metadata.title));
    delete metadata.title;
  }
  if ("cell_depth" in metadata) {
    words.unshift("%".repeat(Number(metadata.cell_depth)));
    delete metadata.cell_depth;
  }
  if (!isCode) {
    words.push(`[${"region_name" in metadata ? String(metadata.region_name) : cell.cell_type}]`);
    delete metadata.region_name;
  }
  const optionText = metadataToText(words.join(" "), metadata, fmt.cell_metadata_json ?? false);

  let indent = "";
  if (isCode && active && source.length && source[0].trim()) indent = /^\s*/.exec(source[0])![0];
  const marker = `${indent}${COMMENT} %%${optionText.startsWith("%") || !optionText ? optionText : " " + optionText}`;

  if (isCode && active) {
    const body = commentMagics(source, language, commentMagicsOn);
    return body.length === 1 && body[0] === "" ? [marker] : [marker, ...body];
  }
  return [marker, ...commentLines(source, COMMENT)];
}

const hasActiveTag = (metadata: JsonObject) => Array.isArray(metadata.tags) && metadata.tags.some((t) => typeof t === "string" && t.startsWith("active-"));

// ---------------------------------------------------------------------------------------------
// Reading

const START = /^\s*\/\/\s*%%(%*)\s(.*)$/;
const ALT_START = /^\s*\/\/\s*(%%|<codecell>|In\[[0-9 ]*\]:?)\s*$/;
const BLANK = /^\s*$/;

/** True when the line starts a cell (`// %%…`, `// In[1]:`). */
export function isCellMarker(line: string): boolean {
  return START.test(line) || ALT_START.test(line);
}

interface Header {
  metadata: JsonObject;
  jupyterHeader: boolean;
  cell?: Cell;
  next: number;
  /** A `// ---` line opened a header that never closed (jupytext then reads it as code). */
  unclosed?: boolean;
}

function readHeader(lines: string[], where: string): Header {
  const metadata: JsonObject = {};
  const jupyter: string[] = [];
  const other: string[] = [];
  let inJupyter = false, started = false, ended = false, start = 0, i = -1;
  const encodingRe = /^[ \t\f]*\/\/.*?coding[:=][ \t]*([-_.a-zA-Z0-9]+)/;
  for (i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (i === 0 && line.startsWith("#!")) {
      jupytextMetadata(metadata).executable = line.slice(2);
      start = i + 1;
      continue;
    }
    if (i === 0 || (i === 1 && !encodingRe.test(lines[0]))) {
      const m = encodingRe.exec(line);
      if (m) {
        if (m[1] !== "utf-8") {
          throw new MalformedTextNotebookError(`${where} declares encoding ${m[1]}: only utf-8 text notebooks are supported; save it as UTF-8 and change line ${i + 1} to '// -*- coding: utf-8 -*-'`);
        }
        jupytextMetadata(metadata).encoding = line;
        start = i + 1;
        continue;
      }
    }
    if (!line.startsWith(COMMENT)) break;
    line = uncommentLines([line], COMMENT)[0];
    if (/^---\s*$/.test(line)) {
      if (!started) {
        started = true;
        continue;
      }
      ended = true;
      break;
    }
    if (!started && line.trim()) break;
    if (/^jupyter\s*:\s*$/.test(line)) inJupyter = true;
    else if (line && !/^\s/.test(line)) inJupyter = false;
    (inJupyter ? jupyter : other).push(line);
  }
  if (!ended) return { metadata, jupyterHeader: false, next: start, unclosed: started };

  let result = metadata;
  if (jupyter.length) {
    let parsed: Json;
    try {
      parsed = parseYaml(jupyter.join("\n"));
    } catch (e) {
      if (!(e instanceof YamlError)) throw e;
      throw new MalformedTextNotebookError(`${where}: the 'jupyter:' header is not valid YAML (${e.message}); fix the header between the '// ---' lines`);
    }
    const section = isJsonObject(parsed) ? parsed.jupyter : undefined;
    result = isJsonObject(section) ? (section as JsonObject) : {};
    if (isJsonObject(metadata.jupytext)) Object.assign(jupytextMetadata(result), metadata.jupytext);
  }
  let blank = 1;
  if (i + 1 < lines.length) {
    if (!BLANK.test(uncommentLines([lines[i + 1]], COMMENT)[0])) blank = 0;
    else i++;
  } else blank = 0;
  let cell: Cell | undefined;
  if (other.length) cell = { cell_type: "raw", metadata: blank === 1 ? {} : { lines_to_next_cell: blank }, source: ["---", ...other, "---"].join("\n") };
  return { metadata: result, jupyterHeader: jupyter.length > 0, cell, next: i + 1 };
}

function lastTwoLinesBlank(lines: string[]): boolean {
  const n = lines.length;
  return n >= 3 && !BLANK.test(lines[n - 3]) && BLANK.test(lines[n - 2]) && BLANK.test(lines[n - 1]);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
function openingFence(text: string): [string, number] | null {
  const m = FENCE.exec(text);
  if (!m || (m[1][0] === "`" && m[2].includes("`"))) return null;
  return [m[1][0], m[1].length];
}
function closesFence(text: string, fence: [string, number]): boolean {
  const m = FENCE.exec(text);
  return !!m && m[1][0] === fence[0] && m[1].length >= fence[1] && !m[2].trim();
}

/** Reads one cell from the start of `lines`; returns it and where the next one starts. */
function readCell(lines: string[], language: string, extension: string, fmt: FormatOptions): { cell: Cell; next: number; json: boolean } {
  let metadata: JsonObject = {};
  let cellLanguage: string | null = null;
  let json = false;
  if (START.test(lines[0])) {
    const line = uncommentLines([lines[0]], COMMENT)[0];
    const options = line.slice(line.indexOf("%%") + 2);
    json = isJsonMetadata(options);
    let title: string;
    [title, metadata] = textToTitleAndMetadata(options);
    for (const type of ["markdown", "raw", "md"]) {
      if (title.includes(`[${type}]`)) {
        title = title.replace(`[${type}]`, "").trim();
        metadata.cell_type = type === "md" ? "markdown" : type;
        if (type === "md") metadata.region_name = "md";
        break;
      }
    }
    let depth = 0;
    while (title.startsWith("%")) {
      depth++;
      title = title.slice(1);
    }
    if (depth) {
      metadata.cell_depth = depth;
      title = title.trim();
    }
    if (title) metadata.title = title;
  }
  if ("language" in metadata) {
    cellLanguage = String(metadata.language);
    delete metadata.language;
  }

  let cellType: CellType;
  let comment = COMMENT;
  if ("cell_type" in metadata) {
    cellType = metadata.cell_type as CellType;
    delete metadata.cell_type;
  } else if (!isActive(".ipynb", metadata)) {
    if (metadata.active === "") delete metadata.active;
    cellType = "raw";
    if (isActive(extension, metadata)) comment = "";
  } else cellType = "code";

  // Where does the cell end? At the next marker not inside a string or a fenced block.
  let next = lines.length;
  const parser = new StringParser(cellLanguage ?? language);
  let fence: [string, number] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (parser.isQuoted()) {
      parser.readLine(line);
      continue;
    }
    parser.readLine(line);
    if (cellType !== "code") {
      const text = uncommentLines([line], comment)[0];
      if (fence) {
        if (closesFence(text, fence)) fence = null;
        continue;
      }
      const opening = openingFence(text);
      if (opening && lines.slice(i + 1).some((l) => closesFence(uncommentLines([l], comment)[0], opening))) {
        fence = opening;
        continue;
      }
    }
    if (i > 0 && isCellMarker(line)) {
      next = i;
      break;
    }
  }
  let end = next;
  if (lastTwoLinesBlank(lines.slice(0, next))) end = next - 2;
  else if (next > 0 && lines[next - 1] === "") end = next - 1;

  const start = isCellMarker(lines[0]) ? 1 : 0;
  let content = lines.slice(start, end);
  const lang = cellLanguage ?? language;
  if (!isActive(extension, metadata) || (!("active" in metadata) && cellLanguage && cellLanguage !== language)) {
    content = uncommentLines(content, comment);
  } else {
    if (fmt.comment_magics ?? true) content = uncommentMagics(content, lang, true);
    content = cellType === "code" ? unescapeCodeStart(content, lang) : uncommentLines(content, comment);
  }

  let blankLines = 1;
  if (end < lines.length) blankLines = next - end + (next >= lines.length ? 1 : 0);
  if (blankLines !== 1) metadata.lines_to_next_cell = blankLines;
  if (cellLanguage) metadata.language = cellLanguage;

  const cell: Cell = cellType === "code"
    ? { cell_type: "code", execution_count: null, metadata, outputs: [], source: content.join("\n") }
    : { cell_type: cellType, metadata, source: content.join("\n") };
  return { cell, next, json };
}

/** Reads percent-format text into a notebook (as `jupytext --to ipynb` would, without outputs). */
export function readPercent(text: string, options: PercentOptions & { where?: string } = {}): Notebook {
  const extension = options.extension ?? ".ts";
  const where = options.where ?? "text notebook";
  let lines = pySplitLines(text);
  const header = readHeader(lines, where);
  const metadata = header.metadata;
  const language = defaultLanguage(metadata, extension);
  const fmt = resolveOptions(metadata, dropEmpty(options.format ?? {}));

  const cells: Cell[] = header.cell ? [header.cell] : [];
  lines = lines.slice(header.next);
  let json = false;
  while (lines.length) {
    const r = readCell(lines, language, extension, fmt);
    cells.push(r.cell);
    json ||= r.json;
    lines = lines.slice(r.next);
  }

  // `%%lang` first lines come back for cells in another language
  const main = defaultLanguage(metadata, extension);
  if (!(isJsonObject(metadata.kernelspec) && "language" in metadata.kernelspec) && cells.length) jupytextMetadata(metadata).main_language = main;
  const custom = [...(fmt.custom_cell_magics ?? "").split(","), ...(fmt.custom_language_magics ?? "").split(",")];
  for (const cell of cells) {
    if (!("language" in cell.metadata)) continue;
    const lang = String(cell.metadata.language);
    if (lang === main) {
      delete cell.metadata.language;
      continue;
    }
    if (usualLanguageName(lang) === main) continue;
    if (JUPYTER_LANGUAGES.has(lang) || custom.includes(lang)) {
      delete cell.metadata.language;
      const args = "magic_args" in cell.metadata ? " " + String(cell.metadata.magic_args) : "";
      delete cell.metadata.magic_args;
      cell.source = `%%${lang}${args}\n${cell.source}`;
    }
  }
  const keys = new Set<string>();
  for (const cell of cells) for (const k of Object.keys(cell.metadata)) keys.add(k);
  updateMetadataFilters(metadata, header.jupyterHeader, keys);
  if (json && !("cell_metadata_json" in jupytextMetadata(metadata))) jupytextMetadata(metadata).cell_metadata_json = true;

  const jt = jupytextMetadata(metadata);
  jt.text_representation = { ...(isJsonObject(jt.text_representation) ? jt.text_representation : {}), extension, format_name: "percent" };

  const newId = options.cellId ?? (() => newCellId());
  const nb = emptyNotebook(metadata);
  nb.cells = cells.map((c, i) => ({ ...c, id: newId(i) }));
  return nb;
}

/** The notebook as `jupytext --to ipynb` stores it: without the text_representation bookkeeping. */
export function withoutTextRepresentation(nb: Notebook): Notebook {
  const metadata = cloneJson(nb.metadata);
  if (isJsonObject(metadata.jupytext)) {
    delete metadata.jupytext.text_representation;
    if (!Object.keys(metadata.jupytext).length) delete metadata.jupytext;
  }
  return { ...nb, metadata };
}

/** Checks a text file that a sync would read: header closed, percent format, cell markers present. */
export function checkPercentText(text: string, where: string, extension = ".ts"): void {
  const lines = pySplitLines(text);
  const header = readHeader(lines, where);
  const jt = isJsonObject(header.metadata.jupytext) ? header.metadata.jupytext : {};
  const rep = isJsonObject(jt.text_representation) ? jt.text_representation : {};
  if (typeof rep.format_name === "string" && rep.format_name !== "percent") {
    throw new MalformedTextNotebookError(`${where} is in jupytext's '${rep.format_name}' format, not 'percent': convert it with \`jupytext --to ${extension.slice(1)}:percent ${where}\` or change the pairing`);
  }
  const body = lines.slice(header.next);
  if (header.unclosed) {
    throw new MalformedTextNotebookError(`${where}: the '// ---' header is never closed; end it with a '// ---' line`);
  }
  if (body.some((l) => l.trim()) && !body.some(isCellMarker)) {
    throw new MalformedTextNotebookError(`${where} has no '// %%' cell marker: it is not a percent-format notebook; start each cell with '// %%' (or '// %% [markdown]')`);
  }
}
