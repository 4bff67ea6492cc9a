import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ValidationError } from '@mixpanel-gdpr/client';

export type IdFileFormat = 'text' | 'csv' | 'ndjson';

export interface ReadIdsOptions {
  /** @default 'text': one id per line */
  format?: IdFileFormat;
  /** CSV: the header of the column holding the ids. */
  column?: string;
  /** NDJSON: the field holding the id. */
  field?: string;
}

/**
 * Streams ids from a file (or `-` for stdin) without reading it whole.
 * Structural problems (missing file, unknown column, malformed CSV or JSON)
 * throw a `ValidationError` naming the file and line.
 */
export async function readIdsFromFile(path: string, options: ReadIdsOptions = {}): Promise<AsyncIterable<unknown>> {
  const format = options.format ?? 'text';
  if (path !== '-') {
    await access(path).catch(() => {
      throw new ValidationError('ids', `ids file ${JSON.stringify(path)} does not exist or cannot be read`);
    });
  }
  const open = (): Readable => (path === '-' ? process.stdin : createReadStream(path));
  const name = path === '-' ? 'stdin' : path;
  if (format === 'text') return lines(open());
  if (format === 'csv') {
    if (!options.column) throw new ValidationError('column', 'column is required with the csv format (the header of the id column)');
    return csvColumn(open(), options.column, name);
  }
  if (format === 'ndjson') {
    if (!options.field) throw new ValidationError('field', 'field is required with the ndjson format (the key holding the id)');
    return ndjsonField(open(), options.field, name);
  }
  throw new ValidationError('format', `format must be text, csv or ndjson (got ${JSON.stringify(format)})`);
}

async function* lines(input: Readable): AsyncGenerator<string> {
  yield* createInterface({ input, crlfDelay: Infinity });
}

async function* csvColumn(input: Readable, column: string, name: string): AsyncGenerator<string> {
  const parser = input.pipe(parse({ columns: true, skip_empty_lines: true, bom: true, trim: true }));
  let checked = false;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      if (!checked) {
        checked = true;
        if (!(column in record)) {
          throw new ValidationError('column', `column ${JSON.stringify(column)} is not in ${name} (columns: ${Object.keys(record).join(', ')})`);
        }
      }
      yield record[column] ?? '';
    }
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError('ids', `${name} is not valid CSV: ${(error as Error).message}`);
  }
}

async function* ndjsonField(input: Readable, field: string, name: string): AsyncGenerator<unknown> {
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (!line.trim()) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new ValidationError('ids', `${name} line ${lineNumber} is not valid JSON`);
    }
    const value = (record as Record<string, unknown> | null)?.[field];
    // Numeric user ids are common in exports; anything else is reported as invalid downstream.
    yield typeof value === 'number' ? String(value) : value;
  }
}
