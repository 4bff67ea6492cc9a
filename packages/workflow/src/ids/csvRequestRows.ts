import { csvCell, csvRecords, headerIndex, isBlankRecord, shownRow } from './csvColumn.js';
import { InvalidInput } from './InvalidInput.js';
import { OPTIONAL_REQUEST_FIELDS, REQUEST_OPTION_NAMES, type RequestFields, type RequestRow } from './RequestRow.js';
import { releaseAcrossYield } from './releaseAcrossYield.js';
import { requestText } from './requestText.js';
import { Utf8Decoder } from './Utf8Decoder.js';

/** Where each named column is in the header. */
type ColumnIndexes = { [K in keyof RequestFields]: number };

/**
 * A request row per CSV data row, a chunk per read, with the same records
 * as `csvColumn` (the same parser, row bound, UTF-8 checks; blank lines
 * skipped): the id is exactly the cell `csvColumn` would yield. Reasons
 * count rows as records (the header is row 1).
 */
export async function* csvRequestRows(
  bytes: AsyncIterable<Uint8Array>,
  fields: RequestFields,
  name: string,
): AsyncGenerator<RequestRow[]> {
  const decoder = new Utf8Decoder();
  let indexes: ColumnIndexes | undefined;
  let row = 0;
  let position = 0;
  for await (const records of csvRecords(bytes, decoder, name)) {
    const rows: RequestRow[] = [];
    for (const record of records) {
      row++;
      if (isBlankRecord(record)) continue;
      if (indexes) rows.push(requestRow(record, ++position, row, fields, indexes, decoder));
      else indexes = columnIndexes(record, fields, name);
    }
    releaseAcrossYield(records);
    if (rows.length) yield rows;
  }
}

function columnIndexes(header: string[], fields: RequestFields, name: string): ColumnIndexes {
  const index = (key: keyof RequestFields, column: string) =>
    headerIndex(header, column, name, REQUEST_OPTION_NAMES[key]);
  const indexes: ColumnIndexes = { id: index('id', fields.id), request: index('request', fields.request) };
  for (const key of OPTIONAL_REQUEST_FIELDS) {
    const column = fields[key];
    if (column !== undefined) indexes[key] = index(key, column);
  }
  return indexes;
}

function requestRow(
  record: string[],
  position: number,
  row: number,
  fields: RequestFields,
  indexes: ColumnIndexes,
  decoder: Utf8Decoder,
): RequestRow {
  const text = (index: number, column: string): string | InvalidInput => {
    const value = record[index];
    if (value === undefined)
      return new InvalidInput(
        `no ${JSON.stringify(column)} cell: row ${row} has ${record.length} column${record.length === 1 ? '' : 's'}`,
        shownRow(record),
      );
    return requestText(
      value,
      `${JSON.stringify(column)} cell in row ${row}`,
      () => shownRow(record),
      decoder.sawInvalid,
    );
  };
  const result: RequestRow = {
    position,
    id: csvCell(record, indexes.id, fields.id, row, decoder),
    request: text(indexes.request, fields.request),
  };
  for (const key of OPTIONAL_REQUEST_FIELDS) {
    const index = indexes[key];
    if (index !== undefined) result[key] = text(index, fields[key]!);
  }
  return result;
}
