// Weka's ARFF format, parsed properly: quoted names and values (single or double quotes, with
// backslash escapes such as \n and \'), `%` comments, `?` for missing, sparse rows `{i v, …}`
// and instance weights `{w}`. Numeric attributes become numbers; nominal, string and date stay strings.
import { DataFileError } from "./errors";

export interface ArffAttribute {
  name: string;
  type: "numeric" | "string" | "date" | "nominal";
  /** The allowed values of a nominal attribute. */
  values?: string[];
}

export interface Arff {
  relation: string;
  attributes: ArffAttribute[];
  rows: (string | number | null)[][];
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "0": "\0" };

/** A cursor over the text that reads ARFF tokens and knows its line. */
class Scanner {
  i = 0;
  line = 1;
  constructor(readonly file: string, readonly text: string) {}

  fail(message: string, line = this.line): never {
    throw new DataFileError(this.file, message, line);
  }
  get done(): boolean {
    return this.i >= this.text.length;
  }
  peek(): string {
    return this.text[this.i];
  }
  /** Skips spaces and tabs (not line breaks). */
  blanks(): void {
    while (this.i < this.text.length && (this.text[this.i] === " " || this.text[this.i] === "\t")) this.i++;
  }
  /** Skips to after the next line break. */
  nextLine(): void {
    while (this.i < this.text.length && this.text[this.i] !== "\n") this.i++;
    if (this.i < this.text.length) (this.i++, this.line++);
  }
  atLineEnd(): boolean {
    this.blanks();
    return this.done || this.peek() === "\n" || this.peek() === "\r" || this.peek() === "%";
  }
  /** A quoted or bare token; bare tokens end at whitespace or any of `stops`. */
  token(stops: string): { text: string; quoted: boolean } {
    this.blanks();
    const q = this.peek();
    if (q === "'" || q === '"') {
      const open = this.line;
      let out = "";
      this.i++;
      // Copy runs of plain characters at once; only quotes, backslashes and line breaks stop the scan.
      for (;;) {
        let j = this.i;
        const t = this.text;
        while (j < t.length && t[j] !== q && t[j] !== "\\" && t[j] !== "\n") j++;
        out += t.slice(this.i, j);
        this.i = j;
        if (this.done) this.fail(`a string opened with ${q} is never closed`, open);
        const c = t[this.i++];
        if (c === q) break;
        if (c === "\n") {
          this.line++;
          out += c;
        } else if (!this.done) {
          const e = t[this.i++];
          out += ESCAPES[e] ?? e;
        }
      }
      return { text: out, quoted: true };
    }
    const from = this.i;
    while (!this.done) {
      const c = this.text.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13 || stops.includes(this.text[this.i])) break;
      this.i++;
    }
    return { text: this.text.slice(from, this.i), quoted: false };
  }
}

export function parseArff(file: string, text: string): Arff {
  const s = new Scanner(file, text);
  let relation = "";
  const attributes: ArffAttribute[] = [];
  // Header: one declaration per line until @data.
  for (;;) {
    if (s.done) s.fail("no @data section: an ARFF file declares @attribute lines, then @data and the rows");
    if (s.atLineEnd()) {
      s.nextLine();
      continue;
    }
    const line = s.line;
    const keyword = s.token("").text.toLowerCase();
    if (keyword === "@relation") relation = s.token("").text;
    else if (keyword === "@attribute") {
      const name = s.token("{").text;
      s.blanks();
      if (s.peek() === "{") {
        s.i++;
        const values: string[] = [];
        for (;;) {
          s.blanks();
          if (s.peek() === "}") {
            s.i++;
            break;
          }
          if (s.done || s.peek() === "\n") s.fail(`the values of nominal attribute ${JSON.stringify(name)} are not closed with }`, line);
          values.push(s.token(",}").text);
          s.blanks();
          if (s.peek() === ",") s.i++;
        }
        attributes.push({ name, type: "nominal", values });
      } else {
        const type = s.token("").text.toLowerCase();
        if (type === "numeric" || type === "real" || type === "integer") attributes.push({ name, type: "numeric" });
        else if (type === "string") attributes.push({ name, type: "string" });
        else if (type === "date") attributes.push({ name, type: "date" });
        else s.fail(`attribute ${JSON.stringify(name)} has type ${JSON.stringify(type)}, which modelbench does not read (numeric, integer, real, string, date and {nominal} are supported)`, line);
      }
    } else if (keyword === "@data") {
      s.nextLine();
      break;
    } else s.fail(`expected @relation, @attribute or @data, found ${JSON.stringify(keyword)}`, line);
    s.nextLine();
  }
  if (!attributes.length) s.fail("no @attribute lines before @data");

  const convert = (a: ArffAttribute, tok: { text: string; quoted: boolean }, line: number): string | number | null => {
    if (!tok.quoted && tok.text === "?") return null;
    if (a.type === "numeric") {
      const v = Number(tok.text);
      if (tok.text === "" || Number.isNaN(v)) s.fail(`${JSON.stringify(tok.text)} is not a number (attribute ${JSON.stringify(a.name)})`, line);
      return v;
    }
    if (a.type === "nominal" && !a.values!.includes(tok.text)) {
      s.fail(`${JSON.stringify(tok.text)} is not one of the values of ${JSON.stringify(a.name)}: {${a.values!.join(",")}}`, line);
    }
    return tok.text;
  };
  const zero = (a: ArffAttribute) => (a.type === "numeric" ? 0 : a.type === "nominal" ? a.values![0] : "");

  const rows: (string | number | null)[][] = [];
  while (!s.done) {
    if (s.atLineEnd()) {
      s.nextLine();
      continue;
    }
    const line = s.line;
    let row: (string | number | null)[];
    if (s.peek() === "{") {
      s.i++;
      row = attributes.map(zero);
      for (;;) {
        s.blanks();
        if (s.peek() === "}") {
          s.i++;
          break;
        }
        const idx = Number(s.token(",}").text);
        if (!Number.isInteger(idx) || idx < 0 || idx >= attributes.length) s.fail(`a sparse row names attribute index ${idx}; indices run from 0 to ${attributes.length - 1}`, line);
        row[idx] = convert(attributes[idx], s.token(",}"), line);
        s.blanks();
        if (s.peek() === ",") s.i++;
        else if (s.peek() !== "}") s.fail("a sparse row {index value, …} is not closed with }", line);
      }
    } else {
      row = [];
      for (let k = 0; ; k++) {
        if (k >= attributes.length) s.fail(`more values than the ${attributes.length} attributes declared`, line);
        row.push(convert(attributes[k], s.token(","), line));
        s.blanks();
        if (s.peek() === ",") {
          s.i++;
          continue;
        }
        break;
      }
      if (row.length !== attributes.length) s.fail(`${row.length} values where ${attributes.length} attributes are declared`, line);
    }
    s.blanks();
    if (s.peek() === "{") s.token("}"); // an instance weight {w}
    if (s.peek() === "}") s.i++;
    if (!s.atLineEnd()) s.fail(`unexpected ${JSON.stringify(s.peek())} after the row's last value`, line);
    rows.push(row);
    s.nextLine();
  }
  return { relation, attributes, rows };
}
