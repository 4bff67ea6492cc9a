import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/RateLimiter.js';
import { fakeClock } from './helpers/harness.js';

function limiter(ratePerSecond = 1) {
  const clock = fakeClock(0);
  const l = new RateLimiter({ ratePerSecond, rateLimitBackoffMs: 2_000, rateLimitMaxBackoffMs: 4 * 3_600_000, now: clock.now, sleep: clock.sleep });
  return { clock, l };
}

describe('RateLimiter', () => {
  it('spaces grants 1/rate apart', async () => {
    const { clock, l } = limiter(2);
    const at: number[] = [];
    await Promise.all([1, 2, 3, 4].map(() => l.acquire('submit').then(() => at.push(clock.now()))));
    expect(at).toEqual([0, 500, 1000, 1500]);
  });

  it('never bursts after an idle pause: no saved-up tokens', async () => {
    const { clock, l } = limiter(1);
    await l.acquire('submit');
    clock.advance(3_600_000);
    const at: number[] = [];
    await Promise.all([1, 2, 3].map(() => l.acquire('poll').then(() => at.push(clock.now() - 3_600_000))));
    expect(at).toEqual([0, 1000, 2000]);
  });

  it('serves waiting submissions before waiting polls', async () => {
    const { l } = limiter(1);
    await l.acquire('submit');
    const order: string[] = [];
    const polls = [1, 2].map((n) => l.acquire('poll').then(() => order.push(`poll${n}`)));
    const submits = [1, 2].map((n) => l.acquire('submit').then(() => order.push(`submit${n}`)));
    await Promise.all([...polls, ...submits]);
    expect(order).toEqual(['submit1', 'submit2', 'poll1', 'poll2']);
  });

  it("waits out a 429's Retry-After for everyone", async () => {
    const { clock, l } = limiter(1);
    await l.acquire('submit');
    expect(l.rateLimited(30_000)).toBe(30_000);
    await l.acquire('poll');
    expect(clock.now()).toBe(30_000);
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
    await l.acquire('submit');
    const controller = new AbortController();
    const aborted = l.acquire('poll', controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(l.waiting).toBe(0);
  });

  it("keeps its distance from another process's last request, and reports each grant", async () => {
    const clock = fakeClock(10_000);
    const granted: number[] = [];
    const l = new RateLimiter({ ratePerSecond: 1, rateLimitBackoffMs: 1, rateLimitMaxBackoffMs: 1, lastRequestAt: 9_700, onGrant: (at) => granted.push(at), now: clock.now, sleep: clock.sleep });
    await l.acquire('submit');
    await l.acquire('poll');
    expect(granted).toEqual([10_700, 11_700]);
  });

  it('rejects a bad rate with a message naming it', () => {
    expect(() => new RateLimiter({ ratePerSecond: 0, rateLimitBackoffMs: 1, rateLimitMaxBackoffMs: 1 })).toThrow('ratePerSecond must be a positive number (got 0)');
  });
});
