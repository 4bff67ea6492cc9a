import { MixpanelGdprError } from '@mixpanel-gdpr/client';
import type { JobContext } from './JobContext.js';
import type { JobState, TaskRecord } from './ledger/LedgerState.js';
import { describeProject } from './project/ProjectIdentity.js';

/**
 * A status poll answered 404 with no sign that this project's other tasks
 * can be found: the region or base URL is the likely cause. The task stays
 * outstanding; the pass stops.
 */
export class TaskNotFoundError extends MixpanelGdprError {
  override name = 'TaskNotFoundError';
}

/**
 * What a 404 on a status poll means. Mixpanel answers 404 for a task it
 * cannot find, but so does every task when the region or base URL is wrong,
 * and ending a deletion task NOT_FOUND on that evidence would report people
 * as handled when nobody checked. So:
 *
 * - a 404 is *witnessed* when another task of the same project answered a
 *   status poll normally within `notFoundWitnessWindowMs` before: region,
 *   URL and credentials are then known to be right;
 * - an unwitnessed 404 stops the command with a hint (TaskNotFoundError);
 * - a task ends NOT_FOUND only after `notFoundConfirmations` witnessed 404s
 *   spread over at least `notFoundMinSpanMs`; until then it is polled again
 *   on its usual schedule.
 *
 * Every 404 is recorded (`task.missing`), so the evidence survives restarts
 * and shows in the audit trail.
 */
export async function notFoundRule(ctx: JobContext, job: JobState, task: TaskRecord, detail: string): Promise<void> {
  const at = ctx.now();
  const witnessed = ctx.answers.witnessFor(task.taskId, at - ctx.options.notFoundWitnessWindowMs);
  await ctx.ledger.append({ type: 'task.missing', jobId: job.jobId, at, taskId: task.taskId, witnessed });
  const missing = task.missing!;
  ctx.emit({ type: 'task-missing', jobId: job.jobId, taskId: task.taskId, witnessed, count: missing.witnessed });
  if (!witnessed) {
    const where = ctx.client.project ? ` (now ${describeProject(ctx.client.project)})` : '';
    throw new TaskNotFoundError(
      `Mixpanel answered 404 for task ${task.taskId} of job ${job.jobId}, and no other task of this project answered lately: the region or base URL is probably wrong${where}. ` +
        `The task stays outstanding; nothing was marked. ${detail}`.trim(),
    );
  }
  const spanMs = missing.lastWitnessedAt! - missing.firstWitnessedAt!;
  if (missing.witnessed < ctx.options.notFoundConfirmations || spanMs < ctx.options.notFoundMinSpanMs) return;
  const rawStatus = `HTTP 404 on ${missing.witnessed} polls over ${Math.round(spanMs / 3_600_000)} h while other tasks of the project answered`;
  await ctx.ledger.append({
    type: 'task.status',
    jobId: job.jobId,
    at: ctx.now(),
    taskId: task.taskId,
    status: 'NOT_FOUND',
    rawStatus,
  });
  ctx.emit({ type: 'task', jobId: job.jobId, taskId: task.taskId, status: 'NOT_FOUND', rawStatus });
}
