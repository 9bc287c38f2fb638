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
      if (text[i] === '"') {
        const open = line;
        i++;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(open, "a quoted field is never closed: add the closing \" (a quote inside a field is written \"\")");
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n") line++;
          field += c;
          i++;
        }
        if (i < n && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") {
          throw new CsvSyntaxError(line, `unexpected ${JSON.stringify(text[i])} after a closing quote: a quote inside a field is written ""`);
        }
      } else {
        const from = i;
        while (i < n && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") {
          if (text[i] === '"') throw new CsvSyntaxError(line, 'a quote in the middle of an unquoted field: quote the whole field and double the quote ("say ""hi""")');
          i++;
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
