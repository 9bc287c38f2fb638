// jupytext.toml: which notebooks are paired with which text format, and the format options.
// Only same-folder pairs of .ipynb with a percent script are supported; anything else is refused.
import * as fs from "fs";
import * as path from "path";
import { UnsupportedFormatError } from "./errors";
import { FormatOptions, SCRIPT_LANGUAGES } from "./percent";

export interface JupytextConfig {
  /** Where the configuration file is (undefined: none found, defaults apply). */
  file?: string;
  /** The raw `formats` setting, e.g. "ipynb,ts:percent". */
  formats?: string;
  format: FormatOptions;
  /** Seconds by which an .ipynb must be newer than its text file to be taken as the newer one. */
  outdatedTextNotebookMargin: number;
}

/** The text side of a pairing: its extension (".ts"). */
export interface Pairing {
  extension: string;
}

const CONFIG_NAMES = ["jupytext.toml", ".jupytext.toml"];

/** The nearest jupytext.toml at or above `dir` (jupytext looks in the same places). */
export function loadConfig(dir: string): JupytextConfig {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    for (const name of CONFIG_NAMES) {
      const file = path.join(d, name);
      if (fs.existsSync(file)) return parseConfig(fs.readFileSync(file, "utf8"), file);
    }
    if (path.dirname(d) === d) return { format: {}, outdatedTextNotebookMargin: 1 };
  }
}

/** The subset of TOML jupytext.toml files use: `key = "string" | true | false | number | ["a", "b"]`. */
export function parseConfig(text: string, file = "jupytext.toml"): JupytextConfig {
  const values: Record<string, string | boolean | number | string[]> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+|\s+$/g, "");
    if (!line || line.startsWith("#")) return;
    if (line.startsWith("[")) {
      throw new UnsupportedFormatError(`${file}:${i + 1}: table ${line} is not supported; modelbench pairs notebooks in the same folder: use formats = "ipynb,ts:percent"`);
    }
    const m = /^([A-Za-z0-9_]+)\s*=\s*(.*?)\s*(#[^"']*)?$/.exec(line);
    if (!m) throw new UnsupportedFormatError(`${file}:${i + 1}: cannot read ${JSON.stringify(line)}; write settings as key = "value"`);
    const [, key, value] = m;
    if (/^".*"$/.test(value)) values[key] = JSON.parse(value);
    else if (/^'.*'$/.test(value)) values[key] = value.slice(1, -1);
    else if (value === "true" || value === "false") values[key] = value === "true";
    else if (/^-?\d+(\.\d+)?$/.test(value)) values[key] = Number(value);
    else if (/^\[.*\]$/.test(value)) values[key] = JSON.parse(value.replace(/'/g, '"'));
    else throw new UnsupportedFormatError(`${file}:${i + 1}: cannot read the value of ${key}; quote strings: ${key} = "${value}"`);
  });
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const bool = (k: string) => (typeof values[k] === "boolean" ? (values[k] as boolean) : undefined);
  const formats = Array.isArray(values.formats) ? values.formats.join(",") : str("formats");
  const format: FormatOptions = {};
  for (const k of ["notebook_metadata_filter", "cell_metadata_filter", "custom_cell_magics", "custom_language_magics"] as const) if (str(k) !== undefined) format[k] = str(k);
  if (bool("comment_magics") !== undefined) format.comment_magics = bool("comment_magics");
  const margin = typeof values.outdated_text_notebook_margin === "number" ? values.outdated_text_notebook_margin : 1;
  return { file, formats, format, outdatedTextNotebookMargin: margin };
}

/** The text format a `formats` string pairs .ipynb with; refuses what modelbench cannot sync. */
export function parsePairing(formats: string, where: string): Pairing {
  const entries = formats.split(",").map((f) => f.trim()).filter(Boolean);
  let text: Pairing | undefined;
  let hasIpynb = false;
  for (const entry of entries) {
    const hint = `modelbench pairs a notebook with a percent script in the same folder, e.g. formats = "ipynb,ts:percent"`;
    if (entry.includes("/")) throw new UnsupportedFormatError(`${where}: format '${entry}' puts the paired file in another folder; ${hint}`);
    const [extPart, name] = entry.split(":");
    const ext = "." + extPart.replace(/^\./, "");
    if (ext === ".ipynb") {
      hasIpynb = true;
      continue;
    }
    if (!/^\.[A-Za-z0-9]+$/.test(ext)) throw new UnsupportedFormatError(`${where}: format '${entry}' has a prefix or suffix; ${hint}`);
    if (!(ext in SCRIPT_LANGUAGES)) throw new UnsupportedFormatError(`${where}: format '${entry}' is not supported (only ${Object.keys(SCRIPT_LANGUAGES).join(", ")} scripts); ${hint}`);
    if (name !== undefined && name !== "percent") throw new UnsupportedFormatError(`${where}: format '${entry}' is jupytext's '${name}' format, not 'percent'; ${hint}`);
    if (text) throw new UnsupportedFormatError(`${where}: formats '${formats}' pair more than one text file; ${hint}`);
    text = { extension: ext };
  }
  if (!hasIpynb || !text) throw new UnsupportedFormatError(`${where}: formats '${formats}' is not an .ipynb + script pair; modelbench pairs a notebook with a percent script in the same folder, e.g. formats = "ipynb,ts:percent"`);
  return text;
}
