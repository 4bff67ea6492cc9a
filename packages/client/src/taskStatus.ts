/** The task states Mixpanel documents. */
export const TASK_STATUSES = ['PENDING', 'STAGING', 'STARTED', 'SUCCESS', 'FAILURE', 'REVOKED', 'NOT_FOUND', 'UNKNOWN'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * What a status call reports when Mixpanel sends a state this version does
 * not know. It is never mapped to a known state (a new "done-ish" state
 * treated as PENDING would poll forever, treated as SUCCESS would lie);
 * `rawStatus` holds what was sent.
 */
export const UNRECOGNISED_STATUS = 'UNRECOGNISED';
export type ReportedStatus = TaskStatus | typeof UNRECOGNISED_STATUS;

/** SUCCESS, FAILURE, REVOKED and NOT_FOUND end a task. UNKNOWN is transient. */
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['SUCCESS', 'FAILURE', 'REVOKED', 'NOT_FOUND']);

/** A deletion can be cancelled until it starts. */
export const CANCELLABLE_STATUSES: ReadonlySet<TaskStatus> = new Set(['PENDING', 'STAGING']);

export function isTerminalStatus(status: ReportedStatus): boolean {
  return TERMINAL_STATUSES.has(status as TaskStatus);
}

/** Maps a status string in any casing to a known state, or UNRECOGNISED. */
export function toReportedStatus(raw: string): ReportedStatus {
  const upper = raw.trim().toUpperCase();
  return (TASK_STATUSES as readonly string[]).includes(upper) ? (upper as TaskStatus) : UNRECOGNISED_STATUS;
}
