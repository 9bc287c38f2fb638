// .ipynb files (nbformat 4) read into a plain model and written back exactly as Jupyter writes them:
// sorted keys, one-space indent, multi-line text split into lists of lines, a trailing newline.
// Fields this module does not know are carried through untouched.
import { cloneJson, dumpJson, Json, JsonObject, JsonSyntaxError, parseJson, pySplitLines, isJsonObject } from "./pyjson";
import { InvalidNotebookError } from "./errors";

export type CellType = "code" | "markdown" | "raw";

/** A cell with its source as one string; any other nbformat field rides along in the object. */
export interface Cell {
  cell_type: CellType;
  id?: string;
  metadata: JsonObject;
  source: string;
  outputs?: Json[];
  execution_count?: number | null;
  [field: string]: Json | undefined;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: Cell[];
  [field: string]: Json | Cell[] | undefined;
}

const isJsonMime = (mime: string) => /^application\/(.+\+)?json$/.test(mime);

/** Parses .ipynb text; `where` names the file in error messages. */
export function parseIpynb(text: string, where = "notebook"): Notebook {
  let raw: Json;
  try {
    raw = parseJson(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new InvalidNotebookError(`${where} is not valid JSON (${e.message}): fix or restore it (e.g. \`git checkout -- ${where}\`) before syncing`);
  }
  const bad = (what: string) => new InvalidNotebookError(`${where} is not an nbformat 4 notebook: ${what}`);
  if (!isJsonObject(raw)) throw bad("the file is not a JSON object");
  if (raw.nbformat !== 4) {
    throw bad(`it has nbformat ${JSON.stringify(raw.nbformat ?? null)}; convert it with \`jupyter nbconvert --to notebook --inplace ${where}\``);
  }
  if (!Array.isArray(raw.cells)) throw bad("'cells' is missing or not a list");
  if (raw.metadata !== undefined && !isJsonObject(raw.metadata)) throw bad("'metadata' is not an object");
  const nb = raw as unknown as Notebook;
  nb.metadata ??= {};
  if (typeof nb.nbformat_minor !== "number") nb.nbformat_minor = 0;
  (raw.cells as Json[]).forEach((cell: Json, i: number) => {
    if (!isJsonObject(cell) || !["code", "markdown", "raw"].includes(cell.cell_type as string)) {
      throw bad(`cell ${i + 1} has no valid cell_type (code, markdown or raw)`);
    }
    cell.metadata = isJsonObject(cell.metadata) ? cell.metadata : {};
    cell.source = joinLines(cell.source ?? "", () => bad(`cell ${i + 1} has a source that is neither text nor a list of lines`));
    rejoinOutputs(cell);
  });
  return nb;
}

function joinLines(v: Json, error: () => Error): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((l) => typeof l === "string")) return v.join("");
  throw error();
}

// nbformat stores multi-line output text as lists of lines and joins them on read; doing the
// same keeps outputs comparable whichever way a tool wrote them.
function rejoinOutputs(cell: JsonObject): void {
  for (const bundle of Object.values(isJsonObject(cell.attachments) ? cell.attachments : {})) {
    if (isJsonObject(bundle)) rejoinBundle(bundle);
  }
  if (cell.cell_type !== "code" || !Array.isArray(cell.outputs)) return;
  for (const out of cell.outputs) {
    if (!isJsonObject(out)) continue;
    if ((out.output_type === "execute_result" || out.output_type === "display_data") && isJsonObject(out.data)) rejoinBundle(out.data);
    else if (out.output_type && Array.isArray(out.text) && out.text.every((l) => typeof l === "string")) out.text = out.text.join("");
  }
}

function rejoinBundle(bundle: JsonObject): void {
  for (const [mime, v] of Object.entries(bundle)) {
    if (!isJsonMime(mime) && Array.isArray(v) && v.every((l) => typeof l === "string")) bundle[mime] = v.join("");
  }
}

const splitMime = (mime: string) => mime.startsWith("text/") || mime === "application/javascript" || mime === "image/svg+xml";

/** The .ipynb text Jupyter would write for this notebook. */
export function writeIpynb(nb: Notebook): string {
  const out = cloneJson(nb) as unknown as JsonObject;
  for (const cell of out.cells as JsonObject[]) {
    if (typeof cell.source === "string") cell.source = pySplitLines(cell.source, true);
    for (const bundle of Object.values(isJsonObject(cell.attachments) ? cell.attachments : {})) {
      if (isJsonObject(bundle)) splitBundle(bundle);
    }
    if (cell.cell_type !== "code" || !Array.isArray(cell.outputs)) continue;
    for (const o of cell.outputs) {
      if (!isJsonObject(o)) continue;
      if ((o.output_type === "execute_result" || o.output_type === "display_data") && isJsonObject(o.data)) splitBundle(o.data);
      else if (o.output_type === "stream" && typeof o.text === "string") o.text = pySplitLines(o.text, true);
    }
  }
  return dumpJson(out, { indent: 1, sortKeys: true, ensureAscii: false }) + "\n";
}

function splitBundle(bundle: JsonObject): void {
  for (const [mime, v] of Object.entries(bundle)) if (typeof v === "string" && splitMime(mime)) bundle[mime] = pySplitLines(v, true);
}

/** A new random cell id, as nbformat makes them (8 hex digits). */
export function newCellId(): string {
  return Array.from({ length: 8 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
}

export function emptyNotebook(metadata: JsonObject = {}): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata, cells: [] };
}

/** A deep copy (the model is plain JSON). */
export function cloneNotebook(nb: Notebook): Notebook {
  return cloneJson(nb);
}
