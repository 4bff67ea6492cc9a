import type { LedgerRecord } from '@mixpanel-gdpr/workflow';
import { isLedgerRecord } from '@mixpanel-gdpr/workflow';
import type pg from 'pg';
import { sql } from './sql.js';

/** One row of `mgdpr_events`. */
export interface StoredEvent {
  /** The event's place in the log (a bigserial; exact as a number up to 2^53). */
  seq: number;
  record: LedgerRecord;
}

/**
 * Rows per page: bounds memory whatever the log's length. A batch's event
 * holds up to 2,000 ids (about 80 kB, three times that once parsed), so a
 * page of batches stays under 50 MB.
 */
export const EVENTS_PAGE_SIZE = 200;

/**
 * The events after `afterSeq`, oldest first, a page at a time (keyset
 * pagination on seq: nothing held open between pages). A row that is not a
 * ledger record throws naming its seq: state built without it could resend
 * what was already sent.
 */
export async function* readEvents(
  db: pg.Pool | pg.ClientBase,
  afterSeq: number,
  pageSize: number = EVENTS_PAGE_SIZE,
): AsyncGenerator<StoredEvent> {
  let after = afterSeq;
  for (;;) {
    const { rows } = await db.query<{ seq: string; record: unknown }>(sql.eventsAfter, [after, pageSize]);
    for (const row of rows) {
      const seq = Number(row.seq);
      if (!isLedgerRecord(row.record)) throw new Error(`mgdpr_events row ${seq} is not a ledger record`);
      yield { seq, record: row.record };
      after = seq;
    }
    if (rows.length < pageSize) return;
  }
}
