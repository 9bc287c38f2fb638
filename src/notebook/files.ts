// Notebook files on disk: text that must be UTF-8, writes that are atomic, and reading a notebook
// from either of its forms by extension.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { BinaryFileError, NotebookNotFoundError, UnsupportedFormatError } from "./errors";
import { Notebook, parseIpynb } from "./ipynb";
import { FormatOptions, SCRIPT_LANGUAGES, readPercent, withoutTextRepresentation } from "./percent";

/** A path as the user would type it: relative to the working directory when inside it. */
export function rel(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
}

/** A file's text; BinaryFileError when it is not UTF-8 text. */
export function readText(file: string): string {
  const bytes = fs.readFileSync(file);
  if (bytes.includes(0)) throw new BinaryFileError(`${rel(file)} is a binary file, not a notebook: restore the notebook (e.g. \`git checkout -- ${rel(file)}\`) or remove it`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new BinaryFileError(`${rel(file)} is not UTF-8 text: save it as UTF-8, or restore it (e.g. \`git checkout -- ${rel(file)}\`)`);
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half a notebook. */
export function writeAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
  let mode: number | undefined;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    /* a new file */
  }
  try {
    const fd = fs.openSync(tmp, "wx", mode ?? 0o666);
    try {
      fs.writeFileSync(fd, text, "utf8");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Reads a .ipynb, or a percent script (.ts, .js), into a notebook. */
export function readNotebookFile(file: string, format: FormatOptions = {}): Notebook {
  if (!fs.existsSync(file)) throw new NotebookNotFoundError(`${rel(file)} does not exist: check the path`);
  const ext = path.extname(file);
  const text = readText(file);
  if (ext === ".ipynb") return parseIpynb(text, rel(file));
  if (ext in SCRIPT_LANGUAGES) return withoutTextRepresentation(readPercent(text, { extension: ext, format, where: rel(file), cellId: (i) => `cell-${i + 1}` }));
  throw new UnsupportedFormatError(`${rel(file)}: unknown notebook format '${ext || "(no extension)"}'; use a .ipynb or a percent script (${Object.keys(SCRIPT_LANGUAGES).join(", ")})`);
}
