import { createHash } from 'node:crypto';

/** Bytes passed on unchanged, hashed on the way. */
export interface HashingSource {
  bytes: AsyncIterable<Uint8Array>;
  /**
   * SHA-256 (hex) of every byte that passed through, once the input has
   * been read to its end; undefined before that (or if the read stopped
   * early), so that a digest never stands for part of a file.
   */
  digest(): string | undefined;
}

/**
 * Hashes an input while it is read, so that a report can name the exact
 * file it came from (as `sha256sum` prints it) without a second read,
 * which stdin would not allow.
 */
export function hashingSource(bytes: AsyncIterable<Uint8Array>): HashingSource {
  const hash = createHash('sha256');
  let digest: string | undefined;
  async function* pass(): AsyncGenerator<Uint8Array> {
    for await (const chunk of bytes) {
      hash.update(chunk);
      yield chunk;
    }
    digest = hash.digest('hex');
  }
  return { bytes: pass(), digest: () => digest };
}
