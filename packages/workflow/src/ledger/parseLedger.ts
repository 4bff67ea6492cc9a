import { isLedgerRecord } from './isLedgerRecord.js';
import { isLedgerHeader, LEDGER_HEADER_START, LEDGER_VERSION, type LedgerHeader } from './ledgerHeader.js';
import type { LedgerRecord } from './records.js';

/** How a first line torn by a crash can start: a new ledger's header, or a 0.1 ledger's first record. */
export const TORN_FIRST_LINE_STARTS = [LEDGER_HEADER_START, '{"type":"job.created"'];

/** A record as read, without the `prev` its line carries (the hash chain is the file's, not the state's). */
export interface ReadRecord {
  record: LedgerRecord;
  /** The hash of the line before, when this line carries one (see `ledgerChain.ts`). */
  prev?: string;
}

/** Line 1: a header, or a 0.1 ledger's first record. Throws "not a ledger" or "newer version" otherwise. */
export function parseFirstLine(text: string, path: string): { header: LedgerHeader } | ReadRecord {
  const value = parseJson(text);
  if (isLedgerHeader(value)) {
    if (!Number.isInteger(value.version) || value.version < 1 || value.version > LEDGER_VERSION) {
      throw new Error(
        `ledger ${path} has format version ${JSON.stringify(value.version)}; this mixpanel-gdpr reads versions 1 to ${LEDGER_VERSION}: use a newer one; nothing was changed`,
      );
    }
    return { header: value };
  }
  // A ledger written by 0.1 has no header: its first line is the record that
  // created its first job. It is read as it is and never rewritten.
  if (isLedgerRecord(value) && value.type === 'job.created') return withoutPrev(value);
  throw notALedger(
    path,
    `line 1 is ${value === undefined ? 'not JSON' : 'JSON'} but neither a ledger header nor a job.created record`,
  );
}

/** A line after the first. Throws "corrupt at line N" when it is not a record. */
export function parseRecordLine(text: string, path: string, line: number): ReadRecord {
  const value = parseJson(text);
  if (isLedgerRecord(value)) return withoutPrev(value);
  const why = value === undefined ? 'not JSON' : 'not a record this version knows';
  throw new Error(`ledger ${path} is corrupt at line ${line} (${why}): fix or move it; nothing was changed`);
}

function withoutPrev(value: LedgerRecord): ReadRecord {
  if (!Object.hasOwn(value, 'prev')) return { record: value };
  const { prev, ...record } = value as LedgerRecord & { prev: unknown };
  // A prev that is not a string is kept as given, so the chain check reports it as not matching.
  return { record: record as LedgerRecord, prev: typeof prev === 'string' ? prev : JSON.stringify(prev) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function notALedger(path: string, why: string): Error {
  return new Error(
    `${path} is not a mixpanel-gdpr ledger (${why}); nothing was changed: use another path, or move the file`,
  );
}
