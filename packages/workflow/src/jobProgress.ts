import { isTaskTerminal } from './jobQueries.js';
import { IN_TASK_PHASES, type JobState, WAITING_PHASES } from './ledger/LedgerState.js';

export interface JobProgress {
  /** Distinct valid ids in the job. */
  idsTotal: number;
  /** Ids in a task (submitted, or covered by a running one through a 409). */
  idsSubmitted: number;
  /** Batches still to send (none once the job is cancelled: they never will be). */
  batchesWaiting: number;
  tasksTotal: number;
  /** Tasks that have ended (SUCCESS, FAILURE, REVOKED, NOT_FOUND). */
  tasksDone: number;
  /** Time to send the waiting batches at the rate limit, in ms (task completion cannot be foreseen). */
  submitEtaMs: number;
}

/** Counts for a progress display, from the ledger state; `intervalMs` is the limiter's spacing. */
export function jobProgress(job: JobState, intervalMs: number): JobProgress {
  let idsSubmitted = 0;
  let batchesWaiting = 0;
  for (const b of job.batches.values()) {
    if (IN_TASK_PHASES.has(b.phase)) idsSubmitted += b.idCount;
    else if (WAITING_PHASES.has(b.phase) && job.cancelledAt === undefined) batchesWaiting++;
  }
  let tasksDone = 0;
  for (const t of job.tasks.values()) if (isTaskTerminal(t)) tasksDone++;
  return {
    idsTotal: job.ingested?.valid ?? 0,
    idsSubmitted,
    batchesWaiting,
    tasksTotal: job.tasks.size,
    tasksDone,
    submitEtaMs: Math.round(batchesWaiting * intervalMs),
  };
}
