import { CLIENT_DEFAULTS } from '@mixpanel-gdpr/client';

export interface PollScheduleOptions {
  pollMinDelayMs: number;
  pollMaxDelayMs: number;
  retrievalPollMaxDelayMs: number;
  pollAgeFraction: number;
  pollJitter: number;
}

/** What a task does: a retrieval's export link expires, so it has its own, shorter, longest wait. */
export type PolledKind = 'deletion' | 'retrieval';

/**
 * Wait before the next poll of a task of age `ageMs` (time since it was
 * submitted): a fraction of its age, within [min, max], then made shorter
 * by up to `pollJitter` at random (so tasks submitted together do not poll
 * together). Jitter only ever shortens the wait, so a task is noticed at
 * most `max` after it finished: `max` is the detection-lag target.
 *
 * By default min = max = the lag target (6 h for a deletion, 2 h for a
 * retrieval): a task is polled once per lag target. Nothing earlier helps
 * the target, and the polls are what a month of traffic cannot afford: a
 * task of duration D costs about D / max polls, the least any schedule
 * that does not know D can spend, where the old ramp (a tenth of the age,
 * from 5 s) spent about 98 on a one-day task. A run against a fast fake, or
 * an impatient one, lowers `pollMinDelayMs` and `pollMaxDelayMs` and gets
 * the ramp back.
 */
export function nextPollDelayMs(
  ageMs: number,
  kind: PolledKind,
  options: PollScheduleOptions,
  random: () => number = CLIENT_DEFAULTS.random,
): number {
  const max =
    kind === 'retrieval' ? Math.min(options.pollMaxDelayMs, options.retrievalPollMaxDelayMs) : options.pollMaxDelayMs;
  const min = Math.min(options.pollMinDelayMs, max);
  const base = Math.min(max, Math.max(min, Math.max(0, ageMs) * options.pollAgeFraction));
  return Math.max(1, Math.round(base - base * options.pollJitter * random()));
}
