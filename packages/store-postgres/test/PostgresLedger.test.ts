import { LedgerConflictError, type LedgerRecord } from '@mixpanel-gdpr/workflow';
import { describe, expect, it } from 'vitest';
import { PostgresLedger } from '../src/PostgresLedger.js';
import type { FreshDatabase } from './helpers/freshDatabase.js';
import { openedPerTest } from './helpers/openedPerTest.js';
import { createdJob, receivedRequest, submittedBatch } from './helpers/records.js';

const opened = openedPerTest();

async function openLedger(database: FreshDatabase): Promise<PostgresLedger> {
  const ledger = await PostgresLedger.open(database.url);
  opened.closeAfter(ledger);
  return ledger;
}

async function all(history: AsyncIterable<LedgerRecord>): Promise<LedgerRecord[]> {
  const records: LedgerRecord[] = [];
  for await (const record of history) records.push(record);
  return records;
}

const received = receivedRequest();

describe('PostgresLedger', () => {
  it('migrates a fresh database, and replays what was appended into the same state', async () => {
    const db = await opened.database();
    const ledger = await openLedger(db);
    await ledger.append(received, ...createdJob('j1', 2));
    await ledger.append(...submittedBatch('j1', 0));
    expect(ledger.state.jobs.get('j1')!.batches.get('j1-b0')).toMatchObject({ phase: 'submitted', taskId: 'j1-b0-t' });
    const reopened = await openLedger(db);
    expect(reopened.state).toEqual(ledger.state);
    expect(reopened.lastSeq).toBe(ledger.lastSeq);
    expect(reopened.lastSeq).toBe(6);
  });

  it('gives the history in append order, page after page', async () => {
    const db = await opened.database();
    const ledger = await openLedger(db);
    // More than two pages of 1000: keyset pagination must neither skip nor repeat a row.
    const records = [received, ...createdJob('j1', 2_500), ...submittedBatch('j1', 1_234)];
    await ledger.append(...records.slice(0, 1_100));
    await ledger.append(...records.slice(1_100));
    expect(await all(ledger.history())).toEqual(records);
    expect((await openLedger(db)).state).toEqual(ledger.state);
  });

  it('stores the record whole, with its time, type, job and request in columns', async () => {
    const db = await opened.database();
    const ledger = await openLedger(db);
    await ledger.append(received, ...createdJob('j1'));
    const { rows } = await db
      .pool()
      .query(
        'SELECT seq::int AS seq, (extract(epoch FROM at) * 1000)::bigint::text AS at, type, job_id, request_id, record FROM mgdpr_events ORDER BY seq',
      );
    expect(rows[0]).toEqual({
      seq: 1,
      at: String(received.at),
      type: 'request.received',
      job_id: null,
      request_id: 'req-1',
      record: received,
    });
    expect(rows[2]).toMatchObject({ seq: 3, type: 'batch.planned', job_id: 'j1', request_id: null });
  });

  it('sees the appends of another ledger on the same database through refresh, never applying its own twice', async () => {
    const db = await opened.database();
    const a = await openLedger(db);
    const b = await openLedger(db);
    await a.append(...createdJob('j1'));
    expect(b.state.jobs.size).toBe(0);
    expect(await b.refresh()).toBe(2);
    expect(b.state).toEqual(a.state);
    expect(await a.refresh()).toBe(0);
    await b.append(...submittedBatch('j1'));
    expect(await b.refresh()).toBe(0);
    expect(await a.refresh()).toBe(2);
    expect(a.state.jobs.get('j1')!.batches.get('j1-b0')).toMatchObject({ phase: 'submitted', attempts: 1 });
    expect(a.state).toEqual(b.state);
  });

  it("takes in others' earlier events before its own append, so state is always a prefix of the log", async () => {
    const db = await opened.database();
    const a = await openLedger(db);
    const b = await openLedger(db);
    await a.append(...createdJob('j1'));
    // b never refreshed: its record names a job only a's append created.
    await b.append(...submittedBatch('j1'));
    expect(b.lastSeq).toBe(4);
    expect(b.state.jobs.get('j1')!.batches.get('j1-b0')!.phase).toBe('submitted');
    await a.refresh();
    expect(a.state).toEqual(b.state);
  });

  it('keeps seq order and commit order the same when ledgers append at once', async () => {
    const db = await opened.database();
    const ledgers = [await openLedger(db), await openLedger(db), await openLedger(db)];
    await Promise.all(
      ledgers.map(async (ledger, n) => {
        for (let i = 0; i < 10; i++) await ledger.append(...createdJob(`w${n}-j${i}`, 3));
      }),
    );
    for (const ledger of ledgers) await ledger.refresh();
    const replayed = await openLedger(db);
    expect(replayed.state.jobs.size).toBe(30);
    for (const ledger of ledgers) {
      expect(ledger.state).toEqual(replayed.state);
      expect(ledger.lastSeq).toBe(120);
    }
  });

  it('wakes listeners on every append, from any ledger, until they unsubscribe', async () => {
    const db = await opened.database();
    const a = await openLedger(db);
    const b = await openLedger(db);
    const heard: (number | undefined)[] = [];
    const kept: (number | undefined)[] = [];
    let wake: (() => void) | undefined;
    const stop = await b.onChange((seq) => heard.push(seq));
    await b.onChange((seq) => {
      kept.push(seq);
      wake?.();
    });
    const next = () => new Promise<void>((resolve) => (wake = resolve));
    let woken = next();
    await a.append(...createdJob('j1'));
    await woken;
    expect(kept).toEqual([2]);
    expect(heard).toEqual([2]);
    await stop();
    woken = next();
    await b.append(...submittedBatch('j1'));
    await woken;
    expect(kept).toEqual([2, 4]);
    expect(heard).toEqual([2]);
  });

  it('leaves state unchanged when an append fails, and appends again afterwards', async () => {
    const db = await opened.database();
    const ledger = await openLedger(db);
    await ledger.append(...createdJob('j1', 2));
    const before = structuredClone(ledger.state);
    // The first record is fine, the second has no time (NaN is null in JSON): the whole append is refused.
    const bad = { ...submittedBatch('j1')[1]!, at: Number.NaN };
    await expect(ledger.append(submittedBatch('j1')[0]!, bad)).rejects.toThrow(/null value in column "at"/);
    expect(ledger.state).toEqual(before);
    expect(ledger.lastSeq).toBe(3);
    expect(await all(ledger.history())).toHaveLength(3);
    await ledger.append(...submittedBatch('j1', 1));
    expect(ledger.state.jobs.get('j1')!.batches.get('j1-b1')!.phase).toBe('submitted');
    expect(ledger.state.jobs.get('j1')!.batches.get('j1-b0')!.phase).toBe('planned');
  });

  it('leaves state unchanged when the connection is gone', async () => {
    const db = await opened.database();
    const pool = db.pool();
    const ledger = await PostgresLedger.open(pool);
    opened.closeAfter(ledger);
    await ledger.append(...createdJob('j1'));
    const before = structuredClone(ledger.state);
    await pool.end();
    await expect(ledger.append(...submittedBatch('j1'))).rejects.toThrow();
    expect(ledger.state).toEqual(before);
    expect(ledger.lastSeq).toBe(2);
  });

  it('refuses to open a log holding a row that is not a record, naming its seq', async () => {
    const db = await opened.database();
    const ledger = await openLedger(db);
    await ledger.append(...createdJob('j1'));
    await db
      .pool()
      .query(`INSERT INTO mgdpr_events (at, type, record) VALUES (now(), 'job.renamed', '{"type":"job.renamed"}')`);
    await expect(PostgresLedger.open(db.url)).rejects.toThrow('mgdpr_events row 3 is not a ledger record');
    await expect(ledger.refresh()).rejects.toThrow('mgdpr_events row 3 is not a ledger record');
  });

  it('keeps a count of each batch and reads its ids back by seq, from any ledger on the database', async () => {
    const db = await opened.database();
    const a = await openLedger(db);
    const b = await openLedger(db);
    await a.append(...createdJob('j1', 3));
    await b.refresh();
    for (const ledger of [a, b, await openLedger(db)]) {
      const batch = ledger.state.jobs.get('j1')!.batches.get('j1-b2')!;
      expect(batch).not.toHaveProperty('ids');
      expect(batch.idCount).toBe(2);
      expect(await ledger.batchIds('j1', batch)).toEqual(['j1-id4', 'j1-id5']);
    }
    // A seq that holds another batch's event is refused, never read as this batch's ids.
    const batch = a.state.jobs.get('j1')!.batches.get('j1-b2')!;
    await expect(a.batchIds('j1', { ...batch, stored: batch.stored - 1 })).rejects.toThrow(
      /mgdpr_events no longer holds batch j1-b2 of job j1/,
    );
  });

  it('refuses a ticket another ledger recorded first, writing nothing, and takes that record in', async () => {
    const db = await opened.database();
    const a = await openLedger(db);
    const b = await openLedger(db);
    await a.append(received);
    const twin = { ...received, requestId: 'req-2' } as LedgerRecord;
    await expect(b.append(twin)).rejects.toThrow(LedgerConflictError);
    expect(b.state.requests.get('req-1')?.ticket).toBe('T-1');
    expect(b.state.requests.has('req-2')).toBe(false);
    expect((await all((await openLedger(db)).history())).map((r) => r.type)).toEqual(['request.received']);
    // Still usable: the next append goes through.
    await b.append(...createdJob('j1'));
    expect(b.lastSeq).toBe(3);
  });

  it('refuses appends after close', async () => {
    const db = await opened.database();
    const ledger = await PostgresLedger.open(db.url);
    await ledger.close();
    await expect(ledger.append(...createdJob('j1'))).rejects.toThrow('closed');
  });
});
