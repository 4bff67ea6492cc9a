import { CLIENT_DEFAULTS, describeValue, type Sleep, ValidationError } from '@mixpanel-gdpr/client';
import { type CancelJobResult, cancelJob } from './cancelJob.js';
import { GaveUpError } from './GaveUpError.js';
import { ingestIds, type NewJob } from './ingestIds.js';
import type { JobContext } from './JobContext.js';
import { type JobProgress, jobProgress } from './jobProgress.js';
import { jobOf } from './jobQueries.js';
import type { Ledger } from './ledger/Ledger.js';
import type { JobState, RequestState } from './ledger/LedgerState.js';
import { type PassOptions, type PassResult, pollOnce, withDownloads } from './pollTasks.js';
import type { ProgressListener } from './progress.js';
import { assertJobProject } from './project/assertJobProject.js';
import { type PaceShare, RateLimiter } from './RateLimiter.js';
import { resolveWorkflowOptions, type WorkflowTunables } from './resolveWorkflowOptions.js';
import { StatusAnswers } from './StatusAnswers.js';
import { submitBatches } from './submitBatches.js';
import { type JobSummary, summarizeJob } from './summarizeJob.js';
import { WatchDeadlineError } from './WatchDeadlineError.js';
import type { WorkflowClient } from './WorkflowClient.js';
import { type WatchOutcome, watchTasks } from './watchTasks.js';
import { type ReportFormat, writeReport } from './writeReport.js';

export interface WorkflowOptions extends WorkflowTunables {
  /**
   * The API client. Build it with `maxRetries: 0`: the workflow retries
   * through its shared rate limiter, and a client retrying on its own would
   * bypass it (see `createWorkflowClient`).
   */
  client: WorkflowClient;
  ledger: Ledger;
  onProgress?: ProgressListener | undefined;
  /** The limiter to share with other workflows of the same project in this process. @default one per workflow */
  limiter?: RateLimiter | undefined;
  /** Epoch ms of the project's last request from another process (see `RateLimiterOptions.lastRequestAt`). */
  lastRequestAt?: number | undefined;
  /** Called with the time of every request this workflow is allowed to send. */
  onRequestGranted?: ((atMs: number) => void) | undefined;
  /** The project's pace shared with other processes (see `RateLimiterOptions.share`). */
  paceShare?: PaceShare | undefined;
  /** For export downloads; never given the Mixpanel token. @default CLIENT_DEFAULTS.fetch (the global fetch) */
  fetch?: typeof fetch | undefined;
  /** @default CLIENT_DEFAULTS.now (Date.now) */
  now?: (() => number) | undefined;
  /** @default CLIENT_DEFAULTS.sleep */
  sleep?: Sleep | undefined;
  /** @default CLIENT_DEFAULTS.random (Math.random) */
  random?: (() => number) | undefined;
}

export interface Signalled {
  signal?: AbortSignal | undefined;
}

export interface RunOptions extends Signalled {
  wait?: boolean | undefined;
  /** With `wait`: leave a job that only waits on polls due later than this, in ms (see `Workflow.run`). */
  leaveIdleAfterMs?: number | undefined;
}

/** Jobs that finish: one object per project and ledger, every stage resumable. */
export interface Workflow {
  /** Reads and plans the ids (nothing is sent); returns the job id. */
  createJob(job: NewJob, options?: Signalled): Promise<string>;
  /** Sends every batch that has no task yet. */
  submit(jobId: string, options?: Signalled): Promise<void>;
  /**
   * One bounded polling pass over outstanding tasks, exports included (for
   * cron): tasks whose poll keeps failing are skipped and listed; with
   * `dueOnly`, tasks not due on their schedule are left alone.
   */
  poll(jobId: string, options?: Signalled & PassOptions): Promise<PassResult>;
  /**
   * Submits what is left and, with `wait`, polls until every task has ended;
   * with `leaveIdleAfterMs` too, only until nothing is left to submit or
   * download and no poll is due within that long (the summary's `nextPollAt`
   * says when to run it again): a worker does not hold a job for weeks.
   */
  run(jobId: string, options?: RunOptions): Promise<JobSummary>;
  /** Cancels a deletion; a job with nothing left to cancel is left as it is (`nothingToCancel`). */
  cancel(jobId: string, options?: Signalled): Promise<CancelJobResult>;
  summary(jobId: string): JobSummary;
  /** Counts and the submission ETA, cheap enough to call on every progress event. */
  progress(jobId: string): JobProgress;
  report(jobId: string, format: ReportFormat, out: NodeJS.WritableStream): Promise<void>;
  jobs(): JobState[];
  /** The job with this id, or undefined if the ledger has none. */
  job(jobId: string): JobState | undefined;
  readonly limiter: RateLimiter;
}

export function createWorkflow(options: WorkflowOptions): Workflow {
  const resolved = resolveWorkflowOptions(options);
  const now = options.now ?? CLIENT_DEFAULTS.now;
  const sleep = options.sleep ?? CLIENT_DEFAULTS.sleep;
  const limiter =
    options.limiter ??
    new RateLimiter({
      ...resolved,
      ...(options.now && { now }),
      sleep,
      ...(options.lastRequestAt !== undefined && { lastRequestAt: options.lastRequestAt }),
      ...(options.onRequestGranted && { onGrant: options.onRequestGranted }),
      ...(options.paceShare && { share: options.paceShare }),
    });
  const ctx: JobContext = {
    client: options.client,
    ledger: options.ledger,
    limiter,
    options: resolved,
    emit: options.onProgress ?? (() => {}),
    now,
    sleep,
    random: options.random ?? CLIENT_DEFAULTS.random,
    fetch: options.fetch ?? CLIENT_DEFAULTS.fetch,
    answers: new StatusAnswers(),
  };

  return {
    limiter,
    createJob: (job, { signal } = {}) => ingestIds(ctx, job, signal),
    submit: async (jobId, { signal } = {}) => submitBatches(ctx, sendable(ctx, jobId), signal),
    poll: async (jobId, { signal, dueOnly } = {}) => pollOnce(ctx, sendable(ctx, jobId), signal, { dueOnly }),
    async run(jobId, { signal, wait = false, leaveIdleAfterMs } = {}) {
      // Checked before either half starts: a watch must not poll another project while submitting fails.
      sendable(ctx, jobId);
      // Below 0 a job with a poll due now would be let go at once, again and again, and never polled.
      if (leaveIdleAfterMs !== undefined && !(leaveIdleAfterMs >= 0))
        throw new ValidationError(
          'leaveIdleAfterMs',
          `leaveIdleAfterMs must be a number of ms >= 0 (got ${describeValue(leaveIdleAfterMs)})`,
        );
      let nextPollAt: number | undefined;
      if (!wait) await submitBatches(ctx, jobId, signal);
      else nextPollAt = await submitAndWatch(ctx, jobId, signal, leaveIdleAfterMs);
      const summary = summarizeJob(jobOf(ctx, jobId), requestsOf(ctx, jobId));
      return nextPollAt === undefined ? summary : { ...summary, nextPollAt: new Date(nextPollAt).toISOString() };
    },
    cancel: async (jobId, { signal } = {}) => cancelJob(ctx, sendable(ctx, jobId), signal),
    summary: (jobId) => summarizeJob(jobOf(ctx, jobId), requestsOf(ctx, jobId)),
    progress: (jobId) => jobProgress(jobOf(ctx, jobId), limiter.intervalMs),
    report: (jobId, format, out) =>
      writeReport(ctx.ledger, jobOf(ctx, jobId), format, out as never, requestsOf(ctx, jobId)),
    jobs: () => [...ctx.ledger.state.jobs.values()],
    job: (jobId) => ctx.ledger.state.jobs.get(jobId),
  };
}

/** The requests a job carries, from the ledger state. */
function requestsOf(ctx: JobContext, jobId: string): RequestState[] {
  const { requests } = ctx.ledger.state;
  return (ctx.ledger.state.jobs.get(jobId)?.requestIds ?? []).flatMap((id) => requests.get(id) ?? []);
}

/** The job id, once the job is known to belong to the client's project: every entry point that sends asks this once. */
function sendable(ctx: JobContext, jobId: string): string {
  assertJobProject(ctx, jobOf(ctx, jobId));
  return jobId;
}

/**
 * Submits and polls at once, within `watchDeadlineMs` (which bounds every
 * retry and wait too). Polls start alongside submissions but only take the
 * slots they leave; exports download beside both. If either half fails, the
 * other is stopped too (and awaited), so nothing keeps polling after the
 * run has failed.
 */
async function submitAndWatch(
  ctx: JobContext,
  jobId: string,
  signal: AbortSignal | undefined,
  leaveIdleAfterMs: number | undefined,
): Promise<number | undefined> {
  const limits = { deadlineAt: ctx.now() + ctx.options.watchDeadlineMs };
  const outcome = await withDownloads({ ...ctx, limits }, signal, async (run, both) => {
    const halves = new AbortController();
    const forward = () => halves.abort(both.reason);
    both.addEventListener('abort', forward, { once: true });
    let submitting = true;
    const submitted = submitBatches(run, jobId, halves.signal).finally(() => (submitting = false));
    const watched = watchTasks(run, jobId, () => submitting, halves.signal, leaveIdleAfterMs);
    try {
      const [, watchOutcome] = await Promise.all([submitted.catch(deadlineToOutcome), watched]);
      return watchOutcome;
    } catch (error) {
      halves.abort(error);
      await Promise.allSettled([submitted, watched]);
      throw error;
    } finally {
      both.removeEventListener('abort', forward);
    }
  });
  if (outcome.state === 'deadline') throw WatchDeadlineError.from(jobId, ctx.options.watchDeadlineMs, outcome);
  return outcome.state === 'idle' ? outcome.nextPollAt : undefined;
}

/** Submissions stopped by the deadline leave their batches waiting; the watch reports the deadline. */
function deadlineToOutcome(error: unknown): WatchOutcome | undefined {
  if (error instanceof GaveUpError && error.reason === 'deadline') return undefined;
  throw error;
}
