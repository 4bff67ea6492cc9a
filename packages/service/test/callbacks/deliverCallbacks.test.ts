import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCallbackSignature } from '@mixpanel-gdpr/service-client';
import { seededRandom } from '@mixpanel-gdpr/testing';
import { FileLedger, type Ledger, LedgerConflictError, MemoryLedger } from '@mixpanel-gdpr/workflow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALLBACK_DEFAULTS } from '../../src/callbacks/CALLBACK_DEFAULTS.js';
import { deliverCallbacks } from '../../src/callbacks/deliverCallbacks.js';
import { deliverDueCallbacks } from '../../src/callbacks/deliverDueCallbacks.js';
import { queueCallbacks } from '../../src/callbacks/queueCallbacks.js';
import type { DeliverCallbacksOptions } from '../../src/callbacks/resolveDeliveryOptions.js';
import { describedAs, fakeSources, LOOPBACK_POLICY, manualClock, received, SECRET, T0 } from './helpers/fixtures.js';
import { Receiver } from './helpers/receiver.js';

let receiver: Receiver;
beforeEach(async () => {
  receiver = await Receiver.start();
});
afterEach(() => receiver.down());

/** Queues one `request.state_changed` callback per request (`submitted`), to `url`. */
async function queued(ledger: Ledger, count: number, url: string, now = T0): Promise<string[]> {
  const sources = fakeSources();
  const records = Array.from({ length: count }, (_, i) => received(i + 1, { callbackUrl: url }));
  await ledger.append(...records);
  for (const r of records) sources.described.set(r.requestId, describedAs('submitted'));
  await queueCallbacks({ ledger, now: () => now, ...sources });
  return [...ledger.state.callbacks.keys()];
}

function options(
  ledger: DeliverCallbacksOptions['ledger'],
  now: () => number,
  extra: Partial<DeliverCallbacksOptions> = {},
) {
  return { ledger, now, secret: SECRET, policy: LOOPBACK_POLICY, random: () => 0.5, ...extra };
}

describe('deliverCallbacks (the outbox deliverer), over real HTTP on loopback', () => {
  it('delivers once, with a signature verifyCallbackSignature accepts, the fixed body and its headers', async () => {
    const ledger = new MemoryLedger();
    const clock = manualClock();
    const [id] = await queued(ledger, 1, `${receiver.url}?token=abc`);
    const round = await deliverDueCallbacks(options(ledger, clock.now));
    expect(round.outcomes).toMatchObject([{ callbackId: id, result: 'delivered', status: 200, attempt: 1 }]);
    expect((await deliverDueCallbacks(options(ledger, clock.now))).outcomes).toEqual([]);

    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got!.url).toBe('/hooks/dsr?token=abc');
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['user-agent']).toBe(CALLBACK_DEFAULTS.userAgent);
    expect(got!.headers['idempotency-key']).toBe(id);
    const event = await verifyCallbackSignature({
      body: got!.body,
      signature: got!.headers['mixpanel-gdpr-signature'] as string,
      secret: SECRET,
      now: clock.now,
    });
    expect(event).toMatchObject({ id, type: 'request.state_changed', previousState: 'not_submitted' });
    await expect(
      verifyCallbackSignature({
        body: got!.body,
        signature: got!.headers['mixpanel-gdpr-signature'] as string,
        secret: 'wrong',
        now: clock.now,
      }),
    ).rejects.toThrow(/no v1 signature matches/);
    expect(ledger.state.callbacks.get(id!)).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
    expect(ledger.state.callbacks.get(id!)!.body).toBeUndefined();
  });

  it('signs with every secret while one is rotated: receivers on either accept', async () => {
    const ledger = new MemoryLedger();
    await queued(ledger, 1, receiver.url);
    await deliverDueCallbacks(options(ledger, () => T0, { secret: ['new-secret', SECRET] }));
    const [got] = receiver.received;
    for (const secret of ['new-secret', SECRET])
      await verifyCallbackSignature({
        body: got!.body,
        signature: got!.headers['mixpanel-gdpr-signature'] as string,
        secret,
        now: () => T0,
      });
  });

  it('retries a receiver that is down with growing backoff on the injected clock, then delivers once', async () => {
    const ledger = new MemoryLedger();
    const clock = manualClock();
    const [id] = await queued(ledger, 1, receiver.url);
    await receiver.down();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const round = await deliverDueCallbacks(options(ledger, clock.now));
      expect(round.outcomes).toMatchObject([{ result: 'failed', attempt: i + 1 }]);
      expect(round.outcomes[0]!.error).toMatch(/ECONNREFUSED/);
      delays.push(round.nextDueAt! - clock.now());
      // Not before its time.
      clock.set(round.nextDueAt! - 1);
      expect((await deliverDueCallbacks(options(ledger, clock.now))).outcomes).toEqual([]);
      clock.set(round.nextDueAt!);
    }
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000]);
    await receiver.up();
    const round = await deliverDueCallbacks(options(ledger, clock.now));
    expect(round.outcomes).toMatchObject([{ result: 'delivered', attempt: 5 }]);
    expect(receiver.received).toHaveLength(1);
    expect(ledger.state.callbacks.get(id!)).toMatchObject({ status: 'delivered', attempts: 5 });
  });

  it('abandons on 410 Gone after one POST', async () => {
    const ledger = new MemoryLedger();
    const [id] = await queued(ledger, 1, receiver.url);
    receiver.answer = () => 410;
    const round = await deliverDueCallbacks(options(ledger, () => T0));
    expect(round.outcomes).toMatchObject([{ result: 'abandoned', status: 410 }]);
    expect(ledger.state.callbacks.get(id!)).toMatchObject({ status: 'abandoned', lastStatus: 410 });
    expect((await deliverDueCallbacks(options(ledger, () => T0 + 86_400_000))).outcomes).toEqual([]);
    expect(receiver.received).toHaveLength(1);
  });

  it('does not follow redirects: a 302 is a failure, retried', async () => {
    const ledger = new MemoryLedger();
    await queued(ledger, 1, receiver.url);
    receiver.answer = () => 302;
    const round = await deliverDueCallbacks(options(ledger, () => T0));
    expect(round.outcomes).toMatchObject([
      { result: 'failed', status: 302, error: 'HTTP 302: a redirect, not followed' },
    ]);
  });

  it('abandons after 3 days of failures, the waits doubling to the 1 h cap with jitter', async () => {
    const seed = Number(process.env.CALLBACK_SEED) || Date.now() % 2 ** 31;
    console.log(`callback 3-day retries: seed ${seed} (rerun with CALLBACK_SEED=${seed})`);
    const ledger = new MemoryLedger();
    const clock = manualClock();
    const [id] = await queued(ledger, 1, receiver.url);
    receiver.answer = () => 503;
    const random = seededRandom(seed);
    const waits: number[] = [];
    let last = await deliverDueCallbacks(options(ledger, clock.now, { random }));
    while (last.outcomes[0]?.result === 'failed') {
      waits.push(last.nextDueAt! - clock.now());
      clock.set(last.nextDueAt!);
      last = await deliverDueCallbacks(options(ledger, clock.now, { random }));
    }
    expect(last.outcomes).toMatchObject([{ result: 'abandoned', status: 503 }]);
    const state = ledger.state.callbacks.get(id!)!;
    expect(state.abandoned!.reason).toMatch(/259200000 ms of retries/);
    // Every attempt within 3 days of queueing; the next one would have been past them.
    expect(clock.now() - T0).toBeLessThanOrEqual(CALLBACK_DEFAULTS.retryForMs);
    expect(clock.now() - T0).toBeGreaterThan(CALLBACK_DEFAULTS.retryForMs - 1.2 * 3_600_000);
    for (const [i, wait] of waits.entries()) {
      const base = Math.min(3_600_000, 10_000 * 2 ** i);
      expect(wait).toBeGreaterThanOrEqual(0.8 * base);
      expect(wait).toBeLessThanOrEqual(1.2 * base);
    }
    expect(receiver.received.length).toBe(waits.length + 1);
    expect(state.attempts).toBe(waits.length + 1);
  });

  it('retakes an attempt whose taker died after its until, not before', async () => {
    const ledger = new MemoryLedger();
    const [id] = await queued(ledger, 1, receiver.url);
    const until = T0 + 30_000;
    // The "dead" process took attempt 1 and never recorded an outcome.
    await ledger.append({ type: 'callback.attempting', callbackId: id!, at: T0, attempt: 1, until });
    expect((await deliverDueCallbacks(options(ledger, () => until - 1))).outcomes).toEqual([]);
    expect(receiver.received).toHaveLength(0);
    const round = await deliverDueCallbacks(options(ledger, () => until));
    expect(round.outcomes).toMatchObject([{ result: 'delivered', attempt: 2 }]);
    expect(receiver.received).toHaveLength(1);
    // The dead taker's late outcome is refused: the attempt counted as lost.
    await expect(
      ledger.append({ type: 'callback.delivered', callbackId: id!, at: until + 1, attempt: 1, status: 200 }),
    ).rejects.toThrow(LedgerConflictError);
  });

  it('runs as a loop until its signal aborts, sleeping on the injected sleep until the next is due', async () => {
    const ledger = new MemoryLedger();
    const clock = manualClock();
    await queued(ledger, 1, receiver.url);
    receiver.answer = () => (receiver.received.length < 3 ? 500 : 200);
    const controller = new AbortController();
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      clock.advance(ms);
      if (ledger.state.callbacks.values().next().value?.status === 'delivered') controller.abort();
    };
    await deliverCallbacks({ ...options(ledger, clock.now, { sleep, idleMs: 60_000 }), signal: controller.signal });
    expect(receiver.received).toHaveLength(3);
    expect(sleeps).toEqual([10_000, 20_000, 60_000]);
  });

  describe('two deliverers on one file ledger', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mpgdpr-cbd-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('POST each attempt once between them (one taker per attempt), whatever the interleaving', async () => {
      const path = join(dir, 'ledger.jsonl');
      const a = await FileLedger.open(path);
      const b = await FileLedger.open(path);
      try {
        const ids = await queued(a, 6, receiver.url);
        const clock = manualClock();
        const [ra, rb] = await Promise.all([
          deliverDueCallbacks(options(a, clock.now)),
          deliverDueCallbacks(options(b, clock.now)),
        ]);
        const results = [...ra.outcomes, ...rb.outcomes];
        expect(results.filter((o) => o.result === 'delivered')).toHaveLength(6);
        expect(results.every((o) => o.result === 'delivered' || o.result === 'taken')).toBe(true);
        expect(new Set(receiver.countsById().values())).toEqual(new Set([1]));
        expect([...receiver.countsById().keys()].sort()).toEqual([...ids].sort());
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('a deliverer with stale state POSTs nothing another already took: its takes are refused by the store', async () => {
      const path = join(dir, 'ledger.jsonl');
      const a = await FileLedger.open(path);
      const b = await FileLedger.open(path);
      try {
        await queued(a, 3, receiver.url);
        await b.refresh();
        await deliverDueCallbacks(options(a, () => T0));
        expect(receiver.received).toHaveLength(3);
        // b never takes in a's records before deciding (as if a's appends landed between its refresh and its takes).
        const stale = { state: b.state, append: b.append.bind(b), refresh: async () => undefined };
        expect([...b.state.callbacks.values()].every((cb) => cb.status === 'pending')).toBe(true);
        const round = await deliverDueCallbacks(options(stale, () => T0));
        expect(round.outcomes.map((o) => o.result)).toEqual(['taken', 'taken', 'taken']);
        expect(receiver.received).toHaveLength(3);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('retries of failing callbacks are POSTed once per attempt across both', async () => {
      const path = join(dir, 'ledger.jsonl');
      const a = await FileLedger.open(path);
      const b = await FileLedger.open(path);
      try {
        await queued(a, 4, receiver.url);
        receiver.answer = () => 500;
        const clock = manualClock();
        for (let round = 0; round < 3; round++) {
          await Promise.all([deliverDueCallbacks(options(a, clock.now)), deliverDueCallbacks(options(b, clock.now))]);
          clock.advance(10_000 * 2 ** round);
        }
        const attempts = receiver.received.map((r) => `${r.headers['idempotency-key']}`);
        expect(attempts).toHaveLength(12);
        expect(new Set(receiver.countsById().values())).toEqual(new Set([3]));
        await b.refresh();
        for (const cb of b.state.callbacks.values()) expect(cb.attempts).toBe(3);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
