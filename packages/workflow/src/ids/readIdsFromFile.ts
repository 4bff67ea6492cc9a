import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import Papa from 'papaparse';
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

/** Bytes read at a time: large enough that a million ids take a few dozen reads. */
const READ_CHUNK_BYTES = 1 << 20;

/**
 * Streams ids from a file (or `-` for stdin) without reading it whole, as
 * chunks (arrays) of raw values for `normalizeIds`. Structural problems
 * (missing file, unknown column, malformed CSV or JSON) throw a
 * `ValidationError` naming the file and line.
 */
export async function readIdsFromFile(path: string, options: ReadIdsOptions = {}): Promise<AsyncIterable<unknown[]>> {
  const format = options.format ?? 'text';
  if (path !== '-') {
    await access(path).catch(() => {
      throw new ValidationError('ids', `ids file ${JSON.stringify(path)} does not exist or cannot be read`);
    });
  }
  const open = (): Readable => (path === '-' ? process.stdin : createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }));
  const name = path === '-' ? 'stdin' : path;
  if (format === 'text') return lineChunks(open());
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

/** Lines, a chunk per read; CRLF and a missing final newline are fine. */
async function* lineChunks(input: Readable): AsyncGenerator<string[]> {
  input.setEncoding('utf8');
  let rest = '';
  for await (const text of input as AsyncIterable<string>) {
    const lines = (rest + text).split('\n');
    rest = lines.pop()!;
    yield lines.map(stripCr);
  }
  if (rest) yield [stripCr(rest)];
}

const stripCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);

async function* csvColumn(input: Readable, column: string, name: string): AsyncGenerator<string[]> {
  let index = -1;
  let row = 0;
  for await (const records of papaChunks(input)) {
    if (index === -1) {
      const header = records.shift()!.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
      row++;
      index = header.indexOf(column);
      if (index === -1) throw new ValidationError('column', `column ${JSON.stringify(column)} is not in ${name} (columns: ${header.join(', ')})`);
    }
    const ids: string[] = [];
    for (const record of records) {
      row++;
      // An unterminated quote swallows the rest of the file into one field.
      if (record.length === 1 && record[0]!.includes('\n')) throw new ValidationError('ids', `${name} is not valid CSV: unterminated quote at row ${row}`);
      ids.push(record[index] ?? '');
    }
    yield ids;
  }
}

/**
 * Rows from papaparse, a chunk at a time. papaparse rather than csv-parse:
 * about six times faster here (3M rows/s), which keeps CSV input near the
 * rate of plain text. Its push API is turned into a pull one, pausing the
 * parser while a chunk waits, so memory stays bounded.
 */
async function* papaChunks(input: Readable): AsyncGenerator<string[][]> {
  const queue: string[][][] = [];
  let done = false;
  let failure: Error | undefined;
  let parser: Papa.Parser | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  Papa.parse<string[]>(input as unknown as File, {
    skipEmptyLines: true,
    chunk: (results, p) => {
      parser = p;
      queue.push(results.data);
      p.pause();
      notify();
    },
    complete: () => {
      done = true;
      notify();
    },
    error: (error: Error) => {
      failure = error;
      notify();
    },
  });
  input.once('error', (error) => {
    failure = error;
    notify();
  });
  for (;;) {
    const chunk = queue.shift();
    if (chunk) {
      yield chunk;
      continue;
    }
    if (failure) throw failure;
    if (done) return;
    const waiting = new Promise<void>((resolve) => (wake = resolve));
    parser?.resume();
    await waiting;
  }
}

/** Everything an object-mode stream has buffered, a chunk per wake-up, instead of one await per record. */
async function* recordChunks<T>(stream: Readable): AsyncGenerator<T[]> {
  let ended = false;
  let failure: Error | undefined;
  stream.once('end', () => (ended = true));
  stream.once('error', (error) => (failure = error));
  for (;;) {
    const chunk: T[] = [];
    for (let record = stream.read() as T | null; record !== null; record = stream.read() as T | null) chunk.push(record);
    if (chunk.length) yield chunk;
    else if (failure) throw failure;
    else if (ended || stream.readableEnded) return;
    else {
      await new Promise<void>((resolve) => {
        const wake = () => {
          stream.off('readable', wake).off('end', wake).off('error', wake);
          resolve();
        };
        stream.on('readable', wake).on('end', wake).on('error', wake);
      });
    }
  }
}

async function* ndjsonField(input: Readable, field: string, name: string): AsyncGenerator<unknown[]> {
  let lineNumber = 0;
  for await (const lines of lineChunks(input)) {
    const values: unknown[] = [];
    for (const line of lines) {
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
      values.push(typeof value === 'number' ? String(value) : value);
    }
    yield values;
  }
}
