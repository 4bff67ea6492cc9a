import { CLIENT_DEFAULTS } from '@mixpanel-gdpr/client';

export interface PollScheduleOptions {
  pollMinDelayMs: number;
  pollMaxDelayMs: number;
  pollAgeFraction: number;
  pollJitter: number;
}

/**
 * Wait before the next poll of a task of age `ageMs` (time since it was
 * submitted): a fraction of its age, within [min, max], made shorter by up
 * to `pollJitter` at random. Jitter only ever shortens the wait, so the
 * promise "noticed within fraction × age, at most max late" holds.
 *
 * A task that finishes at age A is then noticed by A + fraction·A at the
 * latest, and at most `pollMaxDelayMs` late, and a 30-day task costs about
 * ln(30 d / min) / ln(1 + fraction) + (30 d / max) polls instead of one per
 * few seconds: a 1M-id job's 500 tasks cannot starve its own submissions.
 */
export function nextPollDelayMs(
  ageMs: number,
  options: PollScheduleOptions,
  random: () => number = CLIENT_DEFAULTS.random,
): number {
  const base = Math.min(
    options.pollMaxDelayMs,
    Math.max(options.pollMinDelayMs, Math.max(0, ageMs) * options.pollAgeFraction),
  );
  const spread = -base * options.pollJitter * random();
  return Math.round(Math.min(options.pollMaxDelayMs, Math.max(options.pollMinDelayMs, base + spread)));
}
