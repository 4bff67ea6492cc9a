import Papa from 'papaparse';
import { ValidationError } from '@mixpanel-gdpr/client';
import { InvalidInput } from './InvalidInput.js';
import { decodeUtf8, hasInvalidUtf8, printableBytes, Utf8Decoder } from './Utf8Decoder.js';

/**
 * Longest CSV row, in characters. Rows are parsed a read at a time and the
 * unfinished row is parsed again with the next read, so an unbounded row
 * (a huge field, or an unterminated quote swallowing the file) would cost
 * quadratic time and unbounded memory. A row cannot be skipped without
 * knowing where it ends, so a longer one stops the read with an error.
 * @default 1 MiB of characters
 */
export const MAX_CSV_ROW_LENGTH = 1 << 20;

/** What papaparse's core parser returns (its typings say `any`). */
interface CoreResult {
  data: string[][];
  errors: { code: string; row: number }[];
  meta: { cursor: number };
}

/**
 * The `column` of each row (by header), a chunk per read. Positions count
 * data rows; a row without the column is reported as missing.
 */
export async function* csvColumn(bytes: AsyncIterable<Uint8Array>, column: string, name: string): AsyncGenerator<unknown[]> {
  const decoder = new Utf8Decoder();
  let index = -1;
  for await (const records of csvRecords(decodeUtf8(bytes, decoder), name)) {
    const ids: unknown[] = [];
    for (const record of records) {
      if (index === -1) {
        index = headerIndex(record, column, name);
        continue;
      }
      const value = record[index];
      ids.push(value !== undefined && decoder.sawInvalid && hasInvalidUtf8(value) ? new InvalidInput('not valid UTF-8', printableBytes(value)) : value);
    }
    if (ids.length) yield ids;
  }
}

function headerIndex(header: string[], column: string, name: string): number {
  const names = header.map((h) => h.trim());
  const index = names.indexOf(column);
  if (index === -1) throw new ValidationError('column', `column ${JSON.stringify(column)} is not in ${name} (columns: ${names.join(', ')})`);
  return index;
}

/**
 * Non-blank rows, a chunk per read, from papaparse's core parser: about six
 * times faster than csv-parse here, which keeps CSV near the rate of plain
 * text. Driven here rather than by `Papa.parse(stream)`, which decoded each
 * read on its own (cutting characters) and guessed the delimiter and line
 * ending from the first read (so results depended on where reads ended,
 * and a one-column file of ids holding `|` was split at it).
 */
async function* csvRecords(texts: AsyncIterable<string>, name: string): AsyncGenerator<string[][]> {
  // '\n' only: a '\r' before it ends the last field, and papaparse allows it after a closing quote.
  const parser = new Papa.Parser({ delimiter: ',', newline: '\n', quoteChar: '"' });
  let partial = '';
  let row = 0;
  const rows = (input: string, final: boolean) => {
    const result = parser.parse(input, 0, !final) as CoreResult;
    const records = result.data;
    // Errors in the unfinished last row are ignored: it is parsed again with the next read.
    const error = result.errors.find((e) => final || e.row < records.length);
    if (error) throw new ValidationError('ids', `${name} is not valid CSV: ${error.code === 'MissingQuotes' ? 'unterminated quote' : 'malformed quotes'} at row ${row + nonBlank(records.slice(0, error.row)).length + 1}`);
    const kept = nonBlank(records);
    row += kept.length;
    partial = input.slice(result.meta.cursor);
    if (partial.length > MAX_CSV_ROW_LENGTH) throw new ValidationError('ids', `${name} is not valid CSV: row ${row + 1} is longer than ${MAX_CSV_ROW_LENGTH} characters (an unterminated quote?)`);
    return kept;
  };
  let first = true;
  for await (let text of texts) {
    // A byte order mark is never part of a column name (nor of a quoted one).
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    const kept = rows(partial + text, false);
    if (kept.length) yield kept;
  }
  if (partial) yield rows(partial, true);
}

/** Rows with something in them, the '\r' of a CRLF line ending dropped. */
function nonBlank(records: string[][]): string[][] {
  const kept: string[][] = [];
  for (const record of records) {
    const last = record.length - 1;
    const field = record[last]!;
    if (field.charCodeAt(field.length - 1) === 13) record[last] = field.slice(0, -1);
    if (last > 0 || record[0]) kept.push(record);
  }
  return kept;
}
