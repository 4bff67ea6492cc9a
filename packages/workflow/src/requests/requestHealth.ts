import type { RequestState } from '../ledger/LedgerState.js';
import { daysLeft } from './daysLeft.js';
import type { RequestPolicy } from './RequestPolicy.js';
import type { RequestProgress } from './requestProgress.js';

/** How a request stands against its legal deadline. */
export interface RequestHealth {
  /** The due date in force (the extended one, once extended), YYYY-MM-DD in the request's time zone. */
  dueDate: string;
  /** The first instant after that date ends, epoch ms. */
  dueAt: number;
  /** Calendar days from today to the due date: 0 on the due day, negative once past. */
  daysLeft: number;
  /** Open past its due date. */
  overdue: boolean;
  /** Open, not overdue, and likely to miss the deadline (see `reasons`). */
  atRisk: boolean;
  /** Done after its due date ended. */
  late: boolean;
  /** Why it is at risk or overdue, as sentences. */
  reasons: string[];
}

/**
 * At risk: not wholly submitted `submitWithinMs` after receipt (Mixpanel
 * may take 30 days to delete, so time spent before submitting is time the
 * deadline cannot spare), fewer than `atRiskDaysLeft` days left while not
 * done, or failed at Mixpanel (a person must act). Overdue: still open once
 * the due date has ended.
 */
export function requestHealth(
  request: RequestState,
  progress: RequestProgress,
  policy: RequestPolicy,
  nowMs: number,
): RequestHealth {
  const dueDate = request.extension?.dueDate ?? request.dueDate;
  const dueAt = request.extension?.dueAt ?? request.dueAt;
  const left = daysLeft(dueDate, nowMs, request.timeZone);
  const closed = progress.stage === 'done' || progress.stage === 'cancelled';
  const reasons: string[] = [];
  const overdue = !closed && nowMs >= dueAt;
  if (overdue) reasons.push(`overdue: due ${dueDate}, ${-left} day${left === -1 ? '' : 's'} ago`);
  if (!closed && !overdue) {
    if (progress.stage === 'failed') reasons.push('failed at Mixpanel: a task, batch or export did not succeed');
    const waited = nowMs - request.receivedAt;
    if (progress.stage === 'not submitted' && waited > policy.submitWithinMs)
      reasons.push(
        `not submitted ${Math.floor(waited / 3_600_000)} h after receipt (limit ${Math.round(policy.submitWithinMs / 3_600_000)} h)`,
      );
    if (left < policy.atRiskDaysLeft) reasons.push(`${left} day${left === 1 ? '' : 's'} left and not done`);
  }
  return {
    dueDate,
    dueAt,
    daysLeft: left,
    overdue,
    atRisk: !overdue && reasons.length > 0,
    late: progress.stage === 'done' && progress.doneAt !== undefined && progress.doneAt >= dueAt,
    reasons,
  };
}

/**
 * The next instant after `nowMs` at which `requestHealth` can answer
 * differently with the same request and progress, other than the end of the
 * local day (its days left): the due time, the end of the "submit within"
 * window, and, once past it, each whole hour (the reason counts the hours
 * waited). Keep it in step with the reasons above.
 */
export function nextHealthChange(
  request: RequestState,
  progress: RequestProgress,
  policy: RequestPolicy,
  nowMs: number,
): number {
  const dueAt = request.extension?.dueAt ?? request.dueAt;
  let next = Number.POSITIVE_INFINITY;
  const consider = (instant: number) => {
    if (instant > nowMs && instant < next) next = instant;
  };
  consider(dueAt);
  const limit = request.receivedAt + policy.submitWithinMs;
  // "Waited more than the limit" turns true just after it: at the limit itself, nothing may be kept.
  if (limit === nowMs) return nowMs;
  consider(limit);
  const waited = nowMs - request.receivedAt;
  if (progress.stage === 'not submitted' && nowMs > limit)
    consider(request.receivedAt + (Math.floor(waited / 3_600_000) + 1) * 3_600_000);
  return next;
}
