import { ValidationError } from '@mixpanel-gdpr/client';
import { callApi } from './callApi.js';
import type { JobContext } from './JobContext.js';
import { isTaskTerminal, jobOf } from './jobQueries.js';
import { type TaskRecord, WAITING_PHASES } from './ledger/LedgerState.js';

export interface CancelJobResult {
  /** Tasks Mixpanel cancelled (204: they end REVOKED, their ids are not deleted). */
  cancelled: number;
  /** Tasks that had started already (405): they run to their end. */
  tooLate: number;
  /** The job had no batch left to send and no task left to ask: nothing was recorded. */
  nothingToCancel: boolean;
}

/**
 * Stops a deletion job: no further batch is sent, and every task this job
 * created that has not ended is asked to cancel. 204 (cancelled) and 405
 * (started already, too late) are both recorded. Tasks found through a 409
 * belong to someone else's request and are left alone. A job with nothing
 * left to stop is not marked cancelled: its report must not say "cancelled"
 * of a job that ran to its end.
 */
export async function cancelJob(ctx: JobContext, jobId: string, signal?: AbortSignal): Promise<CancelJobResult> {
  const job = jobOf(ctx, jobId);
  if (job.kind !== 'deletion')
    throw new ValidationError('jobId', `job ${jobId} is a retrieval: only deletions can be cancelled`);
  // Asked even when the last poll said STARTED: only Mixpanel's answer is proof either way.
  const askable = [...job.tasks.values()].filter((t) => cancellable(t));
  const waiting = job.cancelledAt === undefined && [...job.batches.values()].some((b) => WAITING_PHASES.has(b.phase));
  if (askable.length === 0 && !waiting) return { cancelled: 0, tooLate: 0, nothingToCancel: true };
  if (job.cancelledAt === undefined) await ctx.ledger.append({ type: 'job.cancelled', jobId, at: ctx.now() });
  let cancelled = 0;
  let tooLate = 0;
  for (const task of askable) {
    const result = await callApi(ctx, { kind: 'cancel', signal }, (s) =>
      ctx.client.cancelDeletion(task.taskId, { signal: s }),
    );
    await ctx.ledger.append({
      type: 'task.cancel',
      jobId,
      at: ctx.now(),
      taskId: task.taskId,
      cancelled: result.cancelled,
      ...(!result.cancelled && { reason: result.reason }),
    });
    ctx.emit({ type: 'cancel', jobId, taskId: task.taskId, cancelled: result.cancelled });
    if (result.cancelled) cancelled++;
    else tooLate++;
  }
  return { cancelled, tooLate, nothingToCancel: false };
}

/** A task this job created, still running, that nobody has asked to cancel yet. */
function cancellable(task: TaskRecord): boolean {
  return task.origin === 'submitted' && !task.cancel && !isTaskTerminal(task);
}
