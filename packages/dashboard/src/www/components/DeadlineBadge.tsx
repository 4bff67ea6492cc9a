import type { Deadline } from '@mixpanel-gdpr/service-client';

/** At risk, overdue or late said in words, not colour alone. */
export function DeadlineBadge({ deadline }: { deadline: Deadline }) {
  if (deadline.overdue) return <span class="badge badge-overdue">Overdue</span>;
  if (deadline.atRisk) return <span class="badge badge-at-risk">At risk</span>;
  if (deadline.late) return <span class="badge badge-late">Late</span>;
  return null;
}

export const deadlineRowClass = (deadline: Deadline): string | undefined =>
  deadline.overdue ? 'row-overdue' : deadline.atRisk ? 'row-at-risk' : undefined;
