import { MixpanelGdprError } from '@mixpanel-gdpr/client';
import { callApi } from './callApi.js';
import type { JobContext } from './JobContext.js';
import { assertJobProject } from './project/assertJobProject.js';
import { isTaskTerminal, jobOf } from './jobQueries.js';

/**
 * Stops a deletion job: no further batch is sent, and every task this job
 * created that has not ended is asked to cancel. 204 (cancelled) and 405
 * (started already, too late) are both recorded. Tasks found through a 409
 * belong to someone else's request and are left alone.
 */
export async function cancelJob(ctx: JobContext, jobId: string, signal?: AbortSignal): Promise<{ cancelled: number; tooLate: number }> {
  const job = jobOf(ctx, jobId);
  if (job.kind !== 'deletion') throw new MixpanelGdprError(`job ${jobId} is a retrieval: only deletions can be cancelled`);
  assertJobProject(ctx, job);
  if (job.cancelledAt === undefined) await ctx.ledger.append({ type: 'job.cancelled', jobId, at: ctx.now() });
  let cancelled = 0;
  let tooLate = 0;
  for (const task of job.tasks.values()) {
    // Asked even when the last poll said STARTED: only Mixpanel's answer is proof either way.
    if (task.origin !== 'submitted' || task.cancel || isTaskTerminal(task)) continue;
    const result = await callApi(ctx, { kind: 'cancel', signal }, (s) => ctx.client.cancelDeletion(task.taskId, { signal: s }));
    await ctx.ledger.append({ type: 'task.cancel', jobId, at: ctx.now(), taskId: task.taskId, cancelled: result.cancelled, ...(!result.cancelled && { reason: result.reason }) });
    ctx.emit({ type: 'cancel', jobId, taskId: task.taskId, cancelled: result.cancelled });
    if (result.cancelled) cancelled++;
    else tooLate++;
  }
  return { cancelled, tooLate };
}
