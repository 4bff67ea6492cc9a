import { isLedgerRecord, type LedgerRecord } from '@mixpanel-gdpr/workflow';
import type pg from 'pg';
import { migrate } from './migrate.js';
import { PostgresLedger } from './PostgresLedger.js';
import { recordsForJsonb } from './recordsForJsonb.js';
import { sql } from './sql.js';
import { withTransaction } from './withTransaction.js';

/** Records per INSERT statement. */
export const COPY_BATCH_RECORDS = 1000;
/** A batch is also sent once its JSON reaches this many characters: a `batch.planned` can hold thousands of ids. */
export const COPY_BATCH_CHARS = 8 * 1024 * 1024;

export interface CopyLedgerOptions {
  /** Checked before each batch; aborting rolls the whole copy back. */
  signal?: AbortSignal;
  /** Records per INSERT. @default COPY_BATCH_RECORDS (1000) */
  batchSize?: number;
  /** Copy into a store that already holds events, after them. @default false: such a store is refused */
  append?: boolean;
}

export interface CopyLedgerResult {
  /** Records copied. */
  records: number;
  /** Jobs copied (`job.created` records). */
  jobs: number;
  /** Requests copied (`request.received` records). */
  requests: number;
  /** Records that held a NUL, stored with U+FFFD in its place (see `recordsForJsonb`). */
  nulReplaced: number;
}

/**
 * Copies a ledger's history (`readHistory(path)`, a `FileLedger`'s
 * `history()`) into PostgreSQL, in order, each record as it is, but for
 * two things: a NUL in a string becomes U+FFFD (see `recordsForJsonb`), and
 * the `prev` a file's line carries is dropped. `prev` is the file's hash
 * chain, not part of the record (the file's own replay drops it too), and it
 * could not be checked in the database anyway: it hashes the line's bytes,
 * and `jsonb` keeps neither key order nor spacing.
 *
 * One transaction for the whole copy, sent in batches: a copy that fails
 * half way (a bad record, the connection lost, `signal` aborted) leaves the
 * store as it was, so it can simply be run again, whereas a copy committed a
 * batch at a time would leave half a history that a second run refuses (not
 * empty) or doubles (`append`). The transaction holds the append lock, so
 * no worker's append lands in the middle of the copied history; they wait.
 *
 * A store that already holds events is refused before anything is read or
 * written, unless `append`. Records are checked for shape (a known type, an
 * id, a time), not replayed: replay holds the whole state in memory, and the
 * store replays (and refuses, naming the seq) when it is opened.
 * `copyLedger` writes no fence: it is a migration, run while no worker is.
 */
export async function copyLedger(
  from: AsyncIterable<LedgerRecord>,
  to: PostgresLedger | pg.Pool,
  options: CopyLedgerOptions = {},
): Promise<CopyLedgerResult> {
  const batchSize = options.batchSize ?? COPY_BATCH_RECORDS;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new TypeError(`batchSize must be a whole number ≥ 1 (got ${batchSize})`);
  const signal = options.signal;
  const ledger = to instanceof PostgresLedger ? to : undefined;
  const pool = ledger ? ledger.pool : (to as pg.Pool);
  if (!ledger) await migrate(pool, signal ? { signal } : {});
  signal?.throwIfAborted();
  const result: CopyLedgerResult = { records: 0, jobs: 0, requests: 0, nulReplaced: 0 };
  await withTransaction(pool, async (client) => {
    await client.query(sql.lockEvents);
    if (!options.append) {
      const { rows } = await client.query<{ seq: string }>(sql.lastEvent);
      if (rows[0])
        throw new Error(
          `the target store already holds events (mgdpr_events up to seq ${rows[0].seq}): copy into an empty store, or pass append to add the history after them`,
        );
    }
    let batch: LedgerRecord[] = [];
    let chars = 0;
    let last: string | undefined;
    const flush = async () => {
      if (batch.length === 0) return;
      signal?.throwIfAborted();
      const stored = recordsForJsonb(batch);
      result.nulReplaced += stored.nulReplaced;
      const { rows } = await client.query<{ seqs: string[] }>(sql.appendEvents, [stored.json]);
      last = rows[0]!.seqs.at(-1);
      batch = [];
      chars = 0;
    };
    for await (const record of from) {
      if (!isLedgerRecord(record))
        throw new Error(`record ${result.records + 1} of the history is not a ledger record: nothing was copied`);
      batch.push(withoutPrev(record));
      result.records++;
      if (record.type === 'job.created') result.jobs++;
      if (record.type === 'request.received') result.requests++;
      // An estimate (ids are short ASCII): JSON.stringify per record would double the work.
      chars += 'ids' in record && Array.isArray(record.ids) ? 64 + record.ids.join('","').length : 256;
      if (batch.length >= batchSize || chars >= COPY_BATCH_CHARS) await flush();
    }
    await flush();
    if (last !== undefined) await client.query(sql.notifyEvents, [last]);
  });
  // The ledger's state follows what was just committed under it.
  if (ledger) await ledger.refresh(signal);
  return result;
}

/** The record without its file line's `prev` (the same object when it has none). */
function withoutPrev(record: LedgerRecord): LedgerRecord {
  if (!Object.hasOwn(record, 'prev')) return record;
  const { prev: _, ...rest } = record as LedgerRecord & { prev: unknown };
  return rest as LedgerRecord;
}
