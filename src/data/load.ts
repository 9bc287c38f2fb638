// File loaders: CSV, JSON, JSON lines and ARFF → arquero tables (or danfojs DataFrames with
// `{ as: "danfo" }`). Each records the file's content hash with the active run, and a file that
// is missing, empty or malformed is an error naming the file and line.
import * as fs from "fs";
import * as path from "path";
import type { ColumnTable } from "arquero";
import { DataFileError } from "./errors";
import { parseCsv, CsvSyntaxError } from "./csv";
import { parseArff } from "./arff";
import { makeTable, type Columns, type DanfoFrame, type TableKind, type Value } from "./table";
import { recordFile } from "./provenance";

export interface ReadOptions {
  /** `"arquero"` (default) or `"danfo"` for a danfojs DataFrame. */
  as?: TableKind;
}

export interface CsvOptions extends ReadOptions {
  delimiter?: string;
  /** Strings read as missing (null). Default: "", "NA", "N/A", "NaN", "nan", "null", "NULL". */
  na?: readonly string[];
  /** Convert columns of numbers / true-false to numbers / booleans (default true). */
  parse?: boolean;
}

const DEFAULT_NA = ["", "NA", "N/A", "NaN", "nan", "null", "NULL"];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Infinity|inf)$/;
const BOOLEAN: Record<string, boolean> = { true: true, false: false, True: true, False: false, TRUE: true, FALSE: false };

/** Reads the whole file, with the errors a user can fix worded for them. */
function readText(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new DataFileError(file, `no such file (looked in ${path.resolve(file)}); check the path, relative paths start at ${process.cwd()}`);
    if (code === "EISDIR") throw new DataFileError(file, "is a folder, not a file: name a file inside it");
    if (code === "EACCES") throw new DataFileError(file, "cannot be read (permission denied)");
    throw new DataFileError(file, (e as Error).message);
  }
  if (text.trim() === "") throw new DataFileError(file, "the file is empty: there is nothing to load");
  return text;
}

/** Strings → numbers or booleans when every present value is one; missing values → null. */
function inferColumn(raw: string[], na: ReadonlySet<string>, parse: boolean): Value[] {
  const present = raw.filter((s) => !na.has(s));
  if (parse && present.length && present.every((s) => NUMBER.test(s.trim()))) {
    return raw.map((s) => (na.has(s) ? null : Number(s.trim().replace(/inf$/, "Infinity"))));
  }
  if (parse && present.length && present.every((s) => s in BOOLEAN)) return raw.map((s) => (na.has(s) ? null : BOOLEAN[s]));
  return raw.map((s) => (na.has(s) ? null : s));
}

function uniqueNames(file: string, names: string[], line: number): string[] {
  const seen = new Set<string>();
  return names.map((n, i) => {
    const name = n.trim() === "" ? `column${i + 1}` : n;
    if (seen.has(name)) throw new DataFileError(file, `the header names column ${JSON.stringify(name)} twice: rename one`, line);
    seen.add(name);
    return name;
  });
}

export function readCSV(file: string, options?: CsvOptions & { as?: "arquero" }): Promise<ColumnTable>;
export function readCSV(file: string, options: CsvOptions & { as: "danfo" }): Promise<DanfoFrame>;
/** A CSV file with a header line; columns of numbers or booleans are converted. */
export async function readCSV(file: string, options: CsvOptions = {}): Promise<ColumnTable | DanfoFrame> {
  return loadFile(file, (text) => csvColumns(file, text, options), options.as);
}

/** Reads and parses a file into a table of the asked kind, recording the file's hash on the active run. */
async function loadFile(file: string, parse: (text: string) => Columns, as: ReadOptions["as"]): Promise<ColumnTable | DanfoFrame> {
  const table = makeTable(parse(readText(file)), as);
  await recordFile(file);
  return table;
}

/** The columns of CSV text; exported for tests and for loaders of CSV held in memory. */
export function csvColumns(file: string, text: string, options: CsvOptions = {}): Columns {
  let records;
  try {
    records = parseCsv(text, options.delimiter ?? ",");
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new DataFileError(file, e.message, e.line || undefined);
    throw e;
  }
  if (!records.length) throw new DataFileError(file, "the file is empty: there is nothing to load");
  const [header, ...rows] = records;
  const names = uniqueNames(file, header.fields, header.line);
  const raw: string[][] = names.map(() => []);
  for (const r of rows) {
    if (r.fields.length !== names.length) {
      throw new DataFileError(file, `${r.fields.length} fields where the header has ${names.length}: quote fields that contain the delimiter`, r.line);
    }
    r.fields.forEach((f, i) => raw[i].push(f));
  }
  const na = new Set(options.na ?? DEFAULT_NA);
  const out: Columns = {};
  names.forEach((n, i) => (out[n] = inferColumn(raw[i], na, options.parse ?? true)));
  return out;
}

/** Line (1-based) of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function parseJson(file: string, text: string, lineBase = 0): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const at = /position (\d+)/.exec(msg);
    const line = at ? lineAt(text, Number(at[1])) : lineAt(text, text.trimEnd().length);
    throw new DataFileError(file, `not valid JSON (${msg})`, lineBase + line);
  }
}

/** Rows (objects) → columns; keys in order of first appearance, absent keys → null. */
function rowsToColumns(file: string, rows: unknown[], lineOf: (i: number) => number | undefined): Columns {
  const names: string[] = [];
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (r === null || typeof r !== "object" || Array.isArray(r)) {
      throw new DataFileError(file, `row ${i + 1} is ${Array.isArray(r) ? "an array" : JSON.stringify(r)}, not an object: each row must be {"column": value, …}`, lineOf(i));
    }
    for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), names.push(k));
  });
  const out: Columns = {};
  for (const n of names) out[n] = rows.map((r) => ((r as Record<string, Value>)[n] ?? null));
  return out;
}

function jsonColumns(file: string, text: string): Columns {
  const data = parseJson(file, text);
  if (Array.isArray(data)) {
    if (!data.length) throw new DataFileError(file, "the array is empty: there are no rows to load");
    return rowsToColumns(file, data, () => undefined);
  }
  if (data !== null && typeof data === "object") {
    const entries = Object.entries(data as Record<string, unknown>);
    if (entries.length && entries.every(([, v]) => Array.isArray(v))) {
      const n = (entries[0][1] as unknown[]).length;
      const bad = entries.find(([, v]) => (v as unknown[]).length !== n);
      if (bad) throw new DataFileError(file, `column ${JSON.stringify(bad[0])} has ${(bad[1] as unknown[]).length} values where ${JSON.stringify(entries[0][0])} has ${n}: columns must be equally long`);
      return Object.fromEntries(entries) as Columns;
    }
  }
  throw new DataFileError(file, 'expected an array of row objects ([{"a": 1}, …]) or an object of equally long column arrays ({"a": [1, 2]}); for one JSON object per line use readJSONL');
}

export function readJSON(file: string, options?: ReadOptions & { as?: "arquero" }): Promise<ColumnTable>;
export function readJSON(file: string, options: ReadOptions & { as: "danfo" }): Promise<DanfoFrame>;
/** A JSON file holding an array of row objects or an object of column arrays. */
export async function readJSON(file: string, options: ReadOptions = {}): Promise<ColumnTable | DanfoFrame> {
  return loadFile(file, (text) => jsonColumns(file, text), options.as);
}

function jsonlColumns(file: string, text: string): Columns {
  const rows: unknown[] = [];
  const lines: number[] = [];
  text.split("\n").forEach((l, i) => {
    if (l.trim() === "") return;
    rows.push(parseJson(file, l, i));
    lines.push(i + 1);
  });
  return rowsToColumns(file, rows, (i) => lines[i]);
}

export function readJSONL(file: string, options?: ReadOptions & { as?: "arquero" }): Promise<ColumnTable>;
export function readJSONL(file: string, options: ReadOptions & { as: "danfo" }): Promise<DanfoFrame>;
/** JSON lines: one object per line (blank lines skipped). */
export async function readJSONL(file: string, options: ReadOptions = {}): Promise<ColumnTable | DanfoFrame> {
  return loadFile(file, (text) => jsonlColumns(file, text), options.as);
}

export function readARFF(file: string, options?: ReadOptions & { as?: "arquero" }): Promise<ColumnTable>;
export function readARFF(file: string, options: ReadOptions & { as: "danfo" }): Promise<DanfoFrame>;
/** Weka's ARFF format: typed attributes, quoted strings with escapes, `?` for missing, sparse rows. */
export async function readARFF(file: string, options: ReadOptions = {}): Promise<ColumnTable | DanfoFrame> {
  return loadFile(file, (text) => arffColumns(file, text), options.as);
}

export function arffColumns(file: string, text: string): Columns {
  const arff = parseArff(file, text);
  const out: Columns = {};
  arff.attributes.forEach((a, i) => (out[a.name] = arff.rows.map((r) => r[i])));
  return out;
}
