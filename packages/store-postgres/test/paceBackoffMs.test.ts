import { describe, expect, it } from 'vitest';
import { paceBackoffMs } from '../src/paceBackoffMs.js';

const options = { rateLimitBackoffMs: 2_000, rateLimitMaxBackoffMs: 60_000 };

describe('paceBackoffMs', () => {
  it('doubles per consecutive 429 up to the cap', () => {
    expect([1, 2, 3, 5, 6, 7].map((n) => paceBackoffMs(n, undefined, options))).toEqual([
      2_000, 4_000, 8_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('lets Retry-After win within the cap', () => {
    expect(paceBackoffMs(5, 1_000, options)).toBe(1_000);
    expect(paceBackoffMs(1, 3_600_000, options)).toBe(60_000);
    expect(paceBackoffMs(1, -5, options)).toBe(0);
    expect(paceBackoffMs(1, Number.NaN, options)).toBe(2_000);
  });

  it('stays finite after thousands of 429s', () => {
    expect(paceBackoffMs(5_000, undefined, options)).toBe(60_000);
  });
});
