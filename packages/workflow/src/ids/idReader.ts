import { ValidationError } from '@mixpanel-gdpr/client';
import { csvColumn } from './csvColumn.js';
import { ndjsonField } from './ndjsonField.js';
import { textIds } from './textIds.js';

export type IdFileFormat = 'text' | 'csv' | 'ndjson';

export interface ReadIdsOptions {
  /** @default 'text': one id per line; `#` comment lines skipped, a CSV-looking file refused (see `textIds`) */
  format?: IdFileFormat;
  /** CSV: the header of the column holding the ids. */
  column?: string;
  /** NDJSON: the field holding the id. */
  field?: string;
  /** @internal Bytes per read, for tests that cut characters and lines at every offset. @default 1 MiB */
  chunkBytes?: number;
}

/** Reads ids from bytes (a file, stdin, or chunks in a test), as chunks (arrays) of raw values for `normalizeIds`. */
export type IdReader = (bytes: AsyncIterable<Uint8Array>, name: string) => AsyncGenerator<unknown[]>;

/** The reader for `options`, which are checked here, before anything is opened. */
export function idReader(options: ReadIdsOptions): IdReader {
  const format = options.format ?? 'text';
  if (format === 'text') return textIds;
  if (format === 'csv') {
    const column = options.column;
    if (!column)
      throw new ValidationError('column', 'column is required with the csv format (the header of the id column)');
    return (bytes, name) => csvColumn(bytes, column, name);
  }
  if (format === 'ndjson') {
    const field = options.field;
    if (!field) throw new ValidationError('field', 'field is required with the ndjson format (the key holding the id)');
    return (bytes, name) => ndjsonField(bytes, field, name);
  }
  throw new ValidationError('format', `format must be text, csv or ndjson (got ${JSON.stringify(format)})`);
}
