import { describe, expect, it } from 'vitest';
import { type Priority, RateLimiter } from '../src/RateLimiter.js';
import { fakeClock } from './helpers/harness.js';

function limiter(ratePerSecond = 1, extra = {}) {
  const clock = fakeClock(0);
  const l = new RateLimiter({
    ratePerSecond,
    rateLimitBackoffMs: 2_000,
    rateLimitMaxBackoffMs: 4 * 3_600_000,
    now: clock.now,
    sleep: clock.sleep,
    ...extra,
  });
  /** Acquire, note the grant time, answer at once. */
  const request = (priority: Priority = 'submit', roundTripMs = 0) =>
    l.acquire(priority).then(async (release) => {
      const at = clock.now();
      clock.advance(roundTripMs);
      release();
      return at;
    });
  return { clock, l, request };
}

describe('RateLimiter', () => {
  it('spaces grants 1/rate apart', async () => {
    const { l, request } = limiter(2);
    expect(await Promise.all([1, 2, 3, 4].map(() => request()))).toEqual([0, 500, 1000, 1500]);
    expect(l.intervalMs).toBe(500);
  });

  it('never bursts after an idle pause: no saved-up tokens', async () => {
    const { clock, request } = limiter(1);
    await request();
    clock.advance(3_600_000);
    const at = await Promise.all([1, 2, 3].map(() => request('poll')));
    expect(at.map((t) => t - 3_600_000)).toEqual([0, 1000, 2000]);
  });

  it('keeps one request in flight: the next waits for the answer', async () => {
    const { clock, l } = limiter(10);
    const release = await l.acquire('submit');
    let granted = false;
    const next = l.acquire('poll').then((r) => {
      granted = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    clock.advance(5_000);
    await new Promise((r) => setImmediate(r));
    expect(granted).toBe(false);
    release();
    (await next)();
    expect(granted).toBe(true);
  });

  it('after a slow request, waits 1/rate from its answer, so arrivals stay 1/rate apart', async () => {
    const { request } = limiter(1);
    // First answer took 300 ms (a new connection): it may have arrived just before answering.
    expect(await request('submit', 300)).toBe(0);
    // Warming up: no round trip is trusted yet, so each waits a whole interval from the answer before.
    expect(await request('submit', 10)).toBe(1300);
    expect(await request('submit', 10)).toBe(2310);
    expect(await request('submit', 10)).toBe(3320);
    expect(await request('submit', 10)).toBe(4330);
    // Steady state: 10 ms round trips are known, so sends are 1/rate apart again.
    expect(await request('submit', 10)).toBe(5330);
    expect(await request('submit', 10)).toBe(6330);
    // A slow one later: the next waits a whole interval from its answer (7630): round trips now vary by more than
    // the fastest, so no part of one is sure to have come after its arrival.
    expect(await request('submit', 300)).toBe(7330);
    expect(await request('submit', 10)).toBe(8630);
  });

  it('takes no floor from the first round trips, which are slow before arrival (a cold process), so the next does not arrive early', async () => {
    const { request } = limiter(1);
    // A cold second request: 200 ms of compiling and connecting, then it arrives and is answered at once.
    await request('submit', 300);
    const second = await request('submit', 200);
    const arrivedAt = second + 200;
    // Warm now: the third is sent as soon as allowed and arrives at once. Counting 200 ms of the
    // second's round trip as already passed would send it 800 ms after the second arrived.
    const third = await request('submit', 1);
    expect(third - arrivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('serves waiting submissions before waiting polls', async () => {
    const { request } = limiter(1);
    await request();
    const order: string[] = [];
    const polls = [1, 2].map((n) => request('poll').then(() => order.push(`poll${n}`)));
    const submits = [1, 2].map((n) => request('submit').then(() => order.push(`submit${n}`)));
    await Promise.all([...polls, ...submits]);
    expect(order).toEqual(['submit1', 'submit2', 'poll1', 'poll2']);
  });

  it("waits out a 429's Retry-After for everyone", async () => {
    const { l, request } = limiter(1);
    await request();
    expect(l.rateLimited(30_000)).toBe(30_000);
    expect(await request('poll')).toBe(30_000);
  });

  it('doubles the wait on consecutive 429s without Retry-After, up to hours, and starts over after a success', () => {
    const { l } = limiter(1);
    const waits = Array.from({ length: 16 }, () => l.rateLimited());
    expect(waits.slice(0, 4)).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(waits.at(-1)).toBe(4 * 3_600_000);
    l.succeeded();
    expect(l.rateLimited()).toBe(2_000);
  });

  it('drops an aborted waiter without granting it', async () => {
    const { l } = limiter(1);
    const release = await l.acquire('submit');
    const controller = new AbortController();
    const aborted = l.acquire('poll', controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(l.waiting).toBe(0);
    release();
  });

  it("keeps its distance from another process's last request, and reports each grant", async () => {
    const granted: number[] = [];
    const { clock, request } = limiter(1, { lastRequestAt: -300, onGrant: (at: number) => granted.push(at) });
    clock.advance(0);
    await request();
    await request();
    expect(granted).toEqual([700, 1700]);
  });

  it('rejects a bad rate with a message naming it', () => {
    expect(() => new RateLimiter({ ratePerSecond: 0, rateLimitBackoffMs: 1, rateLimitMaxBackoffMs: 1 })).toThrow(
      'ratePerSecond must be a positive number (got 0)',
    );
  });

  it('caps a Retry-After at rateLimitMaxBackoffMs, and ignores a negative or non-finite one', () => {
    const { l } = limiter(1);
    expect(l.rateLimited(30 * 24 * 3_600_000)).toBe(4 * 3_600_000);
    expect(l.rateLimited(-5)).toBe(0);
    l.succeeded();
    expect(l.rateLimited(Number.POSITIVE_INFINITY)).toBe(2_000);
  });

  it('stops its own timer when the last waiter gives up, so an abort during a 429 wait ends at once', async () => {
    const sleeps: Array<{ ms: number; signal: AbortSignal | undefined }> = [];
    // A sleep that only ends when aborted: what a real hour-long timer looks like to the process.
    const sleep = (ms: number, signal?: AbortSignal) =>
      new Promise<void>((_, reject) => {
        sleeps.push({ ms, signal });
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    const l = new RateLimiter({
      ratePerSecond: 1,
      rateLimitBackoffMs: 2_000,
      rateLimitMaxBackoffMs: 4 * 3_600_000,
      now: () => 0,
      sleep,
    });
    l.rateLimited(3_600_000);
    const controller = new AbortController();
    const waiting = l.acquire('submit', controller.signal);
    await new Promise((r) => setImmediate(r));
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]!.ms).toBe(3_600_000);
    expect(sleeps[0]!.signal?.aborted).toBe(false);
    controller.abort(new Error('interrupted'));
    await expect(waiting).rejects.toThrow('interrupted');
    expect(sleeps[0]!.signal?.aborted).toBe(true);
  });
});

describe('RateLimiter with a pace shared across processes', () => {
  it('grants only once the shared pace has reserved a slot, in priority order, and passes 429s on', async () => {
    const clock = fakeClock(0);
    const reserved: Priority[] = [];
    const pending: Array<() => void> = [];
    const told: Array<number | undefined> = [];
    const limiter = new RateLimiter({
      ratePerSecond: 1,
      rateLimitBackoffMs: 1_000,
      rateLimitMaxBackoffMs: 60_000,
      now: clock.now,
      sleep: clock.sleep,
      share: {
        reserve: (priority) => {
          reserved.push(priority);
          return new Promise<void>((resolve) => pending.push(resolve));
        },
        rateLimited: async (ms) => void told.push(ms),
        succeeded: async () => {},
      },
    });
    const granted: string[] = [];
    const poll = limiter.acquire('poll').then((release) => (granted.push('poll'), release));
    await new Promise((r) => setImmediate(r));
    // The shared pace has not answered: nothing is granted, whatever the local limiter allows.
    expect(granted).toEqual([]);
    expect(reserved).toEqual(['poll']);
    const submit = limiter.acquire('submit').then((release) => (granted.push('submit'), release));
    pending.shift()!();
    // The slot goes to the first waiter by priority: the submission that arrived meanwhile.
    (await submit)();
    expect(granted).toEqual(['submit']);
    // The next reservation comes once the interval has passed on the (fake) clock.
    for (let turn = 0; pending.length === 0 && turn < 50; turn++) await new Promise((r) => setImmediate(r));
    expect(reserved).toEqual(['poll', 'poll']);
    pending.shift()!();
    (await poll)();
    expect(granted).toEqual(['submit', 'poll']);
    limiter.rateLimited(5_000);
    expect(told).toEqual([5_000]);
  });

  it('gives the first waiter the error when the shared pace fails, and serves the next one', async () => {
    const clock = fakeClock(0);
    let calls = 0;
    const limiter = new RateLimiter({
      ratePerSecond: 1,
      rateLimitBackoffMs: 1_000,
      rateLimitMaxBackoffMs: 60_000,
      now: clock.now,
      sleep: clock.sleep,
      share: {
        reserve: async () => {
          if (calls++ === 0) throw new Error('database unreachable');
        },
        rateLimited: async () => {},
        succeeded: async () => {},
      },
    });
    const first = limiter.acquire('submit');
    const second = limiter.acquire('submit');
    await expect(first).rejects.toThrow('database unreachable');
    (await second)();
  });
});

describe('RateLimiter with a shared pace that reserves ahead', () => {
  it('asks it min(interval, reservesAheadMs) before the slot, never for a slot before its own', async () => {
    const clock = fakeClock(0);
    const asked: Array<{ at: number; notBeforeMs: number | undefined }> = [];
    const limiter = new RateLimiter({
      ratePerSecond: 10,
      rateLimitBackoffMs: 1_000,
      rateLimitMaxBackoffMs: 60_000,
      now: clock.now,
      sleep: clock.sleep,
      share: {
        reservesAheadMs: 30,
        // Waits for the slot itself, as such a share must.
        reserve: async (_priority, _intervalMs, _signal, notBeforeMs) => {
          asked.push({ at: clock.now(), notBeforeMs });
          clock.advance(Math.max(0, (notBeforeMs ?? 0) - clock.now()));
        },
        rateLimited: async () => {},
        succeeded: async () => {},
      },
    });
    (await limiter.acquire('submit'))();
    const release = await limiter.acquire('submit');
    expect(clock.now()).toBe(100);
    release();
    expect(asked).toEqual([
      { at: 0, notBeforeMs: 0 },
      { at: 70, notBeforeMs: 100 },
    ]);
  });
});

describe('RateLimiter and a shared pace, when the waiter goes', () => {
  it('gives a slot granted after its waiter aborted straight back, so other processes are not held', async () => {
    const clock = fakeClock(0);
    let grant: (() => void) | undefined;
    const answered: number[] = [];
    const limiter = new RateLimiter({
      ratePerSecond: 1,
      rateLimitBackoffMs: 1_000,
      rateLimitMaxBackoffMs: 60_000,
      now: clock.now,
      sleep: clock.sleep,
      share: {
        // A reservation that completes even though its signal aborted (the grant had committed).
        reserve: () =>
          new Promise((resolve) => {
            grant = () => resolve(async (floorMs: number) => void answered.push(floorMs));
          }),
        rateLimited: async () => {},
        succeeded: async () => {},
      },
    });
    const stop = new AbortController();
    const waiting = limiter.acquire('poll', stop.signal);
    for (let turn = 0; !grant && turn < 20; turn++) await new Promise((r) => setImmediate(r));
    stop.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    grant!();
    for (let turn = 0; answered.length === 0 && turn < 20; turn++) await new Promise((r) => setImmediate(r));
    expect(answered).toEqual([0]);
  });
});
