import { hashingSource } from './hashingSource.js';
import { idReader, type ReadIdsOptions } from './idReader.js';
import { openIdInput } from './openIdInput.js';

/** Ids as `readIdsFromFile` reads them, and the SHA-256 of the bytes they were read from. */
export interface IdsWithDigest {
  ids: AsyncIterable<unknown[]>;
  /** SHA-256 (hex) of the input, as `sha256sum` prints it; undefined until `ids` has been read to its end. */
  sha256(): string | undefined;
}

/** `readIdsFromFile`, hashing the input on the way: a report can name the file it read, stdin too. */
export async function readIdsWithDigest(path: string, options: ReadIdsOptions = {}): Promise<IdsWithDigest> {
  const input = await openIdInput(path, options.chunkBytes);
  const read = idReader(options);
  const source = hashingSource(input.bytes);
  return { ids: read(source.bytes, input.name), sha256: source.digest };
}
