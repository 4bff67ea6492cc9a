import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError } from '../src/errors.js';
import { sleep } from '../src/sleep.js';

const DAY_MS = 24 * 3_600_000;

afterEach(() => {
  vi.useRealTimers();
});

describe('sleep', () => {
  // A timer past 2^31 - 1 ms (about 24.8 days) fires after 1 ms; the fake timers reproduce that.
  it('honours a 30-day sleep instead of waking at once past the timer limit', async () => {
    vi.useFakeTimers();
    let woke = false;
    const pending = sleep(30 * DAY_MS).then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(30 * DAY_MS - 1);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(woke).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts a long sleep promptly in a later segment, leaving no timer behind', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const pending = sleep(60 * DAY_MS, controller.signal).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(40 * DAY_MS);
    controller.abort(new Error('stop'));
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toEqual(new Error('stop'));
    expect(vi.getTimerCount()).toBe(0);
  });
});
