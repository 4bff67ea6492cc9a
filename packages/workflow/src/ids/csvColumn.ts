import { ValidationError } from '@mixpanel-gdpr/client';
import Papa from 'papaparse';
import { InvalidInput } from './InvalidInput.js';
import { releaseAcrossYield } from './releaseAcrossYield.js';
import { hasInvalidUtf8, printableBytes, Utf8Decoder } from './Utf8Decoder.js';

/**
 * Longest CSV row, in characters. Rows are parsed a read at a time and the
 * unfinished row is parsed again with the next read, so an unbounded row
 * (a huge field, or an unterminated quote swallowing the file) would cost
 * quadratic time and unbounded memory. A row cannot be skipped without
 * knowing where it ends, so a longer one stops the read with an error.
 * (1 Mi characters.)
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
 * data rows; a row without the column, or with an empty cell in it, is
 * reported with its row number (the header is row 1): an empty cell is a
 * missing id, not a blank line.
 */
export async function* csvColumn(
  bytes: AsyncIterable<Uint8Array>,
  column: string,
  name: string,
): AsyncGenerator<unknown[]> {
  const decoder = new Utf8Decoder();
  let index = -1;
  let row = 0;
  for await (const records of csvRecords(bytes, decoder, name)) {
    const ids: unknown[] = [];
    for (const record of records) {
      row++;
      if (isBlankRecord(record)) continue;
      if (index === -1) {
        index = headerIndex(record, column, name);
        continue;
      }
      ids.push(csvCell(record, index, column, row, decoder));
    }
    releaseAcrossYield(records);
    if (ids.length) yield ids;
  }
}

/** A blank line, or the '\r' left of a blank CRLF line ('\r' ending a field is trimmed with the id). */
export const isBlankRecord = (record: string[]): boolean =>
  record.length === 1 && (record[0] === '' || record[0] === '\r');

/** The id in `record` at `index` (`row` counts records, the header is row 1), or why there is none. */
export function csvCell(record: string[], index: number, column: string, row: number, decoder: Utf8Decoder): unknown {
  const value = record[index];
  if (value === undefined)
    return new InvalidInput(
      `no ${JSON.stringify(column)} cell: row ${row} has ${record.length} column${record.length === 1 ? '' : 's'}`,
      shownRow(record),
    );
  if (!value.trim()) return new InvalidInput(`empty ${JSON.stringify(column)} cell in row ${row}`, shownRow(record));
  return decoder.sawInvalid && hasInvalidUtf8(value)
    ? new InvalidInput('not valid UTF-8', printableBytes(value))
    : value;
}

/** The row, as a report shows it in place of an id that is not there. */
export const shownRow = (record: string[]) => printableBytes(record.join(','));

/** Where `column` is in the header; throws naming `field` (the option that named the column) if it is not there. */
export function headerIndex(header: string[], column: string, name: string, field = 'column'): number {
  const names = header.map((h) => h.trim());
  const index = names.indexOf(column);
  if (index === -1)
    throw new ValidationError(
      field,
      `column ${JSON.stringify(column)} is not in ${name} (columns: ${names.join(', ')})`,
    );
  return index;
}

/**
 * Rows, a chunk per read, from papaparse's core parser: about six
 * times faster than csv-parse here, which keeps CSV near the rate of plain
 * text. Driven here rather than by `Papa.parse(stream)`, which decoded each
 * read on its own (cutting characters) and guessed the delimiter and line
 * ending from the first read (so results depended on where reads ended,
 * and a one-column file of ids holding `|` was split at it).
 */
export async function* csvRecords(
  bytes: AsyncIterable<Uint8Array>,
  decoder: Utf8Decoder,
  name: string,
): AsyncGenerator<string[][]> {
  // '\n' only: a '\r' before it ends the last field, and papaparse allows it after a closing quote.
  // Rows are counted as records, blank ones too: for most files, row N is line N.
  const parser = new Papa.Parser({ delimiter: ',', newline: '\n', quoteChar: '"' });
  let partial = '';
  let row = 0;
  const rows = (input: string, final: boolean) => {
    const result = parser.parse(input, 0, !final) as CoreResult;
    const records = result.data;
    // Errors in the unfinished last row are ignored: it is parsed again with the next read.
    const error = result.errors.find((e) => final || e.row < records.length);
    if (error)
      throw new ValidationError(
        'ids',
        `${name} is not valid CSV: ${error.code === 'MissingQuotes' ? 'unterminated quote' : 'malformed quotes'} at row ${row + error.row + 1}`,
      );
    row += records.length;
    partial = input.slice(result.meta.cursor);
    if (partial.length > MAX_CSV_ROW_LENGTH)
      throw new ValidationError(
        'ids',
        `${name} is not valid CSV: row ${row + 1} is longer than ${MAX_CSV_ROW_LENGTH} characters (an unterminated quote?)`,
      );
    return records;
  };
  let first = true;
  const decode = (chunk: Uint8Array) => {
    const text = decoder.write(chunk);
    if (!first || !text) return text;
    first = false;
    // A byte order mark is never part of a column name (nor of a quoted one).
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  for await (const chunk of bytes) {
    const records = rows(partial + decode(chunk), false);
    if (records.length) yield records;
  }
  partial += decoder.end();
  if (partial) yield rows(partial, true);
}
