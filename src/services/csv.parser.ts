// A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF, newlines inside quotes, each record with its physical line.

/** One record and the physical line (1-based) it starts on, as an editor shows it. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

const BOM = '\uFEFF';

/**
 * UTF-8 text, BOM removed. Excel on a Chinese Windows saves "CSV" as GBK by default; decoding that
 * as UTF-8 would import garbled names, so invalid UTF-8 is refused with the line it is on.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return text.startsWith(BOM) ? text.slice(1) : text;
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    const line = lenient.slice(0, Math.max(at, 0)).split('\n').length;
    throw new CsvSyntaxError(line, 'The file is not UTF-8 text (in Excel: Save As "CSV UTF-8")');
  }
}

/**
 * Splits CSV text into records. Blank lines are skipped (their lines still count); a quote inside
 * an unquoted field is kept as it is, as spreadsheet programs do.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  // The current field was quoted: an empty quoted field is still a field, and a second quote cannot open again.
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;

  const endField = () => {
    fields.push(field);
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    endField();
    // Spreadsheets pad the sheet with rows of empty cells (",,,"): they are not records.
    if (fields.some((f) => f.trim() !== '')) records.push({ line: recordLine, fields });
    fields = [];
  };

  while (i < n) {
    const ch = text[i];
    if (ch === '"' && field === '' && !quoted) {
      // A quoted field: runs to the next quote that is not doubled.
      const openedOn = line;
      i++;
      let closed = false;
      while (i < n) {
        const q = text.indexOf('"', i);
        if (q === -1) break;
        const chunk = text.slice(i, q);
        field += chunk;
        line += countNewlines(chunk);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          closed = true;
          break;
        }
      }
      if (!closed) throw new CsvSyntaxError(openedOn, 'A quoted field is never closed (a missing ")');
      const next = text[i];
      if (i < n && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError(line, 'Unexpected text after a closing quote (a quote inside a field must be doubled: "")');
      }
      quoted = true;
      continue;
    }
    if (ch === ',') {
      endField();
      i++;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    // Plain run up to the next separator, quote or line end.
    let j = i + 1;
    while (j < n) {
      const c = text[j];
      if (c === ',' || c === '\n' || c === '\r') break;
      j++;
    }
    field += text.slice(i, j);
    i = j;
  }
  if (field !== '' || quoted || fields.length > 0) endRecord();
  return records;
}

function countNewlines(s: string): number {
  let count = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (c === '\n') count++;
    else if (c === '\r' && s[k + 1] !== '\n') count++;
  }
  return count;
}
