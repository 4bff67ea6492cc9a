import { describe, expect, it } from 'vitest';
import { WORKFLOW_DEFAULTS } from '../src/defaults.js';
import { nextPollDelayMs, type PolledKind } from '../src/pollSchedule.js';
import { resolveWorkflowOptions } from '../src/resolveWorkflowOptions.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const LAG: Record<PolledKind, number> = { deletion: 6 * HOUR, retrieval: 2 * HOUR };

/** Polls a task that ends at `durationMs`: how many polls, and how late it is noticed. */
function simulate(durationMs: number, kind: PolledKind, random = () => 0.5, options = WORKFLOW_DEFAULTS) {
  let t = 0;
  let polls = 0;
  for (;;) {
    t += nextPollDelayMs(t, kind, options, random);
    polls++;
    if (t >= durationMs) return { polls, lagMs: t - durationMs };
  }
}

describe('nextPollDelayMs', () => {
  it('by default polls once per lag target: 6 h for a deletion, 2 h for a retrieval, from the first poll', () => {
    const o = { ...WORKFLOW_DEFAULTS, pollJitter: 0 };
    for (const age of [0, MINUTE, DAY, 30 * DAY]) {
      expect(nextPollDelayMs(age, 'deletion', o)).toBe(6 * HOUR);
      expect(nextPollDelayMs(age, 'retrieval', o)).toBe(2 * HOUR);
    }
  });

  it('ramps with the age between a lower minimum and the maximum (a fast fake, an impatient run)', () => {
    const o = { ...WORKFLOW_DEFAULTS, pollJitter: 0, pollMinDelayMs: 5_000, pollMaxDelayMs: HOUR };
    expect(nextPollDelayMs(0, 'deletion', o)).toBe(5_000);
    expect(nextPollDelayMs(10 * MINUTE, 'deletion', o)).toBe(MINUTE);
    expect(nextPollDelayMs(30 * DAY, 'deletion', o)).toBe(HOUR);
    // A retrieval's own maximum is the lower of the two.
    expect(nextPollDelayMs(30 * DAY, 'retrieval', { ...o, retrievalPollMaxDelayMs: 30 * MINUTE })).toBe(30 * MINUTE);
  });

  it('only shortens the wait by the jitter', () => {
    const o = { ...WORKFLOW_DEFAULTS, pollJitter: 0.1 };
    expect(nextPollDelayMs(DAY, 'deletion', o, () => 0)).toBe(6 * HOUR);
    expect(nextPollDelayMs(DAY, 'deletion', o, () => 0.999999)).toBe(Math.round(6 * HOUR * 0.9000001));
    expect(nextPollDelayMs(DAY, 'retrieval', o, () => 0.5)).toBe(2 * HOUR * 0.95);
  });

  it.each([
    [HOUR, 'deletion'],
    [DAY, 'deletion'],
    [20 * DAY, 'deletion'],
    [MINUTE, 'retrieval'],
    [3 * DAY, 'retrieval'],
  ] as const)(
    'notices a task of %i ms (%s) within its lag target, spending at most one poll over duration ÷ lag',
    (duration, kind) => {
      for (const r of [0, 0.5, 0.999]) {
        const { lagMs, polls } = simulate(duration, kind, () => r);
        expect(lagMs).toBeLessThanOrEqual(LAG[kind]);
        // Jitter shortens each wait by up to 10 %: at most 1 / 0.9 of the polls, plus the one after the end.
        expect(polls).toBeLessThanOrEqual(Math.ceil(Math.max(1, duration / LAG[kind]) / 0.9) + 1);
      }
    },
  );

  it('polls a one-day deletion 4 or 5 times, where the old ramp (a tenth of the age from 5 s, at most 1 h) polled 98 times', () => {
    expect(simulate(DAY, 'deletion').polls).toBeLessThanOrEqual(5);
    const old = { ...WORKFLOW_DEFAULTS, pollMinDelayMs: 5_000, pollMaxDelayMs: HOUR };
    expect(simulate(DAY, 'deletion', () => 0.5, old).polls).toBeGreaterThan(90);
  });
});

describe('the poll options', () => {
  it('lower the default minimum with a lower maximum, and refuse a maximum under a minimum set', () => {
    expect(resolveWorkflowOptions({ pollMaxDelayMs: 2_000 }).pollMinDelayMs).toBe(2_000);
    expect(resolveWorkflowOptions({}).pollMinDelayMs).toBe(6 * HOUR);
    expect(() => resolveWorkflowOptions({ pollMinDelayMs: 5_000, pollMaxDelayMs: 2_000 })).toThrow(/pollMaxDelayMs/);
    expect(() => resolveWorkflowOptions({ retrievalPollMaxDelayMs: 0 })).toThrow(/retrievalPollMaxDelayMs/);
  });
});
