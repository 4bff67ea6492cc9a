import type { FileHandle } from 'node:fs/promises';
import { lineHash } from './ledgerChain.js';
import type { LedgerHeader } from './ledgerHeader.js';
import { notALedger, parseFirstLine, parseRecordLine, TORN_FIRST_LINE_STARTS } from './parseLedger.js';
import { readLines } from './readLines.js';
import type { LedgerRecord } from './records.js';

/** Where reading what other processes appended stopped. */
export interface Appended {
  /** Undefined unless read from the start of a ledger that has one (a 0.1 ledger has none). */
  header?: LedgerHeader;
  /** Bytes up to the end of the last complete line (absolute). Anything after it is being written, or was torn by a crash. */
  completeLength: number;
  /** The bytes read: past `completeLength` they are a line being written, or torn by a crash. */
  length: number;
  /** Complete lines read (the header included), to number lines in messages. */
  lines: number;
  /** The hash of the last complete line read, when any was. */
  head: string | undefined;
}

/** Called for each record in file order, with its line number and the byte offset where its line starts. */
export type ApplyRead = (record: LedgerRecord, line: number, offset: number) => void;

/**
 * Reads the lines added to the file since `from` (the end of the last
 * complete line seen; `lines` lines up to there), a chunk at a time, handing
 * each record to `apply` as it is parsed: a ledger of ten million ids is
 * never held whole, and a batch's ids live only as long as `apply` keeps
 * them. Only complete lines are parsed: a final fragment is another
 * writer's append in progress (a reader without the lock) or torn by a
 * crash (the next writer cuts it, under the lock). From 0, the first line
 * may be the header, and a file that does not start like a ledger is
 * refused before anything is applied.
 */
export async function readAppended(
  handle: FileHandle,
  from: number,
  lines: number,
  path: string,
  apply: ApplyRead,
): Promise<Appended> {
  const { size } = await handle.stat();
  if (size < from)
    throw new Error(
      `ledger ${path} is shorter (${size} bytes) than the ${from} bytes already read from it: it was cut or replaced by something other than mixpanel-gdpr; nothing was written`,
    );
  const appended: Appended = { completeLength: from, length: from, lines, head: undefined };
  let last: Buffer | undefined;
  for await (const { bytes, offset, complete } of readLines(handle, from)) {
    appended.length = offset + bytes.length + (complete ? 1 : 0);
    const line = appended.lines + 1;
    if (!complete) {
      const fragment = bytes.toString('utf8');
      if (line === 1 && !TORN_FIRST_LINE_STARTS.some((s) => fragment.startsWith(s) || s.startsWith(fragment)))
        throw notALedger(path, 'it holds one unfinished line that is neither a ledger header nor a record');
      break;
    }
    const text = bytes.toString('utf8');
    if (line === 1) {
      const first = parseFirstLine(text, path);
      if ('header' in first) appended.header = first.header;
      else apply(first.record, line, offset);
    } else if (text.trim()) apply(parseRecordLine(text, path, line).record, line, offset);
    appended.lines = line;
    appended.completeLength = offset + bytes.length + 1;
    last = bytes;
  }
  if (last) appended.head = lineHash(last);
  return appended;
}
