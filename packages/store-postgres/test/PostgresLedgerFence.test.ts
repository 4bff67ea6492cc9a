import { setTimeout as delay } from 'node:timers/promises';
import type { LedgerRecord } from '@mixpanel-gdpr/workflow';
import { describe, expect, it } from 'vitest';
import { fenceJobWork } from '../src/jobLease.js';
import { LeaseLostError } from '../src/LeaseLostError.js';
import { Leases } from '../src/Leases.js';
import { PostgresLedger } from '../src/PostgresLedger.js';
import { sql } from '../src/sql.js';
import type { FreshDatabase } from './helpers/freshDatabase.js';
import { openedPerTest } from './helpers/openedPerTest.js';
import { createdJob, submittedBatch } from './helpers/records.js';
import { waitForExpiry } from './helpers/waitForExpiry.js';

const opened = openedPerTest();

/** A worker: its leases and its ledger fenced by them, on pools of its own. */
async function worker(database: FreshDatabase, owner: string): Promise<{ leases: Leases; ledger: PostgresLedger }> {
  const leases = new Leases(database.pool(), { owner });
  const ledger = await PostgresLedger.open(database.pool(), { fence: fenceJobWork, leaseOwner: owner });
  opened.closeAfter(ledger);
  return { leases, ledger };
}

async function eventCount(database: FreshDatabase): Promise<number> {
  const { rows } = await database.pool().query<{ n: number }>('SELECT count(*)::int AS n FROM mgdpr_events');
  return rows[0]!.n;
}

const [sending, submitted] = submittedBatch('j1') as [LedgerRecord, LedgerRecord];

describe('PostgresLedger fencing', () => {
  it('refuses, writing nothing, the appends of a worker whose lease was taken over; the new holder appends', async () => {
    const db = await opened.database();
    const a = await worker(db, 'host-a:1:aa');
    const b = await worker(db, 'host-b:2:bb');
    // Creating and planning a job needs no lease: nobody has claimed it yet.
    await a.ledger.append(...createdJob('j1'));
    await a.leases.claim('job:j1', 300);
    await a.ledger.append(sending);
    // a stalls mid-request; its lease runs out on the database clock and b takes the job.
    await waitForExpiry(db.pool(), 'job:j1');
    const taken = (await b.leases.claim('job:j1', 60_000))!;
    expect(taken).toBeDefined();
    const before = structuredClone(a.ledger.state);
    const seqBefore = a.ledger.lastSeq;
    const refused = a.ledger.append(submitted);
    await expect(refused).rejects.toThrow(LeaseLostError);
    await expect(refused).rejects.toThrow(
      new RegExp(`^lease job:j1 is not held by host-a:1:aa: host-b:2:bb holds it until ${isoOf(taken.expiresAt)}`),
    );
    await expect(refused).rejects.toMatchObject({ resource: 'job:j1', owner: 'host-a:1:aa', holder: 'host-b:2:bb' });
    expect(await eventCount(db)).toBe(3);
    expect(a.ledger.state).toEqual(before);
    expect(a.ledger.lastSeq).toBe(seqBefore);
    // b sees the sending without an outcome and records it as unknown before sending again.
    await b.ledger.refresh();
    expect(b.ledger.state.jobs.get('j1')!.batches.get('j1-b0')!.phase).toBe('sending');
    await b.ledger.append(
      { type: 'batch.unknown', jobId: 'j1', at: 1_700_000_002_000, batchId: 'j1-b0', reason: 'lease lost mid-request' },
      { type: 'batch.sending', jobId: 'j1', at: 1_700_000_002_001, batchId: 'j1-b0', attempt: 2 },
    );
    expect(await eventCount(db)).toBe(5);
    await a.ledger.refresh();
    expect(a.ledger.state).toEqual(b.ledger.state);
  });

  it('refuses a record needing a lease nobody holds, or one that expired though nobody took it', async () => {
    const db = await opened.database();
    const a = await worker(db, 'a');
    await a.ledger.append(...createdJob('j1'));
    await expect(a.ledger.append(sending)).rejects.toThrow('lease job:j1 is not held by a: nobody holds it');
    await a.leases.claim('job:j1', 300);
    await waitForExpiry(db.pool(), 'job:j1');
    await expect(a.ledger.append(sending)).rejects.toThrow(/^lease job:j1 is not held by a: it expired at /);
    await expect(a.ledger.append(sending)).rejects.toMatchObject({ holder: 'a' });
    expect(await eventCount(db)).toBe(2);
  });

  it('refuses a whole append when one of its records needs a lost lease', async () => {
    const db = await opened.database();
    const a = await worker(db, 'a');
    await a.ledger.append(...createdJob('j1'), ...createdJob('j2'));
    await a.leases.claim('job:j1', 60_000);
    // j1's records alone pass; with one of j2's (no lease) none is written.
    await expect(a.ledger.append(sending, ...submittedBatch('j2'))).rejects.toThrow('lease job:j2');
    expect(await eventCount(db)).toBe(4);
    await a.ledger.append(sending);
    expect(await eventCount(db)).toBe(5);
  });

  it('passes records that need no lease whoever holds what', async () => {
    const db = await opened.database();
    const a = await worker(db, 'a');
    const b = await worker(db, 'b');
    await a.ledger.append(...createdJob('j1'));
    await b.leases.claim('job:j1', 60_000);
    await a.ledger.append({ type: 'job.cancelled', jobId: 'j1', at: 1_700_000_003_000 });
    expect(a.ledger.state.jobs.get('j1')!.cancelledAt).toBe(1_700_000_003_000);
  });

  it("keeps a checked lease from being taken over until the append's transaction ends", async () => {
    const db = await opened.database();
    const a = await worker(db, 'a');
    const b = await worker(db, 'b');
    await a.leases.claim('job:j1', 300);
    // The append's fence, stopped between its check and its commit.
    const client = await db.pool().connect();
    // Released whatever happens: a client left checked out would hold up the pool's end.
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(sql.fenceLeases, [['job:j1']]);
      expect(rows).toMatchObject([{ resource: 'job:j1', owner: 'a', live: true }]);
      await waitForExpiry(db.pool(), 'job:j1');
      let settled = false;
      const takeover = b.leases.claim('job:j1', 60_000).finally(() => {
        settled = true;
      });
      // b's claim is waiting on the row lock (seen by the server, not guessed from time).
      for (;;) {
        const waiting = await db
          .pool()
          .query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        if (waiting.rowCount || settled) break;
        await delay(10);
      }
      expect(settled).toBe(false);
      await client.query('COMMIT');
      expect(await takeover).toMatchObject({ owner: 'b' });
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  });

  it('needs fence and leaseOwner together', async () => {
    const db = await opened.database();
    await expect(PostgresLedger.open(db.url, { fence: fenceJobWork })).rejects.toThrow(
      'fence and leaseOwner go together',
    );
    await expect(PostgresLedger.open(db.url, { leaseOwner: 'a' })).rejects.toThrow('fence and leaseOwner go together');
  });
});

function isoOf(ms: number): string {
  return new Date(ms).toISOString().replaceAll('.', '\\.');
}
