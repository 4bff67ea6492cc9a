export type FakeTaskKind = 'deletion' | 'retrieval';

export interface FakeTask {
  taskId: string;
  kind: FakeTaskKind;
  ids: string[];
  complianceType: string;
  disclosureType?: string;
  createdAt: number;
  /** Set when cancelled while still PENDING or STAGING. */
  revokedAt?: number;
  /** The task will end in FAILURE (one of its ids is in `failIds`). */
  fails: boolean;
}

export interface FakeTimings {
  /** Time spent PENDING, in ms. */
  pendingMs: number;
  /** Time spent STAGING, in ms. */
  stagingMs: number;
  /** Time spent STARTED, in ms; then SUCCESS or FAILURE. */
  startedMs: number;
}

/** A task's state at `now`: it moves PENDING → STAGING → STARTED → SUCCESS/FAILURE over the timings. */
export function fakeTaskStatus(task: FakeTask, timings: FakeTimings, now: number): string {
  if (task.revokedAt !== undefined) return 'REVOKED';
  const age = now - task.createdAt;
  if (age < timings.pendingMs) return 'PENDING';
  if (age < timings.pendingMs + timings.stagingMs) return 'STAGING';
  if (age < timings.pendingMs + timings.stagingMs + timings.startedMs) return 'STARTED';
  return task.fails ? 'FAILURE' : 'SUCCESS';
}
