import { InvalidInput } from './InvalidInput.js';
import { idField, isJsonObject, MAX_NDJSON_LINE_LENGTH, parseJsonLine } from './ndjsonField.js';
import { printable } from './printable.js';
import { OPTIONAL_REQUEST_FIELDS, type RequestFields, type RequestRow } from './RequestRow.js';
import { rawJsonValue } from './rawJsonValue.js';
import { readLines } from './readLines.js';
import { releaseAcrossYield } from './releaseAcrossYield.js';
import { requestText } from './requestText.js';

/**
 * A request row per NDJSON line, a chunk per read, with the same lines as
 * `ndjsonField` (the same line bound and UTF-8 checks; a line that is not
 * JSON stops the read): the id is exactly the value `ndjsonField` would
 * yield. Blank lines yield no row but are counted, so positions are line
 * numbers. A line that could not be read (invalid UTF-8, too long) is one
 * `InvalidInput`, given for every field of its row.
 */
export async function* ndjsonRequestRows(
  bytes: AsyncIterable<Uint8Array>,
  fields: RequestFields,
  name: string,
): AsyncGenerator<RequestRow[]> {
  let lineNumber = 0;
  for await (const lines of readLines(bytes, MAX_NDJSON_LINE_LENGTH)) {
    const rows: RequestRow[] = [];
    for (const line of lines) {
      lineNumber++;
      if (typeof line !== 'string') rows.push(unreadableRow(line, lineNumber, fields));
      else if (line.trim()) rows.push(recordRow(line, lineNumber, fields, name));
    }
    releaseAcrossYield(lines);
    if (rows.length) yield rows;
  }
}

function unreadableRow(line: InvalidInput, position: number, fields: RequestFields): RequestRow {
  const row: RequestRow = { position, id: line, request: line };
  for (const key of OPTIONAL_REQUEST_FIELDS) if (fields[key] !== undefined) row[key] = line;
  return row;
}

function recordRow(line: string, lineNumber: number, fields: RequestFields, name: string): RequestRow {
  const record = parseJsonLine(line, name, lineNumber);
  const row: RequestRow = {
    position: lineNumber,
    id: idField(record, line, fields.id),
    request: textField(record, line, fields.request, lineNumber),
  };
  for (const key of OPTIONAL_REQUEST_FIELDS) {
    const field = fields[key];
    if (field !== undefined) row[key] = textField(record, line, field, lineNumber);
  }
  return row;
}

/**
 * A request field's string, trimmed. Anything else is reported, not
 * converted: a date written as the number 20261102 is not the text
 * "20261102" to a reader of the file, and a ticket number written as
 * 1e3 would become "1000".
 */
function textField(record: unknown, line: string, field: string, lineNumber: number): string | InvalidInput {
  const what = `field ${JSON.stringify(field)} on line ${lineNumber}`;
  const shown = () => printable(line);
  // Only an own field of an object, as for the id.
  if (!isJsonObject(record)) return new InvalidInput(`no ${what}: the line is not a JSON object`, shown());
  if (!Object.hasOwn(record, field)) return new InvalidInput(`no ${what}`, shown());
  const value = record[field];
  if (typeof value === 'string') return requestText(value, what, shown);
  if (typeof value === 'number') {
    const raw = rawJsonValue(line, field) ?? String(value);
    return new InvalidInput(`${what} is the number ${raw}, not a string: quote it as written`, shown());
  }
  return new InvalidInput(`${what} is ${jsonType(value)}, not a string`, shown());
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
