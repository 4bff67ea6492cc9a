import type { ReportedStatus } from '@mixpanel-gdpr/client';

/**
 * What happened to one distinct id, as reports state it: the status of the
 * task(s) covering it (the least advanced of several), or where it stopped
 * short of a task.
 *
 * - SUBMITTED: in a task that has not been polled yet.
 * - NOT_SUBMITTED: no task yet, or its batch failed (the row's note says why).
 * - INVALID: not a usable distinct_id; never sent.
 * - CANCELLED: the job was cancelled and the id was NOT deleted (its batch
 *   was never sent, or Mixpanel revoked its task before it started).
 */
export type IdOutcome = ReportedStatus | 'SUBMITTED' | 'NOT_SUBMITTED' | 'INVALID' | 'CANCELLED';
