import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLedger } from '../src/ledger/FileLedger.js';
import { LedgerConflictError } from '../src/ledger/LedgerConflictError.js';
import { MemoryLedger } from '../src/ledger/MemoryLedger.js';
import type { LedgerRecord, RecordOf } from '../src/ledger/records.js';

const T0 = Date.parse('2026-03-02T09:15:00Z');
const REQ = 'req-20260302-091500-00000001';
const CB = 'cb-0123456789abcdef01234567';

const received: RecordOf<'request.received'> = {
  type: 'request.received',
  requestId: REQ,
  at: T0,
  ticket: 'DSR-1',
  kind: 'erasure',
  regulation: 'GDPR',
  receivedAt: T0,
  timeZone: 'Europe/Berlin',
  dueDate: '2026-04-02',
  dueAt: Date.parse('2026-04-02T22:00:00Z'),
  projects: ['web'],
  callbackUrl: 'https://hooks.example.com/dsr',
};

function queued(callbackId = CB, at = T0 + 1_000): RecordOf<'callback.queued'> {
  return {
    type: 'callback.queued',
    callbackId,
    requestId: REQ,
    at,
    protocol: 'service',
    event: 'request.state_changed',
    state: 'submitted',
    previousState: 'not_submitted',
    url: 'https://hooks.example.com/dsr',
    body: '{"id":"x"}',
  };
}

const attempting = (attempt: number, at: number, until = at + 30_000): LedgerRecord => ({
  type: 'callback.attempting',
  callbackId: CB,
  at,
  attempt,
  until,
});

async function withQueued(): Promise<MemoryLedger> {
  const ledger = new MemoryLedger();
  await ledger.append(received, queued());
  return ledger;
}

describe('the callback outbox records', () => {
  it('queued: a pending callback with its body, due at once, listed on its request', async () => {
    const ledger = await withQueued();
    expect(ledger.state.callbacks.get(CB)).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAt: T0 + 1_000,
      queuedAt: T0 + 1_000,
      body: '{"id":"x"}',
      event: 'request.state_changed',
    });
    expect(ledger.state.requests.get(REQ)!.callbackIds).toEqual([CB]);
  });

  it('refuses a callback queued twice (another process, or the same append), or for an unknown request', async () => {
    const ledger = await withQueued();
    await expect(ledger.append(queued())).rejects.toThrow(LedgerConflictError);
    await expect(ledger.append(queued('cb-2'), queued('cb-2'))).rejects.toThrow(/queued meanwhile/);
    await expect(ledger.append({ ...queued('cb-3'), requestId: 'req-unknown' })).rejects.toThrow(/unknown/);
    expect([...ledger.state.callbacks.keys()]).toEqual([CB]);
    expect(ledger.records).toHaveLength(2);
  });

  it('one taker per attempt: a second taker of the same attempt, or of the next one before until, is refused', async () => {
    const ledger = await withQueued();
    await ledger.append(attempting(1, T0 + 2_000, T0 + 32_000));
    expect(ledger.state.callbacks.get(CB)).toMatchObject({
      attempts: 1,
      inFlight: { attempt: 1, until: T0 + 32_000 },
      nextAt: T0 + 32_000,
    });
    await expect(ledger.append(attempting(1, T0 + 2_001))).rejects.toThrow(/taken meanwhile/);
    await expect(ledger.append(attempting(2, T0 + 31_999))).rejects.toThrow(/still in flight/);
    await expect(ledger.append(attempting(3, T0 + 40_000))).rejects.toThrow(/taken meanwhile/);
    // Once it counts as lost, another process takes the next attempt.
    await ledger.append(attempting(2, T0 + 32_000));
    expect(ledger.state.callbacks.get(CB)).toMatchObject({ attempts: 2, inFlight: { attempt: 2 } });
  });

  it('refuses a late outcome from a taker whose attempt counted as lost and was retaken', async () => {
    const ledger = await withQueued();
    await ledger.append(attempting(1, T0 + 2_000, T0 + 32_000));
    await ledger.append(attempting(2, T0 + 32_000));
    const late: LedgerRecord = { type: 'callback.delivered', callbackId: CB, at: T0 + 33_000, attempt: 1, status: 200 };
    await expect(ledger.append(late)).rejects.toThrow(/no longer this process's/);
    await expect(
      ledger.append({ type: 'callback.failed', callbackId: CB, at: T0 + 33_000, attempt: 1, error: 'HTTP 500' }),
    ).rejects.toThrow(LedgerConflictError);
    await ledger.append({ ...late, attempt: 2 });
    expect(ledger.state.callbacks.get(CB)).toMatchObject({ status: 'delivered', deliveredAt: T0 + 33_000 });
  });

  it('failed: clears the attempt and sets when to try again; an outcome without a taken attempt is refused', async () => {
    const ledger = await withQueued();
    const failed: LedgerRecord = {
      type: 'callback.failed',
      callbackId: CB,
      at: T0 + 3_000,
      attempt: 1,
      status: 503,
      error: 'HTTP 503',
      nextAt: T0 + 13_000,
    };
    await expect(ledger.append(failed)).rejects.toThrow(LedgerConflictError);
    await ledger.append(attempting(1, T0 + 2_000));
    await ledger.append(failed);
    const state = ledger.state.callbacks.get(CB)!;
    expect(state).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAt: T0 + 13_000,
      lastStatus: 503,
      lastError: 'HTTP 503',
    });
    expect(state.inFlight).toBeUndefined();
  });

  it('delivered and abandoned are final: the body is dropped, later steps refused', async () => {
    const ledger = await withQueued();
    await ledger.append(attempting(1, T0 + 2_000));
    await ledger.append({ type: 'callback.delivered', callbackId: CB, at: T0 + 2_500, attempt: 1, status: 204 });
    expect(ledger.state.callbacks.get(CB)).toMatchObject({ status: 'delivered', lastStatus: 204 });
    expect(ledger.state.callbacks.get(CB)!.body).toBeUndefined();
    await expect(ledger.append(attempting(2, T0 + 60_000))).rejects.toThrow(/was delivered meanwhile/);
    await expect(
      ledger.append({ type: 'callback.abandoned', callbackId: CB, at: T0 + 60_000, reason: 'x' }),
    ).rejects.toThrow(/was delivered meanwhile/);

    const other = await withQueued();
    await other.append({
      type: 'callback.abandoned',
      callbackId: CB,
      at: T0 + 5_000,
      reason: 'the receiver answered 410 Gone',
    });
    expect(other.state.callbacks.get(CB)).toMatchObject({
      status: 'abandoned',
      abandoned: { reason: 'the receiver answered 410 Gone', at: T0 + 5_000 },
    });
    await expect(other.append(attempting(1, T0 + 6_000))).rejects.toThrow(/was abandoned meanwhile/);
    await expect(
      other.append({ type: 'callback.attempting', callbackId: 'cb-none', at: T0, attempt: 1, until: T0 }),
    ).rejects.toThrow(/is not queued/);
  });

  it('replays from a file ledger to the same outbox state, and a second process is refused the same taking', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-outbox-'));
    try {
      const path = join(dir, 'ledger.jsonl');
      const a = await FileLedger.open(path);
      const b = await FileLedger.open(path);
      const memory = await withQueued();
      await a.append(received, queued());
      const taking = attempting(1, T0 + 2_000);
      await a.append(taking);
      await memory.append(taking);
      // b has not read a's records: its append reads them under the lock and is refused.
      expect(b.state.callbacks.size).toBe(0);
      const stale = attempting(1, T0 + 2_001);
      await expect(b.append(stale)).rejects.toThrow(LedgerConflictError);
      await a.close();
      await b.close();
      const replayed = await FileLedger.open(path, { readOnly: true });
      expect(replayed.state.callbacks).toEqual(memory.state.callbacks);
      await replayed.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
