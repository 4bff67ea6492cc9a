import { describe, expect, it } from 'vitest';
import { WORKFLOW_DEFAULTS } from '../src/defaults.js';
import { nextPollDelayMs } from '../src/pollSchedule.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Polls a task that ends at `durationMs` on the default schedule: how many polls, and how late it is noticed. */
function simulate(durationMs: number, random = () => 0.5) {
  let t = 0;
  let polls = 0;
  for (;;) {
    t += nextPollDelayMs(t, WORKFLOW_DEFAULTS, random);
    polls++;
    if (t >= durationMs) return { polls, lagMs: t - durationMs };
  }
}

describe('nextPollDelayMs', () => {
  it('waits a tenth of the age, within the bounds', () => {
    const o = { ...WORKFLOW_DEFAULTS, pollJitter: 0 };
    expect(nextPollDelayMs(0, o)).toBe(5_000);
    expect(nextPollDelayMs(10 * MINUTE, o)).toBe(MINUTE);
    expect(nextPollDelayMs(30 * DAY, o)).toBe(HOUR);
  });

  it('only shortens the wait by the jitter, and never leaves the bounds', () => {
    const o = { ...WORKFLOW_DEFAULTS, pollJitter: 0.1 };
    expect(nextPollDelayMs(10 * MINUTE, o, () => 0)).toBe(60_000);
    expect(nextPollDelayMs(10 * MINUTE, o, () => 0.999999)).toBe(54_000);
    expect(nextPollDelayMs(30 * DAY, o, () => 0)).toBe(HOUR);
    expect(nextPollDelayMs(30 * DAY, o, () => 0.999999)).toBe(3_240_000);
    expect(nextPollDelayMs(0, o, () => 0)).toBe(5_000);
  });

  it.each([
    [MINUTE, '1 min'],
    [HOUR, '1 h'],
    [DAY, '1 day'],
    [30 * DAY, '30 days'],
  ])(
    'notices a task of %i ms (%s) within 10%% of its age (or one minimum delay), and at most an hour late',
    (duration) => {
      for (const r of [0, 0.5, 0.999]) {
        const { lagMs } = simulate(duration, () => r);
        expect(lagMs).toBeLessThanOrEqual(Math.max(0.1 * duration, 5_000));
        expect(lagMs).toBeLessThanOrEqual(HOUR);
      }
    },
  );

  it('polls a 30-day task under a thousand times, not once every few seconds', () => {
    const { polls } = simulate(30 * DAY);
    expect(polls).toBeLessThan(1_000);
    expect(polls).toBeGreaterThan(700);
  });
});
