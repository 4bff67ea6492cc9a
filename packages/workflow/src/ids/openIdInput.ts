import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { ValidationError } from '@mixpanel-gdpr/client';

/** Bytes read at a time: large enough that a million ids take a few dozen reads. */
const READ_CHUNK_BYTES = 1 << 20;

/** The bytes of an ids file, and the name its errors give it. */
export interface IdInput {
  bytes: AsyncIterable<Uint8Array>;
  name: string;
}

/**
 * An ids file to stream, or stdin for `-`. Checked now, so that a missing
 * file is one clear error rather than a stream error mid-read; opened only
 * when first read, so that a caller that throws before reading (bad
 * options) leaves no file open.
 */
export async function openIdInput(path: string, chunkBytes = READ_CHUNK_BYTES): Promise<IdInput> {
  if (path === '-') return { bytes: process.stdin, name: 'stdin' };
  await access(path).catch(() => {
    throw new ValidationError('ids', `ids file ${JSON.stringify(path)} does not exist or cannot be read`);
  });
  return { bytes: readWhenIterated(path, chunkBytes), name: path };
}

async function* readWhenIterated(path: string, chunkBytes: number): AsyncGenerator<Uint8Array> {
  // A consumer that stops early returns this generator, which destroys the stream (and closes the file).
  yield* createReadStream(path, { highWaterMark: chunkBytes });
}
