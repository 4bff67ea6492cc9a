import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLedger, MemoryLedger } from '@mixpanel-gdpr/workflow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueCallbacks } from '../../src/callbacks/queueCallbacks.js';
import { describedAs, fakeSources, manualClock, received, T0 } from './helpers/fixtures.js';

const URL_A = 'https://tickets.example.com/hooks/dsr?token=s3cr3t';

function queuedOf(ledger: { state: MemoryLedger['state'] }) {
  return [...ledger.state.callbacks.values()];
}

describe('queueCallbacks (the outbox producer)', () => {
  it('queues nothing while a request keeps the state it was received in, one callback per change after', async () => {
    const ledger = new MemoryLedger();
    const clock = manualClock();
    const sources = fakeSources();
    const request = received(1, { callbackUrl: URL_A });
    await ledger.append(request, received(2));
    const queue = () => queueCallbacks({ ledger, now: clock.now, ...sources });

    expect(await queue()).toEqual({ queued: 0, conflicts: 0 });
    sources.described.set(request.requestId, describedAs('submitted'));
    clock.advance(1_000);
    expect((await queue()).queued).toBe(1);
    expect((await queue()).queued).toBe(0);
    sources.described.set(request.requestId, describedAs('done'));
    clock.advance(1_000);
    expect((await queue()).queued).toBe(1);

    const [first, second] = queuedOf(ledger);
    expect(first).toMatchObject({
      requestId: request.requestId,
      protocol: 'service',
      event: 'request.state_changed',
      state: 'submitted',
      previousState: 'not_submitted',
      url: URL_A,
      status: 'pending',
      nextAt: T0 + 1_000,
    });
    expect(second).toMatchObject({ state: 'done', previousState: 'submitted' });
    expect(JSON.parse(second!.body!)).toEqual({
      id: second!.callbackId,
      type: 'request.state_changed',
      createdAt: new Date(T0 + 2_000).toISOString(),
      previousState: 'submitted',
      request: { requestId: request.requestId, ticket: 'DSR-1', state: 'done', event: 'request.state_changed' },
    });
    expect(ledger.state.requests.get(request.requestId)!.callbackIds).toEqual([first!.callbackId, second!.callbackId]);
  });

  it('sends extended, at risk and overdue once each, when they become true', async () => {
    const ledger = new MemoryLedger();
    const sources = fakeSources();
    const request = received(1, { callbackUrl: URL_A });
    await ledger.append(request);
    const queue = () => queueCallbacks({ ledger, now: () => T0, ...sources });
    sources.described.set(request.requestId, describedAs('submitted', { atRisk: true }));
    expect((await queue()).queued).toBe(2);
    sources.described.set(request.requestId, describedAs('submitted', { atRisk: true, overdue: true, extended: true }));
    expect((await queue()).queued).toBe(2);
    expect((await queue()).queued).toBe(0);
    const events = queuedOf(ledger).map((c) => c.event);
    expect(events).toEqual(['request.state_changed', 'request.at_risk', 'request.extended', 'request.overdue']);
    const atRisk = JSON.parse(queuedOf(ledger)[1]!.body!);
    expect(atRisk).not.toHaveProperty('previousState');
    expect(atRisk.type).toBe('request.at_risk');
  });

  it('queues OpenDSR status callbacks per URL only when a signer body is given, on status changes', async () => {
    const ledger = new MemoryLedger();
    const sources = fakeSources();
    const urls = ['https://dsr.example.com/cb/1', 'https://dsr.example.com/cb/2'];
    const opendsr = {
      subjectRequestId: 'a7551968-d5d6-44b2-9831-815ac9017798',
      statusCallbackUrls: urls,
      requestType: 'erasure',
    };
    const request = received(1, { intake: { via: 'opendsr', opendsr } });
    await ledger.append(request);
    sources.described.set(request.requestId, describedAs('submitted'));
    expect((await queueCallbacks({ ledger, now: () => T0, ...sources })).queued).toBe(0);

    const statusOf = (state: string) =>
      ({ not_submitted: 'pending', submitted: 'in_progress', failed: 'in_progress', done: 'completed' })[state] ??
      state;
    const withOpendsr = {
      ...sources,
      opendsrStatusOf: statusOf,
      opendsrBodyOf: (_r: unknown, url: string, status: string) => ({
        request_status: status,
        status_callback_url: url,
      }),
    };
    expect((await queueCallbacks({ ledger, now: () => T0, ...withOpendsr })).queued).toBe(2);
    // submitted → failed is in_progress → in_progress for OpenDSR: nothing to say.
    sources.described.set(request.requestId, describedAs('failed'));
    expect((await queueCallbacks({ ledger, now: () => T0, ...withOpendsr })).queued).toBe(0);
    sources.described.set(request.requestId, describedAs('done'));
    expect((await queueCallbacks({ ledger, now: () => T0, ...withOpendsr })).queued).toBe(2);
    const callbacks = queuedOf(ledger);
    expect(callbacks.map((c) => [c.protocol, c.url, c.previousState, c.state])).toEqual([
      ['opendsr', urls[0], 'pending', 'in_progress'],
      ['opendsr', urls[1], 'pending', 'in_progress'],
      ['opendsr', urls[0], 'in_progress', 'completed'],
      ['opendsr', urls[1], 'in_progress', 'completed'],
    ]);
    expect(JSON.parse(callbacks[3]!.body!)).toEqual({ request_status: 'completed', status_callback_url: urls[1] });
  });

  describe('two service processes on one file ledger', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mpgdpr-cb-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('a second producer with stale state queues nothing twice (same deterministic id, refused, refreshed)', async () => {
      const path = join(dir, 'ledger.jsonl');
      const a = await FileLedger.open(path);
      const b = await FileLedger.open(path);
      try {
        const sources = fakeSources();
        const request = received(1, { callbackUrl: URL_A });
        await a.append(request);
        await b.refresh();
        sources.described.set(request.requestId, describedAs('submitted', { atRisk: true }));
        expect(await queueCallbacks({ ledger: a, now: () => T0, ...sources })).toEqual({ queued: 2, conflicts: 0 });
        // b has not taken in a's callbacks: it plans the same two, is refused, takes them in, plans none.
        expect(b.state.callbacks.size).toBe(0);
        expect(await queueCallbacks({ ledger: b, now: () => T0 + 5, ...sources })).toEqual({ queued: 0, conflicts: 1 });
        expect(b.state.callbacks.size).toBe(2);

        // Both at once, on a later change: one callback between them.
        sources.described.set(request.requestId, describedAs('done', { atRisk: true }));
        const [ra, rb] = await Promise.all([
          queueCallbacks({ ledger: a, now: () => T0 + 10, ...sources }),
          queueCallbacks({ ledger: b, now: () => T0 + 11, ...sources }),
        ]);
        expect(ra.queued + rb.queued).toBe(1);
        const reopened = await FileLedger.open(path, { readOnly: true });
        const events = [...reopened.state.callbacks.values()].map((c) => `${c.event}:${c.state}`);
        await reopened.close();
        expect(events).toEqual([
          'request.state_changed:submitted',
          'request.at_risk:submitted',
          'request.state_changed:done',
        ]);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
