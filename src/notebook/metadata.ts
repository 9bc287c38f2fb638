// Which notebook and cell metadata a text notebook shows (jupytext's metadata filters), and how
// cell metadata is spelled on a `// %%` line (`title key=<JSON> flag`).
import { Json, JsonObject, PyFloat, cloneJson, dumpJson, parseJson, isJsonObject } from "./pyjson";

/** Metadata jupytext itself writes on cells to reproduce blank lines; never shown on marker lines. */
export const JUPYTEXT_CELL_METADATA = ["skipline", "noskipline", "cell_marker", "lines_to_next_cell", "lines_to_end_of_cell_marker"];

/** Cell metadata that stays in the .ipynb only, unless a cell filter asks for it. */
export const DEFAULT_CELL_FILTER = ["autoscroll", "collapsed", "scrolled", "trusted", "execution", "ExecuteTime", ...JUPYTEXT_CELL_METADATA]
  .map((k) => "-" + k)
  .join(",");

/** Notebook metadata shown in the text header by default; everything else stays in the .ipynb. */
export const DEFAULT_NOTEBOOK_FILTER = "jupytext,kernelspec,kernel_info,orphan,tocdepth";

type KeyList = string[] | "all";
export type MetadataFilter = { additional?: KeyList; excluded?: KeyList };

/** A filter as jupytext.toml and notebook metadata spell it: "key1,-key2", "-all", true/false. */
export function parseFilter(filter: string | boolean | MetadataFilter | undefined | null): MetadataFilter {
  if (filter === undefined || filter === null) return {};
  if (filter === true) return { additional: "all" };
  if (filter === false) return { excluded: "all" };
  if (typeof filter === "object") return filter;
  const out: { additional?: string[]; excluded?: string[] } = {};
  for (const raw of filter.split(",")) {
    const key = raw.trim();
    if (key.startsWith("-")) (out.excluded ??= []).push(key.slice(1).trim());
    else (out.additional ??= []).push(key.startsWith("+") ? key.slice(1).trim() : key);
  }
  const result: MetadataFilter = {};
  for (const side of ["additional", "excluded"] as const) {
    const keys = out[side];
    if (keys) result[side] = keys.includes("all") ? "all" : keys.filter((k) => k);
  }
  return result;
}

export function filterToString(filter: MetadataFilter): string {
  const entries: string[] = [];
  if (filter.additional === "all") entries.push("all");
  else entries.push(...(filter.additional ?? []).filter((k) => !JUPYTEXT_CELL_METADATA.includes(k)));
  if (filter.excluded === "all") entries.push("-all");
  else entries.push(...(filter.excluded ?? []).map((k) => "-" + k));
  return entries.join(",");
}

export const isValidMetadataKey = (key: string) => /^[a-zA-Z0-9_.@/-]+$/.test(key);
const isIdentifier = (text: string) => /^[a-zA-Z_.]+[a-zA-Z0-9_.]*$/.test(text);

/** The metadata a text file shows, given the user's filter and the default one (jupytext's rules). */
export function filterMetadata(metadata: JsonObject, userFilter: string | boolean | MetadataFilter | undefined | null, defaultFilter: string): JsonObject {
  const def = parseFilter(defaultFilter);
  const user = parseFilter(userFilter);
  let defExclude: KeyList = def.excluded ?? [];
  const defInclude: KeyList = def.additional ?? [];
  if (Array.isArray(defInclude) && defInclude.length && Array.isArray(defExclude) && !defExclude.length) defExclude = "all";
  const userExclude = user.excluded ?? [];
  const userInclude = user.additional ?? [];

  if (defExclude === "all") {
    if (userInclude === "all") return subset(metadata, undefined, asList(userExclude));
    if (userExclude === "all") return subset(metadata, asList(userInclude));
    return subset(metadata, [...new Set([...asList(userInclude), ...asList(defInclude)])], asList(userExclude));
  }
  if (userInclude === "all") return subset(metadata, undefined, asList(userExclude));
  if (userExclude === "all") return subset(metadata, asList(userInclude));
  // empty tags are noise in a text file
  let md = metadata;
  if (Array.isArray(md.tags) && md.tags.length === 0) {
    md = { ...md };
    delete md.tags;
  }
  const excluded = new Set([...asList(userExclude), ...asList(defExclude).filter((k) => !asList(userInclude).includes(k))]);
  return subset(md, undefined, [...excluded]);
}

const asList = (k: KeyList): string[] => (k === "all" ? ["all"] : k);

function secondLevel(keys: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of keys) {
    const dot = key.indexOf(".");
    if (dot >= 0) out.set(key.slice(0, dot), [...(out.get(key.slice(0, dot)) ?? []), key.slice(dot + 1)]);
  }
  return out;
}

function subset(metadata: JsonObject, keepOnly?: string[], exclude?: string[]): JsonObject {
  const supported = Object.keys(metadata).filter(isValidMetadataKey);
  let out: JsonObject = {};
  if (keepOnly) {
    for (const key of supported) if (keepOnly.includes(key)) out[key] = metadata[key];
    const sub = secondLevel(keepOnly);
    for (const key of supported) {
      const v = metadata[key];
      if (sub.has(key) && isJsonObject(v)) out[key] = subset(v, sub.get(key));
    }
  } else {
    for (const key of supported) out[key] = metadata[key];
  }
  if (exclude) {
    for (const key of exclude) delete out[key];
    for (const [key, keys] of secondLevel(exclude)) {
      const v = out[key];
      if (isJsonObject(v)) out[key] = subset(v, undefined, keys);
    }
  }
  out = { ...out };
  return out;
}

/** Puts back the metadata the filter hid from the text file, taken from the .ipynb. */
export function restoreFilteredMetadata(filtered: JsonObject, unfiltered: JsonObject, userFilter: string | undefined, defaultFilter: string): JsonObject {
  const visible = filterMetadata(unfiltered, userFilter, defaultFilter);
  const out = { ...filtered };
  for (const key of Object.keys(unfiltered)) {
    if (!(key in visible) && !JUPYTEXT_CELL_METADATA.includes(key)) out[key] = unfiltered[key];
  }
  return out;
}

/** After reading a text file: record filters so that writing it again shows the same metadata. */
export function updateMetadataFilters(metadata: JsonObject, hadJupyterHeader: boolean, cellKeys: Set<string>): void {
  const jupytext = () => (isJsonObject(metadata.jupytext) ? metadata.jupytext : (metadata.jupytext = {}));
  if (!hadJupyterHeader) {
    jupytext().notebook_metadata_filter = "-all";
    // jupytext lists these in set order (random per process); sorted is one of its valid outputs
    if (!("cell_metadata_filter" in jupytext())) jupytext().cell_metadata_filter = filterToString({ additional: [...cellKeys].sort(), excluded: "all" });
    return;
  }
  const current = isJsonObject(metadata.jupytext) ? metadata.jupytext : {};
  if ("cell_metadata_filter" in current) {
    const f = parseFilter(current.cell_metadata_filter as string);
    if (Array.isArray(f.excluded)) f.excluded = f.excluded.filter((k) => !cellKeys.has(k));
    f.additional ??= [];
    // jupytext appends in Python set order (random per process); sorted is one of its outputs
    if (Array.isArray(f.additional)) f.additional = [...new Set([...f.additional, ...cellKeys])].sort();
    jupytext().cell_metadata_filter = filterToString(f);
    return;
  }
  const nbFilter = String(current.notebook_metadata_filter ?? "").split(",").filter((k) => k);
  if (nbFilter.includes("all") || nbFilter.includes("-all")) return;
  const defaults = DEFAULT_NOTEBOOK_FILTER.split(",");
  for (const key of Object.keys(metadata)) {
    if (defaults.includes(key) || nbFilter.includes(key) || nbFilter.includes("-" + key)) continue;
    nbFilter.push(key);
  }
  if (nbFilter.length) jupytext().notebook_metadata_filter = nbFilter.join(",");
}

// ---------------------------------------------------------------------------------------------
// The options after `// %%`.

const INCORRECT = "incorrectly_encoded_metadata";

/** `title key=<JSON> …` (or the whole metadata as one JSON object) for a cell marker line. */
export function metadataToText(title: string, metadata: JsonObject, plainJson: boolean): string {
  const md: JsonObject = {};
  for (const key of Object.keys(metadata)) if (!JUPYTEXT_CELL_METADATA.includes(key)) md[key] = metadata[key];
  const text = title ? [title] : [];
  if (plainJson) {
    if (Object.keys(md).length) text.push(dumpJson(md));
  } else {
    for (const [key, value] of Object.entries(md)) {
      if (key === INCORRECT) text.push(String(value));
      else if (value === null) text.push(key);
      else text.push(`${key}=${dumpJson(value)}`);
    }
  }
  return text.join(" ");
}

/** Is the option text a JSON object rather than key=value pairs? */
export function isJsonMetadata(text: string): boolean {
  const curly = text.indexOf("{");
  if (curly < 0) return false;
  const eq = text.indexOf("=");
  return eq < 0 || curly < eq;
}

/** Title and metadata from the text after `%%` (jupytext's text_to_metadata with allow_title). */
export function textToTitleAndMetadata(options: string): [string, JsonObject] {
  const text = options.trim();
  const curly = text.indexOf("{");
  const eq = text.indexOf("=");
  if (curly < 0 || (eq >= 0 && eq < curly)) {
    let words: string[];
    if (eq >= 0) {
      words = text.slice(0, eq).split(" ");
      while (words.length && !words[words.length - 1]) words.pop();
      if (words.length) words.pop();
    } else {
      words = text.split(" ");
    }
    while (words.length && (!words[words.length - 1].trim() || words[words.length - 1].startsWith("."))) words.pop();
    const title = words.join(" ");
    return [title, parseKeyEqualValue(text.slice(title.length))];
  }
  const parsed = relaxJsonLoads(text.slice(curly), true);
  return [text.slice(0, curly).trim(), isJsonObject(parsed) ? parsed : { [INCORRECT]: text.slice(curly) }];
}

function parseKeyEqualValue(raw: string): JsonObject {
  const text = raw.trim();
  if (!text) return {};
  const lastSpace = text.lastIndexOf(" ");
  const lastWord = text.slice(lastSpace + 1);
  if (!text.startsWith("--") && isIdentifier(lastWord)) {
    const result: JsonObject = { [lastWord]: null };
    if (lastSpace > 0) Object.assign(result, parseKeyEqualValue(text.slice(0, lastSpace)));
    return result;
  }
  let eqPos: number | undefined;
  for (;;) {
    eqPos = eqPos === undefined ? text.lastIndexOf("=") : eqPos > 0 ? text.lastIndexOf("=", eqPos - 1) : -1;
    if (eqPos < 0) return { [INCORRECT]: text };
    const prevSpace = text.slice(0, eqPos).trimEnd().lastIndexOf(" ");
    const key = text.slice(prevSpace + 1, eqPos).trim();
    if (!isValidMetadataKey(key)) continue;
    let value: Json;
    try {
      value = relaxJsonLoads(text.slice(eqPos + 1), false);
    } catch {
      continue;
    }
    const metadata = prevSpace > 0 ? parseKeyEqualValue(text.slice(0, prevSpace)) : {};
    metadata[key] = value;
    return metadata;
  }
}

/** JSON, else a Python literal (jupytext falls back to ast.literal_eval). */
function relaxJsonLoads(raw: string, catchErrors: boolean): Json {
  const text = raw.trim();
  try {
    return parseJson(text);
  } catch {
    /* not JSON: try a Python literal */
  }
  try {
    return pythonLiteral(text);
  } catch (e) {
    if (!catchErrors) throw e;
    return { [INCORRECT]: text };
  }
}

/** The subset of Python's ast.literal_eval that metadata values use: str, numbers, bools, None, lists, tuples, dicts. */
export function pythonLiteral(text: string): Json {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (): never => {
    throw new SyntaxError(`not a Python literal: ${text}`);
  };
  const seq = (close: string): Json[] => {
    const out: Json[] = [];
    for (;;) {
      ws();
      if (text[i] === close) return i++, out;
      out.push(value());
      ws();
      if (text[i] === ",") i++;
      else if (text[i] !== close) fail();
    }
  };
  const value = (): Json => {
    ws();
    const c = text[i];
    if (c === "[") return i++, seq("]");
    if (c === "(") return i++, seq(")");
    if (c === "{") {
      i++;
      const out: JsonObject = {};
      for (;;) {
        ws();
        if (text[i] === "}") return i++, out;
        const k = value();
        ws();
        if (text[i++] !== ":") fail();
        out[String(k)] = value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== "}") fail();
      }
    }
    if (c === "'" || c === '"') {
      let s = "";
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === "\\") {
          const e = text[++i];
          s += ({ n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' } as Record<string, string>)[e] ?? "\\" + e;
        } else s += text[i];
        i++;
      }
      if (text[i] !== c) fail();
      i++;
      return s;
    }
    const m = /^(?:True|False|None|[-+]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?)/.exec(text.slice(i));
    if (!m || !m[0]) return fail();
    i += m[0].length;
    if (m[0] === "True") return true;
    if (m[0] === "False") return false;
    if (m[0] === "None") return null;
    const n = Number(m[0].replace(/_/g, ""));
    return /[.eE]/.test(m[0]) && Number.isInteger(n) ? new PyFloat(n) : n;
  };
  const v = value();
  ws();
  if (i < text.length) fail();
  return cloneJson(v);
}
