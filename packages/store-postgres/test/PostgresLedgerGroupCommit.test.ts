import { LedgerConflictError } from '@mixpanel-gdpr/workflow';
import { describe, expect, it } from 'vitest';
import { PostgresLedger } from '../src/PostgresLedger.js';
import type { FreshDatabase } from './helpers/freshDatabase.js';
import { openedPerTest } from './helpers/openedPerTest.js';
import { createdJob, receivedRequest, submittedBatch } from './helpers/records.js';

const opened = openedPerTest();

/** A ledger on a pool of its own whose transactions (one client checked out each) and plain queries are counted. */
async function countedLedger(database: FreshDatabase) {
  const pool = database.pool();
  const ledger = await PostgresLedger.open(pool);
  opened.closeAfter(ledger);
  const counts = { transactions: 0, queries: 0 };
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  Object.assign(pool, {
    // A transaction checks a client out (no callback); pool.query checks one out with a callback, counted as a query.
    connect: (...args: unknown[]) => {
      if (args.length === 0) counts.transactions++;
      return connect(...args);
    },
    query: (...args: unknown[]) => {
      counts.queries++;
      return query(...args);
    },
  });
  return { ledger, counts };
}

const receivedRecord = (n: number, ticket = `T-${n}`) => receivedRequest(n, { ticket, at: 1_699_999_999_000 + n });

describe('PostgresLedger group commit', () => {
  it('writes appends made at once in one transaction, each with its own seq, in call order', async () => {
    const db = await opened.database();
    const { ledger, counts } = await countedLedger(db);
    await Promise.all(Array.from({ length: 50 }, (_, n) => ledger.append(receivedRecord(n))));
    // Without grouping: 50 transactions, one lock, insert, notify and commit each.
    expect(counts.transactions).toBe(1);
    expect(ledger.lastSeq).toBe(50);
    expect(ledger.state.requests.size).toBe(50);
    const reopened = await PostgresLedger.open(db.url);
    opened.closeAfter(reopened);
    expect(reopened.state).toEqual(ledger.state);
  });

  it('answers each append only once its transaction committed: a failed commit answers none as written', async () => {
    const db = await opened.database();
    const pool = db.pool();
    const ledger = await PostgresLedger.open(pool);
    opened.closeAfter(ledger);
    await ledger.append(...createdJob('j1'));
    const before = structuredClone(ledger.state);
    await pool.end();
    const results = await Promise.allSettled([ledger.append(receivedRecord(1)), ledger.append(receivedRecord(2))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(ledger.state).toEqual(before);
    expect(ledger.lastSeq).toBe(2);
  });

  it('refuses only the append that conflicts with the log; the others of its group are written', async () => {
    const db = await opened.database();
    const a = await PostgresLedger.open(db.url);
    const { ledger: b } = await countedLedger(db);
    opened.closeAfter(a);
    await a.append(receivedRecord(1, 'TAKEN'));
    const results = await Promise.allSettled([
      b.append(receivedRecord(2)),
      b.append(receivedRecord(3, 'TAKEN')),
      b.append(receivedRecord(4)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(LedgerConflictError);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/recorded meanwhile \(as req-1\)/);
    expect([...b.state.requests.keys()].sort()).toEqual(['req-1', 'req-2', 'req-4']);
  });

  it('judges an append that conflicts with an earlier one of its group as if it came after it alone', async () => {
    const db = await opened.database();
    const { ledger, counts } = await countedLedger(db);
    // The same ticket twice: the second is refused as a ticket recorded meanwhile (as req-1), not as a pair.
    const alone = await (async () => {
      const other = await opened.database();
      const serial = opened.closeAfter(await PostgresLedger.open(other.url));
      await serial.append(receivedRecord(1, 'SAME'));
      return (await serial.append(receivedRecord(2, 'SAME')).catch((e: unknown) => e)) as Error;
    })();
    const results = await Promise.allSettled([
      ledger.append(receivedRecord(1, 'SAME')),
      ledger.append(receivedRecord(2, 'SAME')),
      ledger.append(receivedRecord(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const error = (results[1] as PromiseRejectedResult).reason as Error;
    expect(error).toBeInstanceOf(LedgerConflictError);
    expect(error.message).toBe(alone.message);
    // The first group wrote req-1 and req-3; the second judged req-2 alone, after them.
    expect(counts.transactions).toBe(2);
    expect(ledger.lastSeq).toBe(2);
  });

  it('writes an append that needs an earlier one of its group (a batch of a job created with it)', async () => {
    const db = await opened.database();
    const { ledger, counts } = await countedLedger(db);
    await Promise.all([ledger.append(...createdJob('j1', 2)), ledger.append(...submittedBatch('j1', 1))]);
    expect(counts.transactions).toBe(1);
    expect(ledger.state.jobs.get('j1')!.batches.get('j1-b1')!.phase).toBe('submitted');
  });

  it('gives each append of a group the database refused its own answer (one bad record fails only its append)', async () => {
    const db = await opened.database();
    const { ledger } = await countedLedger(db);
    await ledger.append(...createdJob('j1', 2));
    // No time (NaN is null in JSON): the database refuses the row, and with it the group's transaction.
    const bad = { ...submittedBatch('j1')[1]!, at: Number.NaN };
    const results = await Promise.allSettled([
      ledger.append(receivedRecord(1)),
      ledger.append(submittedBatch('j1')[0]!, bad),
      ledger.append(receivedRecord(2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/null value in column "at"/);
    expect(ledger.state.jobs.get('j1')!.batches.get('j1-b0')!.phase).toBe('planned');
    const reopened = await PostgresLedger.open(db.url);
    opened.closeAfter(reopened);
    expect(reopened.state).toEqual(ledger.state);
  });

  it('reads once for refreshes asked while none had started, each still seeing what was committed before it asked', async () => {
    const db = await opened.database();
    const { ledger, counts } = await countedLedger(db);
    const writer = await PostgresLedger.open(db.url);
    opened.closeAfter(writer);
    await writer.append(receivedRecord(1));
    const before = counts.queries;
    const counted = await Promise.all(Array.from({ length: 20 }, () => ledger.refresh()));
    // Without sharing: 20 reads of the log, one after another.
    expect(counts.queries - before).toBe(1);
    expect(counted).toEqual(Array.from({ length: 20 }, () => 1));
    expect(ledger.state.requests.has('req-1')).toBe(true);
    // One asked once a read has started gets a read of its own: it sees what was committed after that read began.
    const started = ledger.refresh();
    await writer.append(receivedRecord(2));
    await ledger.refresh();
    await started;
    expect(ledger.state.requests.has('req-2')).toBe(true);
  });
});
