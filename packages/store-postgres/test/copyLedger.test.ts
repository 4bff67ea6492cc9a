import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLedger, type Ledger, type LedgerRecord, type LedgerState, readHistory } from '@mixpanel-gdpr/workflow';
import { afterEach, describe, expect, it } from 'vitest';
import { copyLedger } from '../src/copyLedger.js';
import { PostgresLedger } from '../src/PostgresLedger.js';
import type { FreshDatabase } from './helpers/freshDatabase.js';
import { openedPerTest } from './helpers/openedPerTest.js';

const opened = openedPerTest();
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const T = 1_700_000_000_000;

/**
 * The history of a small but real run: two requests (one from a file of
 * several, with its ids and an invalid one), a deletion job of both and an
 * access job, batches sent, one outcome unknown and resent, a 409, a split,
 * a failure, polls, an export, an extension and a cancellation.
 */
function run(prefix: string): LedgerRecord[] {
  const r1 = `${prefix}req-1`;
  const r2 = `${prefix}req-2`;
  const del = `${prefix}job-del`;
  const acc = `${prefix}job-acc`;
  const project = { region: 'EU', apiOrigin: 'https://eu.mixpanel.com', tokenFingerprint: '0123456789ab' };
  const request = (requestId: string, ticket: string, kind: 'erasure' | 'access'): LedgerRecord => ({
    type: 'request.received',
    requestId,
    at: T,
    ticket,
    kind,
    regulation: 'GDPR',
    receivedAt: T - 86_400_000,
    timeZone: 'Europe/Paris',
    dueDate: '2023-12-14',
    dueAt: 1_702_594_800_000,
    projects: ['eu'],
    labels: { team: 'privacy', 'ticket system': 'Zendesk' },
    ids: ['alice@example.com', 'ålice ünicode ✓'],
    idCount: 2,
    invalid: [{ position: 3, value: '"   "', reason: 'blank' }],
    source: { name: 'requests.csv', sha256: 'ab'.repeat(32) },
  });
  return [
    request(r1, `${prefix}T-1`, 'erasure'),
    request(r2, `${prefix}T-2`, 'access'),
    {
      type: 'job.created',
      jobId: del,
      at: T + 1,
      kind: 'deletion',
      complianceType: 'GDPR',
      batchSize: 2,
      source: 'requests.csv',
      project,
      projectName: 'eu',
      requestIds: [r1],
    },
    {
      type: 'job.ingested',
      jobId: del,
      at: T + 2,
      read: 5,
      valid: 4,
      duplicates: 0,
      invalid: [{ position: 5, value: 'x\\u0007', reason: 'control character' }],
      sourceSha256: 'cd'.repeat(32),
    },
    { type: 'batch.planned', jobId: del, at: T + 3, batchId: `${del}-b0`, ids: ['a', 'b'], requestId: r1 },
    { type: 'batch.planned', jobId: del, at: T + 3, batchId: `${del}-b1`, ids: ['c', 'd'] },
    { type: 'batch.sending', jobId: del, at: T + 4, batchId: `${del}-b0`, attempt: 1 },
    { type: 'batch.unknown', jobId: del, at: T + 5, batchId: `${del}-b0`, reason: 'socket hang up' },
    { type: 'batch.sending', jobId: del, at: T + 6, batchId: `${del}-b0`, attempt: 2 },
    { type: 'batch.submitted', jobId: del, at: T + 7, batchId: `${del}-b0`, taskId: `${prefix}task-0` },
    { type: 'batch.sending', jobId: del, at: T + 8, batchId: `${del}-b1`, attempt: 1 },
    {
      type: 'batch.conflict',
      jobId: del,
      at: T + 9,
      batchId: `${del}-b1`,
      coveredIds: ['c'],
      coveringTaskIds: [`${prefix}task-other`],
    },
    { type: 'batch.planned', jobId: del, at: T + 9, batchId: `${del}-b2`, ids: ['d'], parentBatchId: `${del}-b1` },
    { type: 'batch.sending', jobId: del, at: T + 10, batchId: `${del}-b2`, attempt: 1 },
    { type: 'batch.failed', jobId: del, at: T + 11, batchId: `${del}-b2`, error: 'HTTP 500: "oops"\n', status: 500 },
    {
      type: 'task.status',
      jobId: del,
      at: T + 12,
      taskId: `${prefix}task-0`,
      status: 'SUCCESS',
      rawStatus: 'SUCCESS',
      mixpanel: { trackingId: '42', requestingUser: 'dpo@example.com', complianceType: 'GDPR', projectId: '1234' },
    },
    {
      type: 'job.created',
      jobId: acc,
      at: T + 13,
      kind: 'retrieval',
      complianceType: 'GDPR',
      batchSize: 1,
      exportDir: '/var/exports',
      requestIds: [r2],
    },
    { type: 'batch.planned', jobId: acc, at: T + 14, batchId: `${acc}-b0`, ids: ['e'], requestId: r2 },
    { type: 'batch.sending', jobId: acc, at: T + 15, batchId: `${acc}-b0`, attempt: 1 },
    { type: 'batch.submitted', jobId: acc, at: T + 16, batchId: `${acc}-b0`, taskId: `${prefix}task-1` },
    { type: 'task.status', jobId: acc, at: T + 17, taskId: `${prefix}task-1`, status: 'SUCCESS', rawStatus: 'DONE' },
    {
      type: 'export.downloaded',
      jobId: acc,
      at: T + 18,
      taskId: `${prefix}task-1`,
      file: '/var/exports/task-1.json',
      bytes: 1234,
      sha256: 'ef'.repeat(32),
    },
    { type: 'request.extended', requestId: r1, at: T + 19, reason: 'complex', dueDate: '2024-02-14', dueAt: T + 9e9 },
    { type: 'request.cancelled', requestId: r2, at: T + 20, reason: 'withdrawn by the subject' },
  ];
}

async function fileLedgerOf(records: LedgerRecord[], name = 'ledger.jsonl'): Promise<FileLedger> {
  dir ??= await mkdtemp(join(tmpdir(), 'mgdpr-copy-'));
  const ledger = await FileLedger.open(join(dir, name));
  opened.closeAfter(ledger);
  // One append per record, as a run makes them.
  for (const record of records) await ledger.append(record);
  return ledger;
}

async function all(history: AsyncIterable<LedgerRecord>): Promise<LedgerRecord[]> {
  const records: LedgerRecord[] = [];
  for await (const record of history) records.push(record);
  return records;
}

async function eventCount(database: FreshDatabase): Promise<number> {
  const { rows } = await database.pool().query<{ n: number }>('SELECT count(*)::int AS n FROM mgdpr_events');
  return rows[0]!.n;
}

async function* source(records: LedgerRecord[]): AsyncGenerator<LedgerRecord> {
  yield* records;
}

async function* failingAfter(records: LedgerRecord[], n: number): AsyncGenerator<LedgerRecord> {
  yield* records.slice(0, n);
  throw new Error('disk read error');
}

/**
 * The same state, batch for batch, and the same ids read back from each
 * store: where a batch is stored (`stored`: a file offset, an event seq)
 * differs by design.
 */
async function expectSameState(a: Ledger, b: Ledger): Promise<void> {
  const placeless = (l: Ledger): LedgerState => {
    const state = structuredClone(l.state);
    for (const job of state.jobs.values()) for (const batch of job.batches.values()) batch.stored = 0;
    return state;
  };
  expect(placeless(a)).toEqual(placeless(b));
  for (const job of a.state.jobs.values())
    for (const batch of job.batches.values())
      expect(await a.batchIds(job.jobId, batch)).toEqual(
        await b.batchIds(job.jobId, b.state.jobs.get(job.jobId)!.batches.get(batch.batchId)!),
      );
}

describe('copyLedger', () => {
  it("copies a file ledger's history exactly: PostgreSQL replays it into the file's state", async () => {
    const db = await opened.database();
    const file = await fileLedgerOf(run(''));
    // Small batches: the copy crosses several INSERTs.
    const result = await copyLedger(readHistory(file.path), db.pool(), { batchSize: 7 });
    expect(result).toEqual({ records: 24, jobs: 2, requests: 2, nulReplaced: 0 });
    const pg = await PostgresLedger.open(db.pool());
    opened.closeAfter(pg);
    await expectSameState(pg, file);
    expect(pg.lastSeq).toBe(24);
    // Every record as it was appended; the file's chain hashes (`prev`) are the file's, and stay there.
    const copied = await all(pg.history());
    expect(copied).toStrictEqual(run(''));
    expect(copied.some((record) => Object.hasOwn(record, 'prev'))).toBe(false);
  });

  it('refuses a store that already holds events before reading anything, and adds after them with append', async () => {
    const db = await opened.database();
    const first = await fileLedgerOf(run('x-'), 'first.jsonl');
    const second = await fileLedgerOf(run('y-'), 'second.jsonl');
    await copyLedger(first.history(), db.pool());
    let read = 0;
    async function* counted(): AsyncGenerator<LedgerRecord> {
      for await (const record of second.history()) {
        read++;
        yield record;
      }
    }
    await expect(copyLedger(counted(), db.pool())).rejects.toThrow(
      'the target store already holds events (mgdpr_events up to seq 24): copy into an empty store, or pass append',
    );
    expect(read).toBe(0);
    expect(await eventCount(db)).toBe(24);
    expect(await copyLedger(counted(), db.pool(), { append: true })).toMatchObject({ records: 24, jobs: 2 });
    const pg = await PostgresLedger.open(db.pool());
    opened.closeAfter(pg);
    expect(pg.state.jobs.size).toBe(4);
    expect(pg.state.requests.size).toBe(4);
  });

  it('copies through an open PostgresLedger, whose state then follows', async () => {
    const db = await opened.database();
    const file = await fileLedgerOf(run(''));
    const pg = await PostgresLedger.open(db.pool());
    opened.closeAfter(pg);
    await copyLedger(file.history(), pg);
    await expectSameState(pg, file);
  });

  it('writes nothing when the history fails half way, or the copy is aborted, so it can simply run again', async () => {
    const db = await opened.database();
    const records = run('');
    await expect(copyLedger(failingAfter(records, 10), db.pool(), { batchSize: 3 })).rejects.toThrow('disk read error');
    expect(await eventCount(db)).toBe(0);
    const stop = new AbortController();
    async function* abortingAfter(n: number): AsyncGenerator<LedgerRecord> {
      for (const [i, record] of records.entries()) {
        if (i === n) stop.abort();
        yield record;
      }
    }
    await expect(copyLedger(abortingAfter(10), db.pool(), { batchSize: 3, signal: stop.signal })).rejects.toThrow(
      /abort/i,
    );
    expect(await eventCount(db)).toBe(0);
    await expect(
      copyLedger(failingAfter([...records.slice(0, 2), { type: 'job.renamed' } as never], 3), db.pool()),
    ).rejects.toThrow('record 3 of the history is not a ledger record: nothing was copied');
    expect(await eventCount(db)).toBe(0);
    // Nothing was left behind to refuse the next run.
    expect((await copyLedger(source(records), db.pool())).records).toBe(24);
  });

  it('stores a NUL in free text as U+FFFD, which jsonb can hold, and counts the records so changed', async () => {
    const db = await opened.database();
    const pool = db.pool();
    const records = run('');
    const withNul = records.map((record) =>
      record.type === 'batch.failed' ? { ...record, error: 'HTTP 500: \u0000\u0000bad\u0000' } : record,
    );
    // What happens without it: jsonb refuses the whole statement.
    await expect(pool.query('SELECT $1::jsonb', [JSON.stringify({ error: 'a\u0000b' })])).rejects.toThrow(
      /unsupported Unicode escape sequence/,
    );
    const result = await copyLedger(source(withNul), pool);
    expect(result).toMatchObject({ records: 24, nulReplaced: 1 });
    const pg = await PostgresLedger.open(pool);
    opened.closeAfter(pg);
    const failed = (await all(pg.history())).find((record) => record.type === 'batch.failed');
    expect(failed).toMatchObject({ error: 'HTTP 500: \uFFFD\uFFFDbad\uFFFD' });
    // A literal backslash-u0000 in text is not a NUL, and is kept as it is.
    await pg.append({
      type: 'batch.failed',
      jobId: 'job-del',
      at: T + 30,
      batchId: 'job-del-b2',
      error: 'text \\u0000 and a real \u0000',
    });
    const last = (await all(pg.history())).at(-1);
    expect(last).toMatchObject({ error: 'text \\u0000 and a real \uFFFD' });
    expect(pg.state.jobs.get('job-del')!.batches.get('job-del-b2')).toMatchObject({
      error: 'text \\u0000 and a real \uFFFD',
    });
  });
});
