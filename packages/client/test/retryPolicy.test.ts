import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isRetryable, nextDelayMs, parseRetryAfterMs } from '../src/retryPolicy.js';

const backoff = { minRetryDelayMs: 1000, maxRetryDelayMs: 60_000 };

describe('isRetryable', () => {
  it('retries 429 for every method, POST included (rejected before any work)', () => {
    for (const method of ['GET', 'POST', 'DELETE']) expect(isRetryable({ method, status: 429 })).toBe(true);
  });
  it('retries 5xx for GET and DELETE, never for POST (the task may exist)', () => {
    for (const status of [500, 502, 503, 504]) {
      expect(isRetryable({ method: 'GET', status })).toBe(true);
      expect(isRetryable({ method: 'DELETE', status })).toBe(true);
      expect(isRetryable({ method: 'POST', status })).toBe(false);
    }
  });
  it('never retries other 4xx (409 would repeat forever)', () => {
    for (const status of [400, 401, 403, 404, 405, 409]) expect(isRetryable({ method: 'GET', status })).toBe(false);
  });
  it('retries a POST only when it was never sent', () => {
    expect(isRetryable({ method: 'POST', neverSent: true })).toBe(true);
    expect(isRetryable({ method: 'POST', neverSent: false })).toBe(false);
    expect(isRetryable({ method: 'GET', neverSent: false })).toBe(true);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds, fractional seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3', 0)).toBe(3000);
    expect(parseRetryAfterMs(' 1.5 ', 0)).toBe(1500);
    const now = Date.parse('2026-11-29T10:00:00Z');
    expect(parseRetryAfterMs('Sun, 29 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Sun, 29 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('ignores missing and garbage values', () => {
    expect(parseRetryAfterMs(null, 0)).toBeUndefined();
    expect(parseRetryAfterMs('soon', 0)).toBeUndefined();
    expect(parseRetryAfterMs('-5', 0)).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  it('doubles per retry with equal jitter and stops at the cap', () => {
    expect(backoffDelayMs(0, backoff, () => 0)).toBe(500);
    expect(backoffDelayMs(0, backoff, () => 0.999999)).toBe(1000);
    expect(backoffDelayMs(3, backoff, () => 0)).toBe(4000);
    expect(backoffDelayMs(20, backoff, () => 0.999999)).toBe(60_000);
    expect(backoffDelayMs(20, backoff, () => 0)).toBe(30_000);
  });
});

describe('nextDelayMs', () => {
  it('lets Retry-After win within the cap', () => {
    expect(nextDelayMs(0, 7000, backoff, () => 0)).toBe(7000);
    expect(nextDelayMs(5, 10, backoff, () => 0)).toBe(10);
  });
  it('gives up (undefined) when the server asks for longer than the cap', () => {
    expect(nextDelayMs(0, 3_600_000, backoff, () => 0)).toBeUndefined();
  });
  it('falls back to backoff without Retry-After', () => {
    expect(nextDelayMs(1, undefined, backoff, () => 0)).toBe(1000);
  });
});
