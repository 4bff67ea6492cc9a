import { MixpanelGdprError, type TaskStatus, TERMINAL_STATUSES } from '@mixpanel-gdpr/client';
import type { JobContext } from './JobContext.js';
import type { JobState, TaskRecord } from './ledger/LedgerState.js';

/**
 * Small questions every stage asks of the ledger state, answered in one
 * place. Pure reads: nothing here sends or records anything.
 */

/** The job, ready to work on: it exists and its ids were read to the end. */
export function jobOf(ctx: JobContext, jobId: string): JobState {
  const job = ctx.ledger.state.jobs.get(jobId);
  if (!job) throw new MixpanelGdprError(`no job ${JSON.stringify(jobId)} in the ledger`);
  if (!job.ingested)
    throw new MixpanelGdprError(`job ${jobId} stopped while reading its ids and sent nothing: start it again`);
  return job;
}

/** Has the task's last known status ended it (SUCCESS, FAILURE, REVOKED, NOT_FOUND)? Never polled, or UNRECOGNISED, is not an end. */
export function isTaskTerminal(task: TaskRecord): boolean {
  return task.status !== undefined && TERMINAL_STATUSES.has(task.status as TaskStatus);
}

/** Is there anything left to do for this task: a poll, or an export to fetch? */
export function isOutstanding(job: JobState, task: TaskRecord): boolean {
  if (!isTaskTerminal(task)) return true;
  return (
    job.kind === 'retrieval' && task.status === 'SUCCESS' && task.origin === 'submitted' && task.export === undefined
  );
}

/** The job's tasks with something left to do, in the order they were created. */
export function outstandingTasks(job: JobState): TaskRecord[] {
  return [...job.tasks.values()].filter((t) => isOutstanding(job, t));
}
