// 4. Polling cost on a simulated clock: polls per task and detection lag with the default schedule, against the
// least any schedule that does not know the task's duration can spend for its lag target.

import { seededRandom } from '../packages/testing/dist/index.js';
import { nextPollDelayMs, WORKFLOW_DEFAULTS } from '../packages/workflow/dist/index.js';
import { summarize } from './stats.mjs';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
/** The lag targets of issue 14, which the default schedule's maxima are. */
const LAG = { deletion: WORKFLOW_DEFAULTS.pollMaxDelayMs, retrieval: WORKFLOW_DEFAULTS.retrievalPollMaxDelayMs };

export async function polling({ quick }) {
  const rows = [];
  for (const [kind, label, duration] of [
    ['deletion', '1 h', H],
    ['deletion', '1 day', D],
    ['deletion', '20 days', 20 * D],
    ['retrieval', '1 h', H],
    ['retrieval', '3 days', 3 * D],
  ]) {
    const polls = [];
    const lags = [];
    for (let seed = 1; seed <= (quick ? 3 : 25); seed++) {
      const random = seededRandom(seed);
      let t = 0;
      let n = 0;
      while (t < duration) {
        t += nextPollDelayMs(t, kind, WORKFLOW_DEFAULTS, random);
        n++;
      }
      polls.push(n);
      lags.push(t - duration);
    }
    const least = Math.max(1, duration / LAG[kind]);
    const p = summarize(polls);
    const lag = summarize(lags);
    rows.push({
      id: '4',
      what: `${kind} task of ${label}: polls (detection lag ${(lag.median / H).toFixed(1)} h median, ${(lag.max / H).toFixed(1)} h worst; target ≤ ${LAG[kind] / H} h)`,
      value: p,
      unit: 'polls',
      digits: 1,
      baseline: [`duration ÷ lag target, at least 1`, least],
      ratio: p.median / least,
      target: `≤ 1.5 × the least, lag ≤ ${LAG[kind] / H} h`,
      met: p.median <= 1.5 * least && lag.max <= LAG[kind],
    });
  }
  return rows;
}
