import { createHash } from 'node:crypto';
import type { LedgerRecord } from './records.js';

/**
 * The ledger's hash chain: every record line carries `prev`, the hex SHA-256
 * of the line before it (its bytes without the newline; for the first record,
 * the header line). Editing any byte of a line changes its hash, so the next
 * line's `prev` no longer matches and `verifyLedger` names it. The last line
 * has no successor: only its hash (the head), compared with one noted
 * elsewhere, shows an edit to it or lines cut off the end.
 */
export function lineHash(line: string | Uint8Array): string {
  return createHash('sha256').update(line).digest('hex');
}

/**
 * The line for `record` (without its newline), `prev` its last key so the
 * record reads as before. Spliced into the JSON text rather than added to the
 * object: the caller's record is left as it was, and nothing is copied.
 */
export function chainedLine(record: LedgerRecord, prev: string | undefined): string {
  const json = JSON.stringify(record);
  if (prev === undefined) return json;
  return `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"prev":${JSON.stringify(prev)}}`;
}

/** The hash of the last complete line of `content` (lines end at `completeLength`), or undefined when there is none. */
export function lastLineHash(content: Uint8Array, completeLength: number): string | undefined {
  if (completeLength === 0) return undefined;
  const bytes = Buffer.from(content.buffer, content.byteOffset, completeLength);
  // Buffer.lastIndexOf reads a negative offset from the end: a one-byte file ("\n") starts at 0.
  const start = completeLength < 2 ? 0 : bytes.lastIndexOf(0x0a, completeLength - 2) + 1;
  return lineHash(bytes.subarray(start, completeLength - 1));
}
