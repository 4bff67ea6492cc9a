import { type DeletionStatus, NotFoundError } from '@mixpanel-gdpr/client';
import { downloadTaskExport } from './downloadTaskExport.js';
import { ExportDownloads } from './ExportDownloads.js';
import { fetchStatus } from './fetchStatus.js';
import { isSkippable } from './isSkippable.js';
import type { JobContext } from './JobContext.js';
import { isOutstanding, isTaskTerminal, jobOf } from './jobQueries.js';
import type { JobState, TaskRecord } from './ledger/LedgerState.js';
import type { MixpanelTaskFields } from './ledger/records.js';
import { notFoundRule } from './notFoundRule.js';
import { scheduleJitter, taskDueAt } from './taskDueAt.js';

/**
 * One poll of one task, recorded when its status changed; then its export,
 * if it just became available (in the background when the command runs
 * downloads beside its polls). A 404 goes to `notFoundRule`.
 */
export async function pollTask(ctx: JobContext, job: JobState, task: TaskRecord, signal?: AbortSignal): Promise<void> {
  let status: Awaited<ReturnType<typeof fetchStatus>>;
  try {
    status = await fetchStatus(ctx, job, task.taskId, signal);
  } catch (error) {
    if (error instanceof NotFoundError) return notFoundRule(ctx, job, task, error.mixpanelMessage ?? '');
    throw error;
  }
  if (status.status !== task.status || status.rawStatus !== task.rawStatus) {
    await ctx.ledger.append({
      type: 'task.status',
      jobId: job.jobId,
      at: ctx.now(),
      taskId: task.taskId,
      status: status.status,
      rawStatus: status.rawStatus,
      ...mixpanelFields(status),
    });
    ctx.emit({
      type: 'task',
      jobId: job.jobId,
      taskId: task.taskId,
      status: status.status,
      rawStatus: status.rawStatus,
    });
  } else {
    // Unchanged, recorded all the same: the next watcher's schedule starts from this poll (see `task.polled`).
    await ctx.ledger.append({ type: 'task.polled', jobId: job.jobId, at: ctx.now(), taskId: task.taskId });
  }
  if (isOutstanding(job, task) && task.status === 'SUCCESS')
    await fetchExport(ctx, job, task, (status as { downloadUrl?: string }).downloadUrl, signal);
}

function fetchExport(
  ctx: JobContext,
  job: JobState,
  task: TaskRecord,
  link: string | undefined,
  signal?: AbortSignal,
): Promise<void> {
  if (!ctx.downloads) return downloadTaskExport(ctx, job, task, link, signal);
  ctx.downloads.start(job, task, link, signal);
  return Promise.resolve();
}

/**
 * Runs `body` with export downloads beside it; when `body` fails, the
 * downloads are stopped and awaited before the error goes on, so nothing
 * keeps running after the command has failed.
 */
export async function withDownloads<T>(
  ctx: JobContext,
  signal: AbortSignal | undefined,
  body: (ctx: JobContext, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const stop = new AbortController();
  const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const downloads = new ExportDownloads(ctx);
  const inner: JobContext = { ...ctx, downloads };
  try {
    const result = await body(inner, both);
    await downloads.settle();
    return result;
  } catch (error) {
    stop.abort(error);
    await downloads.settle().catch(() => {});
    throw error;
  }
}

/** What one pass did: tasks polled, and those given up on for now (the next pass tries again). */
export interface PassResult {
  polled: number;
  skipped: Array<{ taskId: string; reason: string }>;
  /** With `dueOnly`: outstanding tasks left alone because their next poll is not due yet. */
  notDue: number;
  /** With `dueOnly`: when the first of those is due (epoch ms). */
  nextDueAt?: number;
}

export interface PassOptions {
  /**
   * Poll only the tasks whose next poll is due on their schedule
   * (`taskDueAt`), as a watch would: a cron pass every few minutes then
   * polls each task once per detection-lag target instead of every time.
   * @default false (every outstanding task, now)
   */
  dueOnly?: boolean | undefined;
}

/**
 * One bounded pass over every outstanding task (for cron): each is polled
 * once, with few retries and short waits (`onePassMaxFailures`,
 * `onePassMaxWaitMs`); a task whose poll keeps failing is skipped and
 * reported, so the pass always ends. Exports that are ready, or failed
 * before, are fetched. Tasks that answered 404 before go last, so that the
 * others first show whether the region and URL are right. With `dueOnly`,
 * tasks whose next poll is not due are left for a later pass.
 */
export async function pollOnce(
  ctx: JobContext,
  jobId: string,
  signal?: AbortSignal,
  { dueOnly = false }: PassOptions = {},
): Promise<PassResult> {
  const job = jobOf(ctx, jobId);
  const limits = { maxFailures: ctx.options.onePassMaxFailures, maxWaitMs: ctx.options.onePassMaxWaitMs };
  const tasks = [...job.tasks.values()].sort(
    (a, b) => Number(a.missing !== undefined) - Number(b.missing !== undefined),
  );
  const notDue = dueOnly ? notDueYet(ctx, job, tasks) : new Map<string, number>();
  return withDownloads({ ...ctx, limits }, signal, async (pass, passSignal) => {
    const result: PassResult = { polled: 0, skipped: [], notDue: 0 };
    for (const task of tasks) {
      pass.downloads!.throwIfFailed();
      try {
        if (isOutstanding(job, task) && !pass.downloads!.has(task.taskId)) {
          const dueAt = notDue.get(task.taskId);
          if (dueAt !== undefined) {
            result.notDue++;
            result.nextDueAt = Math.min(result.nextDueAt ?? dueAt, dueAt);
            continue;
          }
          await pollTask(pass, job, task, passSignal);
          result.polled++;
        } else if (task.export && 'error' in task.export && task.status === 'SUCCESS')
          pass.downloads!.start(job, task, undefined, passSignal);
      } catch (error) {
        if (passSignal.aborted || !isSkippable(error)) throw error;
        const reason = (error as Error).message;
        result.skipped.push({ taskId: task.taskId, reason });
        ctx.emit({ type: 'skipped', jobId, taskId: task.taskId, reason });
      }
    }
    return result;
  });
}

/**
 * The outstanding tasks a `dueOnly` pass leaves alone, with when each is
 * due. Due now: those whose schedule says so (`taskDueAt`), and a finished
 * retrieval still waiting for its export. A 404 counts only when another
 * task of the project answers in the same pass (see `notFoundRule`): when a
 * task that answered 404 before is due and none of the others is, the
 * earliest of those others is polled too, first, as its witness.
 */
function notDueYet(ctx: JobContext, job: JobState, tasks: TaskRecord[]): Map<string, number> {
  const now = ctx.now();
  const notDue = new Map<string, number>();
  for (const task of tasks) {
    if (!isOutstanding(job, task) || isTaskTerminal(task)) continue;
    const dueAt = taskDueAt(ctx, job, task, scheduleJitter(task));
    if (dueAt > now) notDue.set(task.taskId, dueAt);
  }
  const due = tasks.filter((t) => isOutstanding(job, t) && !notDue.has(t.taskId));
  if (due.some((t) => t.missing !== undefined) && due.every((t) => t.missing !== undefined)) {
    const witness = [...notDue]
      .filter(([taskId]) => job.tasks.get(taskId)!.missing === undefined)
      .sort(([, a], [, b]) => a - b)[0];
    if (witness) notDue.delete(witness[0]);
  }
  return notDue;
}

/** Mixpanel's own fields of a deletion status (who asked, when, which project), kept as evidence. */
function mixpanelFields(status: Awaited<ReturnType<typeof fetchStatus>>): { mixpanel?: MixpanelTaskFields } {
  const s = status as DeletionStatus;
  const fields: MixpanelTaskFields = {
    ...(s.trackingId && { trackingId: s.trackingId }),
    ...(s.requestingUser && { requestingUser: s.requestingUser }),
    ...(s.complianceType && { complianceType: s.complianceType }),
    ...(s.projectId && { projectId: s.projectId }),
    ...(s.dateRequested && { dateRequested: s.dateRequested }),
  };
  return Object.keys(fields).length ? { mixpanel: fields } : {};
}
