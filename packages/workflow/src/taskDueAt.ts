import { FNV_PRIME, hashBasis } from './ids/idHash.js';
import type { JobContext } from './JobContext.js';
import type { JobState, TaskRecord } from './ledger/LedgerState.js';
import { nextPollDelayMs } from './pollSchedule.js';

/**
 * When `task` is next due for a poll (epoch ms): its last recorded poll, or
 * its submission, plus the schedule's wait (`nextPollDelayMs`), and never
 * before the job's recorded `nextPollAt` (`job.waiting`). From the ledger
 * alone, so whoever polls next (a watch taken up again, another worker, a
 * cron `status --due`) continues the same schedule. `random` draws the
 * jitter; see `scheduleJitter` for callers that ask again and again.
 */
export function taskDueAt(
  ctx: Pick<JobContext, 'options' | 'random'>,
  job: JobState,
  task: TaskRecord,
  random: () => number = ctx.random,
): number {
  const last = task.lastPolledAt ?? task.since;
  const due = last + nextPollDelayMs(last - task.since, job.kind, ctx.options, random);
  return Math.max(due, job.nextPollAt ?? due);
}

/**
 * The jitter of `task`'s next poll, fixed by the task and its last poll, in
 * [0, 1). A cron pass every few minutes asks whether each task is due: a
 * fresh draw on every pass would soon draw the shortest wait, and poll every
 * task early (about 10 % more polls at the default jitter).
 */
export function scheduleJitter(task: TaskRecord): () => number {
  const key = `${task.taskId}@${task.lastPolledAt ?? task.since}`;
  // FNV-1a, as ids are hashed: cheap, and spread enough for a jitter.
  let hash = hashBasis(0);
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), FNV_PRIME);
  const unit = (hash >>> 0) / 2 ** 32;
  return () => unit;
}
