import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@mixpanel-gdpr/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../src/ledger/FileLedger.js';
import { LedgerConflictError } from '../src/ledger/LedgerConflictError.js';
import type { LedgerState } from '../src/ledger/LedgerState.js';
import type { LedgerRecord } from '../src/ledger/records.js';
import { takeLock } from '../src/ledger/takeLock.js';
import { verifyLedger } from '../src/ledger/verifyLedger.js';
import { createRequestDesk } from '../src/requests/createRequestDesk.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-shared-'));
  path = join(dir, 'ledger.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const NOW = Date.parse('2026-11-30T09:00:00Z');

const created = (jobId: string): LedgerRecord => ({
  type: 'job.created',
  jobId,
  at: 1,
  kind: 'deletion',
  complianceType: 'GDPR',
  batchSize: 1,
});
const planned = (jobId: string, n: number): LedgerRecord => ({
  type: 'batch.planned',
  jobId,
  at: 2 + n,
  batchId: `b${n}`,
  ids: [`${jobId}-${n}`],
});

/** The state a fresh open replays from the file: what every process must agree with. */
async function replayed(): Promise<unknown> {
  const ledger = await FileLedger.open(path, { readOnly: true });
  await ledger.close();
  return ledger.state;
}

describe('FileLedger shared by several processes', () => {
  it('interleaves appends of two ledgers on one file: each catches up, both states equal the replay, the chain verifies', async () => {
    const seed = Number(process.env.SHARED_SEED) || Date.now() % 2 ** 31;
    console.log(`shared ledger interleaving: seed ${seed} (rerun with SHARED_SEED=${seed})`);
    const random = seededRandom(seed);
    const a = await FileLedger.open(path);
    const b = await FileLedger.open(path);
    await a.append(created('ja'));
    await b.append(created('jb'));
    const appends: Promise<void>[] = [];
    for (let n = 0; n < 40; n++) {
      const [ledger, jobId] = random() < 0.5 ? [a, 'ja'] : [b, 'jb'];
      appends.push(ledger.append(planned(jobId, n)));
    }
    await Promise.all(appends);
    // b saw everything up to its own last append; refresh brings it to the end.
    await a.refresh();
    await b.refresh();
    const file = await replayed();
    expect(a.state).toEqual(file);
    expect(b.state).toEqual(file);
    expect(a.state.jobs.get('jb')!.batches.size + a.state.jobs.get('ja')!.batches.size).toBe(40);
    expect(a.head).toBe(b.head);
    expect(await verifyLedger(path, { knownHead: a.head! })).toMatchObject({ ok: true });
    await a.close();
    await b.close();
  });

  it('sees what another process appended before its own next append (a cancel stops a watch)', async () => {
    const watch = await FileLedger.open(path);
    await watch.append(created('j1'), planned('j1', 1));
    const cancel = await FileLedger.open(path);
    await cancel.append({ type: 'job.cancelled', jobId: 'j1', at: 10 });
    expect(watch.state.jobs.get('j1')!.cancelledAt).toBeUndefined();
    await watch.append({ type: 'batch.sending', jobId: 'j1', at: 11, batchId: 'b1', attempt: 1 });
    // The append read the cancel first: a caller that checks after appending sees it.
    expect(watch.state.jobs.get('j1')!.cancelledAt).toBe(10);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(JSON.parse(lines.at(-2)!).type).toBe('job.cancelled');
    expect(await verifyLedger(path, { knownHead: watch.head! })).toMatchObject({ ok: true });
    await Promise.all([watch.close(), cancel.close()]);
  });

  it('refresh reads others’ lines into a read-only ledger, leaving a line still being written for later', async () => {
    const writer = await FileLedger.open(path);
    await writer.append(created('j1'));
    const reader = await FileLedger.open(path, { readOnly: true });
    await writer.append(planned('j1', 1));
    await appendFile(path, '{"type":"batch.pla');
    await reader.refresh();
    expect(reader.state.jobs.get('j1')!.batches.has('b1')).toBe(true);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('cuts a line torn by a process killed mid-append before writing its own (the next writer, under the lock)', async () => {
    const survivor = await FileLedger.open(path);
    await survivor.append(created('j1'));
    // What a SIGKILL between write() and its newline leaves.
    await appendFile(path, '{"type":"batch.planned","jobId":"j1","at":2,"batchId":"b9","ids":["torn-id"');
    await survivor.append(planned('j1', 1));
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('torn-id');
    expect(text.endsWith('\n')).toBe(true);
    expect(survivor.state).toEqual(await replayed());
    expect(await verifyLedger(path, { knownHead: survivor.head! })).toMatchObject({ ok: true });
    await survivor.close();
  });

  it('waits while another process holds the ledger lock, and names it when it is held too long', async () => {
    const ledger = await FileLedger.open(path, { lockWaitMs: 200 });
    const held = await takeLock(`${path}.lock`);
    const waiting = ledger.append(created('j1'));
    await new Promise((r) => setTimeout(r, 50));
    await held.release();
    await waiting;
    expect(ledger.state.jobs.has('j1')).toBe(true);
    const again = await takeLock(`${path}.lock`);
    await expect(ledger.append(planned('j1', 1))).rejects.toThrow(
      `ledger is in use by process ${process.pid} (this one) (lock ${path}.lock): still held after 0 s`,
    );
    await again.release();
    await ledger.close();
  });

  it('refuses to append to a ledger replaced since it was opened (a purge), rather than write to the old file', async () => {
    const ledger = await FileLedger.open(path);
    await ledger.append(created('j1'));
    const text = await readFile(path, 'utf8');
    await rm(path);
    await appendFile(path, text, { mode: 0o600 });
    await expect(ledger.append(planned('j1', 1))).rejects.toThrow('was replaced by another process');
    await ledger.close();
  });

  it('a ticket recorded by another process meanwhile is found, not recorded twice: the file still replays', async () => {
    const a = createRequestDesk({ ledger: await FileLedger.open(path), now: () => NOW });
    const bLedger = await FileLedger.open(path);
    const b = createRequestDesk({ ledger: bLedger, now: () => NOW });
    const request = (ids: string[]) => ({
      ticket: 'T-1',
      kind: 'erasure' as const,
      regulation: 'GDPR' as const,
      receivedAt: NOW - 1000,
      ids,
      projects: ['default'],
    });
    const first = await a.receive([request(['u1'])]);
    // b has not seen a's record: it decides from a stale state, and the append finds the ticket taken.
    expect(bLedger.state.requests.size).toBe(0);
    const again = await b.receive([request(['u1'])]);
    expect(again).toEqual({ recorded: [], known: [bLedger.state.requests.get(first.recorded[0]!.requestId)] });
    const other = createRequestDesk({ ledger: await FileLedger.open(path), now: () => NOW });
    await a.receive([{ ...request(['u2']), ticket: 'T-2' }]);
    await expect(other.receive([{ ...request(['u3']), ticket: 'T-2' }])).rejects.toThrow(
      /erasure ticket "T-2" is already recorded as req-\S+ with another set of distinct ids/,
    );
    const file = (await replayed()) as LedgerState;
    expect([...file.requests.values()].map((r) => r.ticket)).toEqual(['T-1', 'T-2']);
  });

  it('refuses a second extension recorded from a stale state, writing nothing', async () => {
    const aLedger = await FileLedger.open(path);
    const a = createRequestDesk({ ledger: aLedger, now: () => NOW });
    const { recorded } = await a.receive([
      { ticket: 'T-9', kind: 'erasure', regulation: 'GDPR', receivedAt: NOW - 1000, ids: ['u'], projects: ['default'] },
    ]);
    const bLedger = await FileLedger.open(path);
    const b = createRequestDesk({ ledger: bLedger, now: () => NOW });
    const stale = bLedger.state.requests.get(recorded[0]!.requestId)!;
    await a.extend(recorded[0]!, 'complex request');
    const refused = await b.extend(stale, 'many systems').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LedgerConflictError);
    expect((refused as Error).message).toMatch(/extended meanwhile, by another process/);
    // Its state took in a's extension on the way: asked again, it says so plainly.
    await expect(b.extend(stale, 'many systems')).rejects.toThrow(/already extended/);
    const file = (await replayed()) as LedgerState;
    expect(file.requests.get(recorded[0]!.requestId)!.extension?.reason).toBe('complex request');
  });

  it('keeps only a count of each batch in memory and reads its ids back by offset; a file rewritten under it is refused', async () => {
    const ledger = await FileLedger.open(path);
    const ids = Array.from({ length: 3000 }, (_, i) => `user-${i}`);
    await ledger.append(created('j1'), { type: 'batch.planned', jobId: 'j1', at: 3, batchId: 'b1', ids });
    await ledger.append({ type: 'batch.planned', jobId: 'j1', at: 4, batchId: 'b2', ids: ['x'] });
    const reopened = await FileLedger.open(path, { readOnly: true });
    for (const l of [ledger, reopened]) {
      const batch = l.state.jobs.get('j1')!.batches.get('b1')!;
      expect(batch).not.toHaveProperty('ids');
      expect(batch.idCount).toBe(3000);
      expect(await l.batchIds('j1', batch)).toEqual(ids);
      expect(await l.batchIds('j1', l.state.jobs.get('j1')!.batches.get('b2')!)).toEqual(['x']);
    }
    // Another tool rewrote the file in place: the line at b2's offset is no longer b2's.
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('"batchId":"b2"', '"batchId":"b3"'));
    await expect(reopened.batchIds('j1', reopened.state.jobs.get('j1')!.batches.get('b2')!)).rejects.toThrow(
      /no longer holds batch b2 of job j1/,
    );
    await reopened.close();
    await ledger.close();
  });
});
