import type { FileHandle } from 'node:fs/promises';

/** Read at a time: a batch's line is a few tens of kilobytes, a 10M-id ledger a few hundred megabytes. */
const CHUNK_BYTES = 1 << 20;
/**
 * The first read, doubled up to `CHUNK_BYTES` while there is more: most reads are one batch's line (read back
 * to send it) or nothing new (an append catching up with other processes). A whole chunk allocated for each
 * of those, outside the heap, made the garbage collector run a full collection every few batches.
 */
const FIRST_CHUNK_BYTES = 64 * 1024;

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
  for (let size = FIRST_CHUNK_BYTES; ; size = Math.min(CHUNK_BYTES, size * 2)) {
    const chunk = Buffer.allocUnsafe(size);
    const { bytesRead } = await handle.read(chunk, 0, size, position);
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
