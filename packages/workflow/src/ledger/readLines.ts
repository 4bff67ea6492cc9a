import type { FileHandle } from 'node:fs/promises';

/** Read at a time: a batch's line is a few tens of kilobytes, a 10M-id ledger a few hundred megabytes. */
const CHUNK_BYTES = 1 << 20;

export interface FileLine {
  /** The line's bytes, without its newline. */
  bytes: Buffer;
  /** 1-based, counted from where the read started. */
  number: number;
  /** Where the line starts in the file, in bytes. */
  offset: number;
  /** False for a last line without a newline: an append torn by a crash. */
  complete: boolean;
}

/**
 * The lines of a file as bytes, read from the start a chunk at a time, so a
 * large ledger is never held whole. Bytes, not text: a line's hash must be
 * that of the bytes on disk, and decoding would turn invalid UTF-8 into
 * replacement characters.
 */
export async function* readLines(handle: FileHandle, from = 0): AsyncGenerator<FileLine> {
  let pending: Buffer[] = [];
  let number = 1;
  let position = from;
  let lineStart = from;
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const data = chunk.subarray(0, bytesRead);
    const chunkStart = position - bytesRead;
    let start = 0;
    for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, start)) {
      const piece = data.subarray(start, end);
      const bytes = pending.length ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      yield { bytes, number: number++, offset: lineStart, complete: true };
      start = end + 1;
      lineStart = chunkStart + start;
    }
    if (start < data.length) pending.push(data.subarray(start));
  }
  if (pending.length) yield { bytes: Buffer.concat(pending), number, offset: lineStart, complete: false };
}
