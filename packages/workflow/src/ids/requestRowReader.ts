import { ValidationError } from '@mixpanel-gdpr/client';
import { csvRequestRows } from './csvRequestRows.js';
import { ndjsonRequestRows } from './ndjsonRequestRows.js';
import {
  OPTIONAL_REQUEST_FIELDS,
  REQUEST_OPTION_NAMES,
  type ReadRequestRowsOptions,
  type RequestFields,
  type RequestRow,
} from './RequestRow.js';

export type { ReadRequestRowsOptions, RequestRow } from './RequestRow.js';

/** Reads request rows from bytes (a file, stdin, or chunks in a test), a chunk (array) per read. */
export type RequestRowReader = (bytes: AsyncIterable<Uint8Array>, name: string) => AsyncGenerator<RequestRow[]>;

/** The reader for `options`, which are checked here, before anything is opened. */
export function requestRowReader(options: ReadRequestRowsOptions): RequestRowReader {
  const format = options.format as string;
  if (format === 'text' || format === undefined)
    throw new ValidationError(
      'format',
      'request columns need the csv or ndjson format: a text file holds only ids, one per line',
    );
  if (format !== 'csv' && format !== 'ndjson')
    throw new ValidationError('format', `format must be csv or ndjson (got ${JSON.stringify(format)})`);
  const fields = requestFields(options);
  return format === 'csv'
    ? (bytes, name) => csvRequestRows(bytes, fields, name)
    : (bytes, name) => ndjsonRequestRows(bytes, fields, name);
}

/** The named columns: the required ones there, none empty, none named twice (one cell cannot be two things). */
function requestFields(options: ReadRequestRowsOptions): RequestFields {
  const named = new Map<string, string>();
  const check = (option: keyof RequestFields, required: boolean): string | undefined => {
    const optionName = REQUEST_OPTION_NAMES[option];
    const value: unknown = options[optionName];
    if (value === undefined && !required) return undefined;
    if (value === undefined)
      throw new ValidationError(
        optionName,
        `${optionName} is required with request columns: the column (csv) or field (ndjson) holding the ${option === 'id' ? 'ids' : 'request (ticket) ids'}`,
      );
    if (typeof value !== 'string' || !value)
      throw new ValidationError(optionName, `${optionName} must name a column (got ${JSON.stringify(value)})`);
    const other = named.get(value);
    if (other) throw new ValidationError(optionName, `${optionName} and ${other} both name ${JSON.stringify(value)}`);
    named.set(value, optionName);
    return value;
  };
  const fields: RequestFields = { id: check('id', true)!, request: check('request', true)! };
  for (const key of OPTIONAL_REQUEST_FIELDS) {
    const value = check(key, false);
    if (value !== undefined) fields[key] = value;
  }
  return fields;
}
