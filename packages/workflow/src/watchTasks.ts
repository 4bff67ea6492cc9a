import type { ExportDownloads } from './ExportDownloads.js';
import { GaveUpError } from './GaveUpError.js';
import { isSkippable } from './isSkippable.js';
import type { JobContext } from './JobContext.js';
import { isOutstanding, jobOf, outstandingTasks } from './jobQueries.js';
import type { TaskRecord } from './ledger/LedgerState.js';
import { nextPollDelayMs } from './pollSchedule.js';
import { pollTask } from './pollTasks.js';
import { taskDueAt } from './taskDueAt.js';

/** Longest sleep of the watch loop while submitting, in ms (or `pollMinDelayMs` if shorter), so tasks added by running submissions are picked up. */
const WATCH_TICK_MS = 1_000;

/**
 * How a watch ended: everything done; the deadline passed first (and what was
 * seen by then); or left idle (`leaveIdleAfterMs`), its next poll due at `nextPollAt`.
 */
export type WatchOutcome =
  | { state: 'done' }
  | { state: 'deadline'; polls: number; outstanding: TaskRecord[] }
  | { state: 'idle'; nextPollAt: number };

/**
 * Polls until every task has ended, each on its own schedule (see
 * `nextPollDelayMs`), one poll at a time so that a waiting submission always
 * goes first; exports download beside the polls (`ctx.downloads`).
 * `submitting()` says whether more tasks may still appear. With
 * `leaveIdleAfterMs`, the watch returns once nothing is being submitted or
 * downloaded and no poll is due within that long: a worker then lets the
 * job go until its next poll instead of holding it for weeks, and records
 * when that is (`job.waiting`). The schedule is the tasks' own (their last
 * recorded poll, and that record), so whoever takes the job up again
 * continues it. The deadline is
 * `ctx.limits.deadlineAt`, which also bounds every retry. A task whose id
 * or answer is unusable is left out of this watch (and stays outstanding).
 * Returns an outcome rather than throwing; the public entry point decides.
 */
export async function watchTasks(
  ctx: JobContext,
  jobId: string,
  submitting: () => boolean,
  signal?: AbortSignal,
  leaveIdleAfterMs = Number.POSITIVE_INFINITY,
): Promise<WatchOutcome> {
  const job = jobOf(ctx, jobId);
  const deadline = ctx.limits?.deadlineAt ?? Number.POSITIVE_INFINITY;
  const downloads = ctx.downloads;
  let polls = 0;
  /** When each task is next due: its last poll (or its submission) plus the schedule's wait. */
  const dueAt = new Map<string, number>();
  const leftOut = new Set<string>();
  const pollable = (t: TaskRecord) => isOutstanding(job, t) && !leftOut.has(t.taskId) && !downloads?.has(t.taskId);
  for (;;) {
    downloads?.throwIfFailed();
    const outstanding = [...job.tasks.values()].filter(pollable);
    const now = ctx.now();
    if (outstanding.length === 0 && !submitting()) {
      if (!downloads?.size) return { state: 'done' };
      // Only downloads left: wait for one to end rather than spin.
      await downloads.nextDone();
      continue;
    }
    if (now >= deadline) return { state: 'deadline', polls, outstanding: outstandingTasks(job) };
    for (const task of outstanding) if (!dueAt.has(task.taskId)) dueAt.set(task.taskId, taskDueAt(ctx, job, task));
    const next = outstanding.reduce<TaskRecord | undefined>(
      (a, t) => (a && dueAt.get(a.taskId)! <= dueAt.get(t.taskId)! ? a : t),
      undefined,
    );
    const tickMs = Math.min(WATCH_TICK_MS, ctx.options.pollMinDelayMs);
    const waitMs = next ? dueAt.get(next.taskId)! - now : tickMs;
    if (waitMs > leaveIdleAfterMs && !submitting() && !downloads?.size) {
      const nextPollAt = dueAt.get(next!.taskId)!;
      await ctx.ledger.append({ type: 'job.waiting', jobId, at: now, nextPollAt });
      return { state: 'idle', nextPollAt };
    }
    if (waitMs > 0) {
      // While submitting, wake every tick for the tasks it adds. After that nothing new appears: sleep until the
      // next poll is due (hours, by default), or until a download ends (it may have failed, or freed a task).
      if (submitting() || !downloads?.size)
        await ctx.sleep(Math.min(waitMs, submitting() ? tickMs : waitMs, deadline - now), signal);
      else await sleepUntilDownloadEnds(ctx, downloads, Math.min(waitMs, deadline - now), signal);
      continue;
    }
    try {
      await pollTask(ctx, job, next!, signal);
    } catch (error) {
      if (error instanceof GaveUpError && error.reason === 'deadline')
        return { state: 'deadline', polls, outstanding: outstandingTasks(job) };
      if (signal?.aborted || !isSkippable(error)) throw error;
      leftOut.add(next!.taskId);
      ctx.emit({ type: 'skipped', jobId, taskId: next!.taskId, reason: (error as Error).message });
      continue;
    }
    polls++;
    const polledAt = ctx.now();
    dueAt.set(next!.taskId, polledAt + nextPollDelayMs(polledAt - next!.since, job.kind, ctx.options, ctx.random));
  }
}

/** Sleeps `ms`, cut short when one of the downloads running beside the watch ends. */
async function sleepUntilDownloadEnds(
  ctx: JobContext,
  downloads: ExportDownloads,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const woken = new AbortController();
  const both = signal ? AbortSignal.any([signal, woken.signal]) : woken.signal;
  void downloads.nextDone().then(() => woken.abort());
  try {
    await ctx.sleep(ms, both);
  } catch (error) {
    if (signal?.aborted || !woken.signal.aborted) throw error;
  } finally {
    woken.abort();
  }
}
