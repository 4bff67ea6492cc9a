import type { JobContext } from './JobContext.js';
import type { JobState, TaskRecord } from './ledger/LedgerState.js';
import { nextPollDelayMs } from './pollSchedule.js';

/**
 * When `task` is next due for a poll (epoch ms): its last recorded poll, or
 * its submission, plus the schedule's wait (`nextPollDelayMs`), and never
 * before the job's recorded `nextPollAt` (`job.waiting`). From the ledger
 * alone, so whoever polls next (a watch taken up again, another worker, a
 * cron `status --due`) continues the same schedule.
 */
export function taskDueAt(ctx: Pick<JobContext, 'options' | 'random'>, job: JobState, task: TaskRecord): number {
  const last = task.lastPolledAt ?? task.since;
  const due = last + nextPollDelayMs(last - task.since, job.kind, ctx.options, ctx.random);
  return Math.max(due, job.nextPollAt ?? due);
}
