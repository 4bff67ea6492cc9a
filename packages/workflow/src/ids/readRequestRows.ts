import { hashingSource } from './hashingSource.js';
import { openIdInput } from './openIdInput.js';
import type { ReadRequestRowsOptions, RequestRow } from './RequestRow.js';
import { requestRowReader } from './requestRowReader.js';

/** Request rows as read, and the SHA-256 of the bytes they were read from. */
export interface RequestRows {
  rows: AsyncIterable<RequestRow[]>;
  /** SHA-256 (hex) of the input, as `sha256sum` prints it; undefined until `rows` has been read to its end. */
  sha256(): string | undefined;
}

/**
 * Streams ids with the request each belongs to from a CSV or NDJSON file
 * (or `-` for stdin), as chunks (arrays) of rows, never holding the file
 * whole. Cells are passed on as written: ids exactly as `readIdsFromFile`
 * yields them (validate them as `normalizeIds` does), request cells
 * trimmed, or an `InvalidInput` saying why a cell cannot be used.
 * Options are checked before the file; a header without a named column,
 * malformed CSV or a line that is not JSON throw a `ValidationError`.
 */
export async function readRequestRows(path: string, options: ReadRequestRowsOptions): Promise<RequestRows> {
  const read = requestRowReader(options);
  const input = await openIdInput(path, options.chunkBytes);
  const source = hashingSource(input.bytes);
  return { rows: read(source.bytes, input.name), sha256: source.digest };
}
