import { NotFoundError, type DeletionStatus, type RetrievalStatus } from '@mixpanel-gdpr/client';
import { callApi } from './callApi.js';
import { downloadTaskExport } from './downloadTaskExport.js';
import type { JobContext } from './JobContext.js';
import { isTaskTerminal } from './ledger/applyRecord.js';
import type { JobState, TaskRecord } from './ledger/LedgerState.js';
import { nextPollDelayMs } from './pollSchedule.js';
import { jobOf } from './submitBatches.js';

/** Longest sleep of the watch loop, in ms (or `pollMinDelayMs` if shorter), so tasks added by running submissions are picked up. */
const WATCH_TICK_MS = 1_000;

/** Is there anything left to do for this task: a poll, or an export to fetch? */
export function isOutstanding(job: JobState, task: TaskRecord): boolean {
  if (!isTaskTerminal(task)) return true;
  return job.kind === 'retrieval' && task.status === 'SUCCESS' && task.origin === 'submitted' && task.export === undefined;
}

/** One poll of one task, recorded when its status changed; then its export, if it just became available. */
export async function pollTask(ctx: JobContext, job: JobState, task: TaskRecord, signal?: AbortSignal): Promise<RetrievalStatus | DeletionStatus> {
  const status = await fetchStatus(ctx, job, task.taskId, signal);
  if (status.status !== task.status || status.rawStatus !== task.rawStatus) {
    await ctx.ledger.append({ type: 'task.status', jobId: job.jobId, at: ctx.now(), taskId: task.taskId, status: status.status, rawStatus: status.rawStatus });
    ctx.emit({ type: 'task', jobId: job.jobId, taskId: task.taskId, status: status.status, rawStatus: status.rawStatus });
  }
  if (isOutstanding(job, task) && task.status === 'SUCCESS') await downloadTaskExport(ctx, job, task, (status as RetrievalStatus).downloadUrl, signal);
  return status;
}

/** A task Mixpanel cannot find answers 404 on some paths: that is the NOT_FOUND state, not an error. */
export async function fetchStatus(ctx: JobContext, job: JobState, taskId: string, signal?: AbortSignal): Promise<RetrievalStatus | DeletionStatus> {
  try {
    return await callApi(ctx, 'poll', true, (s) => (job.kind === 'deletion' ? ctx.client.getDeletionStatus(taskId, { signal: s }) : ctx.client.getRetrievalStatus(taskId, { signal: s })), signal);
  } catch (error) {
    if (error instanceof NotFoundError) return { taskId, status: 'NOT_FOUND', rawStatus: `HTTP 404: ${error.mixpanelMessage ?? ''}`.trim() };
    throw error;
  }
}

/** One pass over every outstanding task (for cron): poll each once, fetch exports that are ready or failed before. */
export async function pollOnce(ctx: JobContext, jobId: string, signal?: AbortSignal): Promise<void> {
  const job = jobOf(ctx, jobId);
  for (const task of [...job.tasks.values()]) {
    if (isOutstanding(job, task)) await pollTask(ctx, job, task, signal);
    else if (task.export && 'error' in task.export && task.status === 'SUCCESS') await downloadTaskExport(ctx, job, task, undefined, signal);
  }
}

/** How a watch ended: everything done, or the deadline passed first (and what was seen by then). */
export type WatchOutcome = { state: 'done' } | { state: 'deadline'; polls: number; outstanding: TaskRecord[] };

/**
 * Polls until every task has ended, each on its own schedule (see
 * `nextPollDelayMs`), one poll at a time so that a waiting submission always
 * goes first. `submitting()` says whether more tasks may still appear.
 * Returns an outcome rather than throwing; the public entry point decides.
 */
export async function watchTasks(ctx: JobContext, jobId: string, submitting: () => boolean, signal?: AbortSignal): Promise<WatchOutcome> {
  const job = jobOf(ctx, jobId);
  const deadline = ctx.now() + ctx.options.watchDeadlineMs;
  let polls = 0;
  /** When each task is next due, in this process; a resumed job polls each task once first. */
  const dueAt = new Map<string, number>();
  for (;;) {
    const outstanding = [...job.tasks.values()].filter((t) => isOutstanding(job, t));
    if (outstanding.length === 0 && !submitting()) return { state: 'done' };
    const now = ctx.now();
    if (now >= deadline) return { state: 'deadline', polls, outstanding };
    for (const task of outstanding) {
      if (!dueAt.has(task.taskId)) dueAt.set(task.taskId, task.lastPolledAt === undefined && task.polls === 0 ? task.since + nextPollDelayMs(0, ctx.options, ctx.random) : now);
    }
    const next = outstanding.reduce<TaskRecord | undefined>((a, t) => (a && dueAt.get(a.taskId)! <= dueAt.get(t.taskId)! ? a : t), undefined);
    const tickMs = Math.min(WATCH_TICK_MS, ctx.options.pollMinDelayMs);
    const waitMs = next ? dueAt.get(next.taskId)! - now : tickMs;
    if (waitMs > 0) {
      await ctx.sleep(Math.min(waitMs, tickMs, deadline - now), signal);
      continue;
    }
    await pollTask(ctx, job, next!, signal);
    polls++;
    const polledAt = ctx.now();
    dueAt.set(next!.taskId, polledAt + nextPollDelayMs(polledAt - next!.since, ctx.options, ctx.random));
  }
}
