import { describe, expect, it } from 'vitest';
import { daysLeftText, durationText } from '../../src/www/lib/format.js';

describe('format', () => {
  it('says days left, due today or days overdue', () => {
    expect([daysLeftText(3), daysLeftText(1), daysLeftText(0), daysLeftText(-1), daysLeftText(-9)]).toEqual([
      '3 days',
      '1 day',
      'due today',
      '1 day overdue',
      '9 days overdue',
    ]);
  });

  it('gives an age in its two largest units', () => {
    expect(durationText(40_000)).toBe('40 s');
    expect(durationText(2 * 3_600_000 + 5 * 60_000 + 7_000)).toBe('2 h 5 min');
    expect(durationText(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
    expect(durationText(86_400_000 + 30_000)).toBe('1 d 0 h');
    expect(durationText(-5)).toBe('0 s');
  });
});
