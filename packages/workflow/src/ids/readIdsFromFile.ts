import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { ValidationError } from '@mixpanel-gdpr/client';
import { idReader, type ReadIdsOptions } from './idReader.js';

export type { IdFileFormat, ReadIdsOptions } from './idReader.js';

/** Bytes read at a time: large enough that a million ids take a few dozen reads. */
const READ_CHUNK_BYTES = 1 << 20;

/**
 * Streams ids from a file (or `-` for stdin) without reading it whole, as
 * chunks (arrays) of raw values for `normalizeIds`. Ids are never changed:
 * a record that cannot be read as written (invalid UTF-8, an over-long
 * line, a JSON number that lost digits) is passed on as an invalid id with
 * its reason. Structural problems (missing file, unknown column, malformed
 * CSV or JSON) throw a `ValidationError` naming the file and line.
 */
export async function readIdsFromFile(path: string, options: ReadIdsOptions = {}): Promise<AsyncIterable<unknown[]>> {
  if (path !== '-') {
    await access(path).catch(() => {
      throw new ValidationError('ids', `ids file ${JSON.stringify(path)} does not exist or cannot be read`);
    });
  }
  const read = idReader(options);
  if (path === '-') return read(process.stdin, 'stdin');
  return read(createReadStream(path, { highWaterMark: options.chunkBytes ?? READ_CHUNK_BYTES }), path);
}
