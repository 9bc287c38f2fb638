// Keeps each .ipynb and its paired percent script in step, with jupytext's rule: inputs come from
// the side that changed (the newer file, the text file when in doubt), outputs always from the
// .ipynb. A record of the last sync (.modelbench/sync.json) tells "both sides changed" apart from
// "one side is newer": then nothing is written and the user gets a diff to resolve by hand.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { unifiedDiff } from "../diff";
import { ModelbenchError } from "../errors";
import { projectRoot } from "../store/location";
import { combineInputsWithOutputs } from "./combine";
import { JupytextConfig, loadConfig, parsePairing } from "./config";
import { NotebookNotFoundError, SyncConflictError, UnsupportedFormatError } from "./errors";
import { readText, rel, writeAtomic } from "./files";
import { Notebook, parseIpynb, writeIpynb } from "./ipynb";
import { checkPercentText, isCellMarker, readPercent, withoutTextRepresentation, writePercent } from "./percent";
import { pySplitLines, isJsonObject } from "./pyjson";

export interface PairPaths {
  ipynb: string;
  text: string;
  extension: string;
}

export interface SyncOptions {
  /** Where .modelbench/sync.json lives (default: the project root above the notebook). */
  root?: string;
  /** Configuration to use instead of the nearest jupytext.toml. */
  config?: JupytextConfig;
}

export type InputsFrom = "ipynb" | "text";

export interface SyncResult {
  paths: PairPaths;
  /** Which file the inputs came from. */
  inputsFrom: InputsFrom;
  /** Why that side: it was the only one, the only one changed since the last sync, or the newer. */
  reason: "created" | "changed-since-sync" | "newer" | "in-sync" | "preferred";
  /** Files whose content was written (absolute paths). */
  written: string[];
  /** Problems that did not stop the sync (e.g. a cell jupytext cannot represent faithfully). */
  warnings: string[];
}

const sha256 = (text: string) => crypto.createHash("sha256").update(text, "utf8").digest("hex");

/** The pair a notebook or script belongs to, per its metadata or the nearest jupytext.toml. */
export function pairedPaths(file: string, config = loadConfig(path.dirname(path.resolve(file)))): PairPaths {
  const abs = path.resolve(file);
  const ext = path.extname(abs);
  let formats = config.formats;
  // a notebook's own "jupytext": {"formats"} wins over the configuration file, as in jupytext
  const notebook = abs.slice(0, abs.length - ext.length) + ".ipynb";
  if (fs.existsSync(notebook)) {
    const jt = parseIpynb(readText(notebook), rel(notebook)).metadata.jupytext;
    if (isJsonObject(jt) && typeof jt.formats === "string") formats = jt.formats;
  }
  if (!formats) {
    throw new UnsupportedFormatError(`${rel(abs)} is not paired: add formats = "ipynb,ts:percent" to jupytext.toml (or run \`jupytext --set-formats ipynb,ts:percent ${rel(abs)}\`)`);
  }
  const pairing = parsePairing(formats, config.file ? rel(config.file) : rel(abs));
  const base = abs.slice(0, abs.length - ext.length);
  if (ext !== ".ipynb" && ext !== pairing.extension) {
    throw new UnsupportedFormatError(`${rel(abs)} is not a paired notebook: the pairing is '${formats}', so sync the .ipynb or the ${pairing.extension} file`);
  }
  return { ipynb: base + ".ipynb", text: base + pairing.extension, extension: pairing.extension };
}

// ---------------------------------------------------------------------------------------------
// The sync record: for each pair, a hash of the notebook's inputs (as percent text) and of the text
// file, as they were after the last sync. It is local state (like mtimes), so it lives in the
// git-ignored .modelbench/ rather than being compared with git HEAD, which knows nothing of syncs
// made between commits.

type PairRecord = { text: string; ipynbInputs: string; textFile: string; syncedAt: string };
type SyncState = { version: 1; pairs: Record<string, PairRecord> };

function statePath(root: string): string {
  return path.join(root, ".modelbench", "sync.json");
}

function loadState(root: string): SyncState {
  try {
    const s = JSON.parse(fs.readFileSync(statePath(root), "utf8"));
    if (s && s.version === 1 && typeof s.pairs === "object") return s;
  } catch {
    /* no record (or an unreadable one): fall back to timestamps, like jupytext */
  }
  return { version: 1, pairs: {} };
}

function saveRecord(root: string, key: string, record: PairRecord): void {
  const state = loadState(root);
  state.pairs[key] = record;
  fs.mkdirSync(path.dirname(statePath(root)), { recursive: true });
  writeAtomic(statePath(root), JSON.stringify(state, null, 1) + "\n");
}

// ---------------------------------------------------------------------------------------------

interface Side<T> {
  exists: boolean;
  text: string;
  mtimeMs: number;
  size: number;
  value?: T;
}

function readSide<T>(file: string, parse: (text: string) => T): Side<T> {
  if (!fs.existsSync(file)) return { exists: false, text: "", mtimeMs: 0, size: 0 };
  const st = fs.statSync(file);
  if (!st.isFile()) throw new UnsupportedFormatError(`${rel(file)} is not a file`);
  const text = readText(file);
  return { exists: true, text, mtimeMs: st.mtimeMs, size: st.size, value: parse(text) };
}

// Guards against an editor saving one of the files while we were deciding.
function assertUnchanged(file: string, side: Side<unknown>, paths: PairPaths): void {
  const exists = fs.existsSync(file);
  if (exists !== side.exists || (exists && (fs.statSync(file).mtimeMs !== side.mtimeMs || fs.statSync(file).size !== side.size))) {
    throw new SyncConflictError(`${rel(file)} changed while it was being synced; nothing was written: run the sync again`, paths.ipynb, paths.text, "");
  }
}

interface LoadedPair {
  paths: PairPaths;
  root: string;
  key: string;
  fmt: { extension: string; format: JupytextConfig["format"] };
  margin: number;
  ipynb: Side<Notebook>;
  text: Side<Notebook>;
}

function loadPair(file: string, options: SyncOptions): LoadedPair {
  const config = options.config ?? loadConfig(path.dirname(path.resolve(file)));
  const paths = pairedPaths(file, config);
  const root = options.root ?? (config.file ? path.dirname(config.file) : projectRoot(path.dirname(paths.ipynb)));
  const key = path.relative(root, paths.ipynb).split(path.sep).join("/");
  const fmt = { extension: paths.extension, format: config.format };
  const ipynb = readSide(paths.ipynb, (t) => parseIpynb(t, rel(paths.ipynb)));
  const text = readSide(paths.text, (t) => {
    checkPercentText(t, rel(paths.text), paths.extension);
    return readPercent(t, { ...fmt, where: rel(paths.text) });
  });
  if (!ipynb.exists && !text.exists) {
    throw new NotebookNotFoundError(`neither ${rel(paths.ipynb)} nor ${rel(paths.text)} exists: check the path`);
  }
  return { paths, root, key, fmt, margin: config.outdatedTextNotebookMargin, ipynb, text };
}

/**
 * Syncs one pair, given either of its files. Throws, having written nothing, when both sides
 * changed since the last sync (SyncConflictError) or a file cannot be read; `prefer` settles a
 * conflict by taking the inputs from that side.
 */
export function syncPair(file: string, options: SyncOptions & { prefer?: InputsFrom } = {}): SyncResult {
  const pair = loadPair(file, options);
  const { paths, ipynb, text, fmt } = pair;

  let inputsFrom: InputsFrom;
  let reason: SyncResult["reason"];
  if (!text.exists || !ipynb.exists) {
    inputsFrom = text.exists ? "text" : "ipynb";
    if (options.prefer && options.prefer !== inputsFrom) {
      throw new NotebookNotFoundError(`${rel(options.prefer === "ipynb" ? paths.ipynb : paths.text)} does not exist: sync without --prefer to create it`);
    }
    reason = "created";
  } else if (options.prefer) {
    [inputsFrom, reason] = [options.prefer, "preferred"];
  } else {
    const fromIpynb = writePercent(ipynb.value!, fmt);
    const sameInputs = writePercent(combineInputsWithOutputs(text.value!, ipynb.value!), fmt) === fromIpynb;
    const record = loadState(pair.root).pairs[pair.key];
    const ipynbChanged = record ? sha256(fromIpynb) !== record.ipynbInputs : undefined;
    const textChanged = record ? sha256(text.text) !== record.textFile : undefined;
    if (sameInputs) {
      [inputsFrom, reason] = ["ipynb", "in-sync"];
    } else if (ipynbChanged && textChanged) {
      const diff = unifiedDiff(fromIpynb, text.text, [`${rel(paths.ipynb)} (inputs)`, rel(paths.text)]);
      throw new SyncConflictError(
        `${rel(paths.ipynb)} and ${rel(paths.text)} both changed since they were last synced; nothing was written.\n` +
          `Keep the notebook's inputs with \`modelbench sync --prefer ipynb ${rel(paths.ipynb)}\`, the script's with \`--prefer text\`, ` +
          `or merge the changes below into one of the files and sync again.\n${diff}`,
        paths.ipynb,
        paths.text,
        diff,
      );
    } else if (record && ipynbChanged !== textChanged) {
      [inputsFrom, reason] = [ipynbChanged ? "ipynb" : "text", "changed-since-sync"];
    } else {
      // jupytext's rule: the text file holds the inputs unless the .ipynb is newer by more than the margin
      const ipynbNewer = ipynb.mtimeMs > text.mtimeMs + pair.margin * 1000;
      [inputsFrom, reason] = [ipynbNewer ? "ipynb" : "text", "newer"];
    }
  }
  let notebook: Notebook;
  if (inputsFrom === "ipynb") notebook = ipynb.value!;
  else notebook = ipynb.exists ? combineInputsWithOutputs(text.value!, ipynb.value!) : withoutTextRepresentation(text.value!);
  return writePair(pair, notebook, inputsFrom, reason);
}

function writePair(where: LoadedPair, notebook: Notebook, inputsFrom: InputsFrom, reason: SyncResult["reason"]): SyncResult {
  const { paths } = where;
  const sides = { ipynb: where.ipynb, text: where.text };
  const newText = writePercent(notebook, where.fmt);
  // an .ipynb that provided the inputs is left as it is; one that takes new inputs is rewritten
  const newIpynb = inputsFrom === "ipynb" && sides.ipynb.exists ? sides.ipynb.text : writeIpynb(notebook);
  const warnings = roundTripWarnings(notebook, newText, paths, where.fmt);

  assertUnchanged(paths.ipynb, sides.ipynb, paths);
  assertUnchanged(paths.text, sides.text, paths);
  const written: string[] = [];
  if (!sides.ipynb.exists || newIpynb !== sides.ipynb.text) {
    writeAtomic(paths.ipynb, newIpynb);
    written.push(paths.ipynb);
  }
  if (!sides.text.exists || newText !== sides.text.text) {
    writeAtomic(paths.text, newText);
    written.push(paths.text);
  } else if (written.length) {
    // as jupytext does: the text file stays the newer one, so timestamp rules keep agreeing
    const now = new Date();
    fs.utimesSync(paths.text, now, now);
  }
  saveRecord(where.root, where.key, {
    text: path.relative(where.root, paths.text).split(path.sep).join("/"),
    ipynbInputs: sha256(writePercent(parseIpynb(newIpynb), where.fmt)),
    textFile: sha256(newText),
    syncedAt: new Date().toISOString(),
  });
  return { paths, inputsFrom, reason, written, warnings };
}

// jupytext reads any `// %%` line as a new cell, even inside a cell's code; say so rather than
// let the next sync silently split the cell.
function roundTripWarnings(nb: Notebook, text: string, paths: PairPaths, fmt: { extension: string }): string[] {
  const back = readPercent(text, fmt);
  const warnings: string[] = [];
  nb.cells.forEach((cell, i) => {
    const lines = pySplitLines(cell.source);
    const marker = lines.findIndex((l, k) => k > 0 && isCellMarker(l));
    if (marker >= 0) {
      warnings.push(`${rel(paths.ipynb)}: cell ${i + 1} has a line that reads as a cell marker (${JSON.stringify(lines[marker].trim())}); in ${path.basename(paths.text)} it starts a new cell: change that line (e.g. '//%' → '// -') to keep the cell whole`);
    }
  });
  if (!warnings.length && back.cells.length !== nb.cells.length) {
    warnings.push(`${rel(paths.text)} reads back as ${back.cells.length} cells, not ${nb.cells.length}: check cells with '// %%' lines`);
  }
  return warnings;
}

/** Every notebook under `dir` that jupytext.toml pairs: each .ipynb, and each script with no .ipynb yet. */
export function findPairedNotebooks(dir: string, config = loadConfig(dir)): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith(".ipynb")) out.push(p);
      else if (config.formats && isUnpairedScript(p, config)) out.push(p);
    }
  };
  walk(path.resolve(dir));
  return out;
}

function isUnpairedScript(file: string, config: JupytextConfig): boolean {
  let pairing;
  try {
    pairing = parsePairing(config.formats!, "jupytext.toml");
  } catch {
    return false;
  }
  if (path.extname(file) !== pairing.extension) return false;
  if (fs.existsSync(file.slice(0, -pairing.extension.length) + ".ipynb")) return false;
  // only scripts that are notebooks: a jupytext header or cell markers
  const head = fs.readFileSync(file, "utf8").slice(0, 20000);
  return /^\/\/ jupyter:$/m.test(head) || pySplitLines(head).some(isCellMarker);
}

export type SyncOutcome = { file: string; result?: SyncResult; error?: Error };

/** Syncs each pair; one pair's error (conflict, bad file) does not stop the others. */
export function syncPaths(files: string[], options: SyncOptions = {}): SyncOutcome[] {
  const seen = new Set<string>();
  const outcomes: SyncOutcome[] = [];
  for (const file of files) {
    try {
      const paths = pairedPaths(file, options.config ?? loadConfig(path.dirname(path.resolve(file))));
      if (seen.has(paths.ipynb)) continue;
      seen.add(paths.ipynb);
      outcomes.push({ file, result: syncPair(file, options) });
    } catch (e) {
      if (!(e instanceof ModelbenchError)) throw e;
      outcomes.push({ file, error: e });
    }
  }
  return outcomes;
}
