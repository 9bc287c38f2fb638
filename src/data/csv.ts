// A CSV reader (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes) that keeps
// line numbers, so a ragged row or an unclosed quote is reported at the line where it happens.

export interface CsvRecord {
  /** 1-based line in the file where the record starts. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

/** Splits text into records. Blank lines are skipped; a trailing line break is not a record. */
export function parseCsv(text: string, delimiter = ","): CsvRecord[] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new CsvSyntaxError(0, `the delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  const records: CsvRecord[] = [];
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = "";
    let atEnd = false;
    // A record that is just a line break is blank.
    if (text[i] === "\n" || text[i] === "\r") {
      i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
      continue;
    }
    while (!atEnd) {
      if (text.charCodeAt(i) === 34) {
        // Quoted: jump from quote to quote; a doubled quote is one quote character.
        const open = line;
        i++;
        field = "";
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new CsvSyntaxError(open, "a quoted field is never closed: add the closing \" (a quote inside a field is written \"\")");
          const chunk = text.slice(i, q);
          field += chunk;
          for (let k = chunk.indexOf("\n"); k >= 0; k = chunk.indexOf("\n", k + 1)) line++;
          if (text.charCodeAt(q + 1) === 34) {
            field += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        const c = text.charCodeAt(i);
        if (i < n && c !== delim && c !== 10 && c !== 13) {
          throw new CsvSyntaxError(line, `unexpected ${JSON.stringify(text[i])} after a closing quote: a quote inside a field is written ""`);
        }
      } else {
        const from = i;
        for (; i < n; i++) {
          const c = text.charCodeAt(i);
          if (c === delim || c === 10 || c === 13) break;
          if (c === 34) throw new CsvSyntaxError(line, 'a quote in the middle of an unquoted field: quote the whole field and double the quote ("say ""hi""")');
        }
        field = text.slice(from, i);
      }
      fields.push(field);
      field = "";
      if (i >= n) atEnd = true;
      else if (text[i] === delimiter) i++;
      else {
        i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1;
        line++;
        atEnd = true;
      }
    }
    records.push({ line: start, fields });
  }
  return records;
}
