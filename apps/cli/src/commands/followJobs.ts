import { AbortError, AuthenticationError, MixpanelGdprError, PermissionDeniedError } from '@mixpanel-gdpr/client';
import {
  describeProject,
  type HeldLock,
  JobBusyError,
  type JobState,
  jobProject,
  ProjectMismatchError,
  sameProject,
  TaskNotFoundError,
  takeRunLock,
} from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import type { GlobalOptions } from '../config.js';
import { currentJob } from '../currentJob.js';
import { errorCodeOf } from '../errorCodeOf.js';
import { ERROR_CODES } from '../errorCodes.js';
import { EXIT } from '../exitCodes.js';
import { formatSummary, summaryExitCode } from '../formatSummary.js';
import { openSession, type Session } from '../openSession.js';
import { counted } from '../plural.js';
import { WORKER_DEFAULTS } from './workerDefaults.js';

export type FollowMode = 'status' | 'watch' | 'resume';

export interface FollowOptions {
  /** watch and resume: poll until every task has ended. @default true */
  wait?: boolean;
  /** status: poll only the tasks due on their schedule (`--due`). @default false */
  dueOnly?: boolean;
}

/**
 * status: one bounded polling pass (cron-friendly). watch: send what is
 * unsent, then poll until every task has ended. resume: the same, after an
 * interruption. Without a job id, status and watch cover every unfinished
 * job of the current project; jobs of other projects are listed and left.
 * Each job's summary is printed as soon as that job is done with.
 */
export async function followJobs(
  mode: FollowMode,
  jobId: string | undefined,
  globals: GlobalOptions,
  signal: AbortSignal,
  { wait = true, dueOnly = false }: FollowOptions = {},
): Promise<number> {
  const session = await openSession(globals);
  try {
    // A run that stopped after recording requests and before planning every project's jobs: plan them now.
    if (!jobId && mode !== 'status') {
      const recordedBefore = Date.now() - WORKER_DEFAULTS.planAfterMs;
      for (const { project, jobId: planned } of await session.desk.planMissing({ signal, recordedBefore }))
        session.view.info(`job ${planned}: planned in project ${project} for requests a stopped run had not planned`);
    }
    const jobs = jobId ? [jobOf(session, jobId)] : unfinishedJobsOfThisProject(session);
    // The most urgent requests first: a cron pass that is cut short has served them.
    const order = session.desk.jobsByUrgency(jobs.map((j) => j.jobId));
    jobs.sort((a, b) => order.indexOf(a.jobId) - order.indexOf(b.jobId));
    if (jobs.length === 0) {
      session.view.info('no unfinished jobs in the ledger');
      return EXIT.ok;
    }
    if (mode !== 'status') {
      for (const job of jobs.filter((j) => j.cancelledAt !== undefined)) {
        session.view.info(
          `job ${job.jobId} was cancelled on ${new Date(job.cancelledAt!).toISOString()}: no batch will be sent; only its remaining tasks are followed`,
        );
      }
    }
    // One job, one runner: jobs another live process runs are left to it.
    const { runnable, locks, codes: busy } = await claimJobs(session, jobs, mode);
    try {
      signal.throwIfAborted();
      const codes =
        mode === 'status'
          ? await statusPasses(session, runnable, dueOnly, AbortSignal.any([signal, session.leaseLost.signal]))
          : await followTogether(session, runnable, wait, AbortSignal.any([signal, session.leaseLost.signal]));
      return Math.max(EXIT.ok, ...codes, ...busy);
    } finally {
      await Promise.all(locks.map((lock) => lock.release()));
    }
  } finally {
    await session.close();
  }
}

/**
 * Takes the run lock of each job (`takeRunLock`). A job another live
 * process runs is skipped by `status` (a cron pass next to a `watch` is
 * normal) and fails by `watch`/`resume` (exit 4: it was not followed). Then
 * reads what the previous runner recorded: it may have released the lock
 * after this session read the ledger.
 */
export async function claimJobs(
  session: Session,
  jobs: JobState[],
  mode: FollowMode | 'start',
): Promise<{ runnable: JobState[]; locks: HeldLock[]; codes: number[] }> {
  const runnable: JobState[] = [];
  const locks: HeldLock[] = [];
  const codes: number[] = [];
  try {
    for (const job of jobs) {
      const lock = await takeRunLockFor(session, job.jobId, mode).catch((error: unknown) => {
        if (!(error instanceof JobBusyError)) throw error;
        if (mode === 'status') session.view.info(`${error.message}: skipped`);
        else {
          session.view.error('incomplete', `${error.message}: not followed here (it is followed there)`, {
            jobId: job.jobId,
          });
          codes.push(ERROR_CODES.incomplete.exitCode);
        }
        return undefined;
      });
      if (!lock) continue;
      locks.push(lock);
      runnable.push(job);
    }
    await session.ledger.refresh();
  } catch (error) {
    await Promise.all(locks.map((lock) => lock.release()));
    throw error;
  }
  return { runnable, locks, codes };
}

/** One bounded pass per job, one job after the other (cron); exit 4 if some task could not be polled this time. */
async function statusPasses(
  session: Session,
  jobs: JobState[],
  dueOnly: boolean,
  signal: AbortSignal,
): Promise<number[]> {
  const codes: number[] = [];
  let incomplete = 0;
  for (const job of jobs) {
    currentJob.id = job.jobId;
    if (!(await statusPass(session, job, dueOnly, signal))) incomplete++;
    const s = session.workflowFor(job).summary(job.jobId);
    session.view.result({ type: 'summary', ...s }, formatSummary(s, session.view));
    codes.push(summaryExitCode(s, false));
  }
  if (incomplete) {
    session.view.error(
      'incomplete',
      `${counted(incomplete, 'job')} could not be polled in full this time: run status again`,
    );
    codes.push(ERROR_CODES.incomplete.exitCode);
  }
  return codes;
}

/**
 * One pass over one job's tasks; false when some could not be polled this
 * time. A failure of this job alone is reported and the pass goes on to the
 * next job: one broken job must not starve a cron run of all the others.
 * Refused credentials, a 404 pointing at the wrong region, an interruption
 * or a failing ledger stop everything.
 */
async function statusPass(session: Session, job: JobState, dueOnly: boolean, signal: AbortSignal): Promise<boolean> {
  try {
    const { skipped, notDue, nextDueAt } = await session.workflowFor(job).poll(job.jobId, { signal, dueOnly });
    for (const s of skipped) session.view.info(`job ${job.jobId}: task ${s.taskId} not polled this time: ${s.reason}`);
    if (notDue > 0) {
      const first = new Date(nextDueAt!).toISOString();
      session.view.result(
        { type: 'not-due', jobId: job.jobId, tasks: notDue, nextDueAt: first },
        `job ${job.jobId}: ${counted(notDue, 'task')} not due yet, the first at ${first}`,
      );
    }
    return skipped.length === 0;
  } catch (error) {
    if (concernsAll(error) || signal.aborted) throw error;
    session.view.error(
      errorCodeOf(error),
      `job ${job.jobId}: this pass failed (${(error as Error).message}); going on with the other jobs`,
      { jobId: job.jobId },
    );
    return false;
  }
}

/**
 * watch and resume: every job at once, under the project's one rate limiter,
 * so that a retrieval does not wait behind a 30-day deletion. An error that
 * concerns every job stops them all and is thrown; any other stops only its
 * own job, which is reported, and the others go on (with one job, it is
 * thrown as it is).
 */
async function followTogether(
  session: Session,
  jobs: JobState[],
  wait: boolean,
  signal: AbortSignal,
): Promise<number[]> {
  // With one job an interruption can name it; with several, `watch` takes them all up again.
  currentJob.id = jobs.length === 1 ? jobs[0]!.jobId : undefined;
  const all = new AbortController();
  const forward = () => all.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  const thrown: unknown[] = [];
  try {
    const codes = await Promise.all(
      jobs.map((job) =>
        followOne(session, job, wait, all.signal).catch((error: unknown) => {
          if (jobs.length > 1 && !concernsAll(error) && !all.signal.aborted) return reportJobError(session, job, error);
          all.abort(error);
          thrown.push(error);
          return EXIT.failed;
        }),
      ),
    );
    // The first error thrown is the cause; those after it are the other jobs being stopped.
    if (thrown.length) throw thrown[0];
    return codes;
  } finally {
    signal.removeEventListener('abort', forward);
  }
}

async function followOne(session: Session, job: JobState, wait: boolean, signal: AbortSignal): Promise<number> {
  const workflow = session.workflowFor(job);
  session.view.track(job.jobId, () => workflow.progress(job.jobId));
  const summary = await workflow.run(job.jobId, { signal, wait });
  session.view.result({ type: 'summary', ...summary }, formatSummary(summary, session.view));
  return summaryExitCode(summary, wait);
}

/** How long a new job's start waits for a `status` pass that found it first (it has no task yet: a moment). */
const START_WAIT_MS = 30_000;

async function takeRunLockFor(session: Session, jobId: string, mode: FollowMode | 'start'): Promise<HeldLock> {
  const deadline = Date.now() + START_WAIT_MS;
  for (;;) {
    try {
      return session.store.postgres
        ? await takeJobLease(session, jobId)
        : await takeRunLock(session.config.ledgerPath, jobId);
    } catch (error) {
      if (mode !== 'start' || !(error instanceof JobBusyError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * On the shared store, the job's lease (the one its running records are
 * fenced by), renewed until released; a worker holding it makes the job busy.
 */
async function takeJobLease(session: Session, jobId: string): Promise<HeldLock> {
  const { leases, module } = session.store.postgres!;
  const leaseMs = WORKER_DEFAULTS.leaseMs;
  const lease = await leases.claim(module.jobLease(jobId), leaseMs);
  if (!lease) throw new JobBusyError(jobId, undefined);
  const stop = new AbortController();
  // A lost lease (the database away longer than the lease) means a worker may run the job now: stop here.
  const alive = leases.keepAlive(lease, leaseMs, {
    signal: stop.signal,
    onLost: () => session.leaseLost.abort(new Error(`lost the lease of job ${jobId}: another process may run it now`)),
  });
  return {
    async release() {
      stop.abort();
      await alive.catch(() => {});
      await leases.release(lease).catch(() => {});
    },
  };
}

function reportJobError(session: Session, job: JobState, error: unknown): number {
  const code = errorCodeOf(error);
  const message = (error as Error).message.split('\n')[0]!;
  session.view.error(code, message.includes(job.jobId) ? message : `job ${job.jobId}: ${message}`, {
    jobId: job.jobId,
  });
  return ERROR_CODES[code].exitCode;
}

/** Errors about every job, not one: the credentials, the region or URL, the ledger (not a MixpanelGdprError), an interruption. */
function concernsAll(error: unknown): boolean {
  return (
    !(error instanceof MixpanelGdprError) ||
    error instanceof AbortError ||
    error instanceof AuthenticationError ||
    error instanceof PermissionDeniedError ||
    error instanceof TaskNotFoundError ||
    error instanceof ProjectMismatchError
  );
}

function unfinishedJobsOfThisProject(session: Session): JobState[] {
  const all = session.workflow.jobs().filter((j) => j.ingested && !session.workflow.summary(j.jobId).complete);
  // Jobs of projects this run has no credentials for (another configuration, a project not chosen) are left.
  const elsewhere = all.filter((j) => !session.projects.has(jobProject(j)));
  for (const j of elsewhere)
    session.view.info(`job ${j.jobId} belongs to project ${jobProject(j)}, not used here: left alone`);
  const unfinished = all.filter((j) => !elsewhere.includes(j));
  if (elsewhere.length > 0 && unfinished.length === 0)
    throw new CliError(
      `every unfinished job belongs to a project not used here (${[...new Set(elsewhere.map(jobProject))].join(', ')}): give its configuration with --config`,
      'project_mismatch',
    );
  const current = session.project;
  if (!current) return unfinished;
  const others = unfinished.filter((j) => j.project && !sameProject(j.project, current));
  for (const j of others)
    session.view.info(`job ${j.jobId} belongs to another project (${describeProject(j.project!)}): left alone`);
  if (others.length > 0 && others.length === unfinished.length) {
    throw new CliError(
      `every unfinished job belongs to another project than this one (${describeProject(current)}): check the credentials, region and base URL`,
      'project_mismatch',
    );
  }
  return unfinished.filter((j) => !others.includes(j));
}

export function known(session: Session, jobId: string): string {
  return jobOf(session, jobId).jobId;
}

function jobOf(session: Session, jobId: string): JobState {
  const job = session.workflow.job(jobId);
  if (!job)
    throw new CliError(`no job ${JSON.stringify(jobId)} in ${session.config.ledgerPath} (see \`mixpanel-gdpr jobs\`)`);
  if (!job.ingested)
    throw new CliError(
      `job ${jobId} stopped while reading its ids, before sending anything: start it again`,
      'invalid_input',
    );
  return job;
}
