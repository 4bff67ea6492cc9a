import { idReader, type ReadIdsOptions } from './idReader.js';
import { openIdInput } from './openIdInput.js';

export type { IdFileFormat, ReadIdsOptions } from './idReader.js';

/**
 * Streams ids from a file (or `-` for stdin) without reading it whole, as
 * chunks (arrays) of raw values for `normalizeIds`. Ids are never changed:
 * a record that cannot be read as written (invalid UTF-8, an over-long
 * line, a JSON number that lost digits) is passed on as an invalid id with
 * its reason. Structural problems (missing file, unknown column, malformed
 * CSV or JSON) throw a `ValidationError` naming the file and line.
 */
export async function readIdsFromFile(path: string, options: ReadIdsOptions = {}): Promise<AsyncIterable<unknown[]>> {
  // The file is checked before the options, as it always was: a missing file is the likelier mistake.
  const input = await openIdInput(path, options.chunkBytes);
  const read = idReader(options);
  return read(input.bytes, input.name);
}
