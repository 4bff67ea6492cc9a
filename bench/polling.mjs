// 4. Polling cost on a simulated clock: polls per task and detection lag with the default schedule.

import { seededRandom } from '../packages/testing/dist/index.js';
import { nextPollDelayMs, WORKFLOW_DEFAULTS } from '../packages/workflow/dist/index.js';
import { summarize } from './stats.mjs';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;

export async function polling({ quick }) {
  const rows = [];
  for (const [label, duration] of [
    ['1 min', MIN],
    ['1 h', H],
    ['1 day', D],
    ['30 days', 30 * D],
  ]) {
    const polls = [];
    const lags = [];
    for (let seed = 1; seed <= (quick ? 3 : 25); seed++) {
      const random = seededRandom(seed);
      let t = 0;
      let n = 0;
      while (t < duration) {
        t += nextPollDelayMs(t, WORKFLOW_DEFAULTS, random);
        n++;
      }
      polls.push(n);
      lags.push(t - duration);
    }
    const lag = summarize(lags);
    const limit = Math.min(0.1 * duration, H);
    rows.push({
      id: '4',
      what: `task of ${label}: detection lag, s (${summarize(polls).median} polls)`,
      value: { ...lag, median: lag.median / 1000, min: lag.min / 1000, max: lag.max / 1000 },
      unit: 's',
      target: '≤ 10% of age and ≤ 1 h',
      baseline: ['10% of age, ≤ 1 h', limit / 1000],
      ratio: lag.max / limit,
      met: lag.max <= Math.max(limit, WORKFLOW_DEFAULTS.pollMinDelayMs),
    });
  }
  return rows;
}
