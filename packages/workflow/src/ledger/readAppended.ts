import type { FileHandle } from 'node:fs/promises';
import { lastLineHash } from './ledgerChain.js';
import { type ParsedLedger, parseLedger, parseRecordLine } from './parseLedger.js';

/** What other processes appended since a ledger was last read. */
export interface Appended extends ParsedLedger {
  /** The file's length now: bytes past `completeLength` are a line being written, or torn by a crash. */
  length: number;
  /** Complete lines read (the header included), to number lines in messages. */
  lines: number;
  /** The hash of the last complete line, when there is one. */
  head: string | undefined;
}

/**
 * Reads the lines added to the file since `from` (the end of the last
 * complete line seen; `lines` lines up to there). Only complete lines are
 * parsed: a final fragment is another writer's append in progress (a reader
 * without the lock) or torn by a crash (the next writer cuts it, under the
 * lock). `completeLength` is absolute. From 0, it is a whole ledger's parse,
 * header and all.
 */
export async function readAppended(handle: FileHandle, from: number, lines: number, path: string): Promise<Appended> {
  const { size } = await handle.stat();
  if (size < from)
    throw new Error(
      `ledger ${path} is shorter (${size} bytes) than the ${from} bytes already read from it: it was cut or replaced by something other than mixpanel-gdpr; nothing was written`,
    );
  const bytes = Buffer.alloc(size - from);
  for (let read = 0; read < bytes.length; ) {
    const { bytesRead } = await handle.read(bytes, read, bytes.length - read, from + read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  if (from === 0) {
    const parsed = parseLedger(bytes, path);
    return {
      ...parsed,
      length: size,
      lines: countLines(bytes, parsed.completeLength),
      head: lastLineHash(bytes, parsed.completeLength),
    };
  }
  const appended: Appended = { records: [], completeLength: from, length: size, lines, head: undefined };
  for (let start = 0; ; ) {
    const end = bytes.indexOf(0x0a, start);
    if (end === -1) break;
    appended.lines++;
    const text = bytes.subarray(start, end).toString('utf8');
    if (text.trim())
      appended.records.push({ record: parseRecordLine(text, path, appended.lines).record, line: appended.lines });
    start = end + 1;
    appended.completeLength = from + start;
  }
  if (appended.completeLength > from) appended.head = lastLineHash(bytes, appended.completeLength - from);
  return appended;
}

function countLines(bytes: Buffer, length: number): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1 && at < length; at = bytes.indexOf(0x0a, at + 1)) count++;
  return count;
}
